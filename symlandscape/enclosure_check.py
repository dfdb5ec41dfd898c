"""The checker of ``enclosure_classification`` certificates: one nondegenerate critical point in a box.

Part of the trusted kernel (called by :func:`symlandscape.verify.verify`): it imports nothing from
the search, and re-derives every fact from the loss's defining expression with
:func:`symlandscape.jets.polynomial` and ``arb`` ball arithmetic (certified enclosures, never a
float).  The format is in ``verify``'s module docstring.

The certificate names a box ``X`` with rational corners, not a point.  The Krawczyk test proves
that the gradient has exactly one zero ``θ*`` in ``X``; the Hessian enclosed on all of ``X``
contains ``H(θ*)``, and a symmetric elimination whose pivots have certified signs gives its
inertia (Sylvester's law); the loss enclosed on ``X`` bounds the value.  It serves points whose
exact field is too large for an algebraic certificate: the facts hold at any degree.
"""

from __future__ import annotations

import flint

from . import budget, jets
from .algebraic_check import KINDS, MAX_PRECISION, compare_inertia, pivot_signs, read_congruence
from .errors import SymlandscapeError
# the checker's readers of JSON data and its messages (verify imports this module only when a
# certificate of this type arrives, so the import is not circular)
from .verify import _clip, _fail, _fields, _list, _rational

__all__ = ["check"]

_FIELDS = {"type", "kind", "box", "value", "critical", "hessian_inertia", "evidence", "global_min", "global"}
_FIRST_PRECISION = 64


def check(certificate, expression, variables, domain):
    """Check an ``enclosure_classification`` certificate against the loss ``expression`` in ``variables``.

    Returns True or raises :class:`~symlandscape.errors.CertificateError` naming the first
    condition that failed.  Proves, when it returns: the box holds exactly one critical point
    of the loss, the Hessian there is nonsingular with the stated inertia (hence the stated
    kind), and the loss there lies in the stated interval.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> cert = {"type": "enclosure_classification", "kind": "strict_local_min",
    ...         "box": [["141/100", "71/50"]], "value": ["-1001/1000", "-999/1000"], "critical": True,
    ...         "hessian_inertia": {"positive": 1, "negative": 0, "zero": 0},
    ...         "evidence": {"inertia": {"type": "interval_congruence", "order": [0], "pairs": []}},
    ...         "global_min": None, "global": None}
    >>> check(cert, x**4 / 4 - x**2, (x,), ())
    True
    >>> cert["box"] = [["1/2", "3/2"]]   # a box too wide for the Krawczyk test
    >>> check(cert, x**4 / 4 - x**2, (x,), ())
    Traceback (most recent call last):
    ...
    symlandscape.errors.CertificateError: not verified: I - Y J(X) has a row sum that is not below 1 (row 0): the box is too wide
    """
    cert = certificate
    _fields(cert, _FIELDS, "an enclosure_classification certificate")
    if cert["kind"] not in KINDS:
        _fail(f"kind must be one of {list(KINDS)}: an enclosure certificate is for a nondegenerate critical point")
    if cert["critical"] is not True:
        _fail("critical must be true: an enclosure certificate is for a critical point")
    if cert["global_min"] is not None or cert["global"] is not None:
        _fail("global_min and global must be null: global status is not certified by an enclosure")
    variables = tuple(variables)
    n = len(variables)
    if domain:
        _fail("the loss is written with domain conditions (a division, a root or a logarithm): an enclosure "
              "certificate needs a polynomial loss")
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(max(n, 1))), "lex")
    try:
        loss = jets.polynomial(expression, variables, ctx)
    except SymlandscapeError as exc:
        _fail(f"an enclosure certificate needs a polynomial loss ({_clip(exc)})")
    box = [_interval(entry, f"box[{i}]", strict=True) for i, entry in enumerate(_list(cert["box"], "box", n))]
    value = _interval(cert["value"], "value", strict=False)
    order, pairs = read_congruence(cert["evidence"], n)
    gradient = [loss.derivative(i) for i in range(n)]
    hessian = [[gradient[i].derivative(j) for j in range(n)] for i in range(n)]
    # enough bits for the box's corners, then more until the enclosures are tight enough
    bits = max(int(c.p).bit_length() + int(c.q).bit_length() for lo, hi in box for c in (lo, hi))
    if bits + 32 > MAX_PRECISION:
        _fail(f"not verified: the box's corners need {bits} bits, above the precision bound {MAX_PRECISION}")
    deadline = budget.Deadline()
    degrees = [max(1, d) for d in loss.degrees()] if n else []
    precision, problem = max(_FIRST_PRECISION, bits + 32), None
    while precision <= MAX_PRECISION:
        deadline.check("the enclosures on the box")
        with flint.ctx.workprec(precision):
            X = [flint.arb(lo).union(flint.arb(hi)) for lo, hi in box]
            m = [flint.arb((lo + hi) / 2) for lo, hi in box]
            on_box, at_centre = _powers(X, degrees), _powers(m, degrees)
            J = [[None] * n for _ in range(n)]
            for i in range(n):
                deadline.check("the Hessian on the box")
                for j in range(i, n):  # the Hessian is symmetric: each entry once
                    J[i][j] = J[j][i] = _evaluate(hessian[i][j], on_box)
            problem, hopeless = _krawczyk([_evaluate(g, at_centre) for g in gradient], J, X, m, box)
            if hopeless:  # the box itself is too wide: more bits cannot help
                break
            if problem is None:
                signs, failed = pivot_signs([[J[order[r]][order[c]] for c in range(n)] for r in range(n)], pairs)
                if signs is None:
                    problem = (f"pivot {failed} of the Hessian's elimination meets 0 on the box (the Hessian may be "
                               "singular there, or the box is too wide)")
                else:
                    # Taylor at the critical point θ*: L(m) = L(θ*) + ½ dᵀ H(ξ) d with d = m − θ*, ξ in X
                    d = [x - c for x, c in zip(X, m)]
                    enclosure = _evaluate(loss, at_centre) - sum(
                        (J[i][j] * d[i] * d[j] for i in range(n) for j in range(n)), flint.arb(0)) / 2
                    counts = {"positive": signs.count(1), "negative": signs.count(-1), "zero": 0}
                    compare_inertia(counts, cert["hessian_inertia"], cert["kind"])
                    if enclosure >= flint.arb(value[0]) and enclosure <= flint.arb(value[1]):
                        return True
                    problem = (f"value: the loss at the box's critical point, enclosed in "
                               f"{enclosure.str(10, radius=True)}, is not shown inside the stated [{value[0]}, {value[1]}]")
        precision *= 2
    _fail(f"not verified: {problem}")


