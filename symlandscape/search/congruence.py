"""The Hessian's canonical congruence S H Sᵀ = diag(d), its inertia and the witnesses of an indefinite Hessian.

Pairs with the checker's ``_Checker.check_congruence`` (the congruence and its inertia)
and ``_Checker.check_indefinite`` (u with uᵀHu < 0 < vᵀHv).  A rational Hessian goes
through :func:`symlandscape.inertia.ldl_congruence`, the one LDLᵀ of the package; a
Hessian with irrational entries (exp, log, tanh, sigmoid) through the same elimination in
SymPy numbers, :func:`_eliminate_symbolic`.
"""

from __future__ import annotations

import flint
import sympy

from ..inertia import inertia, ldl_congruence
from .scalars import _exact, _primitive, _sign, _simplify, _sympy, _text

# Up to this size the inertia is cross-checked with inertia.py (exact charpoly).
_CROSS_CHECK_SIZE = 48


class Congruence:
    """Symmetric elimination in the canonical form that :func:`verify` checks.

    The pivot is the first remaining coordinate with a nonzero diagonal entry of the
    Schur complement; when every remaining diagonal entry is zero but an off-diagonal one
    is not, the first such pair (i, j) is eliminated as a 2x2 block and diagonalised by
    [[1, 1], [-1/2, 1/2]].  Coordinates left when the complement vanishes span the kernel.

    >>> c = Congruence(flint.fmpq_mat([[0, 1], [1, 0]]))
    >>> c.counts, c.certificate()["diagonal"]
    ({'positive': 1, 'negative': 1, 'zero': 0}, ['2', '-1/2'])
    """

    def __init__(self, H):
        if isinstance(H, flint.fmpq_mat):
            self.order, self.pairs, self.rows, self.d = ldl_congruence(H)
        else:
            self.order, self.pairs, self.rows, self.d = _eliminate_symbolic(H)
        signs = [_sign(v) for v in self.d]
        self.counts = {"positive": signs.count(1), "negative": signs.count(-1), "zero": signs.count(0)}
        self.signs = signs

    def certificate(self):
        return {
            "type": "congruence",
            "order": list(self.order),
            "pairs": list(self.pairs),
            "rows": [[_text(e) for e in row] for row in self.rows],
            "diagonal": [_text(e) for e in self.d],
        }

    def rows_with_sign(self, sign):
        return [row for row, s in zip(self.rows, self.signs) if s == sign]


def _eliminate_symbolic(H):
    """The same elimination on a SymPy matrix with exact (possibly irrational) entries."""
    n = H.rows
    A = [[_exact(H[i, j]) for j in range(n)] for i in range(n)]
    S = [[sympy.S.One if i == j else sympy.S.Zero for j in range(n)] for i in range(n)]
    order, pairs, d = [], [], []
    remaining = list(range(n))

    def simp(x):
        return x if isinstance(x, flint.fmpq) else _simplify(_sympy(x))

    while remaining:
        k = next((i for i in remaining if _sign(A[i][i])), None)
        if k is not None:
            p = _sympy(A[k][k])
            col = [_sympy(A[m][k]) for m in range(n)]
            for a in range(n):
                for b in range(n):
                    A[a][b] = simp(_sympy(A[a][b]) - col[a] * col[b] / p)
            for m in range(n):
                if m != k and col[m] != 0:
                    S[m] = [simp(x - col[m] / p * y) for x, y in zip(S[m], S[k])]
            order.append(k)
            d.append(_exact(simp(p)))
            remaining.remove(k)
            continue
        pair = next(((i, j) for a, i in enumerate(remaining) for j in remaining[a + 1:] if _sign(A[i][j])), None)
        if pair is None:
            break
        i, j = pair
        b = _sympy(A[i][j])
        ci = [_sympy(A[m][i]) for m in range(n)]
        cj = [_sympy(A[m][j]) for m in range(n)]
        for a in range(n):
            for c in range(n):
                A[a][c] = simp(_sympy(A[a][c]) - (ci[a] * cj[c] + cj[a] * ci[c]) / b)
        si, sj = list(S[i]), list(S[j])
        for m in range(n):
            if m not in (i, j):
                S[m] = [simp(x - cj[m] / b * y - ci[m] / b * z) for x, y, z in zip(S[m], si, sj)]
        S[i] = [simp(x + y) for x, y in zip(si, sj)]
        S[j] = [simp((y - x) / 2) for x, y in zip(si, sj)]
        order += [i, j]
        pairs.append(len(order) - 2)
        d += [_exact(simp(2 * b)), _exact(simp(-b / 2))]
        remaining.remove(i)
        remaining.remove(j)
    order += remaining
    d += [flint.fmpq(0)] * len(remaining)
    rows = [[_exact(e) for e in S[k]] for k in order]
    return order, pairs, rows, d


def cross_check_inertia(search):
    """Two independent exact methods must agree: the congruence, and inertia.py's
    characteristic polynomial with Descartes' rule.

    Above inertia.py's charpoly size it would use a float eigendecomposition first, which
    costs more than the whole classification of a large point; the congruence alone is then
    the evidence.
    """
    search.inertia = None
    if isinstance(search.hessian, flint.fmpq_mat) and search.n <= _CROSS_CHECK_SIZE:
        search.inertia = inertia(search.hessian)
        if search.inertia.as_dict() != search.congruence.counts:  # pragma: no cover
            raise RuntimeError(f"internal error: inertia {search.inertia.as_dict()} disagrees with the "
                               f"congruence {search.congruence.counts}")


