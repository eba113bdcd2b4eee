"""The derivation machinery: reductions to zero, witnesses, and the refusal to guess."""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations import coordinate_functions as cf
from dlncheck.derivations import factorized_gradients as fg
from dlncheck.derivations.derivation import Derivation, Outcome, Part, joint_outcome, witness_instance
from dlncheck.derivations.equality import compare, rational_points, reduce_to_zero
from dlncheck.derivations.hypentropy import q_antiderivative

x = sp.Symbol("x", positive=True)
t = sp.Symbol("t", real=True)


def test_asinh_identities_reduce_to_zero_through_the_log_rewrite():
    zero, _, method = reduce_to_zero(sp.asinh(x) - sp.log(x + sp.sqrt(x**2 + 1)))
    assert zero and "log" in method


def test_a_nonzero_difference_gets_an_exact_witness():
    cmp = compare(x**2 + 1, x**2 + 1 + x / 1000, rational_points({x}))
    assert cmp.outcome == Outcome.DIFFERS
    assert cmp.witness_value == sp.Rational(-1, 1000)  # derived - printed at the first point, x = 1
    assert cmp.method == "exact rational arithmetic"


def test_an_undecidable_zero_is_inconclusive_never_agrees():
    # odd integrand over a symmetric interval: zero, but SymPy cannot evaluate it
    hidden_zero = sp.Integral(sp.sin(t**3) * sp.exp(t**4), (t, -1, 1))
    cmp = compare(x + hidden_zero, x, rational_points({x}, count=2))
    assert cmp.outcome == Outcome.INCONCLUSIVE


def test_rational_points_start_simple_and_respect_domains():
    L = sp.Symbol("L", integer=True, positive=True)
    y = sp.Symbol("y", real=True)
    points = rational_points({x, L, y}, count=20, seed=3, domains={L: (2, 5)})
    assert points[0] == {x: 1, L: 2, y: 1}
    assert all(2 <= p[L] <= 5 and p[x] > 0 and p[L].is_Integer for p in points)


def test_q_is_the_antiderivative_of_arcsinh_half():
    assert q_antiderivative().outcome == Outcome.AGREES


def test_lemma_a1_holds_for_symbolic_depth():
    assert fg.lemma_a1_symbolic_depth().outcome == Outcome.AGREES


def test_lemma_a2_time_scale_is_off_by_the_depth():
    derivation = fg.lemma_a2_reduced_dynamics()
    assert derivation.outcome == Outcome.DIFFERS
    # the derived velocity is exactly -(1/L) grad L(x), the corrected statement
    assert compare(derivation.derived, derivation.corrected).outcome == Outcome.AGREES
    assert derivation.witness_instance == {
        "A": [["1", "1", "1"], ["1", "1", "1"]],
        "y": ["1", "1"],
        "depth": 2,
        "init": {"x0": ["1", "1", "1"]},
    }


def test_c_L_tends_to_1_plus_e_as_L_decreases_to_2():
    derivation = cf.constant_c_L(cf.L_SYMBOLIC)
    assert derivation.steps[-1].expr == sp.E


def test_the_positive_zero_is_unique_for_symbolic_depth():
    derivation = cf.positive_zero(cf.L_SYMBOLIC)
    assert derivation.outcome == Outcome.AGREES
    assert "positive = True" in derivation.steps[3].text


def test_rational_points_fit_a_range_that_holds_no_integer():
    points = rational_points({x}, count=30, seed=1, domains={x: (sp.Rational(1, 7), sp.Rational(6, 7))})
    assert all(sp.Rational(1, 7) <= p[x] <= sp.Rational(6, 7) for p in points)


def test_joint_outcome_of_parts():
    agrees, differs, open_ = Outcome.AGREES, Outcome.DIFFERS, Outcome.INCONCLUSIVE
    assert joint_outcome([agrees, agrees]) == agrees
    assert joint_outcome([agrees, open_]) == open_
    assert joint_outcome([open_, differs, agrees]) == differs
    assert joint_outcome([agrees], decided=False) == open_
    assert joint_outcome([differs], decided=False) == differs
    assert joint_outcome([]) == open_  # nothing shown is not agreement


def test_from_parts_reads_outcome_residual_and_witness_off_the_deciding_part():
    n = sp.Symbol("n", integer=True, positive=True)
    agrees = Part.of("first", compare(x**2, x * x), x**2, x * x)
    differs = Part.of("second", compare(x + n, x + n + 1, rational_points({x, n})), x + n, x + n + 1)
    both = Derivation.from_parts([agrees, differs], title="t")
    assert both.outcome == Outcome.DIFFERS
    assert (both.derived, both.printed, both.residual) == (x + n, x + n + 1, -1)
    assert both.method == f"second: {differs.method}"
    assert both.witness_point == {str(s): str(v) for s, v in differs.witness_point.items()}
    # the default claim instance: integers for integer symbols, exact rationals as strings
    assert both.witness_instance == witness_instance(differs.witness_point)
    assert isinstance(both.witness_instance["params"]["n"], int)
    bare = Derivation.from_parts([agrees, differs], title="t", instance=None)
    assert bare.witness_instance is None
    alone = Derivation.from_parts([agrees], title="t")
    assert (alone.outcome, alone.witness_instance, alone.method) == (Outcome.AGREES, None, agrees.method)
    assert [s.text for s in alone.steps] == [f"first: agrees ({agrees.method})"]
    undecided = Derivation.from_parts([agrees], title="t", decided=False)
    assert undecided.outcome == Outcome.INCONCLUSIVE


def test_every_derivation_is_built_by_from_parts():
    """One constructor (issue 13): no module calls ``Derivation(...)`` itself, and no other
    class of derivation parts is declared."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    calls, parts = [], []
    for folder in ("derivations", "checks", "numerics", "tests"):
        for path in sorted((root / folder).rglob("*.py")):
            if path.relative_to(root).as_posix() == "derivations/derivation.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                    if name == "Derivation":
                        calls.append(f"{path.relative_to(root)}:{node.lineno}")
                if isinstance(node, ast.ClassDef) and node.name == "Part":
                    parts.append(f"{path.relative_to(root)}:{node.lineno}")
    assert calls == [], "build derivations with Derivation.from_parts: " + ", ".join(calls)
    assert parts == [], "derivation.Part is the one part type: " + ", ".join(parts)
