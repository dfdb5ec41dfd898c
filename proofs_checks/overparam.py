"""OVERPARAM: spurious local minima of two-layer ReLU networks under Gaussian inputs (Safran & Shamir 2018).

The model is ``x ↦ Σ_{i=1}^n relu(w_iᵀx)`` (second layer fixed to 1), ``x ~ N(0, I_k)``, the
teacher ``Σ_{j=1}^k relu(v_jᵀx)`` with ``v_j = e_j`` (orthonormal), and the population loss

    F(W) = 1/2 E_x[(Σ_i relu(w_iᵀx) − Σ_j relu(v_jᵀx))²]
         = 1/2 Σ_{i,i'} K(w_i, w_i') − Σ_{i,j} K(w_i, v_j) + 1/2 Σ_{j,j'} K(v_j, v_j'),

with the arc-cosine kernel ``K(u, v) = E[relu(uᵀx) relu(vᵀx)] = (|u||v| sin θ + (π − θ) uᵀv) / 2π``
(Cho & Saul 2009).  The global minimum value is 0 (``W = V``) and ``F >= 0``, so a local
minimum with ``F > 0`` is spurious.

Certification of a spurious minimum (interval arithmetic, then exact rationals)
-------------------------------------------------------------------------------
Write ``K = φ(a, b, c)`` with ``a = |u|²``, ``b = |v|²``, ``c = uᵀv``:
``φ = (sqrt(ab − c²) + (π − acos(c / sqrt(ab))) c) / 2π``.  Second-order forward differentiation
of φ in ball arithmetic (flint ``arb``, 128 bits) and the chain rule through ``a, b, c`` give
rigorous enclosures of ``F``, ``∇F`` and ``∇²F``.  Evaluated over the box ``B = x0 ± r`` (every
coordinate), a finite enclosure also proves that every ``sqrt``/``acos`` argument stays inside
its smooth domain on ``B`` (no two weights parallel, none zero): ``F`` is C² on ``B``.

1. The Hessian enclosure over ``B`` is split into a rational centre ``Hq`` and a rational radius
   matrix ``Rad`` (exact).  Every Hessian ``H(x)``, ``x ∈ B``, satisfies ``||H(x) − Hq||₂ <=
   ||Rad||_F =: ρ``.
2. ``Hq − μI`` is certified positive definite *exactly* (:func:`symlandscape.inertia.inertia`),
   so by Weyl's inequality ``λ_min(H(x)) >= μ' = μ − ρ > 0`` on ``B``: ``F`` is μ'-strongly convex
   on the ball ``|x − x0| <= r`` (inside ``B``).
3. With ``g = ∇F(x0)`` (enclosed at the exact rational point ``x0``), strong convexity gives
   ``F(x) >= F(x0) − |g| |x − x0| + μ'|x − x0|²/2``, which exceeds ``F(x0)`` on the sphere
   ``|x − x0| = r`` when ``|g| < μ' r / 2``.  Then the minimum of F over the closed ball is
   interior: a true local minimum ``x*`` of ``F`` within distance ``r`` of ``x0``, with
   ``F(x*) >= F(x0) − |g|² / (2μ')``.
4. That lower bound is ``> 0`` = the global minimum value: ``x*`` is a spurious local minimum.

Every inequality is decided on exact rationals taken from the ball endpoints.  Float64
descent (vectorised over runs) and Newton polishing only *find* ``x0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import flint
import numpy as np

from symlandscape.claims import CheckLog, Claim, Instance, Source, register
from symlandscape.exact import format_rational
from symlandscape.inertia import inertia

__all__ = [
    "population_loss",
    "population_gradient",
    "descent_experiment",
    "newton_polish",
    "SpuriousMinimumCertificate",
    "certify_spurious_minimum",
    "exact_check",
    "numeric_check",
]

# A run "reaches the global minimum" when F drops below this (the smallest spurious value
# Safran & Shamir report is ~10^-2, and runs that reach 0 are at ~10^-6 after the default steps).
GLOBAL_THRESHOLD = 1e-4
# Runs above GLOBAL_THRESHOLD whose float gradient norm is below this are spurious-minimum
# candidates; they are Newton-polished and certified (or not) by interval arithmetic.
CANDIDATE_GRADIENT = 1e-5
# Unsettled runs get up to this many further rounds of the same number of steps.
EXTRA_ROUNDS = 8


# ---------------------------------------------------------------------------------------
# float64: the loss and its gradient, vectorised over runs (only used to find candidates)


def _kernel_terms(W, U):
    """cos, θ, sin between the rows of W (R,n,d) and U (R,m,d) or (m,d); norms too."""
    nw = np.linalg.norm(W, axis=-1)
    nu = np.linalg.norm(U, axis=-1)
    G = W @ np.swapaxes(U, -1, -2)
    norms = nw[..., :, None] * nu[..., None, :]
    C = np.clip(G / norms, -1.0, 1.0)
    T = np.arccos(C)
    S = np.sqrt(np.maximum(1.0 - C * C, 0.0))
    return nw, nu, G, norms, T, S


def population_loss(W, V):
    """``F(W)`` for a batch ``W`` of shape (runs, n, d) and teacher ``V`` (k, d); float64."""
    _, _, G, norms, T, S = _kernel_terms(W, W)
    Kww = (norms * S + (np.pi - T) * G) / (2 * np.pi)
    _, _, Gv, nv, Tv, Sv = _kernel_terms(W, V)
    Kwv = (nv * Sv + (np.pi - Tv) * Gv) / (2 * np.pi)
    _, _, Gvv, nvv, Tvv, Svv = _kernel_terms(V, V)
    Kvv = (nvv * Svv + (np.pi - Tvv) * Gvv) / (2 * np.pi)
    return 0.5 * Kww.sum(axis=(-1, -2)) - Kwv.sum(axis=(-1, -2)) + 0.5 * Kvv.sum()


def population_gradient(W, V):
    """``∇F`` (same shape as ``W``): ``∂K(u, v)/∂u = (|v| sin θ u/|u| + (π − θ) v) / 2π``."""
    nw, _, _, _, T, S = _kernel_terms(W, W)
    _, nv, _, _, Tv, Sv = _kernel_terms(W, V)
    unit = W / nw[..., None]
    own = (nw[..., None, :] * S).sum(-1)[..., None] * unit + (np.pi - T) @ W
    teacher = (nv * Sv).sum(-1)[..., None] * unit + (np.pi - Tv) @ V
    return (own - teacher) / (2 * np.pi)


def _gradient_descent(W, V, steps, learning_rate=0.5):
    for _ in range(steps):
        W = W - learning_rate * population_gradient(W, V)
    return W


def newton_polish(w, V, iterations=6):
    """Newton steps on one run (n, d) with a finite-difference Hessian of the exact-formula gradient."""
    x = np.array(w, dtype=float).reshape(-1)
    shape = np.shape(w)
    for _ in range(iterations):
        g = population_gradient(x.reshape(1, *shape), V).reshape(-1)
        h = 1e-6
        H = np.empty((x.size, x.size))
        for j in range(x.size):
            e = np.zeros(x.size)
            e[j] = h
            H[:, j] = (population_gradient((x + e).reshape(1, *shape), V).reshape(-1)
                       - population_gradient((x - e).reshape(1, *shape), V).reshape(-1)) / (2 * h)
        H = (H + H.T) / 2
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        x = x - step
        if np.linalg.norm(step) < 1e-15:
            break
    return x.reshape(shape)


@lru_cache(maxsize=16)
def descent_experiment(k_values, offsets, runs, steps, seed):
    """Seeded teacher–student runs: per ``(k, n)``, how many reach 0 and the candidate end points.

    Initialisation ``w_i ~ N(0, I/k)`` (Xavier-like), gradient descent with step 0.5.
    Returns ``{(k, n): {"runs", "global", "candidates": [(n, k) arrays], "other": int}}``.
    """
    rng = np.random.default_rng(seed)
    table = {}
    for k in k_values:
        V = np.eye(k)
        for offset in offsets:
            n = k + offset
            W = rng.normal(0.0, 1.0 / math.sqrt(k), size=(runs, n, k))
            W = _gradient_descent(W, V, steps)
            for _ in range(EXTRA_ROUNDS):
                # runs that are neither at 0 nor settled (slow, near a saddle or a flat minimum)
                # get more steps; only those, so this costs little
                F = population_loss(W, V)
                gnorm = np.linalg.norm(population_gradient(W, V).reshape(runs, -1), axis=1)
                pending = (F >= GLOBAL_THRESHOLD) & (gnorm >= CANDIDATE_GRADIENT)
                if not pending.any():
                    break
                W[pending] = _gradient_descent(W[pending], V, steps)
            F = population_loss(W, V)
            gnorm = np.linalg.norm(population_gradient(W, V).reshape(runs, -1), axis=1)
            reached = F < GLOBAL_THRESHOLD
            candidate = (~reached) & (gnorm < CANDIDATE_GRADIENT)
            table[(k, n)] = {
                "runs": runs,
                "global": int(reached.sum()),
                "candidates": [W[r] for r in np.flatnonzero(candidate)],
                "other": int((~reached & ~candidate).sum()),
            }
    return table


# ---------------------------------------------------------------------------------------
# ball arithmetic: second-order jets of φ(a, b, c) in three variables


class _Jet:
    """Value, gradient (3) and Hessian (3×3) of a function of (a, b, c), in ``arb`` balls."""

    __slots__ = ("v", "g", "h")

    def __init__(self, v, g, h):
        self.v, self.g, self.h = v, g, h

    @staticmethod
    def variable(value, index):
        zero = flint.arb(0)
        return _Jet(value, [flint.arb(int(i == index)) for i in range(3)], [[zero] * 3 for _ in range(3)])

    def __add__(self, o):
        if not isinstance(o, _Jet):
            return _Jet(self.v + o, self.g, self.h)
        return _Jet(self.v + o.v, [x + y for x, y in zip(self.g, o.g)],
                    [[x + y for x, y in zip(r, s)] for r, s in zip(self.h, o.h)])

    def __neg__(self):
        return _Jet(-self.v, [-x for x in self.g], [[-x for x in r] for r in self.h])

    def __sub__(self, o):
        return self + (-o if isinstance(o, _Jet) else -o)

    def __rsub__(self, o):
        return (-self) + o

    def __mul__(self, o):
        if not isinstance(o, _Jet):
            return _Jet(self.v * o, [x * o for x in self.g], [[x * o for x in r] for r in self.h])
        g = [self.v * y + o.v * x for x, y in zip(self.g, o.g)]
        h = [[self.v * o.h[i][j] + o.v * self.h[i][j] + self.g[i] * o.g[j] + self.g[j] * o.g[i]
              for j in range(3)] for i in range(3)]
        return _Jet(self.v * o.v, g, h)

    __rmul__ = __mul__

    def apply(self, f0, f1, f2):
        """``f(self)`` from ``f``, ``f'`` and ``f''`` at the value (chain rule)."""
        g = [f1 * x for x in self.g]
        h = [[f2 * self.g[i] * self.g[j] + f1 * self.h[i][j] for j in range(3)] for i in range(3)]
        return _Jet(f0, g, h)

    def sqrt(self):
        s = self.v.sqrt()
        return self.apply(s, 1 / (2 * s), -1 / (4 * s * self.v))

    def reciprocal(self):
        return self.apply(1 / self.v, -1 / (self.v * self.v), 2 / (self.v * self.v * self.v))

    def acos(self):
        q = (1 - self.v * self.v).sqrt()
        return self.apply(self.v.acos(), -1 / q, -self.v / (q * q * q))


