"""Tests of the eval-free loss-expression parser :mod:`symlandscape.expression`."""

import io
import operator
import time
import tokenize
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symlandscape import budget, expression
from symlandscape.activations import leaky_relu, relu, sigmoid
from symlandscape.budget import BudgetExceeded
from symlandscape.errors import InvalidArgument, ParseError
from symlandscape.expression import (FUNCTIONS, FunctionSpec, check_size, domain_of, parse_expression,
                                     parse_variables, parse_with_domain)

a, b, c, x, y, z = sympy.symbols("a b c x y z", real=True)
R = sympy.Rational


def rejected(text, variables=None):
    """Parse ``text``, expect a ParseError, check the message is one line; return it."""
    with pytest.raises(ParseError) as info:
        parse_expression(text, variables)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    return message


def quick(seconds=5.0):
    """Context manager asserting the block finishes within ``seconds``."""

    class _Timer:
        def __enter__(self):
            self.start = time.monotonic()

        def __exit__(self, *exc):
            elapsed = time.monotonic() - self.start
            assert elapsed < seconds, f"took {elapsed:.2f} s"
            return False

    return _Timer()


# --------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-x^2", -(x**2)),
        ("-x**2", -(x**2)),
        ("2^-1", R(1, 2)),
        ("2**-1", R(1, 2)),
        ("a^b^c", a ** (b**c)),
        ("2^3^2", sympy.Integer(512)),
        ("a-b-c", (a - b) - c),
        ("a/b/c", (a / b) / c),
        ("a/b*c", (a / b) * c),
        ("a+b*c", a + b * c),
        ("(a+b)*c", (a + b) * c),
        ("a*b^c", a * b**c),
        ("-2^2", sympy.Integer(-4)),
        ("(-2)^2", sympy.Integer(4)),
        ("a*-b", a * (-b)),
        ("a--b", a - (-b)),
        ("+a", a),
        ("- - -a", -a),
        ("2^-1*3", R(3, 2)),
        ("-a^-b^c", -(a ** (-(b**c)))),
        ("2^-2^-1", 2 ** (-R(1, 2))),
        ("x ^ (1/2)", sympy.sqrt(x)),
        ("((x))", x),
        (" \tx\n+\ny ", x + y),
    ],
)
def test_precedence_and_associativity(text, expected):
    assert parse_expression(text) == expected


@pytest.mark.parametrize(
    "text, value",
    [
        ("3", sympy.Integer(3)),
        ("-3/4", R(-3, 4)),
        ("0.25", R(1, 4)),
        ("1e-3", R(1, 1000)),
        ("1E3", sympy.Integer(1000)),
        (".5", R(1, 2)),
        ("1.", sympy.Integer(1)),
        ("1.e1", sympy.Integer(10)),
        ("1.5E+2", sympy.Integer(150)),
        ("2.50e-1", R(1, 4)),
        ("0.1 + 0.2", R(3, 10)),
        ("007", sympy.Integer(7)),
        ("3.000", sympy.Integer(3)),
    ],
)
def test_numbers_are_exact(text, value):
    result = parse_expression(text)
    assert result == value
    assert isinstance(result, sympy.Rational)
    assert not result.atoms(sympy.Float)


def test_decimal_coefficients_stay_exact():
    result = parse_expression("0.25*x + 1e-3*x^2", "x")
    assert result == x / 4 + x**2 / 1000
    assert not result.atoms(sympy.Float)


def test_long_literals_and_big_exponents_are_exact():
    # max_digits = 10_000 bounds every number, read or computed: 10^9999 has 10_000 digits
    assert parse_expression("1" * 10_000) == sympy.Integer((10**10_000 - 1) // 9)
    assert parse_expression("1e9999") == sympy.Integer(10) ** 9_999
    assert parse_expression("1e-9999") == R(1, 10**9_999)
    assert parse_expression("2^10000") == sympy.Integer(2) ** 10_000
    for text in ("1e10000", "1e-10000"):
        assert "10001 digits" in rejected(text) and "max_digits" in rejected(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("relu(x)", relu(x)),
        ("relu(-3/2)", sympy.Integer(0)),
        ("leaky_relu(x, 1/10)", leaky_relu(x, R(1, 10))),
        ("leaky_relu(x, -0.01)", leaky_relu(x, R(-1, 100))),
        ("leaky_relu(-2, 0.1)", R(-1, 5)),
        ("max(x, y)", sympy.Max(x, y)),
        ("max(0, 1 - y*x, 2)", sympy.Max(2, 1 - x * y)),
        ("min(x, y, z)", sympy.Min(x, y, z)),
        ("abs(x)", sympy.Abs(x)),
        ("abs(-3/4)", R(3, 4)),
        ("exp(x)", sympy.exp(x)),
        ("exp(0)", sympy.Integer(1)),
        ("log(x)", sympy.log(x)),
        ("tanh(x)", sympy.tanh(x)),
        ("sigmoid(x)", sigmoid(x)),
        ("sigmoid(0)", R(1, 2)),
    ],
)
def test_functions(text, expected):
    assert parse_expression(text) == expected


