"""Sample points on a positive-dimensional critical set: the critical points of the distance to a random point.

When the critical set ``V = {∇L = 0}`` of a polynomial loss is infinite, of dimension ``d``, no
finite list is complete, but real points on it can still be found exactly.  Choose a rational
point ``p`` at random (seeded).  On each closed connected component ``C`` of the real set ``V_R``
a point ``q`` nearest to ``p`` exists.  Suppose ``V_R`` is near ``q`` a C¹ manifold ``M`` of
dimension ``d``.  Differentiating ``∇L = 0`` along ``M`` gives ``T_q M ⊂ ker H(q)`` (``H`` the
Hessian), so ``rank H(q) ≤ n − d``.  If the rank is ``n − d``, then ``ker H(q) = T_q M``, and
``q − p ⟂ T_q M`` puts ``q − p`` in the row space of ``H(q)``.  If the rank is lower, one more
row raises it by at most one.  Either way ``rank [H(q); (q − p)ᵀ] ≤ n − d``, so ``q`` is a real
solution of the *distance system*

    S:  ∇L(θ) = 0  and every minor of order n − d + 1 of the (n + 1) × n matrix [H(θ); (θ − p)ᵀ] is 0.

S is solved over QQ by msolve (:mod:`symlandscape.msolve`), or by SymPy's Gröbner bases for tiny
systems.  When S is positive-dimensional (it contains every critical point where ``rank H < n − d``,
which may fill a curve), S restricted to ``rank H = n − d`` is tried, then a few more seeded ``p``.
Nothing the engine says is trusted: the gradient (and, up to a size, every other equation of S)
is reduced modulo the engine's eliminating polynomial, exactly, so every listed point is a real
critical point; points are proven distinct; for two variables SymPy re-counts the solutions of S.
What is *not* proven: a component of ``V_R`` whose nearest point to ``p`` is not a point near which
``V_R`` is a d-dimensional manifold (an isolated critical point next to a curve of them, for
example) may be missed; the list is never the whole critical set.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time

import flint

from . import algebraic, budget
from .errors import EvaluationError, InvalidArgument
from .exact import checked_seed

__all__ = ["sample_critical_set", "Sampling", "distance_system", "ENGINES", "MAX_MINORS", "ATTEMPTS"]

ENGINES = ("auto", "msolve", "sympy")
#: Random targets tried (from one seed) before giving up on a zero-dimensional distance system.
ATTEMPTS = 3
#: Coordinates of a random target are a/b with |a| <= TARGET_NUMERATOR and 1 <= b <= TARGET_DENOMINATOR.
TARGET_NUMERATOR = 20
TARGET_DENOMINATOR = 9
#: Refuse distance systems with more minors than this (counted before duplicates are removed):
#: C(n+1, k) C(n, k) minors of order k = n - d + 1.  Measured on the 2-core machine: 700 minors
#: (deep linear 2-2-1 and 1-2-2, n = 6, d = 4) are built, solved and checked in 0.9 s; the 7056
#: minors of 2-2-2 (n = 8, d = 4, order 5) take 27 s to build alone, before msolve sees them.
MAX_MINORS = 1000
#: Above this degree of the eliminating polynomial only the gradient (not the minors) is checked exactly.
CHECK_DEGREE = 40
#: The SymPy engine (no msolve) is used up to this many variables.
SYMPY_ENGINE_VARIABLES = 2


@dataclasses.dataclass(frozen=True)
class Sampling:
    """Real points on a positive-dimensional critical set, and what was and was not proven about them.

    ``points``: exact real critical points, each a tuple of ``fmpq`` when rational, otherwise an
    :class:`~symlandscape.algebraic.AlgebraicPoint`; sorted by their approximate coordinates.
    ``target``: the point p, as text (``"(1/2, -3)"``); ``target_point``: p as ``fmpq``;
    ``tried``: every target tried, as text.  ``seed``: the seed p was drawn from (None when p was
    given).  ``established`` and ``missing``: plain sentences on what was and was not proven.
    ``system``: sizes of the distance system that was solved (``minors``, ``equations``,
    ``complex_count`` with multiplicity, ``distinct_count``); ``method``: the engine;
    ``seconds``: wall time per step.
    """

    variables: tuple
    dimension: int
    points: tuple
    target: str | None
    target_point: tuple | None
    tried: tuple
    seed: int | None
    established: tuple
    missing: tuple
    system: dict
    method: str
    seconds: dict = dataclasses.field(default_factory=dict, compare=False)

    @property
    def algebraic_points(self):
        """Every point as an :class:`~symlandscape.algebraic.AlgebraicPoint` (a rational one over ``t = 0``)."""
        return tuple(p if isinstance(p, algebraic.AlgebraicPoint) else _rational_point(p) for p in self.points)

    def to_dict(self):
        """The sampling as JSON-ready data: each point's exact coordinates as text and floats."""
        points = []
        for p in self.points:
            if isinstance(p, algebraic.AlgebraicPoint):
                points.append({"point": [str(c) for c in p.coordinates],
                               "approx": [float(c) for c in p.coordinates]})
            else:
                points.append({"point": [_text(c) for c in p], "approx": [float(c) for c in p]})
        return {"variables": [str(v) for v in self.variables], "dimension": self.dimension, "points": points,
                "target": self.target, "tried": list(self.tried), "seed": self.seed,
                "established": list(self.established), "missing": list(self.missing), "system": dict(self.system),
                "method": self.method}


