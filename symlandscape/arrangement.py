"""The hyperplane arrangement of a ReLU-type loss: its faces, and every Clarke-critical point on them.

A loss built from polynomials and *hinge units* — ``relu(g)``, ``leaky_relu(g, s)``, ``abs(g)``,
``max(g1, g2)``, ``min(g1, g2)`` — whose arguments are **affine** in the parameters is a
polynomial on each closed activation region.  Each unit has one hyperplane ``h = 0`` (``h = g``,
or ``g1 − g2`` for ``max``/``min``) and two branches: ``plus`` where ``h ≥ 0``, ``minus`` where
``h ≤ 0``.  A *face* of the arrangement is a sign vector ``s ∈ {+1, 0, −1}^K`` whose set
``F_s = {θ : sign h_k(θ) = s_k for every k}`` is nonempty; the faces partition the parameter
space, so a point is found on exactly one face and nothing needs deduplicating.  The
full-dimensional faces (no zero sign) are the open activation regions.

Faces are enumerated by a search over the units that cuts every prefix whose set is empty; each
test is an exact linear program (:func:`maximize`, the simplex method over ``fmpq`` with Bland's
rule, R. G. Bland, "New finite pivoting rules for the simplex method", Math. Oper. Res. 2, 1977).

On a face with zero set ``E`` every point lies on the affine space ``A_E = {h_k = 0, k ∈ E}``;
the pieces adjacent there (the sign choices ``τ`` on ``E`` whose open cone
``{d : τ_k ∇h_k·d > 0}`` is nonempty) agree on ``A_E``.  A point is *Clarke-critical* when 0
is a convex combination of the adjacent pieces' gradients (for piecewise-smooth functions this
hull is Clarke's generalized gradient: S. Scholtes, "Introduction to Piecewise Differentiable
Equations", 2012, Proposition 4.3.1).  Projecting onto ``A_E`` shows such a point is a critical
point of the loss restricted to ``A_E``; so each face is solved in two steps: the critical points
of the restriction (exactly: a linear system when it is quadratic, the polynomial engine of
:mod:`symlandscape.critical` otherwise), kept if they lie in the face, then the convex-hull
condition, decided exactly by :func:`symlandscape.convex.min_norm_point` at a rational point,
and at an irrational point on a single kink by the exact signs of the two pieces' slopes across
it.  The restricted critical set may be positive-dimensional: for a quadratic restriction it is
an affine set, met with the face by one more linear program and of constant value (a
*component*); otherwise it is reported as not decided, with (up to 4 free variables and degree 4)
the eliminating polynomial whose real roots contain its critical values — a polynomial has
finitely many critical values — so that every critical value still has a proven lower bound.

>>> from symlandscape import Landscape
>>> L = Landscape.from_expression("relu(x)^2 - x", "x")
>>> [(f.signs, [str(q) for q in f.point]) for f in faces(hinges(L), 1)]
[((1,), ['1']), ((-1,), ['-1']), ((0,), ['0'])]
"""

from __future__ import annotations

import dataclasses

import flint
import sympy

from . import budget
from .activations import leaky_relu, relu
from .budget import BudgetExceeded
from .errors import EvaluationError, InvalidArgument

__all__ = ["maximize", "strictly_feasible", "HINGES", "Hinge", "hinges", "Face", "faces", "adjacent_signs",
           "signs_text", "piecewise_critical", "FaceResult"]

_ZERO = flint.fmpq(0)
_ONE = flint.fmpq(1)


# -- exact linear programming ------------------------------------------------------------------

