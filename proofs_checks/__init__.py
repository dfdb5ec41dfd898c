"""Executable checks of the published claims of the landscape literature: one module per claim id.

Each module registers one :class:`~symlandscape.claims.Claim` with
:func:`~symlandscape.claims.register`; :func:`~symlandscape.claims.discover` imports them all.
Module names follow the ids: ``K16-i`` → ``k16_i``, ``K16-cor2.4`` → ``k16_cor2_4``.

This package module also holds what the deep linear claims (K16-i..iv, K16-cor2.4, BH89)
share: exact spectral instances, and every critical point the toolkit produces for them with
its exact status (cached, so that the claims checked on one instance pay for it once).
"""

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy

from symlandscape.claims import Instance, certified_verdict
from symlandscape.deep_linear import deep_linear
from symlandscape.linear_theory import (
    cayley_orthogonal,
    critical_point,
    global_min_value,
    kawaguchi_assumptions,
    least_squares_product,
    sigma_eigenvectors,
    spectral_instance,
    zero_block_point,
)
from symlandscape.numeric import descend, numeric_twin, rational_point


#: The claim ids, in the order the report lists them.
CLAIM_IDS = (
    "K16-i",
    "K16-ii",
    "K16-iii",
    "K16-iv",
    "K16-cor2.4",
    "BH89",
    "SCP16-relu",
    "BLIND-SPOT",
    "INIT",
    "OVERPARAM",
    "HESS-rules",
    "LEE-saddle",
    "LSLS18-elim",
    "KK19-fail",
    "REG-DLN",
)


def module_name(claim_id):
    """The module of a claim id: ``"K16-cor2.4"`` → ``"k16_cor2_4"``."""
    return claim_id.lower().replace("-", "_").replace(".", "_")


# ---------------------------------------------------------------------------------------
# deep linear instances and their critical points, shared by K16-i..iv, K16-cor2.4 and BH89

def spectral_data(skew_q, singular_values, skew_r):
    """``(X, Y)`` with ``X = I`` and ``Y = Q [diag(s) 0] R``, Q and R Cayley transforms of the skew matrices.

    Σ then has the rational eigenvalues ``s_i²`` and the rational eigenvectors (columns of Q).
    """
    return spectral_instance(cayley_orthogonal(skew_q), singular_values, cayley_orthogonal(skew_r))


def random_spectral_data(rng, d_y, d_x, *, max_entry=3):
    """Seeded random spectral data: skew entries in [-max_entry, max_entry], distinct singular values."""
    def skew(n):
        S = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                S[i][j] = int(rng.integers(-max_entry, max_entry + 1))
                S[j][i] = -S[i][j]
        return S

    values = sorted(rng.choice(np.arange(1, 3 * d_y + 2), size=d_y, replace=False).tolist(), reverse=True)
    return spectral_data(skew(d_y), [int(v) for v in values], skew(d_x))


def instance_key(instance):
    """A hashable key of a deep linear instance's data (for caching shared work)."""
    def rows(M):
        return tuple(tuple(str(e) for e in row) for row in sympy.Matrix(M).tolist())

    return rows(instance["X"]), rows(instance["Y"]), tuple(instance["hidden"]), instance.get("scale", "half")


def landscape_of(key):
    X, Y, hidden, scale = key
    return deep_linear([list(r) for r in X], [list(r) for r in Y], list(hidden), scale)


def depth_text(L):
    """Depth and scaling in words: weight matrices, hidden layers, widths, loss scaling."""
    H = L.hidden_layers
    scaling = "1/2 ||·||_F²" if L.scale == "half" else "||·||_F² (plain sum of squares)"
    matrices = f"{L.weight_matrices} weight matri{'ces' if L.weight_matrices != 1 else 'x'}"
    return f"{matrices} ({H} hidden layer{'s' if H != 1 else ''}), widths {tuple(L.widths)}, loss {scaling}"


@dataclass(frozen=True)
class CriticalCandidate:
    """A point offered as critical, with where it came from."""

    origin: str
    point: tuple


@dataclass(frozen=True)
class ClassifiedPoint:
    """A candidate with its exact status.

    ``status`` is ``"global"`` (critical, value = the exact optimum L*), ``"saddle"`` (a
    certified saddle), ``"not_critical"`` or ``"open"`` (value > L* but no saddle certificate);
    ``verdict`` is the certified :class:`~symlandscape.verdict.Verdict` (None for global minima,
    which are certified by their value, and for non-critical points).
    """

    candidate: CriticalCandidate
    status: str
    value: object
    verdict: object
    text: str