def test_function_registry():
    assert set(FUNCTIONS) == {
        "relu", "leaky_relu", "max", "min", "abs", "exp", "log", "tanh", "sigmoid"
    }
    for name, spec in FUNCTIONS.items():
        assert isinstance(spec, FunctionSpec)
        assert spec.name == name
        low, high = spec.arity
        assert low >= 1 and (high is None or high >= low)
        assert callable(spec.builder)
        assert spec.doc and "\n" not in spec.doc
    assert FUNCTIONS["max"].arity == (2, None)
    assert FUNCTIONS["leaky_relu"].arity == (2, 2)


def test_loss_example_and_doctest_values():
    w1, w2 = sympy.symbols("w1 w2", real=True)
    assert parse_expression("(1 - w1*w2)^2", "w1,w2") == (1 - w1 * w2) ** 2
    assert str(parse_expression("0.25*x", "x")) == "x/4"
    assert parse_expression("x/y") == x / y


# --------------------------------------------------------------------------- variables


def test_variables_restrict_names_and_are_real():
    result = parse_expression("x^2 + y")
    assert all(s.is_real for s in result.free_symbols)
    message = rejected("x + q", "x,y")
    assert "'q'" in message and "column 5" in message and "x, y" in message


def test_given_symbols_are_used_as_given():
    plain = sympy.Symbol("x")  # no assumptions on purpose
    result = parse_expression("x^2 + x", [plain])
    (symbol,) = result.free_symbols
    assert symbol is plain
    mixed = parse_expression("x*y", ["x", plain.func("y", positive=True)])
    assert {s.name for s in mixed.free_symbols} == {"x", "y"}
    assert sympy.Symbol("y", positive=True) in mixed.free_symbols


def test_parse_variables():
    assert parse_variables("w1, w2") == sympy.symbols("w1 w2", real=True)
    assert parse_variables(["a", "b"]) == (a, b)
    assert parse_variables(("a",)) == (a,)
    assert parse_variables(x) == (x,)
    assert all(s.is_real for s in parse_variables("p,q"))


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ("a,b,a", "duplicate name 'a'"),
        (["x", x], "duplicate name 'x'"),
        ("", "empty"),
        ("  ", "empty"),
        ([], "empty"),
        ("a,,b", "item 2 is empty"),
        ("2a", "'2a'"),
        ("x y", "'x y'"),
        ("exp", "'exp'"),
        ("_x", "'_x'"),
        ("a__b", "'a__b'"),
        ("lambda", "'lambda'"),
        (5, "int"),
        ([1], "int"),
        (b"x", "bytes"),
    ],
)
def test_parse_variables_rejects(bad, fragment):
    with pytest.raises(InvalidArgument) as info:
        parse_variables(bad)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_function_name_cannot_be_a_variable():
    for name in FUNCTIONS:
        message = rejected(f"{name} + 1")
        assert repr(name) in message and "column 1" in message


def test_non_string_text_is_invalid_argument():
    with pytest.raises(InvalidArgument):
        parse_expression(3)


