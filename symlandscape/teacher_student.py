"""The two-layer ReLU teacher–student population loss under Gaussian inputs, its descent and certified minima.

Safran & Shamir, "Spurious Local Minima are Common in Two-Layer ReLU Neural Networks", 2018,
Section 3: the student ``x ↦ Σ_{i≤n} relu(w_iᵀx)`` (second layer fixed to ones) is fitted to the
teacher ``x ↦ Σ_{j≤k} relu(v_jᵀx)`` with ``v_j = e_j`` (orthonormal; input dimension ``d = k``),
``x ~ N(0, I_k)``, and the population loss

    F(W) = 1/2 E_x[(Σ_i relu(w_iᵀx) − Σ_j relu(v_jᵀx))²]
         = 1/2 Σ_{i,i'} K(w_i, w_i') − Σ_{i,j} K(w_i, v_j) + 1/2 Σ_{j,j'} K(v_j, v_j'),

with the arc-cosine kernel (Cho & Saul 2009) ``K(u, v) = E[relu(uᵀx) relu(vᵀx)] =
|u||v| (sin θ + (π − θ) cos θ) / 2π``, θ the angle between u and v.  ``F >= 0`` and ``F(V) = 0``:
the global minimum value is 0, so a local minimum with ``F > 0`` is *spurious*.

Two twins of one definition live here:

* float64, vectorised over a batch of runs (arrays of shape ``(runs, n, k)``): the loss, its
  analytic gradient ``∂K(u, v)/∂u = (|v| sin θ u/|u| + (π − θ) v) / 2π``, gradient descent.  They
  only *find* end points.
* ball arithmetic (flint ``arb``): enclosures of ``F``, ``∇F`` and ``∇²F`` over a box, used by
  :func:`certify_minimum` to prove, without trusting a float, that a true spurious strict local
  minimum lies in a small box around an end point (Krawczyk test, interval Hessian positive
  definite, value bound above 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from .errors import InvalidArgument

__all__ = [
    "learning_rate",
    "MAX_STEPS",
    "GLOBAL_LOSS",
    "STATIONARY_GRADIENT",
    "population_loss",
    "population_gradient",
    "population_gradient_per_run",
    "initial_weights",
    "gradient_descent",
    "descend",
    "newton_polish",
    "MinimumCertificate",
    "certify_minimum",
    "run_batch",
]

#: Most gradient steps of one run before it is reported as ``unsettled``.
MAX_STEPS = 40_000
#: A run has reached the global minimum when ``F < GLOBAL_LOSS`` (the smallest spurious value
#: seen at k <= 20 is above 1e-3; F decays linearly to 0 at a global minimum).
GLOBAL_LOSS = 1e-8
#: A run above ``GLOBAL_LOSS`` stops as a spurious-minimum candidate when ``|∇F| < STATIONARY_GRADIENT``.
STATIONARY_GRADIENT = 1e-7
#: Status is checked every so many steps (runs that have stopped leave the batch).
CHECK_EVERY = 250


def learning_rate(k):
    """The constant step size used at teacher size k: ``4 / (k + 4)``.

    The Hessian of F at the global minimum ``W = V`` (n = k) has largest eigenvalue about
    ``0.26 k + 0.6`` (5.70 at k = 20, 2.07 at k = 6), so the step times that curvature stays
    near 1, well inside the stable range (< 2), for every k.

    >>> learning_rate(6), learning_rate(20)
    (0.4, 0.16666666666666666)
    """
    return 4 / (k + 4)


def _teacher(k):
    return np.eye(k)


def _check_batch(W):
    W = np.asarray(W, dtype=float)
    if W.ndim != 3:
        raise InvalidArgument(f"W has shape {W.shape}: expected (runs, n, k)")
    return W


# ---------------------------------------------------------------------------------------
# float64, vectorised over runs


def _angles(W, U):
    """Gram matrix, norm products, θ and sin θ between the rows of W (R,n,d) and U (R,m,d) or (m,d)."""
    nw = np.linalg.norm(W, axis=-1)
    nu = np.linalg.norm(U, axis=-1)
    G = W @ np.swapaxes(U, -1, -2)
    norms = nw[..., :, None] * nu[..., None, :]
    C = np.clip(G / norms, -1.0, 1.0)
    return nw, nu, G, norms, np.arccos(C), np.sqrt(np.maximum(1.0 - C * C, 0.0))


def population_loss(W):
    """``F`` for each run of a batch ``W`` of shape ``(runs, n, k)`` (teacher ``v_j = e_j``), float64.

    >>> population_loss(np.eye(3)[None])            # the teacher itself: the global minimum
    array([0.])
    >>> population_loss(np.array([[[-1.0]]]))       # w = −v: F = E[(relu(−x) − relu(x))²]/2 = E[x²]/2
    array([0.5])
    """
    W = _check_batch(W)
    k = W.shape[-1]
    _, _, G, norms, T, S = _angles(W, W)
    Kww = (norms * S + (np.pi - T) * G) / (2 * np.pi)
    _, _, Gv, nv, Tv, Sv = _angles(W, _teacher(k))
    Kwv = (nv * Sv + (np.pi - Tv) * Gv) / (2 * np.pi)
    # 1/2 Σ K(v_j, v_j') for orthonormal rows: k/4 + k(k − 1)/(4π)
    constant = k / 4 + k * (k - 1) / (4 * np.pi)
    return 0.5 * Kww.sum(axis=(-1, -2)) - Kwv.sum(axis=(-1, -2)) + constant


def population_gradient(W):
    """``∇F`` for a batch ``W`` (same shape), one array program over runs and units.

    >>> population_gradient(np.eye(2)[None]).tolist()
    [[[0.0, 0.0], [0.0, 0.0]]]
    """
    W = _check_batch(W)
    k = W.shape[-1]
    nw, _, _, _, T, S = _angles(W, W)
    _, nv, _, _, Tv, Sv = _angles(W, _teacher(k))
    unit = W / nw[..., None]
    # the pair (i, i) contributes π w_i / 2π = w_i / 2 (θ = 0), the gradient of |w_i|²/4
    own = (nw[..., None, :] * S).sum(-1)[..., None] * unit + (np.pi - T) @ W
    teacher = (nv * Sv).sum(-1)[..., None] * unit + (np.pi - Tv)
    return (own - teacher) / (2 * np.pi)


def population_gradient_per_run(W):
    """The same gradient, one run at a time in a Python loop (the baseline of the descent benchmark).

    >>> W = np.random.default_rng(0).normal(size=(3, 4, 4))
    >>> bool(np.allclose(population_gradient_per_run(W), population_gradient(W), rtol=0, atol=1e-14))
    True
    """
    W = _check_batch(W)
    out = np.empty_like(W)
    for r in range(W.shape[0]):
        out[r] = population_gradient(W[r:r + 1])[0]
    return out


def initial_weights(rng, runs, n, k):
    """The standard (Xavier-type) initialisation: ``w_ij ~ N(0, 1/k)`` i.i.d., shape ``(runs, n, k)``.

    >>> initial_weights(np.random.default_rng(0), 2, 3, 4).shape
    (2, 3, 4)
    """
    return rng.normal(0.0, 1.0 / math.sqrt(k), size=(runs, n, k))


def gradient_descent(W, steps, step_size):
    """``steps`` plain gradient steps on every run of the batch (no stopping rule)."""
    W = _check_batch(W).copy()
    for _ in range(steps):
        W -= step_size * population_gradient(W)
    return W


def descend(W, *, step_size=None, max_steps=MAX_STEPS, global_loss=GLOBAL_LOSS,
            stationary_gradient=STATIONARY_GRADIENT, check_every=CHECK_EVERY):
    """Gradient descent with the stopping rule, on a batch: returns ``(W, steps, loss, gradient_norm)``.

    The step size defaults to :func:`learning_rate` of k.  A run stops at the first check (every
    ``check_every`` steps) where ``F < global_loss`` or ``|∇F| < stationary_gradient``, or after
    ``max_steps`` steps, or when its loss stops being finite; stopped runs leave the batch.

    >>> W, steps, loss, grad = descend(np.array([[[0.9, 0.1], [0.1, 0.8]]]), check_every=50)
    >>> bool(loss[0] < GLOBAL_LOSS), int(steps[0]) % 50
    (True, 0)
    """
    W = _check_batch(W).copy()
    runs, _, k = W.shape
    step_size = learning_rate(k) if step_size is None else step_size
    steps = np.zeros(runs, dtype=np.int64)
    active = np.arange(runs)
    # a diverging run becomes non-finite and is reported as such, never as a result
    with np.errstate(all="ignore"):
        while active.size:
            Wa = W[active]
            for _ in range(check_every):
                Wa -= step_size * population_gradient(Wa)
            W[active] = Wa
            steps[active] += check_every
            loss = population_loss(Wa)
            gnorm = np.linalg.norm(population_gradient(Wa).reshape(active.size, -1), axis=1)
            done = ((loss < global_loss) | (gnorm < stationary_gradient) | (steps[active] >= max_steps)
                    | ~np.isfinite(loss) | ~np.isfinite(gnorm))
            active = active[~done]
        loss = population_loss(W)
        gnorm = np.linalg.norm(population_gradient(W).reshape(runs, -1), axis=1)
    return W, steps, loss, gnorm


def _float_hessian(w):
    """Central differences of the analytic gradient at one run ``w`` (n, k), all 2N points in one batch."""
    n, k = w.shape
    N = n * k
    h = 1e-6
    shifts = np.concatenate([np.eye(N), -np.eye(N)]) * h
    G = population_gradient((w.reshape(1, N) + shifts).reshape(2 * N, n, k)).reshape(2 * N, N)
    H = (G[:N] - G[N:]) / (2 * h)
    return (H + H.T) / 2


def newton_polish(w, iterations=8):
    """Newton steps on one run ``w`` (n, k) with a finite-difference Hessian: only finds a better point."""
    x = np.array(w, dtype=float)
    for _ in range(iterations):
        g = population_gradient(x[None])[0].reshape(-1)
        try:
            step = np.linalg.solve(_float_hessian(x), g)
        except np.linalg.LinAlgError:
            break
        x = x - step.reshape(x.shape)
        if not np.all(np.isfinite(x)):
            return np.array(w, dtype=float)
        if np.linalg.norm(step) < 1e-15:
            break
    return x


# ---------------------------------------------------------------------------------------
# ball arithmetic: φ(a, b, c) = K with a = |u|², b = |v|², c = uᵀv, and its first two derivatives


class _Jet:
    """Value, gradient (3) and Hessian (3×3) of a function of (a, b, c), in ``arb`` balls."""

    __slots__ = ("v", "g", "h")

    def __init__(self, v, g, h):
        self.v, self.g, self.h = v, g, h

    @classmethod
    def variable(cls, value, index):
        import flint

        zero = flint.arb(0)
        return cls(value, [flint.arb(int(i == index)) for i in range(3)], [[zero] * 3 for _ in range(3)])

    def __add__(self, o):
        if not isinstance(o, _Jet):
            return _Jet(self.v + o, self.g, self.h)
        return _Jet(self.v + o.v, [x + y for x, y in zip(self.g, o.g)],
                    [[x + y for x, y in zip(r, s)] for r, s in zip(self.h, o.h)])

    __radd__ = __add__

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
        # a ball containing 0 gives a non-finite derivative: the box is then not certified
        s = self.v.sqrt()
        return self.apply(s, 1 / (2 * s), -1 / (4 * s * self.v))

    def reciprocal(self):
        return self.apply(1 / self.v, -1 / (self.v * self.v), 2 / (self.v * self.v * self.v))

    def acos(self):
        q = (1 - self.v * self.v).sqrt()
        return self.apply(self.v.acos(), -1 / q, -self.v / (q * q * q))


def _kernel_jet(u, v):
    """φ and its derivatives in (a, b, c) at the pair (u, v) of arb vectors."""
    import flint

    a = sum((x * x for x in u), flint.arb(0))
    b = sum((x * x for x in v), flint.arb(0))
    c = sum((x * y for x, y in zip(u, v)), flint.arb(0))
    a, b, c = _Jet.variable(a, 0), _Jet.variable(b, 1), _Jet.variable(c, 2)
    pi = flint.arb.pi()
    root = (a * b - c * c).sqrt()
    angle = (c * (a * b).sqrt().reciprocal()).acos()
    return (root + (pi - angle) * c) * (1 / (2 * pi))


def _enclosures(rows, k, hessian=True):
    """Ball enclosures of ``F``, ``∇F`` (N×1) and ``∇²F`` (N×N, or None) over the box whose coordinates are ``rows``.

    Block (i, j) of the Hessian is a multiple of the identity plus ``X C Xᵀ`` with ``X = [w_i w_j]``
    (d × 2): each pair costs a few small ``arb_mat`` products instead of d² scalar updates.
    """
    import flint

    n, d = len(rows), len(rows[0])
    ident = flint.arb_mat(d, d)
    for p in range(d):
        ident[p, p] = 1
    cols = [flint.arb_mat([[x] for x in row]) for row in rows]
    teacher = [[flint.arb(int(p == j)) for p in range(d)] for j in range(k)]
    teacher_cols = [flint.arb_mat([[x] for x in row]) for row in teacher]
    value = flint.arb(0)
    grad = [c * flint.arb(0.5) for c in cols]                 # ∇ of |w_i|²/4 (the pair (i, i))
    diag = [ident * flint.arb(0.5) for _ in range(n)]
    off = {}

    def pair_matrix(u, v):
        return flint.arb_mat([[u[p, 0], v[p, 0]] for p in range(d)])

    for i in range(n):
        value += sum((x * x for x in rows[i]), flint.arb(0)) / 4
        u = cols[i]
        partners = [(j, rows[j], cols[j], 1) for j in range(i + 1, n)]
        partners += [(None, teacher[t], teacher_cols[t], -1) for t in range(k)]
        for j, row, v, sign in partners:
            phi = _kernel_jet(rows[i], row)
            pa, pb, pc = phi.g
            (haa, hab, hac), (_, hbb, hbc), (_, _, hcc) = phi.h
            X = pair_matrix(u, v)
            Xt = X.transpose()
            value += sign * phi.v
            grad[i] += (u * (2 * pa) + v * pc) * sign
            if not hessian:
                if j is not None:
                    grad[j] += (v * (2 * pb) + u * pc) * sign
                continue
            diag[i] += (ident * (2 * pa) + X * flint.arb_mat([[4 * haa, 2 * hac], [2 * hac, hcc]]) * Xt) * sign
            if j is not None:
                grad[j] += (v * (2 * pb) + u * pc) * sign
                diag[j] += (ident * (2 * pb) + X * flint.arb_mat([[hcc, 2 * hbc], [2 * hbc, 4 * hbb]]) * Xt) * sign
                off[i, j] = (ident * pc + X * flint.arb_mat([[2 * hac, 4 * hab], [hcc, 2 * hbc]]) * Xt) * sign
    value += flint.arb(k) / 4 + flint.arb(k * (k - 1)) / (4 * flint.arb.pi())
    gradient = flint.arb_mat([[g[p, 0]] for g in grad for p in range(d)])
    if not hessian:
        return value, gradient, None
    blocks = [[None] * n for _ in range(n)]
    for i in range(n):
        blocks[i][i] = diag[i].tolist()
        for j in range(i + 1, n):
            blocks[i][j] = off[i, j].tolist()
            blocks[j][i] = off[i, j].transpose().tolist()
    hess = flint.arb_mat([[x for j in range(n) for x in blocks[i][j][p]] for i in range(n) for p in range(d)])
    return value, gradient, hess


def _fmpq(x):
    """The exact rational value of an arb's midpoint or radius (a binary fraction)."""
    import flint

    man, exp = (int(t) for t in x.man_exp())
    return flint.fmpq(man) * flint.fmpq(2) ** exp if exp >= 0 else flint.fmpq(man, 2 ** (-exp))


