"""K16-ii: every local minimum of a deep linear network's squared loss is a global minimum (Kawaguchi 2016)."""

from __future__ import annotations

from proofs_checks import (MIN_KINDS, analysed, chart_coverage, expand_random, instance_key,
                           kawaguchi_instances, survey_charts)
from symlandscape.claims import CheckLog, Claim, Source, register
from symlandscape.numeric import numeric_check as confirm

__all__ = ["exact_check", "numeric_check"]


def exact_check(instance, *, seed=0, thorough=False):
    """Every critical point produced is a certified global minimum (value = L*) or a certified saddle,
    so none is a local minimum that is not global; at least one global minimum is exhibited.  Where the
    gauge charts make the critical set finite, every critical point of every chart is enumerated
    (msolve, re-proven) and classified, so the claim is checked over all of them."""
    log = CheckLog()
    for inst in expand_random(instance, seed):
        analysis = analysed(inst, seed, thorough, log)
        if analysis is None:
            continue
        points = analysis.points
        for item in points:
            log.require(item.status in ("global", "saddle"), item.text)
        n_global = sum(item.status == "global" for item in points)
        bad = [item for item in points if item.verdict is not None and item.verdict.kind in MIN_KINDS]
        log.require(n_global > 0, f"{inst.name}: {n_global} of {len(points)} critical points are certified "
                                  f"global minima (value L* = {analysis.optimum})")
        log.require(not bad, f"{inst.name}: no critical point is a local minimum of value > L* ({len(bad)} found)")
        # the whole critical set where the gauge charts make it finite, not only the constructed points
        survey = survey_charts(instance_key(inst), seed)
        for note in survey.notes:
            log.note(f"{inst.name}: {note}")
        minima = [p for p in survey.points if p.point.kind in MIN_KINDS]
        for p in survey.points:
            if p.point.kind in MIN_KINDS or p.status == "open":
                log.require(p.status == "global", p.text)
        if survey.complete:
            at_optimum = sum(p.status == "global" for p in minima)
            log.note(f"{inst.name}: {chart_coverage(survey)}; {len(minima)} local minima among them, "
                     f"{at_optimum} of value L* = {analysis.optimum}")
        else:
            log.note(f"{inst.name}: {chart_coverage(survey)}")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """Seeded descent from random starts ends at the exact optimum L* (a local minimum found by descent is
    global), and 30-digit sampling around each certified global minimum never goes below L*."""
    log = CheckLog()
    for inst in expand_random(instance, seed):
        analysis = analysed(inst, seed, thorough, CheckLog())
        if analysis is None:
            log.require(False, f"{inst.name}: no hidden layer (H = 0): not a deep linear network")
            continue
        target = float(analysis.optimum)
        converged = [r for r in analysis.runs if r.converged]
        gaps = [abs(r.value - target) for r in converged]
        # runs stop at |∇L| <= 1e-7; the value error at such a point near a minimum is ~|∇L|² / (curvature)
        log.require(converged and max(gaps) <= 1e-6 * (1 + abs(target)),
                    f"{inst.name}: {len(converged)}/{len(analysis.runs)} float64 descent runs (seed {seed}) "
                    f"converged, all to L* = {analysis.optimum} ≈ {target:.10g} "
                    f"(largest gap {max(gaps) if gaps else float('nan'):.2g})")
        for item in analysis.points:
            if item.status == "global":
                result = confirm("local_min", analysis.landscape, item.candidate.point, seed=seed)
                log.require(result.agrees, f"{inst.name}: {item.candidate.origin}: no lower value sampled "
                                           "around this global minimum")
    return log.result()


register(Claim(
    id="K16-ii",
    source=Source("Kawaguchi", "Deep Learning without Poor Local Minima", 2016, "Theorem 2.3 (ii)",
                  "arXiv:1605.07110"),
    statement="For a deep linear network with squared loss, under Theorem 2.3's assumptions "
              "(X Xᵀ and X Yᵀ full rank, d_y <= d_x, Σ with distinct eigenvalues), every local minimum is a "
              "global minimum, for any number of hidden layers and any widths.",
    conventions=("loss 1/2 ||W_{H+1}⋯W_1 X − Y||_F² (Kawaguchi)",
                 "depth in weight matrices (H+1) and hidden layers (H); Kawaguchi's 'layers' count input and "
                 "output too", "p = the smallest hidden width"),
    instances=kawaguchi_instances(),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
