"""The critical set of a polynomial landscape: every critical point, exactly, each one classified.

:func:`critical_points` solves ``∇L = 0`` over QQ.  When the system is zero-dimensional it gives
the number of complex critical points (with multiplicity) and every real one as an exact real
algebraic point — rational coordinates where they are rational, otherwise defining
polynomials and isolating intervals (:mod:`symlandscape.algebraic`) — with its exact value and
its kind.  When the critical set is positive-dimensional it reports the dimension and degree
and never a list as if it were complete.

A piecewise loss — ``relu``, ``leaky_relu``, ``abs``, and two-argument ``max``/``min`` of affine
functions of the parameters — is solved face by face on the arrangement of its hinge units
(:mod:`symlandscape.arrangement`): every activation region and every face of the kinks, the
Clarke condition decided exactly, and positive-dimensional components described (an affine set
met with the face, of constant value) rather than listed.

The engine is msolve (:mod:`symlandscape.msolve`); for tiny systems SymPy's Gröbner bases
stand in when msolve is absent.  No engine is trusted:

- the parametrization ``x_i = q_i(t)``, ``f(t) = 0`` is checked *exactly*: every gradient
  component, evaluated at ``q(t)``, reduces to 0 modulo ``f``, so every root of ``f`` gives a
  critical point;
- every real point's box is re-proven, by the Krawczyk test in ``arb``, to hold exactly one
  solution of ``∇L = 0`` (impossible at a degenerate point, which is then said);
- the complex count is re-derived by a second method where the system is small enough
  (the standard monomials of a Gröbner basis over QQ, python-flint's Buchberger algorithm in
  a child process bounded by ``max_seconds``), and a disagreement is an error.

Kinds are certified by :func:`symlandscape.verify`: at a rational point a ``classification``
certificate from ``classify``; at an irrational one with a nonsingular Hessian an
``algebraic_classification`` certificate (:mod:`symlandscape.algebraic_classify`) up to field
degree :data:`CERTIFIED_DEGREE`, and beyond it an ``enclosure_classification`` certificate (one
critical point in a box with rational corners, by the Krawczyk test, with the Hessian's inertia
on the box).  Where no certificate can be built, the search's own interval inertia is reported
with ``verified`` false.
"""

from __future__ import annotations

import dataclasses
import json
import time

import flint
import sympy

from . import algebraic, budget
from .errors import EvaluationError, InvalidArgument, SymlandscapeError
from .exact import checked_seed

__all__ = ["critical_points", "CriticalSet", "CriticalPoint", "weight_decay", "FORMATS", "COMMAND_HELP",
           "add_arguments", "run_command"]

COMMAND_HELP = "every critical point of a polynomial or ReLU-type loss, exactly, each one classified"

#: Output formats of :meth:`CriticalSet.render`.
FORMATS = ("text", "json", "latex", "markdown", "html")
METHODS = ("auto", "msolve", "sympy")

#: The second count (a Gröbner basis over QQ, python-flint's Buchberger algorithm, in a child
#: process stopped after ``max_seconds``) is attempted up to this many variables.
SECOND_COUNT_VARIABLES = 8
#: Positive-dimensional sets: dimension and degree from a basis over QQ up to this many variables.
SECOND_COUNT_RATIONAL_VARIABLES = 4
#: The SymPy engine is used (without msolve) up to this many variables.
SYMPY_ENGINE_VARIABLES = 4

#: Irrational points get an algebraic certificate (checked by verify) up to this degree of their
#: field, and an enclosure certificate beyond it.
CERTIFIED_DEGREE = algebraic.EXACT_DEGREE

_MINIMA = ("strict_local_min", "local_min")


@dataclasses.dataclass(frozen=True)
class CriticalPoint:
    """One real critical point: exact coordinates, exact value, kind, and how it was proven.

    ``coordinates`` and ``value`` are :class:`symlandscape.algebraic.AlgebraicNumber`;
    ``verified`` is True when the point was proven critical exactly *and* its kind was
    certified by :func:`symlandscape.verify`: a ``classification`` certificate at a rational
    point, an ``algebraic_classification`` or ``enclosure_classification`` certificate at an
    irrational one (kept in ``verdict``); ``evidence`` says which proofs hold.
    """

    coordinates: tuple
    value: object
    kind: str
    hessian_inertia: dict | None
    verified: bool
    evidence: tuple
    point: object = dataclasses.field(repr=False, compare=False, default=None)
    verdict: object = dataclasses.field(repr=False, compare=False, default=None)
    #: on a piecewise loss: the face of the arrangement the point lies on (signs and description)
    face: dict | None = None

    @property
    def is_rational(self):
        return all(c.is_rational for c in self.coordinates)

    def to_dict(self):
        return {
            "point": [str(c) for c in self.coordinates],
            "approx": [float(c) for c in self.coordinates],
            "value": str(self.value),
            "value_approx": float(self.value),
            "kind": self.kind,
            "hessian_inertia": self.hessian_inertia,
            "verified": self.verified,
            "evidence": list(self.evidence),
            # what `symlandscape verify` re-checks (null when no checked certificate is kept)
            "certificate": self.verdict.certificate if self.verified and self.verdict is not None else None,
            **({} if self.face is None else {"face": self.face}),
        }


@dataclasses.dataclass(frozen=True)
class CriticalSet:
    """The critical set of a polynomial landscape.

    ``dimension`` (0 when finite), ``degree`` (of a positive-dimensional set; None when
    finite), ``complex_count`` (complex critical points with multiplicity; None when not
    finite), ``distinct_complex_count``, ``real_count``, ``complete`` (True only when every
    real critical point — in ``box``, if given — is in ``points``), ``points``
    (:class:`CriticalPoint`, sorted by value), ``summary``, ``method`` (engine and version),
    ``established`` and ``not_established`` (what was and was not proven), ``seed``.

    On a piecewise loss (:mod:`symlandscape.arrangement`) also ``components`` (affine sets of
    critical points met with a face, each with its value and a classified sample point),
    ``arrangement`` (the hinge units and face counts) and ``described`` (True when every face
    was solved, so the critical set is exactly the listed points and components).
    """

    variables: tuple
    dimension: int
    degree: int | None
    complex_count: int | None
    distinct_complex_count: int | None
    real_count: int | None
    complete: bool
    points: tuple
    summary: dict
    method: str
    established: tuple
    not_established: tuple
    seed: int
    box: tuple | None = None
    seconds: dict = dataclasses.field(default_factory=dict, compare=False)
    landscape: object = dataclasses.field(default=None, repr=False, compare=False)
    components: tuple = ()
    arrangement: dict | None = None
    described: bool | None = None

    def to_dict(self):
        """The JSON contract of ``symlandscape critical --format json``."""
        extra = {} if self.arrangement is None else {
            "components": list(self.components), "arrangement": self.arrangement, "described": self.described}
        return {
            "variables": [str(v) for v in self.variables],
            "dimension": self.dimension,
            "degree": self.degree,
            "complex_count": self.complex_count,
            "distinct_complex_count": self.distinct_complex_count,
            "real_count": self.real_count,
            "complete": self.complete,
            "box": None if self.box is None else [str(b) for b in self.box],
            "points": [p.to_dict() for p in self.points],
            "summary": self.summary,
            "method": self.method,
            "established": list(self.established),
            "not_established": list(self.not_established),
            "seed": self.seed,
            **extra,
        }

    def render(self, fmt="text"):
        """The critical set as ``text`` (a table), ``json``, or a worked example in ``latex``, ``markdown``
        or ``html``."""
        if fmt not in FORMATS:
            raise InvalidArgument(f"format={fmt!r} is not one of {', '.join(FORMATS)}")
        if fmt == "json":
            return json.dumps(self.to_dict(), indent=2)
        if fmt == "text":
            return _render_text(self)
        return _render_worked(self, fmt)


# -- the public entry point ------------------------------------------------------------------

