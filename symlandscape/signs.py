"""The sign rule: the one place where symlandscape decides the sign of an exact real number.

* A rational (``fmpq`` or SymPy ``Rational``): its sign, exactly.
* Any other exact real constant built from rationals with ``+ - * /``, rational powers,
  ``exp``, ``log``, ``tanh`` and ``sigmoid``: it is *positive* (*negative*) only when an
  outward-rounded interval enclosure (``mpmath.iv``: every operation rounded outwards)
  lies strictly above (below) 0, computed at 64 bits and then at doubled precision up to
  :data:`MAX_SIGN_PRECISION` bits.  It is *zero* only when an exact identity shows it:

  - SymPy's canonical form or its expansion is 0; or
  - after writing ``tanh`` and ``sigmoid`` with ``exp``, every exponential has a rational
    argument ``p/q``: with ``N`` the least common denominator, each ``exp(p/q)`` becomes
    ``u^(pN/q)`` for an indeterminate ``u``, and the resulting rational function of ``u``
    cancels to 0.  (A formal identity in ``u`` holds for ``u = e^(1/N)`` in particular, so
    this never calls a nonzero number zero.)

* Otherwise the sign is undecided: :class:`~symlandscape.errors.EvaluationError`.  A sign
  is never read off a float, and no unbounded simplification is attempted.
"""

from __future__ import annotations

import math

import flint
import mpmath
import sympy

from .activations import sigmoid
from .errors import EvaluationError

__all__ = ["exact_sign", "is_zero", "is_real", "short_text", "MAX_SIGN_PRECISION"]

#: Highest working precision (bits) of the interval enclosures of the sign rule.
MAX_SIGN_PRECISION = 4096
_FIRST_PRECISION = 64
#: Above this many operations, or this degree in u, the exp-substitution is not attempted.
_MAX_ZERO_TEST_OPS = 2000
_MAX_ZERO_TEST_DEGREE = 10_000
#: Beyond this magnitude an exponent is not evaluated: exp(z) is enclosed by [exp(BIG), ∞]
#: (or [0, exp(-BIG)]), which is true and costs nothing; mpmath would spend minutes on
#: exp(10^3000) (its argument reduction needs thousands of digits).
_BIG_EXPONENT = 2**256


def exact_sign(x):
    """The sign (-1, 0, 1) of an exact real number, by the sign rule above.

    >>> from sympy import E, Rational, exp, log, tanh
    >>> exact_sign(E - Rational(2718281, 1000000)), exact_sign(log(3) - 1), exact_sign(sigmoid(-2) - Rational(1, 8))
    (1, 1, -1)
    >>> exact_sign(tanh(Rational(1, 2)) - 2 * sigmoid(1) + 1), exact_sign(exp(Rational(1, 2)) ** 2 - E)
    (0, 0)
    """
    if isinstance(x, (flint.fmpq, flint.fmpz, int)) and not isinstance(x, bool):
        return (x > 0) - (x < 0)
    if not isinstance(x, sympy.Basic):
        raise EvaluationError(f"cannot decide the sign of {_short(x)}: it is not an exact number")
    if x.is_Rational:
        return (x.p > 0) - (x.p < 0)
    if x.free_symbols or x.has(sympy.Float):
        raise EvaluationError(f"cannot decide the sign of {_short(x)}: it is not an exact number")
    if x.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise EvaluationError(f"{_short(x)} is not a finite real number")
    precision = _FIRST_PRECISION
    while precision <= MAX_SIGN_PRECISION:
        low, high = _enclosure(x, precision)
        if low is not None and low > 0:
            return 1
        if high is not None and high < 0:
            return -1
        if precision == _FIRST_PRECISION and is_zero(x):
            return 0
        precision *= 2
    raise EvaluationError(f"cannot decide the sign of {_short(x)} exactly (its interval enclosure at "
                          f"{MAX_SIGN_PRECISION} bits contains 0 and no exact identity shows it is 0)")


def is_zero(x):
    """True when an exact identity shows that the constant ``x`` is 0 (False: not shown).

    >>> from sympy import E, Rational, tanh
    >>> is_zero(tanh(Rational(1, 3)) - 2 * sigmoid(Rational(2, 3)) + 1), is_zero(tanh(1) - (E - 1/E) / (E + 1/E))
    (True, True)
    """
    if x == 0:
        return True
    if sympy.count_ops(x) > _MAX_ZERO_TEST_OPS:
        return False  # not attempted: expanding it could run for minutes
    if sympy.expand(x) == 0:
        return True
    form = x.rewrite(sigmoid, sympy.exp).rewrite(sympy.tanh, sympy.exp)
    if form == 0:
        return True
    exponentials = form.atoms(sympy.exp)  # Euler's number itself is the atom E, exp(1)
    if not (exponentials or form.has(sympy.E)) or any(not e.args[0].is_Rational for e in exponentials):
        return False
    if sympy.count_ops(form) > _MAX_ZERO_TEST_OPS:
        return False
    denominator = math.lcm(1, *(int(e.args[0].q) for e in exponentials))
    powers = {e: int(e.args[0] * denominator) for e in exponentials}
    if denominator > _MAX_ZERO_TEST_DEGREE or any(abs(k) > _MAX_ZERO_TEST_DEGREE for k in powers.values()):
        return False  # the rational function would have a huge degree: not attempted
    u = sympy.Dummy("u", positive=True)
    substituted = form.xreplace({e: u ** k for e, k in powers.items()})
    substituted = substituted.xreplace({sympy.E: u ** denominator})
    if substituted.has(sympy.exp, sympy.log, sympy.E):
        return False
    return sympy.cancel(sympy.together(substituted)) == 0


