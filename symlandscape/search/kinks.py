"""At a kink: Clarke criticality or a separating direction, and the adjacent pieces' proof.

Pairs with the checker's ``_Checker.check_subdifferential`` (the ``clarke`` and
``separation`` certificates: weights of a convex combination of the adjacent pieces'
gradients) and :func:`symlandscape.regions.check_pieces` (the ``pieces`` evidence).
"""

from __future__ import annotations

import flint

from ..convex import min_norm_point
from ..errors import SymlandscapeError
from .scalars import _exact, _sign, _text


def clarke(search):
    """At a kink without a gradient: decide 0 ∈ conv{∇L_P} exactly (min-norm point).

    Returns None when the point is Clarke-critical (the ``clarke`` evidence is recorded),
    else the kind the search stops with: ``"not_critical"`` (the ``separation`` evidence)
    or ``"undetermined"``.
    """
    pieces = search.L.pieces(search.pt)
    search.pieces = pieces
    gradients = [[_exact(g) for g in p.landscape._gradient(search.pt)] for p in pieces]
    try:
        weights, p = min_norm_point(gradients)
    except SymlandscapeError as exc:
        search.notes.append(f"Criticality at the kink is undecided: {exc}.")
        return "undetermined"
    names = "; ".join(", ".join(p.pattern) for p in pieces)
    entries = [{"pattern": list(piece.branches), "weight": _text(w)} for piece, w in zip(pieces, weights)]
    kinks = ", ".join(u.description for u in search.L.kinks(search.pt))
    if all(_sign(c) == 0 for c in p):
        search.evidence["clarke"] = {"type": "clarke", "weights": entries}
        search.critical = True
        search.notes.append(f"The point is on a kink of {kinks}; the gradient and Hessian do not exist. "
                            f"It is critical in Clarke's sense: a convex combination of the gradients of "
                            f"the {len(pieces)} adjacent pieces ({names}) vanishes.")
        return None
    search.evidence = {"separation": {"type": "separation", "weights": entries}}
    search.notes.insert(0, f"The point is on a kink of {kinks} and is not critical: 0 is not in the convex "
                           f"hull of the adjacent pieces' gradients (Clarke's subdifferential). With p the "
                           f"nearest point of that hull to 0, every adjacent piece descends at first order "
                           f"along -p and ascends along p, so it is neither a minimum nor a maximum.")
    if all(isinstance(c, flint.fmpq) for c in p):
        search.witness_curve = [[-c for c in p]]
    return "not_critical"


def attach_pieces(search, kind, global_min, data):
    """Record the adjacent pieces' proof on a piecewise landscape; ``(kind, global_min, data)`` after it.

    When the pieces are undecided nothing that depends on them can be stated: the verdict
    becomes ``undetermined`` and keeps only a witness of lower value.
    """
    if not search.L.is_piecewise or "pieces" in search.evidence:
        return kind, global_min, data
    try:
        proof = search.L.pieces_certificate(search.pt)
    except SymlandscapeError as exc:
        search.notes.append(f"The adjacent pieces are undecided: {exc}.")
        kind, search.evidence, search.congruence, search.critical = "undetermined", {}, None, None
        if data is not None and data.get("type") != "witness":
            global_min, data = None, None
        proof = None
    if proof is not None:
        search.evidence["pieces"] = proof
    return kind, global_min, data
