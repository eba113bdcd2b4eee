"""What each registered claim declares, read without importing the claims when nothing changed.

``dlncheck list`` and ``dlncheck show`` print declarations: a claim's id, kind, expected
verdict, where it is declared, its checks and its audit.  Reading them from the registry means
importing every claim module, and with them SymPy, SciPy and hypothesis: seconds before the
first line.  A declaration is a function of the sources alone (the project's and the
registered papers' modules and catalogues), so the summaries are kept in a JSON file keyed by
a SHA-256 of those sources, as Python keeps bytecode beside the source it was compiled from:

* the key hashes every ``.py`` and ``.json`` file under the ``dlncheck`` packages and under
  each plugin paper's package, with their paths, and the papers' catalogue records;
* a missing or unreadable cache file, or one written for another key, is rebuilt from the
  registry (one import of the claims) and written atomically;
* a cache folder that cannot be written is not an error: the summaries are then read from
  the registry every time.

The cache folder is ``$DLNCHECK_CACHE``, else ``$XDG_CACHE_HOME/dlncheck``, else
``~/.cache/dlncheck``.  No hand-written list: nothing here may disagree with the registry
unless a source file changed without changing its bytes, which cannot happen.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dlncheck.checks.papers import papers
from dlncheck.files import atomic_write_text

CACHE_ENV = "DLNCHECK_CACHE"
FORMAT = 1  # bumped when the summary's fields change


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlncheck"


def summary(claim: Any) -> dict[str, Any]:
    """A claim's declaration as JSON data: everything ``list`` and ``show`` print of it."""
    audit = None
    if claim.audit is not None:
        audit = {
            "arithmetic": claim.audit.arithmetic,
            "description": claim.audit.description,
            "spec": list(claim.audit.spec.describe()),
            "example": claim.audit.example,
        }
    return {
        "id": claim.id,
        "paper": claim.paper,
        "label": claim.label,
        "section": claim.section,
        "statement": claim.statement,
        "kind": str(claim.kind),
        "expected": str(claim.expected),
        "hypotheses": list(claim.hypotheses),
        "depends_on": list(claim.depends_on),
        "overridden": [list(pair) for pair in claim.overridden],
        "findings": list(claim.findings),
        "declared_at": claim.declared_at,
        "checks": [check.describe() for check in claim.checks],
        "audit": audit,
    }


def _package_roots() -> list[Path]:
    """The folders whose files the declarations depend on: the ``dlncheck`` packages and each
    registered paper's top-level package (found without importing the claim modules)."""
    roots = []
    for name in ("dlncheck", "dlncheck.numerics", "dlncheck.derivations", "dlncheck.checks"):
        spec = importlib.util.find_spec(name)
        roots += [Path(p) for p in (spec.submodule_search_locations or ())]
    for paper in papers().values():
        for module in paper.claim_modules:
            top = module.split(".")[0]
            if top == "dlncheck":
                continue
            spec = importlib.util.find_spec(top)
            if spec is None:
                continue
            if spec.submodule_search_locations:
                roots += [Path(p) for p in spec.submodule_search_locations]
            elif spec.origin:
                roots.append(Path(spec.origin))
    return sorted(set(roots))


def _source_files(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".json") and "__pycache__" not in path.parts and path.is_file():
                yield path


def source_key() -> str:
    """SHA-256 of the sources the declarations are made from (see the module docstring)."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for path in _source_files(_package_roots()):
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    for key, paper in sorted(papers().items()):
        digest.update(key.encode() + b"\0")
        digest.update(json.dumps(paper.records(), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _build() -> dict[str, dict[str, Any]]:
    from dlncheck.checks.registry import registry

    return {cid: summary(claim) for cid, claim in registry().claims.items()}


def declarations() -> dict[str, dict[str, Any]]:
    """Every registered claim's :func:`summary`, in catalogue order: from the cache when its
    key matches the sources, else from the registry (and the cache is written)."""
    key = source_key()
    path = cache_dir() / f"declarations-{key[:32]}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("key") == key and isinstance(stored.get("claims"), dict):
            return stored["claims"]
    except (OSError, ValueError, AttributeError):
        pass
    claims = _build()
    try:
        atomic_write_text(path, json.dumps({"key": key, "claims": claims}, ensure_ascii=False, default=str))
        for old in path.parent.glob("declarations-*.json"):
            if old != path:
                old.unlink(missing_ok=True)  # made from sources that are gone
    except OSError:
        pass  # a cache that cannot be written: read from the registry next time too
    return claims