def is_real(x):
    """True when ``x`` is shown to be a real number: rational, or a constant whose interval
    enclosure exists (every step a real interval operation: no root or logarithm of a
    negative number, no division by an interval around 0).

    >>> from sympy import Rational, sqrt
    >>> is_real(Rational(1, 3)), is_real(sqrt(2) - 1), is_real(sqrt(-2)), is_real((-8) ** Rational(1, 3))
    (True, True, False, False)
    """
    if isinstance(x, (flint.fmpq, flint.fmpz, int)) and not isinstance(x, bool):
        return True
    if not isinstance(x, sympy.Basic) or x.free_symbols or x.has(sympy.Float, sympy.I, sympy.zoo, sympy.nan):
        return False
    if x.is_Rational:
        return True
    return _enclosure(x, _FIRST_PRECISION)[0] is not None


def short_text(x, limit=120):
    """``x`` as text for a message, cut to ``limit`` characters.

    Terms are printed in the order they are stored: SymPy's default printer sorts the terms
    of a sum by evaluating them, which for ``exp(10^3000)`` runs for minutes.

    >>> short_text(sympy.exp(sympy.Integer(10)**3000) - 1, 20)
    '-1 + exp(10000000...'
    """
    text = sympy.sstr(x, order="none") if isinstance(x, sympy.Basic) else str(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_short = short_text


def _enclosure(x, precision):
    """``(low, high)``: endpoints (mpmath numbers) of an interval containing ``x``, or ``(None, None)``."""
    iv = mpmath.iv
    saved = iv.prec
    iv.prec = precision
    try:
        interval = _interval(x, iv)
        return mpmath.mpf(interval.a), mpmath.mpf(interval.b)
    except (ArithmeticError, ValueError, _NoEnclosure):
        # a logarithm of an interval reaching 0, a division by one containing 0, an
        # unsupported node: no enclosure at this precision
        return None, None
    finally:
        iv.prec = saved


class _NoEnclosure(Exception):
    pass


def _interval(x, iv):
    """An outward-rounded interval enclosure of the SymPy constant ``x``."""
    if x.is_Rational:
        return iv.mpf(int(x.p)) / iv.mpf(int(x.q))
    if x is sympy.S.Exp1:
        return iv.e
    if x.is_Add:
        total = iv.mpf(0)
        for arg in x.args:
            total = total + _interval(arg, iv)
        return total
    if x.is_Mul:
        total = iv.mpf(1)
        for arg in x.args:
            total = total * _interval(arg, iv)
        return total
    if x.is_Pow:
        base = _interval(x.base, iv)
        if x.exp.is_Integer:
            k = int(x.exp)
            return base ** k if k >= 0 else iv.mpf(1) / base ** (-k)
        if x.exp.is_Rational and x.exp.q == 2:
            root = iv.sqrt(base)
            return root ** int(x.exp.p) if x.exp.p > 0 else iv.mpf(1) / root ** int(-x.exp.p)
        if mpmath.mpf(base.a) > 0:  # b^e = exp(e log b) for a positive base
            return _exp(_interval(x.exp, iv) * iv.log(base), iv)
        raise _NoEnclosure(x)
    if len(x.args) == 1:
        z = _interval(x.args[0], iv)
        if isinstance(x, sympy.exp):
            return _exp(z, iv)
        if isinstance(x, sympy.log):
            return iv.log(z)
        if isinstance(x, sympy.tanh):  # 1 - 2/(exp(2z) + 1): mpmath.iv has no tanh
            return iv.mpf(1) - iv.mpf(2) / (_exp(2 * z, iv) + 1)
        if isinstance(x, sigmoid):
            return iv.mpf(1) / (iv.mpf(1) + _exp(-z, iv))
    raise _NoEnclosure(x)


def _exp(z, iv):
    """``exp`` of the interval ``z``; beyond ``±BIG`` through ``2^k``, ``k = z/log 2`` rounded outwards.

    ``exp(a) >= 2^floor(a/log 2)`` and ``exp(b) <= 2^ceil(b/log 2)``: a true enclosure, at most
    a factor 2 wide at the far endpoints, that costs nothing where ``iv.exp`` would spend
    minutes (``exp(10^3000)``: its argument reduction needs thousands of digits).

    >>> iv = mpmath.iv; big = iv.mpf(10) ** 3000
    >>> e = _exp(iv.mpf([big, big]), iv); bool(e.a > mpmath.mpf(10) ** 10**76), bool(e.b <= 2 * e.a * e.a)
    (True, True)
    >>> e = _exp(-iv.mpf([big, big]), iv); bool(0 < e.a < e.b < mpmath.mpf(10) ** -10**76)
    True
    """
    a, b = mpmath.mpf(z.a), mpmath.mpf(z.b)
    if -_BIG_EXPONENT <= a and b <= _BIG_EXPONENT:
        return iv.exp(z)
    log2 = iv.log(2)
    low = iv.exp(iv.mpf(a)).a if abs(a) <= _BIG_EXPONENT else mpmath.ldexp(1, int(mpmath.floor((iv.mpf(a) / log2).a)))
    high = iv.exp(iv.mpf(b)).b if abs(b) <= _BIG_EXPONENT else mpmath.ldexp(1, int(mpmath.ceil((iv.mpf(b) / log2).b)))
    return iv.mpf([low, high])
