"""``python -m dlncheck``: the command line."""

import sys

from dlncheck.checks.cli import main

sys.exit(main())