def maximize(c, A, b):
    """``max c·x`` subject to ``A x ≤ b`` and ``x ≥ 0``, exactly: ``(status, value, x)``.

    ``status`` is ``"optimal"``, ``"infeasible"`` or ``"unbounded"`` (``value`` and ``x`` are then
    None).  Two-phase simplex method over ``fmpq``; Bland's rule makes it finite.

    >>> q = flint.fmpq
    >>> status, value, x = maximize([q(1), q(1)], [[q(1), q(2)], [q(3), q(1)]], [q(4), q(6)])
    >>> status, str(value), [str(v) for v in x]
    ('optimal', '14/5', ['8/5', '6/5'])
    >>> maximize([q(1)], [[q(-1)]], [q(-1)])[0], maximize([q(1)], [[q(1)]], [q(-1)])[0]
    ('unbounded', 'infeasible')
    """
    m, n = len(A), len(c)
    c = [flint.fmpq(v) for v in c]
    tableau = [[flint.fmpq(v) for v in row] for row in A]
    rhs = [flint.fmpq(v) for v in b]
    # variables 0..n-1 are x, n..n+m-1 the slacks; x_B[i] = rhs[i] - Σ_j T[i][j] x_N[j]
    state = _Dictionary(list(range(n)), list(range(n, n + m)), tableau, rhs, [_ZERO] * n, _ZERO)
    if m and min(rhs) < 0:
        # phase 1: an artificial variable x0 (id -1) added to every row, then maximise -x0
        for row in state.T:
            row.append(-_ONE)
        state.N.append(-1)
        state.c = [_ZERO] * n + [-_ONE]
        state.pivot(min(range(m), key=lambda i: (state.b[i], state.B[i])), n)
        if state.run() != "optimal" or state.v < 0:
            return "infeasible", None, None
        if -1 in state.B:  # degenerate: x0 is basic at 0; pivot it out on any nonzero entry
            r = state.B.index(-1)
            s = next((j for j, a in enumerate(state.T[r]) if a != 0), None)
            if s is None:
                raise EvaluationError("the simplex method met a zero row in phase 1")
            state.pivot(r, s)
        s = state.N.index(-1)
        for row in state.T:
            del row[s]
        del state.N[s]
        # the original objective in terms of the current nonbasic variables
        state.c, state.v = [_ZERO] * len(state.N), _ZERO
        for k in range(n):
            if k in state.N:
                state.c[state.N.index(k)] += c[k]
            else:
                i = state.B.index(k)
                state.v += c[k] * state.b[i]
                for j in range(len(state.N)):
                    state.c[j] -= c[k] * state.T[i][j]
    else:
        state.c = list(c)
    if state.run() == "unbounded":
        return "unbounded", None, None
    x = [_ZERO] * n
    for i, k in enumerate(state.B):
        if 0 <= k < n:
            x[k] = state.b[i]
    return "optimal", state.v, x


@dataclasses.dataclass
class _Dictionary:
    """A simplex dictionary: ``x_B = b − T x_N``, objective ``v + c·x_N`` (variables by id)."""

    N: list
    B: list
    T: list
    b: list
    c: list
    v: object

    def pivot(self, r, s):
        T, b, c = self.T, self.b, self.c
        row, piv = T[r], T[r][s]
        b[r] /= piv
        for j in range(len(row)):
            row[j] = (_ONE / piv) if j == s else row[j] / piv
        for i, other in enumerate(T):
            if i == r or other[s] == 0:
                continue
            f = other[s]
            b[i] -= f * b[r]
            for j in range(len(other)):
                other[j] = -f * row[s] if j == s else other[j] - f * row[j]
        f = c[s]
        if f != 0:
            self.v += f * b[r]
            for j in range(len(c)):
                c[j] = -f * row[s] if j == s else c[j] - f * row[j]
        self.B[r], self.N[s] = self.N[s], self.B[r]

    def run(self):
        while True:
            entering = [j for j, cj in enumerate(self.c) if cj > 0]
            if not entering:
                return "optimal"
            s = min(entering, key=lambda j: self.N[j])  # Bland: the smallest variable id
            rows = [i for i in range(len(self.B)) if self.T[i][s] > 0]
            if not rows:
                return "unbounded"
            r = min(rows, key=lambda i: (self.b[i] / self.T[i][s], self.B[i]))
            self.pivot(r, s)