def critical_points(landscape, *, box=None, method="auto", seed=0, classify_points=True):
    """Every critical point of a polynomial ``landscape``, or the dimension of its critical set.

    A piecewise ``landscape`` (relu-type units of affine arguments) is solved on every face of
    its arrangement (:func:`symlandscape.arrangement.piecewise_critical`): Clarke-critical
    points, with the face each lies on, and positive-dimensional components described.

    ``box = (lo, hi)`` keeps the points with every coordinate in ``[lo, hi]`` (``complete``
    then means complete within the box).  ``method``: ``"msolve"``, ``"sympy"`` (tiny systems)
    or ``"auto"`` (msolve when installed).  ``seed`` fixes the engine's random choices.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("x^4/4 - x^2/2 + y^2/2", "x,y")   # critical points x = -1, 0, 1
    >>> S = critical_points(L, method="sympy")
    >>> S.complex_count, S.real_count, S.complete
    (3, 3, True)
    >>> [(str(p.coordinates[0]), str(p.value), p.kind) for p in S.points]
    [('-1', '-1/4', 'strict_local_min'), ('1', '-1/4', 'strict_local_min'), ('0', '0', 'strict_saddle')]
    >>> R = critical_points(Landscape.from_expression("abs(x) + relu(y - 1)^2", "x,y"))   # x = 0 is a kink
    >>> [([str(c) for c in p.coordinates], p.kind, p.face["signs"]) for p in R.points], R.complete
    ([(['0', '1'], 'local_min', '00')], False)
    >>> [(c["point"], c["directions"], c["value"]) for c in R.components]
    [(['0', '0'], [['0', '1']], '0')]
    """
    from .landscape import Landscape

    if not isinstance(landscape, Landscape):
        raise InvalidArgument(f"landscape={landscape!r} is not a Landscape; build one with "
                              "Landscape.from_expression or deep_linear")
    if method not in METHODS:
        raise InvalidArgument(f"method={method!r} is not one of {', '.join(METHODS)}")
    checked_seed(seed)
    box = _checked_box(box)
    if getattr(landscape, "is_piecewise", False):
        return _piecewise(landscape, box, method, seed, classify_points)
    poly = _polynomial_of(landscape)
    n = len(landscape.variables)
    if n == 0:
        raise InvalidArgument("the landscape has no variables: there is nothing to solve")
    gradient = [poly.derivative(i) for i in range(n)]
    from . import msolve

    if method == "auto":
        method = "msolve" if msolve.find_msolve() is not None else "sympy"
    if method == "msolve":
        msolve.check_available()
    elif n > SYMPY_ENGINE_VARIABLES:
        raise InvalidArgument(
            f"method='sympy' handles at most {SYMPY_ENGINE_VARIABLES} variables (this loss has {n}); "
            f"install msolve with: {msolve.INSTALL_HINT}")
    seconds = {}
    start = time.perf_counter()
    if method == "msolve":
        answer = msolve.solve(gradient, n, seed=seed)
        seconds["msolve"] = answer.seconds
        seconds["msolve cpu"] = answer.cpu_seconds
        engine = f"msolve {answer.version} (random seed {seed})"
    else:
        answer = _sympy_solve(gradient, n, seed)
        engine = f"sympy {sympy.__version__} Groebner bases (linear form seed {seed})"
    seconds["solve"] = time.perf_counter() - start
    if answer.status == "positive_dimensional":
        return _positive_dimensional(landscape, poly, gradient, n, engine, seed, box, seconds, classify_points)
    return _finite(landscape, poly, gradient, answer, engine, seed, box, seconds, classify_points)


def weight_decay(landscape, lam):
    """``landscape`` plus the L2 penalty ``½ Σ_v λ_v v²``.

    ``lam``: one rational for every parameter, a list with one rational per weight matrix
    (for a :func:`symlandscape.deep_linear` network: ``λ_k ‖W_k‖²/2``), or a dict from
    parameter names to rationals (the entrywise ``Λ∘W`` penalty).  Every λ must be positive.

    >>> from symlandscape import deep_linear
    >>> L = weight_decay(deep_linear([[1]], [[1]], hidden=[1, 1]), "1/10")
    >>> L.value([0, 0, 0]), L.hessian([0, 0, 0]).tolist()
    (1/2, [[1/10, 0, 0], [0, 1/10, 0], [0, 0, 1/10]])
    """
    from .exact import rational as to_rational
    from .landscape import Landscape

    if not isinstance(landscape, Landscape):
        raise InvalidArgument(f"landscape={landscape!r} is not a Landscape")
    variables = tuple(landscape.variables)
    if isinstance(lam, dict):
        names = {str(v): v for v in variables}
        unknown = [k for k in lam if str(k) not in names]
        if unknown:
            raise InvalidArgument(f"lam names {unknown[0]!r}, which is not a parameter of the landscape")
        weights = {names[str(k)]: to_rational(v, "lam") for k, v in lam.items()}
    elif isinstance(lam, (list, tuple)):
        matrices = getattr(landscape, "weight_matrices", None)
        shapes = getattr(landscape, "shapes", None)
        if matrices is None or shapes is None or len(lam) != len(shapes):
            raise InvalidArgument("lam as a list needs a deep_linear landscape and one value per weight matrix")
        weights, position = {}, 0
        for value, (rows, cols) in zip(lam, shapes):
            for v in variables[position: position + rows * cols]:
                weights[v] = to_rational(value, "lam")
            position += rows * cols
    else:
        value = to_rational(lam, "lam")
        weights = {v: value for v in variables}
    for v, value in weights.items():
        if not value > 0:
            raise InvalidArgument(f"lam for {v} is {value}; weight decay needs lam > 0")
    penalty = sympy.Add(*(sympy.Rational(1, 2) * value * v**2 for v, value in weights.items()))
    return Landscape.from_expression(landscape.expression + penalty, variables)


# -- the polynomial system ---------------------------------------------------------------------

def _polynomial_of(landscape):
    from .polynomial import NotPolynomial, polynomial_context, to_mpoly

    if getattr(landscape, "is_piecewise", False):
        raise InvalidArgument("critical_points needs a polynomial loss; this one is piecewise (relu, abs, max, "
                              "min): its activation regions are not supported yet")
    poly = getattr(landscape, "polynomial", None)
    if isinstance(poly, flint.fmpq_mpoly):
        return poly
    names = [str(v) for v in landscape.variables]
    ctx = polynomial_context(names)
    try:
        return to_mpoly(landscape.expression, ctx, {v: i for i, v in enumerate(landscape.variables)})
    except NotPolynomial:
        raise InvalidArgument("critical_points needs a polynomial loss with rational coefficients; this one has "
                              "exp, log, tanh, sigmoid, a division or a real power") from None


def _checked_box(box):
    if box is None:
        return None
    from .exact import rational as to_rational

    if isinstance(box, str):
        parts = box.split(",")
    else:
        parts = list(box)
    if len(parts) != 2:
        raise InvalidArgument(f"box={box!r} must be two numbers lo,hi")
    lo, hi = (to_rational(p.strip() if isinstance(p, str) else p, "box") for p in parts)
    if not lo <= hi:
        raise InvalidArgument(f"box={box!r}: lo must not exceed hi")
    return (lo, hi)


def _terms(poly):
    return {tuple(k): flint.fmpq(v) for k, v in poly.to_dict().items()}


def _sympy_polys(gradient, n):
    xs = sympy.symbols(f"x0:{n}")
    out = []
    for g in gradient:
        out.append(sympy.Add(*(sympy.Rational(int(flint.fmpq(c).p), int(flint.fmpq(c).q))
                               * sympy.Mul(*(x**e for x, e in zip(xs, k))) for k, c in g.to_dict().items())))
    return xs, out


def _standard_monomial_count(leading, n):
    """Number of monomials divisible by no leading monomial (None when infinite)."""
    pure = [None] * n
    for m in leading:
        support = [i for i, e in enumerate(m) if e]
        if len(support) == 1:
            i = support[0]
            pure[i] = m[i] if pure[i] is None else min(pure[i], m[i])
        elif not support:
            return 0
    if any(p is None for p in pure):
        return None
    count = 0

    def walk(prefix):
        nonlocal count
        i = len(prefix)
        if i == n:
            count += 1
            return
        for e in range(pure[i]):
            candidate = prefix + [e]
            if any(all(candidate[j] >= m[j] for j in range(i + 1)) and all(m[j] == 0 for j in range(i + 1, n))
                   for m in leading):
                continue
            walk(candidate)

    walk([])
    return count


def _leading_grevlex(g, xs):
    """The grevlex leading exponent of a SymPy polynomial (higher degree, then smaller exponent of
    the last variable)."""
    return max(sympy.Poly(g, *xs).monoms(), key=lambda m: (sum(m), tuple(-e for e in reversed(m))))


