"""Exact rationals: coercion of user input, and conversion between flint and SymPy.

Internally every exact scalar is a ``flint.fmpq`` and every matrix a ``flint.fmpq_mat``:
they are the fastest exact types on the package index.  SymPy objects appear only at
the public boundary.  Conversions go through integer numerator/denominator pairs, so
they do not depend on which ground types SymPy picked at import time.
"""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction

import flint
import sympy
from sympy import QQ
from sympy.external.gmpy import GROUND_TYPES
from sympy.polys.matrices import DomainMatrix

from .errors import InvalidArgument, NotExactError, ShapeError

__all__ = [
    "rational",
    "rational_vector",
    "rational_matrix",
    "to_sympy",
    "to_sympy_matrix",
    "format_rational",
    "solve_linear",
]

_INTEGER_OR_FRACTION = re.compile(r"^\s*([+-]?\d+)\s*(?:/\s*(\d+))?\s*$")
_DECIMAL = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")
_MAX_EXPONENT = 10_000


def _float_hint(name, value):
    frac = Fraction(value).limit_denominator(10**6) if math.isfinite(value) else None
    example = f'"{frac}"' if frac is not None else '"1/10"'
    return NotExactError(
        f"{name}={value!r} is a float, and symlandscape computes exactly; pass it as an int, "
        f"fractions.Fraction, sympy.Rational or a string such as {example}"
    )


def _parse_string(name, text):
    match = _INTEGER_OR_FRACTION.match(text)
    if match:
        numerator, denominator = match.groups()
        denominator = int(denominator) if denominator is not None else 1
        if denominator == 0:
            raise InvalidArgument(f"{name}={text!r} has a zero denominator")
        return flint.fmpq(int(numerator), denominator)
    match = _DECIMAL.match(text)
    if match and (match.group(2) or match.group(3)):
        sign, whole, frac, exp = match.groups()
        digits = (whole or "") + (frac or "")
        scale = len(frac or "") - int(exp or 0)
        if abs(scale) > _MAX_EXPONENT:
            raise InvalidArgument(f"{name}={text!r} has an exponent too large to hold exactly")
        value = flint.fmpq(int(digits or "0"))
        value = value / flint.fmpq(10) ** scale if scale >= 0 else value * flint.fmpq(10) ** (-scale)
        return -value if sign == "-" else value
    raise InvalidArgument(
        f"{name}={text!r} is not an exact number; expected an integer, a fraction such as "
        f'"-3/4", or a decimal such as "0.25"'
    )


def rational(value, name="value"):
    """Return ``value`` as an exact ``flint.fmpq``; refuse floats, NaN and infinity.

    >>> rational("-3/4"), rational(2), rational("0.125")
    (-3/4, 2, 1/8)
    """
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} is a bool; expected an exact number")
    if isinstance(value, (int, flint.fmpz)):
        return flint.fmpq(int(value))
    if isinstance(value, Fraction):
        return flint.fmpq(value.numerator, value.denominator)
    if isinstance(value, str):
        return _parse_string(name, value)
    if isinstance(value, float):
        raise _float_hint(name, value)
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Rational):
            return flint.fmpq(int(value.p), int(value.q))
        if isinstance(value, sympy.Float):
            raise _float_hint(name, float(value))
        if value.is_number and value.is_rational:
            simplified = sympy.nsimplify(value, rational=False)
            if isinstance(simplified, sympy.Rational):
                return flint.fmpq(int(simplified.p), int(simplified.q))
        raise NotExactError(
            f"{name}={value} is not a rational number; points and data must be rational"
        )
    if isinstance(value, numbers.Integral):  # numpy integers and friends
        return flint.fmpq(int(value))
    if isinstance(value, numbers.Rational):
        return flint.fmpq(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):  # numpy floats
        raise _float_hint(name, float(value))
    raise InvalidArgument(
        f"{name}={value!r} has type {type(value).__name__}; expected an int, Fraction, "
        f"sympy.Rational or a string such as \"-3/4\""
    )


def rational_vector(values, length=None, name="point"):
    """Return ``values`` as a tuple of ``fmpq``, checking its length if given.

    >>> rational_vector([1, "1/2"], 2)
    (1, 1/2)
    """
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidArgument(f"{name}={values!r} is not a sequence of numbers")
    if isinstance(values, sympy.MatrixBase):
        values = list(values)
    elif isinstance(values, flint.fmpq_mat):
        values = values.entries()
    else:
        values = list(getattr(values, "ravel", lambda: values)())
    result = tuple(rational(v, f"{name}[{i}]") for i, v in enumerate(values))
    if length is not None and len(result) != length:
        raise ShapeError(f"{name} has {len(result)} entries; expected {length}")
    return result


