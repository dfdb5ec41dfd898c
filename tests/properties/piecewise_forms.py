"""Piecewise-linear and piecewise-polynomial losses in several equivalent forms, with exact oracles.

Written independently of symlandscape: a loss is held here as a list of terms over affine
arguments and evaluated with ``fractions.Fraction`` only; the same loss is rendered as text for
``Landscape.from_expression`` in several equivalent forms, by identities such as
``relu(z) - relu(-z) = z``, ``abs(z) = relu(z) + relu(-z)``, ``max(a, b) = b + relu(a - b)``,
``min(a, b) = a - relu(a - b)`` and ``leaky_relu(z, s) = s*z + (1 - s)*relu(z)``.  Networks
without biases on scalar samples (``mlp(..., biases=False)``) come with their closed forms.

:func:`piecewise_linear_kind` is an exact oracle for piecewise-linear losses of one or two
variables: near a point such a loss is linear on each sector cut out by the kink lines through
the point (plus the axes), so its directional derivative ``φ(d)`` is exact from two values, its
pieces' gradients are exact from ``φ`` on each sector's two boundary rays, Clarke's
subdifferential is their convex hull, and the point is a local minimum exactly when ``φ >= 0``
on every ray.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------
# exact numbers as text for the expression grammar


def number_text(c):
    c = Fraction(c)
    return str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}"


@dataclass(frozen=True)
class Affine:
    """``coefficients · θ + constant``."""

    coefficients: tuple
    constant: Fraction

    def __call__(self, point):
        return sum((c * x for c, x in zip(self.coefficients, point)), Fraction(0)) + self.constant

    def __sub__(self, other):
        return Affine(tuple(a - b for a, b in zip(self.coefficients, other.coefficients)),
                      self.constant - other.constant)

    def scaled(self, s):
        return Affine(tuple(s * c for c in self.coefficients), s * self.constant)

    def text(self, names):
        parts = [f"{number_text(c)}*{name}" for c, name in zip(self.coefficients, names) if c]
        if self.constant or not parts:
            parts.append(number_text(self.constant))
        return "(" + " + ".join(parts).replace("+ -", "- ") + ")"


# ---------------------------------------------------------------------------------------
# terms: a coefficient times a unit of affine arguments

def _relu(z):
    return max(z, Fraction(0))


#: kind -> equivalent renderings of the unit, as format strings over the argument texts
#: {z}, {a}, {b}, {q} and the slope {s}.  Entry 0 is the plain form.
FORMS = {
    "relu": ("relu({z})", "({z} + abs({z}))/2", "max({z}, 0)", "{z} - min({z}, 0)", "{z} + relu(-{z})",
             "leaky_relu({z}, 0)"),
    "abs": ("abs({z})", "relu({z}) + relu(-{z})", "max({z}, -{z})", "2*relu({z}) - {z}", "{z} - 2*min({z}, 0)"),
    "max": ("max({a}, {b})", "{b} + relu({a} - {b})", "{a} + relu({b} - {a})", "({a} + {b} + abs({a} - {b}))/2",
            "-min(-{a}, -{b})"),
    "min": ("min({a}, {b})", "{a} - relu({a} - {b})", "({a} + {b} - abs({a} - {b}))/2", "-max(-{a}, -{b})",
            "{b} - relu({b} - {a})"),
    "leaky": ("leaky_relu({z}, {s})", "{s}*{z} + (1 - {s})*relu({z})", "relu({z}) - {s}*relu(-{z})",
              "max({z}, {s}*{z})"),  # max(z, s z) = leaky_relu(z, s) for s <= 1 (the slopes drawn)
    "linear": ("{z}", "relu({z}) - relu(-{z})", "max({z}, 0) + min({z}, 0)", "abs({z}) - 2*relu(-{z})"),
    "relu_sq": ("relu({z})^2", "max({z}, 0)^2", "(({z} + abs({z}))/2)^2", "{z}*relu({z})",
                "{z}^2 - relu(-{z})^2"),
    "relu_times": ("{q}*relu({z})", "{q}*({z} + relu(-{z}))", "{q}*max({z}, 0)", "{q}*({z} - min({z}, 0))"),
    "square": ("{z}^2", "{z}*{z}", "abs({z})^2"),
    # relu(relu(z) + q): nested units
    "nested": ("relu(relu({z}) + {q})", "max(relu({z}) + {q}, 0)", "relu(max({z}, 0) + {q})",
               "relu({z} + relu(-{z}) + {q})", "max(max({z}, 0) + {q}, 0)"),
    # relu(s z^2) is s z^2 for s > 0 and 0 for s < 0: one of its regions is the line z = 0
    "relu_square": ("relu({s}*{z}^2)", "max({s}*{z}^2, 0)", "({s}*{z}^2 + abs({s}*{z}^2))/2", "{plain}"),
    # relu(z q): regions bounded by two lines through a point where both vanish
    "relu_product": ("relu({z}*{q})", "max({z}*{q}, 0)", "({z}*{q} + abs({z}*{q}))/2", "{z}*{q} + relu(-{z}*{q})"),
}
PIECEWISE_LINEAR_KINDS = ("relu", "abs", "max", "min", "leaky", "linear", "nested")
PIECEWISE_POLYNOMIAL_KINDS = PIECEWISE_LINEAR_KINDS + ("relu_sq", "relu_times", "square", "relu_square",
                                                       "relu_product")


@dataclass(frozen=True)
class Term:
    kind: str
    coefficient: Fraction
    args: tuple  # (z,), (a, b) for max/min, (z, q) for relu_times, nested and relu_product
    slope: Fraction = Fraction(0)  # leaky_relu's slope, and the sign s of relu_square

    def unit(self, point):
        args = [a(point) for a in self.args]
        if self.kind == "relu":
            return _relu(args[0])
        if self.kind == "abs":
            return abs(args[0])
        if self.kind == "max":
            return max(args)
        if self.kind == "min":
            return min(args)
        if self.kind == "leaky":
            return args[0] if args[0] >= 0 else self.slope * args[0]
        if self.kind == "linear":
            return args[0]
        if self.kind == "relu_sq":
            return _relu(args[0]) ** 2
        if self.kind == "relu_times":
            return args[1] * _relu(args[0])
        if self.kind == "square":
            return args[0] ** 2
        if self.kind == "nested":
            return _relu(_relu(args[0]) + args[1])
        if self.kind == "relu_square":
            return _relu(self.slope * args[0] ** 2)
        if self.kind == "relu_product":
            return _relu(args[0] * args[1])
        raise AssertionError(self.kind)

    def value(self, point):
        return self.coefficient * self.unit(point)

    def kink_lines(self, point):
        """Affine functions vanishing at ``point`` whose zero lines contain this term's kinks near
        it (a superset: an extra line only splits a sector on which the loss is linear)."""
        if self.kind in ("linear", "square"):
            lines = []
        elif self.kind in ("max", "min"):
            lines = [self.args[0] - self.args[1]]
        elif self.kind in ("nested", "relu_product"):
            z, q = self.args
            lines = [z, q, Affine(tuple(a + b for a, b in zip(z.coefficients, q.coefficients)),
                                  z.constant + q.constant)]
        else:
            lines = [self.args[0]]
        return [k for k in lines if k(point) == 0 and any(k.coefficients)]  # 0 itself has no kink

    def on_kink(self, point):
        """Whether some unit of this term has an argument exactly 0 at ``point``."""
        z = self.args[0](point)
        if self.kind in ("linear", "square"):
            return False
        if self.kind in ("max", "min"):
            return self.args[0](point) == self.args[1](point)
        if self.kind == "nested":
            return z == 0 or _relu(z) + self.args[1](point) == 0
        if self.kind == "relu_product":
            return z * self.args[1](point) == 0
        return z == 0

    def _texts(self, names):
        texts = {"z": self.args[0].text(names), "s": f"({number_text(self.slope)})"}
        if self.kind in ("max", "min"):
            texts.update(a=self.args[0].text(names), b=self.args[1].text(names))
        if self.kind in ("relu_times", "nested", "relu_product"):
            texts["q"] = self.args[1].text(names)
        if self.kind == "relu_square":
            texts["plain"] = f"{texts['z']}^2" if self.slope > 0 else "0"
        return texts

    def text(self, names, form):
        forms = FORMS[self.kind]
        return f"({number_text(self.coefficient)})*({forms[form % len(forms)].format(**self._texts(names))})"

    def active_text(self, names, point):
        """The smooth branch this term takes near ``point`` (no kink there)."""
        assert not self.on_kink(point), "active_text needs a point off the kinks"
        t = self._texts(names)
        z = self.args[0](point)
        if self.kind in ("max", "min"):
            side = self.args[0](point) > self.args[1](point)
        elif self.kind == "relu_square":
            side = self.slope > 0
        elif self.kind == "relu_product":
            side = z * self.args[1](point) > 0
        else:
            side = z > 0
        if self.kind == "nested":  # the inner unit's branch, then the outer one's
            inner = t["z"] if side else "0"
            outer_side = _relu(z) + self.args[1](point) > 0
            return f"({number_text(self.coefficient)})*({f'{inner} + ' + t['q'] if outer_side else '0'})"
        branch = {
            "relu": t["z"] if side else "0",
            "abs": t["z"] if side else f"(-{t['z']})",
            "max": t.get("a") if side else t.get("b"),
            "min": t.get("b") if side else t.get("a"),
            "leaky": t["z"] if side else f"{t['s']}*{t['z']}",
            "linear": t["z"],
            "relu_sq": f"{t['z']}^2" if side else "0",
            "relu_times": f"{t.get('q')}*{t['z']}" if side else "0",
            "square": f"{t['z']}^2",
            "relu_square": t.get("plain"),
            "relu_product": f"{t['z']}*{t.get('q')}" if side else "0",
        }[self.kind]
        return f"({number_text(self.coefficient)})*({branch})"


@dataclass(frozen=True)
class PiecewiseForm:
    """A loss ``Σ terms``; ``text(forms)`` renders it with one form index per term."""

    names: tuple
    terms: tuple

    @property
    def variables(self):
        return ",".join(self.names)

    def value(self, point):
        return sum((t.value(point) for t in self.terms), Fraction(0))

    def text(self, forms=None):
        forms = forms or (0,) * len(self.terms)
        return " + ".join(t.text(self.names, f) for t, f in zip(self.terms, forms))

    def smooth_text(self, point):
        return " + ".join(t.active_text(self.names, point) for t in self.terms)

    @property
    def piecewise_linear(self):
        return all(t.kind in PIECEWISE_LINEAR_KINDS for t in self.terms)

    def kinks(self, point):
        """Affine functions vanishing at ``point`` whose lines hold every kink through it."""
        return [k for t in self.terms for k in t.kink_lines(point)]

    def on_kink(self, point):
        return any(t.on_kink(point) for t in self.terms)


# ---------------------------------------------------------------------------------------
# networks without biases on scalar samples, and their closed forms

#: equivalent renderings of relu(u) and leaky_relu(u, s) inside the closed form
NETWORK_FORMS = {
    None: ("relu({u})", "max({u}, 0)", "({u} + abs({u}))/2", "{u} + relu(-{u})", "{u} - min({u}, 0)"),
    "leaky": ("leaky_relu({u}, {s})", "{s}*{u} + (1 - {s})*relu({u})", "relu({u}) - {s}*relu(-{u})",
              "max({u}, {s}*{u})"),
}


@dataclass(frozen=True)
class Network:
    """``1/2 Σ_s (Σ_j v_j σ(w_j x_s) - y_s)^2``: ``mlp([inputs], [targets], hidden=[width], biases=False)``."""

    inputs: tuple
    targets: tuple
    width: int
    slope: Fraction | None = None  # None: relu, else leaky_relu with this slope

    @property
    def names(self):
        # mlp's parameter order: W1 (width x 1) row-major, then W2 (1 x width)
        return tuple(f"W1_{j + 1}_1" for j in range(self.width)) + tuple(f"W2_1_{j + 1}" for j in range(self.width))

    @property
    def variables(self):
        return ",".join(self.names)

    def landscape(self):
        from symlandscape import get_activation, mlp

        activation = "relu" if self.slope is None else get_activation("leaky_relu", slope=self.slope)
        return mlp([list(self.inputs)], [list(self.targets)], hidden=[self.width], biases=False,
                   activation=activation)

    def _sigma(self, u):
        return _relu(u) if self.slope is None else (u if u >= 0 else self.slope * u)

    def value(self, point):
        w, v = point[:self.width], point[self.width:]
        total = Fraction(0)
        for x, y in zip(self.inputs, self.targets):
            out = sum((vj * self._sigma(wj * x) for wj, vj in zip(w, v)), Fraction(0))
            total += (out - y) ** 2
        return total / 2

    def text(self, forms=None):
        table = NETWORK_FORMS[None if self.slope is None else "leaky"]
        forms = itertools.cycle(forms or (0,))
        squares = []
        for x, y in zip(self.inputs, self.targets):
            units = []
            for j in range(self.width):
                u = f"({number_text(x)}*W1_{j + 1}_1)"
                form = table[next(forms) % len(table)].format(u=u, s=f"({number_text(self.slope or 0)})")
                units.append(f"W2_1_{j + 1}*({form})")
            squares.append(f"({' + '.join(units)} - ({number_text(y)}))^2")
        return "1/2*(" + " + ".join(squares) + ")"

    def on_kink(self, point):
        return any(w == 0 for w in point[:self.width])

    def kink_lines(self, point):
        """The hyperplanes w_j = 0 through ``point`` (every sample x is nonzero)."""
        n = 2 * self.width
        return [Affine(tuple(Fraction(int(i == j)) for i in range(n)), Fraction(0))
                for j in range(self.width) if point[j] == 0]


# ---------------------------------------------------------------------------------------
# strategies

#: Small nonzero rationals (coefficients), coordinates of points, offsets of arguments off a kink.
COEFFICIENTS = [Fraction(v) for v in ("1", "-1", "2", "-2", "1/2", "-1/2", "3/2", "-3/2")]
ARGUMENT_COEFFICIENTS = [Fraction(v) for v in ("1", "-1", "0", "2", "-2", "1/2", "-1/2")]
COORDINATES = [Fraction(v) for v in ("0", "1", "-1", "1/2", "-1/2")]
OFFSETS = [Fraction(v) for v in ("1", "-1", "1/2", "-1/2", "1/4")]
SLOPES = [Fraction(v) for v in ("0", "1/2", "-1/2", "1/4", "-1")]


@st.composite
def affine_arguments(draw, point, *, on_kink):
    """An affine function; zero at ``point`` when ``on_kink`` (the point solved onto the kink)."""
    n = len(point)
    coefficients = draw(st.tuples(*[st.sampled_from(ARGUMENT_COEFFICIENTS)] * n).filter(any))
    at_point = sum((c * x for c, x in zip(coefficients, point)), Fraction(0))
    offset = Fraction(0) if on_kink else draw(st.sampled_from(OFFSETS))
    return Affine(coefficients, offset - at_point)


@st.composite
def terms(draw, point, kinds, *, kinks):
    kind = draw(st.sampled_from(kinds))
    on_kink = True if kinks == "all" else draw(st.booleans()) if kinks else False
    coefficient = draw(st.sampled_from(COEFFICIENTS))
    slope = {"leaky": lambda: draw(st.sampled_from(SLOPES)),
             "relu_square": lambda: draw(st.sampled_from([Fraction(1), Fraction(-1)]))}.get(kind, lambda: Fraction(0))()
    if kind in ("max", "min"):
        a = draw(affine_arguments(point, on_kink=False))
        difference = draw(affine_arguments(point, on_kink=on_kink))
        return Term(kind, coefficient, (a, a - difference), slope)
    z = draw(affine_arguments(point, on_kink=on_kink))
    if kind == "relu_times":
        return Term(kind, coefficient, (z, draw(affine_arguments(point, on_kink=False))), slope)
    if kind in ("nested", "relu_product"):
        # off the kinks both z and q are nonzero, and relu(z) + q as well
        q = draw(affine_arguments(point, on_kink=on_kink and draw(st.booleans()))
                 .filter(lambda q: on_kink or _relu(z(point)) + q(point) != 0))
        return Term(kind, coefficient, (z, q), slope)
    return Term(kind, coefficient, (z,), slope)


@st.composite
def piecewise_cases(draw, *, piecewise_linear, kinks=True, max_terms=3, dimensions=(1, 2)):
    """``(form, point)``: a loss of 1 to ``max_terms`` terms and a point, on a kink or off all of them.

    With ``kinks`` the point is often the origin with homogeneous arguments, or a drawn point
    with some arguments solved to vanish there; without, no argument vanishes at the point.
    """
    n = draw(st.sampled_from(dimensions))
    names = ("x", "y", "z")[:n]
    origin = draw(st.booleans()) if kinks else False
    point = tuple(Fraction(0) for _ in range(n)) if origin else tuple(draw(st.sampled_from(COORDINATES))
                                                                        for _ in range(n))
    kinds = PIECEWISE_LINEAR_KINDS if piecewise_linear else PIECEWISE_POLYNOMIAL_KINDS
    count = draw(st.integers(1, max_terms))
    # half the time every unit sits on a kink: critical points (and saddles) are then common
    everywhere = kinks and draw(st.booleans())
    drawn = tuple(draw(terms(point, kinds, kinks="all" if everywhere else kinks)) for _ in range(count))
    return PiecewiseForm(names, drawn), point


def forms_for(form):
    """Strategy: one rendering index per term of ``form``."""
    return st.tuples(*[st.integers(0, len(FORMS[t.kind]) - 1) for t in form.terms])


@st.composite
def network_cases(draw):
    """``(network, point)``: one or two hidden units, samples x in {±1, ±2}, points with dead or
    kinked units (w_j = 0) as often as not."""
    width = draw(st.integers(1, 2))
    samples = draw(st.integers(2, 3))
    inputs = tuple(draw(st.sampled_from([Fraction(v) for v in (1, -1, 2, -2)])) for _ in range(samples))
    targets = tuple(draw(st.sampled_from([Fraction(v) for v in (1, -1, 0, 2)])) for _ in range(samples))
    slope = draw(st.sampled_from([None, None, Fraction(1, 2), Fraction(-1, 2)]))
    w = tuple(draw(st.sampled_from([Fraction(v) for v in ("0", "0", "1", "-1", "1/2")])) for _ in range(width))
    v = tuple(draw(st.sampled_from([Fraction(v) for v in ("0", "1", "-1", "1/2", "2")])) for _ in range(width))
    return Network(inputs, targets, width, slope), w + v


# ---------------------------------------------------------------------------------------
# the exact oracle for losses of one or two variables whose kinks near the point lie on lines
#
# Near the point such a loss is a polynomial on each sector cut out by the kink lines through
# it (and the axes, so that every sector is narrower than π).  Along a ray p + t d inside a
# closed sector it is a polynomial in t of degree at most 4, read off exactly by interpolation
# at six steps (a seventh checks it): its t-coefficient is the directional derivative φ(d), its
# t²-coefficient dᵀH d/2.  A sector's piece has gradient g and Hessian H, exactly, from those
# on its two boundary rays and their sum.  Clarke's subdifferential is the hull of the sectors'
# gradients; the gradient exists when they all agree, the Hessian when the Hessians agree too.

#: Steps along a ray: the nearest other kink is farther than 10^-2 for the small coefficients
#: drawn, and the interpolation is exact whatever the step, so no limit is estimated.
_STEP = Fraction(1, 10**4)
_DEGREE = 4


def _interpolate(ts, values):
    """Monomial coefficients of the polynomial through the points (Newton's divided differences)."""
    n = len(ts)
    table = list(values)
    newton = [table[0]]
    for level in range(1, n):
        table = [(table[i + 1] - table[i]) / (ts[i + level] - ts[i]) for i in range(n - level)]
        newton.append(table[0])
    coefficients = [Fraction(0)] * n
    for k in reversed(range(n)):  # Horner on the Newton form
        shifted = [Fraction(0)] + coefficients[:-1]
        coefficients = [s - ts[k] * c for s, c in zip(shifted, coefficients)]
        coefficients[0] += newton[k]
    return coefficients


def ray_coefficients(f, point, d):
    """``[c_0, ..., c_4]`` with ``f(point + t d) = Σ c_k t^k`` for small ``t >= 0``, exactly."""
    ts = [k * _STEP for k in range(_DEGREE + 2)]
    values = [f(tuple(p + t * di for p, di in zip(point, d))) for t in ts]
    coefficients = _interpolate(ts, values)
    assert coefficients[-1] == 0, f"degree above {_DEGREE} along {d} from {point}: {coefficients}"
    return coefficients[:-1]


def _half(v):
    return 0 if v[1] > 0 or (v[1] == 0 and v[0] > 0) else 1


def _cross(a, b):
    return a[0] * b[1] - a[1] * b[0]


def _by_angle(a, b):
    if _half(a) != _half(b):
        return _half(a) - _half(b)
    c = _cross(a, b)
    return -1 if c > 0 else 1 if c < 0 else 0


def rays(lines, n):
    """The directions of ``lines`` (affine functions vanishing at the point) and of the axes,
    sorted by angle, without repeats."""
    if n == 1:
        return [(Fraction(1),), (Fraction(-1),)]
    assert n == 2
    found = [(Fraction(1), Fraction(0)), (Fraction(-1), Fraction(0)), (Fraction(0), Fraction(1)),
             (Fraction(0), Fraction(-1))]
    for k in lines:
        c = k.coefficients
        found += [(-c[1], c[0]), (c[1], -c[0])]
    found.sort(key=functools.cmp_to_key(_by_angle))
    unique = []
    for r in found:
        if not unique or _by_angle(unique[-1], r) != 0:
            unique.append(r)
    return unique


def sector_jets(f, point, lines):
    """``[(g, H)]``, one per sector, and ``[c_0, ..., c_4]`` along every ray (the sectors' boundary
    rays and the sum of each sector's two)."""
    n = len(point)
    rs = rays(lines, n)
    jets = {r: ray_coefficients(f, point, r) for r in rs}
    phi = {r: c[1] for r, c in jets.items()}
    if n == 1:
        (right, left) = rs
        return [((phi[right],), ((2 * jets[right][2],),)), ((-phi[left],), ((2 * jets[left][2],),))], jets
    result, middles = [], {}
    for r1, r2 in zip(rs, rs[1:] + rs[:1]):
        det = _cross(r1, r2)
        assert det > 0, (r1, r2)  # consecutive rays are less than π apart (the axes are rays)
        g = ((phi[r1] * r2[1] - phi[r2] * r1[1]) / det, (r1[0] * phi[r2] - r2[0] * phi[r1]) / det)
        m = (r1[0] + r2[0], r1[1] + r2[1])
        cm = ray_coefficients(f, point, m)
        # M = Bᵀ H B with B = [r1 r2]: M11 = 2 q(r1), M22 = 2 q(r2), M12 = q(m) - q(r1) - q(r2)
        M11, M22 = 2 * jets[r1][2], 2 * jets[r2][2]
        M12 = cm[2] - jets[r1][2] - jets[r2][2]
        inv = ((r2[1] / det, -r2[0] / det), (-r1[1] / det, r1[0] / det))  # B⁻¹
        BinvT = ((inv[0][0], inv[1][0]), (inv[0][1], inv[1][1]))
        M = ((M11, M12), (M12, M22))
        H = tuple(tuple(sum(BinvT[i][k] * M[k][l] * inv[l][j] for k in range(2) for l in range(2))
                        for j in range(2)) for i in range(2))
        # the piece is a polynomial on the sector: its jet predicts the derivative inside it
        assert cm[1] == g[0] * m[0] + g[1] * m[1], ("gradient", r1, r2)
        result.append((g, H))
        middles[m] = cm
    return result, {**jets, **middles}


def zero_in_hull(points):
    """Whether 0 is a convex combination of the given points of R^1 or R^2 (Carathéodory, exactly)."""
    points = list(dict.fromkeys(points))
    if any(all(c == 0 for c in p) for p in points):
        return True
    if len(points[0]) == 1:
        return min(p[0] for p in points) <= 0 <= max(p[0] for p in points)
    for a, b in itertools.combinations(points, 2):  # 0 on a segment: collinear, opposite
        if _cross(a, b) == 0 and a[0] * b[0] + a[1] * b[1] < 0:
            return True
    for a, b, c in itertools.combinations(points, 3):  # 0 in a triangle: no orientation of each sign
        s = (_cross(a, b), _cross(b, c), _cross(c, a))
        if any(s) and (min(s) >= 0 or max(s) <= 0):
            return True
    return False


def inertia_of(H):
    """``{"positive", "negative", "zero"}`` counts of a symmetric 1x1 or 2x2 rational matrix."""
    if len(H) == 1:
        h = H[0][0]
        signs = [(h > 0) - (h < 0)]
    else:
        det, trace = H[0][0] * H[1][1] - H[0][1] ** 2, H[0][0] + H[1][1]
        t = (trace > 0) - (trace < 0)
        signs = [1, -1] if det < 0 else [t, t] if det > 0 else [t, 0]
    return {"positive": signs.count(1), "negative": signs.count(-1), "zero": signs.count(0)}


@dataclass(frozen=True)
class Truth:
    """What the loss is at the point, as far as its first two derivatives on each piece decide."""

    critical: bool        # Clarke-stationary: 0 in the hull of the full-dimensional pieces' gradients
    gradient: tuple       # the gradient, when every piece has the same one (else None)
    inertia: dict         # the Hessian's inertia, when the Hessian exists (else None)
    kinds: frozenset      # the kinds a true, decided verdict may have

    @property
    def hessian_exists(self):
        return self.inertia is not None


def truth(f, point, lines):
    """The exact truth at ``point`` of a loss ``f`` whose kinks near it lie on ``lines``."""
    jets, along = sector_jets(f, point, lines)
    phi = {r: c[1] for r, c in along.items()}
    linear = all(not any(c[2:]) for c in along.values())
    gradients = [g for g, _ in jets]
    critical = zero_in_hull(gradients)
    gradient = gradients[0] if len(set(gradients)) == 1 else None
    hessian = jets[0][1] if gradient is not None and len({H for _, H in jets}) == 1 else None
    inertia = inertia_of(hessian) if hessian is not None else None
    down, up = any(v < 0 for v in phi.values()), any(v > 0 for v in phi.values())
    # along a ray where φ = 0 the t^2 coefficient decides whether the loss goes down or up there
    down2 = any(c[1] == 0 and c[2] < 0 for c in along.values())
    up2 = any(c[1] == 0 and c[2] > 0 for c in along.values())
    if not critical:
        kinds = {"not_critical"}
    elif inertia is not None and not inertia["zero"]:  # a smooth critical point, nondegenerate
        kinds = {"strict_local_min"} if not inertia["negative"] else (
            {"strict_local_max"} if not inertia["positive"] else {"strict_saddle"})
    elif linear:  # piecewise linear near the point: φ decides everything
        kinds = {"degenerate_saddle"} if down and up else (
            {"local_min", "local_max"} if not (down or up) else {"local_max"} if down else {"local_min"})
    else:
        # φ < 0 somewhere: not a minimum; φ > 0 everywhere but 0: a strict minimum (first order wins)
        kinds = {"local_min", "local_max", "degenerate_saddle"}
        if inertia is not None and inertia["positive"] and inertia["negative"]:
            kinds = {"strict_saddle"}
        if down or down2:
            kinds -= {"local_min"}
        if up or up2:
            kinds -= {"local_max"}
        if all(v > 0 for v in phi.values()):
            kinds = {"local_min"}
        if all(v < 0 for v in phi.values()):
            kinds = {"local_max"}
        if inertia is not None and inertia["positive"]:
            kinds -= {"local_max"}
        if inertia is not None and inertia["negative"]:
            kinds -= {"local_min"}
    return Truth(critical, gradient, inertia, frozenset(kinds))
