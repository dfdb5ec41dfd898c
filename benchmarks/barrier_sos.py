"""The search's former semidefinite engine, kept as the baseline of ``bench_sos.py``.

A barrier method on λ_min over the affine space of Gram matrices (exact affine space, float
Newton steps, exact rounding and LDLᵀ), with the Gram basis of
:func:`symlandscape.search.positivity._gram_basis`.  The search now uses Clarabel
(:mod:`symlandscape.sos`); this file only measures what that replaced.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy

from symlandscape.exact import solve_linear
from symlandscape.search.congruence import Congruence
from symlandscape.search.positivity import _gram_basis
from symlandscape.sos import _monomial_value


def _affine_solution(rows, rhs, unknowns):
    """Exact particular solution and nullspace basis of ``rows · g = rhs`` (rows sparse dicts), or None."""
    if not rows:
        return [flint.fmpq(0)] * unknowns, [[flint.fmpq(int(i == j)) for j in range(unknowns)] for i in range(unknowns)]
    A = flint.fmpq_mat(len(rows), unknowns)
    for r, row in enumerate(rows):
        for c, x in row.items():
            A[r, c] = x
    return solve_linear(A, list(rhs))  # None: inconsistent, no Gram matrix satisfies the constraints


def _max_min_eigenvalue(G0, E, Q, target, iterations=60):
    """Float y maximising λ_min(Qᵀ(G0 + Σ y_k E_k)Q) until it exceeds ``target`` (barrier Newton), or None."""
    M0 = Q.T @ G0 @ Q
    if not len(E):
        return None  # nothing to optimise: the caller tries the unique candidate itself
    Es = numpy.array([Q.T @ Ek @ Q for Ek in E])
    size = M0.shape[0]
    if size == 0:
        return numpy.zeros(len(E))
    identity = numpy.eye(size)

    def matrix(y, s):
        return M0 + numpy.tensordot(y, Es, axes=1) + s * identity if len(E) else M0 + s * identity

    y = numpy.zeros(len(E))
    s = max(0.0, -float(numpy.linalg.eigvalsh(M0)[0])) + 1.0
    tau = 1.0
    for _ in range(iterations):
        # Newton on f(y, s) = τ s - log det(M(y) + s I): minimising s maximises λ_min
        for _ in range(30):
            M = matrix(y, s)
            try:
                W = numpy.linalg.inv(M)
            except numpy.linalg.LinAlgError:
                return None
            directions = numpy.concatenate([Es, identity[None]], axis=0)
            WE = numpy.einsum("ij,kjl->kil", W, directions)
            gradient = -numpy.einsum("kii->k", WE)
            gradient[-1] += tau
            hessian = numpy.einsum("kij,lji->kl", WE, WE)
            try:
                step = -numpy.linalg.solve(hessian + 1e-12 * numpy.eye(len(gradient)), gradient)
            except numpy.linalg.LinAlgError:
                return None
            decrement = float(-gradient @ step)
            alpha = 1.0
            current = tau * s - numpy.linalg.slogdet(M)[1]
            while alpha > 1e-12:
                y2, s2 = y + alpha * step[:-1], s + alpha * step[-1]
                M2 = matrix(y2, s2)
                sign, logdet = numpy.linalg.slogdet(M2)
                if sign > 0 and numpy.linalg.eigvalsh(M2)[0] > 0 and tau * s2 - logdet <= current - 0.25 * alpha * decrement:
                    break
                alpha *= 0.5
            else:
                break
            y, s = y2, s2
            if decrement < 1e-10:
                break
        if -s > target:
            return y
        tau *= 4.0
        if tau > 1e14:
            break
    return None


def _sdp_sos(R, zeros, *, max_basis=48):
    """``[(d_i, q_i)]`` with ``R = Σ d_i q_i²`` exactly (``fmpq``, ``fmpq_mpoly``), or None.

    ``zeros`` are exact points where R vanishes; their monomial vectors span part of the
    kernel of every Gram matrix of R (facial reduction).
    """
    ctx = R.context()
    nvars = len(ctx.gens())
    terms = {e: flint.fmpq(c) for e, c in R.to_dict().items()}
    if not terms:
        return []
    basis = _gram_basis(terms, nvars)
    if not basis or len(basis) > max_basis:
        return None
    N = len(basis)
    slots = [(a, b) for a in range(N) for b in range(a, N)]
    slot_index = {ab: k for k, ab in enumerate(slots)}
    by_monomial = {}
    for k, (a, b) in enumerate(slots):
        mu = tuple(x + y for x, y in zip(basis[a], basis[b]))
        by_monomial.setdefault(mu, []).append((k, 1 if a == b else 2))
    if any(mu not in by_monomial for mu in terms):
        return None
    rows, rhs = [], []
    for mu, entries in by_monomial.items():
        rows.append({k: flint.fmpq(w) for k, w in entries})
        rhs.append(terms.get(mu, flint.fmpq(0)))
    kernel = []
    for point in zeros:
        v = [_monomial_value(m, point) for m in basis]
        if any(v):
            kernel.append(v)
            for a in range(N):  # (G v)_a = 0
                row = {}
                for b in range(N):
                    if v[b] != 0:
                        k = slot_index[(min(a, b), max(a, b))]
                        row[k] = row.get(k, flint.fmpq(0)) + v[b]
                rows.append(row)
                rhs.append(flint.fmpq(0))
    solved = _affine_solution(rows, rhs, len(slots))
    if solved is None:
        return None
    particular, null = solved

    def gram(values):
        G = [[flint.fmpq(0)] * N for _ in range(N)]
        for k, (a, b) in enumerate(slots):
            G[a][b] = G[b][a] = values[k]
        return G

    def floats(values):
        return numpy.array([[float(int(x.p)) / float(int(x.q)) for x in row] for row in gram(values)])

    G0 = floats(particular)
    E = [floats(v) for v in null]
    if kernel:
        V = numpy.array([[float(int(x.p)) / float(int(x.q)) for x in v] for v in kernel]).T
        U, sigma, _ = numpy.linalg.svd(V, full_matrices=True)
        rank = int(numpy.sum(sigma > 1e-9 * sigma[0]))
        Q = U[:, rank:]
    else:
        Q = numpy.eye(N)
    scale = 1.0 + float(numpy.max(numpy.abs(G0)))
    candidates = [numpy.zeros(len(null))]
    y = _max_min_eigenvalue(G0, E, Q, 1e-7 * scale)
    if y is not None:
        candidates.append(y)
    for y in candidates:
        for D in (1, 2, 4, 16, 256, 10**4, 10**6, 10**9):
            coefficients = [flint.fmpq(f.numerator, f.denominator)
                            for f in (Fraction(float(x)).limit_denominator(D) for x in y)]
            values = list(particular)
            for c, v in zip(coefficients, null):
                if c != 0:
                    values = [a + c * b for a, b in zip(values, v)]
            congruence = Congruence(flint.fmpq_mat(gram(values)))
            if congruence.counts["negative"]:
                continue
            S = flint.fmpq_mat(N, N, [e for row in congruence.rows for e in row])
            Sinv = S.inv()
            monomials = [_monomial(ctx, m) for m in basis]
            result = []
            for i, d in enumerate(congruence.d):
                if d != 0:
                    q = sum((ctx.constant(Sinv[j, i]) * monomials[j] for j in range(N) if Sinv[j, i] != 0),
                            ctx.constant(0))
                    result.append((d, q))
            return result
    return None


def _monomial(ctx, exponents):
    result = ctx.constant(1)
    for g, e in zip(ctx.gens(), exponents):
        if e:
            result *= g ** e
    return result
