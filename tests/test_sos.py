"""Sums of squares with multipliers (symlandscape.sos): identities re-checked here with SymPy, apart from flint."""

import time

import flint
import pytest
import sympy

from symlandscape import Landscape
from symlandscape.errors import InvalidArgument
from symlandscape.expression import parse_expression
from symlandscape.sos import attempt, decompose, local_attempt, local_certificate

CTX2 = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex")
X, Y = CTX2.gens()
CTX3 = flint.fmpq_mpoly_ctx.get(("x", "y", "z"), "lex")
X3, Y3, Z3 = CTX3.gens()
x, y, z = sympy.symbols("x,y,z", real=True)
MOTZKIN = X3**4 * Y3**2 + X3**2 * Y3**4 - 3 * X3**2 * Y3**2 * Z3**2 + Z3**6


def expanded(terms, names, multiplier=sympy.S.One):
    """Σ c q² (· multiplier for terms with a constraint), read back through the safe parser."""
    symbols = sympy.symbols(names, real=True, seq=True)
    by_name = {str(s): s for s in symbols}
    total = sympy.S.Zero
    for term in terms:
        c = sympy.Rational(term["coefficient"])
        assert c > 0
        q = parse_expression(term["polynomial"], names)
        q = q.subs({s: by_name[s.name] for s in q.free_symbols})
        total += c * q**2 * (multiplier if "constraint" in term else 1)
        assert set(term) <= {"coefficient", "polynomial", "constraint"}
        assert term.get("constraint", 0) == 0
    return sympy.expand(total)


def assert_ball_identity(certificate, loss, point, names, sense="lower"):
    """loss − loss(θ0) (or the reverse) equals σ0 + σ1 (r² − |θ − θ0|²) exactly."""
    symbols = sympy.symbols(names, real=True, seq=True)
    assert certificate["type"] == "sos" and certificate["sense"] == sense
    r2 = sympy.Rational(certificate["region"]["ball"])
    assert r2 > 0
    loss = loss.subs({s: symbols[[str(t) for t in symbols].index(s.name)] for s in loss.free_symbols})
    value = loss.subs(dict(zip(symbols, point)))
    difference = loss - value if sense == "lower" else value - loss
    g = r2 - sum((s - p) ** 2 for s, p in zip(symbols, point))
    assert sympy.expand(difference - expanded(certificate["terms"], names, g)) == 0
    return r2


# -- local certificates: the hand-derived cases --------------------------------------------


def test_the_hand_certificate_of_x2_y4_minus_y5_holds():
    # the certificate the engine must be able to match: σ0 = x² + ½y⁴(1−y)² + ½x²y⁴, σ1 = ½y⁴
    sigma0 = x**2 + sympy.Rational(1, 2) * y**4 * (1 - y) ** 2 + sympy.Rational(1, 2) * x**2 * y**4
    sigma1 = sympy.Rational(1, 2) * y**4
    assert sympy.expand(sigma0 + sigma1 * (1 - x**2 - y**2) - (x**2 + y**4 - y**5)) == 0


@pytest.mark.parametrize("radius2", ["1", None])
def test_x2_plus_y4_minus_y5_is_a_minimum_on_a_ball(radius2):
    certificate = local_certificate(X**2 + Y**4 - Y**5, [0, 0], radius2=radius2)
    assert certificate is not None
    r2 = assert_ball_identity(certificate, x**2 + y**4 - y**5, (0, 0), "x,y")
    assert r2 == 1  # the first radius tried by default, and the one asked for
    assert any("constraint" in t for t in certificate["terms"])


def test_x2_minus_x3_has_the_unique_certificate():
    # x²(1 − x) = σ0 + σ1(1 − x²) forces σ1 = a x², σ0 Gram [[1 − a, −½], [−½, a]] ⪰ 0: a = ½ only
    ctx = flint.fmpq_mpoly_ctx.get(("x",), "lex")
    (t,) = ctx.gens()
    certificate = local_certificate(t**2 - t**3, [0], radius2=1)
    assert_ball_identity(certificate, x**2 - x**3, (0,), "x")
    sigma1 = sum(sympy.Rational(e["coefficient"]) * parse_expression(e["polynomial"], "x") ** 2
                 for e in certificate["terms"] if "constraint" in e)
    assert sympy.expand(sigma1 - x**2 / 2) == 0


def test_x2_minus_x3_in_two_variables():
    certificate = local_certificate(X**2 - X**3, [0, 0])
    assert_ball_identity(certificate, x**2 - x**3, (0, 0), "x,y")