# --------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    "text, token, column",
    [
        ("a.b", "'.'", 2),
        ("x.__class__", "'.'", 2),
        ("a[0]", "'['", 2),
        ("a]", "']'", 2),
        ("'a'", "\"'\"", 1),
        ('"a"', "'\"'", 1),
        ("lambda: 1", "':'", 7),
        ("import os", "'import'", 1),
        ("a;b", "';'", 2),
        ("a=b", "'='", 2),
        ("a==b", "'='", 2),
        ("a,b", "','", 2),
        ("(a, b)", "','", 3),
        (",a", "','", 1),
        ("x@y", "'@'", 2),
        ("x % 2", "'%'", 3),
        ("x // 2", "'/'", 4),
        ("x ** * 2", "'*'", 6),
        ("*x", "'*'", 1),
        ("x +", "end of input", 4),
        ("(x+1", "'('", 1),
        ("((x)", "'('", 1),
        ("max(x, y", "'('", 4),
        ("x+1)", "')'", 4),
        ("relu(x))", "')'", 8),
        ("()", "')'", 2),
        ("max(x,)", "')'", 7),
        ("2x", "'x'", 2),
        ("2 x", "'x'", 3),
        ("x y", "'y'", 3),
        ("1 2", "'2'", 3),
        ("2(x+1)", "'('", 2),
        ("(a)(b)", "'('", 4),
        ("foo(x)", "'foo'", 1),
        ("x(y)", "'x'", 1),
        ("exp", "'exp'", 1),
        ("relu()", "'relu'", 1),
        ("relu(x, y)", "'relu'", 1),
        ("max(x)", "'max'", 1),
        ("log(x, 2)", "'log'", 1),
        ("leaky_relu(x)", "'leaky_relu'", 1),
        ("leaky_relu(x, y)", "'leaky_relu'", 1),
        ("leaky_relu(x, exp(1))", "'leaky_relu'", 1),
        ("x λ", "'λ'", 3),
        ("x\u00a0+ 1", "'\\xa0'", 2),
        ("x + 1 # note", "'#'", 7),
        ("_x", "'_x'", 1),
        ("a__b", "'a__b'", 1),
        ("1_000", "'_000'", 2),
        ("1.2.3", "'1.2.'", 1),
        ("1e+", "'1e+'", 1),
        ("y + True", "'True'", 5),
        ("None", "'None'", 1),
    ],
)
def test_rejections_name_token_and_column(text, token, column):
    message = rejected(text)
    assert token in message
    assert f"column {column}" in message


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_input(text):
    message = rejected(text)
    assert "empty expression" in message and "column" in message


def test_implicit_multiplication_hint():
    assert "write 2*x" in rejected("2x")
    assert "write 3*w1" in rejected("3 w1")


def test_unknown_function_lists_allowed():
    message = rejected("foo(x)")
    assert "unknown function 'foo'" in message
    for name in FUNCTIONS:
        assert name in message


@pytest.mark.parametrize(
    "text, token",
    [
        ("__import__('os')", "'__import__'"),
        ("__import__('os').system('true')", "'__import__'"),
        ("x.__class__", "'.'"),
        ("().__class__", "')'"),
        ("(1).__class__", "'.'"),
        ("exec", "'exec'"),
        ("eval", "'eval'"),
        ("exec('1')", "'exec'"),
        ("eval('x')", "'eval'"),
        ("compile('1', 'f', 'eval')", "'compile'"),
        ("open('/etc/passwd')", "'open'"),
        ("getattr(x, 'y')", "'getattr'"),
        ("lambda: 1", "':'"),
        ("lambda x: x", "'lambda'"),
        ("__builtins__", "'__builtins__'"),
        ("globals", "'globals'"),
        ("[c for c in ()]", "'['"),
    ],
)
def test_code_injection_is_rejected(text, token):
    message = rejected(text)
    assert token in message and "column" in message


def test_injection_rejected_even_with_variables():
    assert "'exec'" in rejected("exec", "x,y")
    assert "'lambda'" in rejected("lambda", "x")


def test_module_never_calls_eval_like_functions():
    source = Path(expression.__file__).read_text()
    names = {
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.NAME
    }
    for forbidden in ("eval", "exec", "sympify", "parse_expr", "ast", "literal_eval", "__import__"):
        assert forbidden not in names, forbidden


@pytest.mark.parametrize("text", ["x/0", "1/0", "1/(1-1)", "x/(y-y)", "x/0.0", "0^-1", "0**(-2)"])
def test_division_by_zero(text):
    message = rejected(text)
    assert "division by zero" in message and "column" in message


def test_log_of_zero_is_rejected():
    assert "'log'" in rejected("log(0)")


# --------------------------------------------------------------------------- resource guards


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("10^10^10", "exponent"),
        ("2^100000", "exponent"),
        ("x^100001", "exponent"),
        ("x^(-10001)", "exponent"),
        ("x^(20001/2)", "exponent"),
        ("(10^1000)^10000", "bits"),
        ("(10^1000*x)^1000", "bits"),
        ("(2^(1/2)*10^1000)^10000", "bits"),
        ("(123456789^9999)^9999", "bits"),
        ("(10^400)^(1/2)", "bits"),
        ("*".join(f"({2**1000 + i})^(1/2)" for i in range(3)), "bits"),
        ("*".join(["9^9999"] * 40), "bits"),
        ("1/3^9000 + 1/5^9000", "bits"),  # the sum's denominator 3^9000 5^9000 has 10534 digits
        ("(9^9999)^31*(" + "+".join(f"v{i}" for i in range(100)) + ")", "bits"),
        ("1" * 10_001, "10001 digits"),
        ("1e10001", "exponent"),
        ("1e-" + "9" * 50_000, "exponent"),
    ],
)
def test_exponent_and_size_guards_are_quick(text, fragment):
    with quick():
        message = rejected(text)
    assert fragment in message and "column" in message