def sample_critical_set(gradient, variables, dimension, *, seed=0, engine="auto", target=None):
    """Exact real points on the critical set ``{∇L = 0}`` of dimension ``dimension``.

    ``gradient``: the components ``∂L/∂θ_i``, as ``fmpq_mpoly`` in one context (the list
    :func:`symlandscape.critical_points` builds) or as dicts ``{exponents: rational}``;
    ``variables``: the parameter names, one per component.  ``target``: the point p (rationals);
    when omitted, p is drawn from ``seed`` and up to :data:`ATTEMPTS` targets are tried until a
    distance system is zero-dimensional.  For each target the plain system S is tried first,
    then (msolve only) S restricted to ``rank H = n − d`` (:func:`distance_system`).
    ``engine``: ``"msolve"``, ``"sympy"`` (at most :data:`SYMPY_ENGINE_VARIABLES` variables, plain
    system only) or ``"auto"``.  A system beyond :data:`MAX_MINORS` or the budget's
    ``max_seconds`` is refused, and the refusal is said in ``missing``.

    L = (xy)²: the critical set is the two axes; the points nearest to p = (1/2, 1/3) are its
    projections on them, and the crossing at 0 (where the Hessian vanishes) is found too.

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex"); x, y = ctx.gens()
    >>> s = sample_critical_set([2*x*y**2, 2*x**2*y], "x,y", 1, target=("1/2", "1/3"))
    >>> [tuple(str(c) for c in p) for p in s.points], s.target
    ([('0', '0'), ('0', '1/3'), ('1/2', '0')], '(1/2, 1/3)')
    """
    start_all = time.perf_counter()
    polys, names, n = _gradient(gradient, variables)
    if isinstance(dimension, bool) or not isinstance(dimension, int) or not 1 <= dimension <= n:
        raise InvalidArgument(f"dimension={dimension!r} must be an integer from 1 to {n} (the number of variables); "
                              "a finite critical set is listed by critical_points")
    if engine not in ENGINES:
        raise InvalidArgument(f"engine={engine!r} is not one of {', '.join(ENGINES)}")
    checked_seed(seed)
    if target is not None:
        from .exact import rational_vector

        targets = [rational_vector(target, n, "target")]
    else:
        rng = random.Random(seed)
        targets = [_random_target(rng, n) for _ in range(ATTEMPTS)]
    engine, unavailable = _engine(engine, n)
    order = n - dimension + 1
    minors = math.comb(n + 1, order) * math.comb(n, order)
    seconds = {}
    common = dict(variables=names, dimension=dimension, seed=None if target is not None else seed)

    def nothing(missing, established=(), tried=()):
        seconds["total"] = time.perf_counter() - start_all
        return Sampling(points=(), target=None, target_point=None, tried=tuple(tried), established=tuple(established),
                        missing=tuple(missing), system={"minors": minors}, method=engine, seconds=seconds, **common)

    if unavailable:
        return nothing([f"no point was sampled: {unavailable}"])
    if minors > MAX_MINORS:
        return nothing([f"no point was sampled: the distance system would have {minors} minors of order {order} "
                        f"(n = {n}, d = {dimension}), above the limit {MAX_MINORS} of this method"])
    variants = ("plain",) if engine == "sympy" else ("plain", "rank")
    tried, failed = [], []
    try:
        hessian = [[g.derivative(j) for j in range(n)] for g in polys]
        for p in targets:
            tried.append(_point_text(p))
            for variant in variants:
                begin = time.perf_counter()
                system, sizes = distance_system(polys, hessian, p, order, rank_guard=variant == "rank", seed=seed)
                seconds["distance system"] = seconds.get("distance system", 0.0) + time.perf_counter() - begin
                begin = time.perf_counter()
                answer, method, form = _solve(system, n + (variant == "rank"), seed, engine)
                seconds["solve"] = seconds.get("solve", 0.0) + time.perf_counter() - begin
                if answer.status == "positive_dimensional":
                    which = "S" if variant == "plain" else "S restricted to rank H = n - d"
                    failed.append(f"{_point_text(p)} ({which})")
                    continue
                result = _points(answer, system, form, p, n, dimension, order,
                                 dict(sizes, minors=minors, variant=variant), method, seconds, common, tuple(tried),
                                 failed)
                seconds["total"] = time.perf_counter() - start_all
                return result
    except budget.BudgetExceeded as exc:
        return nothing([f"no point was sampled: {exc}"], tried=tried)
    return nothing(["no point was sampled: no zero-dimensional distance system found"],
                   [f"every distance system tried is positive-dimensional: {'; '.join(failed)}"], tried)