@pytest.mark.parametrize("text", ["x^2*(1 - y) + y^2", "x^2 + y^2 - x^2*y^2", "x^2*(1 - y)^2 + y^2 - x*y^3"])
def test_quadratic_minima_with_higher_terms(text):
    loss = parse_expression(text, "x,y")
    L = Landscape.from_expression(text, "x,y")
    certificate = local_certificate(L, [0, 0])
    assert certificate is not None
    assert_ball_identity(certificate, loss, (0, 0), "x,y")


def test_a_point_away_from_the_origin_in_the_landscape_variables():
    text = "(a - 1)^2 + (b - 2)^4 - (b - 2)^5"
    L = Landscape.from_expression(text, "a,b")
    certificate = local_certificate(L, ["1", "2"])
    a, b = sympy.symbols("a,b", real=True)
    assert_ball_identity(certificate, parse_expression(text, "a,b"), (1, 2), "a,b")
    assert all(set(str(s) for s in parse_expression(t["polynomial"], "a,b").free_symbols) <= {"a", "b"}
               for t in certificate["terms"])
    del a, b


def test_a_maximum_on_a_ball():
    certificate = local_certificate(-(X**2 + Y**4 - Y**5) + 3, [0, 0], sense="upper")
    assert_ball_identity(certificate, 3 - (x**2 + y**4 - y**5), (0, 0), "x,y", sense="upper")
    assert local_certificate(-(X**2 + Y**4 - Y**5), [0, 0], sense="lower") is None


def test_a_degenerate_saddle_has_no_ball_certificate():
    found = local_attempt(X**2 - Y**4, [0, 0])
    assert found.found is None
    # y⁴ has coefficient −1 but only diagonal Gram entries of positive weight produce it
    assert "y^4" in found.reason
    assert local_certificate(X**2 - Y**4, [0, 0], sense="upper") is None


def test_a_point_that_is_not_critical():
    found = local_attempt(X + Y**2, [0, 0])
    assert found.found is None and "gradient" in found.reason


def test_a_strict_local_minimum_that_is_not_global():
    # x² − x³ + y² goes to −∞ along x: no global sum of squares, but a ball certificate
    assert decompose(X**2 - X**3 + Y**2) is None
    certificate = local_certificate(X**2 - X**3 + Y**2, [0, 0])
    assert_ball_identity(certificate, x**2 - x**3 + y**2, (0, 0), "x,y")


# -- global decompositions ---------------------------------------------------------------


def test_motzkin_is_not_a_sum_of_squares():
    # the classical argument: x²y²z² (coefficient −3) only arises as the square of xyz
    found = attempt(MOTZKIN)
    assert found.found is None and "x^2*y^2*z^2" in found.reason


def test_motzkin_times_the_squared_norm_is_a_sum_of_squares():
    product = (X3**2 + Y3**2 + Z3**2) * MOTZKIN
    found = decompose(product)
    assert found is not None
    target = (x**2 + y**2 + z**2) * (x**4 * y**2 + x**2 * y**4 - 3 * x**2 * y**2 * z**2 + z**6)
    assert sympy.expand(target - expanded(found.certificate_terms(), "x,y,z")) == 0


@pytest.mark.parametrize("R", [-X**2 - 1, CTX2.constant(-1), X**2 - 2 * X * Y, X**2 * Y**2 - 1, X**3 + Y**2])
def test_polynomials_that_take_negative_values_have_none(R):
    assert decompose(R) is None


def test_a_positive_constant_and_zero():
    assert decompose(CTX2.constant(3)).certificate_terms() == [{"coefficient": "3", "polynomial": "1"}]
    assert decompose(CTX2.constant(0)).terms == ()


def test_a_sum_of_random_squares_is_recovered():
    import numpy

    rng = numpy.random.default_rng(7)
    monomials = [X, Y, X * Y, X**2, Y**2, CTX2.constant(1)]
    squares = [sum((int(c) * m for c, m in zip(rng.integers(-3, 4, 6), monomials)), CTX2.constant(0))
               for _ in range(6)]
    R = sum((q * q for q in squares), CTX2.constant(0))
    found = decompose(R, seed=7)
    assert found is not None and found.seed == 7
    assert found.residual(R) == 0
    assert found.residual(R + 1) == 1
    symbolic = sympy.expand(parse_expression(str(R), "x,y"))
    assert sympy.expand(symbolic - expanded(found.certificate_terms(), "x,y")) == 0


def test_known_zeros_reduce_the_basis_to_the_one_square():
    # (x² + y² − 1)² vanishes on the circle: every square is a multiple of x² + y² − 1
    R = (X**2 + Y**2 - 1) ** 2
    zeros = [(1, 0), (0, 1), (-1, 0), (0, -1), ("3/5", "4/5"), ("-4/5", "3/5")]
    found = attempt(R, zeros=zeros)
    assert found.basis_sizes == (1,)
    assert found.found.certificate_terms() == [{"coefficient": "1", "polynomial": "x^2 + y^2 - 1"}]