def strictly_feasible(n, equal=(), strict=(), weak=()):
    """A rational point of ``{h = 0 (equal), h > 0 (strict), h ≥ 0 (weak)}`` in ``ℚ^n``, or None.

    Each affine function is ``(a, a0)`` with ``h(θ) = a·θ + a0``.  The equalities are solved
    exactly, then one linear program maximises a slack ``t ≤ 1`` with ``h ≥ t`` on the strict
    rows: the set is nonempty iff the optimum is positive.

    >>> q = flint.fmpq
    >>> [str(v) for v in strictly_feasible(2, equal=[((q(1), q(1)), q(-1))], strict=[((q(1), q(-1)), q(0))])]
    ['1', '0']
    >>> strictly_feasible(1, strict=[((q(1),), q(0)), ((q(-1),), q(0))]) is None
    True
    """
    from .exact import solve_linear

    if equal:
        A = flint.fmpq_mat(len(equal), n, [x for a, _ in equal for x in a])
        solved = solve_linear(A, [-a0 for _, a0 in equal])
        if solved is None:
            return None
        base, null = solved
    else:
        base, null = [_ZERO] * n, [[_ONE if i == j else _ZERO for i in range(n)] for j in range(n)]
    d = len(null)

    def restricted(a, a0):  # h(base + Σ y_j null_j) = constant + Σ coefficient_j y_j
        return [_dot(a, v) for v in null], _dot(a, base) + a0

    rows, rhs = [], []
    for (a, a0), is_strict in [(h, True) for h in strict] + [(h, False) for h in weak]:
        coefficients, constant = restricted(a, a0)
        # -h ≤ -t becomes  -coef·(y+ - y-) + t ≤ constant
        rows.append([-x for x in coefficients] + coefficients + [_ONE if is_strict else _ZERO])
        rhs.append(constant)
    rows.append([_ZERO] * (2 * d) + [_ONE])
    rhs.append(_ONE)
    objective = [_ZERO] * (2 * d) + [_ONE if strict else _ZERO]
    status, value, x = maximize(objective, rows, rhs)
    if status != "optimal" or (strict and not value > 0):
        return None
    y = [x[j] - x[d + j] for j in range(d)]
    return tuple(base[i] + sum((y[j] * null[j][i] for j in range(d)), _ZERO) for i in range(n))


def _dot(a, b):
    total = _ZERO
    for x, y in zip(a, b):
        total += x * y
    return total


# -- hinge units -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Hinge:
    """A unit with one hyperplane ``h = 0``: it equals ``plus`` where ``h ≥ 0`` and ``minus`` where ``h ≤ 0``.

    ``normal`` and ``offset`` (``fmpq``) give ``h(θ) = normal·θ + offset``.
    """

    unit: sympy.Expr
    normal: tuple
    offset: object
    plus: sympy.Expr
    minus: sympy.Expr

    def at(self, point):
        return _dot(self.normal, point) + self.offset

    @property
    def affine(self):
        return self.normal, self.offset


def _relu_hinge(z):
    return z, z, sympy.S.Zero


def _leaky_relu_hinge(z, slope):
    return z, z, slope * z


def _abs_hinge(z):
    return z, z, -z


def _max_hinge(*args):
    return (args[0] - args[1], args[0], args[1]) if len(args) == 2 else None


def _min_hinge(*args):
    return (args[0] - args[1], args[1], args[0]) if len(args) == 2 else None


#: Hinge unit -> ``(h, plus, minus)`` from its arguments (None: not one hyperplane).
HINGES = {relu: _relu_hinge, leaky_relu: _leaky_relu_hinge, sympy.Abs: _abs_hinge, sympy.Max: _max_hinge,
          sympy.Min: _min_hinge}


def hinges(landscape):
    """The hinge units of a piecewise landscape, each with its hyperplane; unsupported forms are refused.

    >>> from symlandscape import Landscape
    >>> [(str(h.unit), [str(a) for a in h.normal], str(h.offset)) for h in hinges(Landscape.from_expression(
    ...     "relu(2*x - y + 1)^2", "x,y"))]
    [('relu(2*x - y + 1)', ['2', '-1'], '1')]
    """
    from .polynomial import NotPolynomial, polynomial_context, to_mpoly

    variables = tuple(landscape.variables)
    ctx = polynomial_context([str(v) for v in variables])
    index = {v: i for i, v in enumerate(variables)}
    classes = tuple(HINGES)
    out = []
    for unit in sorted(landscape.expression.atoms(*classes), key=sympy.default_sort_key):
        if any(a.has(*classes) for a in unit.args):
            raise InvalidArgument(f"{unit} is a nonsmooth unit inside another one; critical_points supports "
                                  "relu, leaky_relu, abs, max and min of affine functions of the parameters only")
        parts = HINGES[unit.func](*unit.args)
        if parts is None:
            raise InvalidArgument(f"{unit} has more than two arguments; critical_points supports max and min of "
                                  "two affine functions only")
        h, plus, minus = parts
        try:
            poly = to_mpoly(sympy.expand(h), ctx, index)
        except NotPolynomial:
            poly = None
        if poly is None or poly.total_degree() > 1:
            raise InvalidArgument(f"the argument of {unit} is not affine in the parameters; critical_points "
                                  "supports hinge units of affine functions only (not supported: polynomial or "
                                  "nonsmooth pre-activations)")
        terms = {tuple(k): flint.fmpq(c) for k, c in poly.to_dict().items()}
        normal = tuple(terms.get(tuple(1 if j == i else 0 for j in range(len(variables))), _ZERO)
                       for i in range(len(variables)))
        if all(a == 0 for a in normal):
            raise InvalidArgument(f"the argument of {unit} does not depend on the parameters; write it as a number")
        out.append(Hinge(unit, normal, terms.get((0,) * len(variables), _ZERO), plus, minus))
    return tuple(out)