def distance_system(gradient, hessian, target, order, *, rank_guard=False, seed=0):
    """The equations of S: ``gradient``, then every minor of order ``order`` of ``[hessian; (θ − target)ᵀ]``,
    each once (up to a constant factor; zero minors dropped).  Returns (equations, sizes).

    With ``rank_guard`` the system is restricted to ``rank H ≥ order − 1`` (so ``= n − d``): one more
    variable ``z`` and the equation ``1 − z·m(θ)``, ``m`` a combination, with seeded random
    coefficients, of the minors of order ``order − 1`` of ``H`` (Rabinowitsch's trick: ``m ≠ 0``
    at every solution).  This drops the points where every such minor vanishes, which fill a curve
    or more when the plain system is positive-dimensional for that reason.

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x",), "lex"); x, = ctx.gens()
    >>> distance_system([x**2 - 1], [[2*x]], [flint.fmpq(3)], 1)   # 1-minors: 2x and x - 3
    ([x^2 - 1, 2*x, x - 3], {'distinct_minors': 2, 'equations': 3})
    """
    n = len(gradient)
    ctx = gradient[0].context()
    gens = ctx.gens()
    rows = [list(r) for r in hessian] + [[gens[j] - target[j] for j in range(n)]]
    minor = _minor_function(rows, ctx)

    from itertools import combinations

    seen, equations = set(), list(gradient)
    deadline = budget.Deadline()
    for rs in combinations(range(n + 1), order):
        for cs in combinations(range(n), order):
            deadline.check("the minors of the distance system")
            m = minor(rs, cs)
            if m == 0:
                continue
            key = _monic_key(m)
            if key not in seen:
                seen.add(key)
                equations.append(m)
    sizes = {"distinct_minors": len(seen), "equations": len(equations)}
    if not rank_guard:
        return equations, sizes
    rng = random.Random(f"rank guard {seed}")
    guard = ctx.from_dict({})
    for rs in combinations(range(n), order - 1):
        for cs in combinations(range(n), order - 1):
            guard = guard + rng.randint(1, 9) * (minor(rs, cs) if rs else ctx.from_dict({(0,) * n: 1}))
    lifted = [_in_context(e.to_dict(), n + 1, pad=1) for e in equations]
    z = lifted[0].context().gens()[n]
    lifted.append(1 - z * _in_context(guard.to_dict(), n + 1, pad=1))
    return lifted, dict(sizes, equations=len(lifted), guard_minors=math.comb(n, order - 1) ** 2)


def _minor_function(rows, ctx):
    deadline = budget.Deadline()
    memo = {}

    def minor(rs, cs):
        # Laplace expansion along the first row, memoised over (rows, columns)
        if len(rs) == 1:
            return rows[rs[0]][cs[0]]
        key = (rs, cs)
        if key not in memo:
            deadline.check("the minors of the distance system")
            total = ctx.from_dict({})
            for k, c in enumerate(cs):
                entry = rows[rs[0]][c]
                if entry != 0:
                    term = entry * minor(rs[1:], cs[:k] + cs[k + 1:])
                    total = total + term if k % 2 == 0 else total - term
            memo[key] = total
        return memo[key]

    return minor