def test_a_multiplier_certifies_nonnegativity_on_a_set():
    # 1 − x ≥ 0 where 1 − x² ≥ 0: 1 − x = ½(1 − x)² + ½(1 − x²)
    ctx = flint.fmpq_mpoly_ctx.get(("x",), "lex")
    (t,) = ctx.gens()
    found = decompose(1 - t, multipliers=[1 - t**2])
    assert found is not None
    assert sympy.expand(1 - x - expanded(found.certificate_terms(), "x", 1 - x**2)) == 0
    assert decompose(1 - t) is None


# -- the budget and the seed -------------------------------------------------------------


def test_the_time_limit_is_respected():
    import numpy

    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"v{i}" for i in range(10)), "lex")
    gens = ctx.gens()
    rng = numpy.random.default_rng(1)
    quadratics = [sum((int(rng.integers(-2, 3)) * gens[i] * gens[j] for i in range(10) for j in range(i, 10)),
                      ctx.constant(0)) for _ in range(55)]
    R = sum((q * q for q in quadratics), ctx.constant(0))
    start = time.monotonic()
    found = attempt(R, time_limit=0.3)
    elapsed = time.monotonic() - start
    # the limit is checked between steps and by the solver once per iteration: a bounded overrun
    assert elapsed < 0.3 + 2.5, elapsed
    assert found.seconds <= elapsed
    if found.found is None:
        assert "time" in found.reason or "solver" in found.reason