# -- the faces of the arrangement --------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Face:
    """A face: one sign (+1, 0, −1) per hinge, and a rational point of its relative interior."""

    signs: tuple
    point: tuple

    @property
    def zeros(self):
        return tuple(k for k, s in enumerate(self.signs) if s == 0)

    @property
    def is_region(self):
        return 0 not in self.signs


def _box_rows(n, box):
    if box is None:
        return []
    lo, hi = (flint.fmpq(int(sympy.Rational(v).p), int(sympy.Rational(v).q)) for v in box)
    rows = []
    for i in range(n):
        e = tuple(_ONE if j == i else _ZERO for j in range(n))
        rows.append((e, -lo))
        rows.append((tuple(-x for x in e), hi))
    return rows


def _system(units, signs):
    equal, strict = [], []
    for h, s in zip(units, signs):
        if s == 0:
            equal.append(h.affine)
        else:
            strict.append((tuple(s * a for a in h.normal), s * h.offset))
    return equal, strict


def faces(units, n, box=None):
    """Every face of the arrangement of ``units`` (in ``ℚ^n``) that meets ``box`` (``(lo, hi)`` per
    coordinate) or all of space; a search over the units that cuts empty prefixes."""
    weak = _box_rows(n, box)
    found = []

    def walk(prefix):
        if len(prefix) == len(units):
            equal, strict = _system(units, prefix)
            found.append(Face(tuple(prefix), strictly_feasible(n, equal, strict, weak)))
            return
        for s in (1, -1, 0):
            candidate = prefix + [s]
            equal, strict = _system(units[:len(candidate)], candidate)
            if strictly_feasible(n, equal, strict, weak) is not None:
                walk(candidate)

    if strictly_feasible(n, (), (), weak) is not None:
        walk([])
    # regions first, then by dimension of the face
    return sorted(found, key=lambda f: (sum(1 for s in f.signs if s == 0), [-s for s in f.signs]))


def adjacent_signs(units, face):
    """The sign choices on the face's zero set whose open cone ``{d : τ_k ∇h_k·d > 0}`` is nonempty:
    the pieces adjacent at every point of the face."""
    zeros = face.zeros
    n = len(face.point)
    out = []

    def walk(prefix):
        if len(prefix) == len(zeros):
            out.append(tuple(prefix))
            return
        for s in (1, -1):
            candidate = prefix + [s]
            strict = [(tuple(t * a for a in units[k].normal), _ZERO) for k, t in zip(zeros, candidate)]
            if strictly_feasible(n, (), strict) is not None:
                walk(candidate)

    walk([])
    signs = []
    for tau in out:
        full = list(face.signs)
        for k, t in zip(zeros, tau):
            full[k] = t
        signs.append(tuple(full))
    return signs


# -- the critical points ---------------------------------------------------------------------

class _Pieces:
    """The polynomial piece of each sign pattern (cached), as ``fmpq_mpoly``."""

    def __init__(self, landscape, units):
        from .polynomial import NotPolynomial, polynomial_context, to_mpoly

        self.variables = tuple(landscape.variables)
        self.ctx = polynomial_context([str(v) for v in self.variables])
        self._index = {v: i for i, v in enumerate(self.variables)}
        self._to_mpoly, self._not_polynomial = to_mpoly, NotPolynomial
        self.expression = landscape.expression
        self.units = units
        self._cache = {}

    def __call__(self, signs):
        if signs not in self._cache:
            replaced = self.expression.xreplace({h.unit: (h.plus if s > 0 else h.minus)
                                                 for h, s in zip(self.units, signs)})
            try:
                self._cache[signs] = self._to_mpoly(replaced, self.ctx, self._index)
            except self._not_polynomial:
                raise InvalidArgument("critical_points needs a loss that is a polynomial on each activation region; "
                                      "this one has exp, log, tanh, sigmoid, a division or a real power") from None
        return self._cache[signs]


