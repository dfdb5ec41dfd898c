"""The independent checker: re-verify a classification certificate with exact arithmetic only.

This module is the trusted kernel of symlandscape.  It imports nothing from the code that
searched for a certificate (``classify``, ``verdict``, ``inertia``) nor from the engines
that evaluate a landscape for the search (``landscape``'s flint and SymPy engines,
``deep_linear``'s closed form, ``piecewise``): it reads the certificate as plain JSON data
and recomputes every fact it relies on from the loss's defining expression
(``landscape.expression``) with its own evaluation, :mod:`symlandscape.jets` (values,
second-order jets, truncated power series, polynomial expansion) and
:mod:`symlandscape.regions` (the pieces at a kink, and the check of their proof).  Signs
of exact numbers are decided by the sign rule of :mod:`symlandscape.signs` (exact zero
identities, outward-rounded interval enclosures; never a float).  Numbers and polynomials
stored as text are read with the safe grammar of
:func:`symlandscape.expression.parse_expression`; nothing is ever passed to ``eval`` or
``sympify``.  Sizes are bounded by :mod:`symlandscape.budget`.

**Nonsmooth points.**  At a point where a ``relu``-type unit sits on a kink, the *adjacent
pieces* are the activation patterns whose closed region has nonempty interior near the
point (:mod:`symlandscape.regions`); together their regions cover a neighbourhood.  The
certificate proves which they are (evidence ``pieces``: an interior curve per piece, an
emptiness proof per pruned prefix) and the checker verifies that proof.  Then:

- every piece must have the loss's value at the point (else the loss is discontinuous
  there and nothing is verified);
- the *gradient exists* when all adjacent pieces have the same gradient (the loss is then
  differentiable there), and the *Hessian exists* when they also have the same Hessian
  (the loss then has that second-order Taylor expansion at the point, which is all the
  Hessian criteria use); ``hessian_inertia`` is null exactly when the Hessian does not exist;
- where the gradient does not exist, *critical* means Clarke-stationary: 0 is a convex
  combination of the adjacent pieces' gradients;
- a local minimum (maximum) holds when ``L >= L(θ0)`` (``<=``) on every adjacent region
  near θ0; a saddle when descent and ascent curves exist; *not critical* without a
  gradient when a direction ``p`` has ``∇L_P·p >= p·p > 0`` on every adjacent piece.

A certificate (``"type": "classification"``) states ``kind``, ``point``, ``value``,
``critical``, ``hessian_inertia``, ``global_min``, an ``evidence`` object of
sub-certificates and a ``global`` sub-certificate (or null).  What each kind needs:

==================  ===================================================================
kind                evidence
==================  ===================================================================
not_critical        ``gradient`` (a nonzero gradient) or, at a kink, ``separation``
strict_local_min    ``critical`` + ``inertia`` (congruence, every pivot positive)
strict_local_max    ``critical`` + ``inertia`` (every pivot negative)
strict_saddle       ``critical`` + ``inertia`` + ``indefinite`` (uᵀHu < 0 < vᵀHv)
local_min           ``critical``/``clarke`` + ``minimum`` (sum of squares everywhere or on a
                    ball, per piece at a kink, a ``structural_lower_bound`` or an
                    ``eckart_young`` bound equal to the value)
local_max           ``critical``/``clarke`` + ``maximum``
degenerate_saddle   ``critical``/``clarke`` + ``descent`` + ``ascent`` curves, and a
                    semidefinite Hessian where the Hessian exists
undetermined        only evidence that does not decide the kind
==================  ===================================================================

At a kink every kind also needs ``pieces``.  ``inertia`` is required exactly where the
Hessian exists (it certifies ``hessian_inertia``); ``global`` is a ``witness`` (a point of
exactly lower value) when ``global_min`` is false, and when it is true either a
``global_lower_bound`` (a sum of squares valid everywhere) or a
``structural_lower_bound`` (see :func:`structural_lower_bound`: the loss as written is its
constant term K plus terms that are nonnegative by their form, so L >= K wherever L is
defined, and L(θ0) = K) or an ``eckart_young`` bound or a ``cell_cover`` (both below).

**Cell cover** (``"type": "cell_cover"``; fields ``bound``, ``splits``, ``cells``, ``empty``,
no others).  A global lower bound on a piecewise loss, from closed cells that cover all of
space (:class:`symlandscape.regions.Cover`): a cell picks one branch of *every* unit (all
branches, in the units' order) and a sign of each split polynomial ``splits[j]`` (index 0:
p >= 0, 1: −p >= 0).  Its constraints g_0, g_1, ... are the chosen branches' constraints in
unit order, then the splits' ±p; on the closed cell the loss equals the cell's piece L_P.
Neither the pieces nor the constraints are read from the certificate: the checker derives
them from the loss.

==============  =========================================================================
entry           what the checker proves
==============  =========================================================================
``cells``       ``{"pattern": [...], "terms": [...]}``, one branch index per unit and split;
                ``L_P − bound = Σ c_i q_i² Π_{k ∈ K_i} g_k`` exactly, c_i > 0, each term's
                ``"constraints": K_i`` (absent: none) at most
                :data:`~symlandscape.regions.MAX_PRODUCT` = 2 indices (the checker forms the
                product): L_P >= bound on the cell
``empty``       ``{"prefix": [...], "multipliers": [λ_j]}``, a prefix of the branch indices;
                λ_j >= 0, one per constraint of the prefix, and Σ λ_j g_j is a negative
                constant: no point satisfies the prefix's constraints
==============  =========================================================================

The walk of the tree of branches and signs must reach every listed entry, and every leaf
must be a listed cell or lie below an empty prefix: every point lies in the cell of its own
branches and signs, where L = L_P >= bound.  With L(θ0) = ``bound`` this is a global minimum.

**Sums of squares.**  An ``sos`` states ``sense`` (lower: L − L0, upper: L0 − L), a
``region`` and ``terms`` ``{"coefficient": c, "polynomial": q[, "constraint": k]}``; the
identity ``±(L − L0) = Σ c_i q_i² g_i`` with every c_i > 0 must hold exactly:

==========================  ===========================================================
region                      multipliers g and what the identity proves
==========================  ===========================================================
``"everywhere"``            g = 1: L >= L0 (<=) on all of space; a minimum, or with
                            ``global_lower_bound`` a global minimum
``{"pattern": [...]}``      an adjacent piece at a kink; g_k = the piece's k-th region
                            constraint: the bound on that piece's region
``{"ball": "r2"}``          g_0 = r2 − Σ (θ_i − θ0_i)², r2 > 0 rational: the bound on the
                            closed ball of radius √r2 about θ0, so ``local_min``
                            (``local_max``) only — never a global claim, never at a kink
``{"pattern", "ball"}``     an adjacent piece within a ball: the piece's constraints, then
                            g = r2 − Σ (θ_i − θ0_i)² as the last one; with every adjacent
                            piece bounded so, the local bound (the pieces cover a
                            neighbourhood of θ0)
==========================  ===========================================================

**Taylor model** (``"type": "taylor_model"``, as ``evidence.minimum`` / ``maximum`` of a smooth
loss with exp, log, tanh, sigmoid or rational powers; checked by
:mod:`symlandscape.taylor_check`; fields ``order`` k (1 <= k <= 8), ``radius`` r > 0,
``bound`` M >= 0 and ``certificate``, a ball ``sos``, no others).  With h = θ − θ0 and
j = ⌊(k+1)/2⌋ the checker derives the exact Taylor polynomial Q of degree k at θ0 (every
coefficient rational, else not verified) and, by truncated Taylor arithmetic over ``arb``
balls on the box θ0 + [−r, r]^n, an enclosure of every ∂^αL(ξ)/α!, |α| = k+1; M must be
at least Σ_α sup |∂^αL/α!| · r^{k+1−2j}, so the Lagrange remainder is at most M |h|^{2j} on
the ball |h| <= r.  The ``sos`` must have region ``{"ball": r²}`` and prove
±(Q − L0) − M |h|^{2j} = σ0 + σ1 (r² − |h|²) exactly: ±(L − L0) >= 0 on that ball, so
``local_min`` (``local_max``) only.  Polynomial and piecewise losses are refused (a plain
``sos`` covers them).

**Quasi-homogeneous bound** (``"type": "quasi_homogeneous"``, as ``evidence.minimum`` /
``maximum`` of a smooth polynomial loss with a rational value; checked by
:mod:`symlandscape.quasi_check`; fields ``weights`` (one integer 1 <= w_i <= 32 per variable),
``degree`` d (2 <= d <= 64, divisible by every 2 w_i), ``epsilon`` ε > 0, ``eta`` η with
0 < η <= 1 and ``certificate``, an ``sos`` with region ``"everywhere"``; no others).  With
h = θ − θ0 the checker expands f(h) = L(θ0 + h) − L(θ0), requires every monomial to have
weighted degree w·α >= d, splits f = f_0 + f_+ (f_0 the nonzero part of weighted degree d),
requires S = Σ_{c h^α in f_+} |c| η^{w·α − d} < ε exactly, and checks
±f_0 − ε N = Σ c_i q_i² exactly with N = Σ h_i^{d/w_i}.  As |h^α| <= N^{w·α/d}, on
N <= η^d this gives |f_+| <= S N < ε N <= ±f_0, so ±(L − L0) > 0 there for h ≠ 0: a strict
minimum (maximum) near θ0, stated as ``local_min`` (``local_max``); never a global claim.

**Composition bound** (``"type": "composition"``, as ``evidence.minimum``/``maximum``; fields
``sense``, ``inner``, ``width``, no others; checked by :mod:`symlandscape.composition_check`).
The loss as written must be ``c + s·φ(p)``: a sum of rational numbers and one product of
rational numbers (s ≠ 0) and one call φ(p), φ one of exp, tanh, sigmoid, log, p a polynomial
with rational coefficients; the checker reads c, s, φ and p off the loss itself.  ``inner`` is
an ``sos`` (region ``"everywhere"`` or ``{"ball": r2}``) of p − p0 (inner sense lower) or
p0 − p (upper), p0 = p(θ0); ``width`` is a rational δ > 0.  On I = [p0, p0 + δ] (upper:
[p0 − δ, p0]), inside p > 0 for log, ``arb`` enclosures of φ' (bisected up to
:data:`~symlandscape.composition_check.MAX_PIECES` pieces) must have one sign; near θ0 p stays
in I, so L − L0 = s(φ(p) − φ(p0)) has the sign of s·sign(φ')·(±1), which must give ``sense``:
a local minimum (maximum), not strict.  As ``global`` (fields ``type`` and ``inner`` only) it
proves a global minimum: ``inner`` must hold on all of space, and as every such φ is
increasing on its whole domain, L − L0 has the sign of s·(±1) wherever L is defined, which
must be >= 0 (:func:`symlandscape.composition_check.check_global`).

**Eckart–Young bound** (``"type": "eckart_young"``, ``"theorem": "Eckart-Young-Mirsky"``;
fields ``scale`` s > 0, ``X`` (d_x × m), ``Y`` (d_y × m), ``widths`` [d_x, d_1, ..., d_y],
``layers`` (for each W_k, its matrix of variable names) and ``bound``).  The checker builds
s‖W_N⋯W_1 X − Y‖²_F from these names itself and requires it to *equal* the loss's
polynomial, every variable used once; with p = min(widths) every end-to-end product has
rank <= p; with X X ᵀ invertible and Σ = Y Xᵀ(X Xᵀ)⁻¹X Yᵀ, Eckart–Young–Mirsky gives
L >= s(tr Y Yᵀ − λ_1 − ... − λ_p) everywhere (λ the eigenvalues of Σ, largest first).
That sum is computed exactly from the factors of Σ's characteristic polynomial over Q and
certified enclosures of their roots; it must be rational (each irreducible factor's roots
all among the top p or all outside), ``bound`` must equal the right-hand side and the value
at the point must equal ``bound``.  It proves a global minimum, and so a local one (as
``evidence.minimum``).

**Algebraic points** (``"type": "algebraic_classification"``, checked by
:mod:`symlandscape.algebraic_check`).  A nondegenerate critical point of a *polynomial* loss
at a real algebraic point ``θ = q(α)/d(α)``.  Fields (all required, no others):

==================  ===================================================================
field               content and what the checker proves
==================  ===================================================================
``kind``            ``strict_local_min``, ``strict_local_max`` or ``strict_saddle``
``field``           ``{"polynomial": f, "interval": [a, b]}``: f a polynomial in ``t``
                    over Q (safe grammar, degree within ``max_degree``), a < b rationals;
                    f(a)·f(b) < 0 and f has one distinct real root α in [a, b] (Sturm)
``point``           one polynomial q_i in ``t`` per variable
``denominator``     null (d = 1) or a polynomial d in ``t``; d(α) ≠ 0 is proven by
                    bisecting [a, b] until d has no root (Sturm) in the part holding α
``value``           a polynomial v in ``t``: d^D·L(q/d) ≡ d^D·v mod f (D = deg L), so
                    L(θ) = v(α)
``critical``        true: d^k·∂L/∂θ_i(q/d) ≡ 0 mod f for every i (k = deg ∂L/∂θ_i)
``hessian_inertia`` the counts; ``zero`` is 0
``evidence``        ``{"inertia": {"type": "interval_congruence", "order": [...],
                    "pairs": [...]}}``: a symmetric elimination of the Hessian in the
                    pivot order ``order``, 2x2 pivots at the positions ``pairs``
``global_min``      null; ``global`` null (global status is not certified here)
==================  ===================================================================

The identities modulo f hold at every root of f, so f need not be irreducible (with a
reducible f, ``value`` must be the loss's residue modulo f, not only agree with it at α).  For the
inertia, the entries d^k·∂²L/∂θ_i∂θ_j(q/d) mod f (k even: a positive multiple of the
Hessian) are enclosed in ``arb`` balls on an enclosure of α found by exact bisection on
the sign of f; every 1x1 pivot must exclude 0 and every 2x2 pivot have a negative
determinant (one eigenvalue of each sign).  The enclosures are refined up to
:data:`symlandscape.algebraic_check.MAX_PRECISION` bits; a pivot that still meets 0 (a
singular Hessian, or a bad order) is not verified.  By Sylvester's law of inertia the
pivot signs are the Hessian's inertia, which must match ``hessian_inertia`` and ``kind``.

Certificates are canonical where a choice
exists (the congruence is the unique LDLᵀ form for its pivot order, convex weights sum to
one, every stated Taylor coefficient is compared), so that changing any one entry makes
the check fail.  Every number that must be real is shown to be real, every stated field is
proven or rejected, and an unknown field is rejected.
"""