def _phi(a, b, c):
    """``K`` as a function of ``a = |u|², b = |v|², c = uᵀv`` (jets in, jet out)."""
    pi = flint.arb.pi()
    root = (a * b - c * c).sqrt()
    angle = (c * (a * b).sqrt().reciprocal()).acos()
    return (root + (pi - angle) * c) * (1 / (2 * pi))


def _kernel_derivatives(u, v):
    """φ and its first/second derivatives in (a, b, c) at the pair (u, v) of arb vectors."""
    a = sum((x * x for x in u), flint.arb(0))
    b = sum((x * x for x in v), flint.arb(0))
    c = sum((x * y for x, y in zip(u, v)), flint.arb(0))
    return _phi(_Jet.variable(a, 0), _Jet.variable(b, 1), _Jet.variable(c, 2))


def _enclosures(W, V):
    """Ball enclosures of F, ∇F, ∇²F at the arb matrix W (n×d lists) for teacher rows V."""
    n, d = len(W), len(W[0])
    N = n * d
    zero = flint.arb(0)
    value = zero
    grad = [zero] * N
    hess = [[zero] * N for _ in range(N)]

    def add_pair(i, u, j, v, sign):
        # K(u, v) with u = W[i]; v = W[j] (j is not None) or a teacher row (j is None)
        nonlocal value
        phi = _kernel_derivatives(u, v)
        pa, pb, pc = phi.g
        (haa, hab, hac), (_, hbb, hbc), (_, _, hcc) = phi.h
        value = value + sign * phi.v
        for p in range(d):
            grad[i * d + p] += sign * (2 * pa * u[p] + pc * v[p])
            if j is not None:
                grad[j * d + p] += sign * (2 * pb * v[p] + pc * u[p])
        for p in range(d):
            for q in range(d):
                uu = 4 * haa * u[p] * u[q] + 2 * hac * (u[p] * v[q] + v[p] * u[q]) + hcc * v[p] * v[q]
                if p == q:
                    uu += 2 * pa
                hess[i * d + p][i * d + q] += sign * uu
                if j is not None:
                    vv = 4 * hbb * v[p] * v[q] + 2 * hbc * (v[p] * u[q] + u[p] * v[q]) + hcc * u[p] * u[q]
                    uv = 4 * hab * u[p] * v[q] + 2 * hac * u[p] * u[q] + 2 * hbc * v[p] * v[q] + hcc * v[p] * u[q]
                    if p == q:
                        vv += 2 * pb
                        uv += pc
                    hess[j * d + p][j * d + q] += sign * vv
                    hess[i * d + p][j * d + q] += sign * uv
                    hess[j * d + q][i * d + p] += sign * uv

    for i in range(n):
        # 1/2 K(w_i, w_i) = |w_i|² / 4 exactly (θ = 0)
        value = value + sum((x * x for x in W[i]), zero) / 4
        for p in range(d):
            grad[i * d + p] += W[i][p] / 2
            hess[i * d + p][i * d + p] += flint.arb(1) / 2
        for j in range(i + 1, n):
            add_pair(i, W[i], j, W[j], 1)
        for row in V:
            add_pair(i, W[i], None, row, -1)
    k = len(V)
    # 1/2 Σ K(v_j, v_j') for orthonormal rows: k/4 + k(k-1)/(4π)
    value = value + flint.arb(k) / 4 + flint.arb(k * (k - 1)) / (4 * flint.arb.pi())
    return value, grad, hess


