"""Where the command line writes: output files and folders, tested before any work starts.

A run that takes minutes and then cannot write its results is worse than one that refuses at
once, so every command tests its destinations first, for real: it creates and removes a
temporary file where the output will go (permission bits do not stop root, and /proc or a
read-only mount are only found out by trying).  Nothing is left behind, and a folder that does
not exist yet is not created by the test (only by the write that follows the work).

Errors are :class:`OutputPathError`, one line naming the option, e.g.
``--json /proc/x.json: cannot write there (No such file or directory)``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dlncheck.checks.instances import InstanceError


class OutputPathError(InstanceError):
    """An output location that cannot be written; the message is one line naming the option.

    A subclass of :class:`~checks.instances.InstanceError`, so the command line reports it as a
    usage error (exit code 2).
    """


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _probe(folder: Path, option: str, path: Path) -> None:
    """Create and remove a temporary file in ``folder`` (an existing folder)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".dlncheck-probe-", suffix=".tmp")
    except OSError as exc:
        raise OutputPathError(f"{option} {path}: cannot write there ({_reason(exc)})") from None
    os.close(fd)
    os.unlink(tmp)


def _existing_ancestor(path: Path) -> Path:
    """The nearest ancestor of ``path`` that exists (as anything: a folder or a file)."""
    for parent in path.absolute().parents:
        if os.path.lexists(parent):
            return parent
    return Path(path.absolute().anchor)


def require_writable_file(path: str | os.PathLike[str], option: str) -> Path:
    """Check that ``path`` can be written as a file (created, or replaced if it exists).

    Refused: a folder; an existing special file (a device, a pipe: the write replaces the file,
    it does not write into it); a parent folder that does not exist or is a file; a place where
    a file cannot be created.  The parent folder must exist: a typo in it is more likely than a
    wish for new folders.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f"{option} {path}: is a folder; give a file name")
    if os.path.lexists(path) and not path.is_file():
        raise OutputPathError(f"{option} {path}: exists and is not a regular file")
    parent = path.parent
    if not parent.exists():
        ancestor = _existing_ancestor(path)
        if not ancestor.is_dir():
            raise OutputPathError(f"{option} {path}: {ancestor} is a file, not a folder")
        raise OutputPathError(f"{option} {path}: folder {parent} does not exist")
    if not parent.is_dir():
        raise OutputPathError(f"{option} {path}: {parent} is a file, not a folder")
    _probe(parent, option, path)
    return path


def require_writable_folder(path: str | os.PathLike[str], option: str, create: bool = False) -> Path:
    """Check that files can be written in the folder ``path``.

    With ``create`` a missing folder is accepted when it can be created (the nearest existing
    ancestor is a folder in which one can write); it is not created here.  Refused: a file; a
    missing folder (without ``create``); a place where nothing can be written.
    """
    path = Path(path)
    if path.is_dir():
        _probe(path, option, path)
        return path
    if os.path.lexists(path):
        raise OutputPathError(f"{option} {path}: is a file, not a folder")
    if not create:
        raise OutputPathError(f"{option} {path}: folder does not exist")
    ancestor = _existing_ancestor(path)
    if not ancestor.is_dir():
        raise OutputPathError(f"{option} {path}: {ancestor} is a file, not a folder")
    _probe(ancestor, option, path)
    return path