from __future__ import annotations

import re

import flint
import sympy

from . import budget, jets, regions
from .errors import CertificateError, SymlandscapeError
from .signs import MAX_SIGN_PRECISION, exact_sign, is_real

__all__ = ["verify", "KINDS", "exact_sign", "MAX_SIGN_PRECISION", "structural_lower_bound"]

_FIELDS = {"type", "kind", "point", "value", "critical", "hessian_inertia", "global_min", "evidence", "global"}
#: The largest k of a Reznick multiplier (1 + |θ|²)^k in a sum of squares.
MAX_REZNICK_POWER = 4

#: Every kind a certificate may state.
KINDS = (
    "not_critical",
    "strict_local_min",
    "local_min",
    "strict_local_max",
    "local_max",
    "strict_saddle",
    "degenerate_saddle",
    "undetermined",
)

_RATIONAL = re.compile(r"^-?\d+(/\d+)?$")

# evidence keys allowed for each kind, and the ones it must have
_ALLOWED = {
    "not_critical": {"gradient", "separation", "inertia", "pieces"},
    "strict_local_min": {"critical", "inertia", "pieces"},
    "strict_local_max": {"critical", "inertia", "pieces"},
    "strict_saddle": {"critical", "inertia", "indefinite", "pieces"},
    "local_min": {"critical", "clarke", "inertia", "minimum", "pieces"},
    "local_max": {"critical", "clarke", "inertia", "maximum", "pieces"},
    "degenerate_saddle": {"critical", "clarke", "inertia", "descent", "ascent", "pieces"},
    "undetermined": {"critical", "clarke", "inertia", "descent", "ascent", "pieces"},
}
_REQUIRED = {
    "strict_saddle": {"indefinite"},
    "local_min": {"minimum"},
    "local_max": {"maximum"},
    "degenerate_saddle": {"descent", "ascent"},
}


def verify(certificate, landscape):
    """Check ``certificate`` (a dict, e.g. from ``json.load``) against ``landscape``.

    Returns True, or raises :class:`~symlandscape.CertificateError` naming the first
    condition that failed.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("x^2 + y^2", "x,y")
    >>> cert = {"type": "classification", "kind": "not_critical", "point": ["1", "0"],
    ...         "value": "1", "critical": False, "hessian_inertia": None, "global_min": None,
    ...         "evidence": {"gradient": {"type": "gradient", "gradient": ["2", "0"]}},
    ...         "global": None}
    >>> verify(cert, L)
    True
    >>> cert["evidence"]["gradient"]["gradient"] = ["3", "0"]
    >>> verify(cert, L)
    Traceback (most recent call last):
    ...
    symlandscape.errors.CertificateError: gradient[0]: the certificate states 3, the landscape gives 2
    """
    try:
        if isinstance(certificate, dict) and certificate.get("type") == "algebraic_classification":
            from . import algebraic_check  # it reads its data with this module's readers

            algebraic_check.check(certificate, *_definition(landscape))
        elif isinstance(certificate, dict) and certificate.get("type") == "enclosure_classification":
            from . import enclosure_check

            enclosure_check.check(certificate, *_definition(landscape))
        else:
            _Checker(landscape, certificate).run()
    except CertificateError:
        raise
    except SymlandscapeError as exc:
        raise CertificateError(f"not verified: {_clip(exc)}") from None
    except RecursionError:
        raise CertificateError("the certificate is nested too deeply") from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError) as exc:
        raise CertificateError(f"the certificate is malformed ({type(exc).__name__}: {_clip(exc)})") from None
    return True


def _fail(message):
    raise CertificateError(message)


def _clip(exc, limit=300):
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------
# reading JSON data


def _mapping(data, name, kind=None):
    if not isinstance(data, dict):
        _fail(f"{name} must be an object, got {type(data).__name__}")
    if kind is not None and data.get("type") != kind:
        _fail(f"{name} must have type {kind!r}, got {data.get('type')!r}")
    return data


