"""Checks shared by the deep linear property suites, written independently of the library.

Pytest puts this folder on ``sys.path`` for its test modules (rootdir-relative ``prepend``
import mode), so they import it as ``linear_checks``.
"""

import sympy


def optimum(L):
    """``s (tr(Y Yᵀ) − sum of the p largest eigenvalues of Σ)``, from SymPy's eigenvalues."""
    X, Y = L.X, L.Y
    S = Y * X.T * (X * X.T).inv() * X * Y.T
    p = min(L.widths[1:-1])
    eigenvalues = sorted((v for v, m in S.eigenvals().items() for _ in range(m)), reverse=True)
    s = sympy.S.Half if L.scale == "half" else sympy.S.One
    return s * ((Y * Y.T).trace() - sum(eigenvalues[:p], sympy.S.Zero))


def has_negative_eigenvalue(H):
    return not H.is_positive_semidefinite
