"""LaTeX reports: one file per paper with each claim's statement, verdict and evidence.

Statements are the papers' LaTeX; everything else (evidence text, check names) is escaped
as text.  Derivation steps are set with SymPy's LaTeX printer; expressions longer than
``MAX_DISPLAY_CHARS`` are left out (with a note) rather than cut, which would break the LaTeX.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dlncheck.checks.claim import Claim
from dlncheck.checks.papers import paper_titles
from dlncheck.files import atomic_write_text

MAX_DISPLAY_CHARS = 1500

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_UNICODE = {
    "±": r"$\pm$",
    "⊙": r"$\odot$",
    "≤": r"$\le$",
    "≥": r"$\ge$",
    "→": r"$\to$",
    "∞": r"$\infty$",
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "ε": r"$\varepsilon$",
    "λ": r"$\lambda$",
    "ν": r"$\nu$",
    "ρ": r"$\rho$",
    "δ": r"$\delta$",
    "Δ": r"$\Delta$",
    "γ": r"$\gamma$",
    "η": r"$\eta$",
    "·": r"$\cdot$",
    "×": r"$\times$",
    "−": "-",
    "–": "--",
    "—": "---",
    "’": "'",
    "‖": r"$\|$",
    "\u0303": "~",  # combining tilde (x̃ -> x~)
    "ö": r"\"o",
}


def escape_text(text: str) -> str:
    """Escape arbitrary text for LaTeX; non-ASCII characters without a mapping become [U+XXXX]."""
    out = []
    for ch in str(text):
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


def _display(latex: str | None) -> str:
    if not latex:
        return ""
    if len(latex) > MAX_DISPLAY_CHARS:
        return f"\\par\\emph{{(expression of {len(latex)} characters omitted; see \\texttt{{--json}})}}\n"
    return f"\\[ {latex} \\]\n"


def _derivation_block(derivation: Mapping[str, Any]) -> list[str]:
    lines = [
        f"\\paragraph{{Derivation: {escape_text(derivation['title'])}.}} "
        f"Outcome: \\textbf{{{escape_text(derivation['outcome'])}}} "
        f"({escape_text(derivation.get('method', ''))}). "
        f"Assumptions: {escape_text(derivation.get('assumptions', ''))}.\n"
    ]
    lines.append("\\begin{enumerate}\n")
    for step in derivation.get("steps", []):
        lines.append(f"\\item {escape_text(step['text'])}\n")
        lines.append(_display(step.get("latex")))
    lines.append("\\end{enumerate}\n")
    if derivation.get("outcome") == "differs":
        lines.append("Printed:" + _display(derivation.get("printed_latex")))
        lines.append("Derived:" + _display(derivation.get("derived_latex")))
        if derivation.get("corrected_latex"):
            lines.append("Corrected statement:" + _display(derivation.get("corrected_latex")))
    return lines


def claim_section(claim: Claim, result: Mapping[str, Any] | None) -> str:
    lines = [
        f"\\subsection*{{\\texttt{{{escape_text(claim.id)}}}: {escape_text(claim.label)}}}\n",
        f"\\emph{{{escape_text(claim.section)}; kind: {escape_text(str(claim.kind))}.}}\n\n",
        f"\\noindent {claim.statement}\n\n",
    ]
    if claim.hypotheses:
        lines.append("\\noindent Hypotheses: " + "; ".join(claim.hypotheses) + ".\n\n")
    if claim.depends_on:
        lines.append(
            "\\noindent Uses: "
            + ", ".join(f"\\texttt{{{escape_text(d)}}}" for d in claim.depends_on)
            + ".\n\n"
        )
    if result is None:
        lines.append("\\noindent Verdict: \\emph{not run}.\n\n")
        return "".join(lines)
    verdict = escape_text(result["verdict"])
    tainted = result.get("depends_on_refuted") or []
    taint = f" (its proof uses the refuted {', '.join(escape_text(t) for t in tainted)})" if tainted else ""
    match = (
        ""
        if result.get("matches_expected", True)
        else f" \\textbf{{differs from the expected {escape_text(result['expected'])}}}"
    )
    lines.append(f"\\noindent Verdict: \\textbf{{{verdict}}}{taint}{match}.\n\n")
    for finding in claim.findings:
        lines.append(f"\\noindent\\textbf{{Finding.}} {finding}\n\n")
    lines.append("\\begin{itemize}\n")
    for check in result.get("checks", []):
        lines.append(
            f"\\item \\textbf{{{escape_text(check['check'])}}} ({escape_text(check['kind'])}): "
            f"\\emph{{{escape_text(check['verdict'])}}}. {escape_text(check['summary'])}\n"
        )
    lines.append("\\end{itemize}\n")
    for check in result.get("checks", []):
        derivation = check.get("evidence", {}).get("derivation")
        if derivation:
            lines.extend(_derivation_block(derivation))
    return "".join(lines)


def no_derivation_section(reasons: Mapping[str, str]) -> str:
    """The claims that call for a symbolic check but admit no derivation, with the reasons."""
    if not reasons:
        return ""
    items = "".join(
        f"\\item \\texttt{{{escape_text(cid)}}}: {escape_text(reason)}\n" for cid, reason in reasons.items()
    )
    return (
        "\\section*{Claims with no symbolic derivation}\n"
        "\\noindent The catalogue lists a symbolic check for these claims; here is why none is possible.\n"
        f"\\begin{{itemize}}\n{items}\\end{{itemize}}\n"
    )


def missing_claims(claims: Sequence[Claim], results: Mapping[str, Any]) -> list[str]:
    """The ids of ``claims`` that have no result (a partial results file)."""
    return [c.id for c in claims if c.id not in results]


def paper_report(
    paper: str,
    claims: Sequence[Claim],
    results: Mapping[str, Mapping[str, Any]],
    header: Mapping[str, Any],
    no_derivation: Mapping[str, str] | None = None,
) -> str:
    counts: dict[str, int] = {}
    for c in claims:
        verdict = results.get(c.id, {}).get("verdict", "not run")
        counts[verdict] = counts.get(verdict, 0) + 1
    summary = ", ".join(f"{n} {escape_text(v)}" for v, n in sorted(counts.items()))
    body = "".join(claim_section(c, results.get(c.id)) for c in claims)
    missing = missing_claims(claims, results)
    partial = (
        f"\\noindent\\textbf{{Partial results: {len(missing)} of the {len(claims)} claims of this paper "
        f"are not in {escape_text(header.get('source', 'the results'))}}}; they are marked "
        "\\emph{not run}.\n\n"
        if missing
        else ""
    )
    return (
        "\\documentclass[11pt]{article}\n"
        "\\usepackage[margin=2.2cm]{geometry}\n"
        "\\usepackage{amsmath,amssymb}\n"
        "\\setlength{\\parindent}{0pt}\n"
        f"\\title{{dlncheck report: {escape_text(paper_titles()[paper])}}}\n"
        f"\\date{{{escape_text(header.get('started', time.strftime('%Y-%m-%d')))}}}\n"
        "\\author{dlncheck " + escape_text(header.get("version", "")) + "}\n"
        "\\begin{document}\n\\maketitle\n"
        f"\\noindent {len(claims)} claims: {summary}. Seed {escape_text(header.get('seed', ''))}, "
        f"property budget {escape_text(header.get('budget', ''))} instances per check.\n\n"
        f"{partial}"
        "\\noindent Verdicts: \\emph{verified} = exact argument by SymPy or rational arithmetic; "
        "\\emph{supported} = numeric evidence only; \\emph{refuted} = a stored instance violates the "
        "claim with a certified margin; \\emph{inconclusive} = undecided, with the reason.\n\n"
        f"{body}"
        f"{no_derivation_section(no_derivation or {})}"
        "\\end{document}\n"
    )


def write_reports(
    out_dir: Path,
    claims_by_paper: Mapping[str, Sequence[Claim]],
    results: Mapping[str, Mapping[str, Any]],
    header: Mapping[str, Any],
    no_derivation: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Path]:
    """Render every paper's report first, then write them atomically.

    ``no_derivation`` maps a paper to its claims' reasons for having no derivation.
    """
    no_derivation = no_derivation or {}
    rendered = {
        paper: paper_report(paper, claims, results, header, no_derivation.get(paper))
        for paper, claims in claims_by_paper.items()
        if claims
    }
    paths = []
    for paper, text in rendered.items():
        path = out_dir / f"{paper}.tex"
        atomic_write_text(path, text)
        paths.append(path)
    return paths
