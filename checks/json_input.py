"""JSON documents as dlncheck reads them: bounded in size and nesting, numbers kept exact.

Every file the command line reads (instance files, results files, the state file, stored
counterexamples) goes through :func:`parse_document`, so that a malformed, truncated, deeply
nested or oversized document is one line naming what is wrong, never a traceback:

* at most ``MAX_DOCUMENT_BYTES`` (checked from the file's size, before it is read);
* nested at most ``MAX_NESTING`` deep (Python's decoder would otherwise hit its recursion limit);
* numbers with at most ``MAX_NUMBER_DIGITS`` digits (Python refuses to convert integers of more
  than 4300 digits, and no computation here needs more than the 10,000 working digits it is
  limited to: a datum is exact at 1000 digits or given as a rational);
* decimal literals kept as their text (a plain ``str``, as if the number had been written as a
  string) when the numbers must stay exact, so ``1e400`` or ``0.1`` never passes through a float.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from dlncheck.checks.errors import InstanceError

# An instance of M × N = 1,000,000 entries written as 17-digit decimals is about 22 MB; results
# files of a full run are about 2 MB.  Beyond this a file is not one of ours (or needs a
# computation no command here finishes in reasonable time).
MAX_DOCUMENT_BYTES = 64 * 2**20
# Instance files nest 4 deep ({"init": {"factors": [[...]]}}), results files about 10.
MAX_NESTING = 32
MAX_NUMBER_DIGITS = 1000


class JsonInputError(InstanceError):
    """A document that cannot be read as JSON within the limits above (one line)."""


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _number_hooks(source: str, exact: bool):
    # Integers are left to Python's decoder (a hook would cost a Python call for each of the
    # millions of integers of a large matrix); it refuses more than 4300 digits itself, and
    # parse_number bounds the rest.

    def decimal(text: str) -> Any:
        mantissa = text.lower().split("e")[0]
        if _digits(mantissa) > MAX_NUMBER_DIGITS:
            raise JsonInputError(
                f"{source}: a number of {_digits(mantissa)} digits; numbers may have at most "
                f"{MAX_NUMBER_DIGITS} digits"
            )
        return text if exact else float(text)

    def constant(name: str) -> Any:
        raise JsonInputError(f"{source}: non-finite number {name}; write finite numbers as strings")

    return decimal, constant


def nesting_depth(value: Any) -> int:
    """How deep lists and objects nest (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)] if type(value) in (dict, list) else []
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if type(item) is dict else item
        stack.extend((child, depth + 1) for child in children if type(child) in (dict, list))
    return deepest


def parse_document(text: str, source: str, exact_numbers: bool = True) -> Any:
    """Decode ``text``; errors are :class:`JsonInputError` naming ``source`` and the fault."""
    decimal, constant = _number_hooks(source, exact_numbers)
    try:
        data = json.loads(text, parse_float=decimal, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"malformed JSON in {source} at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # an integer beyond Python's limit for converting text (4300 digits)
        if "digits" not in str(exc):
            raise
        raise JsonInputError(
            f"{source}: an integer of more than 4300 digits; numbers may have at most "
            f"{MAX_NUMBER_DIGITS} digits"
        ) from None
    except RecursionError:
        raise JsonInputError(f"{source}: JSON nested deeper than {MAX_NESTING} levels") from None
    if nesting_depth(data) > MAX_NESTING:
        raise JsonInputError(f"{source}: JSON nested deeper than {MAX_NESTING} levels")
    return data


def read_document(path: str | os.PathLike[str], what: str, exact_numbers: bool = True) -> Any:
    """Read and decode the JSON file ``path`` (``what`` names it in errors: "instance file")."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise JsonInputError(f"{what} {path} is a folder, not a file")
        if size > MAX_DOCUMENT_BYTES:
            raise JsonInputError(
                f"{what} {path} has {size / 2**20:.0f} MiB; files of at most "
                f"{MAX_DOCUMENT_BYTES // 2**20} MiB are read"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JsonInputError(f"{what} not found: {path}") from None
    except UnicodeDecodeError:
        raise JsonInputError(f"{what} {path} is not UTF-8 text") from None
    except OSError as exc:
        raise JsonInputError(f"cannot read {what} {path}: {exc.strerror or type(exc).__name__}") from None
    return parse_document(text, str(path), exact_numbers)
