"""Real algebraic numbers and points: defining polynomials, isolating intervals, certified enclosures.

A real algebraic number is held canonically as its minimal polynomial over QQ (primitive,
integral, positive leading coefficient) and the index of the root among that polynomial's
real roots in increasing order.  Two numbers are equal exactly when both parts agree, so
equality is exact; order is decided by refining isolating intervals, which must separate
distinct numbers.  Isolation uses flint's certified root finder
(``arb_fmpz_poly_complex_roots``: real roots come back with an exactly zero imaginary part).

A real algebraic *point* is a rational parametrization ``x_i = q_i(t)``, ``t`` a real root of
an irreducible ``g``.  :func:`krawczyk` re-proves, in interval arithmetic alone, that a box
holds exactly one zero of a square polynomial system (R. Krawczyk, "Newton-Algorithmen zur
Bestimmung von Nullstellen mit Fehlerschranken", Computing 4, 1969; R. E. Moore, "A test
for existence of solutions to nonlinear systems", SIAM J. Numer. Anal. 14, 1977), and
:func:`interval_inertia` certifies the inertia of a symmetric matrix known by enclosures
(a congruence ``L D Lᵀ`` whose pivots have certified signs: Sylvester's law of inertia).
"""

from __future__ import annotations

import contextlib
import functools

import flint
import sympy

from .errors import EvaluationError

__all__ = ["AlgebraicNumber", "ParametrizedNumber", "AlgebraicPoint", "krawczyk", "interval_inertia", "real_roots",
           "evaluate_arb", "polynomial_mod"]

#: Precision (bits) of the first enclosures; refinement doubles it up to MAX_PRECISION.
PRECISION = 128
MAX_PRECISION = 8192
#: Above this degree of the defining polynomial, numbers are given by their parametrization and
#: certified enclosures, without an exact minimal polynomial (a charpoly of that size is too slow).
EXACT_DEGREE = 64