def _gradient_at(poly, point):
    values = [flint.fmpq(v) for v in point]
    return [poly.derivative(i)(*values) if poly.total_degree() > 0 else _ZERO for i in range(len(values))]


def _restrict(poly, base, directions, ctx_z):
    """``poly(base + Σ z_j directions_j)`` in the variables of ``ctx_z``."""
    zs = ctx_z.gens()
    args = []
    for i in range(len(base)):
        entry = ctx_z.from_dict({}) + base[i]
        for j, d in enumerate(directions):
            if d[i] != 0:
                entry += d[i] * zs[j]
        args.append(entry)
    return poly.compose(*args, ctx=ctx_z)


def _affine_param(units, face, n):
    """``(base, directions)`` with ``A_E = {base + Σ z_j directions_j}``; ``base`` is the face's point."""
    from .exact import solve_linear

    zeros = face.zeros
    if not zeros:
        return tuple([_ZERO] * n), [tuple(_ONE if i == j else _ZERO for i in range(n)) for j in range(n)]
    A = flint.fmpq_mat(len(zeros), n, [a for k in zeros for a in units[k].normal])
    _, null = solve_linear(A, [_ZERO] * len(zeros))
    return face.point, [tuple(v) for v in null]


def signs_text(signs):
    """A sign vector as text: ``+`` plus branch, ``-`` minus branch, ``0`` on the kink."""
    return "".join("+" if s > 0 else "-" if s < 0 else "0" for s in signs)


def _clarke(patterns, gradients):
    """``(True, {pattern: weight})`` when 0 is a convex combination of the pieces' ``gradients``
    (exact; the nonzero weights), else ``(False, None)``."""
    from .convex import min_norm_point

    weights, nearest = min_norm_point([list(g) for g in gradients])
    if any(x != 0 for x in nearest):
        return False, None
    return True, {signs_text(p): w for p, w in zip(patterns, weights) if w != 0}


def _face_label(units, face):
    parts = []
    for h, s in zip(units, face.signs):
        parts.append(f"{h.unit} " + ("active" if s > 0 else "on its kink" if s == 0 else "inactive")
                     if h.unit.func.__name__ == "relu" else
                     f"{h.unit}: h {'> 0' if s > 0 else '= 0' if s == 0 else '< 0'}")
    return "; ".join(parts)


def _in_face(units, face, point, box):
    for h, s in zip(units, face.signs):
        value = h.at(point)
        if (s == 0 and value != 0) or (s > 0 and not value > 0) or (s < 0 and not value < 0):
            return False
    if box is not None:
        lo, hi = (flint.fmpq(int(sympy.Rational(v).p), int(sympy.Rational(v).q)) for v in box)
        return all(lo <= x <= hi for x in point)
    return True


@dataclasses.dataclass
class FaceResult:
    """What one face contributed: points, described components, and what stayed open."""

    face: Face
    adjacent: int
    points: list = dataclasses.field(default_factory=list)
    components: list = dataclasses.field(default_factory=list)
    open_questions: list = dataclasses.field(default_factory=list)
    method: str = "linear"
    #: on a face left open only by a positive-dimensional set: a finite superset of its critical values
    candidate_values: list = dataclasses.field(default_factory=list)
    #: True when some open question leaves the face's critical values unknown
    values_unknown: bool = False


def piecewise_critical(landscape, *, box=None, method="auto", seed=0):
    """Every Clarke-critical point of a loss with hinge units of affine arguments, face by face.

    Returns ``(units, faces, results)``: one :class:`FaceResult` per face.  Each entry of
    ``points`` is ``(point, evidence)``: a rational point (``fmpq`` tuple) with the Clarke
    weights on a kink (None inside a region), or exact algebraic coordinates with the record
    (:class:`symlandscape.critical.CriticalPoint`) that classified them; ``components`` are dicts
    describing affine sets of critical points; ``open_questions`` say what was not decided.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("relu(x)^2 - x", "x")    # x = 1/2 (piece x^2 - x); -x has none
    >>> units, found, results = piecewise_critical(L)
    >>> [[str(q) for q in p] for r in results for p, _ in r.points]
    [['1/2']]
    """
    units = hinges(landscape)
    n = len(landscape.variables)
    pieces = _Pieces(landscape, units)
    found = faces(units, n, box)
    results = []
    budget.check("max_terms", len(found), "the arrangement of the loss's hinge units (faces)")
    for face in found:
        results.append(_solve_face(landscape, units, pieces, face, box, method, seed))
    return units, found, results