def test_length_guard():
    with quick():
        message = rejected("x" * 100_001)
    assert "100001" in message
    with quick():
        assert parse_expression("+".join(["x"] * 40_000)) == 40_000 * x


def test_nesting_guard():
    with quick():
        assert parse_expression("(" * 200 + "x" + ")" * 200) == x
        assert "nesting deeper than 200" in rejected("(" * 201 + "x" + ")" * 201)
        assert "nesting deeper than 200" in rejected("exp(" * 201 + "x" + ")" * 201)
        assert "nesting deeper than 200" in rejected("x" + "^x" * 201)
        assert parse_expression("x" + "^1" * 200) == x
        assert parse_expression("-" * 10_001 + "x") == -x


def test_piecewise_guards():
    with quick(10):
        assert "deeper than 32" in rejected("abs(" * 33 + "x - 1" + ") - 1" * 33)
        assert "16" in rejected("max(" + ",".join(f"v{i}" for i in range(17)) + ")")
        assert "16" in rejected("max(max(" + ",".join(f"v{i}" for i in range(10)) + "), "
                                + ",".join(f"w{i}" for i in range(7)) + ")")
        assert "1000" in rejected("abs(" + "+".join(f"v{i}" for i in range(501)) + ")")


def test_time_budget(monkeypatch):
    monkeypatch.setattr(expression, "MAX_SECONDS", -1.0)
    message = rejected("x + y")
    assert "too expensive" in message and "column" in message


def test_sympy_recursion_becomes_parse_error(monkeypatch):
    def explode(arg):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(FUNCTIONS, "exp", FunctionSpec("exp", (1, 1), explode, "test"))
    assert "nested too deeply" in rejected("1 + exp(x)")


# --------------------------------------------------------------------------- properties

SYMBOLS = (x, y, z)
_leaves = st.one_of(
    st.sampled_from(SYMBOLS),
    st.integers(-12, 12).map(sympy.Integer),
    st.builds(R, st.integers(-9, 9), st.integers(1, 9)),
)
_nonzero = st.integers(-5, 5).filter(bool).map(sympy.Integer)


def _extend(children):
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(lambda t: t[0] + t[1]),
        pairs.map(lambda t: t[0] - t[1]),
        pairs.map(lambda t: t[0] * t[1]),
        children.map(operator.neg),
        st.tuples(children, st.integers(0, 3)).map(lambda t: t[0] ** t[1]),
        st.tuples(children, _nonzero).map(lambda t: t[0] / t[1]),
    )


polynomials = st.recursive(_leaves, _extend, max_leaves=8)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(polynomials)
def test_str_round_trip(poly):
    parsed = parse_expression(str(poly), "x,y,z")
    assert sympy.expand(poly - parsed) == 0
    free = parse_expression(str(poly))
    assert sympy.expand(poly - free) == 0


_pieces = [
    "x", "y", "0", "1", "2", ".5", "1e-3", "+", "-", "*", "/", "^", "**", "(", ")", ",", " ",
    "max(", "min(", "relu(", "abs(", "log(", "exp(", "tanh(", "sigmoid(", "leaky_relu(",
    ".", "[", "'", "_", "e", "=",
]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_pieces), max_size=14).map("".join))
def test_arbitrary_text_only_raises_parse_error(text):
    try:
        result = parse_expression(text)
    except ParseError as exc:
        assert "\n" not in str(exc) and "column" in str(exc)
    else:
        assert isinstance(result, sympy.Basic)
        assert not result.atoms(sympy.Float)


# --------------------------------------------------------------------------- budget


def test_a_sum_of_big_numbers_is_one_big_number():
    # 40 copies of 9^9999 (9542 digits) add up to a number of 9544 digits: within max_digits
    assert parse_expression("+".join(["9^9999"] * 40)) == 40 * sympy.Integer(9) ** 9999


