"""K16-iv: if rank(W_H⋯W_2) = p, the Hessian at any saddle point has a strictly negative eigenvalue (Kawaguchi 2016)."""

from __future__ import annotations

import numpy as np
import sympy

from proofs_checks import analysed, expand_random, kawaguchi_instances
from symlandscape.claims import CheckLog, Claim, Source, register
from symlandscape.numeric import EIGENVALUE_TOLERANCE, numeric_twin

__all__ = ["exact_check", "numeric_check", "middle_rank"]


def middle_rank(L, point):
    """``rank(W_H ⋯ W_2)`` exactly; for one hidden layer the empty product is the identity of size d_1."""
    mats = L.matrices(point)
    if len(mats) == 2:
        return L.widths[1]
    product = mats[1]
    for W in mats[2:-1]:
        product = W * product
    return product.rank()


def _saddles(instance, seed, thorough, log):
    for inst in expand_random(instance, seed):
        analysis = analysed(inst, seed, thorough, log)
        if analysis is None:
            continue
        L = analysis.landscape
        p = min(L.widths[1:-1])
        for item in analysis.points:
            if item.status == "not_critical":
                log.require(False, item.text)
            if item.status == "open":
                log.require(False, item.text)
            if item.status == "saddle":
                yield inst, L, p, item


def exact_check(instance, *, seed=0, thorough=False):
    """For every certified saddle, rank(W_H⋯W_2) is computed exactly; where it equals p the certified
    Hessian inertia must have a negative eigenvalue.  Saddles with smaller rank are reported (outside the
    condition: there the Hessian may have none)."""
    log = CheckLog()
    covered = 0
    for inst, L, p, item in _saddles(instance, seed, thorough, log):
        rank = middle_rank(L, item.candidate.point)
        negative = item.verdict.hessian_inertia["negative"] if item.verdict.hessian_inertia else None
        label = "W_H⋯W_2" if L.hidden_layers > 1 else "the empty product W_H⋯W_2 = I (one hidden layer)"
        if rank == p:
            covered += 1
            log.require(negative is not None and negative > 0,
                        f"{inst.name}: {item.candidate.origin}: rank of {label} = {rank} = p, and the certified "
                        f"Hessian has {negative} negative eigenvalue(s)")
        else:
            log.note(f"{inst.name}: {item.candidate.origin}: rank of {label} = {rank} < p = {p}: outside the "
                     f"condition (Hessian negative eigenvalues: {negative}, kind {item.verdict.kind})")
    log.require(covered > 0, f"{covered} saddles satisfy rank(W_H⋯W_2) = p and were checked")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """At each saddle with rank(W_H⋯W_2) = p the float64 Hessian's smallest eigenvalue is clearly negative."""
    log = CheckLog()
    for inst, L, p, item in _saddles(instance, seed, thorough, CheckLog()):
        if middle_rank(L, item.candidate.point) != p:
            continue
        x = [float(sympy.Rational(v)) for v in item.candidate.point]
        H = numeric_twin(L).hessian(x)
        smallest = float(np.linalg.eigvalsh(H)[0])
        tolerance = EIGENVALUE_TOLERANCE * max(1.0, float(np.linalg.norm(H)))
        log.require(smallest < -tolerance, f"{inst.name}: {item.candidate.origin}: smallest float64 Hessian "
                                           f"eigenvalue {smallest:.4g} < -{tolerance:.1g}")
    return log.result()


register(Claim(
    id="K16-iv",
    source=Source("Kawaguchi", "Deep Learning without Poor Local Minima", 2016, "Theorem 2.3 (iv)",
                  "arXiv:1605.07110"),
    statement="For a deep linear network with squared loss, under Theorem 2.3's assumptions, at any saddle "
              "point with rank(W_H⋯W_2) = p the Hessian has a strictly negative eigenvalue (with one hidden layer "
              "the condition always holds).",
    conventions=("loss 1/2 ||W_{H+1}⋯W_1 X − Y||_F² (Kawaguchi)",
                 "depth in weight matrices (H+1) and hidden layers (H)", "p = the smallest hidden width"),
    instances=kawaguchi_instances(),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
