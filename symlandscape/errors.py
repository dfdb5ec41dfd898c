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
    "KinkError",
    "NotCriticalError",
    "CertificateError",
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


class KinkError(SymlandscapeError):
    """A derivative was asked for at a point where a piecewise landscape has a kink."""


class NotCriticalError(SymlandscapeError):
    """An operation that needs a critical point was given a point with nonzero gradient."""


class CertificateError(SymlandscapeError):
    """A certificate is malformed or does not verify."""