def _interval(data, name, strict):
    ends = _list(data, name, 2)
    lo, hi = (_rational(v, f"{name}[{i}]") for i, v in enumerate(ends))
    if lo > hi or (strict and lo == hi):
        _fail(f"{name}=[{lo}, {hi}] must have its lower end first" + (" and positive width" if strict else ""))
    return lo, hi


def _powers(values, degrees):
    """``table[i][e] = values[i]^e`` by repeated products (arb's real power of a ball that meets
    0 is not finite)."""
    tables = []
    for v, top in zip(values, degrees):
        table = [flint.arb(1)]
        for _ in range(top):
            table.append(table[-1] * v)
        tables.append(table)
    return tables


def _evaluate(p, powers):
    """An enclosure of the ``fmpq_mpoly`` p at the point whose powers are ``powers``."""
    total = flint.arb(0)
    for exponents, c in p.terms():
        term = flint.arb(c)
        for table, e in zip(powers, exponents):
            if e:
                term = term * table[e]
        total += term
    return total


def _krawczyk(F, J, X, m, box):
    """``(None, False)`` when the Krawczyk test proves exactly one zero of the gradient in the box,
    else ``(why not, hopeless)``, hopeless when more precision cannot help (the box is too wide).

    ``F`` encloses ∇L at the box's centre m, ``J`` the Hessian on all of X.  With any matrix Y,
    K = m − Y F + (I − Y J)(X − m).  If K lies in the interior of X and the row sums of
    |I − Y J| are below 1, then X holds exactly one zero (Krawczyk 1969; Moore 1977).  Y, the
    inverse of J's centre, only guides: any Y gives a sound test.
    """
    n = len(box)
    try:
        Y = flint.arb_mat([[J[i][j].mid() for j in range(n)] for i in range(n)]).inv()
    except (ZeroDivisionError, ValueError):
        return "the Hessian's enclosure on the box has a singular centre", False
    Y = flint.arb_mat([[Y[i, j].mid() for j in range(n)] for i in range(n)])
    contraction = flint.arb_mat([[1 if i == j else 0 for j in range(n)] for i in range(n)]) - Y * flint.arb_mat(J)
    for i in range(n):
        row = flint.arb(0)
        for j in range(n):
            row += abs(contraction[i, j])
        if not row < 1:
            return f"I - Y J(X) has a row sum that is not below 1 (row {i}): the box is too wide", row.mid() >= 1
    K = (flint.arb_mat([[v] for v in m]) - Y * flint.arb_mat([[f] for f in F])
         + contraction * flint.arb_mat([[x - c] for x, c in zip(X, m)]))
    for i, (lo, hi) in enumerate(box):
        if not (K[i, 0] > flint.arb(lo) and K[i, 0] < flint.arb(hi)):
            outside = K[i, 0].mid() <= flint.arb(lo) or K[i, 0].mid() >= flint.arb(hi)
            return f"the Krawczyk test does not prove one critical point in the box (coordinate {i} leaves it)", outside
    return None, False