# -- inputs ------------------------------------------------------------------------------------

def _gradient(gradient, variables):
    if isinstance(variables, str):
        names = tuple(v.strip() for v in variables.split(","))
    else:
        try:
            names = tuple(variables)
        except TypeError:
            raise InvalidArgument(f"variables={variables!r} must be a sequence of names") from None
    if isinstance(gradient, (str, bytes, dict)):
        gradient = None  # a single object, not a list of components
    try:
        gradient = list(gradient)
    except TypeError:
        raise InvalidArgument("gradient must be a list of polynomials (fmpq_mpoly or {exponents: rational})") from None
    n = len(names)
    if n == 0 or len(gradient) != n:
        raise InvalidArgument(f"gradient has {len(gradient)} components and variables names {n}: one component per "
                              "variable is needed (and at least one)")
    if all(isinstance(g, flint.fmpq_mpoly) for g in gradient):
        ctx = gradient[0].context()
        if ctx.nvars() != n or any(g.context() != ctx for g in gradient):
            raise InvalidArgument(f"the gradient's polynomials must share one context with {n} generators")
        # msolve and the minors need a fixed generator order x0, ..., x{n-1}: rebuild in such a context
        return [_in_context(g.to_dict(), n) for g in gradient], names, n
    if all(isinstance(g, dict) for g in gradient):
        from .exact import rational

        polys = []
        for i, g in enumerate(gradient):
            terms = {}
            for exps, c in g.items():
                exps = tuple(exps)
                if len(exps) != n or any(isinstance(e, bool) or not isinstance(e, int) or e < 0 for e in exps):
                    raise InvalidArgument(f"gradient[{i}] has the exponent {exps!r}; expected {n} non-negative "
                                          "integers")
                terms[exps] = rational(c, f"gradient[{i}] coefficient")
            polys.append(_in_context(terms, n))
        return polys, names, n
    raise InvalidArgument("gradient must be a list of fmpq_mpoly (one context) or of dicts {exponents: rational}")


def _in_context(terms, n, pad=0):
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(n)), "lex")
    return ctx.from_dict({tuple(int(e) for e in k) + (0,) * pad: flint.fmpq(v) for k, v in terms.items()})


def _random_target(rng, n):
    return tuple(flint.fmpq(rng.randint(-TARGET_NUMERATOR, TARGET_NUMERATOR), rng.randint(1, TARGET_DENOMINATOR))
                 for _ in range(n))


def _engine(engine, n):
    """(engine, None), or (engine, why not) when ``"auto"`` finds no engine for ``n`` variables."""
    from . import msolve

    if engine == "auto":
        if msolve.find_msolve() is not None:
            return "msolve", None
        if n > SYMPY_ENGINE_VARIABLES:
            return "sympy", (f"msolve is not installed and the SymPy engine handles at most {SYMPY_ENGINE_VARIABLES} "
                             f"variables (here {n}); install msolve with: {msolve.INSTALL_HINT}")
        return "sympy", None
    if engine == "msolve":
        msolve.check_available()
    elif n > SYMPY_ENGINE_VARIABLES:
        raise InvalidArgument(f"engine='sympy' handles at most {SYMPY_ENGINE_VARIABLES} variables (here {n}); "
                              f"install msolve with: {msolve.INSTALL_HINT}")
    return engine, None


def _monic_key(poly):
    terms = poly.to_dict()
    lead = max(terms)
    scale = flint.fmpq(terms[lead])
    return tuple(sorted((tuple(k), flint.fmpq(v) / scale) for k, v in terms.items()))


# -- solving -----------------------------------------------------------------------------------

def _solve(system, n, seed, engine):
    if engine == "msolve":
        from . import msolve

        # a seeded separating last variable: msolve alone can lose a solution of a non-radical system
        answer, form = msolve.solve_separated(system, n, seed=seed)
        text = "(" + ", ".join(str(c) for c in form) + ")"
        method = f"msolve {answer.version} (random seed {seed}; parametrized by t = {text} · the variables)"
        return answer, method, form
    import sympy

    from .critical import _sympy_solve

    return _sympy_solve(system, n, seed), f"sympy {sympy.__version__} Groebner bases (linear form seed {seed})", None


