"""Files written whole or not at all: the one writer of every result, report and cache file.

A command that stops half way (an error, Ctrl-C, a full disk) must not leave a half-written
file where a reader expects a complete one, so every file goes through a temporary file in
the same folder and ``os.replace`` (atomic on POSIX and Windows).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so no half-written file remains.

    The file ends with the mode a plain ``open(path, "w")`` gives: a new file 0o666 less the
    umask (the temporary file is created with ``os.open(..., 0o666)``, so the kernel applies the
    umask and any default ACL, where ``tempfile.mkstemp`` would give 0o600); a file that is
    replaced keeps its mode (a report the user made private stays private).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_temporary_file(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if path.is_file():
                os.fchmod(handle.fileno(), stat.S_IMODE(path.stat().st_mode))
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_temporary_file(path: Path) -> tuple[int, Path]:
    """Create ``.<name>.<random>.tmp`` beside ``path`` with mode 0o666 (less the umask)."""
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")
