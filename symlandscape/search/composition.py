"""Local minima and maxima through a monotone outer function: ``L = c + s·φ(p)`` with p locally extremal.

Pairs with :mod:`symlandscape.composition_check`, whose reading of the loss
(:func:`~symlandscape.composition_check.composite`) and monotonicity test
(:func:`~symlandscape.composition_check.derivative_sign`) it uses, so that it only proposes what
the checker accepts.  For a loss written ``c + s·φ(p)`` (φ one of exp, tanh, sigmoid, log; p a
polynomial) the sign of s and of φ' say whether a minimum of L needs a minimum or a maximum of
p; a sum of squares for p − p0 (p0 − p) is sought on all of space, then on a ball
(:mod:`symlandscape.sos`), and the width δ of the interval of p is :data:`WIDTH` (for log, at
most half the distance of p0 to 0).  ``tanh(x^2*y^2)`` at 0: x²y² = (xy)², so p >= 0 = p0
everywhere, tanh is increasing on [0, 1/4], and the loss is at least tanh(0) near 0:

>>> from symlandscape import Landscape, classify
>>> v = classify(Landscape.from_expression("tanh(x^2*y^2)", "x,y"), (0, 0))
>>> bound = v.certificate["evidence"]["minimum"]
>>> v.kind, bound["width"], bound["inner"]["region"], bound["inner"]["terms"]
('local_min', '1/4', 'everywhere', [{'coefficient': '1', 'polynomial': 'x*y'}])
"""

from __future__ import annotations

import flint

from .. import sos as sos_engine
from ..composition_check import OUTER, composite, derivative_sign
from ..errors import SymlandscapeError
from ..jets import polynomial
from .positivity import _LOCAL_BASIS, _LOCAL_SIZE, _SDP_BASIS, _SDP_SIZE

#: The width δ of the interval [p0, p0 + δ] (or [p0 − δ, p0]) on which φ is shown monotone.
WIDTH = flint.fmpq(1, 4)


def composition_bound(search, sense):
    """A ``composition`` certificate of a local minimum (``sense`` lower) or maximum, or None.

    The reason for a None is left in ``search.notes`` when the loss has the shape.
    """
    found = _composite(search, max(_SDP_SIZE, _LOCAL_SIZE))
    if found is None:
        return None
    form, p, pt, names = found
    p0 = p(*pt)
    width = WIDTH
    if OUTER[form.outer].domain_above is not None:
        # log: the interval must stay in p > 0 (for a maximum of p it extends below p0)
        if p0 <= 0:
            return None
        width = min(width, p0 / 2)
    # φ is monotone on both sides of p0 for these φ; its sign on the side used decides the sense of p
    for inner_sense in ("lower", "upper"):
        low, high = (p0, p0 + width) if inner_sense == "lower" else (p0 - width, p0)
        monotone = derivative_sign(form.outer, low, high)
        if monotone is None:
            continue
        direction = (1 if form.scale > 0 else -1) * monotone * (1 if inner_sense == "lower" else -1)
        if (direction > 0) == (sense == "lower"):
            break
    else:
        search.notes.append(f"No composition bound: the sign of {form.outer}' near {p0} is not shown.")
        return None
    inner = _inner_sos(search, p, pt, inner_sense, names)
    what = "minimum" if inner_sense == "lower" else "maximum"
    if inner is None:
        search.notes.append(f"The loss is c + s·{form.outer}(p) with p polynomial, but no sum of squares shows a "
                            f"local {what} of p (seed={search.seed}).")
        return None
    region = inner["region"]
    where = "everywhere" if region == "everywhere" else f"on the ball |θ − θ0|² <= {region['ball']}"
    search.notes.append(f"The loss is c + s·{form.outer}(p) with s = {form.scale}: a sum of squares shows "
                        f"p {'>=' if inner_sense == 'lower' else '<='} p(θ0) = {p0} {where} (seed={search.seed}), "
                        f"and {form.outer} is strictly {'in' if monotone > 0 else 'de'}creasing on the interval of "
                        f"width {width} there (arb enclosures of its derivative).")
    return {"type": "composition", "sense": sense, "inner": inner, "width": str(width)}


def _composite(search, size):
    """``(form, p, point, names)`` for a loss written ``c + s·φ(p)`` of 1 to ``size`` parameters (p as
    an ``fmpq_mpoly``), else None."""
    if search.n == 0 or search.n > size:
        return None
    form = composite(search.L.expression)
    if form is None:
        return None
    variables = list(search.L.variables)
    names = [str(v) for v in variables]
    try:
        p = polynomial(form.inner, variables, flint.fmpq_mpoly_ctx.get(tuple(names), "lex"))
    except SymlandscapeError:
        return None
    return form, p, list(search.pt), names


def _inner_sos(search, p, pt, sense, names, ball=True):
    """An ``sos`` for p − p0 (``sense`` lower) or p0 − p, on all of space or (``ball``) on a ball, or None."""
    ctx = p.context()
    p0 = ctx.constant(p(*pt))
    R = p - p0 if sense == "lower" else p0 - p
    if search.n <= _SDP_SIZE:
        found = sos_engine.attempt(R, zeros=[pt], max_basis=_SDP_BASIS, time_limit=None, seed=search.seed).found
        if found is not None:
            return {"type": "sos", "region": "everywhere", "sense": sense, "terms": found.certificate_terms(names)}
    if ball and search.n <= _LOCAL_SIZE:
        return sos_engine.local_attempt(p, pt, sense=sense, variables=names, max_basis=_LOCAL_BASIS,
                                        time_limit=None, seed=search.seed).found
    return None


def composition_everywhere(search):
    """``L >= L(θ0)`` on all of space from ``L = c + s·φ(p)``: p's bound everywhere and φ increasing,
    as a global ``composition`` certificate, or None."""
    found = _composite(search, _SDP_SIZE)
    if found is None:
        return None
    form, p, pt, names = found
    # every φ is increasing: a minimum of L needs p >= p0 when s > 0, p <= p0 when s < 0
    inner_sense = "lower" if form.scale > 0 else "upper"
    local = search.evidence.get("minimum")
    if (isinstance(local, dict) and local.get("type") == "composition" and local["inner"]["region"] == "everywhere"
            and local["inner"]["sense"] == inner_sense):
        inner = local["inner"]  # the local bound's identity already holds on all of space
    else:
        inner = _inner_sos(search, p, pt, inner_sense, names, ball=False)
    if inner is None:
        return None
    search.notes.append(f"The loss is c + s·{form.outer}(p) with s = {form.scale}, {form.outer} is increasing, and a "
                        f"sum of squares shows p {'>=' if inner_sense == 'lower' else '<='} p(θ0) everywhere "
                        f"(seed={search.seed}): L >= L(θ0) everywhere.")
    return {"type": "composition", "inner": inner}