def rational_matrix(data, name="matrix", shape=None):
    """Return ``data`` (nested lists, SymPy or NumPy matrix) as an exact ``fmpq_mat``.

    >>> rational_matrix([[1, "1/2"], [0, 3]]).entries()
    [1, 1/2, 0, 3]
    """
    if isinstance(data, flint.fmpq_mat):
        matrix = data
    elif isinstance(data, flint.fmpz_mat):
        matrix = flint.fmpq_mat(data)
    elif isinstance(data, sympy.MatrixBase) and getattr(getattr(data, "_rep", None), "domain", None) == QQ:
        # a matrix over QQ (as this package builds them): read the domain elements directly
        rows, cols = data.shape
        matrix = flint.fmpq_mat(rows, cols, [
            flint.fmpq(int(QQ.numer(e)), int(QQ.denom(e))) for row in data._rep.to_list() for e in row
        ]) if rows and cols else flint.fmpq_mat(rows, cols)
    elif isinstance(data, sympy.MatrixBase):
        rows, cols = data.shape
        entries = [rational(data[i, j], f"{name}[{i}][{j}]") for i in range(rows) for j in range(cols)]
        matrix = flint.fmpq_mat(rows, cols, entries)
    else:
        if hasattr(data, "tolist"):
            data = data.tolist()
        if isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
            raise ShapeError(f"{name}={data!r} is not a matrix; pass a list of rows")
        rows = [list(row) if hasattr(row, "__iter__") and not isinstance(row, str) else None
                for row in data]
        if not rows or any(row is None for row in rows):
            raise ShapeError(f"{name} must be a non-empty list of rows of numbers")
        width = len(rows[0])
        if width == 0 or any(len(row) != width for row in rows):
            raise ShapeError(
                f"{name} has rows of lengths {[len(r) for r in rows]}; all rows need the same "
                "positive length"
            )
        entries = [rational(v, f"{name}[{i}][{j}]") for i, row in enumerate(rows) for j, v in enumerate(row)]
        matrix = flint.fmpq_mat(len(rows), width, entries)
    if shape is not None and (matrix.nrows(), matrix.ncols()) != tuple(shape):
        raise ShapeError(
            f"{name} has shape {matrix.nrows()}x{matrix.ncols()}; expected {shape[0]}x{shape[1]}"
        )
    return matrix


def to_sympy(value):
    """Return an exact scalar (``fmpq``, ``fmpz`` or int) as a SymPy ``Rational``."""
    if isinstance(value, sympy.Basic):
        return value
    value = flint.fmpq(value) if not isinstance(value, flint.fmpq) else value
    return sympy.Rational(int(value.p), int(value.q))


def to_sympy_matrix(matrix):
    """Return an ``fmpq_mat`` (or a list of ``fmpq`` as a column) as a SymPy ``Matrix``.

    The matrix is built over SymPy's domain QQ, which converts entries to ``Rational``
    only when they are read: 7 to 19 times faster than building 4,096 to 65,536
    ``Rational`` objects up front (``benchmarks/bench_foundation.py``).
    """
    if not isinstance(matrix, flint.fmpq_mat):
        return sympy.Matrix([to_sympy(e) for e in matrix])
    rows, cols = matrix.nrows(), matrix.ncols()
    if rows == 0 or cols == 0:
        return sympy.zeros(rows, cols)
    if GROUND_TYPES == "flint":  # QQ's elements are fmpq already
        table = matrix.tolist()
    else:
        table = [[QQ(int(e.p), int(e.q)) for e in row] for row in matrix.tolist()]
    return sympy.Matrix._fromrep(DomainMatrix(table, (rows, cols), QQ).to_sparse())


def format_rational(value):
    """Exact string form of a rational: ``"-3/2"``, ``"4"``."""
    value = rational(value) if not isinstance(value, flint.fmpq) else value
    return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"


def solve_linear(A, b):
    """All solutions of ``A z = b`` exactly: ``(particular, null_basis)``, or None if inconsistent.

    ``A`` is an ``fmpq_mat`` (m × n), ``b`` a list of m rationals; the solutions are
    ``particular + span(null_basis)``, read off the reduced row echelon form.

    >>> z, null = solve_linear(flint.fmpq_mat(1, 2, [1, 1]), [2])
    >>> z, null
    ([2, 0], [[-1, 1]])
    >>> solve_linear(flint.fmpq_mat(2, 1, [1, 1]), [0, 1]) is None
    True
    """
    m, n = A.nrows(), A.ncols()
    augmented = flint.fmpq_mat(m, n + 1)
    for i in range(m):
        for j in range(n):
            augmented[i, j] = A[i, j]
        augmented[i, n] = b[i]
    reduced, rank = augmented.rref()
    pivots = []
    for i in range(rank):
        j = next(j for j in range(n + 1) if reduced[i, j] != 0)
        if j == n:
            return None
        pivots.append(j)
    particular = [flint.fmpq(0)] * n
    for i, j in enumerate(pivots):
        particular[j] = reduced[i, n]
    null = []
    for f in sorted(set(range(n)) - set(pivots)):
        v = [flint.fmpq(0)] * n
        v[f] = flint.fmpq(1)
        for i, j in enumerate(pivots):
            v[j] = -reduced[i, f]
        null.append(v)
    return particular, null