def _primitive(poly):
    """``poly`` (fmpq_poly) as a primitive fmpz_poly with positive leading coefficient."""
    numer = flint.fmpz_poly(poly.numer()) if isinstance(poly, flint.fmpq_poly) else flint.fmpz_poly(poly)
    coeffs = [int(c) for c in numer.coeffs()]
    content = 0
    for c in coeffs:
        content = _gcd(content, abs(c))
    if content > 1:
        coeffs = [c // content for c in coeffs]
    if coeffs and coeffs[-1] < 0:
        coeffs = [-c for c in coeffs]
    return flint.fmpz_poly(coeffs)


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def _complex_isolation(poly, prec):
    """The real roots of ``poly``, increasing, from flint's certified isolation of all its complex roots."""
    with flint.ctx.workprec(prec):
        roots = [r.real for r, _ in poly.complex_roots() if r.imag.is_zero()]
    return tuple(sorted(roots, key=lambda r: r.mid()))


@functools.lru_cache(maxsize=1024)
def _isolation(coeffs):
    """The real roots of the integer polynomial, isolated once (seconds for a large polynomial);
    refined on demand by :func:`_newton_refine`."""
    return _complex_isolation(flint.fmpz_poly(list(coeffs)), PRECISION)


_BEST = {}  # coefficients -> the tightest enclosures of the real roots found so far


def _refined_roots(coeffs, prec):
    """The real roots enclosed to ``prec`` bits (relative), from the tightest enclosures so far."""
    poly = flint.fmpz_poly(list(coeffs))
    best = list(_BEST.get(coeffs) or _isolation(coeffs))
    target = flint.arb(2) ** (-prec)
    for i, r in enumerate(best):
        if not r.rad() <= target * (1 + abs(r.mid())):
            # Newton overshoots the target (quadratic convergence): later requests reuse it
            best[i] = _newton_refine(poly, r, prec)
            if best[i] is None:
                return _complex_isolation(poly, prec)
    if len(_BEST) > 256:
        _BEST.clear()
    _BEST[coeffs] = tuple(best)
    return tuple(best)


def _newton_refine(poly, root, prec):
    """A tighter enclosure of the one root of ``poly`` in the ball ``root``, or None.

    Interval Newton: with ``m`` the centre of X and ``f'`` nonzero on X, the root lies in
    ``m − f(m)/f'(X)``; intersecting with X keeps it, and the width shrinks quadratically.
    """
    # f(m) near a root cancels about as many bits as the coefficients have: evaluate with them
    bits = max(abs(int(c)).bit_length() for c in poly.coeffs())
    with flint.ctx.workprec(prec + bits + 32):
        f, df = flint.arb_poly(poly), flint.arb_poly(poly.derivative())
        x = root
        target = flint.arb(2) ** (-prec) * (1 + abs(x.mid()))
        for _ in range(64):
            slope = df(x)
            if slope.contains(0):
                return None
            m = flint.arb(x.mid())
            step = m - f(m) / slope
            if not step.overlaps(x):
                return None
            narrower = step.intersection(x)
            if narrower.rad() <= target:
                return narrower
            if not narrower.rad() < x.rad():
                return None
            x = narrower
    return None


def real_roots(poly, prec=PRECISION):
    """Certified enclosures of the real roots of a squarefree integer polynomial, increasing.

    >>> [r.mid() for r in real_roots(flint.fmpz_poly([-2, 0, 1]), 32)]  # doctest: +ELLIPSIS
    [[-1.41421356...], [1.41421356...]]
    >>> real_roots(flint.fmpz_poly([-2, 0, 1]), 512)[1].rad() < flint.arb(2) ** -500
    True
    """
    return _refined_roots(tuple(int(c) for c in flint.fmpz_poly(poly).coeffs()), prec)


def _coefficient_bits(poly):
    """The bits of the largest numerator and of the denominator of an ``fmpq_poly`` (or ``fmpz_poly``)."""
    poly = flint.fmpq_poly(poly)
    numerators = poly.numer().coeffs()
    return max((abs(int(c)).bit_length() for c in numerators), default=0) + int(poly.denom()).bit_length()


def _arb(value):
    if isinstance(value, flint.arb):
        return value
    q = flint.fmpq(value)
    return flint.arb(q)


def _horner(poly, x):
    """An ``fmpq_poly`` or ``fmpz_poly`` at an ``arb``, at the working precision (flint's
    ``arb_poly``: each coefficient rounded to an enclosing ball, then a certified evaluation)."""
    return flint.arb_poly(poly)(x)


def evaluate_arb(terms, values):
    """A polynomial given as ``{exponents: coefficient}`` at arb ``values``."""
    total = flint.arb(0)
    for exps, c in terms.items():
        term = _arb(flint.fmpq(c))
        for v, e in zip(values, exps):
            for _ in range(e):  # not v**e: arb's real power is NaN on a ball that meets 0
                term = term * v
        total += term
    return total


def polynomial_mod(mpoly_terms, coordinates, modulus):
    """The polynomial ``{exponents: c}`` at ``x_i = coordinates[i](t)``, reduced modulo ``modulus``."""
    powers = [{1: c % modulus} for c in coordinates]

    def power(i, e):
        table = powers[i]
        if e not in table:
            table[e] = (power(i, e - 1) * table[1]) % modulus
        return table[e]

    total = flint.fmpq_poly(0)
    for exps, c in mpoly_terms.items():
        term = flint.fmpq_poly([flint.fmpq(c)])
        for i, e in enumerate(exps):
            if e:
                term = (term * power(i, e)) % modulus
        total += term
    return total % modulus


class AlgebraicNumber:
    """A real algebraic number: minimal polynomial and the index of its real root (from 0, increasing).

    >>> a = AlgebraicNumber.from_polynomial(flint.fmpq_poly([-2, 0, 1]), 1)   # sqrt(2)
    >>> str(a), a.is_rational
    ('root of x^2 - 2 in [1.41421356, 1.41421357]', False)
    >>> a > 1 and a < AlgebraicNumber.rational(3, 2)
    True
    """

    __slots__ = ("minimal_polynomial", "index", "_rational")

    def __init__(self, minimal_polynomial, index):
        self.minimal_polynomial = minimal_polynomial  # irreducible fmpz_poly, primitive, leading > 0
        self.index = index
        self._rational = None
        if minimal_polynomial.degree() == 1:
            b, a = (int(c) for c in minimal_polynomial.coeffs())
            self._rational = flint.fmpq(-b, a)

    @classmethod
    def rational(cls, p, q=1):
        value = flint.fmpq(p, q) if not isinstance(p, flint.fmpq) else p
        return cls(_primitive(flint.fmpq_poly([-value, 1])), 0)

    @classmethod
    def from_polynomial(cls, poly, index):
        """Root number ``index`` (increasing) of the real roots of an irreducible polynomial."""
        poly = _primitive(poly)
        return cls(poly, index)

    @property
    def is_rational(self):
        return self._rational is not None

    @property
    def value(self):
        """The exact rational (``fmpq``); only for a rational number."""
        if self._rational is None:
            raise EvaluationError("this algebraic number is not rational")
        return self._rational

    def enclosure(self, prec=PRECISION):
        """A certified ``arb`` enclosure."""
        if self._rational is not None:
            return flint.arb(self._rational)
        return real_roots(self.minimal_polynomial, prec)[self.index]

    def interval(self, digits=8):
        """An isolating interval ``[lo, hi]`` with decimal rational ends, as text."""
        prec = PRECISION
        while True:
            box = self.enclosure(prec)
            lo, hi = _decimal_floor(box.lower(), digits), _decimal_ceil(box.upper(), digits)
            # the decimal interval must still isolate the root among the polynomial's real roots
            others = [r for i, r in enumerate(real_roots(self.minimal_polynomial, prec)) if i != self.index]
            if all(r.upper() < flint.arb(lo) or r.lower() > flint.arb(hi) for r in others):
                return lo, hi
            digits += 4
            prec *= 2

    def __float__(self):
        return float(self.enclosure().mid())

    def __eq__(self, other):
        if isinstance(other, ParametrizedNumber):
            return False
        if not isinstance(other, AlgebraicNumber):
            other = AlgebraicNumber.rational(flint.fmpq(other))
        return self.index == other.index and self.minimal_polynomial == other.minimal_polynomial

    def __hash__(self):
        return hash((str(self.minimal_polynomial), self.index))

    def compare(self, other):
        """-1, 0 or 1, exactly."""
        if isinstance(other, ParametrizedNumber):
            return -other.compare(self)
        if not isinstance(other, AlgebraicNumber):
            other = AlgebraicNumber.rational(flint.fmpq(other))
        if self == other:
            return 0
        return _separate(self.enclosure, other.enclosure, MAX_PRECISION * 4, 2,
                         "two distinct algebraic numbers could not be separated")

    def __lt__(self, other):
        return self.compare(other) < 0

    def __gt__(self, other):
        return self.compare(other) > 0

    def __le__(self, other):
        return self.compare(other) <= 0

    def __ge__(self, other):
        return self.compare(other) >= 0

    def sign(self):
        return self.compare(0)

    def polynomial_text(self, variable="x"):
        x = sympy.Symbol(variable)
        coeffs = [int(c) for c in self.minimal_polynomial.coeffs()]
        return sympy.sstr(sum(c * x**k for k, c in enumerate(coeffs))).replace("**", "^")

    def __str__(self):
        if self._rational is not None:
            return _fmpq_text(self._rational)
        lo, hi = self.interval()
        return f"root of {self.polynomial_text()} in [{lo}, {hi}]"

    def __repr__(self):
        return f"AlgebraicNumber({self})"

    def to_sympy(self):
        """A SymPy number: a Rational, or ``CRootOf`` of the minimal polynomial."""
        if self._rational is not None:
            return sympy.Rational(int(self._rational.p), int(self._rational.q))
        x = sympy.Symbol("x")
        poly = sympy.Poly([int(c) for c in reversed(self.minimal_polynomial.coeffs())], x)
        return sympy.CRootOf(poly, self.index)


def _fmpq_text(q):
    q = flint.fmpq(q)
    return str(int(q.p)) if q.q == 1 else f"{int(q.p)}/{int(q.q)}"


def _decimal_floor(x, digits):
    q = flint.fmpq(*_mid_rational(x)) * 10**digits
    return _decimal_text(flint.fmpq(int(q.p) // int(q.q), 10**digits), digits)


def _decimal_ceil(x, digits):
    q = flint.fmpq(*_mid_rational(x)) * 10**digits
    return _decimal_text(flint.fmpq(-((-int(q.p)) // int(q.q)), 10**digits), digits)


def _mid_rational(mid):
    man, exp = mid.man_exp()
    man, exp = int(man), int(exp)
    return (man * 2**exp, 1) if exp >= 0 else (man, 2 ** (-exp))


def _decimal_text(value, digits):
    """A rational with denominator dividing 10^digits, as a short decimal string."""
    value = flint.fmpq(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    scale = 10**digits
    n = int(value.p) * (scale // int(value.q))
    whole, frac = divmod(n, scale)
    frac_text = str(frac).rjust(digits, "0").rstrip("0")
    return f"{sign}{whole}.{frac_text}" if frac_text else f"{sign}{whole}"


class ParametrizedNumber:
    """A real number ``r(t)``, ``t`` a real root of a squarefree polynomial too large for an exact
    minimal polynomial: known by the parametrization and certified enclosures only.  Order is
    decided when the enclosures separate; equality is never claimed (``==`` is identity).

    >>> n = ParametrizedNumber(flint.fmpq_poly([0, 1]), flint.fmpz_poly([-2, 0, 1]), 1)
    >>> n.compare(1), n.is_rational
    (1, False)
    """

    def __init__(self, residue, modulus, index, enclose=None, label="coordinate"):
        self.residue, self.modulus, self.index, self.label = residue, modulus, index, label
        self._enclose = enclose  # prec -> arb, when the number is not a residue (a loss value)
        self._enclosures = {}
        self.is_rational = False

    def enclosure(self, prec=PRECISION):
        # sorting and separating values asks for the same few precisions again and again
        if prec not in self._enclosures:
            if self._enclose is not None:
                self._enclosures[prec] = self._enclose(prec)
            else:
                extra = _coefficient_bits(self.residue)
                t = real_roots(self.modulus, prec + extra)[self.index]
                with flint.ctx.workprec(prec + extra):
                    self._enclosures[prec] = _horner(self.residue, t)
        return self._enclosures[prec]

    def interval(self, digits=8):
        box = self.enclosure()
        return _decimal_floor(box.lower(), digits), _decimal_ceil(box.upper(), digits)

    def __float__(self):
        return float(self.enclosure().mid())

    def compare(self, other, max_prec=MAX_PRECISION):
        """-1 or 1 when certified enclosures separate; EvaluationError when they do not (the
        two may be equal: equality of such numbers is not decided)."""
        if other is self:
            return 0
        other_enclosure = other.enclosure if hasattr(other, "enclosure") else (
            lambda prec: flint.arb(flint.fmpq(other)))
        return _separate(self.enclosure, other_enclosure, max_prec, 4,
                         "two numbers known only by enclosures could not be separated (they may be equal)")

    def __str__(self):
        lo, hi = self.interval()
        return (f"{self.label} at real root {self.index} of the degree-"
                f"{self.modulus.degree()} eliminating polynomial, in [{lo}, {hi}]")

    def __repr__(self):
        return f"ParametrizedNumber({self})"


class AlgebraicPoint:
    """A real point ``x_i = q_i(t)``, ``t`` the real root number ``index`` of the irreducible ``g``.

    >>> g = flint.fmpq_poly([-2, 0, 1])                       # t = sqrt(2)
    >>> p = AlgebraicPoint(g, 1, [flint.fmpq_poly([0, 1]), flint.fmpq_poly([3])])
    >>> [str(c) for c in p.coordinates]
    ['root of x^2 - 2 in [1.41421356, 1.41421357]', '3']
    """

    def __init__(self, g, index, coordinates, denominator=None):
        self.g = _primitive(g)
        self.gq = flint.fmpq_poly(self.g)
        self.index = index
        # with a denominator d(t) (nonzero at the roots of g): x_i = coordinates[i](t) / d(t), kept
        # unreduced (inverting d modulo a large g swells the coefficients)
        self.denominator = denominator
        if denominator is None:
            self.q = [flint.fmpq_poly(c) % self.gq for c in coordinates]
        else:
            self.q = [flint.fmpq_poly(c) for c in coordinates]
        self._coordinates = None
        self._enclosures = {}
        self._extra = None

    def sibling(self, index):
        """The point at real root ``index`` of the same ``g``, sharing the coordinate polynomials
        (a parametrization's real points differ only in the root: its polynomials are normalised
        and sized once, not once per point)."""
        other = object.__new__(AlgebraicPoint)
        other.__dict__.update(self.__dict__)
        other.index, other._coordinates, other._enclosures = index, None, {}
        if other._extra is None:
            other._extra = self._extra = self._coefficient_bits()
        return other

    def _coefficient_bits(self):
        return max(_coefficient_bits(c) for c in [*self.q, self.denominator] if c is not None)

    @property
    def is_rational(self):
        return self.denominator is None and all(c.degree() <= 0 for c in self.q)

    def t_enclosure(self, prec=PRECISION):
        return real_roots(self.g, prec)[self.index]

    def enclosure(self, prec=PRECISION):
        """Certified ``arb`` enclosures of the coordinates."""
        if prec in self._enclosures:
            return list(self._enclosures[prec])
        # the coordinates' coefficients may have thousands of bits that cancel at the root: t is
        # enclosed, and the polynomials evaluated, with that many more bits
        if self._extra is None:
            self._extra = self._coefficient_bits()
        t = self.t_enclosure(prec + self._extra)
        with flint.ctx.workprec(prec + self._extra):
            values = [_horner(c, t) if c.degree() > 0 else flint.arb(flint.fmpq(c.coeffs()[0]) if c.coeffs() else 0)
                      for c in self.q]
            if self.denominator is not None:
                d = _horner(self.denominator, t)
                values = [v / d for v in values]
        self._enclosures[prec] = tuple(values)
        return values

    def number(self, residue):
        """The real number ``r(t)`` (``r`` in QQ[t]) as an :class:`AlgebraicNumber`."""
        residue = flint.fmpq_poly(residue) % self.gq
        if residue.degree() <= 0:
            return AlgebraicNumber.rational(flint.fmpq(residue.coeffs()[0]) if residue.coeffs() else flint.fmpq(0))
        if self.g.degree() > EXACT_DEGREE:
            return ParametrizedNumber(residue, self.g, self.index)
        minpoly = _primitive(_minimal_polynomial(residue, self.gq))
        prec = PRECISION
        while prec <= MAX_PRECISION:
            t = self.t_enclosure(prec)
            with flint.ctx.workprec(prec):
                value = _horner(residue, t)
            roots = real_roots(minpoly, prec)
            hits = [i for i, r in enumerate(roots) if r.overlaps(value)]
            if len(hits) == 1:
                return AlgebraicNumber(minpoly, hits[0])
            prec *= 2
        raise EvaluationError("could not identify an algebraic number among the roots of its minimal polynomial")

    @property
    def coordinates(self):
        if self._coordinates is None:
            if self.denominator is None:
                self._coordinates = [self.number(c) for c in self.q]
            else:
                self._coordinates = [ParametrizedNumber(None, self.g, self.index, self._coordinate_enclosure(i))
                                     for i in range(len(self.q))]
        return self._coordinates

    def _coordinate_enclosure(self, i):
        return lambda prec: self.enclosure(prec)[i]


@functools.lru_cache(maxsize=1024)
def _minimal_polynomial_cached(residue_coeffs, g_coeffs):
    residue = flint.fmpq_poly([flint.fmpq(*c) for c in residue_coeffs])
    g = flint.fmpq_poly([flint.fmpq(*c) for c in g_coeffs])
    d = g.degree()
    rows = []
    power = flint.fmpq_poly([1])
    for _ in range(d):
        image = (power * residue) % g
        coeffs = [flint.fmpq(c) for c in image.coeffs()] + [flint.fmpq(0)] * (d - len(image.coeffs()))
        rows.append(coeffs)
        power = (flint.fmpq_poly([0, 1]) * power) % g
    # the multiplication matrix M = N / den with N integral: charpoly_M(x) is proportional to
    # charpoly_N(den x), computed by flint's multimodular integer charpoly
    den = 1
    for row in rows:
        for c in row:
            den = den * int(c.q) // _gcd(den, int(c.q))
    integral = flint.fmpz_mat([[int(c.p) * (den // int(c.q)) for c in row] for row in rows])
    cp = integral.charpoly()
    # g irreducible: the characteristic polynomial is a power of the minimal polynomial
    square_free = cp // cp.gcd(cp.derivative())
    unscaled = flint.fmpz_poly([int(c) * den**k for k, c in enumerate(square_free.coeffs())])
    return tuple(int(c) for c in _primitive(unscaled).coeffs())


def _minimal_polynomial(residue, g):
    """Minimal polynomial of ``residue(t)`` where ``g(t) = 0``, ``g`` irreducible: the squarefree
    part of the characteristic polynomial of multiplication by ``residue`` in QQ[t]/g."""
    key_r = tuple((int(flint.fmpq(c).p), int(flint.fmpq(c).q)) for c in residue.coeffs())
    key_g = tuple((int(flint.fmpq(c).p), int(flint.fmpq(c).q)) for c in g.coeffs())
    return flint.fmpz_poly(list(_minimal_polynomial_cached(key_r, key_g)))


# -- interval proofs ---------------------------------------------------------------------------

@contextlib.contextmanager
def _precision(prec):
    with flint.ctx.workprec(prec):
        yield


def krawczyk(system, jacobian, box, prec=PRECISION):
    """True when the Krawczyk operator maps ``box`` into its interior: then ``box`` holds exactly
    one zero of ``system`` (and the Jacobian is nonsingular there).  ``system``: list of term
    dicts; ``jacobian``: rows of term dicts; ``box``: list of ``arb``.

    >>> sq = [{(2,): 1, (0,): -2}]                            # x^2 - 2
    >>> krawczyk(sq, [[{(1,): 2}]], [flint.arb("1.41 +/- 0.01")])
    True
    >>> krawczyk(sq, [[{(1,): 2}]], [flint.arb("1.3 +/- 0.01")])
    False
    """
    n = len(box)
    with _precision(prec):
        mid = [flint.arb(b.mid()) for b in box]
        f_mid = flint.arb_mat([[evaluate_arb(f, mid)] for f in system])
        j_box = flint.arb_mat([[evaluate_arb(e, box) for e in row] for row in jacobian])
        j_mid = flint.arb_mat([[evaluate_arb(e, mid).mid() for e in row] for row in jacobian])
        try:
            y = j_mid.mid().inv()
        except ZeroDivisionError:
            return False
        y = flint.arb_mat([[flint.arb(y[i, j].mid()) for j in range(n)] for i in range(n)])
        identity = flint.arb_mat([[1 if i == j else 0 for j in range(n)] for i in range(n)])
        delta = flint.arb_mat([[box[i] - mid[i]] for i in range(n)])
        k = flint.arb_mat([[mid[i]] for i in range(n)]) - y * f_mid + (identity - y * j_box) * delta
        for i in range(n):
            inner, outer = k[i, 0], box[i]
            if not (inner.lower() > outer.lower() and inner.upper() < outer.upper()):
                return False
        return True


def interval_inertia(matrix):
    """Inertia ``(positive, negative, zero)`` of a symmetric matrix given by ``arb`` enclosures
    (a list of rows), or ``None`` when the signs cannot be certified (for example when the
    matrix is singular).  A congruence with 1x1 pivots of certified sign, or 2x2 pivots of
    certified negative determinant (one positive and one negative eigenvalue).

    >>> interval_inertia([[flint.arb(0), flint.arb(-2)], [flint.arb(-2), flint.arb(0)]])
    (1, 1, 0)
    >>> interval_inertia([[flint.arb(1), flint.arb(0)], [flint.arb(0), flint.arb("0 +/- 1e-9")]]) is None
    True
    """
    a = [list(row) for row in matrix]
    n = len(a)
    active = list(range(n))
    positive = negative = 0
    while active:
        pivot = None
        for i in active:
            if a[i][i] > 0 or a[i][i] < 0:
                pivot = i
                break
        if pivot is not None:
            d = a[pivot][pivot]
            if d > 0:
                positive += 1
            else:
                negative += 1
            rest = [i for i in active if i != pivot]
            for i in rest:
                for j in rest:
                    a[i][j] = a[i][j] - a[i][pivot] * a[pivot][j] / d
            active = rest
            continue
        pair = None
        for x in active:
            for y in active:
                if x < y:
                    det = a[x][x] * a[y][y] - a[x][y] * a[y][x]
                    if det < 0:
                        pair = (x, y, det)
                        break
            if pair:
                break
        if pair is None:
            return None
        x, y, det = pair
        positive += 1
        negative += 1
        rest = [i for i in active if i not in (x, y)]
        # Schur complement of the 2x2 block B = [[a_xx, a_xy], [a_yx, a_yy]]
        inv = [[a[y][y] / det, -a[x][y] / det], [-a[y][x] / det, a[x][x] / det]]
        for i in rest:
            for j in rest:
                u = [a[i][x], a[i][y]]
                v = [a[x][j], a[y][j]]
                correction = sum(u[r] * inv[r][s] * v[s] for r in range(2) for s in range(2))
                a[i][j] = a[i][j] - correction
        active = rest
    return positive, negative, 0


def _separate(a, b, max_prec, factor, message):
    """-1 or 1: the sign of a − b, from enclosures ``a(prec)``, ``b(prec)`` refined by ``factor``
    from :data:`PRECISION` up to ``max_prec`` bits; EvaluationError (``message``) if they never separate."""
    prec = PRECISION
    while prec <= max_prec:
        x, y = a(prec), b(prec)
        if x < y:
            return -1
        if x > y:
            return 1
        prec *= factor
    raise EvaluationError(message)