def _index_sets(d_y, p):
    return [I for r in range(min(p, d_y) + 1) for I in itertools.combinations(range(d_y), r)]


def _mixers_from(L, weights, index_set):
    """Invertible rational mixers reproducing numeric weights in the Lemma 4.2 family, or None.

    Only when every hidden width equals ``r = |I|``: then ``W_{H+1} = U_I C_H^{-1}`` and
    ``W_k = C_k C_{k-1}^{-1}``, so ``C_H^{-1} = U_Iᵀ W_{H+1}`` and ``C_{k-1}^{-1} = C_k^{-1} W_k``.
    """
    hidden = L.widths[1:-1]
    r = len(index_set)
    if r == 0 or any(w != r for w in hidden):
        return None
    _, U = sigma_eigenvectors(L._X, L._Y)
    U_I = np.array(U[:, list(index_set)].tolist(), dtype=float)
    inverses = [None] * len(hidden)
    M = U_I.T @ weights[-1]
    inverses[-1] = M
    for k in range(len(hidden) - 1, 0, -1):
        M = M @ weights[k]
        inverses[k - 1] = M
    mixers = []
    for M in inverses:
        Mq = sympy.Matrix([list(rational_point(row, 64)) for row in M])
        if Mq.det() == 0:
            return None
        mixers.append(Mq.inv())
    return mixers


def _numeric_candidates(L, seed, starts):
    """Multi-start descent on the float twin; each end point is matched to an index-set class and
    replaced by that class's exact representative (with mixers fitted to the run when possible)."""
    found, notes, runs = [], [], []
    spectrum = sigma_eigenvectors(L._X, L._Y)
    if spectrum is None or starts == 0:
        return found, notes, runs
    _, U = spectrum
    P_star = np.array(least_squares_product(L._X, L._Y).tolist(), dtype=float)
    Uf = np.array(U.tolist(), dtype=float)
    X = np.array(L.X.tolist(), dtype=float)
    d_y, p = L.widths[-1], min(L.widths[1:-1])
    classes = {I: Uf[:, list(I)] @ Uf[:, list(I)].T @ P_star for I in _index_sets(d_y, p)}
    twin = numeric_twin(L)
    rng = np.random.default_rng(seed)
    n = len(L.variables)
    for run in range(starts):
        result = descend(twin.value, twin.gradient, rng.normal(0.0, 1.0, n), steps=4000, tolerance=DESCENT_TOLERANCE)
        runs.append(result)
        weights, offset = [], 0
        for rows, cols in L.shapes:
            weights.append(np.array(result.point[offset:offset + rows * cols]).reshape(rows, cols))
            offset += rows * cols
        product = weights[-1]
        for W in weights[-2::-1]:
            product = product @ W
        distance, I = min((float(np.linalg.norm((product - P) @ X)), I) for I, P in classes.items())
        scale = 1.0 + float(np.linalg.norm(P_star @ X))
        if not result.converged or distance > 1e-4 * scale:
            notes.append(f"descent run {run + 1} (seed {seed}) did not settle on an index-set class "
                         f"(gradient norm {result.gradient_norm:.2g}, product distance {distance:.2g}); not used")
            continue
        mixers = _mixers_from(L, weights, I)
        point = critical_point(L, list(I), mixers)
        how = "mixers fitted to the run" if mixers else "the class representative"
        found.append(CriticalCandidate(f"descent run {run + 1} (seed {seed}) → index set {set(I) or '{}'}, "
                                       f"polished to exact ({how})", tuple(point)))
    return found, notes, runs