def test_the_same_seed_gives_the_same_certificate():
    R = X**2 * Y**2 + X**2 + Y**2 + X**4 - X**3 * Y
    first = attempt(R, seed=3)
    again = attempt(R, seed=3)
    assert first.seed == again.seed == 3
    assert first.found.certificate_terms() == again.found.certificate_terms()
    assert local_certificate(X**2 + Y**4 - Y**5, [0, 0], seed=5) == local_certificate(X**2 + Y**4 - Y**5, [0, 0],
                                                                                        seed=5)
    # without a wall clock the outcome is the machine's arithmetic alone
    assert attempt(R, seed=3, time_limit=None).found.certificate_terms() == first.found.certificate_terms()


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: decompose("x^2"), "fmpq_mpoly"),
    (lambda: decompose(X**2, zeros=[(1, 0)]), "not a zero"),
    (lambda: decompose(X**2, zeros=[(0,)]), "entries"),
    (lambda: decompose(X**2, time_limit=0), "time_limit"),
    (lambda: decompose(X**2, seed=-1), "seed"),
    (lambda: decompose(X**2, multipliers=[CTX2.constant(0)]), "multipliers[0]"),
    (lambda: decompose(X**2, multipliers=[X3]), "multipliers[0]"),
    (lambda: local_certificate(X**2, [0.5, 0]), "0.5"),
    (lambda: local_certificate(X**2, [0, 0], radius2="-1"), "radius2"),
    (lambda: local_certificate(X**2, [0, 0], sense="min"), "sense"),
    (lambda: local_certificate(X**2, [0, 0], variables=["a"]), "variables"),
])
def test_bad_input_is_refused_with_a_message(call, message):
    with pytest.raises(InvalidArgument, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_an_explicit_basis_is_used_as_given():
    R = X**4 + 2 * X**2 * Y**2 + Y**4  # (x² + y²)²
    assert decompose(R, basis=[(2, 0), (0, 2)]).certificate_terms() == [
        {"coefficient": "1", "polynomial": "x^2 + y^2"}]
    found = attempt(R, basis=[(2, 0), (1, 1)])  # y⁴ cannot be formed
    assert found.found is None and "y^4" in found.reason


def test_the_orbit_of_a_factorisation_as_known_zeros():
    # Lee's ½(1 − w1 w2)² vanishes on the hyperbola w1 w2 = 1: one square remains
    ctx = flint.fmpq_mpoly_ctx.get(("w1", "w2"), "lex")
    w1, w2 = ctx.gens()
    found = attempt((1 - w1 * w2) ** 2 / 2, zeros=[(1, 1), (2, "1/2"), ("1/2", 2), (-1, -1)])
    assert found.basis_sizes == (1,)
    assert found.found.certificate_terms() == [{"coefficient": "1/2", "polynomial": "w1*w2 - 1"}]


def test_a_reznick_multiplier_makes_the_dehomogenised_motzkin_polynomial_a_sum_of_squares():
    motzkin = X**4 * Y**2 + X**2 * Y**4 - 3 * X**2 * Y**2 + 1
    assert decompose(motzkin) is None
    found = decompose((1 + X**2 + Y**2) * motzkin)
    target = (1 + x**2 + y**2) * (x**4 * y**2 + x**2 * y**4 - 3 * x**2 * y**2 + 1)
    assert sympy.expand(target - expanded(found.certificate_terms(), "x,y")) == 0


def test_a_higher_degree_for_the_ball_certificate():
    ctx = flint.fmpq_mpoly_ctx.get(("x",), "lex")
    (t,) = ctx.gens()
    found = decompose(t**2 - t**3, multipliers=[1 - t**2], degree=6)
    assert sympy.expand(x**2 - x**3 - expanded(found.certificate_terms(), "x", 1 - x**2)) == 0
    with pytest.raises(InvalidArgument, match="degree"):
        decompose(t**2 - t**3, multipliers=[1 - t**2], degree=3)
    with pytest.raises(InvalidArgument, match="degree"):
        decompose(t**2, degree=4)


def test_sign_symmetry_splits_the_gram_matrix():
    # every exponent of R is even: x → −x and y → −y leave it fixed, so {x², y²} and {xy} are separate blocks
    R = (X**2 - Y**2) ** 2 + X**2 * Y**2
    found = attempt(R)
    assert sorted(found.basis_sizes) == [1, 2]
    assert sympy.expand((x**2 - y**2) ** 2 + x**2 * y**2 - expanded(found.found.certificate_terms(), "x,y")) == 0
    # x·y breaks both symmetries but keeps (x, y) → (−x, −y): the classes are the monomials of even
    # degree {1, x², xy, y²} and of odd degree {x, y}
    found = attempt(R + X * Y + 1)
    assert sorted(found.basis_sizes) == [2, 4]
    assert sympy.expand((x**2 - y**2) ** 2 + x**2 * y**2 + x * y + 1
                        - expanded(found.found.certificate_terms(), "x,y")) == 0


def test_the_radius_comes_from_the_nearest_lower_point():
    # x² − 8x³ + y² < 0 just beyond x = 1/8 on the x axis: r² = 1 is never tried, r² = 1/64 is the
    # largest power of 1/4 whose ball holds no lower point, and x²(1 − 8x) + y² ≥ 0 there
    found = local_attempt(X**2 - 8 * X**3 + Y**2, [0, 0], seed=2)
    assert found.found["region"] == {"ball": "1/64"}
    assert local_certificate(X**2 - 8 * X**3 + Y**2, [0, 0], radius2=1) is None  # (1, 0) is in that ball
    assert_ball_identity(found.found, x**2 - 8 * x**3 + y**2, (0, 0), "x,y")


def test_the_newton_polytope_keeps_only_the_lattice_points_of_its_half():
    # ½ New(x⁴y² + x²y⁴ + 1) = conv{(0,0), (2,1), (1,2)} holds the lattice points 1, xy, x²y, xy²;
    # the others lie outside: for x, the functional (1, −2) is 0, 0, −6 on the vertices (0, 0), (4, 2),
    # (2, 4) of New and 2 at 2·(1, 0)
    import time as clock

    from symlandscape.sos import _newton_basis

    support = [(4, 2), (2, 4), (0, 0)]
    assert sorted(_newton_basis(support, 2, clock.monotonic() + 5)) == [(0, 0), (1, 1), (1, 2), (2, 1)]
    # then diagonal consistency drops xy: x²y² has coefficient 0 and only xy·xy forms it
    found = attempt(X**4 * Y**2 + X**2 * Y**4 + 1)
    assert sum(found.basis_sizes) == 3
    assert sympy.expand(x**4 * y**2 + x**2 * y**4 + 1 - expanded(found.found.certificate_terms(), "x,y")) == 0


def test_max_basis_bounds_the_gram_blocks():
    R = sum((q * q for q in [X + Y, X * Y - 1, X**2 + Y, Y**2]), CTX2.constant(0))
    small = attempt(R, max_basis=2)
    assert small.found is None and "max_basis=2" in small.reason
    assert attempt(R, max_basis=6).found is not None
    with pytest.raises(InvalidArgument, match="max_basis"):
        attempt(R, max_basis=0)


def test_a_zero_on_the_sphere_binds_sigma0_only():
    # at (0, 1) both x² + y⁴ − y⁵ and 1 − x² − y² vanish: every square of σ0 vanishes there, σ1 is free
    g = 1 - X**2 - Y**2
    found = attempt(X**2 + Y**4 - Y**5, multipliers=[g], zeros=[(0, 0), (0, 1)])
    assert found.found is not None
    sigma0 = [t for t in found.found.certificate_terms() if "constraint" not in t]
    for term in sigma0:
        q = parse_expression(term["polynomial"], "x,y")
        assert q.subs({s: {"x": 0, "y": 1}[s.name] for s in q.free_symbols}) == 0
    assert sympy.expand(x**2 + y**4 - y**5 - expanded(found.found.certificate_terms(), "x,y", 1 - x**2 - y**2)) == 0
