"""LSLS18-elim: one exponential neuron and a penalty λa²/2 eliminate every bad local minimum (Liang et al. 2018).

The mechanism is an identity: for ``L̃ = Σ_i ℓ(−y_i (f(x_i; θ) + a exp(wᵀx_i + b))) + λ a²/2``,
``a ∂L̃/∂a − ∂L̃/∂b = λ a²`` for *every* ℓ and f, because ``∂/∂b`` of the exponential is the
exponential times ``a`` and ``∂/∂a`` of it is the exponential.  So every critical point has
``a = 0``.  It is checked symbolically with ℓ an undefined function (one and several output
units, Kawaguchi & Kaelbling 2019), then on a concrete network:

- base ``f(x) = Σ_j v_j relu(w_j x + β_j)``, four units (no output bias; a constant input row carries β),
  labels y = (1, −1) at x = (−1, 1), polynomial hinge ℓ(z) = max(z + 1, 0)³ (C², every critical
  point of ℓ a global minimum at z < 0), realizable with margin (loss 0);
- θ0: every unit dead (w = 0, β = −1): a bad local minimum of L (value 2 > 0);
- (θ0, a = 0, w, b) is certified *not* a local minimum of L̃: at w = 0, b = 0 it is critical (the
  two labels cancel) with an indefinite Hessian (a strict saddle); at w = (1, 0), b = 0 the
  gradient in a is not zero.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy

from symlandscape.claims import CheckLog, Claim, Instance, Source, certified_verdict, register
from symlandscape.errors import SymlandscapeError
from symlandscape.inertia import inertia
from symlandscape.losses import get_loss
from symlandscape.network import exponential_neuron, mlp
from symlandscape.numeric import descend, numeric_twin

__all__ = ["base_landscape", "augmented_landscape", "generic_identity", "exact_check", "numeric_check",
           "certify_point", "SADDLE_OR_NOT_CRITICAL"]

SADDLE_OR_NOT_CRITICAL = ("not_critical", "strict_saddle", "degenerate_saddle")


@lru_cache(maxsize=8)
def base_landscape(x, y, width, p):
    """``Σ_j v_j relu(w_j x + β_j)`` on scalar inputs (a constant input row gives β), hinge loss of power p."""
    X = [list(x), [1] * len(x)]
    return mlp(X, [list(y)], hidden=[width], activation="relu", biases=False, loss=get_loss("hinge", p=p))


@lru_cache(maxsize=8)
def augmented_landscape(x, y, width, p, lam):
    """The base network with one exponential neuron ``a exp(w_1 x + w_2 + b)`` and the penalty λa²/2."""
    return exponential_neuron(base_landscape(x, y, width, p), lam)


def _key(instance):
    return (tuple(instance["x"]), tuple(instance["y"]), instance["width"], instance.get("p", 3))


def generic_identity(samples=3, dimension=2, outputs=1):
    """``a_j ∂L̃/∂a_j − ∂L̃/∂b_j − λ a_j²`` simplified, for an undefined loss ℓ and outputs f (should be 0)."""
    ell = sympy.Function("ell")
    lam = sympy.Symbol("lambda", positive=True)
    residues = []
    a = sympy.symbols(f"a1:{outputs + 1}", real=True)
    b = sympy.symbols(f"b1:{outputs + 1}", real=True)
    w = [sympy.symbols(f"w{j + 1}_1:{dimension + 1}", real=True) for j in range(outputs)]
    x = [sympy.symbols(f"x{i + 1}_1:{dimension + 1}", real=True) for i in range(samples)]
    f = [[sympy.Function(f"f{j + 1}")(*x[i]) for i in range(samples)] for j in range(outputs)]
    y = sympy.symbols(f"y1:{samples + 1}", real=True)
    total = lam * sum(aj ** 2 for aj in a) / 2
    for j in range(outputs):
        for i in range(samples):
            exponent = sum(wk * xk for wk, xk in zip(w[j], x[i])) + b[j]
            total += ell(-y[i] * (f[j][i] + a[j] * sympy.exp(exponent)))
    for j in range(outputs):
        residues.append(sympy.simplify(a[j] * total.diff(a[j]) - total.diff(b[j]) - lam * a[j] ** 2))
    return residues


@lru_cache(maxsize=32)
def _verdict(key, lam, point, seed):
    L = augmented_landscape(*key, lam) if lam is not None else base_landscape(*key)
    return certify_point(L, point, seed)


def certify_point(L, point, seed):
    """``(kind, text)``: the certified verdict of classify (re-checked by verify); if classify itself fails,
    the exact second-order test (exact gradient, exact inertia of the exact Hessian) and the failure."""
    try:
        verdict, problem = certified_verdict(L, point, seed=seed)
        if problem is None:
            return verdict.kind, f"classify: {verdict.kind}, value {verdict.value} (certificate verified)"
        failure = problem
    except Exception as exc:  # noqa: BLE001 - reported in the check's output, not hidden
        failure = f"classify failed ({type(exc).__name__}: {str(exc)[:160]})"
    try:
        gradient = L.gradient(point)
        if any(g != 0 for g in gradient):
            return "not_critical", f"exact gradient ≠ 0 ({failure}; decided without it)"
        H = L.hessian(point)
    except SymlandscapeError as exc:  # e.g. a kink: no exact second-order test
        return "undetermined", f"{failure}; no exact second-order test either ({type(exc).__name__})"
    if all(e.is_Rational for e in H):
        counts = inertia(H)
        if counts.negative and counts.positive:
            return "strict_saddle", (f"exact gradient 0 and exact Hessian eigenvalues {counts.positive} positive, "
                                     f"{counts.negative} negative, {counts.zero} zero: a strict "
                                     f"saddle ({failure}; decided without it)")
    return "undetermined", failure


def exact_check(instance, *, seed=0, thorough=False):
    """The identity (generic ℓ, one and two outputs, and on the network), θ0 a bad local minimum of L, and
    (θ0, a = 0, w, b) certified not a local minimum of L̃ at each (w, b) given."""
    log = CheckLog()
    lam = sympy.Rational(instance["lam"])
    log.note(f"binary labels y ∈ {{−1, 1}}, ℓ(z) = max(z + 1, 0)^{instance.get('p', 3)} at z = −y f (polynomial "
             f"hinge, C²), L̃ = Σ ℓ(−y_i f̃(x_i)) + λ a²/2 with λ = {lam}; base network: one hidden layer "
             f"(two weight matrices) of {instance['width']} ReLU units, no output bias")
    for outputs in (1, 2):
        residues = generic_identity(outputs=outputs)
        log.require(all(r == 0 for r in residues),
                    f"for an undefined loss ℓ and outputs f, with {outputs} output unit(s): a ∂L̃/∂a − ∂L̃/∂b − λa² "
                    f"simplifies to {residues}")
    key = _key(instance)
    Lt = augmented_landscape(*key, lam)
    a, b = (next(s for s in Lt.variables if str(s) == name) for name in ("a", "b"))
    residue = sympy.simplify(sympy.expand(a * Lt.expression.diff(a) - Lt.expression.diff(b) - lam * a ** 2))
    log.require(residue == 0, f"on the network's own L̃ (SymPy expression with relu and max): the identity "
                              f"holds, residue {residue}")
    L = base_landscape(*key)
    theta0 = tuple(sympy.Rational(v) for v in instance["theta0"])
    best = tuple(sympy.Rational(v) for v in instance["global_point"])
    kind, text = _verdict(key, None, theta0, seed)
    value, optimum = L.value(theta0), L.value(best)
    log.require(kind in ("local_min", "strict_local_min") and value > optimum,
                f"θ0 = {theta0}: {text}; L(θ0) = {value} > L(θ*) = {optimum} at θ* = {best}: a bad local minimum "
                "of L (the data are realizable: L(θ*) = 0)" if optimum == 0 else
                f"θ0 = {theta0}: {text}; L(θ0) = {value}, L(θ*) = {optimum}")
    log.require(optimum == 0, f"realizable: L(θ*) = {optimum}")
    for extra in instance["neuron_points"]:
        point = theta0 + tuple(sympy.Rational(v) for v in extra)
        kind, text = _verdict(key, lam, point, seed)
        log.require(kind in SADDLE_OR_NOT_CRITICAL,
                    f"(θ0, a, w_1, w_2, b) = (θ0, {', '.join(map(str, extra))}): {text}: not a local minimum of L̃")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """Seeded descent on L̃ (Armijo steps on the float64 twin) from random starts: every run that converges
    ends with a ≈ 0 and θ at a global minimum of L (L(θ) ≈ 0); runs still moving are reported."""
    log = CheckLog()
    key = _key(instance)
    width = instance["width"]
    lam = sympy.Rational(instance["lam"])
    Lt = augmented_landscape(*key, lam)
    base = numeric_twin(base_landscape(*key))
    twin = numeric_twin(Lt)
    rng = np.random.default_rng(seed)
    n_theta = len(base_landscape(*key).variables)
    runs = instance.get("runs", 16) * (3 if thorough else 1)
    steps = instance.get("steps", 300)
    log.note(f"starts: every parameter N(0, 1), except output weights ±2 alternating (seed {seed}); at most {steps} "
             "Armijo descent steps; converged means |∇L̃| <= 1e-9")
    converged, moving = 0, []
    for run in range(runs):
        start = rng.normal(0.0, 1.0, len(Lt.variables))
        start[2 * width:3 * width] = [2.0 * (-1) ** j for j in range(width)]
        result = descend(twin.value, twin.gradient, start, steps=steps, tolerance=1e-9)
        x = np.array(result.point)
        a, loss = x[n_theta], base.value(x[:n_theta])
        if not result.converged:
            moving.append(f"run {run + 1}: |∇L̃| = {result.gradient_norm:.2g}, a = {a:.2g}, L(θ) = {loss:.3g}")
            continue
        converged += 1
        log.require(abs(a) < 1e-6 and loss < 1e-9,
                    f"run {run + 1}: converged in {result.steps} steps with a = {a:.2g} ≈ 0 and L(θ) = {loss:.2g}: "
                    "θ is a global minimum of L")
    log.note(f"{len(moving)} runs still moving after {steps} steps (slow convergence, or θ stuck at a bad point "
             f"while (a, w, b) drift as in KK19-fail): " + "; ".join(moving[:4]) + (" ..." if len(moving) > 4 else ""))
    log.require(converged > 0, f"{converged} of {runs} seeded runs converged")
    return log.result()


register(Claim(
    id="LSLS18-elim",
    source=Source("Liang, Sun, Lee, Srikant", "Adding One Neuron Can Eliminate All Bad Local Minima", 2018,
                  "Theorem 1 (and Kawaguchi & Kaelbling 2019, one neuron per output)", "arXiv:1805.08671"),
    statement="With one exponential neuron a·exp(wᵀx + b) added to the output and λa²/2 to the loss, every local "
              "minimum of L̃ has a = 0 and θ a global minimum of L; the identity a ∂L̃/∂a − ∂L̃/∂b = λa² makes "
              "every critical point have a = 0.",
    conventions=("loss Σ_i ℓ(−y_i f̃(x_i)) + λa²/2, ℓ(z) = max(z + 1, 0)³ (a sum over samples, no 1/m)",
                 "base network: one hidden layer (two weight matrices)"),
    instances=(
        Instance("four ReLU units, two samples", "x = (−1, 1), y = (1, −1); θ0: all four units dead (w = 0, "
                 "β = −1, v = 1); λ = 1; points (θ0, a = 0, w, b) with (w_1, w_2, b) = (0, 0, 0) and (1, 0, 0)",
                 {"x": (-1, 1), "y": (1, -1), "width": 4, "p": 3, "lam": 1,
                  "theta0": (0, -1, 0, -1, 0, -1, 0, -1, 1, 1, 1, 1),
                  "global_point": (-1, 0, 1, 0, 0, -1, 0, -1, 1, -1, 0, 0),
                  "neuron_points": ((0, 0, 0, 0), (0, 1, 0, 0))}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