def _hilbert_numerator(leading, n):
    """Numerator N(t) of the Hilbert series N(t)/(1-t)^n of QQ[x]/(leading), as a SymPy Poly."""
    t = sympy.Symbol("t")
    gens = _minimal(leading)

    def numerator(gs):
        if not gs:
            return sympy.Poly(1, t)
        *rest, last = gs
        colon = _minimal([tuple(max(a - b, 0) for a, b in zip(g, last)) for g in rest])
        return numerator(rest) - sympy.Poly(t ** sum(last), t) * numerator(colon)

    return numerator(gens)


def _minimal(monomials):
    ms = sorted(set(monomials), key=sum)
    out = []
    for m in ms:
        if not any(all(a >= b for a, b in zip(m, g)) for g in out):
            out.append(m)
    return out


def _dimension_degree(leading, n):
    """Krull dimension and degree of QQ[x]/I from the leading monomials of a graded basis
    (the affine Hilbert polynomial: that of the homogenization)."""
    t = sympy.Symbol("t")
    num = _hilbert_numerator(leading, n)
    if num.is_zero:
        return -1, 0
    # affine Hilbert function = Hilbert function of the homogenization: series N(t)/(1-t)^(n+1)
    order, q = 0, num
    one_minus_t = sympy.Poly(1 - t, t)
    while q.eval(1) == 0:
        q = sympy.Poly(sympy.quo(q.as_expr(), one_minus_t.as_expr(), t), t)
        order += 1
    dimension = n - order
    return dimension, int(q.eval(1))


def _second_count(gradient, n):
    """The number of complex solutions with multiplicity, from a Gröbner basis over QQ, or (None, why)."""
    if n > SECOND_COUNT_VARIABLES:
        return None, f"not re-derived: {n} variables is beyond the second method (a Groebner basis over QQ)"
    leading, why = groebner_leading_monomials(gradient, n)
    if leading is None:
        return None, f"not re-derived: {why}"
    return _standard_monomial_count(leading, n), f"over QQ (python-flint {flint.__version__}, Buchberger)"


_GROEBNER_CHILD = r"""
import json, sys, flint
data = json.load(sys.stdin)
ctx = flint.fmpz_mpoly_ctx.get(tuple(f"x{i}" for i in range(data["n"])), "degrevlex")
polys = [ctx.from_dict({tuple(m): int(c) for m, c in p}) for p in data["polys"]]
basis = flint.fmpz_mpoly_vec(polys, ctx).buchberger_naive()
json.dump([[int(e) for e in g.monoms()[0]] for g in basis if g != 0], sys.stdout)
"""


def groebner_leading_monomials(polynomials, n):
    """Leading exponents (grevlex) of a Gröbner basis over QQ of ``polynomials`` (``fmpq_mpoly``).

    The basis is computed by python-flint in a child process, so that ``max_seconds`` of the
    budget stops it (flint's C code cannot be interrupted).  Returns ``(leading, "")`` or
    ``(None, why)``.

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex"); x, y = ctx.gens()
    >>> groebner_leading_monomials([x*x - 2, x*y - 1], 2)     # the basis x - 2y, 2y^2 - 1: two solutions
    ([(1, 0), (0, 2)], '')
    """
    import json
    import math
    import subprocess
    import sys

    rows = []
    for p in polynomials:
        terms = p.to_dict()
        if not terms:
            continue
        scale = math.lcm(*(int(flint.fmpq(c).q) for c in terms.values()))
        rows.append([[[int(e) for e in m], str(int(flint.fmpq(c).p) * (scale // int(flint.fmpq(c).q)))]
                     for m, c in terms.items()])
    seconds = budget.current().max_seconds
    try:
        done = subprocess.run([sys.executable, "-c", _GROEBNER_CHILD], input=json.dumps({"n": n, "polys": rows}),
                              capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return None, f"the Groebner basis over QQ did not finish within {seconds:g} s (max_seconds)"
    if done.returncode != 0:
        return None, f"the Groebner basis over QQ failed ({done.stderr.strip().splitlines()[-1:]})"
    return [tuple(m) for m in json.loads(done.stdout)], ""


# -- the SymPy engine (tiny systems) -----------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Answer:
    status: str
    multiplicity_count: int | None
    elimination: object = None
    residues: tuple = ()
    leading: tuple = ()


def _sympy_solve(gradient, n, seed):
    """A rational parametrization by a lex basis after a seeded generic linear change (shape lemma)."""
    import random

    xs, polys = _sympy_polys(gradient, n)
    grevlex = sympy.groebner(polys, *xs, order="grevlex")
    if list(grevlex.exprs) == [1]:
        return _Answer("empty", 0)
    leading = [_leading_grevlex(g, xs) for g in grevlex.exprs]
    count = _standard_monomial_count(leading, n)
    if count is None:
        return _Answer("positive_dimensional", None, leading=tuple(leading))
    # the radical: add the squarefree part of each univariate eliminant (Seidenberg's lemma)
    radical = list(grevlex.exprs)
    for x in xs:
        elim = sympy.groebner(grevlex.exprs, *[y for y in xs if y != x], x, order="lex").exprs[-1]
        radical.append(sympy.sqf_part(sympy.Poly(elim, x)).as_expr())
    rng = random.Random(seed)
    T = sympy.Symbol("T")
    for _ in range(20):
        coefficients = [rng.randint(-9, 9) for _ in xs]
        form = T - sum(c * x for c, x in zip(coefficients, xs))
        lex = sympy.groebner(radical + [form], *xs, T, order="lex").exprs
        shape = _shape(lex, xs, T)
        if shape is not None:
            f, residues = shape
            return _Answer("finite", count, f, tuple(residues))
    raise EvaluationError("the SymPy engine found no separating linear form; install msolve")


def _shape(lex, xs, T):
    if len(lex) != len(xs) + 1:
        return None
    f = sympy.Poly(lex[-1], T)
    if not set(lex[-1].free_symbols) <= {T}:
        return None
    residues = []
    for x, g in zip(xs, lex[:-1]):
        a = sympy.Poly(g, x).coeff_monomial(x)
        rest = sympy.expand(g - a * x)
        if a.free_symbols or a == 0 or rest.free_symbols & set(xs):
            return None
        residues.append(_fmpq_poly(sympy.Poly(-rest / a, T)))
    return _fmpq_poly(f), residues


def _fmpq_poly(p):
    coeffs = [sympy.Rational(c) for c in reversed(p.all_coeffs())]
    return flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q)) for c in coeffs])


# -- the finite case ---------------------------------------------------------------------------

def _distinct_count(gradient, n, seed, engine_was_sympy):
    """``(count, where)``: the number of distinct complex critical points by a second method (the
    other engine: SymPy's radical by Seidenberg's lemma up to :data:`SYMPY_ENGINE_VARIABLES`
    variables, else msolve with a seeded separating linear form as its last variable), or
    ``(None, why not)``."""
    from . import msolve

    try:
        if not engine_was_sympy and n <= SYMPY_ENGINE_VARIABLES:
            answer = _sympy_solve(gradient, n, seed)
            return (0 if answer.status == "empty" else answer.elimination.degree()), \
                "SymPy's Groebner bases of the radical (Seidenberg's lemma)"
        if msolve.find_msolve() is None:
            return None, "no second engine (msolve is not installed)"
        answer, form = msolve.solve_separated(gradient, n, seed=seed)
        if answer.status != "finite":
            return None, f"the second msolve run answered {answer.status!r}"
        return answer.parametrization.elimination.degree(), \
            f"msolve with t = {form} · θ as an added last variable (a separating form)"
    except SymlandscapeError as exc:
        return None, f"the second method failed ({' '.join(str(exc).split())[:120]})"



def _parametrization(answer, n):
    """(f, numerators, denominator) with x_i = numerators[i](t) / denominator(t) at the roots of f
    (denominator None: the numerators are already reduced modulo f), from either engine."""
    if isinstance(answer, _Answer):
        return answer.elimination, list(answer.residues), None
    param = answer.parametrization
    f = param.elimination
    if f.gcd(param.denominator).degree() != 0:
        raise EvaluationError("msolve's parametrization has a denominator that vanishes at a solution")
    numerators = []
    for entry in param.coordinates:
        if entry is None:
            numerators.append(flint.fmpq_poly([0, 1]) * param.denominator)
        else:
            p, c = entry
            numerators.append(-p / c)
    if f.degree() > algebraic.EXACT_DEGREE:
        return f, numerators, param.denominator
    _, inverse, _ = param.denominator.xgcd(f)
    return f, [(p * inverse) % f for p in numerators], None


