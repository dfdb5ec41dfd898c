"""Exact input: what is accepted, what is refused, and how the refusal reads."""

import time
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy

from symlandscape import InvalidArgument, NotExactError, ShapeError, budget
from symlandscape.budget import BudgetExceeded
from symlandscape.exact import evaluate_at, format_rational, rational, rational_matrix, rational_vector, to_sympy


@pytest.mark.parametrize("value, expected", [
    (3, Fraction(3)), (-7, Fraction(-7)), (Fraction(-3, 4), Fraction(-3, 4)),
    (sympy.Rational(5, 6), Fraction(5, 6)), ("-3/4", Fraction(-3, 4)), (" 2 / 6 ", Fraction(1, 3)),
    ("0.125", Fraction(1, 8)), ("-.5", Fraction(-1, 2)), ("1e-3", Fraction(1, 1000)), ("2.5E2", Fraction(250)),
    (np.int64(4), Fraction(4)), (flint.fmpz(9), Fraction(9)), (sympy.Integer(2) / 6, Fraction(1, 3)),
])
def test_accepted(value, expected):
    q = rational(value)
    assert Fraction(int(q.p), int(q.q)) == expected


@pytest.mark.parametrize("value, error, match", [
    (0.1, NotExactError, r"value=0\.1 is a float.*\"1/10\""),
    (float("nan"), NotExactError, "float"),
    (float("inf"), NotExactError, "float"),
    (np.float64(0.5), NotExactError, r"\"1/2\""),
    (sympy.Float(0.25), NotExactError, "float"),
    (sympy.sqrt(2), NotExactError, "not a rational"),
    (True, InvalidArgument, "bool"),
    ("1/0", InvalidArgument, "zero denominator"),
    ("abc", InvalidArgument, "not an exact number"),
    ("1e999999", InvalidArgument, "exponent too large"),
    (None, InvalidArgument, "NoneType"),
    (1j, InvalidArgument, "complex"),
])
def test_refused(value, error, match):
    with pytest.raises(error, match=match):
        rational(value, "value")


def test_vectors_and_matrices():
    assert rational_vector([1, "1/2"], 2) == (flint.fmpq(1), flint.fmpq(1, 2))
    with pytest.raises(ShapeError, match="point has 1 entries; expected 2"):
        rational_vector([1], 2)
    with pytest.raises(InvalidArgument, match=r"point\[1\]=0\.5"):
        rational_vector([1, 0.5], 2)
    with pytest.raises(InvalidArgument, match="not a sequence"):
        rational_vector("12", 2)
    M = rational_matrix(sympy.Matrix([[1, sympy.Rational(1, 3)]]))
    assert M.entries() == [1, flint.fmpq(1, 3)]
    assert rational_matrix(np.array([[1, 2], [3, 4]])).entries() == [1, 2, 3, 4]
    with pytest.raises(ShapeError, match="rows of lengths"):
        rational_matrix([[1, 2], [3]], "X")
    with pytest.raises(NotExactError, match=r"X\[0\]\[1\]=2\.5"):
        rational_matrix(np.array([[1, 2.5]], dtype=object), "X")
    with pytest.raises(ShapeError, match="expected 1x1"):
        rational_matrix([[1, 2]], "W", shape=(1, 1))


def test_round_trips():
    assert to_sympy(flint.fmpq(-3, 2)) == sympy.Rational(-3, 2)
    assert format_rational(flint.fmpq(-3, 2)) == "-3/2" and format_rational(4) == "4"


# ---------------------------------------------------------------------------------------
# the budget: long coordinates, and numbers computed at a point


def test_a_5000_digit_coordinate_is_exact():
    # beyond Python's 4300-digit limit of int(str), within the budget's 10_000 digits
    q = rational("7" * 5000 + "/" + "3" * 5000)
    assert q == flint.fmpq(flint.fmpz("7" * 5000), flint.fmpz("3" * 5000))
    assert rational("-" + "1" * 5000) == -flint.fmpz("1" * 5000)
    assert rational("0." + "1" * 5000) == flint.fmpq(flint.fmpz("1" * 5000), flint.fmpz(10) ** 5000)


@pytest.mark.parametrize("text", ["1" * 10**6, "1/" + "3" * 10**6, "1e-" + "9" * 10**6, "1" * 10_001,
                                  "1e10000", "1" * 9_999 + "e2"])
def test_a_coordinate_beyond_max_digits_gets_a_short_message(text):
    with pytest.raises(BudgetExceeded) as info:
        rational(text, "--at[0]")
    message = str(info.value)
    assert len(message) < 200 and "max_digits=10000" in message and "--max-digits" in message


def test_max_digits_is_read_from_the_budget():
    with budget.limits(max_digits=20_000):
        assert rational("1" * 10_001) == flint.fmpz("1" * 10_001)
    with budget.limits(max_digits=3):
        with pytest.raises(BudgetExceeded):
            rational("1234")


@pytest.mark.parametrize("value", ["x" * 10**6, "1/2" * 10**5, b"\xff" * 1000, [1] * 10**5])
def test_messages_never_echo_long_input(value):
    with pytest.raises(InvalidArgument) as info:
        rational(value, "point[0]") if not isinstance(value, list) else rational_vector(value, 2)
    assert len(str(info.value)) < 300


def test_evaluate_at_is_exact_and_bounded():
    x, y = sympy.symbols("x y", real=True)
    assert evaluate_at(x**2 / y + sympy.exp(x), {x: sympy.Integer(2), y: sympy.Rational(1, 3)}) == 12 + sympy.exp(2)
    assert evaluate_at(2**x * 3**y, {x: sympy.Integer(40), y: sympy.Integer(-2)}) == sympy.Rational(2**40, 9)
    for expr, value in [(2**x, 10**9), (x**(x * 1000), 1000), ((x**2 + 1)**(sympy.Rational(10**6, 3)), 7),
                        (sympy.Mul(*[x + i for i in range(20)]), 10**2000)]:
        start = time.monotonic()
        with pytest.raises(BudgetExceeded, match="max_digits"):
            evaluate_at(expr, {x: sympy.Integer(value)})
        assert time.monotonic() - start < 2
