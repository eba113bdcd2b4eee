"""Instance files: exact parsing, and one-line errors for every kind of bad input."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlncheck.checks.instances import (
    InstanceError,
    InstanceSpec,
    ParamSpec,
    load_instance_file,
    loads_instance,
    parse_instance,
    parse_number,
    parse_vector,
)

FULL = InstanceSpec(needs=frozenset({"A", "y", "depth", "init"}))
PARAMS = InstanceSpec(
    params=(
        ParamSpec("beta", "vector", "b", "nonzero"),
        ParamSpec("eps", "scalar", "e", "positive"),
        ParamSpec("a", "scalar", "a", "positive"),
        ParamSpec("log_a", "scalar", "ln a"),
    ),
    one_of=(("a", "log_a"),),
)

GOOD = {"A": [["1", "1/2"], ["0", "2"]], "y": ["1", "-3/4"], "depth": 3, "init": {"alpha": "1e-3"}}


def _parse(data, spec=FULL):
    return parse_instance(data, spec)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.5e-3", Fraction(3, 2000)),
        ("-7/3", Fraction(-7, 3)),
        (" 2 ", Fraction(2)),
        (".5", Fraction(1, 2)),
        (5, Fraction(5)),
        ("1e-300", Fraction(1, 10**300)),
    ],
)
def test_numbers_are_parsed_exactly(text, value):
    assert parse_number(text, "x") == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "non-finite"),
        ("-Infinity", "non-finite"),
        ("inf", "non-finite"),
        ("1/0", "zero denominator"),
        ("0x10", "not a number"),
        ("", "not a number"),
        (True, "boolean"),
        (1.5, "decimal strings"),
        ([1], "expected a number"),
        ("1e999999", "exponent"),
    ],
)
def test_bad_numbers_are_rejected(value, message):
    with pytest.raises(InstanceError, match=message):
        parse_number(value, "x")


def test_json_decimals_keep_their_exact_text():
    data = loads_instance('{"y": [0.1, 1e-400], "A": [[1], [2]]}')
    assert data["y"] == ["0.1", "1e-400"]
    inst = parse_instance(data, InstanceSpec())
    assert inst.y == (Fraction(1, 10), Fraction(1, 10**400))


def test_a_good_instance_parses():
    inst = _parse(GOOD)
    assert (inst.M, inst.N, inst.depth) == (2, 2, 3)
    assert inst.init.factor_vectors(2, 3) == ((Fraction(1, 1000),) * 2,) * 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"A": [["1", "2"], ["3"]]}, "ragged"),
        ({"A": []}, "non-empty"),
        ({"y": ["1"]}, "y has length 1 but A has 2 rows"),
        ({"depth": 1}, "outside"),
        ({"depth": "three"}, "expected an integer"),
        ({"init": {"alpha": "-1"}}, "must be positive"),
        ({"init": {"alpha": "0"}}, "must be positive"),
        ({"init": {"x0": ["1", "-2"]}}, r"init.x0\[1\] = -2 but this entry must be positive"),
        ({"init": {"x0": ["1", "2", "3"]}}, "length 3 but A has 2 columns"),
        ({"init": {"factors": [["1", "1"]]}}, "1 factors but depth is 3"),
        ({"init": {"beta": "1"}}, "unrecognised keys"),
        ({"init": {"u0": ["1", "1"], "v0": ["1", "1"]}, "signed": False}, "signed model"),
        ({"signed": "yes"}, "true or false"),
        ({"y": ["1", "nan"]}, r"y\[1\]: non-finite"),
        ({"extra": 1}, "unknown key"),
        ({"schema": "other/2"}, "schema"),
        ({"dps": 1}, "outside"),
    ],
)
def test_bad_instances_get_a_one_line_error(change, message):
    with pytest.raises(InstanceError, match=message) as info:
        _parse({**GOOD, **change})
    assert "\n" not in str(info.value)


def test_missing_required_key_is_named():
    data = dict(GOOD)
    del data["y"]
    with pytest.raises(InstanceError, match=r"missing key\(s\) \['y'\]"):
        _parse(data)


def test_instance_for_another_claim_is_rejected():
    with pytest.raises(InstanceError, match=r"for claim 'krr\.lem5'"):
        parse_instance({**GOOD, "claim": "krr.lem5"}, FULL, "mil.lemA.1")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"beta": ["0", "0"], "eps": "1", "a": "1"}, "zero vector"),
        ({"beta": ["1"], "eps": "-1", "a": "1"}, "must be positive"),
        ({"beta": ["1"], "eps": "1"}, "exactly one of"),
        ({"beta": ["1"], "eps": "1", "a": "1", "log_a": "0"}, "exactly one of"),
        ({"beta": ["1"], "a": "1"}, "missing params.eps"),
        ({"beta": ["1"], "eps": "1", "a": "1", "gamma": "2"}, "unknown parameter"),
        ({"beta": "1", "eps": "1", "a": "1"}, "list of numbers"),
    ],
)
def test_bad_parameters_are_rejected(params, message):
    with pytest.raises(InstanceError, match=message):
        parse_instance({"params": params}, PARAMS)


def test_malformed_json_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"A": [[1, 2]],\n "y": [1,]}')
    with pytest.raises(InstanceError, match=r"malformed JSON .* at line 2 column"):
        load_instance_file(path)


def test_json_nan_literal_is_rejected(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text('{"y": [NaN]}')
    with pytest.raises(InstanceError, match="non-finite number NaN"):
        load_instance_file(path)


def test_missing_file_and_non_object(tmp_path):
    with pytest.raises(InstanceError, match="not found"):
        load_instance_file(tmp_path / "absent.json")
    path = tmp_path / "list.json"
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(InstanceError, match="must be a JSON object"):
        load_instance_file(path)


_DECIMAL_LIKE = st.from_regex(r"\A[ +-]?[0-9]{0,4}(\.[0-9]{0,4})?([eE][+-]?[0-9]{1,7})?\Z", fullmatch=True)


@given(st.one_of(_DECIMAL_LIKE, st.text(alphabet="0123456789.eE+-/ ", max_size=12)))
def test_the_fast_decimal_reader_agrees_with_parse_number(text):
    """parse_vector reads plain decimals through one match (instances._plain_decimal): whatever it
    reads, parse_number reads to the same exact value; what it passes on, parse_number reads or
    refuses with its message."""
    from dlncheck.checks.instances import _plain_decimal

    fast = _plain_decimal(text)
    try:
        slow = parse_number(text, "x")
    except InstanceError as exc:
        assert fast is None, (text, fast)
        with pytest.raises(InstanceError, match=re.escape(str(exc).split(": ", 1)[1])):
            parse_vector([text], "x")
        return
    assert fast is None or fast == slow
    assert parse_vector([text], "x") == (slow,)


def test_the_fast_decimal_reader_keeps_the_limits():
    from dlncheck.checks.instances import MAX_DECIMAL_EXPONENT, MAX_NUMBER_DIGITS, _plain_decimal

    assert _plain_decimal("-12.50e-1") == Fraction(-5, 4)
    assert _plain_decimal("1" * (MAX_NUMBER_DIGITS + 1)) is None
    assert _plain_decimal(f"1.{'0' * 50}e{MAX_DECIMAL_EXPONENT + 40}") is None  # the exponent's limit
    with pytest.raises(InstanceError, match="exponent"):
        parse_vector([f"1.{'0' * 50}e{MAX_DECIMAL_EXPONENT + 40}"], "y")