def _lower(x):
    return _fmpq(x.mid()) - _fmpq(x.rad())


def _upper(x):
    return _fmpq(x.mid()) + _fmpq(x.rad())


def _text(q):
    return f"{int(q.p)}/{int(q.q)}" if int(q.q) != 1 else str(int(q.p))


@dataclass(frozen=True)
class MinimumCertificate:
    """The outcome of :func:`certify_minimum`; every bound is an exact rational written as a string.

    ``certified`` means: the box ``B = point ± radius`` (every coordinate) contains exactly one
    critical point ``x*`` of F (Krawczyk), F is C² on B and its Hessian is positive definite on
    all of B, so ``x*`` is a strict local minimum, and ``F >= loss_lower_bound > 0`` on B, so it
    is spurious.  Otherwise ``reason`` says which step failed; nothing is claimed then.
    """

    certified: bool
    reason: str
    n: int
    k: int
    point: tuple = ()
    radius: str = ""
    krawczyk_margin: str = ""
    gershgorin_margin: str = ""
    loss_lower_bound: str = ""
    loss_upper_bound: str = ""
    seconds: float = field(default=0.0, compare=False)


def certify_minimum(w, *, radius=None, precision=None):
    """Prove (or fail to prove) that a spurious strict local minimum of F lies near the float point ``w`` (n × k).

    The point ``x0`` is the exact binary rational the floats stand for; ``B = x0 ± r``.

    1. *Krawczyk*: with ``Y`` a float approximation of ``∇²F(x0)⁻¹`` (exact as a matrix of
       binary rationals), ``K = −Y ∇F(x0) + (I − Y ∇²F(B)) [−r, r]^N``; ``K ⊂ (−r, r)^N``
       proves that ∇F has exactly one zero ``x*`` in B (Krawczyk 1969; Moore 1977).  Finite
       enclosures also prove F smooth on B: no weight is 0 and no two weights (or a weight and a
       teacher row) are parallel there.
    2. *Hessian*: with ``Q`` a float ``L⁻ᵀ`` (``∇²F(x0) ≈ L Lᵀ``), the enclosure of ``Qᵀ ∇²F(B) Q``
       has positive Gershgorin discs; every ``Qᵀ H Q`` with H a Hessian on B is then positive
       definite, hence so is H (a congruence; Q is invertible since ``QᵀHQ`` is definite).
    3. *Value*: the lower end of the enclosure of F over B is > 0 = the global minimum value.

    ``radius`` defaults to ``max(1e-12, 64 |Y ∇F(x0)|_∞)`` rounded up to a power of 2.  The ball
    arithmetic works at ``precision`` bits; by default at 64, then at 128 if that fails.

    >>> from proofs_checks.overparam import WITNESS_K6
    >>> c = certify_minimum(np.array(WITNESS_K6))
    >>> c.certified, c.n, c.k, 0 < float(Fraction(c.loss_lower_bound)) < 0.03
    (True, 6, 6, True)
    >>> certify_minimum(np.eye(3)).reason     # the global minimum: w_i parallel to v_i, F not smooth
    'an enclosure on the box is unbounded: F is not shown smooth there (a weight nearly 0 or two nearly parallel)'
    """
    if precision is None:
        first = certify_minimum(w, radius=radius, precision=64)
        if first.certified:
            return first
        second = certify_minimum(w, radius=radius, precision=128)
        return replace(second, seconds=first.seconds + second.seconds)
    import time

    import flint

    start = time.perf_counter()
    w = np.asarray(w, dtype=float)
    if w.ndim != 2 or not np.all(np.isfinite(w)):
        raise InvalidArgument(f"w must be a finite (n, k) array, got shape {w.shape}")
    n, k = w.shape
    N = n * k
    flat = w.reshape(-1)
    base = dict(n=n, k=k, point=tuple(float(x).hex() for x in flat))

    def fail(reason, **extra):
        return MinimumCertificate(False, reason, **base, **extra, seconds=time.perf_counter() - start)

    H0 = _float_hessian(w)
    try:
        Y = np.linalg.inv(H0)
        L = np.linalg.cholesky(H0)
    except np.linalg.LinAlgError:
        return fail("the float Hessian at the point is not positive definite")
    g_float = population_gradient(w[None])[0].reshape(-1)
    if radius is None:
        step = float(np.max(np.abs(Y @ g_float)))
        radius = 2.0 ** math.ceil(math.log2(max(1e-12, 64 * step)))
    r = flint.fmpq(*Fraction(radius).as_integer_ratio())
    base["radius"] = _text(r)
    Q = np.linalg.inv(L).T
    with flint.ctx.workprec(precision):
        r_arb = flint.arb(int(r.p)) / int(r.q)
        point_rows = [[flint.arb(float(x)) for x in row] for row in w]
        box_rows = [[flint.arb(flint.arb(float(x)).mid(), r_arb) for x in row] for row in w]
        _, g0, _ = _enclosures(point_rows, k, hessian=False)
        value_box, _, H = _enclosures(box_rows, k)
        entries = [value_box, *g0.entries(), *H.entries()]
        if not all(x.is_finite() for x in entries):
            return fail("an enclosure on the box is unbounded: F is not shown smooth there "
                        "(a weight nearly 0 or two nearly parallel)")
        Ya = flint.arb_mat(Y.tolist())
        delta = flint.arb_mat([[flint.arb(0, r_arb)] for _ in range(N)])
        ident = flint.arb_mat(N, N)
        for p in range(N):
            ident[p, p] = 1
        K = (Ya * g0) * -1 + (ident - Ya * H) * delta
        widest = max(_upper(abs(x)) for x in K.entries())
        if not widest < r:
            return fail("Krawczyk test failed: K(B) is not inside B", krawczyk_margin=_text(r - widest))
        Qa = flint.arb_mat(Q.tolist())
        M = Qa.transpose() * H * Qa
        margin = None
        for i in range(N):
            row = sum((abs(M[i, j]) for j in range(N) if j != i), flint.arb(0))
            disc = _lower(M[i, i]) - _upper(row)
            margin = disc if margin is None or disc < margin else margin
        extra = dict(krawczyk_margin=_text(r - widest), gershgorin_margin=_text(margin),
                     loss_lower_bound=_text(_lower(value_box)), loss_upper_bound=_text(_upper(value_box)))
        if not margin > 0:
            return fail("the interval Hessian on the box is not shown positive definite (Gershgorin)", **extra)
        if not _lower(value_box) > 0:
            return fail("the loss enclosure on the box is not above 0: not shown to be spurious", **extra)
    return MinimumCertificate(True, "certified", **base, **extra, seconds=time.perf_counter() - start)