def _solved_candidates(L, seed, max_parameters=3):
    """Scalar chains: solve ∇L = 0 exactly (lex Gröbner basis, then sympy.solve); instantiate each
    solution family at seeded small rational values of its free parameters."""
    variables = list(L.variables)
    if len(variables) > max_parameters or any(w != 1 for w in L.widths):
        return [], []
    gradient = [sympy.expand(L.expression.diff(v)) for v in variables]
    basis = sympy.groebner(gradient, *variables, order="lex")
    solutions = sympy.solve(gradient, variables, dict=True)
    rng = np.random.default_rng(seed)
    values = [sympy.Rational(v) for v in ("1", "2", "-1/2", "3", "-2", "1/3")]
    found = []
    for k, solution in enumerate(solutions):
        free = [v for v in variables if v not in solution]
        assignment = {v: values[int(rng.integers(len(values)))] for v in free}
        point = [sympy.sympify(solution.get(v, v)).xreplace(assignment) for v in variables]
        if all(x.is_Rational for x in point):
            text = ", ".join(f"{v} = {solution[v]}" for v in variables if v in solution)
            found.append(CriticalCandidate(f"solution family {k + 1} of ∇L = 0 ({text}; free "
                                           f"{', '.join(map(str, free)) or 'none'})", tuple(point)))
    notes = [f"∇L = 0 solved exactly: lex Gröbner basis of {len(basis.exprs)} polynomials, "
             f"{len(solutions)} solution families"]
    return found, notes


def deep_linear_critical_points(L, *, seed=0, starts=4, mixers=True, solve=True):
    """Every critical point the toolkit produces for the deep linear landscape ``L``.

    Index-set points (Baldi–Hornik / Lemma 4.2 form, all ``|I| <= p``, some with seeded random
    mixers), zero-block points (rank-deficient), multi-start descent end points polished to exact,
    and — for scalar chains — exact solutions of ∇L = 0.  Returns ``(candidates, notes, descent runs)``.
    """
    found, notes = [], []
    hidden = L.widths[1:-1]
    if not hidden:
        return found, ["no hidden layer: nothing but the least-squares point"], []
    p, d_y = min(hidden), L.widths[-1]
    rng = np.random.default_rng(seed)
    if sigma_eigenvectors(L._X, L._Y) is not None:
        for I in _index_sets(d_y, p):
            found.append(CriticalCandidate(f"index set {set(I) or '{}'} (Lemma 4.2 form)",
                                           tuple(critical_point(L, list(I)))))
        if mixers:
            for I in _index_sets(d_y, p)[-2:]:
                mix = []
                for width in hidden:
                    while True:
                        C = sympy.Matrix(width, width, [int(v) for v in rng.integers(-2, 3, size=width * width)])
                        if C.det() != 0:
                            break
                    mix.append(C)
                found.append(CriticalCandidate(f"index set {set(I) or '{}'} with seeded random invertible mixers "
                                               f"(seed {seed})", tuple(critical_point(L, list(I), mix))))
    else:
        notes.append("Σ has irrational eigenvectors: the index-set family is not exact on this instance")
    found.append(CriticalCandidate("zero blocks W_1 = 0, W_{H+1} = 0 (rank-deficient)", tuple(zero_block_point(L))))
    if len(hidden) >= 2:
        middle = [sympy.Matrix(r, c, [int(v) for v in rng.integers(-2, 3, size=r * c)])
                  for r, c in L.shapes[1:-1]]
        found.append(CriticalCandidate(f"zero blocks with seeded random middle weights (seed {seed})",
                                       tuple(zero_block_point(L, middle))))
    numeric, more, runs = _numeric_candidates(L, seed, starts)
    found += numeric
    notes += more
    if solve:
        solved, more = _solved_candidates(L, seed)
        found += solved
        notes += more
    return found, notes, runs


#: Descent runs stop at this gradient norm (float64 twin; well above its rounding, ~1e-13).
DESCENT_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Analysis:
    """A deep linear instance analysed: landscape, exact optimum L*, classified points, notes, descent runs."""

    landscape: object
    optimum: object
    points: tuple
    notes: tuple
    runs: tuple


@lru_cache(maxsize=32)
def analyse_deep_linear(key, seed, starts, extra_points=()):
    """The landscape, its exact global minimum value and every candidate with its exact status."""
    L = landscape_of(key)
    optimum = global_min_value(L)
    candidates, notes, runs = deep_linear_critical_points(L, seed=seed, starts=starts)
    candidates += [CriticalCandidate(label, tuple(point)) for label, point in extra_points]
    return Analysis(L, optimum, tuple(_status(L, c, optimum, seed) for c in candidates), tuple(notes), tuple(runs))