def _fields(data, fields, what):
    """Fail unless the mapping ``data`` has exactly ``fields``, naming the unknown and the missing ones."""
    if set(data) != fields:
        extra = sorted(k if isinstance(k, str) and len(k) <= 60 else _show(k) for k in set(data) - fields)
        _fail(f"{what} has exactly the fields {sorted(fields)} (unknown: {extra[:5]}, missing: "
              f"{sorted(fields - set(data))})")


def _same_inertia(stated, counts, by):
    """The stated ``hessian_inertia`` must be the ``counts`` certified ``by`` a congruence or an elimination."""
    stated = _mapping(stated, "hessian_inertia")
    if set(stated) != {"positive", "negative", "zero"}:
        _fail("hessian_inertia must have exactly the keys positive, negative, zero")
    for key in ("positive", "negative", "zero"):
        if _integer(stated[key], f"hessian_inertia.{key}") != counts[key]:
            _fail(f"hessian_inertia.{key}={stated[key]} but {by} gives {counts[key]}")


def _list(data, name, length=None):
    if not isinstance(data, list):
        _fail(f"{name} must be a list, got {type(data).__name__}")
    if length is not None and len(data) != length:
        _fail(f"{name} has {len(data)} entries; expected {length}")
    return data


def _integer(data, name):
    if isinstance(data, bool) or not isinstance(data, int):
        _fail(f"{name}={_show(data)} must be an integer")
    return data


def _rational(data, name):
    """An exact rational from a JSON string ``"p/q"`` or integer; never a float."""
    if isinstance(data, int) and not isinstance(data, bool):
        # a certificate built in Python may hold huge integers (JSON text is bounded as a string);
        # log10(2) < 0.30103, so this is at most the number of digits
        budget.check("max_digits", int(abs(data).bit_length() * 0.30103) + 1, name)
        return flint.fmpq(data)
    if isinstance(data, str) and _RATIONAL.match(data):
        budget.check("max_digits", len(data), name)
        try:
            return flint.fmpq(data)
        except ZeroDivisionError:
            _fail(f"{name}={data!r} has a zero denominator")
    _fail(f"{name}={data!r} is not an exact rational such as \"-3/2\"")


def _definition(landscape):
    """What the checker reads of a landscape: its defining expression, variables and domain conditions."""
    from .landscape import Landscape

    if not isinstance(landscape, Landscape):
        _fail(f"landscape={landscape!r} is not a Landscape")
    expr = landscape.expression
    if not isinstance(expr, sympy.Basic):
        _fail("the landscape has no defining expression to check against")
    return expr, tuple(landscape.variables), tuple(getattr(landscape, "domain", ()))


