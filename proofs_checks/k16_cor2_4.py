"""K16-cor2.4: no "bad" saddle with two weight matrices; bad (degenerate) saddles with three or more (Kawaguchi 2016)."""

from __future__ import annotations

import sympy

from proofs_checks import analysed, depth_text, instance_key, landscape_of, spectral_data
from symlandscape.claims import CheckLog, Claim, Instance, Source, certified_verdict, register
from symlandscape.numeric import numeric_check as confirm
from symlandscape.verdict import inertia_words

__all__ = ["exact_check", "numeric_check"]


def _bad_saddles(log, inst, L, seed, thorough):
    """Certified saddles with no negative Hessian eigenvalue (the exhibited point, or all those found)."""
    if "saddle_point" in inst.parameters:
        point = tuple(inst["saddle_point"])
        verdict, problem = certified_verdict(L, point, seed=seed)
        if problem:
            log.require(False, f"the exhibited point: {problem}")
            return []
        return [("the exhibited point", point, verdict)]
    analysis = analysed(inst, seed, thorough, log)
    if analysis is None:
        return []
    return [(item.candidate.origin, item.candidate.point, item.verdict) for item in analysis.points
            if item.status == "saddle"]


def exact_check(instance, *, seed=0, thorough=False):
    """Two weight matrices: every certified saddle has a negative Hessian eigenvalue.  Three or more: a
    certified degenerate saddle whose Hessian has no negative eigenvalue, with a descent curve."""
    log = CheckLog()
    L = landscape_of(instance_key(instance))
    if L.weight_matrices < 2:
        log.assumptions(("H >= 1 (at least one hidden layer, i.e. two weight matrices)",), "the corollary")
        return log.result()
    if L.weight_matrices == 2:
        log.note("two weight matrices: the corollary says no saddle is 'bad'")
        analysis = analysed(instance, seed, thorough, log)
        saddles = [item for item in analysis.points if item.status == "saddle"] if analysis else []
        for item in analysis.points if analysis else ():
            if item.status in ("not_critical", "open"):
                log.require(False, item.text)
        for item in saddles:
            inertia = item.verdict.hessian_inertia
            log.require(inertia is not None and inertia["negative"] > 0,
                        f"{item.candidate.origin}: certified {item.verdict.kind}, Hessian eigenvalues: "
                        + inertia_words(inertia))
        log.require(saddles, f"{len(saddles)} saddles checked (2 weight matrices, 1 hidden layer)")
        if L.widths == (1, 1, 1) and (0, 0) in [tuple(item.candidate.point) for item in saddles]:
            H = L.hessian([0, 0])
            log.require(sympy.Matrix(H).eigenvals() == {-L.X[0, 0] * L.Y[0, 0]: 1, L.X[0, 0] * L.Y[0, 0]: 1},
                        f"at the origin the Hessian is {H.tolist()}, eigenvalues ±{L.X[0, 0] * L.Y[0, 0]} exactly")
        return log.result()
    log.note(f"{depth_text(L)}: the corollary says 'bad' saddles (no negative Hessian eigenvalue) exist")
    found = _bad_saddles(log, instance, L, seed, thorough)
    bad = []
    for origin, point, verdict in found:
        inertia = verdict.hessian_inertia
        if (verdict.kind == "degenerate_saddle" and inertia is not None and inertia["negative"] == 0
                and "descent" in verdict.certificate["evidence"]):
            bad.append((origin, point, verdict))
        elif "saddle_point" in instance.parameters:
            log.require(False, f"{origin}: classify says {verdict.kind} (Hessian eigenvalues: "
                        f"{inertia_words(inertia)}): not a bad saddle")
    for origin, point, verdict in bad:
        descent = verdict.certificate["evidence"]["descent"]
        order = descent["order"]
        log.require(True, f"{origin}: certified degenerate saddle, Hessian eigenvalues: "
                          f"{inertia_words(verdict.hessian_inertia)} "
                          f"(no negative eigenvalue), descent curve of order {order} with coefficient "
                          f"{descent['coefficients'][order]}")
    log.require(bad, f"{len(bad)} bad saddles certified ({L.weight_matrices} weight matrices, "
                     f"{L.hidden_layers} hidden layers)")
    if L.widths == (1, 1, 1, 1):
        series = L.taylor([0, 0, 0], [1, 1, 1], 6)
        x, y = L.X[0, 0], L.Y[0, 0]
        expected = [y * y / 2, 0, 0, -x * y, 0, 0, x * x / 2]
        log.require(list(series) == expected and L.hessian([0, 0, 0]).is_zero_matrix,
                    f"scalar chain: the Hessian at the origin vanishes and L(t, t, t) = {series[0]} − "
                    f"{x * y} t³ + {x * x / 2} t⁶ < L(0) for small t > 0 (a saddle seen only at order 3)")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """Every saddle verdict of the exact check is confirmed numerically (eigenvalue signs, sampling,
    certificate curves followed in mpmath)."""
    log = CheckLog()
    L = landscape_of(instance_key(instance))
    if "saddle_point" in instance.parameters:
        point = tuple(instance["saddle_point"])
        verdict, _ = certified_verdict(L, point, seed=seed)
        items = [("the exhibited point", point, verdict)]
    else:
        analysis = analysed(instance, seed, thorough, CheckLog())
        items = [(i.candidate.origin, i.candidate.point, i.verdict) for i in analysis.points
                 if i.status == "saddle"] if analysis else []
    log.require(items, f"{len(items)} saddles to confirm")
    for origin, point, verdict in items:
        result = confirm(verdict, L, point, seed=seed)
        log.require(result.agrees, f"{origin}: {result.summary()}")
    return log.result()


_X3, _Y3 = spectral_data([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], [3, 2, 1], [[0, 2, 0], [-2, 0, 1], [0, -1, 0]])

register(Claim(
    id="K16-cor2.4",
    source=Source("Kawaguchi", "Deep Learning without Poor Local Minima", 2016, "Corollary 2.4",
                  "arXiv:1605.07110"),
    statement="With two weight matrices (one hidden layer) every saddle of a deep linear network has a strictly "
              "negative Hessian eigenvalue; with three or more weight matrices there are saddles whose Hessian has "
              "no negative eigenvalue.",
    conventions=("loss 1/2 ||W_{H+1}⋯W_1 X − Y||_F² (Kawaguchi)",
                 "Kawaguchi's 'three layers' = one hidden layer = two weight matrices; 'more than three layers' = "
                 "three or more weight matrices"),
    instances=(
        Instance("scalar, 2 weight matrices", "L = 1/2 (1 − w2 w1)²: the origin has Hessian eigenvalues ±1",
                 {"X": [[1]], "Y": [[1]], "hidden": [1]}),
        Instance("scalar, 3 weight matrices", "L = 1/2 (1 − w3 w2 w1)²: the origin is a saddle seen only at order 3",
                 {"X": [[1]], "Y": [[1]], "hidden": [1, 1], "saddle_point": (0, 0, 0)}),
        Instance("3x3, hidden [2]", "spectral data, 2 weight matrices: every saddle found is strict",
                 {"X": _X3, "Y": _Y3, "hidden": [2]}),
        Instance("3x3, hidden [2, 2]", "the same data, 3 weight matrices: degenerate saddles among those found",
                 {"X": _X3, "Y": _Y3, "hidden": [2, 2]}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