def _finite(landscape, poly, gradient, answer, engine, seed, box, seconds, classify_points):
    n = len(gradient)
    established, missing = [], []
    if answer.status == "empty":
        summary = {"counts": {}, "least_value": None, "least_value_approx": None, "minima_at_least_value": 0,
                   "global_minimum": None, "coercive": None}
        established.append("the critical equations have no complex solution")
        return CriticalSet(tuple(landscape.variables), 0, None, 0, 0, 0, True, (), summary, engine,
                           tuple(established), tuple(missing), seed, box, seconds, landscape)
    start = time.perf_counter()
    f, residues, denominator = _parametrization(answer, n)
    if f.gcd(f.derivative()).degree() != 0:
        raise EvaluationError("the engine's eliminating polynomial is not squarefree")
    if denominator is None:
        # every root of f is a critical point: each gradient component vanishes identically modulo f
        for i, g in enumerate(gradient):
            if not algebraic.polynomial_mod(_terms(g), residues, f).is_zero():
                raise EvaluationError(f"the engine's parametrization does not satisfy dL/d{landscape.variables[i]} = 0;"
                                      " the engine's answer is rejected")
        established.append(f"every root of the eliminating polynomial (degree {f.degree()}) is a critical point: "
                           "each gradient component reduces to 0 modulo it, exactly")
    else:
        missing.append(f"the parametrization (eliminating polynomial of degree {f.degree()}) was not checked "
                       "exactly modulo its eliminating polynomial (too large); each real point stands on its "
                       "Krawczyk proof instead")
    seconds["parametrization check"] = time.perf_counter() - start
    complex_count = answer.multiplicity_count
    distinct = f.degree()
    if distinct > complex_count:
        raise EvaluationError(f"the engine reports {distinct} distinct complex solutions but only {complex_count} "
                              "with multiplicity")
    if distinct < complex_count:
        # a non-radical system: an engine's parametrization may miss a solution while its count with
        # multiplicity stays right (msolve 0.10.1 does, on (xy)^2-type systems), so the number of
        # distinct solutions is re-derived before any list is called complete
        start = time.perf_counter()
        again, where = _distinct_count(gradient, n, seed, isinstance(answer, _Answer))
        seconds["distinct count"] = time.perf_counter() - start
        if again is None:
            missing.append(f"the number of distinct complex solutions ({distinct}; {complex_count} with multiplicity) "
                           f"rests on the engine alone: {where}")
        elif again != distinct:
            raise EvaluationError(f"the engine's parametrization has {distinct} distinct complex solutions, but "
                                  f"{where} finds {again}: a solution is missing; the engine's answer is rejected")
        else:
            established.append(f"{distinct} distinct complex solutions ({complex_count} with multiplicity: the system "
                               f"is not radical), re-derived by {where}")
    start = time.perf_counter()
    with budget.limits(max_seconds=budget.current().max_seconds):
        second, where = _second_count(gradient, n)
    seconds["second count"] = time.perf_counter() - start
    if second is None and where.startswith("not"):
        missing.append(f"complex count {where}")
    elif second != complex_count:
        raise EvaluationError(f"the two methods disagree on the number of complex critical points: the engine "
                              f"counts {complex_count}, a Groebner basis {where} counts {second}")
    else:
        established.append(f"complex count {complex_count} (with multiplicity) re-derived by a Groebner basis "
                           f"{where}")
    # the real points, one irreducible factor of f at a time
    start = time.perf_counter()
    points = []
    if denominator is None:
        _, factors = f.factor()
    else:  # too large to factor quickly: f itself (squarefree) carries the real roots
        factors = [(f, 1)]
    for g, _mult in factors:
        g_int = algebraic._primitive(g)
        count = len(algebraic.real_roots(g_int))
        if count:
            first = algebraic.AlgebraicPoint(g_int, 0, residues, denominator)
            points.extend(first.sibling(index) for index in range(count))
    real_count = len(points)
    if box is not None:
        lo, hi = box
        inside, undecided = [], 0
        for p in points:
            try:
                if all(c.compare(lo) >= 0 and c.compare(hi) <= 0 for c in p.coordinates):
                    inside.append(p)
            except EvaluationError:  # an enclosure-only coordinate on the boundary: kept, and said
                inside.append(p)
                undecided += 1
        points = inside
        if undecided:
            missing.append(f"{undecided} listed point(s) may lie just outside the box (a coordinate at the boundary "
                           "known by enclosure only)")
    seconds["isolation"] = time.perf_counter() - start
    start = time.perf_counter()
    hessian_terms = [[_terms(gradient[i].derivative(j)) for j in range(n)] for i in range(n)]
    gradient_terms = [_terms(g) for g in gradient]
    records = [_point_record(landscape, poly, p, gradient_terms, hessian_terms, seed, classify_points,
                             exact=denominator is None) for p in points]
    seconds["classification"] = time.perf_counter() - start
    # listed by value (approximately: an order for reading, not a claim), then by coordinates
    records.sort(key=lambda r: (float(r.value), [float(c) for c in r.coordinates]))
    proven = sum(1 for r in records if any(e.startswith("isolated:") for e in r.evidence))
    if records:
        established.append(f"{proven} of {len(records)} real points re-proven by the Krawczyk test "
                           "(exactly one solution in the box)")
        if proven < len(records):
            missing.append(f"{len(records) - proven} real point(s) not re-proven by the Krawczyk test (it fails at "
                           "a singular Hessian); they are critical by the exact parametrization check")
    complete = second is not None and second == complex_count
    if not complete:
        missing.append("completeness rests on the engine alone (the complex count was not re-derived)")
    else:
        established.append("the list is complete" + (" within the box" if box is not None else "")
                           + ": the real roots of the eliminating polynomial were isolated by flint's certified "
                           "root finder")
    if any(r.kind == "undetermined" for r in records):
        missing.append("the kind of some points is undetermined (see each point's evidence)")
    summary = _summary(landscape, records, complete, box)
    if summary["global_minimum"] is None and records:
        missing.append(summary["global_minimum_reason"])
    return CriticalSet(tuple(landscape.variables), 0, None, complex_count, distinct, real_count, complete,
                       tuple(records), summary, engine, tuple(established), tuple(missing), seed, box, seconds,
                       landscape)


class _SortKey:
    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return self.value.compare(other.value) < 0

    def __eq__(self, other):
        return self.value == other.value


def _point_value(point, poly):
    """The loss at the point: exact where the field is small enough, else by certified enclosure
    (with a note saying so)."""
    if point.g.degree() <= algebraic.EXACT_DEGREE and point.denominator is None:
        return point.number(algebraic.polynomial_mod(_terms(poly), point.q, point.gq)), None
    loss_terms = _terms(poly)

    def enclose(prec):
        values = point.enclosure(prec)
        with flint.ctx.workprec(prec):
            return algebraic.evaluate_arb(loss_terms, values)

    value = algebraic.ParametrizedNumber(None, point.g, point.index, enclose, label="loss value")
    return value, (f"coordinates and value by certified enclosures only: the eliminating polynomial has degree "
                   f"{point.g.degree()} > {algebraic.EXACT_DEGREE}, too large for exact minimal polynomials"
                   if point.g.degree() > algebraic.EXACT_DEGREE else
                   "value by certified enclosure (the coordinates have a denominator)")


