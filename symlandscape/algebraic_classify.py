"""Classification at a real algebraic point: a nondegenerate critical point, with a certificate that ``verify`` checks.

:func:`classify_algebraic` takes an :class:`~symlandscape.algebraic.AlgebraicPoint` (``θ = q(α)/d(α)``,
``α`` a real root of ``g``) of a polynomial loss and builds an ``algebraic_classification``
certificate (format in :mod:`symlandscape.verify`): an interval isolating ``α``, rationalised
outwards from flint's certified root enclosure; the coordinates and the value as polynomials in
``t``; and a pivot order for the symmetric elimination of the Hessian, found here in ``arb``.
The certificate is then re-checked by :func:`symlandscape.verify.verify`, which trusts none of it.
"""

from __future__ import annotations

import flint
import sympy

from . import algebraic
from .errors import CertificateError, EvaluationError, InvalidArgument, NotCriticalError
from .verdict import FORMATS, Verdict

__all__ = ["classify_algebraic", "classify_enclosure", "AlgebraicVerdict", "polynomial_text"]

_T = sympy.Symbol("t")
#: Highest precision (bits) of the search's own enclosures (of the root, and of the Hessian).
_MAX_PRECISION = 4096


def polynomial_text(p):
    """An ``fmpq_poly`` as a polynomial in ``t`` in the safe grammar.

    >>> polynomial_text(flint.fmpq_poly([-5, -2, 0, 1])), polynomial_text(flint.fmpq_poly([flint.fmpq(1, 2)]))
    ('t^3 - 2*t - 5', '1/2')
    """
    terms = []
    for k, c in reversed(list(enumerate(map(flint.fmpq, p.coeffs())))):
        if c == 0:
            continue
        power = "" if k == 0 else "t" if k == 1 else f"t^{k}"
        size = _text(abs(c))
        body = size if not power else power if size == "1" else f"{size}*{power}"
        terms.append(("-" if c < 0 else "+", body))
    if not terms:
        return "0"
    first_sign, first = terms[0]
    return ("-" if first_sign == "-" else "") + first + "".join(f" {sign} {body}" for sign, body in terms[1:])


def classify_algebraic(landscape, point, *, polynomial=None):
    """The kind of a nondegenerate critical point at a real algebraic point, as a verified :class:`AlgebraicVerdict`.

    ``point`` is an :class:`~symlandscape.algebraic.AlgebraicPoint`; ``polynomial`` the loss as an
    ``fmpq_mpoly`` (computed from ``landscape`` when omitted).  The Verdict's ``value`` is the exact
    loss (an :class:`~symlandscape.algebraic.AlgebraicNumber`), its ``point`` the coordinates as text,
    ``global_min`` None (not decided at algebraic points) and ``verified`` True: the certificate
    passed :func:`symlandscape.verify`.  Raises :class:`~symlandscape.errors.NotCriticalError` when the
    point is not critical and :class:`~symlandscape.errors.EvaluationError` when no certificate can
    be built (a Hessian whose inertia cannot be certified, for example a singular one).

    >>> from symlandscape import Landscape
    >>> from symlandscape.algebraic import AlgebraicPoint
    >>> L = Landscape.from_expression("x^4/4 - x^2 + y^2/2", "x,y")
    >>> v = classify_algebraic(L, AlgebraicPoint(flint.fmpq_poly([-2, 0, 1]), 1, [[0, 1], [0]]))  # (√2, 0)
    >>> v.kind, str(v.value), v.hessian_inertia, v.verified
    ('strict_local_min', '-1', {'positive': 2, 'negative': 0, 'zero': 0}, True)
    >>> v.certificate["field"], v.certificate["point"]
    ({'polynomial': 't^2 - 2', 'interval': ['141/100', '71/50']}, ['t', '0'])
    """
    from .verify import verify

    loss, n = _arguments(landscape, point, polynomial)
    g = point.gq
    reduced = _critical(landscape, point, loss, n)
    kind, inertia, stated = _nondegenerate(*_elimination(point, loss, n))
    value = algebraic.polynomial_mod(_terms(loss), reduced, g)
    certificate = {
        "type": "algebraic_classification",
        "field": {"polynomial": polynomial_text(g), "interval": _isolating_interval(point)},
        "point": [polynomial_text(c) for c in point.q],
        "denominator": None if point.denominator is None else polynomial_text(point.denominator),
        "value": polynomial_text(value),
        **stated,
    }
    try:
        verify(certificate, landscape)
    except CertificateError as exc:
        raise EvaluationError(f"the algebraic certificate was built but does not verify: {exc}") from None
    lo, hi = certificate["field"]["interval"]
    explanation = (f"The coordinates are polynomials in t, at the root t of {certificate['field']['polynomial']} "
                   f"in [{lo}, {hi}]. The gradient vanishes there (each component reduces to 0 modulo that "
                   "polynomial), and the Hessian's inertia "
                   f"({inertia['positive']} positive, {inertia['negative']} negative) is certified by an elimination "
                   "whose pivots have certified signs in ball arithmetic (Sylvester's law of inertia).")
    return AlgebraicVerdict(kind, point.number(value), True, inertia, None, certificate, True, explanation,
                            tuple(str(c) for c in point.coordinates), tuple(str(v) for v in landscape.variables),
                            landscape)