def _status(L, candidate, optimum, seed):
    point = candidate.point
    if any(g != 0 for g in L.gradient(point)):
        return ClassifiedPoint(candidate, "not_critical", L.value(point), None,
                               f"{candidate.origin}: NOT a critical point (the exact gradient is not zero)")
    value = L.value(point)
    if same_number(value, optimum):
        return ClassifiedPoint(candidate, "global", value, None,
                               f"{candidate.origin}: critical, value {value} = L*: a certified global minimum "
                               "(every end-to-end product has rank <= p, and L* is the least value over those)")
    verdict, problem = certified_verdict(L, point, seed=seed)
    inertia = verdict.hessian_inertia
    counts = (f"Hessian eigenvalues: {inertia['positive']} positive, {inertia['negative']} negative, "
              f"{inertia['zero']} zero" if inertia else "no Hessian")
    if problem:
        return ClassifiedPoint(candidate, "open", value, verdict, f"{candidate.origin}: value {value} > L*, "
                                                                  f"but {problem}")
    if verdict.kind in SADDLE_KINDS:
        return ClassifiedPoint(candidate, "saddle", value, verdict,
                               f"{candidate.origin}: value {value} > L*, certified {verdict.kind} ({counts})")
    return ClassifiedPoint(candidate, "open", value, verdict,
                           f"{candidate.origin}: value {value} > L*, classify says {verdict.kind} ({counts})")


def extra_points_of(instance):
    """``instance["points"]`` as a hashable tuple of (label, point of strings)."""
    return tuple((str(label), tuple(str(x) for x in point)) for label, point in instance.get("points", ()))


def same_number(a, b):
    """Exact equality of two SymPy numbers (rationals or algebraic)."""
    difference = sympy.nsimplify(a - b) if not (a.is_Rational and b.is_Rational) else a - b
    return difference == 0 or sympy.simplify(difference) == 0


SADDLE_KINDS = ("strict_saddle", "degenerate_saddle")
MIN_KINDS = ("strict_local_min", "local_min")


def kawaguchi_instances():
    """The deep linear instances of Kawaguchi's claims (K16-i..iv): exact data with rational spectrum."""
    X3, Y3 = spectral_data([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], [3, 2, 1], [[0, 2, 0], [-2, 0, 1], [0, -1, 0]])
    X2, Y2 = spectral_data([[0, 1], [-1, 0]], [2, 1], [[0, 1, 0], [-1, 0, 2], [0, -2, 0]])
    return (
        Instance("3x3, hidden [2]", "X = I_3, Y = Q diag(3, 2, 1) R (Cayley Q, R); one hidden layer of width 2 "
                 "(2 weight matrices); loss 1/2 ||·||_F²", {"X": X3, "Y": Y3, "hidden": [2]}),
        Instance("3x3, hidden [2, 2]", "the same data; two hidden layers of width 2 (3 weight matrices)",
                 {"X": X3, "Y": Y3, "hidden": [2, 2]}),
        Instance("2x3, hidden [2, 1]", "X = I_3, Y = Q [diag(2, 1) 0] R; hidden widths 2, 1 (3 weight matrices, "
                 "p = 1 < d_y = 2)", {"X": X2, "Y": Y2, "hidden": [2, 1]}),
        Instance("scalar chain, hidden [1, 1]", "X = [1 1], Y = [1 3]: L = 1/2((w3 w2 w1 - 1)² + (w3 w2 w1 - 3)²), "
                 "3 weight matrices; ∇L = 0 solved exactly", {"X": [[1, 1]], "Y": [[1, 3]], "hidden": [1, 1]}),
        Instance("random (thorough)", "seeded random spectral instances: d_y = 3, d_x = 4, hidden [3, 2]; "
                 "d = 2, hidden [1, 1, 1]", {"random": ((3, 4, (3, 2)), (2, 2, (1, 1, 1)))}, thorough=True),
    )


def expand_random(instance, seed):
    """A deep linear instance, or for ``{"random": ...}`` the seeded random instances it stands for."""
    if "random" not in instance.parameters:
        return [instance]
    rng = np.random.default_rng(seed)
    out = []
    for d_y, d_x, hidden in instance["random"]:
        X, Y = random_spectral_data(rng, d_y, d_x)
        out.append(Instance(f"random d_y={d_y}, d_x={d_x}, hidden {list(hidden)} (seed {seed})", "",
                            {"X": X, "Y": Y, "hidden": list(hidden)}))
    return out