def _point_record(landscape, poly, point, gradient_terms, hessian_terms, seed, classify_points, exact=True):
    evidence = ["critical: exact (the parametrization check)"] if exact else []
    coordinates = point.coordinates
    value, note = _point_value(point, poly)
    if note:
        evidence.append(note)
    enclosure = _krawczyk_box(point, gradient_terms, hessian_terms)
    if enclosure is not None:
        evidence.append(f"isolated: the Krawczyk test proves exactly one critical point in a box of width "
                        f"{enclosure:.1e}")
    kind, inertia, verified, verdict = "undetermined", None, False, None
    if not exact and enclosure is None:
        evidence.append("critical: not proven (no exact parametrization check, and the Krawczyk test failed)")
        classify_points = False
    elif not exact:
        evidence.append("critical: by the Krawczyk proof (a critical point lies in the box)")
    if not classify_points:
        evidence.append("not classified (classify_points=False)")
    elif point.is_rational:
        rational = [sympy.Rational(int(c.value.p), int(c.value.q)) for c in coordinates]
        kind, inertia, verified, verdict, note = _exact_classification(landscape, rational, seed, True)
        evidence.append(note)
    else:
        verdict, reason = _algebraic_verdict(landscape, poly, point)
        if verdict is not None:
            kind, inertia, verified = verdict.kind, verdict.hessian_inertia, True
            if not exact:
                evidence.append("critical: exact (verify: each gradient component reduces to 0 modulo the field "
                                "polynomial)")
            evidence.append("kind: classify_algebraic + verify (algebraic certificate: isolating interval, gradient "
                            "and value modulo the field polynomial, Hessian inertia by an elimination with "
                            "certified pivot signs)")
        elif (enclosed := _enclosure_verdict(landscape, poly, point, value))[0] is not None:
            verdict = enclosed[0]
            kind, inertia, verified = verdict.kind, verdict.hessian_inertia, True
            evidence.append(f"kind: classify_enclosure + verify (enclosure certificate: the Krawczyk test proves one "
                            "critical point in a box with rational corners, and the Hessian's inertia on the box is "
                            "certified by an elimination with certified pivot signs; no algebraic certificate: "
                            f"{reason})")
        else:
            reason = f"{reason}; no enclosure certificate: {enclosed[1]}"
            # the search's own interval proof, not re-checked by verify: listed, never called verified
            counts = _hessian_inertia(point, hessian_terms)
            if counts is None:
                evidence.append(f"kind: undetermined (no algebraic certificate: {reason}; the Hessian's inertia "
                                "could not be certified in interval arithmetic either: it may be singular)")
            else:
                positive, negative, zero = counts
                inertia = {"positive": positive, "negative": negative, "zero": zero}
                kind = "strict_local_min" if negative == 0 else "strict_local_max" if positive == 0 else "strict_saddle"
                evidence.append(f"kind: Hessian inertia from the search's own interval LDL^T congruence (Sylvester's "
                                f"law), not checked by verify (no algebraic certificate: {reason})")
    return CriticalPoint(tuple(coordinates), value, kind, inertia, verified, tuple(evidence), point, verdict)


def _algebraic_verdict(landscape, poly, point):
    """``(verdict, None)`` with a verified algebraic certificate, or ``(None, reason)``.

    Beyond :data:`CERTIFIED_DEGREE` the certificate is not attempted: its check (a Sturm sequence
    and reductions modulo the field polynomial) grows too costly for a whole critical set.
    """
    from .algebraic_classify import classify_algebraic
    from .errors import SymlandscapeError

    if point.g.degree() > CERTIFIED_DEGREE:
        return None, f"the field polynomial has degree {point.g.degree()} > {CERTIFIED_DEGREE}"
    try:
        return classify_algebraic(landscape, point, polynomial=poly), None
    except SymlandscapeError as exc:
        return None, " ".join(str(exc).split())


def _enclosure_verdict(landscape, poly, point, value):
    """``(verdict, None)`` with a verified enclosure certificate, or ``(None, reason)``."""
    from .algebraic_classify import classify_enclosure
    from .errors import SymlandscapeError

    try:
        return classify_enclosure(landscape, point, polynomial=poly, value=value), None
    except SymlandscapeError as exc:
        return None, " ".join(str(exc).split())


