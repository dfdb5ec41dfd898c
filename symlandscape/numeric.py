"""Numeric twins of exact landscapes, and the independent numeric confirmation of exact verdicts.

A *twin* evaluates the same loss in floating point, built from the one exact definition
(``landscape.expression``) by :func:`sympy.lambdify` — never from the exact engines, so that
agreement between the two is evidence, not a tautology:

- ``float64``: value and gradient/Hessian lambdified from symbolic derivatives of the
  expression (``relu`` → ``max(z, 0)``, ``leaky_relu`` → its two linear branches; the
  derivatives of ``Max``/``Min``/``Abs`` become ``Heaviside``/``sign``, and ``DiracDelta``
  is taken as 0, which is right everywhere off a kink);
- ``mpmath`` (50 digits by default): the value lambdified to mpmath, gradient and Hessian by
  central differences at twice the working precision with step ``h = 10^(-dps/2)``: the
  truncation error ``O(h^2)`` and the rounding error ``O(10^(-2 dps) / h^2)`` are both about
  ``10^-dps``, so the twin's derivatives are good to about ``dps`` digits off a kink.

A deep linear network's expression is a sum over every path through the network, so its
twins multiply matrices instead (``W_{H+1} ⋯ W_1 X``): NumPy for float64, with the
Hessian by complex-step differentiation of the closed-form gradient (exact to rounding,
because the gradient is a polynomial), and NumPy object arrays of mpmath numbers.

:func:`numeric_check` confirms (or contradicts) an exact :class:`~symlandscape.verdict.Verdict`
by sampling the loss around the point, float eigenvalue signs and descent; its tolerances
are explicit and justified where they are defined.  :func:`descend` and
:func:`multistart_descent` are small seeded optimisers used to *find* candidates that
exact code then certifies.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np
import sympy

from .activations import leaky_relu, relu, sigmoid
from .errors import InvalidArgument

__all__ = [
    "NumericTwin",
    "numeric_twin",
    "NumericConfirmation",
    "numeric_check",
    "DescentResult",
    "descend",
    "multistart_descent",
    "rational_point",
    "GRADIENT_TOLERANCE",
    "EIGENVALUE_TOLERANCE",
]

#: Relative size below which a float64 gradient counts as zero: a gradient assembled from
#: O(n) terms of size ~(1 + |L|) carries a rounding error of a few ulps of that scale;
#: 10^-8 is ~10^8 ulps, far above rounding yet far below the smallest non-zero gradient
#: of the exact small-denominator points the checks use.
GRADIENT_TOLERANCE = 1e-8
#: Relative size (of ``max(1, ||H||_F)``) below which a float64 Hessian eigenvalue counts as
#: zero: ``eigvalsh`` is backward stable, with eigenvalue errors ~ n·eps·||H||, ~10^-14 here.
EIGENVALUE_TOLERANCE = 1e-8
#: Sampled values are computed in mpmath at this many digits, so a sampled decrease of more
#: than 10^-(_SAMPLE_DPS - 10) relative is real, not rounding.
_SAMPLE_DPS = 30
#: Certificate curves are followed at this many digits, down to t = 10^-16.
_CURVE_DPS = 80
_EPS = float(np.finfo(float).eps)


# ---------------------------------------------------------------------------------------
# scalar function tables for lambdify


def _heaviside(z, *value_at_zero):
    # off a kink the value at 0 never matters; 1/2 is only a placeholder
    return 1.0 if z > 0 else (0.0 if z < 0 else 0.5)


def _sign(z):
    return 1.0 if z > 0 else (-1.0 if z < 0 else 0.0)


def _float_sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


_FLOAT_FUNCTIONS = {
    "sl_max": max,
    "sl_min": min,
    "sl_abs": abs,
    "sl_sigmoid": _float_sigmoid,
    "sl_heaviside": _heaviside,
    "sl_delta": lambda *args: 0.0,
    "sl_sign": _sign,
}


def _mp_heaviside(z, *value_at_zero):
    return mpmath.mpf(1) if z > 0 else (mpmath.mpf(0) if z < 0 else mpmath.mpf(1) / 2)


_MPMATH_FUNCTIONS = {
    "sl_max": lambda *args: max(args),
    "sl_min": lambda *args: min(args),
    "sl_abs": abs,
    "sl_sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "sl_heaviside": _mp_heaviside,
    "sl_delta": lambda *args: mpmath.mpf(0),
    "sl_sign": lambda z: mpmath.mpf(mpmath.sign(z)),
}

_RENAMES = {
    sympy.Max: "sl_max",
    sympy.Min: "sl_min",
    sympy.Abs: "sl_abs",
    sigmoid: "sl_sigmoid",
    sympy.Heaviside: "sl_heaviside",
    sympy.DiracDelta: "sl_delta",
    sympy.sign: "sl_sign",
}


def _smooth_form(expr):
    """``relu`` and ``leaky_relu`` as SymPy-differentiable functions (same values everywhere)."""
    def leaky(z, s):
        return sympy.Piecewise((z, z >= 0), (s * z, True))

    return expr.replace(relu, lambda z: sympy.Max(z, 0)).replace(leaky_relu, leaky)


_UNDEFINED = {func: sympy.Function(name) for func, name in _RENAMES.items()}


def _printable(expr, memo=None):
    """Rename the special functions so that lambdify calls our tables, whatever the printer.

    ``expr`` is an expression or a (nested) list of them.  The tree is rebuilt bottom-up with
    a memo, and a renamed node is never re-evaluated (``Max.__new__`` is costly on large
    arguments).
    """
    memo = {} if memo is None else memo
    if isinstance(expr, list):
        return [_printable(e, memo) for e in expr]
    if expr in memo:
        return memo[expr]
    if not expr.args:
        result = expr
    else:
        args = [_printable(a, memo) for a in expr.args]
        if expr.func in _UNDEFINED:
            result = _UNDEFINED[expr.func](*args)
        elif any(a is not b for a, b in zip(args, expr.args)):
            result = expr.func(*args)
        else:
            result = expr
    memo[expr] = result
    return result


def _lambdify(variables, expr, backend):
    modules = [_FLOAT_FUNCTIONS, "math"] if backend == "float64" else [_MPMATH_FUNCTIONS, "mpmath"]
    return sympy.lambdify(variables, _printable(expr), modules=modules, cse=True)


# ---------------------------------------------------------------------------------------
# twins


class NumericTwin:
    """A float64 or mpmath evaluation of a landscape: ``value(x)``, ``gradient(x)``, ``hessian(x)``.

    ``x`` is any sequence of numbers (floats, ints, mpf, SymPy Rationals).  float64 twins
    return floats and NumPy arrays; mpmath twins return ``mpf`` and ``mpmath.matrix``.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    >>> twin = numeric_twin(L)
    >>> twin.value([0.5, 1.0]), twin.gradient([1, 2]).tolist(), twin.hessian([0, 0]).tolist()
    (0.25, [4.0, 2.0], [[0.0, -2.0], [-2.0, 0.0]])
    >>> print(numeric_twin(L, "mpmath", dps=20).value(["1/3", 3]))
    0.0
    """

    def __init__(self, landscape, precision, dps):
        self.landscape = landscape
        self.precision = precision
        self.dps = dps
        self._n = len(landscape.variables)

    # conversion of inputs ------------------------------------------------------------
    def _floats(self, x):
        values = [_to_float(v) for v in x]
        if len(values) != self._n:
            raise InvalidArgument(f"x has {len(values)} entries; this landscape has {self._n} parameters")
        return values

    def _mpfs(self, x):
        values = [_to_mpf(v) for v in x]
        if len(values) != self._n:
            raise InvalidArgument(f"x has {len(values)} entries; this landscape has {self._n} parameters")
        return values

    # public API ------------------------------------------------------------------------
    def value(self, x):
        raise NotImplementedError

    def gradient(self, x):
        raise NotImplementedError

    def hessian(self, x):
        raise NotImplementedError

    def __repr__(self):
        digits = f", {self.dps} digits" if self.precision == "mpmath" else ""
        return f"<NumericTwin {self.precision}{digits} of {self.landscape!r}>"


class _ExpressionTwin(NumericTwin):
    """Twin lambdified from ``landscape.expression``."""

    def __init__(self, landscape, precision, dps):
        super().__init__(landscape, precision, dps)
        self._variables = tuple(landscape.variables)
        self._expr = _smooth_form(landscape.expression)
        self._f = _lambdify(self._variables, self._expr, precision)
        self._g = self._h = None

    def value(self, x):
        if self.precision == "float64":
            return _guarded(self._f, self._floats(x))
        with mpmath.workdps(self.dps):
            return +self._f(*self._mpfs(x))

    def gradient(self, x):
        if self.precision == "float64":
            if self._g is None:
                derivatives = [self._expr.diff(v) for v in self._variables]
                self._g = _lambdify(self._variables, derivatives, "float64")
            return np.asarray(_guarded(self._g, self._floats(x)), dtype=float).reshape(-1)
        return _central_gradient(self._f, self._mpfs(x), self.dps)

    def hessian(self, x):
        if self.precision == "float64":
            if self._h is None:
                n = len(self._variables)
                first = [self._expr.diff(v) for v in self._variables]
                second = [[first[i].diff(self._variables[j]) if i <= j else sympy.S.Zero for j in range(n)]
                          for i in range(n)]
                self._h = _lambdify(self._variables, second, "float64")
            upper = np.asarray(_guarded(self._h, self._floats(x)), dtype=float)
            return np.triu(upper) + np.triu(upper, 1).T
        return _central_hessian(self._f, self._mpfs(x), self.dps)


class _DeepLinearTwin(NumericTwin):
    """Matrix-product twin of a deep linear network (its expression is too large to lambdify)."""

    def __init__(self, landscape, precision, dps):
        super().__init__(landscape, precision, dps)
        self._shapes = landscape.shapes
        X = np.array(landscape.X.tolist(), dtype=object)
        Y = np.array(landscape.Y.tolist(), dtype=object)
        self._s = 0.5 if landscape.scale == "half" else 1.0
        if precision == "float64":
            self._X = X.astype(float)
            self._Y = Y.astype(float)
        else:
            self._Xq, self._Yq = X, Y

    def _split(self, values, dtype):
        mats, offset = [], 0
        for rows, cols in self._shapes:
            mats.append(np.array(values[offset:offset + rows * cols], dtype=dtype).reshape(rows, cols))
            offset += rows * cols
        return mats

    def _residual(self, W, X, Y):
        P = X
        for M in W:
            P = M @ P
        return P - Y

    def _float_gradient(self, W):
        C = [self._X]
        for M in W:
            C.append(M @ C[-1])
        R = C[-1] - self._Y
        grads, A = [], None
        for k in range(len(W) - 1, -1, -1):
            A_k = np.eye(W[-1].shape[0], dtype=R.dtype) if A is None else A
            grads.append((A_k.T @ R @ C[k].T).reshape(-1))
            A = A_k @ W[k]
        return 2 * self._s * np.concatenate(grads[::-1])

    def _mp_value(self, x):
        W = self._split(x, object)
        X = np.vectorize(_to_mpf, otypes=[object])(self._Xq)
        Y = np.vectorize(_to_mpf, otypes=[object])(self._Yq)
        R = self._residual(W, X, Y)
        return self._s * mpmath.fsum(r * r for r in R.reshape(-1))

    def value(self, x):
        if self.precision == "float64":
            R = self._residual(self._split(self._floats(x), float), self._X, self._Y)
            return float(self._s * np.sum(R * R))
        with mpmath.workdps(self.dps):
            return +self._mp_value(self._mpfs(x))

    def gradient(self, x):
        if self.precision == "float64":
            return self._float_gradient(self._split(self._floats(x), float))
        return _central_gradient(lambda *v: self._mp_value(list(v)), self._mpfs(x), self.dps)

    def hessian(self, x):
        if self.precision == "float64":
            # complex step: Im grad(x + i h e_j) / h = H e_j + O(h^2), with no cancellation
            base = np.array(self._floats(x), dtype=complex)
            h = 1e-20
            columns = []
            for j in range(self._n):
                shifted = base.copy()
                shifted[j] += 1j * h
                columns.append(self._float_gradient(self._split(list(shifted), complex)).imag / h)
            H = np.array(columns).T
            return (H + H.T) / 2
        return _central_hessian(lambda *v: self._mp_value(list(v)), self._mpfs(x), self.dps)


_TWINS = weakref.WeakKeyDictionary()


def numeric_twin(landscape, precision="float64", *, dps=50):
    """The ``float64`` or ``mpmath`` (``dps`` digits) twin of ``landscape`` (cached per landscape).

    >>> from symlandscape import deep_linear
    >>> twin = numeric_twin(deep_linear([[1]], [[1]], hidden=[1, 1]))
    >>> twin.value([1, 1, 1]), twin.hessian([0, 0, 0]).tolist()
    (0.0, [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    """
    from .deep_linear import DeepLinearLandscape
    from .landscape import Landscape

    if not isinstance(landscape, Landscape):
        raise InvalidArgument(f"landscape={landscape!r} is not a Landscape; build one with mlp(), deep_linear(), ...")
    if precision not in ("float64", "mpmath"):
        raise InvalidArgument(f"precision={precision!r} must be 'float64' or 'mpmath'")
    if isinstance(dps, bool) or not isinstance(dps, int) or not 10 <= dps <= 1000:
        raise InvalidArgument(f"dps={dps!r} must be an integer from 10 to 1000")
    key = (precision, dps if precision == "mpmath" else None)
    cache = _TWINS.setdefault(landscape, {})
    if key not in cache:
        kind = _DeepLinearTwin if isinstance(landscape, DeepLinearLandscape) else _ExpressionTwin
        cache[key] = kind(landscape, precision, dps)
    return cache[key]


def _to_float(v):
    if isinstance(v, float):
        return v
    if isinstance(v, sympy.Basic):
        return float(v)
    if hasattr(v, "p") and hasattr(v, "q") and not isinstance(v, (int, Fraction)):  # flint fmpq
        return int(v.p) / int(v.q)
    if isinstance(v, str):
        return float(Fraction(v))
    return float(v)


def _to_mpf(v):
    if isinstance(v, mpmath.mpf):
        return v
    if isinstance(v, (int, np.integer)):
        return mpmath.mpf(int(v))
    if isinstance(v, (float, np.floating)):
        return mpmath.mpf(float(v))
    if isinstance(v, str):
        v = Fraction(v)
    if isinstance(v, sympy.Basic) and not v.is_Rational:
        return mpmath.mpf(sympy.N(v, mpmath.mp.dps + 10))
    p, q = (v.numerator, v.denominator) if isinstance(v, Fraction) else (int(v.p), int(v.q))
    return mpmath.mpf(p) / q


def _guarded(f, args):
    """Call a math-module function; an overflow means the true value is huge: say inf."""
    try:
        return f(*args)
    except OverflowError:
        return math.inf


def _central_gradient(f, x, dps):
    with mpmath.workdps(2 * dps):
        h = mpmath.mpf(10) ** (-(dps // 2))
        out = []
        for i in range(len(x)):
            plus, minus = list(x), list(x)
            plus[i] += h
            minus[i] -= h
            out.append((f(*plus) - f(*minus)) / (2 * h))
    with mpmath.workdps(dps):
        return mpmath.matrix([+g for g in out])


def _central_hessian(f, x, dps):
    n = len(x)
    with mpmath.workdps(2 * dps):
        h = mpmath.mpf(10) ** (-(dps // 2))
        cache = {}

        def at(i, si, j, sj):
            key = (i, si, j, sj) if (i, si) <= (j, sj) else (j, sj, i, si)
            if key not in cache:
                y = list(x)
                y[i] += si * h
                y[j] += sj * h
                cache[key] = f(*y)
            return cache[key]

        H = [[None] * n for _ in range(n)]
        for i in range(n):
            for j in range(i, n):
                H[i][j] = H[j][i] = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h * h)
    with mpmath.workdps(dps):
        return mpmath.matrix([[+e for e in row] for row in H])


# ---------------------------------------------------------------------------------------
# seeded optimisers (they only *find* candidates; exact code certifies them)


@dataclass(frozen=True)
class DescentResult:
    """End of a descent run: the point, its float value and gradient norm, and the steps used."""

    point: tuple
    value: float
    gradient_norm: float
    steps: int
    converged: bool


def descend(value, gradient, x0, *, steps=2000, tolerance=1e-10, step_size=0.1):
    """Gradient descent with Armijo backtracking from ``x0`` (callables on NumPy vectors).

    Stops when the gradient norm is at most ``tolerance`` (``converged=True``) or after
    ``steps`` iterations.

    >>> r = descend(lambda x: float((x[0] - 1) ** 2), lambda x: np.array([2 * (x[0] - 1)]), [0.0])
    >>> round(r.point[0], 8), r.converged
    (1.0, True)
    """
    x = np.array(x0, dtype=float)
    fx, g = value(x), np.asarray(gradient(x), dtype=float)
    t = step_size
    for k in range(steps):
        norm = float(np.linalg.norm(g))
        if not math.isfinite(norm) or norm <= tolerance:
            return DescentResult(tuple(x.tolist()), float(fx), norm, k, math.isfinite(norm))
        while True:
            candidate = x - t * g
            fc = value(candidate)
            predicted = 0.5 * t * norm * norm
            gc = None
            if predicted > 64 * _EPS * (1.0 + abs(fx)):
                accept = fc <= fx - predicted  # Armijo
            else:
                # the promised decrease is below the rounding of L: judge the step by the gradient
                gc = np.asarray(gradient(candidate), dtype=float)
                accept = bool(np.linalg.norm(gc) < norm)
            if accept or t < 1e-16:
                break
            t *= 0.5
        if gc is None:
            gc = np.asarray(gradient(candidate), dtype=float)
        x, fx, g = candidate, fc, gc
        t = min(t * 2.0, 1e3)
    norm = float(np.linalg.norm(g))
    return DescentResult(tuple(x.tolist()), float(fx), norm, steps, norm <= tolerance)


def multistart_descent(landscape, *, starts=8, seed=0, scale=1.0, steps=2000, tolerance=1e-10):
    """Seeded multi-start descent on the float64 twin; starts are ``N(0, scale²)`` per coordinate.

    Returns the :class:`DescentResult` of every run, best value first.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    >>> best = multistart_descent(L, starts=3, seed=1)[0]
    >>> best.converged, abs(best.value) < 1e-12
    (True, True)
    """
    twin = numeric_twin(landscape)
    rng = np.random.default_rng(seed)
    n = len(landscape.variables)
    runs = [descend(twin.value, twin.gradient, rng.normal(0.0, scale, n), steps=steps, tolerance=tolerance)
            for _ in range(starts)]
    return sorted(runs, key=lambda r: r.value)


def rational_point(x, max_denominator=10**6):
    """Round a float point to nearby rationals (``sympy.Rational``) with bounded denominators.

    >>> rational_point([0.5, -0.3333333333])
    (1/2, -1/3)
    """
    return tuple(sympy.Rational(Fraction(float(v)).limit_denominator(max_denominator)) for v in x)


# ---------------------------------------------------------------------------------------
# confirmation of exact verdicts


@dataclass(frozen=True)
class NumericConfirmation:
    """Whether float/mpmath evidence agrees with an exact verdict, and why.

    ``evidence`` lists the observations (one line each) and ``tolerances`` the thresholds
    used, so that a disagreement can be judged by a reader.
    """

    kind: str
    agrees: bool
    evidence: tuple
    tolerances: dict = field(default_factory=dict)
    seed: int = 0

    def __bool__(self):
        return self.agrees

    def summary(self):
        state = "agrees with" if self.agrees else "DISAGREES with"
        return f"numeric evidence {state} the exact verdict {self.kind!r}: " + "; ".join(self.evidence)


_MIN_KINDS = ("strict_local_min", "local_min")
_MAX_KINDS = ("strict_local_max", "local_max")
_SADDLE_KINDS = ("strict_saddle", "degenerate_saddle")
_KNOWN = ("not_critical", *_MIN_KINDS, *_MAX_KINDS, *_SADDLE_KINDS, "undetermined")


def numeric_check(verdict, landscape, point, *, seed=0, samples=64, radii=(1e-2, 1e-3, 1e-4)):
    """Confirm an exact verdict numerically: gradient, float Hessian eigenvalue signs, sampling.

    ``verdict`` is a :class:`~symlandscape.verdict.Verdict` (or anything with ``.kind``,
    or a kind string).  Sampling draws ``samples`` seeded directions at each radius
    ``r·(1 + |point|)`` and evaluates the loss with the 30-digit mpmath twin; a sampled
    value counts as lower (higher) when it differs by more than ``10^-20 (1 + |L|)``, far
    above that twin's rounding.  Eigenvalues count as zero within
    ``EIGENVALUE_TOLERANCE · max(1, ||H||_F)``.  Where the point sits on a kink no Hessian
    exists, and only the sampling evidence is used.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    >>> numeric_check("strict_saddle", L, [0, 0]).agrees, numeric_check("strict_local_min", L, [0, 0]).agrees
    (True, False)
    """
    kind = getattr(verdict, "kind", verdict)
    if kind not in _KNOWN:
        raise InvalidArgument(f"verdict kind {kind!r} is not one of {list(_KNOWN)}")
    pt = landscape.coerce_point(point)
    x0 = np.array([int(q.p) / int(q.q) for q in pt])
    twin = numeric_twin(landscape)
    fine = numeric_twin(landscape, "mpmath", dps=_SAMPLE_DPS)
    smooth = not landscape.kinks(pt)
    evidence = []
    tolerances = {
        "gradient (relative to 1 + |L|)": GRADIENT_TOLERANCE,
        "eigenvalue (relative to max(1, ||H||_F))": EIGENVALUE_TOLERANCE,
        "sampled value change (relative to 1 + |L|)": 1e-20,
        "radii (relative to 1 + |point|)": tuple(radii),
    }

    with mpmath.workdps(_SAMPLE_DPS):
        exact_pt = [mpmath.mpf(int(q.p)) / int(q.q) for q in pt]
        f0 = fine.value(exact_pt)
        value_tol = mpmath.mpf(10) ** -20 * (1 + abs(f0))
        lower, higher = _sample(fine, exact_pt, f0, value_tol, seed, samples, radii, np.linalg.norm(x0))
    evidence.append(f"L = {mpmath.nstr(f0, 12)}; sampled {samples} directions at {len(radii)} radii: "
                    f"{'found' if lower else 'no'} lower and {'found' if higher else 'no'} higher values")

    gradient_small = hessian_signs = None
    if smooth:
        g = twin.gradient(x0)
        scale = 1.0 + abs(float(f0))
        gnorm = float(np.linalg.norm(g))
        gradient_small = gnorm <= GRADIENT_TOLERANCE * scale
        evidence.append(f"float64 gradient norm {gnorm:.3g} ({'zero' if gradient_small else 'non-zero'} "
                        f"at tolerance {GRADIENT_TOLERANCE:g}·{scale:.3g})")
        if kind != "not_critical":
            H = twin.hessian(x0)
            if np.all(np.isfinite(H)):
                eig = np.linalg.eigvalsh(H)
                eig_tol = EIGENVALUE_TOLERANCE * max(1.0, float(np.linalg.norm(H)))
                hessian_signs = (int(np.sum(eig > eig_tol)), int(np.sum(eig < -eig_tol)),
                                 int(np.sum(np.abs(eig) <= eig_tol)))
                evidence.append("float64 Hessian eigenvalues: {} positive, {} negative, {} zero (min {:.3g}, max {:.3g})"
                                .format(*hessian_signs, float(eig[0]), float(eig[-1])))
                if hessian_signs[1] and not lower:
                    # follow the most negative eigenvector: a strict saddle must descend along it
                    v = np.linalg.eigh(H)[1][:, 0]
                    lower = _descends_along(fine, exact_pt, f0, value_tol, v, radii, np.linalg.norm(x0))
                    evidence.append(f"along the most negative eigenvector: {'lower' if lower else 'no lower'} values")
    else:
        evidence.append("the point is on a kink: no Hessian exists; sampling is the evidence")

    # A degenerate saddle may descend only inside a thin cusp that random directions miss; the
    # certificate's own curves are then followed numerically (an independent evaluation of the
    # loss along them, not a re-reading of their exact Taylor coefficients).
    curves = _certificate_curves(verdict)
    if curves:
        # a thin cusp may need t ~ 1e-12 before the leading term wins: evaluate at 80 digits
        precise = numeric_twin(landscape, "mpmath", dps=_CURVE_DPS)
        tolerances["curve value change (relative to 1 + |L|)"] = f"1e-{_CURVE_DPS - 10}"
    for role, curve in curves.items():
        with mpmath.workdps(_CURVE_DPS):
            base = [mpmath.mpf(int(q.p)) / int(q.q) for q in pt]
            f0_precise = precise.value(base)
            tol = mpmath.mpf(10) ** (10 - _CURVE_DPS) * (1 + abs(f0_precise))
            moved = _moves_along(precise, base, f0_precise, tol, curve, -1 if role == "descent" else 1)
            evidence.append(f"along the certificate's {role} curve: {'confirmed' if moved else 'NOT confirmed'}")
            if role == "descent":
                lower = lower or moved
            else:
                higher = higher or moved

    agrees = _judge(kind, lower, higher, gradient_small, hessian_signs)
    return NumericConfirmation(kind, agrees, tuple(evidence), tolerances, seed)


def _judge(kind, lower, higher, gradient_small, signs):
    if kind == "undetermined":
        return True  # nothing exact to contradict
    if kind == "not_critical":
        # first-order change: a non-zero gradient, or (at a kink) a sampled lower value
        return (gradient_small is False) if gradient_small is not None else lower
    if gradient_small is False:
        return False
    if kind in _MIN_KINDS:
        return not lower and (signs is None or signs[1] == 0) and (kind != "strict_local_min" or higher)
    if kind in _MAX_KINDS:
        return not higher and (signs is None or signs[0] == 0) and (kind != "strict_local_max" or lower)
    if kind == "strict_saddle":
        return lower and higher and (signs is None or signs[1] > 0)
    # degenerate saddle: the Hessian shows no negative (or no positive) curvature, yet the
    # loss goes both ways
    return lower and higher and (signs is None or signs[2] > 0)


def _directions(rng, n, samples):
    d = rng.normal(size=(samples, n))
    # also the coordinate axes and the diagonal: cheap, and often where the structure is
    axes = np.vstack([np.eye(n), -np.eye(n), np.ones((1, n)), -np.ones((1, n))])
    d = np.vstack([axes, d])
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def _sample(fine, x, f0, tol, seed, samples, radii, size):
    rng = np.random.default_rng(seed)
    lower = higher = False
    for r in radii:
        step = r * (1 + size)
        for u in _directions(rng, len(x), samples):
            y = [xi + mpmath.mpf(float(step * ui)) for xi, ui in zip(x, u)]
            fy = fine.value(y)
            lower = lower or fy < f0 - tol
            higher = higher or fy > f0 + tol
            if lower and higher:
                return True, True
    return lower, higher


def _certificate_curves(verdict):
    """``{"descent": [[...], ...], "ascent": ...}``: the curves stated in a verdict's certificate."""
    evidence = (getattr(verdict, "certificate", None) or {}).get("evidence", {})
    curves = {}
    for role in ("descent", "ascent"):
        data = evidence.get(role)
        if isinstance(data, dict) and data.get("type") == "curve":
            curves[role] = [[Fraction(x) for x in d] for d in data["curve"]]  # exact until evaluated
    return curves


def _moves_along(fine, x, f0, tol, curve, sign):
    """Does ``L(x + Σ t^k d_k)`` move below (sign -1) or above (+1) ``f0`` for some small ``t``?"""
    curve = [[_to_mpf(v) for v in d] for d in curve]  # at the caller's working precision
    size = max((abs(v) for d in curve for v in d), default=mpmath.mpf(1)) + 1
    for exponent in range(1, 17):
        t = mpmath.mpf(10) ** -exponent / size
        y = [xi + sum(t ** (k + 1) * d[i] for k, d in enumerate(curve)) for i, xi in enumerate(x)]
        fy = fine.value(y)
        if (fy < f0 - tol) if sign < 0 else (fy > f0 + tol):
            return True
    return False


def _descends_along(fine, x, f0, tol, v, radii, size):
    for r in radii:
        for sign in (1, -1):
            y = [xi + mpmath.mpf(float(sign * r * (1 + size) * vi)) for xi, vi in zip(x, v)]
            if fine.value(y) < f0 - tol:
                return True
    return False