def _solve_face(landscape, units, pieces, face, box, method, seed):
    from .exact import solve_linear
    from .polynomial import polynomial_context

    n = len(landscape.variables)
    adjacent = adjacent_signs(units, face)
    result = FaceResult(face, len(adjacent))
    base, directions = _affine_param(units, face, n)
    d = len(directions)

    def theta(z):
        return tuple(base[i] + sum((z[j] * directions[j][i] for j in range(d)), _ZERO) for i in range(n))

    def clarke_at(point):
        if not face.zeros:
            return True, None
        return _clarke(adjacent, [_gradient_at(pieces(s), point) for s in adjacent])

    if d == 0:  # the face is one point
        ok, weights = clarke_at(face.point)
        if ok:
            result.points.append((face.point, weights))
        return result
    ctx_z = polynomial_context([f"z{j}" for j in range(d)])
    restricted = [_restrict(pieces(s), base, directions, ctx_z) for s in adjacent]
    if any(r != restricted[0] for r in restricted[1:]):
        raise EvaluationError(f"the pieces adjacent on the face ({_face_label(units, face)}) disagree on it: "
                              "the loss is not continuous there")
    Q = restricted[0]
    if Q.total_degree() <= 2:
        # ∇Q = H z + g0 is linear: solve it exactly
        zero = [_ZERO] * d
        g0 = [Q.derivative(j)(*zero) if Q.total_degree() > 0 else _ZERO for j in range(d)]
        H = flint.fmpq_mat(d, d, [Q.derivative(i).derivative(j)(*zero) if Q.total_degree() > 1 else _ZERO
                                  for i in range(d) for j in range(d)])
        solved = solve_linear(H, [-x for x in g0])
        if solved is None:
            return result
        particular, null = solved
        if not null:
            point = theta(particular)
            if _in_face(units, face, point, box):
                ok, weights = clarke_at(point)
                if ok:
                    result.points.append((point, weights))
            return result
        _component(landscape, units, pieces, face, adjacent, result, theta(particular),
                   [_theta_direction(directions, v, n) for v in null], box)
        return result
    _engine_face(landscape, units, pieces, face, adjacent, result, Q, base, directions, box, method, seed)
    return result


#: Critical values of a positive-dimensional restriction are eliminated (a lex Gröbner basis in
#: SymPy) below this many variables, for restrictions of degree at most 4.
ELIMINATION_VARIABLES = 5


def _critical_values(expr, names):
    """``(h, values)``: the critical values of the polynomial ``expr`` are among the real roots of
    ``h`` (the generator of ``(∇expr, ℓ − expr) ∩ QQ[ℓ]``, nonzero since a polynomial has finitely
    many critical values); None when the elimination does not give a univariate polynomial."""
    from . import algebraic

    level = sympy.Symbol("ell")
    equations = [sympy.diff(expr, z) for z in names] + [level - expr]
    basis = sympy.groebner(equations, *names, level, order="lex")
    last = basis.exprs[-1]
    if last.free_symbols != {level}:
        return None
    h = sympy.Poly(last, level)
    values = []
    for factor, _ in h.factor_list()[1]:
        coefficients = [flint.fmpq(int(sympy.Rational(c).p), int(sympy.Rational(c).q))
                        for c in reversed(factor.all_coeffs())]
        poly = algebraic._primitive(flint.fmpq_poly(coefficients))
        values += [algebraic.AlgebraicNumber.from_polynomial(poly, i)
                   for i in range(len(algebraic.real_roots(poly)))]
    return f"{sympy.sstr(sympy.factor(last)).replace('**', '^').replace('ell', 'l')}", values


def _rational(value):
    value = sympy.Rational(value)
    return flint.fmpq(int(value.p), int(value.q))


def _sign(number):
    """The exact sign of an algebraic number, or None when only enclosures are known and do not decide."""
    try:
        return number.compare(0)
    except EvaluationError:
        return None