def analysed(instance, seed, thorough, log):
    """Analyse one deep linear instance (cached), logging its description, assumptions and optimum.

    Returns the :class:`Analysis`, or None when the instance has no hidden layer.
    """
    key = instance_key(instance)
    L = landscape_of(key)
    log.note(f"instance {instance.name}: {depth_text(L)}")
    log.assumptions(kawaguchi_assumptions(L.X, L.Y).failures, "Kawaguchi 2016 Theorem 2.3")
    if L.hidden_layers < 1:
        log.assumptions(("H >= 1 (at least one hidden layer, i.e. two weight matrices)",), "the claim")
        return None
    starts = instance.get("starts", 6 if thorough else 3)
    analysis = analyse_deep_linear(key, seed, starts, extra_points_of(instance))
    log.note(f"exact global minimum value L* = {analysis.optimum} (reduced-rank regression / Eckart–Young: "
             f"s (tr(Y Yᵀ) − sum of the p largest eigenvalues of Σ), p = {min(L.widths[1:-1])})")
    for note in analysis.notes:
        log.note(note)
    return analysis


# ---------------------------------------------------------------------------------------
# the complete critical set on the gauge charts


@dataclass(frozen=True)
class ChartPoint:
    """A real critical point of one gauge chart: its kind, exact value, and status against L*."""

    chart: str
    point: object   # symlandscape.critical.CriticalPoint
    status: str     # "global", "saddle" or "open"
    text: str


@dataclass(frozen=True)
class ChartSurvey:
    """Every gauge chart of an instance (:mod:`symlandscape.gauge`) with its complete critical set, if finite."""

    charts: int
    complete: int
    points: tuple   # ChartPoint, from the complete charts only
    notes: tuple


@lru_cache(maxsize=32)
def survey_charts(key, seed):
    """Enumerate the critical set of every gauge chart of the instance ``key`` (exact, msolve).

    Returns None when the architecture has no gauge chart (a hidden layer wider than the one
    before it), with the reason in ``notes`` of an empty survey instead.
    """
    from symlandscape.critical import critical_points
    from symlandscape.errors import InvalidArgument
    from symlandscape.gauge import charts

    L = landscape_of(key)
    optimum = global_min_value(L)
    try:
        chart_list = charts(L)
    except InvalidArgument as exc:
        return ChartSurvey(0, 0, (), (f"no gauge chart: {exc}",))
    points, notes, complete = [], [], 0
    for chart in chart_list:
        name = chart.describe()
        found = critical_points(chart.landscape, seed=seed)
        if not found.complete:
            notes.append(f"chart {name}: the critical set has dimension {found.dimension} "
                         f"(degree {found.degree}): not a finite list, not checked completely")
            continue
        complete += 1
        for p in found.points:
            points.append(_chart_point(name, p, optimum))
        notes.append(f"chart {name}: {found.complex_count} complex critical points, {found.real_count} real, "
                     f"every one listed ({found.method})")
    return ChartSurvey(len(chart_list), complete, tuple(points), tuple(notes))


def _chart_point(name, p, optimum):
    where = f"chart {name}, critical point {', '.join(str(c) for c in p.coordinates)}"
    if not p.verified:
        return ChartPoint(name, p, "open", f"{where}: value {p.value}, kind {p.kind} NOT certified")
    if not optimum.is_Rational:  # pragma: no cover - the instances have rational spectra
        return ChartPoint(name, p, "open", f"{where}: L* = {optimum} is irrational: not compared")
    from symlandscape.algebraic import AlgebraicNumber

    import flint

    at_optimum = p.value == AlgebraicNumber.rational(flint.fmpq(int(optimum.p), int(optimum.q)))
    if at_optimum and p.kind in MIN_KINDS:
        return ChartPoint(name, p, "global", f"{where}: certified {p.kind} of value {p.value} = L*")
    if not at_optimum and p.kind in SADDLE_KINDS:
        return ChartPoint(name, p, "saddle", f"{where}: certified {p.kind} of value {p.value} > L*")
    return ChartPoint(name, p, "open", f"{where}: value {p.value} ({'=' if at_optimum else '!='} L*), "
                                       f"kind {p.kind}")


def chart_coverage(survey):
    """One sentence: which critical points the charts covered completely."""
    if not survey.charts:
        return "no gauge chart exists for this architecture: critical points only through constructed points"
    if survey.complete == survey.charts:
        return (f"complete on all {survey.charts} gauge charts: every critical point at which W_1, ..., W_H have "
                f"full row rank is one of the {len(survey.points)} listed (up to the GL symmetry); critical points "
                "with a rank-deficient hidden layer only through constructed points")
    return (f"complete on {survey.complete} of {survey.charts} gauge charts (the others have positive-dimensional "
            "critical sets): elsewhere critical points only through constructed points")
