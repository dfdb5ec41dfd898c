"""Exact scalars of the search: flint rationals, or SymPy numbers in the safe grammar for non-rational landscapes.

Signs are decided by the checker's own rule (:func:`symlandscape.verify.exact_sign`), so
that the search only states what the checker accepts; numbers are written as certificate
text that reads back to the same number.

>>> import flint
>>> _text(flint.fmpq(-3, 2)), _sign(flint.fmpq(-3, 2)), _primitive([flint.fmpq(1, 2), flint.fmpq(-3, 4)])
('-3/2', -1, [2, -3])
"""

from __future__ import annotations

from fractions import Fraction

import flint
import sympy

from ..activations import sigmoid
from ..exact import format_rational
from ..expression import parse_expression
from ..inertia import primitive_vector
from ..errors import SymlandscapeError
from ..verdict import number_text
from ..verify import MAX_SIGN_PRECISION, exact_sign

# A gradient component with a rational of more than this many digits under exp, log, tanh
# or sigmoid is not given to the sign rule (its enclosures of exp(10^1000) take minutes).
_SIGN_DIGITS = 1000
# the functions of the safe grammar that exact numbers may contain (the checker reads them)
_GRAMMAR_FUNCTIONS = (sympy.exp, sympy.log, sympy.tanh, sigmoid)


class _Undecided(Exception):
    """The sign rule could not decide the sign of an exact number."""


def _undecided(exc):
    return (f"the sign of {exc} is undecided (no exact zero test succeeds and its interval enclosure "
            f"contains 0 up to {MAX_SIGN_PRECISION} bits)")


def _simplify(x):
    """``sympy.simplify`` kept inside the safe grammar (it may write exp(2) + exp(-2) as 2 cosh(2))."""
    if isinstance(x, flint.fmpq):
        return x
    form = sympy.simplify(x)
    if any(not isinstance(f, _GRAMMAR_FUNCTIONS) for f in form.atoms(sympy.Function)):
        form = form.rewrite(sympy.exp)
        if any(not isinstance(f, _GRAMMAR_FUNCTIONS) for f in form.atoms(sympy.Function)):
            return x
    return form


def _exact(x):
    """A rational as ``fmpq`` (from int, ``fmpz`` or a SymPy rational); any other SymPy number unchanged."""
    if isinstance(x, flint.fmpq):
        return x
    if isinstance(x, (int, flint.fmpz)):
        return flint.fmpq(int(x))
    if isinstance(x, sympy.Rational):
        return flint.fmpq(int(x.p), int(x.q))
    return x


def _outsized(x):
    """True for a SymPy number with a rational of more than ``_SIGN_DIGITS`` digits under exp, log, tanh or sigmoid."""
    if isinstance(x, flint.fmpq) or not isinstance(x, sympy.Basic):
        return False
    for f in x.atoms(*_GRAMMAR_FUNCTIONS):
        for r in f.atoms(sympy.Rational):
            if max(abs(int(r.p)), int(r.q)).bit_length() > 3.33 * _SIGN_DIGITS:
                return True
    return False


def _sympy(x):
    return sympy.Rational(int(x.p), int(x.q)) if isinstance(x, flint.fmpq) else x


def _sign(x):
    """The sign of an exact number by the checker's own rule (:func:`~symlandscape.verify.exact_sign`).

    The search decides signs exactly as :func:`verify` will (exact zero tests, interval
    enclosures, never a float), so that it only states what the checker accepts; where the
    rule cannot decide, the search stops with ``_Undecided`` and says so.
    """
    if isinstance(x, flint.fmpq):
        return (x > 0) - (x < 0)
    try:
        return exact_sign(x)
    except SymlandscapeError:
        raise _Undecided(x) from None


def _sub(a, b):
    if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
        return a - b
    return _exact(_sympy(a) - _sympy(b))


def _text(x):
    """Exact number as certificate text: ``"-3/2"``, or the safe grammar (``"exp(1/2) - 1"``).

    A non-rational number is read back with the checker's grammar and compared exactly, so
    the certificate never states a number its text does not denote.
    """
    if isinstance(x, flint.fmpq):
        return str(x)  # flint prints "p/q" in lowest terms, or "p"
    if isinstance(x, (int, flint.fmpz)):
        return str(int(x))
    if isinstance(x, sympy.Rational):
        return format_rational(flint.fmpq(int(x.p), int(x.q)))
    text = number_text(x)
    try:
        same = not _sign(_sub(_exact(parse_expression(text)), x))
    except SymlandscapeError:  # e.g. a function outside the grammar
        same = False
    if not same:
        raise _Undecided(x)
    return text


def _primitive(vector):
    """A rational vector scaled to a primitive integer vector (same direction), as ``fmpq``."""
    return [flint.fmpq(x) for x in primitive_vector(vector)]


def _poly_text(expr):
    """A SymPy polynomial expression in the safe grammar (``^`` for powers)."""
    return number_text(expr)


def _rational_near(x):
    """``x`` itself if rational, else a nearby rational: only a candidate, every use is checked exactly."""
    if isinstance(x, flint.fmpq):
        return x
    f = Fraction(str(sympy.N(_sympy(x), 30))).limit_denominator(10**6)
    return flint.fmpq(f.numerator, f.denominator)


def _parse_rational(text):
    numerator, _, denominator = text.partition("/")
    return flint.fmpq(int(numerator), int(denominator or 1))