def _second_count(system, width, seed):
    """The number of distinct complex solutions of ``system`` by SymPy's Groebner bases (the radical by
    Seidenberg's lemma, then a separating linear form), or None beyond :data:`SYMPY_ENGINE_VARIABLES`."""
    if width > SYMPY_ENGINE_VARIABLES:
        return None
    from .critical import _sympy_solve

    try:
        answer = _sympy_solve(system, width, seed)
    except EvaluationError:  # no separating linear form found: no second count
        return None
    return 0 if answer.status == "empty" else answer.elimination.degree()


def _parametrization(answer, width):
    """``(f, numerators, denominator, parameter)``: the point ``x_i = numerators[i](t) / denominator(t)`` at each
    root of the squarefree ``f``.  From msolve also the added last variable's numerator (``numerators[width]``);
    ``parameter`` is True when that variable is msolve's parameter t, otherwise the coefficients of the linear
    form msolve took as its parameter instead (False for the SymPy engine)."""
    param = getattr(answer, "parametrization", None)
    if param is None:  # the SymPy engine's shape-lemma answer: already reduced, denominator 1
        return answer.elimination, list(answer.residues), flint.fmpq_poly([1]), False
    f = param.elimination
    if f.gcd(param.denominator).degree() != 0:
        raise EvaluationError("msolve's parametrization has a denominator that vanishes at a solution")
    numerators = [flint.fmpq_poly([0, 1]) * param.denominator if entry is None else -entry[0] / entry[1]
                  for entry in param.coordinates[:width + 1]]
    if len(param.coordinates) > width and param.coordinates[width] is None:
        return f, numerators, param.denominator, True
    # msolve chose its own parameter, a linear form in the variables (its coefficients first)
    return f, numerators, param.denominator, tuple(param.linear_form[:width + 1])