def _irrational_kink_point(units, pieces, face, adjacent, point, Q, coordinates, directions, base):
    """Clarke's condition at an irrational point on one kink, exactly; the point's record, False (not
    critical) or None (not decided: more than one kink).

    With one kink ``h = a·θ + a0`` the tangential parts of both adjacent gradients vanish at a
    critical point of the restriction, so ``∇L[τ] = λ_τ a`` with ``λ_τ`` of the sign of ``∂_a L[τ]``;
    0 lies in the hull of the two exactly when the two signs are not both positive or both negative.
    """
    from . import algebraic
    from .critical import CriticalPoint
    from .polynomial import polynomial_context

    if len(face.zeros) != 1:
        return None
    normal = units[face.zeros[0]].normal
    ctx_z = polynomial_context([f"z{j}" for j in range(len(directions))])
    signs = []
    for pattern in adjacent:
        poly = pieces(pattern)
        slope = sum((a * poly.derivative(i) for i, a in enumerate(normal) if a != 0), poly.context().from_dict({}))
        terms = {tuple(k): flint.fmpq(c) for k, c in _restrict(slope, base, directions, ctx_z).to_dict().items()}
        sign = _sign(point.number(algebraic.polynomial_mod(terms, point.q, point.gq)))
        if sign is None:
            return None
        signs.append(sign)
    if all(x > 0 for x in signs) or all(x < 0 for x in signs):
        return False
    terms = {tuple(k): flint.fmpq(c) for k, c in Q.to_dict().items()}
    value = point.number(algebraic.polynomial_mod(terms, point.q, point.gq))
    text = ", ".join(f"∂_a L[{signs_text(p)}] {'> 0' if x > 0 else '< 0' if x < 0 else '= 0'}"
                     for p, x in zip(adjacent, signs))
    evidence = (f"Clarke: on the kink h = 0 with normal a both adjacent gradients are multiples of a, and {text}: "
                "0 is in their hull (signs decided exactly)",
                "kind: undetermined (an irrational point on a kink: classify takes rational points)")
    return CriticalPoint(coordinates, value, "undetermined", None, False, evidence, point, None)


def _theta_direction(directions, v, n):
    return tuple(sum((v[j] * directions[j][i] for j in range(len(directions))), _ZERO) for i in range(n))


def _component(landscape, units, pieces, face, adjacent, result, origin, spans, box):
    """An affine set ``origin + span(spans)`` of critical points of the face's restriction, met with the face."""
    from . import algebraic

    n, k = len(origin), len(spans)
    strict, weak = [], _box_rows(n, box)

    def pulled(a, a0):  # h(origin + Σ y_j spans_j)
        return tuple(_dot(a, s) for s in spans), _dot(a, origin) + a0

    equal = []
    for h, s in zip(units, face.signs):
        coefficients, constant = pulled(*h.affine)
        if s == 0:
            equal.append((coefficients, constant))
        else:
            strict.append((tuple(s * c for c in coefficients), s * constant))
    weak = [pulled(a, a0) for a, a0 in weak]
    y = strictly_feasible(k, equal, strict, weak)
    if y is None:
        return
    sample = tuple(origin[i] + sum((y[j] * spans[j][i] for j in range(k)), _ZERO) for i in range(n))
    description = {"face": face, "dimension": k, "point": sample, "directions": spans,
                   "value": pieces(adjacent[0])(*sample)}
    if face.zeros:
        # Clarke's condition along the set: decided at once when every adjacent gradient is constant on it
        grads = [_gradient_at(pieces(s), sample) for s in adjacent]
        moved = [[_gradient_at(pieces(s), tuple(p + q for p, q in zip(sample, span))) for span in spans]
                 for s in adjacent]
        constant = all(m == g for g, ms in zip(grads, moved) for m in ms)
        # the gradients are affine along the set: one that is zero at the sample and along every
        # direction is zero on the whole set (a dead unit's piece), and 0 is then in every hull
        vanishing = next((i for i, (g, ms) in enumerate(zip(grads, moved))
                          if all(x == 0 for x in g) and all(all(x == 0 for x in m) for m in ms)), None)
        if vanishing is not None:
            description["weights"] = {signs_text(adjacent[vanishing]): _ONE}
            result.components.append(description)
            return
        if not constant:
            result.open_questions.append(
                f"face ({_face_label(units, face)}): a {k}-dimensional affine set of critical points of the "
                f"restriction meets the face, and the adjacent gradients vary along it: Clarke's condition was not "
                f"decided there; the loss is {description['value']} on the whole set")
            result.candidate_values.append(algebraic.AlgebraicNumber.rational(description["value"]))
            return
        ok, weights = _clarke(adjacent, grads)
        if not ok:
            return
        description["weights"] = weights
    result.components.append(description)