class _Checker:
    def __init__(self, landscape, certificate):
        self.expr, variables, self.domain = _definition(landscape)
        self.cert = _mapping(certificate, "certificate", "classification")
        self.variables = variables
        self.n = len(self.variables)

    # -- exact numbers -----------------------------------------------------------------
    def number(self, data, name):
        """A rational, or an exact real constant written in the safe grammar (``"exp(1) - 3/2"``).

        A landscape with exp, log, tanh or sigmoid has such values; whether a stated one is
        right is decided by comparing it with the checker's own value (the sign rule).  A
        constant is accepted only if it has a real interval enclosure, so that a complex
        number such as ``(-1)^(1/2)`` is never taken for a real one.
        """
        if isinstance(data, str) and not _RATIONAL.match(data):
            budget.check("max_digits", len(data), name)
            expr = self.parse(data, name)
            if expr.free_symbols:
                _fail(f"{name}={_show(data)} is not a number")
            x = _exact(expr)
            if not is_real(x):
                _fail(f"{name}={_show(data)} is not shown to be a real number")
            return x
        return _rational(data, name)

    def parse(self, text, name):
        from .expression import parse_expression

        if not isinstance(text, str):
            _fail(f"{name}={_show(text)} must be a string")
        try:
            return parse_expression(text, self.variables)
        except SymlandscapeError as exc:
            _fail(f"{name}={_show(text)} cannot be read: {exc}")

    def vector(self, data, name):
        return [self.number(v, f"{name}[{i}]") for i, v in enumerate(_list(data, name, self.n))]

    def rational_vector(self, data, name):
        return tuple(_rational(v, f"{name}[{i}]") for i, v in enumerate(_list(data, name, self.n)))

    def polynomial_text(self, text, name, ctx):
        return jets.polynomial(self.parse(text, name), self.variables, ctx)

    # -- the landscape, by the checker's own evaluation --------------------------------
    def in_domain(self, pt, name):
        """Every domain condition the loss was written with holds at ``pt``."""
        for condition, relation in self.domain:
            s = exact_sign(_exact(jets.value(condition, self.variables, pt)))
            if (relation == "nonzero" and not s) or (relation == "positive" and s <= 0) or (
                    relation == "nonnegative" and s < 0):
                _fail(f"{name} is outside the domain of the loss: {condition} must be {relation} there")

    def value_at(self, pt, name):
        self.in_domain(pt, name)
        return _exact(jets.value(self.expr, self.variables, pt))

    def local_pieces(self):
        """The loss near the point: the proven adjacent pieces, with their values and derivatives.

        Off the kinks there is one piece, pattern ``()``: every unit replaced by its active
        branch, valid on the closed region where those branches hold.
        """
        kinks = regions.Kinks(self.expr, self.variables, self.pt)
        self.kinks = kinks
        if self.kind == "undetermined" and not self.evidence:
            # a verdict that states nothing needs no derivative (the checker may be unable to form one)
            if self.cert["critical"] is not None:
                _fail("an undetermined verdict without evidence must state critical=null")
            self.proofs, self.piece_gradients, self.gradient, self.hessian = [], {}, None, None
            return
        if kinks.smooth:
            if "pieces" in self.evidence:
                _fail("evidence.pieces is only for a point on a kink; no unit sits on a kink here")
            self.proofs = [kinks.piece(())]
        else:
            if "pieces" not in self.evidence:
                units = ", ".join(map(str, kinks.kink_units))
                _fail(f"the point sits on a kink of {_show(units)}: evidence.pieces must prove which activation "
                      "regions are adjacent")
            self.proofs = regions.check_pieces(self.evidence["pieces"], kinks, self.read_rational,
                                               self.polynomial_text, _fail)
        # a point shown not critical, with no inertia stated, needs no Hessian: its first-order jet is all
        # the check reads (at 256 parameters the second-order jet would be most of the time)
        first_only = (self.kind == "not_critical" and "inertia" not in self.evidence
                      and self.cert["hessian_inertia"] is None)
        expand = jets.first_order if first_only else jets.second_order
        jets_by_piece = [expand(p.expression, self.variables, self.pt) for p in self.proofs]
        for proof, jet in zip(self.proofs, jets_by_piece):
            if _sign(_difference(_exact(jet[0]), self.value)):
                _fail(f"the piece {list(proof.pattern)} has value {_show(jet[0])} at the point and the loss "
                      f"{_show(self.value)}: the loss is discontinuous there")
        self.piece_gradients = {p.pattern: [_exact(g) for g in jet[1]] for p, jet in zip(self.proofs, jets_by_piece)}
        gradients = list(self.piece_gradients.values())
        self.gradient = gradients[0] if all(_equal(g, gradients[0]) for g in gradients[1:]) else None
        self.hessian = None
        if self.gradient is not None and not first_only:
            hessians = [_hessian(jet[2]) for jet in jets_by_piece]
            if all(_equal_matrix(H, hessians[0]) for H in hessians[1:]):
                self.hessian = hessians[0]

    def read_rational(self, data, name):
        return _rational(data, name)

    def proof(self, pattern, name):
        key = tuple(_list(pattern, name))
        for proof in self.proofs:
            if proof.pattern == key:
                return proof
        _fail(f"{name}={_show(list(key))} is not one of the adjacent pieces proven by evidence.pieces")

    def along(self, curve, order):
        """Taylor coefficients of L along the curve, on a piece whose region holds it for small t > 0."""
        for proof in self.proofs:
            if all(self.stays(g, curve) for g in proof.binding):
                return [_exact(c) for c in jets.series(proof.expression, self.variables, curve, order)]
        _fail("the curve leaves every adjacent piece's region (or its side cannot be decided)")

    def stays(self, g, curve):
        """True when ``g(θ(t)) >= 0`` for all small t > 0 is shown exactly."""
        polynomial = jets.is_polynomial(g)
        if polynomial:
            degree = sympy.Poly(g, *self.variables).total_degree() * (len(curve) - 1)
            order = min(max(degree, 1), budget.current().max_order)
        else:
            order = budget.current().max_order
        for c in jets.series(g, self.variables, curve, order)[1:]:
            s = _sign(_exact(c))
            if s:
                return s > 0
        return polynomial and order >= degree

    # -- the top level -------------------------------------------------------------------
    def run(self):
        cert = self.cert
        unknown = set(cert) - _FIELDS
        if unknown:
            _fail(f"the certificate has fields {sorted(map(_show, unknown))[:5]} that are not part of the format")
        kind = cert["kind"]
        if kind not in KINDS:
            _fail(f"kind={_show(kind)} is not one of {list(KINDS)}")
        self.kind = kind
        self.pt = self.rational_vector(cert["point"], "point")
        self.value = self.value_at(self.pt, "the point")
        _same(self.number(cert["value"], "value"), self.value, "value")

        evidence = _mapping(cert["evidence"], "evidence")
        unknown = set(evidence) - _ALLOWED[kind]
        if unknown:
            _fail(f"evidence {sorted(map(_show, unknown))[:5]} is not allowed for kind {kind!r} "
                  f"(allowed: {sorted(_ALLOWED[kind])})")
        missing = _REQUIRED.get(kind, set()) - set(evidence)
        if missing:
            _fail(f"kind {kind!r} needs evidence {sorted(missing)}")
        self.evidence = evidence

        self.local_pieces()
        self.check_criticality(cert["critical"])
        inertia = self.check_inertia(cert["hessian_inertia"])
        self.check_kind(inertia)
        self.check_global(cert["global_min"], cert["global"])

    def check_criticality(self, critical):
        """``critical`` is true (proven by ``critical``/``clarke``), false (only for ``not_critical``,
        proven by ``gradient``/``separation``) or null (an ``undetermined`` verdict that did not
        establish it)."""
        if critical is None:
            if self.kind != "undetermined" or set(self.evidence) & {"critical", "clarke"}:
                _fail("critical=null (not established) is only for an undetermined verdict without "
                      "criticality evidence")
            return
        if not isinstance(critical, bool):
            _fail(f"critical={_show(critical)} must be true, false or null")
        ev = self.evidence
        smooth = self.gradient is not None
        if self.kind == "not_critical":
            if critical:
                _fail("kind 'not_critical' needs critical=false")
            key = "gradient" if smooth else "separation"
            if set(ev) & {"gradient", "separation"} != {key}:
                _fail(f"a non-critical point {'with' if smooth else 'without'} a gradient needs exactly "
                      f"the evidence {key!r}")
            if smooth:
                self.check_gradient(ev["gradient"])
            else:
                self.check_subdifferential(ev["separation"], "separation")
            return
        present = set(ev) & {"critical", "clarke"}
        if not critical:
            _fail("critical=false states that the point is not critical: that is kind 'not_critical', with "
                  "its evidence (an undetermined verdict says critical=null)")
        key = "critical" if smooth else "clarke"
        if present != {key}:
            _fail(f"a critical point {'with' if smooth else 'without'} a gradient needs exactly the "
                  f"evidence {key!r}")
        if smooth:
            _mapping(ev["critical"], "evidence.critical", "critical")
            if any(_sign(g) for g in self.gradient):
                _fail("evidence.critical: the gradient is not zero at the point")
        else:
            self.check_subdifferential(ev["clarke"], "clarke")

    def check_inertia(self, stated):
        """The inertia certified by the congruence, or None; compared with the stated one."""
        has = "inertia" in self.evidence
        if self.hessian is None:
            if stated is not None or has:
                _fail("the Hessian does not exist at this point, so hessian_inertia must be null")
            return None
        if stated is None and not has and self.kind in ("not_critical", "undetermined"):
            return None
        if stated is None or not has:
            _fail("the Hessian exists at this point: hessian_inertia and evidence.inertia are required")
        counts = self.check_congruence(self.evidence["inertia"])
        _same_inertia(stated, counts, "the congruence")
        return counts

    def check_kind(self, inertia):
        kind, ev = self.kind, self.evidence
        if kind in ("strict_local_min", "strict_local_max", "strict_saddle") and inertia is None:
            _fail(f"kind {kind!r} needs the Hessian and its inertia")
        if kind == "strict_local_min" and (inertia["negative"] or inertia["zero"]):
            _fail("strict_local_min needs a positive definite Hessian")
        if kind == "strict_local_max" and (inertia["positive"] or inertia["zero"]):
            _fail("strict_local_max needs a negative definite Hessian")
        if kind == "strict_saddle":
            if not (inertia["positive"] and inertia["negative"]):
                _fail("strict_saddle needs a Hessian with eigenvalues of both signs")
            self.check_indefinite(ev["indefinite"], self.kernel)
        if kind == "degenerate_saddle" and inertia is not None and inertia["positive"] and inertia["negative"]:
            _fail("degenerate_saddle needs a semidefinite Hessian (this one is indefinite: a strict saddle)")
        if kind == "local_min":
            self.check_bound(ev["minimum"], "lower", "minimum")
        if kind == "local_max":
            self.check_bound(ev["maximum"], "upper", "maximum")
        for role, sign in (("descent", -1), ("ascent", 1)):
            if role in ev:
                self.check_curve(ev[role], sign, role)
        if kind == "undetermined":
            if "descent" in ev and "ascent" in ev:
                _fail("undetermined with both a descent and an ascent curve: that is a saddle")
            if self.cert["global_min"] is True:
                _fail("undetermined with a global lower bound: that is a (global) minimum")
            if inertia is not None and "critical" in ev:
                if not inertia["zero"]:
                    _fail("undetermined at a critical point with a nonsingular Hessian: the Hessian decides")
                if inertia["positive"] and inertia["negative"]:
                    _fail("undetermined with an indefinite Hessian: that is a strict saddle")
                if ("descent" in ev and inertia["positive"]) or ("ascent" in ev and inertia["negative"]):
                    _fail("undetermined, yet the curve and the Hessian together show a saddle")

    def check_global(self, global_min, data):
        if global_min is None:
            if data is not None:
                _fail("global_min is null, so global must be null")
            return
        if not isinstance(global_min, bool):
            _fail(f"global_min={global_min!r} must be true, false or null")
        if global_min:
            if _mapping(data, "global").get("type") == "structural_lower_bound":
                self.check_structural(data)
                return
            if data.get("type") == "eckart_young":
                self.check_eckart_young(data, "global")
                return
            if data.get("type") == "cell_cover":
                self.check_cover(data, "global")
                return
            if data.get("type") == "composition":
                from . import composition_check

                composition_check.check_global(self, data)
                return
            data = _mapping(data, "global", "global_lower_bound")
            self.check_sos(_mapping(data["certificate"], "global.certificate", "sos"), "lower",
                           "global.certificate", everywhere=True)
            return
        data = _mapping(data, "global", "witness")
        witness = self.rational_vector(data["point"], "global.point")
        value = self.value_at(witness, "global.point")
        _same(self.number(data["value"], "global.value"), value, "global.value")
        if _sign(_difference(value, self.value)) >= 0:
            _fail(f"global.value={data['value']} is not lower than the value at the point")

    def check_structural(self, data, name="global"):
        """L = K + N with N >= 0 by its form (:func:`structural_lower_bound`) and L(θ0) = K.

        Then L >= L(θ0) wherever L is defined: a global minimum, and so a local one (as
        ``evidence.minimum`` it proves ``local_min``, on every adjacent piece at once).
        """
        if set(data) != {"type", "bound"}:
            _fail(f"{name}: a structural_lower_bound has exactly the fields type and bound")
        bound = _rational(data["bound"], f"{name}.bound")
        K = structural_lower_bound(self.expr, self.variables)
        if K is None:
            _fail(f"{name}: the loss is not written as a constant plus terms that are nonnegative by their form "
                  "(even powers of real expressions, relu, abs, exp, sigmoid, max with 0, positive constants, "
                  "and their sums, products and powers)")
        if bound != K:
            _fail(f"{name}.bound={data['bound']} but the loss's constant term is {K}")
        if not _is(self.value, K):
            _fail(f"{name}: the value at the point is not the lower bound {K}")

    def check_cover(self, data, name):
        """Closed cells covering all of space, on each an identity ``L_P − bound = Σ c q² Π g``; and
        ``L(θ0) = bound``.

        The cells, their pieces and their constraints are re-derived from the loss
        (:class:`regions.Cover`), the cover by the walk of :func:`regions.check_cover`, a pruned
        prefix by :func:`regions.check_farkas` and each identity by :func:`regions.check_identity`.
        Every point lies in some cell, where ``L = L_P >= bound``: a global lower bound.
        """
        fields = {"type", "bound", "splits", "cells", "empty"}
        if set(data) != fields:
            _fail(f"{name}: a cell_cover has exactly the fields {sorted(fields)}")
        bound = _rational(data["bound"], f"{name}.bound")
        ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(max(self.n, 1))), "lex")
        texts = _list(data["splits"], f"{name}.splits")
        budget.check("max_terms", len(texts), f"{name}.splits")
        splits = [self.parse(text, f"{name}.splits[{i}]") for i, text in enumerate(texts)]
        for i, text in enumerate(texts):
            split = jets.polynomial(splits[i], self.variables, ctx)
            budget.check("max_degree", split.total_degree(), f"{name}.splits[{i}]")
            if split.is_constant():
                _fail(f"{name}.splits[{i}]={_show(text)} is constant: a split needs a polynomial in the variables")
        cover = regions.Cover(self.expr, self.variables, splits)

        def polynomials(expressions, where):
            try:
                return [jets.polynomial(g, self.variables, ctx) for g in expressions]
            except SymlandscapeError as exc:
                _fail(f"{where}: a cell_cover needs polynomial pieces and constraints ({exc})")

        def check_cell(entry, pattern):
            where = f"{name}.cells[{list(pattern)}]"
            if set(entry) != {"pattern", "terms"}:
                _fail(f"{where} has exactly the fields pattern and terms")
            piece, = polynomials([cover.piece(pattern)], where)
            constraints = polynomials(cover.constraints(pattern), where)
            regions.check_identity(piece - ctx.constant(bound), entry["terms"], constraints, self.read_rational,
                                   self.polynomial_text, _fail, where, ctx)

        def check_empty(entry, prefix):
            where = f"{name}.empty[{list(prefix)}]"
            if set(entry) != {"prefix", "multipliers"}:
                _fail(f"{where} has exactly the fields prefix and multipliers")
            regions.check_farkas(entry["multipliers"], polynomials(cover.constraints(prefix), where),
                                 self.read_rational, _fail, where, ctx)

        regions.check_cover(data, cover, check_cell, check_empty, _fail)
        if not _is(self.value, bound):
            _fail(f"{name}: the value at the point is {self.value}, not the lower bound {bound}")

    def check_eckart_young(self, data, name):
        """L = s‖W_N⋯W_1 X − Y‖²_F exactly, and L(θ0) = s(tr YYᵀ − λ_1 − ... − λ_p) = bound.

        The premises are re-derived, none is read from metadata: the loss's polynomial must
        equal the deep linear loss the checker builds from ``layers`` (so the widths are
        those of the loss), X X ᵀ must be invertible, and the sum of the p largest
        eigenvalues of Σ = Y Xᵀ(X Xᵀ)⁻¹X Yᵀ (p the narrowest width) is computed exactly
        (:func:`_top_eigenvalue_sum`).  Every product W_N⋯W_1 has rank <= p, and by
        Eckart–Young–Mirsky (after projecting Y onto the row space of X) no matrix R of rank
        <= p has ‖RX − Y‖² below tr YYᵀ − λ_1 − ... − λ_p: L >= bound everywhere, so a point
        of value ``bound`` is a global minimum.
        """
        fields = {"type", "theorem", "scale", "X", "Y", "widths", "layers", "bound"}
        if set(data) != fields:
            _fail(f"{name}: an eckart_young bound has exactly the fields {sorted(fields)}")
        if data["theorem"] != "Eckart-Young-Mirsky":
            _fail(f"{name}.theorem must be 'Eckart-Young-Mirsky'")
        s = _rational(data["scale"], f"{name}.scale")
        if s <= 0:
            _fail(f"{name}.scale={data['scale']} must be positive")
        X = _rational_matrix(data["X"], f"{name}.X")
        Y = _rational_matrix(data["Y"], f"{name}.Y")
        if X.ncols() != Y.ncols():
            _fail(f"{name}: X has {X.ncols()} columns (samples) and Y has {Y.ncols()}")
        layers, widths = self.read_layers(data["layers"], f"{name}.layers")
        stated = [_integer(w, f"{name}.widths[{i}]") for i, w in enumerate(_list(data["widths"], f"{name}.widths"))]
        if widths[0] != X.nrows():
            _fail(f"{name}.layers: the first layer has {widths[0]} columns and X has {X.nrows()} rows")
        if widths[-1] != Y.nrows():
            _fail(f"{name}.layers: the last layer has {widths[-1]} rows and Y has {Y.nrows()}")
        if stated != widths:
            _fail(f"{name}.widths={stated} but X and the layers chain the widths {widths}")
        budget.check("max_degree", 2 * len(layers), f"{name}.layers (the degree of the loss they define)")

        ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(max(self.n, 1))), "lex")
        try:
            loss = jets.polynomial(self.expr, self.variables, ctx)
        except SymlandscapeError as exc:
            _fail(f"{name}: an Eckart-Young bound needs a polynomial loss ({exc})")
        if _deep_linear_polynomial(ctx, s, X, Y, layers, name) != loss:
            _fail(f"{name}: the loss is not {s}·||W_N⋯W_1 X - Y||² with these X, Y and layers")

        XXt = X * X.transpose()
        if XXt.det() == 0:
            _fail(f"{name}: X Xᵀ is singular (X must have full row rank)")
        sigma = Y * X.transpose() * XXt.inv() * X * Y.transpose()
        top = _top_eigenvalue_sum(sigma, min(widths), name)
        expected = s * (_trace(Y * Y.transpose()) - top)
        bound = _rational(data["bound"], f"{name}.bound")
        if bound != expected:
            _fail(f"{name}.bound={data['bound']} but s(tr YYᵀ − top {min(widths)} eigenvalues of Σ) = {expected}")
        if not _is(self.value, bound):
            _fail(f"{name}: the value at the point is {self.value}, not the Eckart-Young optimum {bound}")

    def read_layers(self, data, name):
        """The weight matrices as lists of generator indices, and the widths they chain (input first)."""
        index = {str(v): i for i, v in enumerate(self.variables)}
        seen, layers, widths = set(), [], []
        for k, matrix in enumerate(_list(data, name)):
            rows = _list(matrix, f"{name}[{k}]")
            if not rows:
                _fail(f"{name}[{k}] is empty")
            cols = len(_list(rows[0], f"{name}[{k}][0]"))
            budget.check("max_terms", len(rows) * cols, f"{name}[{k}]")
            if k and cols != widths[-1]:
                _fail(f"{name}[{k}] has {cols} columns; the layer before it has {widths[-1]} rows")
            layer = []
            for i, row in enumerate(rows):
                layer.append([])
                for j, v in enumerate(_list(row, f"{name}[{k}][{i}]", cols)):
                    if not isinstance(v, str) or v not in index:
                        _fail(f"{name}[{k}][{i}][{j}]={_show(v)} is not a variable of the landscape")
                    if v in seen:
                        _fail(f"{name}: the variable {_show(v)} is used twice")
                    seen.add(v)
                    layer[-1].append(index[v])
            layers.append(layer)
            widths.append(len(rows))
        if not layers:
            _fail(f"{name} is empty")
        if len(seen) != self.n:
            _fail(f"{name} must use every variable of the landscape exactly once")
        return layers, [len(layers[0][0]), *widths]

    # -- sub-certificates ----------------------------------------------------------------
    def check_gradient(self, data):
        data = _mapping(data, "evidence.gradient", "gradient")
        stated = self.vector(data["gradient"], "gradient")
        for i, (s, g) in enumerate(zip(stated, self.gradient)):
            _same(s, g, f"gradient[{i}]")
        if not any(_sign(g) for g in self.gradient):
            _fail("evidence.gradient: the gradient is zero: the point is critical")

    def check_subdifferential(self, data, role):
        """Weights λ_P >= 0, Σλ = 1, over every adjacent piece P; p = Σ λ_P ∇L_P(θ0).

        ``clarke``: p = 0, so 0 is in the Clarke subdifferential (the point is critical).
        ``separation``: p ≠ 0 and ∇L_Q·p >= p·p for every adjacent piece Q, so along -p every
        piece descends and along p every piece ascends at first order: not critical,
        neither a minimum nor a maximum.
        """
        data = _mapping(data, f"evidence.{role}", role)
        pieces = self.piece_gradients
        weights = {}
        for i, entry in enumerate(_list(data["weights"], f"{role}.weights")):
            entry = _mapping(entry, f"{role}.weights[{i}]")
            pattern = tuple(_list(entry["pattern"], f"{role}.weights[{i}].pattern"))
            if pattern in weights:
                _fail(f"{role}.weights lists the piece {list(pattern)} twice")
            weights[pattern] = self.number(entry["weight"], f"{role}.weights[{i}].weight")
            if _sign(weights[pattern]) < 0:
                _fail(f"{role}.weights[{i}].weight is negative")
        if set(weights) != set(pieces):
            _fail(f"{role}.weights must cover exactly the adjacent pieces {[list(p) for p in pieces]}")
        total = flint.fmpq(0)
        for w in weights.values():
            total = _plus(total, w)
        if not _is(total, flint.fmpq(1)):
            _fail(f"{role}.weights must sum to 1, they sum to {total}")
        gradients = pieces
        combination = []
        for i in range(self.n):
            total = flint.fmpq(0)
            for p in pieces:
                total = _plus(total, _times(weights[p], gradients[p][i]))
            combination.append(total)
        if role == "clarke":
            if any(_sign(c) for c in combination):
                _fail("clarke: the weighted sum of the pieces' gradients is not zero")
            return
        norm = _dot(combination, combination)
        if not _sign(norm):
            _fail("separation: the weighted sum of the pieces' gradients is zero: the point is critical")
        for p, g in gradients.items():
            if _sign(_difference(_dot(g, combination), norm)) < 0:
                _fail(f"separation: the piece {list(p)} does not satisfy ∇L·p >= p·p")

    def check_congruence(self, data):
        """S H Sᵀ = diag(d) with S in the canonical LDLᵀ form of its pivot order.

        ``order`` is a permutation of the coordinates, ``pairs`` the positions t where a
        2x2 pivot occupies (t, t+1).  With ``M[t][u] = rows[t][order[u]]``: M is unit lower
        triangular, except that a pair's 2x2 block is [[1, 1], [-1/2, 1/2]]; the nonzero
        pivots come first, and a row t of the zero pivots has no other entry among the
        zero-pivot positions.  Then det S ≠ 0, and S is the only matrix of that form with
        S H Sᵀ diagonal (the block LDLᵀ factorisation of the nonsingular leading block is
        unique, and so is the kernel vector with given entries on the trailing positions).
        By Sylvester's law of inertia, the signs of d are the signs of the eigenvalues of H.
        """
        data = _mapping(data, "evidence.inertia", "congruence")
        n = self.n
        order = [_integer(v, f"inertia.order[{i}]") for i, v in enumerate(_list(data["order"], "inertia.order", n))]
        if sorted(order) != list(range(n)):
            _fail("inertia.order must be a permutation of the coordinates 0..n-1")
        d = [self.number(v, f"inertia.diagonal[{i}]") for i, v in enumerate(_list(data["diagonal"], "inertia.diagonal", n))]
        rank = next((t for t in range(n) if not _sign(d[t])), n)
        if any(_sign(v) for v in d[rank:]):
            _fail("inertia.diagonal: the zero pivots must come last")
        pairs = [_integer(v, f"inertia.pairs[{i}]") for i, v in enumerate(_list(data["pairs"], "inertia.pairs"))]
        if pairs != sorted(set(pairs)) or any(not 0 <= t < rank - 1 for t in pairs) or any(
                b - a < 2 for a, b in zip(pairs, pairs[1:])):
            _fail("inertia.pairs must be increasing, non-overlapping positions among the nonzero pivots")
        rows = [self.vector(row, f"inertia.rows[{t}]") for t, row in enumerate(_list(data["rows"], "inertia.rows", n))]
        expected = {}
        for t in range(n):
            expected[(t, t)] = 1
        for t in pairs:
            expected[(t, t + 1)] = 1
            expected[(t + 1, t)] = flint.fmpq(-1, 2)
            expected[(t + 1, t + 1)] = flint.fmpq(1, 2)
        for t in range(n):
            row = rows[t]
            for u in range(n):
                target = expected.get((t, u))
                if target is None and (u > t or (t >= rank and u >= rank)):
                    target = 0
                if target is not None and not _is(row[order[u]], flint.fmpq(target)):
                    _fail(f"inertia.rows[{t}][{order[u]}] must be {target} in the canonical form")
        product = _congruence_product(rows, self.hessian)
        if isinstance(product, flint.fmpq_mat) and all(isinstance(v, flint.fmpq) for v in d):
            diagonal = flint.fmpq_mat(n, n, [d[t] if t == u else 0 for t in range(n) for u in range(n)])
            if product != diagonal:
                t, u = next((t, u) for t in range(n) for u in range(n) if product[t, u] != diagonal[t, u])
                _fail(f"inertia: (S H Sᵀ)[{t}][{u}] = {product[t, u]}, the certificate needs {diagonal[t, u]}")
        else:
            for t in range(n):
                for u in range(n):
                    target = d[t] if t == u else flint.fmpq(0)
                    if not _is(product[t][u], target):
                        _fail(f"inertia: (S H Sᵀ)[{t}][{u}] = {product[t][u]}, the certificate needs {target}")
        self.kernel = rows[rank:]
        signs = [_sign(v) for v in d]
        return {"positive": signs.count(1), "negative": signs.count(-1), "zero": signs.count(0)}

    def check_indefinite(self, data, kernel):
        """uᵀHu < 0 < vᵀHv, with Hu, Hv and both values stated, u and v orthogonal to ker H.

        The stated products and the orthogonality to the kernel (spanned by the congruence's
        zero-pivot rows) are the normal form: changing one entry u_j changes Hu unless e_j is
        in the kernel, and then it breaks the orthogonality.
        """
        data = _mapping(data, "evidence.indefinite", "indefinite")
        for vec, product, val, want in (("u", "Hu", "uHu", -1), ("v", "Hv", "vHv", 1)):
            x = self.vector(data[vec], f"indefinite.{vec}")
            if any(_sign(_dot(x, k)) for k in kernel):
                _fail(f"indefinite.{vec} must be orthogonal to the kernel of the Hessian")
            Hx = _matrix_vector(self.hessian, x)
            stated = self.vector(data[product], f"indefinite.{product}")
            for i, (a, b) in enumerate(zip(stated, Hx)):
                _same(a, b, f"indefinite.{product}[{i}]")
            form = _dot(x, Hx)
            _same(self.number(data[val], f"indefinite.{val}"), form, f"indefinite.{val}")
            if _sign(form) != want:
                _fail(f"indefinite: {vec}ᵀH{vec} = {form} must be {'negative' if want < 0 else 'positive'}")

    def check_curve(self, data, sign, role):
        """L(θ0 + t d1 + ... + t^r d_r) = c_0 + c_k t^k + ..., every stated c_j compared exactly."""
        data = _mapping(data, f"evidence.{role}", "curve")
        budget.check("max_order", len(_list(data["curve"], f"{role}.curve")), f"{role}.curve (its degree in t)")
        curve = [self.rational_vector(d, f"{role}.curve[{j}]") for j, d in enumerate(data["curve"])]
        if not curve:
            _fail(f"{role}.curve is empty")
        stated = [self.number(c, f"{role}.coefficients[{j}]")
                  for j, c in enumerate(_list(data["coefficients"], f"{role}.coefficients"))]
        if not 2 <= len(stated) <= budget.current().max_order + 1:
            _fail(f"{role}.coefficients must list c_0 .. c_K with 1 <= K <= {budget.current().max_order}")
        actual = self.along([self.pt, *curve], len(stated) - 1)
        for j, (s, a) in enumerate(zip(stated, actual)):
            _same(s, a, f"{role}.coefficients[{j}]")
        order = _integer(data["order"], f"{role}.order")
        first = next((j for j in range(1, len(actual)) if _sign(actual[j])), None)
        if first is None or order != first:
            _fail(f"{role}.order={order} is not the first nonzero Taylor order {first}")
        if _sign(actual[order]) != sign:
            _fail(f"{role}: the leading coefficient {actual[order]} has the wrong sign for a {role} curve")

    def check_bound(self, data, sense, role):
        """A local lower (upper) bound: one sos, or one per adjacent piece covering them all."""
        data = _mapping(data, f"evidence.{role}")
        if data.get("type") == "structural_lower_bound":
            if sense != "lower":
                _fail(f"{role}: a structural lower bound proves a minimum, not a maximum")
            self.check_structural(data, role)
            return
        if data.get("type") == "eckart_young":
            if sense != "lower":
                _fail(f"{role}: an Eckart-Young bound proves a minimum, not a maximum")
            self.check_eckart_young(data, role)
            return
        if data.get("type") == "taylor_model":
            from . import taylor_check  # it reads its data with this module's readers

            taylor_check.check(self, data, sense, role)
            return
        if data.get("type") == "quasi_homogeneous":
            from . import quasi_check  # it reads its data with this module's readers

            quasi_check.check(self, data, sense, role)
            return
        if data.get("type") == "composition":
            from . import composition_check  # it reads its data with this module's readers

            composition_check.check(self, data, sense, role)
            return
        if data.get("type") == "sos":
            if self.kinks.units:
                _fail(f"{role}: a piecewise landscape needs one sos per adjacent piece (type 'pieces')")
            self.check_sos(data, sense, role, everywhere=True, ball=True)
            return
        data = _mapping(data, f"evidence.{role}", "pieces")
        covered = set()
        for i, sub in enumerate(_list(data["pieces"], f"{role}.pieces")):
            sub = _mapping(sub, f"{role}.pieces[{i}]", "sos")
            pattern = tuple(_list(_mapping(sub["region"], f"{role}.pieces[{i}].region")["pattern"],
                                  f"{role}.pieces[{i}].region.pattern"))
            if pattern in covered:
                _fail(f"{role}.pieces lists the piece {list(pattern)} twice")
            covered.add(pattern)
            self.check_sos(sub, sense, f"{role}.pieces[{i}]", everywhere=False)
        if covered != {p.pattern for p in self.proofs}:
            _fail(f"{role}.pieces must cover every piece adjacent to the point")

    def context(self):
        """The ``fmpq_mpoly`` context of the checker's polynomials: generators x0, x1, ... in the
        order of the variables."""
        return flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(max(self.n, 1))), "lex")

    def check_sos(self, data, sense, name, *, everywhere, ball=False, residual=None):
        """L − L0 = Σ c_i q_i² (· g_i) exactly (``sense`` upper: L0 − L), c_i > 0.

        ``everywhere``: the identity is about the whole loss (not one piece at a kink).
        ``region`` "everywhere" uses the landscape's polynomial; a region ``{"pattern"}``
        uses that adjacent piece's polynomial, and a term may carry ``"constraint": k``,
        the piece's k-th region constraint g_k >= 0, as a multiplier.  Where ``ball`` is
        allowed (a local bound of a polynomial loss), a region ``{"ball": "r2"}`` has the one
        constraint g_0 = r2 − Σ (θ_i − θ0_i)², r2 > 0: every multiplier is >= 0 on the closed
        ball of radius √r2 about θ0, so the identity proves L >= L0 (<=) there, and nowhere
        else.

        ``residual``: a polynomial R (``fmpq_mpoly`` in the generators ``x0, x1, ...`` of
        :meth:`context`) built by the caller; the identity is then ``R = Σ c_i q_i² (· g_i)`` and
        proves R >= 0 on the region ("everywhere" or a ball; ``everywhere`` must be True), for
        certificates whose claim is about a polynomial other than the loss.
        """
        unknown = set(data) - {"type", "sense", "region", "terms", "multiplier"}
        if unknown:
            _fail(f"{name} has fields {sorted(map(_show, unknown))[:5]} that are not part of a sum of squares")
        if data.get("sense") != sense:
            _fail(f"{name}.sense must be {sense!r}")
        if residual is None and not isinstance(self.value, flint.fmpq):
            _fail(f"{name}: a sum of squares needs a rational value at the point")
        region = data["region"]
        ctx = self.context()
        if everywhere and isinstance(region, dict) and "ball" in region:
            if not ball:
                _fail(f"{name}.region: a sum of squares on a ball proves a bound near the point only; "
                      "this claim needs region 'everywhere'")
            if set(region) != {"ball"}:
                _fail(f"{name}.region must have exactly the field ball")
            r2 = _rational(region["ball"], f"{name}.region.ball")
            if r2 <= 0:
                _fail(f"{name}.region.ball={region['ball']} must be positive (it is the squared radius)")
            target = self.expr
            distance = sum(((x - ctx.constant(c)) ** 2 for x, c in zip(ctx.gens(), self.pt)), ctx.constant(0))
            constraints = (ctx.constant(r2) - distance,)
        elif everywhere:
            if region != "everywhere":
                _fail(f"{name}.region must be 'everywhere'" + (" or {'ball': r2}" if ball else ""))
            target, constraints = self.expr, ()
        else:
            fields = set(_mapping(region, f"{name}.region"))
            if fields not in ({"pattern"}, {"pattern", "ball"}):
                _fail(f"{name}.region of a piece has the field pattern, and optionally ball")
            piece = self.proof(region["pattern"], f"{name}.region.pattern")
            target, constraints = piece.expression, piece.constraints
            if "ball" in fields:
                # one more multiplier, after the piece's own constraints: the identity then holds on
                # the piece's region within the ball, and the pieces cover a neighbourhood of θ0
                r2 = _rational(region["ball"], f"{name}.region.ball")
                if r2 <= 0:
                    _fail(f"{name}.region.ball={region['ball']} must be positive (it is the squared radius)")
                distance = sum(((x - ctx.constant(c)) ** 2 for x, c in zip(ctx.gens(), self.pt)), ctx.constant(0))
                constraints = (*constraints, ctx.constant(r2) - distance)
        if residual is None:
            try:
                P = jets.polynomial(target, self.variables, ctx)
            except SymlandscapeError as exc:
                _fail(f"{name}: a sum of squares needs a polynomial {'loss' if everywhere else 'piece'} ({exc})")
            residual = P - ctx.constant(self.value) if sense == "lower" else ctx.constant(self.value) - P
        elif not everywhere:
            _fail(f"{name}: an identity for a stated polynomial holds everywhere or on a ball, not on a piece")
        else:
            P = residual
        if "multiplier" in data:
            # (1 + |θ|²)^k (L − L0) = Σ c q²: the weight is positive everywhere, so L − L0 >= 0 everywhere
            # (Reznick's multipliers make nonnegative forms such as Motzkin's sums of squares)
            if not everywhere or region != "everywhere":
                _fail(f"{name}.multiplier: a Reznick multiplier is only for a bound on all of space "
                      "(region 'everywhere')")
            multiplier = _mapping(data["multiplier"], f"{name}.multiplier")
            if set(multiplier) != {"reznick"}:
                _fail(f"{name}.multiplier must have exactly the field reznick")
            k = _integer(multiplier["reznick"], f"{name}.multiplier.reznick")
            if not 1 <= k <= MAX_REZNICK_POWER:
                _fail(f"{name}.multiplier.reznick={k} must be between 1 and {MAX_REZNICK_POWER}")
            budget.check("max_degree", P.total_degree() + 2 * k, f"{name} (the loss times its multiplier)")
            weight = ctx.constant(1) + sum((x * x for x in ctx.gens()[:self.n]), ctx.constant(0))
            residual = weight ** k * residual
        terms = _list(data["terms"], f"{name}.terms")
        budget.check("max_terms", len(terms), f"{name}.terms")
        for i, term in enumerate(terms):
            term = _mapping(term, f"{name}.terms[{i}]")
            if set(term) - {"coefficient", "polynomial", "constraint"}:
                _fail(f"{name}.terms[{i}] has fields other than coefficient, polynomial and constraint")
            c = _rational(term["coefficient"], f"{name}.terms[{i}].coefficient")
            if c <= 0:
                _fail(f"{name}.terms[{i}].coefficient must be positive")
            q = self.polynomial_text(term["polynomial"], f"{name}.terms[{i}].polynomial", ctx)
            if q == 0:
                _fail(f"{name}.terms[{i}].polynomial is zero")
            g = ctx.constant(1)
            if "constraint" in term:
                k = _integer(term["constraint"], f"{name}.terms[{i}].constraint")
                if not 0 <= k < len(constraints):
                    _fail(f"{name}.terms[{i}].constraint={k} is not a constraint of the "
                          f"{'piece' if not everywhere else 'region'}")
                g = constraints[k]
                if not isinstance(g, flint.fmpq_mpoly):
                    g = jets.polynomial(g, self.variables, ctx)
            # the product is bounded before it is formed: a certificate may hold huge polynomials
            budget.check("max_degree", 2 * q.total_degree() + g.total_degree(), f"{name}.terms[{i}]")
            budget.check("max_terms", len(q) * len(q) * len(g) // 4, f"{name}.terms[{i}] (an estimate of its expansion)")
            contribution = ctx.constant(c) * q * q * g
            residual = residual - contribution
        if residual != 0:
            _fail(f"{name}: the identity L {'-' if sense == 'lower' else '+'} ... does not hold"
                  f"{' (times its Reznick multiplier)' if 'multiplier' in data else ''}: "
                  f"the difference is {str(residual)[:200]}")


# ---------------------------------------------------------------------------------------
# nonnegativity read off the form of the loss


def structural_lower_bound(expr, variables):
    """The constant K with ``expr = K + N``, N nonnegative by its form, or None.

    Real expressions R: the variables (real symbols), rationals, sums, products, positive
    integer powers, and exp, tanh, sigmoid, relu, leaky_relu, abs, max, min of R — each real
    for real arguments (nothing that needs a domain: no division, log or root).
    Nonnegative expressions N: nonnegative rationals, even powers of R, positive integer powers
    of N, sums and products of N, relu, abs, exp and sigmoid of R, max of R with an N among its
    arguments, min of N.  Then N >= 0 at every real point, so ``expr >= K`` wherever the loss
    is defined; a point of value K is a global minimum.  Anything else is not recognised (None).

    >>> import sympy
    >>> x, y = sympy.symbols("x y", real=True)
    >>> structural_lower_bound(3 + (x*y - 1)**2 + 2*sympy.Max(0, 1 - x)**3, (x, y))
    3
    >>> structural_lower_bound(x**2 - y**2, (x, y)) is None
    True
    """
    from .activations import leaky_relu, relu, sigmoid

    names = set(variables)
    real_functions = (sympy.exp, sympy.tanh, sigmoid, relu, leaky_relu, sympy.Abs, sympy.Max, sympy.Min)

    def real(e):
        if e.is_Symbol:
            return e in names
        if e.is_Rational:
            return True
        if e.is_Add or e.is_Mul:
            return all(real(a) for a in e.args)
        if e.is_Pow:
            return e.exp.is_Integer and e.exp > 0 and real(e.base)
        if isinstance(e, real_functions):
            return all(real(a) for a in e.args)
        return False

    def nonnegative(e):
        if e.is_Rational:
            return e >= 0
        if e.is_Pow:
            if not (e.exp.is_Integer and e.exp > 0):
                return False
            return (e.exp % 2 == 0 and real(e.base)) or nonnegative(e.base)
        if e.is_Add or e.is_Mul:
            return all(nonnegative(a) for a in e.args)
        if isinstance(e, (relu, sympy.Abs, sympy.exp, sigmoid)):
            return all(real(a) for a in e.args)
        if isinstance(e, sympy.Max):
            return all(real(a) for a in e.args) and any(nonnegative(a) for a in e.args)
        if isinstance(e, sympy.Min):
            return all(nonnegative(a) for a in e.args)
        return False

    constant, rest = sympy.S.Zero, []
    for term in sympy.Add.make_args(expr):
        if term.is_Rational:
            constant += term
        else:
            rest.append(term)
    if not all(nonnegative(term) for term in rest):
        return None
    return flint.fmpq(int(constant.p), int(constant.q))


# ---------------------------------------------------------------------------------------
# deep linear networks: the loss built from its matrices, the exact Eckart-Young optimum


def _rational_matrix(data, name):
    """A nonempty rectangular ``fmpq_mat`` from a JSON list of rows of exact rationals."""
    rows = _list(data, name)
    if not rows:
        _fail(f"{name} is empty")
    cols = len(_list(rows[0], f"{name}[0]"))
    budget.check("max_terms", len(rows) * cols, name)
    if not cols:
        _fail(f"{name} has empty rows")
    entries = [_rational(v, f"{name}[{i}][{j}]")
               for i, row in enumerate(rows) for j, v in enumerate(_list(row, f"{name}[{i}]", cols))]
    return flint.fmpq_mat(len(rows), cols, entries)


def _trace(M):
    return sum((M[i, i] for i in range(M.nrows())), flint.fmpq(0))


def _deep_linear_polynomial(ctx, s, X, Y, layers, name):
    """s‖W_N⋯W_1 X − Y‖²_F in ``ctx``, W_k[i][j] the generator ``layers[k][i][j]``."""
    gens = ctx.gens()
    P = [[ctx.constant(X[i, j]) for j in range(X.ncols())] for i in range(X.nrows())]
    for k, layer in enumerate(layers):
        # bounded before it is formed: each entry of the next product has at most this many terms
        size = len(layer[0]) * max(len(e) for row in P for e in row)
        budget.check("max_terms", size, f"{name}.layers[{k}] (an estimate of the product's entries)")
        P = [[sum((gens[w[t]] * P[t][j] for t in range(len(w))), ctx.constant(0)) for j in range(len(P[0]))]
             for w in layer]
    total = ctx.constant(0)
    for i, row in enumerate(P):
        for j, e in enumerate(row):
            budget.check("max_terms", (len(e) + 1) ** 2, f"{name}: the square of a residual entry")
            residual = e - ctx.constant(Y[i, j])
            total = total + residual * residual
    return ctx.constant(s) * total


def _top_eigenvalue_sum(sigma, p, name):
    """λ_1 + ... + λ_p for the symmetric ``sigma`` (eigenvalues with multiplicity, largest first).

    From the factorisation of the characteristic polynomial over Q: the roots of every
    irreducible factor are isolated in disjoint rational intervals (:func:`_isolate`) and
    the intervals refined by exact bisection until every two distinct roots are ordered; the
    top p are then counted with multiplicity.  The sum is rational when each irreducible
    factor has all its roots counted equally often, c times: it is then c times the sum of
    the factor's roots, read off its coefficients.  Otherwise nothing is verified.
    """
    d = sigma.nrows()
    if p >= d:
        return _trace(sigma)
    budget.check("max_degree", d, f"{name}: the characteristic polynomial of Σ")
    deadline = budget.Deadline()
    _, factors = sigma.charpoly().factor()
    roots = []  # [low, high, factor index]: exactly one root of the factor in [low, high]
    for f_index, (f, _) in enumerate(factors):
        roots.extend([low, high, f_index] for low, high in _isolate(f, name, deadline))
    steps = 0
    while True:
        deadline.check(f"{name}: ordering the eigenvalues of Σ")
        roots.sort(key=lambda r: r[0])
        overlapping = {i for k in range(len(roots) - 1) if roots[k][1] >= roots[k + 1][0] for i in (k, k + 1)}
        if not overlapping:
            break
        steps += 1
        if steps > MAX_SIGN_PRECISION:
            _fail(f"{name}: the eigenvalues of Σ could not be ordered after {MAX_SIGN_PRECISION} bisections, "
                  f"so the top {p} are not determined")
        for i in overlapping:
            _bisect(roots[i], factors[roots[i][2]][0])
    counts, remaining = {}, p
    for _, _, f_index in reversed(roots):
        taken = min(factors[f_index][1], remaining)
        counts.setdefault(f_index, set()).add(taken)
        remaining -= taken
    total = flint.fmpq(0)
    for f_index, taken in counts.items():
        f = factors[f_index][0]
        if len(taken) > 1:
            _fail(f"{name}: the top {p} eigenvalues of Σ take some but not all roots of the irreducible "
                  f"factor {f} of its characteristic polynomial, so their sum is irrational")
        c = f.coeffs()
        total += taken.pop() * (-c[-2] / c[-1])
    return total


def _isolate(f, name, deadline):
    """Disjoint rational intervals [a, b], one around each root of the irreducible ``f``.

    Approximate roots come from arb (``acb_poly.roots``, at most MAX_SIGN_PRECISION bits);
    they are trusted only after the exact check: deg f disjoint intervals, f changing sign
    across each.  Then each holds a root, and as f has deg f roots, exactly one, all real.
    """
    c = f.coeffs()
    if f.degree() == 1:
        return [(-c[0] / c[1], -c[0] / c[1])]
    precision = 64
    while precision <= MAX_SIGN_PRECISION:
        deadline.check(f"{name}: isolating the eigenvalues of Σ")
        try:
            with flint.ctx.workprec(precision):
                guesses = flint.acb_poly(c).roots(maxprec=precision)
            intervals = sorted((_dyadic(r.real.lower()), _dyadic(r.real.upper())) for r in guesses)
        except (ValueError, ZeroDivisionError):
            intervals = []
        if len(intervals) == f.degree() and all(
                a[1] < b[0] for a, b in zip(intervals, intervals[1:])) and all(
                _sign(f(a)) * _sign(f(b)) < 0 for a, b in intervals):
            return intervals
        precision *= 2
    _fail(f"{name}: the roots of a degree-{f.degree()} factor of Σ's characteristic polynomial could not be "
          f"isolated with {MAX_SIGN_PRECISION} bits, so the top eigenvalues are not determined")


def _bisect(root, f):
    """Halve ``root``'s interval, keeping the half where f changes sign (exact evaluation)."""
    low, high, _ = root
    if low == high:
        return
    middle = (low + high) / 2
    s = _sign(f(middle))
    if s == 0:
        root[0] = root[1] = middle
    elif s == _sign(f(low)):
        root[0] = middle
    else:
        root[1] = middle


def _dyadic(x):
    """The exact value of an exact arb (a bound of a ball) as an fmpq."""
    m, e = x.man_exp()
    return flint.fmpq(int(m) * 2 ** int(e)) if e >= 0 else flint.fmpq(int(m), 2 ** int(-e))


# ---------------------------------------------------------------------------------------
# exact arithmetic helpers: fmpq where possible, SymPy numbers otherwise


# the checker reads every exact number one way: fmpq where rational, else a SymPy constant
_exact = jets._number


def _symbolic(x):
    return sympy.Rational(int(x.p), int(x.q)) if isinstance(x, flint.fmpq) else x


def _difference(a, b):
    if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
        return a - b
    return _symbolic(a) - _symbolic(b)


def _times(a, b):
    if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
        return a * b
    return _symbolic(a) * _symbolic(b)


def _plus(a, b):
    if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
        return a + b
    return _symbolic(a) + _symbolic(b)


def _dot(a, b):
    total = flint.fmpq(0)
    for x, y in zip(a, b):
        total = _plus(total, _times(x, y))
    return total


def _sign(x):
    return exact_sign(x)


def _show(data, limit=60):
    """User data shortened for a message: a certificate may hold megabytes."""
    text = data if isinstance(data, str) else repr(data)
    return repr(text) if len(text) <= limit else repr(text[: limit - 3] + "...")


def _equal(a, b):
    return len(a) == len(b) and all(not _sign(_difference(x, y)) for x, y in zip(a, b))


def _hessian(H):
    """The checker's Hessian: ``fmpq_mat`` when rational, else a SymPy Matrix of exact constants."""
    if isinstance(H, flint.fmpq_mat):
        return H
    if all(e.is_Rational for e in H):
        return flint.fmpq_mat(H.rows, H.cols, [flint.fmpq(int(e.p), int(e.q)) for e in H])
    return H


def _equal_matrix(A, B):
    if isinstance(A, flint.fmpq_mat) and isinstance(B, flint.fmpq_mat):
        return A == B
    rows = lambda M: M.table() if isinstance(M, flint.fmpq_mat) else M.tolist()  # noqa: E731
    return all(_equal([_exact(x) for x in r], [_exact(y) for y in q]) for r, q in zip(rows(A), rows(B)))


def _is(x, value):
    if isinstance(x, flint.fmpq):
        return x == value
    return not _sign(_difference(x, value))


def _same(stated, actual, name):
    if _sign(_difference(stated, actual)):
        _fail(f"{name}: the certificate states {stated}, the landscape gives {actual}")


def _congruence_product(rows, H):
    """``S H Sᵀ``: an ``fmpq_mat`` when everything is rational, else a list of rows."""
    if isinstance(H, flint.fmpq_mat) and all(isinstance(e, flint.fmpq) for row in rows for e in row):
        S = flint.fmpq_mat(len(rows), len(rows[0]), [e for row in rows for e in row])
        return S * H * S.transpose()
    S = sympy.Matrix([[_symbolic(e) for e in row] for row in rows])
    Hs = sympy.Matrix(H.nrows(), H.ncols(), [_symbolic(e) for e in H.entries()]) if isinstance(
        H, flint.fmpq_mat) else H
    M = S * Hs * S.T
    return [[_exact(M[i, j]) for j in range(M.cols)] for i in range(M.rows)]


def _matrix_vector(H, x):
    """``H x`` as a list of exact numbers."""
    if isinstance(H, flint.fmpq_mat) and all(isinstance(e, flint.fmpq) for e in x):
        product = H * flint.fmpq_mat(len(x), 1, x)
        return [product[i, 0] for i in range(len(x))]
    rows = H.table() if isinstance(H, flint.fmpq_mat) else H.tolist()
    result = []
    for row in rows:
        total = flint.fmpq(0)
        for a, b in zip(row, x):
            total = _plus(total, _times(_exact(a), b))
        result.append(total)
    return result