def _vanishes(terms, numerators, denominator, f):
    """Whether the polynomial ``terms`` vanishes at ``x = numerators(t) / denominator(t)`` for every root t of
    ``f``: its homogenized form ``Σ c_k N^k D^(e − |k|)``, an integer polynomial computed without reduction
    (msolve's numerators are small: the residues ``N / D mod f`` have far larger coefficients), is 0 modulo
    ``f``, exactly."""
    degree = max((sum(k) for k in terms), default=0)
    polys = _integral(list(numerators) + [denominator])
    tables = [{0: flint.fmpz_poly([1]), 1: p} for p in polys]

    def power(i, e):
        table = tables[i]
        if e not in table:
            half = power(i, e // 2)
            table[e] = half * half * (table[1] if e % 2 else 1)
        return table[e]

    scale = math.lcm(*(int(flint.fmpq(c).q) for c in terms.values())) if terms else 1
    total = flint.fmpz_poly(0)
    for exps, c in terms.items():
        c = flint.fmpq(c) * scale
        term = flint.fmpz_poly([int(c.p)]) * power(len(numerators), degree - sum(exps))
        for i, e in enumerate(exps):
            if e:
                term *= power(i, e)
        total += term
    return (flint.fmpq_poly(total) % f).is_zero()


def _is_parameter(coefficients, numerators, denominator, f):
    """Whether ``Σ c_i x_i = t`` at every root t of ``f``, where ``x_i = numerators[i](t) / denominator(t)``."""
    width = len(coefficients)
    terms = {tuple(int(i == j) for j in range(width + 1)): flint.fmpq(c) for i, c in enumerate(coefficients) if c}
    terms[(0,) * width + (1,)] = flint.fmpq(-1)
    return _vanishes(terms, list(numerators[:width]) + [flint.fmpq_poly([0, 1]) * denominator], denominator, f)


def _integral(polys):
    """The ``fmpq_poly`` ``polys`` times one common integer, as integer polynomials (the quotients
    ``numerator / denominator`` are unchanged)."""
    scale = math.lcm(*(int(p.denom()) for p in polys))
    return [flint.fmpz_poly((p * scale).numer()) for p in polys]


def _points(answer, system, form, target, n, dimension, order, sizes, method, seconds, common, tried, failed):
    established, missing = [], []
    p_text = _point_text(target)
    if common["seed"] is None:
        established.append(f"target p = {p_text} (given, not drawn at random)")
    else:
        established.append(f"target p = {p_text}, drawn at random from seed {common['seed']} (coordinates a/b with "
                           f"|a| <= {TARGET_NUMERATOR}, 1 <= b <= {TARGET_DENOMINATOR})")
    if failed:
        established.append(f"positive-dimensional, so not used: the distance system for {'; '.join(failed)}")
    rank = sizes["variant"] == "rank"
    equations = (f"the distance system S (the {n} gradient components and the {sizes['distinct_minors']} distinct "
                 f"nonzero minors of order {order} of [H(θ); (θ − p)ᵀ], n = {n}, d = {dimension})")
    if rank:
        equations += (f", restricted to rank H = n − d = {n - dimension} by one more variable z and the equation "
                      f"1 − z·m(θ) = 0, m a seeded random combination of the {sizes['guard_minors']} minors of "
                      f"order {order - 1} of H")
    width = n + rank  # the system's variables: θ, then z
    if answer.status == "empty":
        established.append(f"{equations} has no complex solution (by {method})")
        missing.append("no point was sampled: the distance system has no solution")
        return Sampling(points=(), target=p_text, target_point=tuple(target), tried=tried,
                        established=tuple(established),
                        missing=tuple(missing), system=dict(sizes, complex_count=0, distinct_count=0), method=method,
                        seconds=seconds, **common)
    start = time.perf_counter()
    f, numerators, denominator, parameter = _parametrization(answer, width)
    if f.gcd(f.derivative()).degree() != 0:
        raise EvaluationError("the engine's eliminating polynomial is not squarefree")
    deadline = budget.Deadline()
    # the gradient always (it makes each point critical); the rest of S only up to CHECK_DEGREE,
    # beyond which its high-degree minors make the exact reduction slow (seconds per equation)
    checked = system if f.degree() <= CHECK_DEGREE else system[:n]
    for i, g in enumerate(checked):
        deadline.check("the exact check of the distance system's solutions")
        if not _vanishes(_terms(g), numerators[:width], denominator, f):
            what = f"gradient component {i + 1}" if i < n else f"equation {i + 1}"
            raise EvaluationError(f"the engine's parametrization does not satisfy {what} of the distance system; "
                                  "the engine's answer is rejected")
    # a root t of f determines its point; when t = ℓ(point) holds exactly for a linear form ℓ, the
    # point determines t too, so distinct roots give distinct points
    if form is None or parameter is False:
        injective = False
    else:
        # ℓ: our form over θ (and z) when our last variable is msolve's parameter, else msolve's own form
        coefficients = list(form) + [0] if parameter is True else list(parameter)
        # (msolve 0.10.1 prints its own form with the opposite sign: either sign proves t a function of the point)
        injective = len(coefficients) == width + 1 and any(
            _is_parameter([sign * c for c in coefficients], numerators, denominator, f) for sign in (1, -1))
    seconds["exact check"] = time.perf_counter() - start
    complex_count = answer.multiplicity_count
    established.append(f"{equations} is zero-dimensional: {complex_count} complex solutions counted with "
                       f"multiplicity, {f.degree()} distinct, by {method}")
    start = time.perf_counter()
    points, seen, enclosed = [], set(), 0
    for g, _ in f.factor()[1]:
        g_int = algebraic._primitive(g)
        roots = len(algebraic.real_roots(g_int))
        if not roots:
            continue
        if g.degree() <= algebraic.EXACT_DEGREE:
            # x_i = N_i(t) / D(t) as residues modulo this factor (an inverse modulo all of f is far slower)
            _, inverse, _ = denominator.xgcd(g)
            residues, divisor = [(p * inverse) % g for p in numerators[:n]], None
        else:  # as symlandscape.critical does at this size: the quotients, known by certified enclosures
            residues, divisor = list(numerators[:n]), denominator
            enclosed += roots
        for index in range(roots):
            point = algebraic.AlgebraicPoint(g_int, index, residues, divisor)
            if point.is_rational:
                point = tuple(flint.fmpq(c.coeffs()[0]) if c.coeffs() else flint.fmpq(0) for c in point.q)
                key = point
            elif injective or divisor is not None:
                key = (str(g_int), index)
            else:
                key = tuple(point.coordinates)  # exact: minimal polynomial and root index
            if key in seen:
                continue
            seen.add(key)
            points.append(point)
    points.sort(key=lambda q: [float(c.mid()) for c in q.enclosure()] if isinstance(q, algebraic.AlgebraicPoint)
                else [float(c) for c in q])
    seconds["real points"] = time.perf_counter() - start
    irrational = sum(isinstance(q, algebraic.AlgebraicPoint) for q in points)
    kind = ("" if not points else f"; {irrational} of them irrational, given by an irreducible defining polynomial "
            "and an isolating interval" if irrational else "; all of them rational")
    if len(checked) == len(system):
        established.append(f"each of the {len(points)} listed points is a real critical point and a real solution of "
                           "S: every equation of S, the gradient first, reduces to 0 modulo the eliminating "
                           "polynomial, exactly" + kind)
    else:
        established.append(f"each of the {len(points)} listed points is a real critical point: every gradient "
                           "component reduces to 0 modulo the eliminating polynomial, exactly" + kind)
        missing.append(f"that the points solve the rest of S (its minors) was not checked exactly: the eliminating "
                       f"polynomial has degree {f.degree()} > {CHECK_DEGREE}")
    if points and (injective or not enclosed):
        established.append("the listed points are distinct: " + (
            "distinct roots of the eliminating polynomial, whose root t is recovered from the point as t = ℓ(point) "
            "(checked exactly)" if injective else "compared exactly"))
    elif points:
        missing.append("that the listed points are distinct is not proven (no exact parameter check, and some "
                       "points are known by enclosures only)")
    if enclosed:
        established.append(f"{enclosed} of the points have an eliminating factor of degree above "
                           f"{algebraic.EXACT_DEGREE}: their coordinates are given as N_i(t)/D(t) at a real root t, "
                           "with certified enclosures, without exact minimal polynomials")
    missing.append("the critical set is infinite: these are sample points, never a complete list")
    reach = (f"a point near which the real critical set is a smooth manifold of dimension {dimension}"
             + (" and where m does not vanish" if rank else ""))
    missing.append(f"not every connected component of the real critical set is proven met: the argument reaches a "
                   f"component only when its nearest point to p is {reach}; components of lower dimension (for "
                   f"example an isolated critical point next to a curve of them) and components whose nearest point "
                   f"is singular can be missed")
    start = time.perf_counter()
    proven = form is not None and injective and len(checked) == len(system)   # D distinct proven solutions of S
    second = _second_count(system, width, common["seed"] or 0) if proven else None
    seconds["second count"] = time.perf_counter() - start
    if second is not None and second != f.degree():
        raise EvaluationError(f"the two methods disagree on the number of distinct solutions of the distance system: "
                              f"{method} finds {f.degree()}, SymPy's Groebner bases {second}")
    if second is not None:
        established.append(f"every solution of S is listed: SymPy's Groebner bases (of the radical, a second method) "
                           f"count {second} distinct complex solutions, and msolve's {second} are proven solutions "
                           "and distinct")
        established.append(f"hence every connected component of the real critical set whose nearest point to p is "
                           f"{reach} contains a listed point")
    else:
        missing.append(f"that every real solution of S is listed rests on the engine ({method}): the number of its "
                       "distinct complex solutions was not re-derived by a second method"
                       + ("" if form is None or width <= SYMPY_ENGINE_VARIABLES else
                          f" (done for at most {SYMPY_ENGINE_VARIABLES} variables; this system has {width})"))
    missing.append("the kind (minimum, saddle, ...) of the listed points is not decided here")
    system_sizes = dict(sizes, complex_count=complex_count, distinct_count=f.degree())
    return Sampling(points=tuple(points), target=p_text, target_point=tuple(target), tried=tried,
                    established=tuple(established), missing=tuple(missing), system=system_sizes, method=method,
                    seconds=seconds, **common)


# -- small helpers -----------------------------------------------------------------------------

def _terms(poly):
    return {tuple(k): flint.fmpq(v) for k, v in poly.to_dict().items()}


def _text(q):
    q = flint.fmpq(q)
    return str(int(q.p)) if q.q == 1 else f"{int(q.p)}/{int(q.q)}"


def _point_text(point):
    return "(" + ", ".join(_text(c) for c in point) + ")"


def _rational_point(coordinates):
    return algebraic.AlgebraicPoint(flint.fmpq_poly([0, 1]), 0, [flint.fmpq_poly([c]) for c in coordinates])