@pytest.mark.parametrize(
    "text, bound, shown",
    [
        ("(x+y+1)^10000", "max_degree", "degree 10000"),
        ("(" * 100 + "x" + "^2)" * 100, "max_degree", "degree 1024"),  # SymPy folds to x^(2^100)
        ("x^10000", "max_degree", "degree 10000"),
        ("(x+y+1)^1000", "max_terms", "terms 501501"),  # binomial(1002, 2)
        ("(x+y)^600*(x-y)^600", "max_degree", "degree 1200"),
        ("exp((x+y+z+1)^100)", "max_terms", "terms 176851"),  # a function keeps its argument's size
        ("relu(x*y)^501", "max_degree", "degree 1002"),
    ],
)
def test_the_expanded_size_is_bounded_before_anything_is_expanded(text, bound, shown):
    with quick(2):
        with pytest.raises(BudgetExceeded) as info:
            parse_expression(text)
    message = str(info.value)
    assert bound in message and shown in message and "--" + bound.replace("_", "-") in message


def test_the_budget_in_force_sets_the_bounds():
    with budget.limits(max_degree=10_000):
        assert parse_expression("x^10000", "x") == sympy.Symbol("x", real=True) ** 10_000
    with budget.limits(max_nesting=3):
        assert "nesting deeper than 3" in rejected("((((x))))")
        assert "max_nesting=3" in rejected("((((x))))")
    with budget.limits(max_digits=5):
        assert "6 digits" in rejected("123456")
        assert "max_digits=5" in rejected("1e5")
        assert parse_expression("12345") == 12345
    with budget.limits(max_terms=10):
        with pytest.raises(BudgetExceeded, match="terms 11"):
            parse_expression("(x+y+z)^3 + x")  # binomial(5, 2) = 10 terms, plus one
    assert parse_expression("10^9999") == sympy.Integer(10) ** 9999  # 10_000 digits
    assert "10001 digits" in rejected("10^10000") and "max_digits=10000" in rejected("10^10000")
    with budget.limits(max_digits=20_000):
        assert parse_expression("10^10000") == sympy.Integer(10) ** 10_000


def test_check_size_bounds_degree_and_terms():
    x, y = sympy.symbols("x y")
    assert check_size((x + y + 1) ** 3, 2) == (3, 10)
    assert check_size(x**2 * y + sympy.exp(x * y), 2) == (3, 2)
    assert check_size((x + 1) ** 5 * (y - 1) ** 5, 2) == (10, 36)  # 6 * 6 terms
    with pytest.raises(BudgetExceeded, match="max_degree"):
        check_size(x ** (2**100), 1)


# --------------------------------------------------------------------------- domain


@pytest.mark.parametrize(
    "text, expected",
    [
        ("log(-z)", [("-z", "positive")]),
        ("1/x", [("x", "nonzero")]),
        ("x^-2", [("x", "nonzero")]),
        ("x^(1/2)", [("x", "nonnegative")]),
        ("x^(-1/2)", [("x", "positive")]),
        ("y^y", [("y", "positive")]),
        ("2^x + exp(x)^y", []),  # a positive constant base, exp(...) > 0
        ("relu(x)/x", [("x", "nonzero")]),  # recorded before SymPy could cancel anything
        ("x/x", [("x", "nonzero")]),  # SymPy makes this 1: the condition stays
        ("x^2 + relu(x)/x - 1", [("x", "nonzero")]),
        ("log(1/x)", [("x", "nonzero"), ("1/x", "positive")]),  # inner conditions first
        ("a/b/b", [("b", "nonzero")]),  # each condition once
        ("(x^2+y^2)^(9/4)", [("x**2 + y**2", "nonnegative")]),
    ],
)
def test_the_domain_of_what_was_written(text, expected):
    expr, domain = parse_with_domain(text)
    assert [(str(e), relation) for e, relation, _ in domain] == expected
    assert all(relation in expression.RELATIONS for _, relation, _ in domain)
    assert all("column" in where for _, _, where in domain)


@pytest.mark.parametrize("text, fragment", [
    ("log(-1)", "log(-1) at column 1 is undefined: it needs '-1' > 0"),
    ("(-2)^x", "is undefined: it needs '-2' > 0"),
    ("(-8)^(1/3)", "needs '-8' >= 0"),
    ("log(1 - exp(1))", "needs '1 - E' > 0"),
])
def test_a_constant_outside_the_domain_is_a_parse_error(text, fragment):
    assert fragment in rejected(text)


def test_domain_of_a_sympy_expression():
    conditions = {(str(e), r) for e, r, _ in domain_of(sympy.log(x) + 1 / y + sympy.sqrt(z) + x**y)}
    assert conditions == {("x", "positive"), ("y", "nonzero"), ("z", "nonnegative")}
    assert domain_of(x**2 + sympy.exp(y) + 2**x) == ()
