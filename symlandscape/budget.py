"""Resource budgets: the bound on every input, for the API, the CLI and the checker.

Every place that could be made to hang or to exhaust memory by hostile input — the
expression parser, the exact engines, the checker reading a certificate — reads the
budget in force and refuses work beyond it with :class:`BudgetExceeded`, whose message
names the bound, the offending size and the option that raises it.  The budget in
force is a context variable: :func:`limits` changes it for a block of code (the CLI sets
it from ``--max-degree`` and friends).

>>> current().max_degree
1000
>>> with limits(max_degree=20):
...     current().max_degree
20
>>> check("max_degree", 1025, "the loss")
Traceback (most recent call last):
...
symlandscape.budget.BudgetExceeded: the loss has degree 1025, above the bound max_degree=1000 (raise it with --max-degree or budget.limits(max_degree=...))
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from dataclasses import dataclass, fields, replace

from .errors import InvalidArgument

__all__ = ["Budget", "BudgetExceeded", "current", "limits", "check", "check_bits", "Deadline", "DEFAULT"]


@dataclass(frozen=True)
class Budget:
    """The bounds on one computation.

    ``max_degree``: total degree of any polynomial (the loss, a piece, a polynomial in a
    certificate).  ``max_terms``: terms of an expanded polynomial, entries of a stated
    list (curve coefficients, sums of squares, pieces).  ``max_digits``: decimal digits of
    one number, read or computed.  ``max_order``: order of a Taylor expansion.
    ``max_nesting``: depth of nested operations.  ``max_nodes``: distinct subexpressions
    of an expression.  ``max_seconds``: wall time of one bounded step (an expansion, a
    simplification).
    """

    max_degree: int = 1000
    max_terms: int = 100_000
    max_digits: int = 10_000
    max_order: int = 64
    max_nesting: int = 200
    max_nodes: int = 200_000
    max_seconds: float = 60.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise InvalidArgument(f"{f.name}={value!r} must be a positive number")


#: The budget used when nothing else is set.
DEFAULT = Budget()

_CURRENT = contextvars.ContextVar("symlandscape_budget", default=DEFAULT)

#: What a user sees for each bound: its noun and the CLI option that raises it.
_WORDS = {
    "max_degree": ("degree", "--max-degree"),
    "max_terms": ("terms", "--max-terms"),
    "max_digits": ("digits", "--max-digits"),
    "max_order": ("order", "--max-order"),
    "max_nesting": ("nesting depth", "--max-nesting"),
    "max_nodes": ("distinct subexpressions", "--max-nodes"),
    "max_seconds": ("seconds", "--max-seconds"),
}


class BudgetExceeded(InvalidArgument):
    """An input or a computation is larger than the budget in force allows."""


def current():
    """The :class:`Budget` in force."""
    return _CURRENT.get()


@contextlib.contextmanager
def limits(**bounds):
    """Run a block under the current budget with some bounds replaced."""
    unknown = set(bounds) - {f.name for f in fields(Budget)}
    if unknown:
        raise InvalidArgument(f"unknown budget bounds {sorted(unknown)}; known: {[f.name for f in fields(Budget)]}")
    token = _CURRENT.set(replace(current(), **bounds))
    try:
        yield current()
    finally:
        _CURRENT.reset(token)


def check(bound, size, what):
    """Raise :class:`BudgetExceeded` when ``size`` exceeds the bound named ``bound``."""
    limit = getattr(current(), bound)
    if size > limit:
        noun, option = _WORDS[bound]
        shown = f"{size:.3g}" if isinstance(size, float) else (str(size) if size < 10**12 else f"about 10^{len(str(size)) - 1}")
        raise BudgetExceeded(f"{what} has {noun} {shown}, above the bound {bound}={limit} "
                             f"(raise it with {option} or budget.limits({bound}=...))")
    return size


def check_bits(bits, what):
    """Raise :class:`BudgetExceeded` when a number of ``bits`` bits has more than ``max_digits`` digits.

    Called *before* a number is computed, with an estimate of its size in bits.  ``what``
    may be a function returning the text, so that hot loops format nothing.

    >>> check_bits(100, "2^100")
    100
    >>> check_bits(10**9, "2^x at the point")
    Traceback (most recent call last):
    ...
    symlandscape.budget.BudgetExceeded: 2^x at the point has digits 301029996, above the bound max_digits=10000 (raise it with --max-digits or budget.limits(max_digits=...))
    """
    # a number has more than d digits exactly when it is at least 10^d, i.e. log2 >= d log2(10)
    if bits >= current().max_digits * _BITS_PER_DIGIT:
        check("max_digits", int(bits * math.log10(2)) + 1, what() if callable(what) else what)
    return bits


# a number of d decimal digits has at most d * log2(10) bits
_BITS_PER_DIGIT = math.log2(10)


class Deadline:
    """The end of one bounded step: ``max_seconds`` of the budget in force, from now.

    Long exact computations call :meth:`check` between steps (no signal is used, so this
    works in any thread).

    >>> Deadline().check("the expansion")  # well within the bound: nothing happens
    """

    def __init__(self, seconds=None):
        self.seconds = current().max_seconds if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def check(self, what):
        """Raise :class:`BudgetExceeded`, saying that ``what`` ran out of time, once the deadline passed.

        ``what`` may be a function returning the text (called only when the time is up).
        """
        if time.monotonic() > self.end:
            what = what() if callable(what) else what
            raise BudgetExceeded(f"{what} did not finish within {self.seconds:g} s, the bound max_seconds="
                                 f"{self.seconds:g} (raise it with --max-seconds or budget.limits(max_seconds=...))")
