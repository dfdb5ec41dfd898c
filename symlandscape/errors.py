"""The one exception tree of symlandscape.

Every error a user can provoke is a :class:`SymlandscapeError`; its message names
the argument, its value, the condition that failed and what to do instead.
"""

__all__ = [
    "SymlandscapeError",
    "InvalidArgument",
    "NotExactError",
    "ParseError",
    "ShapeError",
    "DomainError",
    "KinkError",
    "NotCriticalError",
    "CertificateError",
    "EvaluationError",
]


class SymlandscapeError(Exception):
    """Base class of every error raised on purpose by symlandscape."""


class InvalidArgument(SymlandscapeError, ValueError):
    """An argument has the wrong type or value (``name=value``: what is expected)."""


class NotExactError(InvalidArgument):
    """A float (or NaN/inf) was given where an exact rational is required."""


class ParseError(InvalidArgument):
    """User text is not in the expression grammar symlandscape accepts."""


class ShapeError(InvalidArgument):
    """Matrices, points or directions have incompatible shapes or lengths."""


class DomainError(InvalidArgument):
    """A point lies outside the domain of the loss (a zero divisor, the logarithm of a
    nonpositive number, an even root of a negative number)."""


class KinkError(SymlandscapeError):
    """A derivative was asked for at a point where a piecewise landscape has a kink."""


class NotCriticalError(SymlandscapeError):
    """An operation that needs a critical point was given a point with nonzero gradient."""


class CertificateError(SymlandscapeError):
    """A certificate is malformed or does not verify."""


class EvaluationError(SymlandscapeError):
    """An exact evaluation cannot be carried out: a pole, a fractional power of a vanishing
    base, a sign that the exact sign rule cannot decide, an unsupported operation."""