# ---------------------------------------------------------------------------------------
# one batch of runs, as a sweep task


def run_batch(k, n, runs, seed, *, step_size=None, max_steps=MAX_STEPS, certify=True):
    """``runs`` seeded descents at (k, n) and their outcomes: one dict per run.

    ``seed`` is anything ``numpy.random.default_rng`` takes (an int or a ``SeedSequence``).
    Outcomes: ``global`` (F < GLOBAL_LOSS), ``spurious`` (a certified spurious strict local
    minimum), ``uncertified`` (stationary with F > GLOBAL_LOSS, certification failed: *not*
    counted as spurious), ``unsettled`` (stopped by ``max_steps``), ``diverged`` (non-finite).

    >>> rows = run_batch(2, 2, 3, 0)
    >>> [r["outcome"] for r in rows]
    ['global', 'global', 'global']
    """
    rng = np.random.default_rng(seed)
    W0 = initial_weights(rng, runs, n, k)
    W, steps, loss, gnorm = descend(W0, step_size=step_size, max_steps=max_steps)
    rows = []
    for r in range(runs):
        row = {"k": k, "n": n, "run": r, "steps": int(steps[r]), "loss": float(loss[r]),
               "gradient_norm": float(gnorm[r]), "outcome": "", "reason": "", "loss_lower_bound": "",
               "certify_seconds": 0.0}
        if not (np.isfinite(loss[r]) and np.isfinite(gnorm[r])):
            row["outcome"] = "diverged"
        elif loss[r] < GLOBAL_LOSS:
            row["outcome"] = "global"
        elif gnorm[r] >= STATIONARY_GRADIENT:
            row["outcome"] = "unsettled"
            row["reason"] = f"|grad F| = {gnorm[r]:.3g} after {steps[r]} steps"
        elif not certify:
            row["outcome"] = "uncertified"
            row["reason"] = "certification not run"
        else:
            cert = certify_minimum(newton_polish(W[r]))
            row["outcome"] = "spurious" if cert.certified else "uncertified"
            row["reason"] = cert.reason
            row["loss_lower_bound"] = cert.loss_lower_bound
            row["certify_seconds"] = round(cert.seconds, 3)
        rows.append(row)
    return rows
