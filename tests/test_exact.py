"""Exact input: what is accepted, what is refused, and how the refusal reads."""

from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy

from symlandscape import InvalidArgument, NotExactError, ShapeError
from symlandscape.exact import format_rational, rational, rational_matrix, rational_vector, to_sympy


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