def _fmpq(man_exp):
    man, exp = (int(x) for x in man_exp)
    return flint.fmpq(man) * flint.fmpq(2) ** exp if exp >= 0 else flint.fmpq(man, 2 ** (-exp))


def _mid(x):
    return _fmpq(x.mid().man_exp())


def _rad(x):
    return _fmpq(x.rad().man_exp())


def _sqrt_up(q):
    """A rational ``s >= sqrt(q)`` (q a non-negative fmpq), within 2^-60 relative."""
    p, r = int(q.p), int(q.q)
    scale = 2 ** 60
    return flint.fmpq(math.isqrt(p * r * scale * scale) + 1, r * scale)


@dataclass(frozen=True)
class SpuriousMinimumCertificate:
    """Result of :func:`certify_spurious_minimum`; bounds are exact rationals (as strings).

    When ``certified``: a true local minimum of F lies within ``radius`` of the rational point
    ``point`` (every coordinate), its loss is at least ``loss_lower_bound > 0``, and the
    Hessian is ``⪰ curvature_lower_bound·I`` on the ball.
    """

    certified: bool
    reason: str
    n: int
    k: int
    point: tuple = ()
    radius: str = ""
    gradient_bound: str = ""
    curvature_lower_bound: str = ""
    loss_at_point: str = ""
    loss_lower_bound: str = ""


