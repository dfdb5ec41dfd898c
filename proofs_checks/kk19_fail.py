"""KK19-fail: descent on L̃ can converge in θ to a bad local minimum of L while (a, w, b) diverge.

Kawaguchi & Kaelbling 2019: eliminating bad local minima does not make
descent find a global minimum.  On the instance of LSLS18-elim, start at the bad local minimum
θ0 (every ReLU unit dead).  Exactly:

- every θ-component of ∇L̃ vanishes at (θ0, a, w, b) for every (a, w, b): each involves relu or
  relu' of a strictly negative pre-activation, which does not depend on (a, w, b); so descent
  never moves θ (checked exactly at every checkpoint of the trajectory, rationalised);
- with θ = θ0 the loss is ``g(a, w, b) = max(1 − a e^{u_1}, 0)³ + max(1 + a e^{u_2}, 0)³ + λa²/2``
  (``u_i = w_1 x_i + w_2 + b``; the form is checked symbolically).  For a > 0 the second cube
  exceeds 1, for a < 0 the first one does, and g = 2 at a = 0: so ``g > 1`` everywhere, while
  along ``a = 1/s, w_1 = −s, w_2 = b = 0`` it tends to 1 (a SymPy limit).  The infimum 1 is not
  attained, so any sequence with ``g → 1`` must leave every bounded set: (a, w, b) diverge.

Numerically, gradient descent (Armijo steps on the float64 twin) shows exactly that: θ stays at
θ0, L̃ decreases towards 1, ``w_1 → −∞`` logarithmically and ``a → 0``.
"""

from __future__ import annotations

import numpy as np
import sympy

from proofs_checks.lsls18_elim import _key, _verdict, augmented_landscape, base_landscape
from symlandscape.claims import CheckLog, Claim, Instance, Source, register
from symlandscape.numeric import numeric_twin, rational_point

__all__ = ["trajectory", "exact_check", "numeric_check"]


def trajectory(instance, seed, checkpoints):
    """Armijo gradient descent on L̃ from (θ0, a0, w0, b0) with (a0, w0, b0) ~ N(0, 0.5²) (seeded).

    Returns ``[(step, point, L̃, |∇L̃|)]`` at the checkpoints.
    """
    key = _key(instance)
    Lt = augmented_landscape(*key, sympy.Rational(instance["lam"]))
    twin = numeric_twin(Lt)
    theta0 = np.array([float(sympy.Rational(v)) for v in instance["theta0"]])
    rng = np.random.default_rng(seed)
    x = np.concatenate([theta0, rng.normal(0.0, 0.5, len(Lt.variables) - len(theta0))])
    f, g, step = twin.value(x), twin.gradient(x), 0.1
    marks, out = set(checkpoints), []
    for k in range(1, max(checkpoints) + 1):
        while True:
            candidate = x - step * g
            fc = twin.value(candidate)
            if fc <= f - 0.5 * step * float(g @ g) or step < 1e-12:
                break
            step *= 0.5
        x, f, g = candidate, fc, twin.gradient(candidate)
        step = min(step * 2.0, 10.0)
        if k in marks:
            out.append((k, x.copy(), f, float(np.linalg.norm(g))))
    return out


_CACHE = {}


def _trajectory(instance, seed, thorough):
    checkpoints = tuple(instance["checkpoints_thorough"] if thorough else instance["checkpoints"])
    key = (_key(instance), str(instance["theta0"]), str(instance["lam"]), seed, checkpoints)
    if key not in _CACHE:
        _CACHE[key] = trajectory(instance, seed, checkpoints)
    return _CACHE[key]


def _reduced(instance):
    """``g(a, w, b) = L̃(θ0, a, w, b)`` as a SymPy expression, and the neuron's symbols."""
    Lt = augmented_landscape(*_key(instance), sympy.Rational(instance["lam"]))
    n_theta = len(instance["theta0"])
    theta = dict(zip(Lt.variables[:n_theta], (sympy.Rational(v) for v in instance["theta0"])))
    return Lt.expression.xreplace(theta), Lt.variables[n_theta:]


