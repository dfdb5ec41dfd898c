"""K16-iii: every critical point of a deep linear network that is not a global minimum is a saddle (Kawaguchi 2016)."""

from __future__ import annotations

from proofs_checks import (analysed, chart_coverage, expand_random, instance_key, kawaguchi_instances,
                           survey_charts)
from symlandscape.claims import CheckLog, Claim, Source, register
from symlandscape.numeric import numeric_check as confirm

__all__ = ["exact_check", "numeric_check"]


def exact_check(instance, *, seed=0, thorough=False):
    """Every critical point produced with value > L* is a certified saddle (classify, re-checked by verify);
    at least one saddle is exhibited.  Where the gauge charts make the critical set finite, this holds
    for every critical point of every chart, enumerated exactly."""
    log = CheckLog()
    for inst in expand_random(instance, seed):
        analysis = analysed(inst, seed, thorough, log)
        if analysis is None:
            continue
        for item in analysis.points:
            log.require(item.status in ("global", "saddle"), item.text)
        saddles = [item for item in analysis.points if item.status == "saddle"]
        strict = sum(item.verdict.kind == "strict_saddle" for item in saddles)
        log.require(saddles, f"{inst.name}: {len(saddles)} certified saddles ({strict} strict, "
                             f"{len(saddles) - strict} degenerate); every other critical point is a global minimum")
        survey = survey_charts(instance_key(inst), seed)
        for note in survey.notes:
            log.note(f"{inst.name}: {note}")
        for p in survey.points:
            log.require(p.status in ("global", "saddle"), p.text)
        if survey.complete:
            n_saddles = sum(p.status == "saddle" for p in survey.points)
            n_global = sum(p.status == "global" for p in survey.points)
            log.note(f"{inst.name}: {chart_coverage(survey)}; {n_saddles} of them are certified saddles "
                     f"and {n_global} certified global minima")
        else:
            log.note(f"{inst.name}: {chart_coverage(survey)}")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """Each certified saddle is confirmed numerically: float Hessian signs, 30-digit sampling, and the
    certificate's descent/ascent curves followed in mpmath."""
    log = CheckLog()
    for inst in expand_random(instance, seed):
        analysis = analysed(inst, seed, thorough, CheckLog())
        if analysis is None:
            log.require(False, f"{inst.name}: no hidden layer (H = 0): not a deep linear network")
            continue
        for item in analysis.points:
            if item.status == "saddle":
                result = confirm(item.verdict, analysis.landscape, item.candidate.point, seed=seed)
                log.require(result.agrees, f"{inst.name}: {item.candidate.origin}: {result.summary()}")
    return log.result()


register(Claim(
    id="K16-iii",
    source=Source("Kawaguchi", "Deep Learning without Poor Local Minima", 2016, "Theorem 2.3 (iii)",
                  "arXiv:1605.07110"),
    statement="For a deep linear network with squared loss, under Theorem 2.3's assumptions, every critical "
              "point that is not a global minimum is a saddle point.",
    conventions=("loss 1/2 ||W_{H+1}⋯W_1 X − Y||_F² (Kawaguchi)",
                 "depth in weight matrices (H+1) and hidden layers (H)", "p = the smallest hidden width"),
    instances=kawaguchi_instances(),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
