"""Activation functions: exact SymPy definitions, numeric twins, and the registry.

Each activation is one :class:`Activation` record beside its definition.  ReLU-type
activations stay exact and piecewise: they are never smoothed; how each nonsmooth
function splits into smooth branches is stated once, in :mod:`symlandscape.piecewise`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np
import sympy

from .errors import InvalidArgument

__all__ = ["relu", "leaky_relu", "sigmoid", "Activation", "ACTIVATIONS", "get_activation"]


class relu(sympy.Function):
    """The rectifier ``max(z, 0)``, kept exact and unsmoothed.

    >>> relu(sympy.Rational(-3, 2)), relu(sympy.Rational(5, 7))
    (0, 5/7)
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_number and z.is_extended_real:
            if z.is_nonnegative:
                return z
            if z.is_negative:
                return sympy.S.Zero
        return None

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_nonnegative(self):
        if self.args[0].is_real:
            return True
        return None

    def _latex(self, printer):
        return r"\operatorname{relu}\left(%s\right)" % printer._print(self.args[0])


class leaky_relu(sympy.Function):
    """``z`` for ``z >= 0`` and ``slope*z`` for ``z <= 0``.

    >>> leaky_relu(-2, sympy.Rational(1, 10))
    -1/5
    """

    nargs = 2

    @classmethod
    def eval(cls, z, slope):
        if z.is_number and z.is_extended_real and slope.is_number:
            if z.is_nonnegative:
                return z
            if z.is_negative:
                return slope * z
        return None

    def _eval_is_real(self):
        return self.args[0].is_real and self.args[1].is_real

    def _latex(self, printer):
        z, slope = self.args
        return r"\operatorname{leaky\_relu}_{%s}\left(%s\right)" % (printer._print(slope), printer._print(z))


class sigmoid(sympy.Function):
    """The logistic function ``1/(1 + exp(-z))``.

    >>> sigmoid(0)
    1/2
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sympy.S.Half
        return None

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sympy.exp(-z))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        if self.args[0].is_real:
            return True
        return None


@dataclass(frozen=True)
class Activation:
    """One activation: its exact form and its float64 and mpmath twins.

    ``polynomial`` says the activation is a polynomial on each of its pieces, so that a
    squared loss through it is (piecewise) polynomial and takes the fast exact engine.
    """

    name: str
    exact: Callable[[sympy.Expr], sympy.Expr]
    float64: Callable
    mpmath: Callable
    polynomial: bool = False
    piecewise: bool = False
    parameters: dict = field(default_factory=dict)


def _relu_record():
    return Activation(
        "relu",
        relu,
        lambda z: np.maximum(z, 0.0),
        lambda z: z if z >= 0 else mpmath.mpf(0),
        polynomial=True,
        piecewise=True,
    )


def _leaky_relu_record(slope=sympy.Rational(1, 100)):
    from .exact import rational, to_sympy

    s = to_sympy(rational(slope, "slope"))
    fs = float(s)
    return Activation(
        "leaky_relu",
        lambda z: leaky_relu(z, s),
        lambda z: np.where(z >= 0, z, fs * z),
        lambda z: z if z >= 0 else mpmath.mpf(s.p) / s.q * z,
        polynomial=True,
        piecewise=True,
        parameters={"slope": s},
    )


def _identity_record():
    return Activation("identity", lambda z: z, lambda z: z, lambda z: z, polynomial=True)


def _tanh_record():
    return Activation("tanh", sympy.tanh, np.tanh, mpmath.tanh)


def _sigmoid_record():
    return Activation(
        "sigmoid", sigmoid, lambda z: 1.0 / (1.0 + np.exp(-z)), lambda z: 1 / (1 + mpmath.exp(-z))
    )


def _exp_record():
    return Activation("exp", sympy.exp, np.exp, mpmath.exp)


def _polynomial_record(coefficients=(0, 1)):
    """``sum_k coefficients[k] * z**k`` (ascending powers), e.g. ``(0, 0, 1)`` for ``z**2``."""
    from .exact import rational, to_sympy

    coeffs = tuple(to_sympy(rational(c, f"coefficients[{k}]")) for k, c in enumerate(coefficients))
    if not coeffs:
        raise InvalidArgument("coefficients=() is empty; give at least one coefficient")
    floats = tuple(float(c) for c in coeffs)
    return Activation(
        "polynomial",
        lambda z: sum((c * z**k for k, c in enumerate(coeffs)), sympy.S.Zero),
        lambda z: sum(c * z**k for k, c in enumerate(floats)),
        lambda z: sum(mpmath.mpf(c.p) / c.q * z**k for k, c in enumerate(coeffs)),
        polynomial=True,
        parameters={"coefficients": coeffs},
    )


#: name -> factory taking the activation's keyword parameters.
ACTIVATIONS = {
    "relu": _relu_record,
    "leaky_relu": _leaky_relu_record,
    "identity": _identity_record,
    "tanh": _tanh_record,
    "sigmoid": _sigmoid_record,
    "exp": _exp_record,
    "polynomial": _polynomial_record,
}


def get_activation(activation, *arguments, **parameters):
    """Return the :class:`Activation` named ``activation`` (or pass one through).

    Parameters go by position or by name:

    >>> get_activation("leaky_relu", "1/10").parameters["slope"], get_activation("leaky_relu", slope="1/10").parameters["slope"]
    (1/10, 1/10)
    """
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise InvalidArgument(
            f"activation={activation!r} is not registered; choose one of {sorted(ACTIVATIONS)}"
        )
    try:
        return ACTIVATIONS[activation](*arguments, **parameters)
    except TypeError as exc:
        given = [repr(a) for a in arguments] + [f"{k}={v!r}" for k, v in parameters.items()]
        raise InvalidArgument(f"activation={activation!r} does not take the parameters ({', '.join(given)}): "
                              f"{exc}") from None