def indefinite(search):
    """The ``indefinite`` certificate: u, v orthogonal to the kernel with uᵀHu < 0 < vᵀHv."""
    if search.inertia is not None:
        u = [flint.fmpq(int(x)) for x in search.inertia.negative_witness]
        v = [flint.fmpq(int(x)) for x in search.inertia.positive_witness]
    else:
        u = simple_witness(search, -1) or search.congruence.rows_with_sign(-1)[0]
        v = simple_witness(search, 1) or search.congruence.rows_with_sign(1)[0]
    u, v = orthogonal_to_kernel(search, u), orthogonal_to_kernel(search, v)
    uHu, vHv = quadratic_form(search, u), quadratic_form(search, v)
    search.witness_curve = [u]
    search.notes.append(f"The Hessian is indefinite: uᵀHu = {_text(uHu)} < 0 < vᵀHv = {_text(vHv)} with "
                        f"u = ({', '.join(map(_text, u))}), v = ({', '.join(map(_text, v))}).")
    return {"type": "indefinite", "u": [_text(x) for x in u], "Hu": [_text(x) for x in times_hessian(search, u)],
            "uHu": _text(uHu), "v": [_text(x) for x in v], "Hv": [_text(x) for x in times_hessian(search, v)],
            "vHv": _text(vHv)}


def times_hessian(search, u):
    H, n = search.hessian, search.n
    if isinstance(H, flint.fmpq_mat) and all(isinstance(x, flint.fmpq) for x in u):
        product = H * flint.fmpq_mat(n, 1, u)
        return [product[i, 0] for i in range(n)]
    Hs = H if not isinstance(H, flint.fmpq_mat) else sympy.Matrix(n, n, [_sympy(e) for e in H.entries()])
    return [_exact(_simplify(e)) for e in Hs * sympy.Matrix([_sympy(x) for x in u])]


def orthogonal_to_kernel(search, u):
    """``u`` minus its projection on the kernel of H (same uᵀHu), as a primitive integer vector.

    The certificate's normal form: witnesses are orthogonal to the kernel, so that no
    entry of them can change without changing uᵀHu or the orthogonality.
    """
    n = search.n
    kernel_rows = search.congruence.rows_with_sign(0)
    if not kernel_rows:
        return u
    if not all(isinstance(e, flint.fmpq) for row in (*kernel_rows, u) for e in row):
        K = sympy.Matrix([[_sympy(e) for e in row] for row in kernel_rows])
        x = sympy.Matrix([_sympy(e) for e in u])
        projected = (x - K.T * (K * K.T).inv() * (K * x)).applyfunc(_simplify)
        return [_exact(e) for e in projected]
    K = flint.fmpq_mat(len(kernel_rows), n, [_exact(e) for row in kernel_rows for e in row])
    x = flint.fmpq_mat(n, 1, [_exact(e) for e in u])
    coefficients = (K * K.transpose()).solve(K * x)
    projected = x - K.transpose() * coefficients
    return _primitive([projected[i, 0] for i in range(n)])


def simple_witness(search, sign):
    """``e_i`` with ``sign·H_ii > 0``, or ``e_i ± e_j`` where ``H_ii = H_jj = 0 ≠ H_ij``."""
    if not isinstance(search.hessian, flint.fmpq_mat):
        return None
    table = search.hessian.table()
    n = search.n
    unit = [flint.fmpq(0)] * n
    for i in range(n):
        if _sign(table[i][i]) == sign:
            u = list(unit)
            u[i] = flint.fmpq(1)
            return u
    zeros = [i for i in range(n) if table[i][i] == 0]
    for a, i in enumerate(zeros):
        for j in zeros[a + 1:]:
            if table[i][j] != 0:
                # (e_i + s e_j)ᵀ H (e_i + s e_j) = 2 s H_ij
                u = list(unit)
                u[i] = flint.fmpq(1)
                u[j] = flint.fmpq(sign * _sign(table[i][j]))
                return u
    return None


def quadratic_form(search, u):
    H, n = search.hessian, search.n
    if isinstance(H, flint.fmpq_mat) and all(isinstance(x, flint.fmpq) for x in u):
        x = flint.fmpq_mat(n, 1, u)
        return (x.transpose() * H * x)[0, 0]
    x = sympy.Matrix([_sympy(e) for e in u])
    Hs = H if not isinstance(H, flint.fmpq_mat) else sympy.Matrix(n, n, [_sympy(e) for e in H.entries()])
    return _exact(_simplify((x.T * Hs * x)[0, 0]))


def kernel(search):
    """Primitive integer vectors spanning the kernel of H (its rational part, when H is not rational)."""
    if search.congruence is None:
        return []
    rows = search.congruence.rows_with_sign(0)
    rational = [r for r in rows if all(isinstance(x, flint.fmpq) for x in r)]
    if len(rational) < len(rows):
        search.notes.append(f"{len(rows) - len(rational)} of the {len(rows)} kernel vectors of the Hessian are "
                            "irrational: lines are searched in the rational part of the kernel only.")
    return [_primitive(r) for r in rational]