def certify_spurious_minimum(w, k, *, radius="1/1000000000", precision=128):
    """Certify (or not) that a spurious local minimum of F lies near the float point ``w`` (n × k).

    ``w`` is rounded to the rational point ``x0`` whose coordinates are the float values
    exactly (binary fractions); see the module docstring for the argument.
    """
    w = np.asarray(w, dtype=float)
    n, d = w.shape
    if d != k:
        return SpuriousMinimumCertificate(False, f"w has {d} columns; the teacher has k = {k}", n, k)
    x0 = [flint.fmpq(*Fraction(float(x)).as_integer_ratio()) for x in w.reshape(-1)]
    r = flint.fmpq(*Fraction(radius).as_integer_ratio())
    V = [[flint.arb(int(i == j)) for j in range(k)] for i in range(k)]

    def arb_of(q, rad=None):
        mid = flint.arb(int(q.p)) / int(q.q)
        return mid if rad is None else flint.arb(mid.mid(), flint.arb(int(rad.p)) / int(rad.q))

    def point_arbs(rad=None):
        flat = [arb_of(q, rad) for q in x0]
        return [flat[i * d:(i + 1) * d] for i in range(n)]

    with flint.ctx.workprec(precision):
        value, grad, _ = _enclosures(point_arbs(), V)
        _, _, hess = _enclosures(point_arbs(r), V)
    base = dict(n=n, k=k, point=tuple(format_rational(q) for q in x0), radius=format_rational(r))
    if not value.is_finite() or not all(g.is_finite() for g in grad):
        return SpuriousMinimumCertificate(False, "F is not smooth at the point (a weight is 0 or two are parallel)",
                                          **base)
    if not all(h.is_finite() for row in hess for h in row):
        return SpuriousMinimumCertificate(
            False, "the Hessian enclosure on the box is unbounded (a weight nearly 0 or two nearly parallel)", **base)
    N = n * d
    # 1. rational centre (rounded to 2^-40) and radius matrix of the Hessian enclosure
    unit = flint.fmpq(1, 2 ** 40)
    centre = [[None] * N for _ in range(N)]
    rho2 = flint.fmpq(0)
    for i in range(N):
        for j in range(N):
            m = _mid(hess[i][j])
            q = flint.fmpq((m * 2 ** 40).floor()) * unit
            centre[i][j] = q
            spread = _rad(hess[i][j]) + abs(m - q)
            rho2 += spread * spread
    rho = _sqrt_up(rho2)
    # 2. μ from a float guess, certified exactly: centre − μ I positive definite
    floats = np.array([[float(int(q.p)) / float(int(q.q)) for q in row] for row in centre])
    smallest = float(np.linalg.eigvalsh((floats + floats.T) / 2)[0])
    if not smallest > 0:
        return SpuriousMinimumCertificate(False, f"the float Hessian has smallest eigenvalue {smallest:.3g} <= 0",
                                          **base)
    mu = flint.fmpq(*Fraction(smallest * 0.9).limit_denominator(10**12).as_integer_ratio())
    symmetric = [[(centre[i][j] + centre[j][i]) / 2 for j in range(N)] for i in range(N)]
    # the asymmetric part is also within the radius bound: add it
    asym2 = sum(((centre[i][j] - symmetric[i][j]) ** 2 for i in range(N) for j in range(N)), flint.fmpq(0))
    rho = rho + _sqrt_up(asym2)
    shifted = flint.fmpq_mat([[symmetric[i][j] - (mu if i == j else 0) for j in range(N)] for i in range(N)])
    signs = inertia(shifted)
    if signs.positive != N:
        return SpuriousMinimumCertificate(False, f"Hq − μI is not positive definite for μ = {format_rational(mu)}",
                                          **base)
    curvature = mu - rho
    if curvature <= 0:
        return SpuriousMinimumCertificate(False, "the Hessian radius on the box exceeds the certified curvature",
                                          **base)
    # 3. gradient bound at x0 and the interior-minimum condition |g| < μ' r / 2
    g2 = sum(((abs(_mid(g)) + _rad(g)) ** 2 for g in grad), flint.fmpq(0))
    g_up = _sqrt_up(g2)
    extra = dict(gradient_bound=format_rational(g_up), curvature_lower_bound=format_rational(curvature))
    if not g_up < curvature * r / 2:
        return SpuriousMinimumCertificate(False, "the gradient at the point is too large for the radius", **base,
                                          **extra)
    # 4. loss lower bound of the minimum inside the ball
    f_low = _mid(value) - _rad(value)
    lower = f_low - g2 / (2 * curvature)
    extra.update(loss_at_point=format_rational(f_low), loss_lower_bound=format_rational(lower))
    if not lower > 0:
        return SpuriousMinimumCertificate(False, "the loss lower bound is not positive: not shown to be spurious",
                                          **base, **extra)
    return SpuriousMinimumCertificate(True, "certified", **base, **extra)