def _krawczyk_box(point, gradient_terms, hessian_terms):
    prec = algebraic.PRECISION
    while prec <= 1024:
        centres = point.enclosure(prec)
        width = flint.arb(2) ** (-(prec // 3))
        box = [flint.arb(c.mid(), c.rad() + width * (1 + abs(c.mid()))) for c in centres]
        if algebraic.krawczyk(gradient_terms, hessian_terms, box, prec):
            return float(max(2 * b.rad() for b in box))
        prec *= 2
    return None


def _hessian_inertia(point, hessian_terms):
    prec = algebraic.PRECISION
    while prec <= 1024:
        values = point.enclosure(prec)
        with flint.ctx.workprec(prec):
            matrix = [[algebraic.evaluate_arb(e, values) for e in row] for row in hessian_terms]
            counts = algebraic.interval_inertia(matrix)
        if counts is not None:
            return counts
        prec *= 4
    return None


def _summary(landscape, records, complete, box):
    counts = {}
    for r in records:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    summary = {"counts": counts, "least_value": None, "least_value_approx": None, "minima_at_least_value": 0,
               "local_minima": sum(counts.get(k, 0) for k in _MINIMA)}
    coercive, why = coercivity(landscape)
    summary["coercive"] = coercive
    summary["coercivity"] = why
    exact = all(isinstance(r.value, algebraic.AlgebraicNumber) for r in records)
    summary["values_exact"] = exact
    if records:
        if exact:
            least = min((r.value for r in records), key=_SortKey)
            at_least = [r for r in records if r.kind in _MINIMA and r.value == least]
            above = [r for r in records if r.kind in _MINIMA and r.value.compare(least) > 0]
        else:
            # values known by enclosures only: ties cannot be proven, only separations
            least = min((r.value for r in records), key=float)
            above = [r for r in records if r.kind in _MINIMA and _separated_above(r.value, least)]
            at_least = [r for r in records if r.kind in _MINIMA and r not in above]
            summary["values_note"] = ("values are certified enclosures: a local minimum counts as above the least "
                                      "value only when the enclosures separate; ties are not proven equal")
        summary["least_value"] = str(least)
        summary["least_value_approx"] = float(least)
        summary["minima_at_least_value"] = len(at_least)
        summary["spurious_local_minima"] = len(above)
    if complete and coercive and box is None and records and exact:
        summary["global_minimum"] = summary["least_value"]
        summary["global_minimum_reason"] = ("the loss is coercive, so it attains its minimum at a critical point, "
                                            "and the list of real critical points is complete")
    else:
        summary["global_minimum"] = None
        summary["global_minimum_reason"] = (
            "the least critical value is not claimed to be the global minimum: "
            + ("the list is not complete" if not complete else
               "the values are known by enclosures only" if records and not exact else
               "the list is restricted to a box" if box is not None else
               "coercivity was not established" if records else "no real critical point"))
    return summary


def _separated_above(value, least):
    if value is least:
        return False
    try:  # the first enclosures (128 bits) and one refinement: ties never separate, so stop early
        return value.compare(least, max_prec=4 * algebraic.PRECISION) > 0
    except EvaluationError:
        return False


def coercivity(landscape):
    """``(True, reason)`` when the loss is provably coercive from how it is written: a sum of
    nonnegative terms (a positive constant times an even power) and ``c_v v²`` with ``c_v > 0``
    for every parameter, so ``L ≥ min_v c_v ‖θ‖²``; else ``(False, reason)``.

    >>> from symlandscape import Landscape
    >>> coercivity(Landscape.from_expression("(1 - a*b)^2 + a^2/10 + b^2", "a,b"))[0]
    True
    >>> coercivity(Landscape.from_expression("(1 - a*b)^2 + a^2", "a,b"))[0]
    False
    """
    variables = set(landscape.variables)
    penalised = set()

    def visit(term, scale):
        if term.is_Add:
            return all(visit(a, scale) for a in term.args)
        if term.is_Rational:
            return scale * term >= 0
        coefficient, rest = term.as_coeff_Mul()
        if coefficient != 1 or rest != term:
            return visit(rest, scale * coefficient)
        if term.is_Pow and term.exp.is_Integer and term.exp > 0 and term.exp % 2 == 0:
            if term.base in variables and term.exp == 2 and scale > 0:
                penalised.add(term.base)
            return scale > 0
        if term.is_Mul:  # a constant times a sum: distribute
            return False
        return False

    if not visit(sympy.expand(landscape.expression, deep=False, mul=True, power_exp=False, power_base=False,
                              multinomial=False, log=False), sympy.Integer(1)):
        return False, "not established: the loss is not written as a sum of nonnegative terms"
    if penalised != variables:
        left = sorted(str(v) for v in variables - penalised)
        return False, f"not established: no positive quadratic penalty on {', '.join(left[:4])}"
    return True, "the loss is a sum of nonnegative terms with a positive multiple of v^2 for every parameter v"


# -- positive-dimensional critical sets --------------------------------------------------------

def _positive_dimensional(landscape, poly, gradient, n, engine, seed, box, seconds, classify_points):
    from . import msolve

    established, missing = [], []
    start = time.perf_counter()
    leading = None
    if n <= SECOND_COUNT_VARIABLES:
        leading, why = groebner_leading_monomials(gradient, n)
        where, exact = f"a grevlex Groebner basis over QQ (python-flint {flint.__version__})", True
    if leading is not None:
        pass
    elif n <= SECOND_COUNT_RATIONAL_VARIABLES or "msolve" not in seconds:
        xs, polys = _sympy_polys(gradient, n)
        basis = sympy.groebner(polys, *xs, order="grevlex")
        leading = [_leading_grevlex(g, xs) for g in basis.exprs]
        where, exact = "a SymPy grevlex Groebner basis over QQ", True
    else:
        leading = msolve.leading_monomials(gradient, n)
        where, exact = "msolve's grevlex Groebner basis modulo its first prime", False
    dimension, degree = _dimension_degree(leading, n)
    seconds["dimension"] = time.perf_counter() - start
    if dimension <= 0:
        raise EvaluationError("the engine reports infinitely many critical points, but the Groebner basis "
                              f"({where}) has a finite quotient: the two disagree")
    established.append("the critical set is positive-dimensional (infinitely many complex critical points)")
    text = (f"dimension {dimension} and degree {degree}, from the Hilbert polynomial of the leading monomials of "
            f"{where}")
    if exact:
        established.append(text)
    else:
        missing.append(text + " (a modular computation: right unless the prime is unlucky; not certified over QQ)")
    records, sample = _samples(landscape, poly, gradient, n, dimension, engine, seed, box, seconds, classify_points)
    established.extend(sample.established)
    missing.extend(sample.missing)
    missing.append("no finite list is complete here; regularise (weight_decay) or fix a gauge to make it finite")
    summary = {"counts": {}, "least_value": None, "least_value_approx": None, "minima_at_least_value": 0,
               "global_minimum": None,
               "global_minimum_reason": "the critical set is not finite: nothing is claimed about its values",
               "sample_points": len(records), "sample_target": sample.target, "sample_seed": sample.seed}
    for r in records:
        summary["counts"][r.kind] = summary["counts"].get(r.kind, 0) + 1
    return CriticalSet(tuple(landscape.variables), dimension, degree, None, None, None, False, tuple(records),
                       summary, engine, tuple(established), tuple(missing), seed, box, seconds, landscape)


def _inside(point, box):
    """True unless the point is proven outside the box (a coordinate known by enclosure on the
    boundary is kept)."""
    lo, hi = box
    try:
        return all(c.compare(lo) >= 0 and c.compare(hi) <= 0 for c in point.coordinates)
    except EvaluationError:
        return True


def _samples(landscape, poly, gradient, n, dimension, engine, seed, box, seconds, classify_points):
    """Real points on a positive-dimensional critical set (:mod:`symlandscape.sampling`), as records."""
    from .sampling import sample_critical_set

    start = time.perf_counter()
    sample = sample_critical_set(gradient, landscape.variables, dimension, seed=seed,
                                 engine="msolve" if "msolve" in seconds else "auto")
    seconds["sampling"] = time.perf_counter() - start
    start = time.perf_counter()
    records = []
    for point in sample.algebraic_points:
        if box is not None and not _inside(point, box):
            continue
        if point.is_rational:
            value, _ = _point_value(point, poly)
            evidence = ["critical: exact (the gradient is 0 at the rational point)"]
            kind, inertia, verified, verdict = "undetermined", None, False, None
            if classify_points:
                rational = [sympy.Rational(int(c.value.p), int(c.value.q)) for c in point.coordinates]
                kind, inertia, verified, verdict, note = _exact_classification(landscape, rational, seed, True)
                evidence.append(note)
            else:
                evidence.append("not classified (classify_points=False)")
            records.append(CriticalPoint(tuple(point.coordinates), value, kind, inertia, verified, tuple(evidence),
                                         point, verdict))
            continue
        # the Hessian is singular on a positive-dimensional set: neither certificate at an
        # irrational point (both need a nonsingular Hessian) applies, so none is attempted
        value, note = _point_value(point, poly)
        evidence = ("critical: exact (each gradient component reduces to 0 modulo the field polynomial)",
                    *([note] if note else []),
                    "kind: not classified (an irrational point of a positive-dimensional critical set: the Hessian "
                    "is singular there, and the certificates at irrational points need a nonsingular one)")
        records.append(CriticalPoint(tuple(point.coordinates), value, "undetermined", None, False, evidence, point,
                                     None))
    seconds["sample classification"] = time.perf_counter() - start
    return records, sample


# -- piecewise losses: the faces of the hinge arrangement ------------------------------------

def _piecewise(landscape, box, method, seed, classify_points):
    """The critical set of a loss with relu-type units of affine arguments (:mod:`symlandscape.arrangement`)."""
    from . import arrangement

    if len(landscape.variables) == 0:
        raise InvalidArgument("the landscape has no variables: there is nothing to solve")
    seconds = {}
    start = time.perf_counter()
    units, faces, results = arrangement.piecewise_critical(landscape, box=box, method=method, seed=seed)
    seconds["faces and solve"] = time.perf_counter() - start
    start = time.perf_counter()
    labels = [str(h.unit) for h in units]
    records, components, missing = [], [], []
    engines = sorted({r.method for r in results if r.method != "linear"})
    for r in results:
        face = _face_dict(r.face, units)
        for point, extra in r.points:
            records.append(_piecewise_record(landscape, point, extra, face, seed, classify_points))
        for c in r.components:
            components.append(_component_dict(landscape, c, units, seed, classify_points, box))
        missing += r.open_questions
    seconds["classification"] = time.perf_counter() - start
    records.sort(key=lambda r: (float(r.value), [float(c) for c in r.coordinates]))
    components.sort(key=lambda c: (c["value_approx"], c["face"]["signs"]))
    regions = sum(1 for f in faces if f.is_region)
    described = not missing
    established = [
        f"the arrangement of the {len(units)} hinge unit(s) has {regions} activation region(s) and {len(faces)} "
        "face(s) in all" + (" meeting the box" if box is not None else "") + ", each found nonempty by an exact "
        "linear program (simplex over QQ) and every other sign vector cut as empty",
        "on each face the critical points of the loss restricted to the face's affine span were solved exactly, "
        "kept when they lie in the face (exact signs), and, on a kink, kept when 0 is a convex combination of the "
        "adjacent pieces' gradients (Clarke's condition, exact weights)",
        "the faces partition the space: no point is found twice"]
    if described:
        established.append("every face was solved: the critical set"
                           + (" within the box" if box is not None else "")
                           + " is exactly the listed points" + (" and components" if components else ""))
    if components:
        missing.append(f"{len(components)} component(s) of critical points are positive-dimensional: the critical "
                       "set is not a finite list (each component is described: a sample point, spanning directions, "
                       "the face's sign conditions and its constant value)")
    complete = described and not components
    counts = {}
    for r in records:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    summary = {"counts": counts, "components": len(components),
               "local_minima": sum(counts.get(k, 0) for k in _MINIMA)}
    values = [(r.value, r) for r in records] + [
        (algebraic.AlgebraicNumber.rational(flint.fmpq(*(int(x) for x in (c["value"] + "/1").split("/")[:2]))), c)
        for c in components]
    summary["least_value"] = summary["least_value_approx"] = None
    summary["minima_at_least_value"] = 0
    if values and all(isinstance(v, algebraic.AlgebraicNumber) for v, _ in values):
        least = min((v for v, _ in values), key=_SortKey)
        summary["least_value"] = str(least)
        summary["least_value_approx"] = float(least)
        summary["minima_at_least_value"] = sum(1 for v, r in values if isinstance(r, CriticalPoint)
                                               and r.kind in _MINIMA and v == least)
        summary["components_at_least_value"] = sum(1 for v, c in values if isinstance(c, dict) and v == least)
        summary["least_value_is_over"] = ("every critical point (points and components)" if described else
                                          "the points and components found; the critical set is not fully described")
    if not described and not any(r.values_unknown for r in results):
        # every open face carries a finite superset of its critical values: a sound lower bound on all of them
        candidates = [v for v, _ in values] + [v for r in results for v in r.candidate_values]
        if candidates:
            lower = min(candidates, key=_SortKey)
            summary["critical_values_at_least"] = str(lower)
            summary["critical_values_at_least_reason"] = (
                "every critical value is a listed value or a real root of an open face's eliminating polynomial "
                "(the critical values of a polynomial are finitely many); the bound may not be attained")
    coercive, why = coercivity(landscape)
    summary["coercive"], summary["coercivity"] = coercive, why
    summary["global_minimum"] = None
    if described and coercive and box is None and values and summary["least_value"] is not None:
        summary["global_minimum"] = summary["least_value"]
        summary["global_minimum_reason"] = ("the loss is coercive, so it attains its minimum at a critical point, "
                                            "and the critical set is fully described")
    else:
        summary["global_minimum_reason"] = (
            "the least critical value is not claimed to be the global minimum: "
            + ("the critical set is not fully described" if not described else
               "the search is restricted to a box" if box is not None else
               "no critical point" if not values else
               "coercivity was not established, so the minimum may not be attained"))
    for r in records:
        if r.kind == "undetermined":
            missing.append("the kind of some points is undetermined (see each point's evidence)")
            break
    engine = "activation regions by an exact simplex over QQ; faces solved as linear systems" + (
        f" and by {', '.join(engines)}" if engines else "")
    dimension = max((c["dimension"] for c in components), default=0)
    info = {"hinge_units": labels, "regions": regions, "faces": len(faces),
            "faces_with_points": sum(1 for r in results if r.points),
            "faces_with_components": sum(1 for r in results if r.components)}
    return CriticalSet(tuple(landscape.variables), dimension, None, None, None,
                       len(records) if complete else None, complete, tuple(records), summary, engine,
                       tuple(established), tuple(missing), seed, box, seconds, landscape,
                       tuple(components), info, described)


def _face_dict(face, units):
    from .arrangement import _face_label, signs_text

    return {"signs": signs_text(face.signs), "description": _face_label(units, face)}


def _exact_classification(landscape, rational, seed, classify_points):
    """``(kind, inertia, verified, verdict, evidence)`` at a rational point: classify, then verify."""
    from .classify import classify
    from .verify import verify

    if not classify_points:
        return "undetermined", None, False, None, "not classified (classify_points=False)"
    verdict = classify(landscape, rational, seed=seed, global_search="off")
    verified = bool(verdict.verified and verify(verdict.certificate, landscape))
    return (verdict.kind, verdict.hessian_inertia, verified, verdict,
            "kind: classify + verify (exact certificate)" if verified else "kind: classify could not certify a verdict")


def _piecewise_record(landscape, point, extra, face, seed, classify_points):
    evidence = [f"critical: exact (face {face['signs']}: the restricted critical system solved exactly, the point "
                "inside the face by exact signs)"]
    if isinstance(extra, CriticalPoint):  # an irrational point: its record from the engine (inside a region) or
        # from the exact sign test of Clarke's condition (on one kink)
        return CriticalPoint(tuple(point), extra.value, extra.kind, extra.hessian_inertia, extra.verified,
                             tuple(evidence) + tuple(e for e in extra.evidence
                                                     if e.startswith(("kind", "isolated", "Clarke"))),
                             extra.point, extra.verdict, face)
    if extra is not None:
        evidence.append("Clarke: 0 = " + " + ".join(f"{w}·∇L[{pattern}]" for pattern, w in extra.items())
                        + ", a convex combination of the gradients of adjacent pieces (L[signs]: the piece of that "
                        "sign pattern), exactly")
    rational = [sympy.Rational(int(c.p), int(c.q)) for c in point]
    value = landscape.value(rational)
    kind, inertia, verified, verdict, note = _exact_classification(landscape, rational, seed, classify_points)
    evidence.append(note)
    return CriticalPoint(tuple(algebraic.AlgebraicNumber.rational(c) for c in point),
                         algebraic.AlgebraicNumber.rational(flint.fmpq(int(value.p), int(value.q))),
                         kind, inertia, verified, tuple(evidence), None, verdict, face)


def _component_dict(landscape, component, units, seed, classify_points, box=None):
    from .exact import format_rational

    sample = component["point"]
    rational = [sympy.Rational(int(c.p), int(c.q)) for c in sample]
    kind, inertia, verified, _, note = _exact_classification(landscape, rational, seed, classify_points)
    value = component["value"]
    return {"face": _face_dict(component["face"], units), "dimension": component["dimension"],
            "point": [format_rational(c) for c in sample],
            "directions": [[format_rational(c) for c in d] for d in component["directions"]],
            "description": ("the points point + Σ y_j directions_j (y real) that lie in the face: every hinge "
                            "sign as in the face's signs" + ("" if box is None else
                                                            f", and every coordinate in [{box[0]}, {box[1]}]")),
            "value": format_rational(value), "value_approx": float(value),
            "clarke_weights": (None if "weights" not in component else
                               {k: format_rational(w) for k, w in component["weights"].items()}),
            "sample_kind": kind, "sample_hessian_inertia": inertia, "sample_verified": verified,
            "evidence": ["the loss is constant on the component: its piece is quadratic and critical along it",
                         note + " (at the sample point)"]}


# -- rendering ---------------------------------------------------------------------------------

def _render_text(s):
    lines = [f"variables:      {', '.join(str(v) for v in s.variables)}",
             f"method:         {s.method}"]
    if s.arrangement is not None:
        info = s.arrangement
        lines += ["hinge units:    " + "; ".join(f"{i} {u}" for i, u in enumerate(info["hinge_units"], 1)),
                  f"arrangement:    {info['regions']} activation regions, {info['faces']} faces"
                  + (f" meeting the box [{s.box[0]}, {s.box[1]}]" if s.box else ""),
                  f"critical set:   {len(s.points)} points, {len(s.components)} positive-dimensional components"
                  + (f" (largest dimension {s.dimension})" if s.components else ""),
                  f"complete:       {'true' if s.complete else 'false'}",
                  f"described:      {'true: every face was solved' if s.described else 'false: see below'}"]
    elif s.dimension > 0:
        lines += [f"critical set:   positive-dimensional: dimension {s.dimension}, degree {s.degree}",
                  "complete:       false"]
        if s.points:
            lines.append(f"sample points:  critical points of the squared distance to p = {s.summary.get('sample_target')} "
                         "on the critical set (not the whole set)")
    else:
        lines += [f"complex count:  {s.complex_count} (with multiplicity; {s.distinct_complex_count} distinct)",
                  f"real count:     {s.real_count}" + (f" ({len(s.points)} in the box [{s.box[0]}, {s.box[1]}])"
                                                       if s.box else ""),
                  f"complete:       {'true' if s.complete else 'false'}"]
    if s.points:
        header = ["#", "point", "value", "kind", "inertia (+,-,0)", "verified"]
        faces = s.arrangement is not None
        if faces:
            header.append("face")
        rows = []
        for i, p in enumerate(s.points, 1):
            inertia = ("-" if p.hessian_inertia is None else
                       f"{p.hessian_inertia['positive']},{p.hessian_inertia['negative']},{p.hessian_inertia['zero']}")
            point = "(" + ", ".join(_short_number(c) for c in p.coordinates) + ")"
            rows.append([str(i), point, _short_number(p.value), p.kind, inertia, "yes" if p.verified else "no"]
                        + ([p.face["signs"]] if faces else []))
        lines.append("")
        lines += _table(header, rows)
        irrational = [(i, p) for i, p in enumerate(s.points, 1)
                      if not p.is_rational and isinstance(p.value, algebraic.AlgebraicNumber)]
        enclosed = [i for i, p in enumerate(s.points, 1) if not isinstance(p.value, algebraic.AlgebraicNumber)]
        if enclosed:
            lines.append("")
            lines.append(f"points {_ranges(enclosed)}: coordinates and values are certified enclosures (interval "
                         "arithmetic on the rational parametrization; no exact minimal polynomial at this size)")
        if irrational:
            lines.append("")
            lines.append("exact coordinates of the irrational points (~ marks an approximation above):")
            for i, p in irrational:
                for v, c in zip(s.variables, p.coordinates):
                    if not c.is_rational:
                        lines.append(f"  #{i} {v} = {c}")
                if not p.value.is_rational:
                    lines.append(f"  #{i} value = {p.value}")
    if s.components:
        lines.append("")
        lines.append("components (the points sample + span(directions) inside the face; the loss is constant on each):")
        rows = [[str(i), c["face"]["signs"], str(c["dimension"]), "(" + ", ".join(c["point"]) + ")",
                 "; ".join("(" + ", ".join(d) + ")" for d in c["directions"]), c["value"], c["sample_kind"]]
                for i, c in enumerate(s.components, 1)]
        lines += _table(["#", "face", "dim", "sample point", "directions", "value", "kind at the sample"], rows)
    if s.arrangement is not None and s.points or s.components:
        lines.append("face signs: one per hinge unit, in the order above (+ plus branch, - minus branch, 0 on "
                     "the kink)")
    summary = s.summary
    lines.append("")
    if summary.get("counts"):
        lines.append("summary:        " + ", ".join(f"{k} {v}" for k, v in sorted(summary["counts"].items())))
    if summary.get("least_value") is not None:
        lines.append(f"least value:    {_short_number_text(summary['least_value'], summary['least_value_approx'])}"
                     f", attained by {summary['minima_at_least_value']} local minima"
                     + (f" and {summary['components_at_least_value']} components"
                        if summary.get("components_at_least_value") else "")
                     + ("" if summary.get("values_exact", True) else " (ties within enclosures, not proven equal)")
                     + (f"; over {summary['least_value_is_over']}" if "least_value_is_over" in summary else ""))
    if summary.get("critical_values_at_least") is not None:
        lines.append(f"critical values: every one is at least "
                     f"{_short_number_text(summary['critical_values_at_least'], 0.0)} (a bound from the eliminating "
                     "polynomials of the open faces; it may not be attained)")
    if summary.get("global_minimum") is not None:
        lines.append(f"global minimum: {summary['global_minimum_reason']}")
    elif summary.get("global_minimum_reason"):
        lines.append(f"global minimum: {summary['global_minimum_reason']}")
    lines.append("established:")
    lines += [f"  - {e}" for e in s.established]
    if s.not_established:
        lines.append("not established:")
        lines += [f"  - {e}" for e in s.not_established]
    return "\n".join(lines)


def _table(header, rows):
    widths = [max(len(r[k]) for r in rows + [header]) for k in range(len(header))]
    return (["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(), "  ".join("-" * w for w in widths)]
            + ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows])


def _ranges(indices):
    return f"#{indices[0]}-#{indices[-1]}" if indices == list(range(indices[0], indices[-1] + 1)) else \
        ", ".join(f"#{i}" for i in indices)


def _short_number(number):
    return str(number) if number.is_rational and len(str(number)) <= 16 else f"~{float(number):.6g}"


def _short_number_text(text, approx):
    return text if len(text) <= 24 else f"~{approx:.6g} ({text})"


def _latex_number(number):
    if number.is_rational:
        from .notation import number as exact

        return exact(number.to_sympy())
    lo, hi = number.interval()
    x = sympy.Symbol("x")
    poly = sympy.Poly([int(c) for c in reversed(number.minimal_polynomial.coeffs())], x).as_expr()
    return rf"\text{{root of }} {sympy.latex(poly)} \in [{lo}, {hi}]"


#: Rows of the worked example's table; a longer list is in the JSON output.
_LARGEST_TABLE = 40


def _render_worked(s, fmt):
    """The critical set as a worked example (:mod:`symlandscape.document`)."""
    from . import notation
    from .document import Document, Math

    doc = Document()
    doc.heading("All the critical points", level=2)
    landscape = s.landscape
    if landscape is not None:
        lines, _ = notation.loss_lines(landscape)
        doc.paragraph("The loss is")
        doc.display(*lines)
        symbols = landscape.variables
        if len(symbols) <= 4 and s.arrangement is None:
            names = notation.symbol_names(symbols)
            doc.paragraph("Its critical points solve")
            doc.display(*[rf"\partial L / \partial {notation.symbol(v.name)} = "
                          + sympy.latex(sympy.expand(sympy.diff(landscape.expression, v)), symbol_names=names) + " = 0"
                          for v in symbols])
    if s.arrangement is not None:
        info = s.arrangement
        doc.paragraph(f"The loss is a polynomial on each activation region of its {len(info['hinge_units'])} hinge "
                      f"units: {info['regions']} regions and {info['faces']} faces in all. On each face the critical "
                      "points of the loss restricted to the face were solved exactly, and on a kink a point is kept "
                      "when 0 is a convex combination of the adjacent pieces' gradients (Clarke). "
                      f"Found: {len(s.points)} points and {len(s.components)} positive-dimensional components"
                      + ("; every face was solved." if s.described else "; some faces were not fully solved."))
        if s.components:
            doc.table(["", "face", "dimension", "sample point", "value", "kind at the sample"],
                      [(str(i), c["face"]["signs"], str(c["dimension"]), Math("(" + ", ".join(c["point"]) + ")"),
                        Math(c["value"]), c["sample_kind"].replace("_", " ")) for i, c in enumerate(s.components, 1)],
                      align="rlrlll")
    elif s.dimension > 0:
        doc.paragraph(f"The critical set is infinite: it has dimension {s.dimension} and degree {s.degree} over the "
                      "complex numbers. No finite list of its points is complete."
                      + (f" The points below are samples: critical points of the squared distance to "
                         f"p = {s.summary.get('sample_target')} on the critical set, chosen to meet every component "
                         "whose nearest point to p is a smooth point of the set's dimension (what was and was not "
                         "proven is listed below)." if s.points else ""))
    else:
        doc.paragraph(f"There are {s.complex_count} complex critical points counted with multiplicity "
                      f"({s.distinct_complex_count} distinct), of which {s.real_count} are real"
                      + (f" ({len(s.points)} in the box)" if s.box else "") + f"; engine: {s.method}.")
    if s.points:
        rows, irrational = [], []
        for i, p in enumerate(s.points[:_LARGEST_TABLE], 1):
            point = "(" + ", ".join(_approximate_latex(c) for c in p.coordinates) + ")"
            irrational += [(i, v, c) for v, c in zip(s.variables, p.coordinates) if not c.is_rational]
            inertia = ("none" if p.hessian_inertia is None else
                       f"{p.hessian_inertia['positive']}, {p.hessian_inertia['negative']}, {p.hessian_inertia['zero']}")
            rows.append((str(i), Math(point), Math(_approximate_latex(p.value)), p.kind.replace("_", " "), inertia,
                         "yes" if p.verified else "no"))
        doc.table(["", "point", "value", "kind", "inertia (+, −, 0)", "verified"], rows, align="rllllc")
        if irrational:
            doc.paragraph("≈ marks a coordinate or value shown to six digits; each is an exact algebraic number. "
                          "The coordinates, by their minimal polynomial and an isolating interval:")
            shown = irrational[:12]
            doc.display(*[rf"\#{i}:\ {notation.symbol(str(v))} = {_latex_number(c)}" for i, v, c in shown])
            if len(irrational) > len(shown):
                doc.paragraph(f"The other {len(irrational) - len(shown)} are in the JSON output.", small=True)
        if len(s.points) > _LARGEST_TABLE:
            doc.paragraph(f"The first {_LARGEST_TABLE} of the {len(s.points)} points are shown; the JSON output "
                          "lists them all.", small=True)
    doc.paragraph("Established:")
    doc.items(*s.established)
    if s.not_established:
        doc.paragraph("Not established:")
        doc.items(*s.not_established)
    reason = s.summary.get("global_minimum_reason") if s.summary.get("global_minimum") is not None else None
    if reason:
        doc.paragraph(reason)
    return doc.render(fmt)


def _approximate_latex(number):
    return _latex_number(number) if number.is_rational else rf"\approx {float(number):.6g}"


# -- the command line --------------------------------------------------------------------------

def add_arguments(parser, options):
    """The options of ``symlandscape critical``."""
    options.landscape(parser, point=False)
    parser.add_argument("--box", default=None, help="keep the points with every coordinate in [lo, hi]: lo,hi")
    parser.add_argument("--method", choices=METHODS, default="auto", help="the engine (default: msolve if installed)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the engine's random choices (default 0)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    options.budget(parser)


def run_command(args):
    """Run ``symlandscape critical``; return (text, exit code)."""
    from .landscape import Landscape

    if args.seed < 0:
        raise InvalidArgument(f"--seed={args.seed} must be a non-negative integer")
    landscape = Landscape.from_expression(args.loss, args.vars)
    result = critical_points(landscape, box=args.box, method=args.method, seed=args.seed)
    return result.render(args.format), 0