def exact_check(instance, *, seed=0, thorough=False):
    """θ0 a bad local minimum of L (certified); L̃(θ0, ·) > 1 with infimum 1 not attained; the θ-gradient
    of L̃ exactly zero at every (rationalised) checkpoint of the trajectory."""
    log = CheckLog()
    key = _key(instance)
    lam = sympy.Rational(instance["lam"])
    L = base_landscape(*key)
    theta0 = tuple(sympy.Rational(v) for v in instance["theta0"])
    kind, text = _verdict(key, None, theta0, seed)
    value = L.value(theta0)
    best = L.value(tuple(sympy.Rational(v) for v in instance["global_point"]))
    log.require(kind in ("local_min", "strict_local_min") and value > best,
                f"θ0 = {theta0}: {text}; L(θ0) = {value} > {best} = L(θ*): a bad local minimum of L")
    g, (a, w1, w2, b) = _reduced(instance)
    x = [sympy.Rational(v) for v in instance["x"]]
    y = [sympy.Rational(v) for v in instance["y"]]
    if y == [1, -1]:
        u = [w1 * xi + w2 + b for xi in x]
        form = sympy.Max(0, 1 - a * sympy.exp(u[0])) ** 3 + sympy.Max(0, 1 + a * sympy.exp(u[1])) ** 3 + lam * a ** 2 / 2
        log.require(sympy.simplify(g - form) == 0,
                    f"with θ = θ0: L̃ = {form}; for a > 0 the second cube exceeds 1, for a < 0 the first, and "
                    "L̃ = 2 at a = 0: L̃(θ0, ·) > 1 everywhere")
        s = sympy.Symbol("s", positive=True)
        on_curve = g.xreplace({a: 1 / s, w1: -s, w2: 0, b: 0})
        # for s >= 1, e^s >= e·s > s, so the first cube's argument 1 − e^s/s is negative: that cube is 0
        on_curve = on_curve.replace(sympy.Max, lambda *args: 0 if 1 - sympy.exp(s) / s in args else sympy.Max(*args))
        limit = sympy.limit(on_curve, s, sympy.oo)
        log.require(limit == 1, f"along a = 1/s, w_1 = −s, w_2 = b = 0 (s >= 1): L̃ = {on_curve} → {limit} as "
                                "s → ∞: the infimum 1 is not attained, so a descent sequence with L̃ → 1 must diverge "
                                "in (a, w, b)")
    else:
        log.require(False, "the divergence argument is written for labels y = (1, −1)")
    Lt = augmented_landscape(*key, lam)
    n_theta = len(theta0)
    for step, point, _, _ in _trajectory(instance, seed, thorough):
        exact = tuple(theta0) + rational_point(point[n_theta:], 10**6)
        gradient = Lt.gradient(exact)
        log.require(all(gk == 0 for gk in gradient[:n_theta]),
                    f"checkpoint {step}: at (θ0, rationalised a, w, b) every θ-component of ∇L̃ is exactly 0")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """The trajectory: θ never moves, L̃ decreases towards 1 (never below), ‖(w, b)‖ grows and |a| shrinks
    from checkpoint to checkpoint — the diverging coordinates are reported."""
    log = CheckLog()
    n_theta = len(instance["theta0"])
    theta0 = np.array([float(sympy.Rational(v)) for v in instance["theta0"]])
    rows = _trajectory(instance, seed, thorough)
    names = [str(v) for v in augmented_landscape(*_key(instance), sympy.Rational(instance["lam"])).variables[n_theta:]]
    table = []
    for step, point, value, gnorm in rows:
        neuron = point[n_theta:]
        table.append((step, float(np.max(np.abs(point[:n_theta] - theta0))), value, neuron, gnorm))
        log.note(f"step {step}: |θ − θ0|_∞ = {table[-1][1]:.1g}, L̃ = {value:.8f}, "
                 + ", ".join(f"{n} = {v:.4f}" for n, v in zip(names, neuron)) + f", |∇L̃| = {gnorm:.2g}")
    log.require(all(r[1] == 0 for r in table), "θ never moves: θ = θ0, a bad local minimum of L, at every checkpoint")
    values = [r[2] for r in table]
    log.require(all(v > 1 for v in values) and all(p > q for p, q in zip(values, values[1:])),
                f"L̃ decreases at every checkpoint and stays above its infimum 1 ({values[0]:.4f} → {values[-1]:.6f})")
    spread = [float(np.linalg.norm(r[3][1:])) for r in table]
    amplitude = [abs(r[3][0]) for r in table]
    tail = slice(1, None)  # after the first checkpoint the drift is monotone
    log.require(all(p < q for p, q in zip(spread[tail], spread[tail][1:])),
                "‖(w, b)‖ grows: " + " → ".join(f"{v:.3f}" for v in spread) + " (diverging coordinates: "
                + ", ".join(n for n, d in zip(names[1:], np.abs(table[-1][3][1:] - table[1][3][1:])) if d > 0.05) + ")")
    log.require(all(p > q for p, q in zip(amplitude[tail], amplitude[tail][1:])),
                "|a| shrinks towards 0: " + " → ".join(f"{v:.4f}" for v in amplitude))
    return log.result(trajectory=[{"step": r[0], "value": r[2], "neuron": [float(v) for v in r[3]]} for r in table])


register(Claim(
    id="KK19-fail",
    source=Source("Kawaguchi, Kaelbling", "Elimination of All Bad Local Minima in Deep Learning", 2019,
                  "Section 5 (failure mode of eliminating local minima)", "arXiv:1901.00279"),
    statement="Eliminating bad local minima does not make descent succeed: an iterative method can converge in θ to "
              "a bad local minimum of L while the added neuron's parameters (a, w, b) diverge.",
    conventions=("loss Σ_i max(1 − y_i f̃(x_i), 0)³ + λa²/2 (a sum over samples)",
                 "base network: one hidden layer (two weight matrices) of four ReLU units"),
    instances=(
        Instance("dead start", "the network of LSLS18-elim started at its bad local minimum θ0 (all units dead), "
                 "(a, w, b) ~ N(0, 0.5²) seeded; checkpoints 10, 100, 1000, 10000 steps (thorough: to 100000)",
                 {"x": (-1, 1), "y": (1, -1), "width": 4, "p": 3, "lam": 1,
                  "theta0": (0, -1, 0, -1, 0, -1, 0, -1, 1, 1, 1, 1),
                  "global_point": (-1, 0, 1, 0, 0, -1, 0, -1, 1, -1, 0, 0),
                  "checkpoints": (10, 100, 1000, 10000), "checkpoints_thorough": (10, 100, 1000, 10000, 100000)}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