# ---------------------------------------------------------------------------------------
# the claim

# A spurious minimum for k = n = 6, found by the descent above (seed 0, 100 runs, 20000
# steps, then Newton polishing) and stored exactly as binary floats: the default run
# certifies it whatever the seed.  (Its symmetric shape — five units near e_j, one
# absorbing the rest — is the kind Safran & Shamir describe.)
WITNESS_K6 = (
    (0.9867038188885803, -0.050413403216808095, -0.05041340321680901, -0.050413403216806714, 0.3080109914790602, -0.050413403216805985),
    (0.22451580759947082, 0.22451580759948261, 0.22451580759948686, 0.22451580759947634, -0.601511923561094, 0.22451580759947293),
    (-0.050413403216806665, -0.050413403216807894, -0.050413403216809156, -0.05041340321680752, 0.30801099147906286, 0.9867038188885799),
    (-0.05041340321680722, -0.05041340321680874, -0.05041340321681008, 0.9867038188885778, 0.3080109914790673, -0.05041340321680748),
    (-0.05041340321680929, -0.050413403216811384, 0.9867038188885728, -0.050413403216810385, 0.3080109914790797, -0.05041340321681018),
    (-0.05041340321680832, 0.9867038188885733, -0.05041340321681147, -0.05041340321680991, 0.308010991479074, -0.050413403216809476),
)


