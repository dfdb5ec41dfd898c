"""Losses: one :class:`Loss` record per loss, each beside its definition.

A loss sums a per-entry term over every output unit and sample.  Margin losses take
labels ``y ∈ {-1, 1}`` and are functions of ``z = -y f`` (Liang, Sun, Lee, Srikant,
"Adding One Neuron Can Eliminate All Bad Local Minima", 2018).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy

from .errors import InvalidArgument

__all__ = ["Loss", "LOSSES", "get_loss"]


@dataclass(frozen=True)
class Loss:
    """A loss: ``term(f, y)`` is the contribution of one output ``f`` with target ``y``."""

    name: str
    term: Callable
    margin: bool = False
    parameters: dict = field(default_factory=dict)

    def total(self, outputs, targets):
        """The loss of an output matrix against a target matrix (same shape)."""
        return sympy.Add(*(self.term(f, y) for f, y in zip(outputs, targets)))

    def describe(self):
        params = ", ".join(f"{k}={v}" for k, v in self.parameters.items())
        return f"{self.name}({params})" if params else self.name


_SCALES = {"half": sympy.S.Half, "sum": sympy.S.One}


def _squared(scale="half"):
    """``1/2 (f - y)^2`` (``scale="half"``, Kawaguchi 2016) or ``(f - y)^2`` (``"sum"``)."""
    if scale not in _SCALES:
        raise InvalidArgument(f"scale={scale!r} is not allowed; use 'half' (1/2 ||.||^2) or 'sum'")
    s = _SCALES[scale]
    return Loss("squared", lambda f, y: s * (f - y) ** 2, parameters={"scale": scale})


def _hinge(p=3):
    """Polynomial hinge ``max(z + 1, 0)^p`` at ``z = -y f``; C^2 for ``p >= 3``."""
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= 64:
        raise InvalidArgument(f"p={p!r} must be an integer from 1 to 64 (p >= 3 makes the loss C^2)")
    return Loss("hinge", lambda f, y: sympy.Max(1 - y * f, 0) ** p, margin=True, parameters={"p": p})


def _logistic():
    """``log(1 + exp(z))`` at ``z = -y f``."""
    return Loss("logistic", lambda f, y: sympy.log(1 + sympy.exp(-y * f)), margin=True)


#: name -> factory taking the loss's keyword parameters.
LOSSES = {"squared": _squared, "hinge": _hinge, "logistic": _logistic}


def get_loss(loss, **parameters):
    """Return the :class:`Loss` named ``loss`` (or pass one through).

    >>> f, y = sympy.symbols("f y")
    >>> get_loss("squared", scale="sum").term(f, y)
    (f - y)**2
    """
    if isinstance(loss, Loss):
        return loss
    if not isinstance(loss, str) or loss not in LOSSES:
        raise InvalidArgument(f"loss={loss!r} is not registered; choose one of {sorted(LOSSES)}")
    try:
        return LOSSES[loss](**parameters)
    except TypeError as exc:
        raise InvalidArgument(f"loss={loss!r} does not take parameters {parameters}: {exc}") from None