def _engine_face(landscape, units, pieces, face, adjacent, result, Q, base, directions, box, method, seed):
    from .critical import critical_points
    from .landscape import Landscape

    d, n = len(directions), len(base)
    names = sympy.symbols(f"z0:{d}", real=True)
    expr = sympy.Add(*(sympy.Rational(int(flint.fmpq(c).p), int(flint.fmpq(c).q))
                       * sympy.Mul(*(x**e for x, e in zip(names, k))) for k, c in Q.to_dict().items()))
    restricted = Landscape.from_expression(expr, names)
    try:
        solved = critical_points(restricted, method=method, seed=seed, classify_points=not face.zeros)
    except BudgetExceeded:
        raise
    except InvalidArgument as error:  # e.g. no msolve and too many variables for SymPy: this face stays open
        result.open_questions.append(f"face ({_face_label(units, face)}): not solved: {error}")
        result.values_unknown = True
        return
    result.method = solved.method
    if solved.dimension > 0:
        values = _critical_values(expr, names) if d < ELIMINATION_VARIABLES and Q.total_degree() <= 4 else None
        text = (f"face ({_face_label(units, face)}): the loss restricted to it has a positive-dimensional critical "
                f"set (dimension {solved.dimension}, degree {solved.degree} over C); which of its points lie in the "
                "face was not decided")
        if values is None:
            result.values_unknown = True
        else:
            eliminant, numbers = values
            result.candidate_values += numbers
            text += (f"; its critical values lie among the real roots of {eliminant} = 0: "
                     + (", ".join(str(v) for v in numbers) or "none"))
        result.open_questions.append(text)
        return
    if not solved.complete:
        result.open_questions.append(f"face ({_face_label(units, face)}): the engine's list is not complete: "
                                     + "; ".join(solved.not_established))
        result.values_unknown = True
    for record in solved.points:
        point = record.point
        if point.is_rational:
            z = [c.value for c in record.coordinates]
            theta = tuple(base[i] + sum((z[j] * directions[j][i] for j in range(d)), _ZERO) for i in range(n))
            if _in_face(units, face, theta, box):
                ok, weights = (True, None) if not face.zeros else _clarke(
                    adjacent, [_gradient_at(pieces(s), theta) for s in adjacent])
                if ok:
                    result.points.append((theta, weights))
            continue
        if point.denominator is not None:
            result.open_questions.append(f"face ({_face_label(units, face)}): an irrational critical point of "
                                         "the restriction known by enclosures only; not placed in or out of the face")
            result.values_unknown = True
            continue

        def number(a, a0):  # a·θ + a0 at the algebraic point, exactly
            residue = flint.fmpq_poly([a0 + _dot(a, base)])
            for j in range(d):
                coefficient = sum((a[i] * directions[j][i] for i in range(n)), _ZERO)
                residue += coefficient * point.q[j]
            return point.number(residue)

        signs = [_sign(number(*h.affine)) for h in units]
        if box is not None:  # lo <= θ_i <= hi as two more nonnegative signs per coordinate
            unit = [tuple(_ONE if j == i else _ZERO for j in range(n)) for i in range(n)]
            lo, hi = _rational(box[0]), _rational(box[1])
            signs += [_sign(number(e, -lo)) for e in unit] + [_sign(number(tuple(-x for x in e), hi)) for e in unit]
        if None in signs:
            result.open_questions.append(f"face ({_face_label(units, face)}): an irrational critical point of the "
                                         "restriction could not be placed in or out of the face (a sign known by "
                                         "enclosures only)")
            result.values_unknown = True
            continue
        wanted = list(face.signs) + [None] * (len(signs) - len(units))
        if any((w is not None and got != w) or (w is None and got < 0) for got, w in zip(signs, wanted)):
            continue
        coordinates = tuple(number(tuple(_ONE if j == i else _ZERO for j in range(n)), _ZERO) for i in range(n))
        if face.zeros:
            record = _irrational_kink_point(units, pieces, face, adjacent, point, Q, coordinates, directions, base)
            if record is None:
                result.open_questions.append(
                    f"face ({_face_label(units, face)}): an irrational critical point of the restriction lies on the "
                    "face; Clarke's condition there was not decided (more than one kink)")
                result.values_unknown = True
                continue
            if record is False:
                continue
        result.points.append((coordinates, record))