def _float_bound(text):
    return float(Fraction(text))


def _experiment_rows(instance, seed, thorough):
    k_values = tuple(instance["k_values_thorough"] if thorough and "k_values_thorough" in instance.parameters
                     else instance["k_values"])
    runs = instance["runs_thorough"] if thorough and "runs_thorough" in instance.parameters else instance["runs"]
    steps = instance["steps_thorough"] if thorough and "steps_thorough" in instance.parameters else instance["steps"]
    table = descent_experiment(k_values, tuple(instance["offsets"]), runs, steps, seed)
    return k_values, steps, table


@lru_cache(maxsize=64)
def _certify_cached(key, k):
    w = np.frombuffer(key, dtype=float).reshape(-1, k)
    return certify_spurious_minimum(newton_polish(w, np.eye(k)), k)


def _certify(w, k):
    return _certify_cached(np.ascontiguousarray(w, dtype=float).tobytes(), k)


def exact_check(instance, *, seed=0, thorough=False):
    """Certify every reported spurious minimum (interval Hessian + exact PD test), see module docstring."""
    log = CheckLog()
    log.note("loss: 1/2 E_x[(Σ_i relu(w_iᵀx) − Σ_j relu(v_jᵀx))²], x ~ N(0, I_k), v_j = e_j; "
             "one hidden layer (two weight matrices, the second fixed to 1); global minimum value 0")
    certificates = []
    for label, k, w in instance.get("points", ()):
        cert = certify_spurious_minimum(np.array(w, dtype=float), k)
        certificates.append((label, cert))
    if "k_values" in instance.parameters:
        k_values, _, table = _experiment_rows(instance, seed, thorough)
        for (k, n), row in table.items():
            for index, w in enumerate(row["candidates"]):
                certificates.append((f"k={k}, n={n}, candidate {index + 1} (seed {seed})", _certify(w, k)))
    for label, cert in certificates:
        if cert.certified:
            log.require(True, f"{label}: a local minimum lies within {cert.radius} of the rational point; "
                              f"Hessian ⪰ {_float_bound(cert.curvature_lower_bound):.3g}·I on that ball "
                              f"(exact PD test + interval radius), |∇F| <= {_float_bound(cert.gradient_bound):.2g}, "
                              f"loss >= {_float_bound(cert.loss_lower_bound):.6g} > 0 = global minimum: spurious")
        else:
            log.require(False, f"{label}: not certified as a spurious minimum — {cert.reason}")
    if instance.get("require_certified", False):
        log.require(any(c.certified for _, c in certificates), "at least one spurious minimum is certified")
    if not certificates:
        log.note("no spurious-minimum candidate to certify in this run")
    return log.result(certificates=[c.__dict__ for _, c in certificates])


