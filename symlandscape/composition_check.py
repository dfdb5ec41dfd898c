"""The checker of ``composition`` bounds: a local extremum of a polynomial seen through a monotone function.

Part of the trusted kernel (called by ``_Checker.check_bound`` in :mod:`symlandscape.verify`): it
imports nothing from the search.  Nothing of the outer function or of the inner polynomial is
read from the certificate: the loss's own expression must be, as written,

    L = c + s·φ(p(θ)),    c, s ≠ 0 rational,  φ ∈ {exp, tanh, sigmoid, log},  p a polynomial,

(a sum of rational numbers and one product of rational numbers and one call of φ; c = 0 and
s = 1 may be left out).  The certificate gives an inner sum of squares for p − p0 >= 0 (a
minimum of p) or p0 − p >= 0 (a maximum), on all of space or on a ball about θ0, and a width
δ > 0.  With I = [p0, p0 + δ] (a maximum of p: [p0 − δ, p0]), the derivative φ' is enclosed in
``arb`` balls on I and shown to have one sign there, so φ is strictly monotone on I; by
continuity p(θ) lies in I near θ0, so there L − L0 = s·(φ(p(θ)) − φ(p0)) has the sign of
s · sign(φ') · (+1 for a minimum of p, −1 for a maximum).  For log, I must lie in (0, ∞).
The bound is local and not strict (``sigmoid(-x^2*y^2)`` is constant on the axes).
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import sympy

from . import jets
from .activations import sigmoid
from .errors import SymlandscapeError
# the checker's readers of JSON data and its messages (verify imports this module only when a
# certificate of this type arrives, so the import is not circular)
from .verify import _fail, _fields, _mapping, _rational, _show

__all__ = ["MAX_PIECES", "OUTER", "Composite", "check", "check_global", "composite", "derivative_sign"]

_FIELDS = {"type", "sense", "inner", "width"}
# arb working precision (bits): φ' is bounded away from 0 on a bounded interval, so narrower
# pieces, not more bits, are what a failed enclosure needs
_PRECISION = 64
#: The most pieces the interval of p is split into before the sign of φ' is given up (wide balls
#: overestimate: sech² on [0, 2] in one ball encloses negative numbers).
MAX_PIECES = 256


@dataclass(frozen=True)
class Outer:
    """An outer function: its SymPy class, an ``arb`` enclosure of its derivative, and the left end of its
    domain (None: all of R; 0: the open half-line t > 0).  Each one is strictly increasing on all
    of its domain (exp' = exp, tanh' = sech², σ' = σ(1 − σ) with 0 < σ < 1, log' = 1/t on t > 0),
    which a global bound uses (:func:`check_global`)."""

    name: str
    function: type
    derivative: object
    domain_above: object = None


#: The outer functions φ a composition may use, by name.
OUTER = {record.name: record for record in (
    Outer("exp", sympy.exp, lambda t: t.exp()),
    Outer("tanh", sympy.tanh, lambda t: t.sech() ** 2),
    # σ' = σ(1 − σ) = sech²(t/2)/4: one enclosure instead of two dependent ones
    Outer("sigmoid", sigmoid, lambda t: (t / 2).sech() ** 2 / 4),
    Outer("log", sympy.log, lambda t: flint.arb(1) / t, domain_above=flint.fmpq(0)),
)}


@dataclass(frozen=True)
class Composite:
    """``L = constant + scale · φ(inner)`` read off the expression: ``outer`` names φ in :data:`OUTER`."""

    constant: flint.fmpq
    scale: flint.fmpq
    outer: str
    inner: sympy.Expr


def _operands(expr, kind):
    """The operands of a (possibly nested, unevaluated) sum or product; ``[expr]`` for anything else."""
    if not isinstance(expr, kind):
        return [expr]
    return [leaf for arg in expr.args for leaf in _operands(arg, kind)]


def _fmpq(x):
    return flint.fmpq(int(x.p), int(x.q))


def composite(expr):
    """The loss ``expr`` as ``c + s·φ(p)`` (:class:`Composite`), or None if it is not written so.

    >>> x, y = sympy.symbols("x y")
    >>> composite(3 - 2 * sympy.tanh(x**2 * y**2))
    Composite(constant=3, scale=-2, outer='tanh', inner=x**2*y**2)
    >>> composite(sigmoid(-x**2) + x**3) is None
    True
    """
    constant, rest = flint.fmpq(0), []
    for term in _operands(expr, sympy.Add):
        if term.is_Rational:
            constant += _fmpq(term)
        else:
            rest.append(term)
    if len(rest) != 1:
        return None
    scale, calls = flint.fmpq(1), []
    for factor in _operands(rest[0], sympy.Mul):
        if factor.is_Rational:
            scale *= _fmpq(factor)
        else:
            calls.append(factor)
    if len(calls) != 1 or scale == 0 or len(calls[0].args) != 1:
        return None
    outer = next((r.name for r in OUTER.values() if type(calls[0]) is r.function), None)
    if outer is None:
        return None
    return Composite(constant, scale, outer, calls[0].args[0])


def derivative_sign(outer, low, high):
    """+1 (−1) when φ' > 0 (< 0) on all of [low, high] is shown by ``arb`` enclosures, else None.

    The interval is bisected (at most :data:`MAX_PIECES` pieces) where an enclosure meets 0.
    For log, ``low`` must be positive (else None: the interval leaves the domain).

    >>> derivative_sign("tanh", flint.fmpq(0), flint.fmpq(2)), derivative_sign("log", flint.fmpq(0), flint.fmpq(1))
    (1, None)
    """
    record = OUTER[outer]
    if not low <= high or (record.domain_above is not None and low <= record.domain_above):
        return None
    signs, pending, pieces = set(), [(low, high)], 1
    with flint.ctx.workprec(_PRECISION):
        while pending:
            a, b = pending.pop()
            d = record.derivative(flint.arb(a).union(flint.arb(b)))
            if d > 0 or d < 0:
                signs.add(1 if d > 0 else -1)
                continue
            if pieces >= MAX_PIECES or a == b:
                return None
            m = (a + b) / 2
            pending += [(a, m), (m, b)]
            pieces += 1
    return signs.pop() if len(signs) == 1 else None


def check(checker, data, sense, role):
    """Check a ``composition`` bound for ``role`` (``sense`` lower: a minimum) with the checker's state.

    Fields (exactly): ``type`` "composition", ``sense``, ``inner`` (an ``sos`` for p − p0 (sense
    lower) or p0 − p (upper), region "everywhere" or ``{"ball": r2}``) and ``width`` δ > 0.

    >>> from symlandscape import Landscape, classify, verify
    >>> L = Landscape.from_expression("3 - 2*tanh(x^2*y^2)", "x,y")
    >>> cert = classify(L, (0, 0)).certificate
    >>> cert["kind"], cert["evidence"]["maximum"]["inner"]["terms"]      # x²y² = (xy)² >= 0
    ('local_max', [{'coefficient': '1', 'polynomial': 'x*y'}])
    >>> cert["kind"] = "local_min"
    >>> cert["evidence"]["minimum"] = dict(cert["evidence"].pop("maximum"), sense="lower")
    >>> verify(cert, L)
    Traceback (most recent call last):
    ...
    symlandscape.errors.CertificateError: minimum: s·φ(p) with s = -2, tanh increasing and p >= p0 near the point gives L <= L0: a maximum, not a minimum
    """
    data = _mapping(data, f"evidence.{role}", "composition")
    _fields(data, _FIELDS, f"{role}: a composition bound")
    if data["sense"] != sense:
        _fail(f"{role}.sense must be {sense!r}")
    form, p0, inner_sense = _inner_bound(checker, data["inner"], role, everywhere=False)
    width = _rational(data["width"], f"{role}.width")
    if width <= 0:
        _fail(f"{role}.width={_show(data['width'])} must be positive")
    low, high = (p0, p0 + width) if inner_sense == "lower" else (p0 - width, p0)
    above = OUTER[form.outer].domain_above
    if above is not None and low <= above:
        _fail(f"{role}: {form.outer} is defined for p > {above} only, and the interval [{low}, {high}] "
              "of p near the point reaches beyond")
    monotone = derivative_sign(form.outer, low, high)
    if monotone is None:
        _fail(f"{role}: the sign of {form.outer}' on [{low}, {high}] is not shown by its enclosures "
              f"(at most {MAX_PIECES} pieces)")
    # L − L0 = s (φ(p) − φ(p0)), with p − p0 of one sign near θ0 and φ monotone on I
    direction = (1 if form.scale > 0 else -1) * monotone * (1 if inner_sense == "lower" else -1)
    proven = "lower" if direction > 0 else "upper"
    if proven != sense:
        _fail(f"{role}: s·φ(p) with s = {form.scale}, {form.outer} {'in' if monotone > 0 else 'de'}creasing "
              f"and p {'>=' if inner_sense == 'lower' else '<='} p0 near the point gives "
              f"L {'>=' if proven == 'lower' else '<='} L0: a {'minimum' if proven == 'lower' else 'maximum'}, "
              f"not a {'minimum' if sense == 'lower' else 'maximum'}")


def check_global(checker, data, name="global"):
    """Check a global ``composition`` bound: ``L >= L(θ0)`` wherever L is defined.

    Fields (exactly): ``type`` "composition" and ``inner``, an ``sos`` on all of space (region
    "everywhere") for p − p0 (sense lower) or p0 − p (upper).  Every φ of :data:`OUTER` is strictly
    increasing on all of its domain, so with p >= p0 (p <= p0) everywhere, L − L0 = s·(φ(p) − φ(p0))
    has the sign of s (of −s) at every point where L is defined; it must be >= 0.

    >>> from symlandscape import Landscape, classify
    >>> v = classify(Landscape.from_expression("log(1 + x^2*y^2)", "x,y"), (0, 0))
    >>> v.global_min, v.certificate["global"]["type"], v.certificate["global"]["inner"]["region"]
    (True, 'composition', 'everywhere')
    """
    data = _mapping(data, name, "composition")
    _fields(data, {"type", "inner"}, f"{name}: a global composition bound")
    form, _, inner_sense = _inner_bound(checker, data["inner"], name, everywhere=True)
    if (1 if form.scale > 0 else -1) * (1 if inner_sense == "lower" else -1) < 0:
        _fail(f"{name}: with s = {form.scale} and p {'>=' if inner_sense == 'lower' else '<='} p0 everywhere, "
              f"{form.outer} increasing gives L <= L0: an upper bound, not a global minimum")


def _inner_bound(checker, inner, name, *, everywhere):
    """``(form, p0, inner sense)``: the loss read as c + s·φ(p) (never from the certificate), and
    ``inner`` checked, an ``sos`` for p − p0 (sense lower) or p0 − p (upper) on all of space, or,
    unless ``everywhere``, on a ball about the point."""
    form = composite(checker.expr)
    if form is None:
        _fail(f"{name}: the loss is not written c + s·φ(p) with rational c, s and φ one of {sorted(OUTER)}")
    if checker.n == 0:
        _fail(f"{name}: a composition bound needs at least one variable")
    ctx = checker.context()
    try:
        p = jets.polynomial(form.inner, checker.variables, ctx)
    except SymlandscapeError as exc:
        _fail(f"{name}: the argument of {form.outer} is not a polynomial with rational coefficients ({exc})")
    p0 = p(*checker.pt)
    inner = _mapping(inner, f"{name}.inner", "sos")
    if everywhere and inner.get("region") != "everywhere":
        _fail(f"{name}.inner.region must be 'everywhere': a global bound needs p's bound on all of space")
    inner_sense = inner.get("sense")
    if inner_sense not in ("lower", "upper"):
        _fail(f"{name}.inner.sense={_show(inner_sense)} must be 'lower' (p >= p0) or 'upper' (p <= p0)")
    residual = p - ctx.constant(p0) if inner_sense == "lower" else ctx.constant(p0) - p
    checker.check_sos(inner, inner_sense, f"{name}.inner", everywhere=True, ball=not everywhere, residual=residual)
    return form, p0, inner_sense
