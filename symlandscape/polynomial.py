"""Sparse exact polynomials: SymPy expressions to flint ``fmpq_mpoly``, and series along curves.

Polynomial losses are never differentiated as SymPy trees at run time: they are
converted once to flint's sparse multivariate polynomials, whose derivatives and
evaluations are orders of magnitude faster (see ``benchmarks/``).
"""

from __future__ import annotations

import flint
import sympy

from .errors import InvalidArgument

__all__ = ["NotPolynomial", "polynomial_context", "to_mpoly", "curve_polynomials", "MAX_DEGREE"]

#: Largest exponent accepted in a polynomial; beyond it exact expansion is refused.
MAX_DEGREE = 10_000


class NotPolynomial(Exception):
    """Internal signal: the expression is not a polynomial with rational coefficients."""


def polynomial_context(names):
    """The flint context of polynomials in ``names`` (cached by flint)."""
    return flint.fmpq_mpoly_ctx.get(tuple(str(n) for n in names), "lex")


def to_mpoly(expr, ctx, index):
    """Convert a SymPy expression to an ``fmpq_mpoly`` in ``ctx``.

    ``index`` maps each Symbol to its generator number.  Raises :class:`NotPolynomial`
    when ``expr`` is not a polynomial with rational coefficients in those symbols.
    """
    gens = ctx.gens()
    cache = {}

    def convert(node):
        hit = cache.get(node)
        if hit is not None:
            return hit
        if node.is_Symbol:
            if node not in index:
                raise NotPolynomial(node)
            result = gens[index[node]]
        elif node.is_Rational:
            result = ctx.constant(flint.fmpq(int(node.p), int(node.q)))
        elif node.is_Add:
            result = ctx.constant(0)
            for arg in node.args:
                result += convert(arg)
        elif node.is_Mul:
            result = ctx.constant(1)
            for arg in node.args:
                result *= convert(arg)
        elif node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            if node.exp > MAX_DEGREE:
                raise InvalidArgument(
                    f"exponent {node.exp} in {node} is larger than {MAX_DEGREE}; "
                    "it cannot be expanded exactly in reasonable time"
                )
            result = convert(node.base) ** int(node.exp)
        else:
            raise NotPolynomial(node)
        cache[node] = result
        return result

    return convert(sympy.sympify(expr) if not isinstance(expr, sympy.Basic) else expr)


def curve_polynomials(curve, ctx_t):
    """Coordinates of the polynomial curve ``θ(t) = Σ_k curve[k] t^k`` as polynomials in t."""
    (t,) = ctx_t.gens()
    length = len(curve[0])
    return [
        sum((ctx_t.constant(vec[i]) * t**k for k, vec in enumerate(curve) if vec[i] != 0), ctx_t.constant(0))
        for i in range(length)
    ]


def univariate_coefficients(poly, order):
    """Coefficients ``[c_0, ..., c_order]`` of a one-variable ``fmpq_mpoly``."""
    coefficients = [flint.fmpq(0)] * (order + 1)
    for (exponent,), coefficient in poly.to_dict().items():
        if exponent <= order:
            coefficients[exponent] = flint.fmpq(coefficient)
    return coefficients