def numeric_check(instance, *, seed=0, thorough=False):
    """The trend (fraction of runs in spurious minima non-increasing from n = k to k+1 to k+2), and
    float cross-checks of every candidate (positive float Hessian eigenvalues, loss > 0)."""
    log = CheckLog()
    if "k_values" not in instance.parameters:
        for label, k, w in instance.get("points", ()):
            w = newton_polish(np.array(w, dtype=float), np.eye(k))
            _float_candidate(log, label, w, k)
        return log.result()
    k_values, steps, table = _experiment_rows(instance, seed, thorough)
    rows = ["k,n,runs,reached_global,spurious_certified,other"]
    pooled = {}
    for (k, n), row in table.items():
        certified = sum(_certify(w, k).certified for w in row["candidates"])
        rows.append(f"{k},{n},{row['runs']},{row['global']},{certified},{row['other']}")
        offset = n - k
        total = pooled.setdefault(offset, [0, 0])
        total[0] += certified
        total[1] += row["runs"]
        log.note(f"k = {k}, n = {n}: {row['runs']} runs (seed {seed}, {steps} descent steps): {row['global']} reach "
                 f"F < {GLOBAL_THRESHOLD:g}, {certified} end in certified spurious minima, {row['other']} neither")
        for index, w in enumerate(row["candidates"]):
            _float_candidate(log, f"k={k}, n={n}, candidate {index + 1}", newton_polish(w, np.eye(k)), k)
        log.require(row["other"] <= instance.get("max_unresolved", 0),
                    f"k = {k}, n = {n}: every run either reaches F ≈ 0 or ends at a certified-candidate point "
                    f"({row['other']} unresolved)")
    fractions = {offset: c / t for offset, (c, t) in sorted(pooled.items())}
    text = ", ".join(f"n = k+{o}: {f:.3f}" for o, f in fractions.items())
    ordered = list(fractions.values())
    log.require(all(a >= b for a, b in zip(ordered, ordered[1:])),
                f"pooled over k in {list(k_values)}, the spurious fraction does not grow with n ({text})")
    log.artifact("overparam_spurious_fraction.csv", "\n".join(rows) + "\n",
                 "OVERPARAM: runs per (k, n) reaching 0 and ending in certified spurious minima")
    return log.result(fractions={f"k+{o}": f for o, f in fractions.items()})


def _float_candidate(log, label, w, k):
    V = np.eye(k)
    F = float(population_loss(w[None], V)[0])
    x = w.reshape(-1)
    h = 1e-6
    H = np.empty((x.size, x.size))
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        H[:, j] = (population_gradient((x + e).reshape(1, *w.shape), V).reshape(-1)
                   - population_gradient((x - e).reshape(1, *w.shape), V).reshape(-1)) / (2 * h)
    eig = np.linalg.eigvalsh((H + H.T) / 2)
    # finite-difference Hessian error ~ h^2 |F'''| + eps/h ~ 1e-10; eigenvalues here are >~1e-3
    log.require(eig[0] > 1e-7 and F > 1e-4,
                f"{label}: float64 loss {F:.6g}, Hessian eigenvalues in [{eig[0]:.3g}, {eig[-1]:.3g}] (all positive)")


register(Claim(
    id="OVERPARAM",
    source=Source("Safran, Shamir", "Spurious Local Minima are Common in Two-Layer ReLU Neural Networks", 2018,
                  "Section 3 and Table 1", "arXiv:1712.08968"),
    statement="For x ↦ Σ_{i≤n} relu(w_iᵀx) fitted to a teacher with k orthonormal units under Gaussian inputs, "
              "gradient descent often ends in spurious local minima when n = k (k ≥ 6), less often for n = k+1, "
              "almost never for n ≥ k+2.",
    conventions=("loss: 1/2 E[(f − g)²] (population, closed form via the arc-cosine kernel); global minimum 0",
                 "one hidden layer of n units (two weight matrices, the second fixed to all ones)"),
    instances=(
        Instance("k=n=6 witness", "a stored spurious minimum with k = n = 6 (found with seed 0), certified",
                 {"points": (("k = n = 6 witness", 6, WITNESS_K6),), "require_certified": True}),
        Instance("k in {5, 6}", "n = k, k+1, k+2; 50 seeded runs each, 1500 descent steps "
                 "(thorough: k in {6, 7, 8}, 200 runs, 3000 steps)",
                 {"k_values": (5, 6), "k_values_thorough": (6, 7, 8), "offsets": (0, 1, 2), "runs": 50,
                  "runs_thorough": 200, "steps": 1500, "steps_thorough": 3000}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