def classify_enclosure(landscape, point, *, polynomial=None, value=None):
    """The kind of a nondegenerate critical point known by enclosures, as a verified :class:`AlgebraicVerdict`.

    For points whose field is too large for :func:`classify_algebraic` (its certificate reduces
    polynomials modulo the field polynomial).  The ``enclosure_classification`` certificate names
    a box with rational corners about ``point``; ``verify`` proves by the Krawczyk test that the
    box holds exactly one critical point, and certifies the Hessian's inertia and the loss's value
    on the box.  The Verdict's ``value`` is ``value`` when given (the loss at the point, known by
    the caller), else the certificate's rational interval as text.  Where the field is small
    enough (degree at most ``EXACT_DEGREE``, no denominator) the point is checked to be critical
    exactly (:class:`~symlandscape.errors.NotCriticalError` if not); otherwise the Verdict's
    ``point`` names the box, since only its critical point is proven.  Raises
    :class:`~symlandscape.errors.EvaluationError` when no box verifies (a singular Hessian, or no
    critical point near the point).

    >>> from symlandscape import Landscape
    >>> from symlandscape.algebraic import AlgebraicPoint
    >>> L = Landscape.from_expression("x^4/4 - x^2 + y^2/2", "x,y")
    >>> v = classify_enclosure(L, AlgebraicPoint(flint.fmpq_poly([-2, 0, 1]), 1, [[0, 1], [0]]))  # (√2, 0)
    >>> v.kind, v.hessian_inertia, v.verified, v.certificate["type"]
    ('strict_local_min', {'positive': 2, 'negative': 0, 'zero': 0}, True, 'enclosure_classification')
    """
    from .verify import verify

    loss, n = _arguments(landscape, point, polynomial)
    # the certificate is about the one critical point in a box about the point: the point itself is
    # that critical point only if it is critical, which is checked exactly where the field is small
    # enough; otherwise the Verdict names the box, not the point
    exact = point.denominator is None and point.g.degree() <= algebraic.EXACT_DEGREE
    if exact:
        _critical(landscape, point, loss, n)
    elimination, found_at = _elimination(point, loss, n, with_precision=True)
    kind, inertia, stated = _nondegenerate(*elimination)
    loss_terms, problem = _terms(loss), None
    # the box must be narrow enough for the pivots to keep their signs on all of it: start where
    # the point's own enclosure separated them
    for prec in (found_at, 2 * found_at, 4 * found_at):
        # a box a little wider than the point's enclosure, so that the Krawczyk image falls inside
        centres = point.enclosure(prec)
        with flint.ctx.workprec(prec):
            pad = flint.arb(2) ** (-(prec // 3))
            box = [[_exact((c - (c.rad() + pad * (1 + abs(c.mid())))).lower()),
                    _exact((c + (c.rad() + pad * (1 + abs(c.mid())))).upper())] for c in centres]
            v = algebraic.evaluate_arb(loss_terms, centres)
            margin = pad * (1 + abs(v.mid()))
            bounds = [_exact((v - margin).lower()), _exact((v + margin).upper())]
        certificate = {
            "type": "enclosure_classification",
            "box": [[_text(lo), _text(hi)] for lo, hi in box],
            "value": [_text(bounds[0]), _text(bounds[1])],
            **stated,
        }
        try:
            verify(certificate, landscape)
            break
        except CertificateError as exc:
            problem = exc
    else:
        raise EvaluationError(f"no box about the point verifies: {problem}")
    explanation = (f"The Krawczyk test proves that the box {_box_text(certificate['box'])} holds exactly one "
                   "critical point; the Hessian enclosed on the box has the certified inertia "
                   f"({inertia['positive']} positive, {inertia['negative']} negative) by an elimination whose pivots "
                   "have certified signs (Sylvester's law of inertia), and the loss there lies in "
                   f"[{certificate['value'][0]}, {certificate['value'][1]}].")
    shown = value if value is not None else f"in [{certificate['value'][0]}, {certificate['value'][1]}]"
    if exact:
        where = tuple(str(c) for c in point.coordinates)
    else:
        where = tuple(f"the critical point's coordinate in [{lo}, {hi}]" for lo, hi in certificate["box"])
        explanation += (" The point given is within the box; that it is the critical point there is not checked "
                        "exactly (its field is too large), so this verdict is about the box's critical point.")
    return AlgebraicVerdict(kind, shown, True, inertia, None, certificate, True, explanation, where,
                            tuple(str(v) for v in landscape.variables), landscape)


def _box_text(box, limit=3):
    shown = ", ".join(f"[{lo}, {hi}]" if len(lo) + len(hi) < 40 else "[...]" for lo, hi in box[:limit])
    return "(" + shown + (", ..." if len(box) > limit else "") + ")"


class AlgebraicVerdict(Verdict):
    """A :class:`~symlandscape.Verdict` at a real algebraic point.

    Rendered as ``text`` or ``json``: the worked example (``latex``, ``markdown``, ``html``) evaluates
    the loss at a rational point and is not written for algebraic ones.
    """

    def render(self, fmt="text", **options):
        if fmt in ("text", "json") or fmt not in FORMATS:
            return super().render(fmt, **options)
        raise InvalidArgument(f"fmt={fmt!r}: the worked example is written for rational points; at an algebraic "
                              "point use 'text' or 'json'")

    def _repr_markdown_(self):
        return "```text\n" + self._text() + "\n```"

    def _repr_latex_(self):
        return self._repr_markdown_()

    def _repr_html_(self):
        import html

        return "<pre>" + html.escape(self._text()) + "</pre>"


def _arguments(landscape, point, polynomial):
    """``(loss, n)``: the loss as an ``fmpq_mpoly`` (``polynomial`` when given) and the number of
    variables, after checking that ``point`` is an :class:`~symlandscape.algebraic.AlgebraicPoint` of
    the landscape's dimension."""
    if not isinstance(point, algebraic.AlgebraicPoint):
        raise InvalidArgument(f"point={point!r} must be an AlgebraicPoint (symlandscape.algebraic)")
    loss = _loss_polynomial(landscape) if polynomial is None else polynomial
    n = len(landscape.variables)
    if len(point.q) != n:
        raise InvalidArgument(f"point has {len(point.q)} coordinates; the landscape has {n} variables")
    return loss, n


def _critical(landscape, point, loss, n):
    """The point's coordinates reduced modulo its field polynomial, after checking exactly that every
    gradient component vanishes there (:class:`~symlandscape.errors.NotCriticalError` if not)."""
    reduced = _reduced_coordinates(point)
    for i in range(n):
        if not algebraic.polynomial_mod(_terms(loss.derivative(i)), reduced, point.gq).is_zero():
            raise NotCriticalError(f"the point is not critical: dL/d{landscape.variables[i]} does not vanish there")
    return reduced


def _nondegenerate(counts, order, pairs):
    """``(kind, inertia, fields)`` of a nonsingular Hessian with ``counts`` = (positive, negative)
    eigenvalues and an elimination in ``order`` (2x2 pivots at ``pairs``): ``fields`` are those both
    certificates at algebraic points state alike."""
    kind = "strict_local_min" if not counts[1] else "strict_local_max" if not counts[0] else "strict_saddle"
    inertia = {"positive": counts[0], "negative": counts[1], "zero": 0}
    return kind, inertia, {"kind": kind, "critical": True, "hessian_inertia": inertia,
                           "evidence": {"inertia": {"type": "interval_congruence", "order": order, "pairs": pairs}},
                           "global_min": None, "global": None}


def _loss_polynomial(landscape):
    from .polynomial import NotPolynomial, polynomial_context, to_mpoly

    poly = getattr(landscape, "polynomial", None)
    if isinstance(poly, flint.fmpq_mpoly):
        return poly
    ctx = polynomial_context([str(v) for v in landscape.variables])
    try:
        return to_mpoly(landscape.expression, ctx, {v: i for i, v in enumerate(landscape.variables)})
    except NotPolynomial:
        raise InvalidArgument("classify_algebraic needs a polynomial loss with rational coefficients") from None


def _terms(poly):
    return {tuple(k): flint.fmpq(v) for k, v in poly.to_dict().items()}


def _reduced_coordinates(point):
    """The coordinates as residues modulo g (the denominator inverted modulo g when there is one)."""
    if point.denominator is None:
        return list(point.q)
    gcd, inverse, _ = point.denominator.xgcd(point.gq)
    if gcd.degree() != 0:
        raise EvaluationError("the point's denominator vanishes at a root of its field polynomial")
    return [(c * inverse) % point.gq for c in point.q]


def _isolating_interval(point):
    """``[lo, hi]`` as text: flint's certified ball around α (which holds no other root of g) widened to
    short decimals, refined until the denominator has no root there.  Preferred: an interval on
    which an enclosure of g' excludes 0, which the checker confirms without a Sturm sequence."""
    fallback, slope = None, point.gq.derivative()
    prec = algebraic.PRECISION
    while prec <= _MAX_PRECISION:
        roots = algebraic.real_roots(point.g, prec)
        ball = roots[point.index]
        others = [r for i, r in enumerate(roots) if i != point.index]
        mid, rad = _exact(ball.mid()), _exact(ball.rad())
        digits = 2
        while 10**digits <= 2**prec:
            # widened outwards to short decimals: still isolating when no other root's ball meets it
            scale = flint.fmpz(10) ** digits
            lo, hi = (mid - rad) * scale, (mid + rad) * scale
            lo, hi = flint.fmpq(lo.p // lo.q, scale), flint.fmpq(-((-hi.p) // hi.q), scale)
            if lo == hi:  # a rational root, enclosed exactly: an interval around it
                lo, hi = lo - flint.fmpq(1, scale), hi + flint.fmpq(1, scale)
            box = flint.arb(lo).union(flint.arb(hi))
            d = point.denominator
            with flint.ctx.workprec(prec):
                vanishes = d is not None and d.degree() > 0 and _horner(d, box).contains(0)
                monotone = not _horner(slope, box).contains(0)
            if (not vanishes and lo < hi and point.gq(lo) * point.gq(hi) < 0
                    and not any(r.overlaps(box) for r in others)):
                if monotone:
                    return [_text(lo), _text(hi)]
                fallback = fallback or [_text(lo), _text(hi)]
            digits *= 2
        prec *= 2
    if fallback is not None:
        return fallback
    raise EvaluationError("could not find a rational interval isolating the point's root (with a nonzero "
                          "denominator on it)")


def _exact(x):
    """The exact value of an ``arb`` midpoint or radius (a dyadic rational)."""
    man, exp = (int(v) for v in x.mid().man_exp())
    return flint.fmpq(man * 2**exp) if exp >= 0 else flint.fmpq(man, 2 ** (-exp))


def _text(q):
    return str(int(q.p)) if q.q == 1 else f"{int(q.p)}/{int(q.q)}"


def _horner(p, x):
    result = flint.arb(0)
    for c in reversed(p.coeffs()):
        result = result * x + flint.arb(flint.fmpq(c))
    return result


def _elimination(point, loss, n, with_precision=False):
    """``((positive, negative), order, pairs)``: a pivot order whose pivots have certified signs.

    Greedy: the first remaining coordinate with a diagonal entry of certified sign, else the first
    pair with a certified negative 2x2 determinant.  Raises EvaluationError when none is found up to
    the precision bound (the Hessian may be singular).
    """
    hessian = [[_terms(loss.derivative(i).derivative(j)) for j in range(n)] for i in range(n)]
    prec = algebraic.PRECISION
    while prec <= _MAX_PRECISION:
        values = point.enclosure(prec)
        with flint.ctx.workprec(prec):
            matrix = [[algebraic.evaluate_arb(e, values) for e in row] for row in hessian]
            found = _greedy(matrix)
        if found is not None:
            return (found, prec) if with_precision else found
        prec *= 2
    raise EvaluationError("the Hessian's inertia could not be certified in ball arithmetic up to "
                          f"{_MAX_PRECISION} bits: it may be singular at the point")


def _greedy(matrix):
    a = [list(row) for row in matrix]
    active, order, pairs = list(range(len(a))), [], []
    positive = negative = 0
    while active:
        pivot = next((i for i in active if a[i][i] > 0 or a[i][i] < 0), None)
        if pivot is not None:
            d = a[pivot][pivot]
            positive, negative = (positive + 1, negative) if d > 0 else (positive, negative + 1)
            active.remove(pivot)
            order.append(pivot)
            for i in active:
                for j in active:
                    a[i][j] = a[i][j] - a[i][pivot] * a[pivot][j] / d
            continue
        pair = next(((x, y) for x in active for y in active
                     if x < y and a[x][x] * a[y][y] - a[x][y] * a[y][x] < 0), None)
        if pair is None:
            return None
        x, y = pair
        det = a[x][x] * a[y][y] - a[x][y] * a[y][x]
        positive, negative = positive + 1, negative + 1
        pairs.append(len(order))
        order += [x, y]
        active = [i for i in active if i not in pair]
        inverse = [[a[y][y] / det, -a[x][y] / det], [-a[y][x] / det, a[x][x] / det]]
        for i in active:
            for j in active:
                u, v = (a[i][x], a[i][y]), (a[x][j], a[y][j])
                a[i][j] = a[i][j] - sum(u[r] * inverse[r][s] * v[s] for r in range(2) for s in range(2))
    return (positive, negative), order, pairs
