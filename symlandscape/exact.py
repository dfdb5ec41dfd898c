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
import mpmath
import sympy
from sympy import QQ
from sympy.external.gmpy import GROUND_TYPES
from sympy.polys.matrices import DomainMatrix

from . import budget
from .activations import sigmoid
from .errors import EvaluationError, InvalidArgument, NotExactError, ShapeError

__all__ = [
    "check_exponent",
    "evaluate_at",
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


def _shown(text, limit=40):
    """User text for a message: quoted and cut to ``limit`` characters (a point may be megabytes)."""
    text = str(text)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _integer(digits):
    """An integer from ASCII digits with an optional sign, without Python's 4300-digit limit."""
    negative = digits.startswith("-")
    value = flint.fmpz(digits.lstrip("+-").lstrip("0") or "0")
    return -value if negative else value


def _parse_string(name, text):
    # digits are counted before anything is converted: a coordinate may be megabytes long
    limit = budget.current().max_digits
    digits = sum(c.isdigit() for c in text)
    if digits > 2 * limit:  # then the numerator or the denominator is too long
        budget.check("max_digits", digits, name)
    match = _INTEGER_OR_FRACTION.match(text)
    if match:
        numerator, denominator = match.groups()
        longest = max(len(numerator.lstrip("+-").lstrip("0")), len((denominator or "").lstrip("0")))
        if longest > limit:
            budget.check("max_digits", longest, name)
        denominator = _integer(denominator) if denominator is not None else flint.fmpz(1)
        if denominator == 0:
            raise InvalidArgument(f"{name}={_shown(text)} has a zero denominator")
        return flint.fmpq(_integer(numerator), denominator)
    match = _DECIMAL.match(text)
    if match and (match.group(2) or match.group(3)):
        sign, whole, frac, exp = match.groups()
        significant = ((whole or "") + (frac or "")).lstrip("0")
        if exp is not None and len(exp.lstrip("+-").lstrip("0")) > 6:
            raise InvalidArgument(f"{name}={_shown(text)} has an exponent too large to hold exactly")
        scale = len(frac or "") - int(exp or 0)
        if abs(scale) > _MAX_EXPONENT:
            raise InvalidArgument(f"{name}={_shown(text)} has an exponent too large to hold exactly")
        written = len(significant) - scale if scale <= 0 else max(len(significant), scale + 1)
        if significant and written > budget.current().max_digits:
            budget.check("max_digits", written, f"{name} written out")
        value = flint.fmpq(_integer(significant or "0"))
        value = value / flint.fmpq(10) ** scale if scale >= 0 else value * flint.fmpq(10) ** (-scale)
        return -value if sign == "-" else value
    raise InvalidArgument(
        f"{name}={_shown(text)} is not an exact number; expected an integer, a fraction such as "
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
    if isinstance(value, bytes):
        raise InvalidArgument(f"{name}={_shown(value)} is bytes; expected an exact number or a string")
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
            f"{name}={_shown(value)} is not a rational number; points and data must be rational"
        )
    if isinstance(value, numbers.Integral):  # numpy integers and friends
        return flint.fmpq(int(value))
    if isinstance(value, numbers.Rational):
        return flint.fmpq(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):  # numpy floats
        raise _float_hint(name, float(value))
    raise InvalidArgument(
        f"{name}={_shown(repr(value))} has type {type(value).__name__}; expected an int, Fraction, "
        f"sympy.Rational or a string such as \"-3/4\""
    )


def checked_seed(seed):
    """``seed``, a non-negative ``int`` (not a bool) that every random choice is drawn from.

    >>> checked_seed(3)
    3
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgument(f"seed={seed!r} must be a non-negative integer")
    return seed


def rational_vector(values, length=None, name="point"):
    """Return ``values`` as a tuple of ``fmpq``, checking its length if given.

    >>> rational_vector([1, "1/2"], 2)
    (1, 1/2)
    """
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidArgument(f"{name}={_shown(repr(values))} is not a sequence of numbers")
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


# ---------------------------------------------------------------------------------------
# evaluation at a point, within the budget


def evaluate_at(expr, values):
    """``expr.xreplace(values)``, with the size of every number estimated before it is computed.

    ``values`` maps Symbols to exact SymPy numbers.  SymPy evaluates a power of rationals
    at once (``2**x`` at ``x = 10**9`` would take hours and gigabytes), so each power,
    product and sum of numbers is estimated first (bits of the base times the exponent;
    sums of bits), and refused with :class:`~symlandscape.budget.BudgetExceeded` above
    the budget's ``max_digits``; so is an exponential whose argument exceeds
    ``max_digits * ln(10)`` (:func:`check_exponent`: SymPy evaluates ``exp(exp(exp(...)))``
    numerically when it builds it).

    >>> x = sympy.Symbol("x")
    >>> evaluate_at(2**x + x/3, {x: sympy.Integer(3)})
    9
    >>> evaluate_at(2**x, {x: sympy.Integer(10**9)})
    Traceback (most recent call last):
    ...
    symlandscape.budget.BudgetExceeded: 2**x at the point has digits 301029996, above the bound max_digits=10000 (raise it with --max-digits or budget.limits(max_digits=...))
    """
    memo, bits, depths = {}, {}, {}  # depths: nesting of powers and functions in a value
    stack = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in memo:
            continue
        if node in values:
            memo[node] = value = values[node]
            bits[node] = _bits(value)
            continue
        if not node.args:
            memo[node], bits[node] = node, _bits(node)
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in memo)
            continue
        args = [memo[a] for a in node.args]
        if all(a is b for a, b in zip(args, node.args)):
            memo[node], bits[node] = node, _bits(node)
            continue
        estimate = _estimate(node, args, [bits[a] for a in node.args])
        what = lambda node=node: f"{_short(node)} at the point"  # noqa: E731 - formatted only on failure
        budget.check_bits(estimate, what)
        if isinstance(node, sympy.exp):
            check_exponent(args[0], what)
        elif node.is_Pow and not isinstance(args[1], sympy.Rational):
            _check_real_power(args[0], args[1], what)
        depth = max(depths.get(a, 0) for a in node.args) + (not (node.is_Add or node.is_Mul))
        memo[node], bits[node], depths[node] = _build(node.func, args, depth), estimate, depth
    return memo[expr]


def _build(func, args, depth):
    """``func(*args)`` for exact numbers ``args``, evaluated by SymPy only where that is cheap.

    SymPy simplifies a power, a product or a function of numbers by asking for their sign
    or size, which it decides by numeric evaluation; on numbers nested ``depth`` levels of
    powers and functions deep (``x^x^...^x``, nested logarithms at a point) that takes
    minutes.  Beyond :data:`_EVALUATED_DEPTH` the node is kept as written: the same exact
    number, unsimplified.
    """
    if depth <= _EVALUATED_DEPTH:
        return func(*args)
    if func is sympy.Add or func is sympy.Mul:
        unit = sympy.S.Zero if func is sympy.Add else sympy.S.One
        args = [a for a in args if a != unit]
        if func is sympy.Mul and any(a == 0 for a in args):
            return sympy.S.Zero
        if len(args) <= 1:
            return args[0] if args else unit
    return func(*args, evaluate=False)


#: Nesting of powers and functions up to which SymPy may simplify a number at a point (the
#: losses of networks nest 3 or 4 deep; x^x^x^x^x^x^x^x, 8 deep, takes SymPy 3 s).
_EVALUATED_DEPTH = 6


# ---------------------------------------------------------------------------------------
# magnitudes: interval enclosures at 53 bits, only to bound what SymPy would evaluate

_IV = type(mpmath.iv)()  # a context of our own: the precision of mpmath.iv is global state
_IV.prec = 53


def _exponent_limit():
    """The largest ``|a|`` with ``exp(a)`` of at most ``max_digits`` digits (or their reciprocal)."""
    return budget.current().max_digits * math.log(10)


def check_exponent(a, what):
    """Refuse ``exp(a)`` (``a`` an exact number) when ``|a| > max_digits * ln(10)``.

    ``exp(a)`` then has more than ``max_digits`` digits (or its reciprocal has), and a
    tower ``exp(exp(exp(...)))`` is never evaluated: SymPy evaluates the argument
    numerically when it builds an exponential.

    ``what`` names it in a message (or is a function returning the name).

    >>> check_exponent(sympy.Integer(20), "exp(20)")
    >>> check_exponent(sympy.exp(sympy.exp(3)), "exp(exp(exp(3)))")
    Traceback (most recent call last):
    ...
    symlandscape.budget.BudgetExceeded: exp(exp(exp(3))) has digits 229520861, above the bound max_digits=10000 (raise it with --max-digits or budget.limits(max_digits=...))
    """
    limit = _exponent_limit()
    if isinstance(a, sympy.Rational):
        if abs(a) > limit:
            budget.check("max_digits", _digits_of_exp(abs(a)), what() if callable(what) else what)
        return
    box = _enclosure(a, {})
    what = what() if callable(what) and (box is None or not abs(box).b <= limit) else what
    if box is None:
        raise EvaluationError(f"{what}: cannot bound the argument {_short(a)} of the exponential (no interval "
                              "enclosure at 53 bits), so it is not evaluated")
    largest = max(abs(mpmath.mpf(box.a.a)), abs(mpmath.mpf(box.b.b)))
    if largest > limit:
        budget.check("max_digits", _digits_of_exp(largest), what)


def _digits_of_exp(a):
    """About the digits of ``exp(a)`` (``a`` a big positive number): ``a / ln(10)``."""
    return int(mpmath.mpf(a) / mpmath.log(10)) + 1 if mpmath.isfinite(a) else 10**100


def _check_real_power(base, exponent, what):
    """Refuse ``base^exponent`` (a non-rational exponent) when ``|exponent * log(base)|`` exceeds the limit."""
    b, e = _enclosure(base, {}), _enclosure(exponent, {})
    if b is None or e is None or not b.a > 0:
        return  # a base that may be <= 0 gives no real number: the caller refuses it
    _IV_log = _IV.log(b)
    bound = _IV.mpf(max(abs(mpmath.mpf(e.a.a)), abs(mpmath.mpf(e.b.b)))) * _IV.mpf(
        max(abs(mpmath.mpf(_IV_log.a.a)), abs(mpmath.mpf(_IV_log.b.b))))
    if bound.b > _exponent_limit():
        budget.check("max_digits", _digits_of_exp(mpmath.mpf(bound.b.b)), what() if callable(what) else what)


def _enclosure(x, memo):
    """An interval containing the exact number ``x`` (53 bits, outward rounded), or None."""
    if x in memo:
        return memo[x]
    box = None
    try:
        if isinstance(x, sympy.Rational):
            box = _IV.mpf(int(x.p)) / _IV.mpf(int(x.q))
        elif x is sympy.S.Exp1:
            box = _IV.e
        elif x is sympy.S.Pi:
            box = _IV.pi
        elif x.is_Add or x.is_Mul:
            parts = [_enclosure(a, memo) for a in x.args]
            if all(p is not None for p in parts):
                box = parts[0]
                for p in parts[1:]:
                    box = box + p if x.is_Add else box * p
        elif x.is_Pow:
            base, exponent = _enclosure(x.base, memo), _enclosure(x.exp, memo)
            if base is not None and exponent is not None:
                if isinstance(x.exp, sympy.Integer):
                    k = int(x.exp)
                    box = base ** k if k >= 0 else 1 / base ** (-k)
                elif base.a > 0:
                    box = _bounded_exp(exponent * _IV.log(base))
        elif len(x.args) == 1:
            z = _enclosure(x.args[0], memo)
            if z is not None:
                if isinstance(x, sympy.exp):
                    box = _bounded_exp(z)
                elif isinstance(x, sympy.log) and z.a > 0:
                    box = _IV.log(z)
                elif isinstance(x, sympy.tanh):
                    box = _IV.mpf([-1, 1]) if not abs(z).b < 50 else 1 - 2 / (_IV.exp(2 * z) + 1)
                elif isinstance(x, sigmoid):
                    box = _IV.mpf([0, 1]) if not abs(z).b < 50 else 1 / (1 + _IV.exp(-z))
    except (ArithmeticError, ValueError, TypeError):
        box = None
    if box is not None and not (mpmath.isfinite(mpmath.mpf(box.a.a)) and mpmath.isfinite(mpmath.mpf(box.b.b))):
        box = None
    memo[x] = box
    return box


def _bounded_exp(z):
    # exp of an argument beyond every budget is not computed: no enclosure
    return _IV.exp(z) if abs(z).b < 10**6 else None


def _short(expr, limit=60):
    # SymPy's default printing order evaluates numbers to sort them: unbounded on towers
    text = sympy.sstr(expr, order="none") if isinstance(expr, sympy.Basic) else str(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _log2(n):
    return math.log2(n) if n > 1 else 0.0


def _bits(x):
    """About the bits (log2 of the magnitude) of the rationals in an exact SymPy number."""
    if isinstance(x, sympy.Rational):
        return max(_log2(abs(int(x.p))), _log2(int(x.q)))
    if isinstance(x, sympy.Pow) and isinstance(x.exp, sympy.Rational):
        return _bits(x.base) * math.ceil(abs(x.exp))
    return sum(_bits(a) for a in x.args)


def _estimate(node, args, sizes):
    """Bits of the numbers in ``node.func(*args)``, from the bits of the arguments, before computing it."""
    if node.is_Pow and isinstance(args[1], sympy.Rational):
        if args[1].q > budget.current().max_degree and not (isinstance(args[0], sympy.Rational) and args[0] in (0, 1)):
            # a root of index q is an algebraic number of degree up to q
            budget.check("max_degree", int(args[1].q), f"the root {_short(node)} at the point")
        return sizes[0] * math.ceil(abs(args[1]))
    if node.is_Add:
        # p_i/q_i summed: numerator below max(bits p_i) + sum(bits q_i) + log2(count)
        numerators, denominators = 0, 0
        for a, size in zip(args, sizes):
            coefficient = a if isinstance(a, sympy.Rational) else a.as_coeff_Mul()[0]
            numerators, denominators = max(numerators, size), denominators + _log2(int(coefficient.q))
        return numerators + denominators + _log2(len(args)) + 1
    return sum(sizes)