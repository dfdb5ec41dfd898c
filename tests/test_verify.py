"""verify: the independent checker accepts every certificate of the suite and rejects tampering.

The mutation test changes one entry of a certificate at a time (a number by +7/3, an
integer by 1, a flag negated, a polynomial plus 1, a name garbled, the kind swapped for
every other kind) and requires the checker to reject the result.  The only tamperings
allowed to pass are those after which the certificate is again a valid proof of a true
statement, which the test re-derives independently (``still_true``): a coordinate of a
witness point on which the loss does not depend there, and the free weights of a dead
ReLU network.
"""

from __future__ import annotations

import ast
import copy
import json
import pathlib
import re
from fractions import Fraction

import flint
import mpmath
import pytest
import sympy

from symlandscape import CertificateError, Landscape, deep_linear
from symlandscape.errors import EvaluationError
from symlandscape.expression import parse_expression
from symlandscape.verify import KINDS, verify
from test_classify import IDS, _numeric, _to_mp, case, landscape

_RATIONAL = re.compile(r"^-?\d+(/\d+)?$")


def leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, path + (i,))
    else:
        yield path, data


def tamperings(path, value):
    if isinstance(value, bool):
        return [not value]
    if value is None:
        return [0]
    if isinstance(value, int):
        return [value + 1]
    if path[-1] == "kind":
        return [k for k in KINDS if k != value]
    if _RATIONAL.match(value):
        return [str(Fraction(value) + Fraction(7, 3))]
    return [f"({value}) + 1"]


def tampered(certificate, path, value):
    result = copy.deepcopy(certificate)
    node = result
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return result


def dead_units(point):
    """True when every ReLU unit of the five-point network is strictly inactive at ``point``."""
    w, b = (Fraction(str(x)) for x in point[:2])
    return all(w * x + b < 0 for x in (-1, 1, 3, 4, 5))


def same_dead_point(L, original, bad):
    # every unit stays dead at the tampered point, where the loss is then the same Σ (c - y)^2
    return dead_units(bad["point"]) and L.value(bad["point"]) == L.value(original["point"])


def hinge_units_dead(point):
    """True when the four ReLU units of the hinge network are strictly inactive on both samples.

    Unit j computes relu(W1_j_1 x + W1_j_2) on the samples x = -1 and x = 1 (the second input
    row is the constant 1).
    """
    W1 = [Fraction(str(x)) for x in point[:8]]
    return all(W1[2 * j] * x + W1[2 * j + 1] < 0 for j in range(4) for x in (-1, 1))


def same_dead_hinge_point(L, original, bad):
    # every unit stays dead: near the point the network's output is a·exp(w_1 x + w_2 + b) alone,
    # so the loss, its gradient and Hessian do not depend on the output weights W2 there
    return hinge_units_dead(bad["point"]) and L.value(bad["point"]) == L.value(original["point"])


def same_witness_value(L, original, bad):
    # a witness only has to be a point of exactly lower value: a coordinate the loss does not
    # depend on there (e.g. w1 when the product w2 w1 has w2 = 0) can change freely; the
    # value is recomputed exactly and, independently, with the 50-digit mpmath twin
    point, stated = bad["global"]["point"], original["global"]["value"]
    if L.value(point) != L.value(original["global"]["point"]):
        return False
    with mpmath.workdps(50):
        twin = _numeric(L, "mpmath")
        value = twin(*_to_mp(point))
        return abs(value - twin(*_to_mp(original["global"]["point"]))) < mpmath.mpf(10) ** -40 and (
            float(value) == pytest.approx(float(parse_expression(stated, L.variables))))


#: (case id or None for every case, path) -> an independent check that the tampered
#: certificate still proves a true statement.  The dead-ReLU points: with every unit
#: inactive the loss near the point is Σ (c - y)^2, which does not depend on w, b, v; so
#: the same certificate proves the same fact about a tampered point as long as every unit
#: stays dead.  Likewise the output weights of the dead hinge network with an exponential neuron.
def any_positive_width(L, original, bad):
    # the width δ of a composition bound is a free choice: sigmoid' = σ(1 − σ) > 0 on all of R
    # (σ takes its values in (0, 1)), so every δ > 0 proves the same bound
    return Fraction(bad["evidence"]["maximum"]["width"]) > 0


STILL_TRUE = {
    ("sigmoid-top", ("evidence", "maximum", "width")): any_positive_width,
    **{("dead-relu-mean", ("point", i)): same_dead_point for i in range(3)},
    **{("dead-relu-off", ("point", i)): same_dead_point for i in range(3)},
    **{(case_id, ("point", i)): same_dead_hinge_point for i in range(8, 12)
       for case_id in ("exp-neuron-hinge-not-critical", "exp-neuron-hinge-saddle")},
}


def still_interior(L, original, bad):
    # an interior curve is not unique: the tampered curve still proves that its piece's region has
    # interior when every binding constraint is positive along it for small t > 0; checked here with
    # SymPy's own expansion in t, not with the checker's series
    point = [sympy.Rational(x) for x in bad["point"]]
    t = sympy.Symbol("t")
    for entry in bad["evidence"]["pieces"]["full"]:
        piece = next(p for p in L.pieces(point) if list(p.branches) == entry["pattern"])
        path = {v: x + sum((sympy.Rational(d[i]) * t ** (k + 1) for k, d in enumerate(entry["interior"])), 0)
                for i, (v, x) in enumerate(zip(L.variables, point))}
        for g in piece.constraints:
            if g.xreplace(dict(zip(L.variables, point))) != 0:
                continue
            along = sympy.Poly(sympy.expand(g.xreplace(path)), t)
            if along.is_zero or along.all_coeffs()[::-1][min(m[0] for m in along.monoms())] <= 0:
                return False
    return True


def still_true(case_id, path):
    if (case_id, path) in STILL_TRUE:
        return STILL_TRUE[(case_id, path)]
    if path[:3] == ("evidence", "pieces", "full") and path[4] == "interior":
        return still_interior
    if path[:2] == ("global", "point"):
        return same_witness_value
    return None


@pytest.mark.parametrize("case_id", IDS)
def test_every_certificate_verifies_after_a_json_round_trip(case_id):
    L, _, _, v = case(case_id)
    loaded = json.loads(json.dumps(v.certificate))
    assert verify(loaded, L) is True


@pytest.mark.parametrize("case_id", IDS)
def test_every_one_entry_tampering_is_rejected(case_id):
    L, _, _, v = case(case_id)
    certificate = json.loads(json.dumps(v.certificate))
    survivors = []
    count = 0
    for path, value in leaves(certificate):
        for new in tamperings(path, value):
            count += 1
            bad = tampered(certificate, path, new)
            try:
                verify(bad, L)
            except CertificateError:
                continue
            survivors.append((path, value, new, bad))
    assert count >= 10
    for path, value, new, bad in survivors:
        check = still_true(case_id, path)
        assert check is not None, f"tampering {path}: {value!r} -> {new!r} was accepted"
        assert check(L, certificate, bad), f"tampering {path}: {value!r} -> {new!r} was accepted"


def test_witness_of_a_dead_network_stays_valid_only_while_lower():
    # the allowed survivors above are about the point; the witness entries must all be pinned
    L, _, _, v = case("dead-relu-mean")
    witness = v.certificate["global"]
    for i in range(4):
        bad = tampered(v.certificate, ("global", "point", i), str(Fraction(witness["point"][i]) + 1000))
        with pytest.raises(CertificateError):
            verify(bad, L)


# ---------------------------------------------------------------------------------------
# hand-written certificates: each condition named when it fails


def lee():
    return landscape("lee")


def lee_saddle(**changes):
    cert = {
        "type": "classification", "kind": "strict_saddle", "point": ["0", "0"], "value": "1",
        "critical": True, "hessian_inertia": {"positive": 1, "negative": 1, "zero": 0},
        "global_min": False,
        "evidence": {
            "critical": {"type": "critical"},
            # H = [[0, -2], [-2, 0]]: the pair (0, 1) with [[1, 1], [-1/2, 1/2]] gives diag(-4, 1)
            "inertia": {"type": "congruence", "order": [0, 1], "pairs": [0],
                        "rows": [["1", "1"], ["-1/2", "1/2"]], "diagonal": ["-4", "1"]},
            "indefinite": {"type": "indefinite", "u": ["1", "1"], "Hu": ["-2", "-2"], "uHu": "-4",
                           "v": ["1", "-1"], "Hv": ["2", "-2"], "vHv": "4"},
        },
        # L(1, 1) = (1 - 1)^2 = 0 < 1
        "global": {"type": "witness", "point": ["1", "1"], "value": "0"},
    }
    cert.update(changes)
    return cert


def test_hand_written_certificate():
    assert verify(lee_saddle(), lee())


@pytest.mark.parametrize("change, message", [
    ({"value": "2"}, "value: the certificate states 2"),
    ({"kind": "strict_local_min"}, "not allowed for kind"),
    ({"kind": "best"}, "is not one of"),
    ({"point": ["0", "0.5"]}, "not an exact rational"),
    ({"point": [0.0, 0]}, "not an exact rational"),
    ({"hessian_inertia": {"positive": 2, "negative": 0, "zero": 0}}, "congruence gives"),
    ({"global_min": True}, "global_lower_bound"),
    ({"global": {"type": "witness", "point": ["2", "0"], "value": "1"}}, "not lower"),
    ({"type": "verdict"}, "must have type 'classification'"),
    ({"critical": False}, "that is kind 'not_critical'"),
    ({"critical": None}, "only for an undetermined verdict"),
])
def test_hand_written_certificate_failures(change, message):
    with pytest.raises(CertificateError, match=re.escape(message)):
        verify(lee_saddle(**change), lee())


def test_congruence_must_be_canonical_and_diagonal():
    cert = lee_saddle()
    cert["evidence"]["inertia"]["rows"] = [["1", "1"], ["-1", "1"]]  # still S H Sᵀ diagonal, not canonical
    with pytest.raises(CertificateError, match="canonical form"):
        verify(cert, lee())
    cert = lee_saddle()
    cert["evidence"]["inertia"]["order"] = [0, 0]
    with pytest.raises(CertificateError, match="permutation"):
        verify(cert, lee())
    cert = lee_saddle()
    cert["evidence"]["inertia"]["diagonal"] = ["-4", "2"]
    with pytest.raises(CertificateError, match=re.escape("(S H Sᵀ)[1][1]")):
        verify(cert, lee())


def test_sos_identity_is_checked_by_expansion():
    # Lee at (2, 1/2): L - 0 = (w1 w2 - 1)^2 everywhere
    sos = {"type": "sos", "region": "everywhere", "sense": "lower",
           "terms": [{"coefficient": "1", "polynomial": "w1*w2 - 1"}]}
    cert = {
        "type": "classification", "kind": "local_min", "point": ["2", "1/2"], "value": "0", "critical": True,
        "hessian_inertia": {"positive": 1, "negative": 0, "zero": 1}, "global_min": True,
        "evidence": {"critical": {"type": "critical"},
                     # H = 2 (w2, w1)ᵀ(w2, w1) = [[1/2, 2], [2, 8]]: pivot 1/2, then 8 - 2·2/(1/2) = 0
                     "inertia": {"type": "congruence", "order": [0, 1], "pairs": [],
                                 "rows": [["1", "0"], ["-4", "1"]], "diagonal": ["1/2", "0"]},
                     "minimum": sos},
        "global": {"type": "global_lower_bound", "certificate": sos},
    }
    assert verify(cert, lee())
    bad = copy.deepcopy(cert)
    bad["evidence"]["minimum"]["terms"][0]["coefficient"] = "2"
    with pytest.raises(CertificateError, match="does not hold"):
        verify(bad, lee())
    bad = copy.deepcopy(cert)
    bad["evidence"]["minimum"]["terms"][0]["polynomial"] = "__import__('os')"
    with pytest.raises(CertificateError, match="cannot be read"):
        verify(bad, lee())
    bad = copy.deepcopy(cert)
    bad["evidence"]["minimum"]["terms"][0]["coefficient"] = "-1"
    with pytest.raises(CertificateError, match="positive"):
        verify(bad, lee())


def test_curve_certificate_for_the_chain():
    # 1/2 (1 - w3 w2 w1)^2 along (t, t, t): 1/2 - t^3 + t^6/2
    L = deep_linear([[1]], [[1]], hidden=[1, 1])
    curve = lambda d, coefficients: {"type": "curve", "curve": [d], "order": 3, "coefficients": coefficients}
    cert = {
        "type": "classification", "kind": "degenerate_saddle", "point": ["0", "0", "0"], "value": "1/2",
        "critical": True, "hessian_inertia": {"positive": 0, "negative": 0, "zero": 3}, "global_min": None,
        "evidence": {
            "critical": {"type": "critical"},
            "inertia": {"type": "congruence", "order": [0, 1, 2], "pairs": [],
                        "rows": [["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]], "diagonal": ["0", "0", "0"]},
            "descent": curve(["1", "1", "1"], ["1/2", "0", "0", "-1", "0", "0", "1/2"]),
            "ascent": curve(["-1", "1", "1"], ["1/2", "0", "0", "1", "0", "0", "1/2"]),
        },
        "global": None,
    }
    assert verify(cert, L)
    bad = copy.deepcopy(cert)
    bad["evidence"]["ascent"] = bad["evidence"]["descent"]
    with pytest.raises(CertificateError, match="wrong sign"):
        verify(bad, L)
    bad = copy.deepcopy(cert)
    bad["evidence"]["descent"]["order"] = 6
    with pytest.raises(CertificateError, match="first nonzero Taylor order"):
        verify(bad, L)


def test_certificate_against_the_wrong_landscape():
    with pytest.raises(CertificateError):
        verify(lee_saddle(), Landscape.from_expression("(1 - w1*w2)^2 + w1^4", "w1,w2"))


def test_malformed_data_is_a_certificate_error():
    for bad in (None, [], "cert", {"type": "classification"}, lee_saddle(evidence=[])):
        with pytest.raises(CertificateError):
            verify(bad, lee())


def test_undetermined_cannot_hide_a_decision():
    # the strict saddle's evidence with kind 'undetermined' is rejected: it decides the kind
    cert = lee_saddle(kind="undetermined")
    del cert["evidence"]["indefinite"]
    with pytest.raises(CertificateError, match="the Hessian decides"):
        verify(cert, lee())


def test_undetermined_cannot_hide_a_global_minimum():
    L, _, _, v = case("lee-minimum")
    cert = copy.deepcopy(v.certificate)
    cert["kind"] = "undetermined"
    del cert["evidence"]["minimum"]
    with pytest.raises(CertificateError, match="global lower bound"):
        verify(cert, L)


def test_sign_rule():
    import importlib

    from sympy import E, Float, Rational, Symbol

    from symlandscape.verify import exact_sign

    # e = 2.718281828459045235360287471352662497757247...: its 39-decimal truncation c is below e by
    # about 2.5e-40 and c + 10^-39 above it by about 7.5e-40; deciding needs more than 128 bits
    c = Rational(2718281828459045235360287471352662497757, 10**39)
    assert exact_sign(E - c) == 1 and exact_sign(E - c - Rational(1, 10**39)) == -1
    assert exact_sign(flint.fmpq(-3, 2)) == -1 and exact_sign(Rational(0)) == 0
    # zero is decided by exact symbolic means only
    assert exact_sign((sympy.exp(Rational(1, 2)) - 1) * (sympy.exp(Rational(1, 2)) + 1) - E + 1) == 0
    for bad in (0.5, Float(0.5), Symbol("x"), sympy.I, sympy.sqrt(-2)):  # never a float, a non-number or non-real
        with pytest.raises(EvaluationError, match="exact number|not a finite real"):
            exact_sign(bad)
    rule = importlib.import_module("symlandscape.signs")
    original = rule.MAX_SIGN_PRECISION
    try:
        rule.MAX_SIGN_PRECISION = 64  # the enclosure of E - c at 64 bits contains 0: undecided
        with pytest.raises(EvaluationError, match="cannot decide the sign"):
            exact_sign(E - c)
    finally:
        rule.MAX_SIGN_PRECISION = original


def exp_minus_x_not_critical(**changes):
    # exp(x) - x at 1: L' = e - 1 ≠ 0, L(1) = e - 1
    cert = {"type": "classification", "kind": "not_critical", "point": ["1"], "value": "exp(1) - 1",
            "critical": False, "hessian_inertia": None, "global_min": None,
            "evidence": {"gradient": {"type": "gradient", "gradient": ["exp(1) - 1"]}}, "global": None}
    cert.update(changes)
    return cert


def test_hand_written_certificate_with_irrational_numbers():
    L = Landscape.from_expression("exp(x) - x", "x")
    assert verify(exp_minus_x_not_critical(), L)
    # the same number written differently is the same number (an exact symbolic identity)
    assert verify(exp_minus_x_not_critical(value="(exp(1/2) - 1)*(exp(1/2) + 1)"), L)
    for change, message in (({"value": "exp(1) - 1 + 10^-40"}, "the certificate states"),
                            ({"value": "exp(1) - 0.99"}, "the certificate states"),  # decimals are exact
                            ({"value": "exp(x) - 1"}, "not a number"),
                            ({"value": "cosh(1)"}, "cannot be read"),
                            ({"evidence": {"gradient": {"type": "gradient", "gradient": ["0"]}}}, "gradient[0]")):
        with pytest.raises(CertificateError, match=re.escape(message)):
            verify(exp_minus_x_not_critical(**change), L)


#: The checker's trusted base: every module ``verify`` relies on, and nothing else.
TRUSTED = {"verify", "jets", "regions", "signs", "budget", "errors", "expression", "activations", "exact",
           "algebraic_check", "enclosure_check", "taylor_check", "composition_check",
           "quasi_check"}


def imports_of(module):
    """The symlandscape modules that ``module`` imports (relative imports), and its source path."""
    source = pathlib.Path(__file__).parents[1] / "symlandscape" / f"{module}.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.module is None:  # from . import a, b
                imported.update(alias.name for alias in node.names)
            else:
                imported.add(node.module)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
            imported.update(n[len("symlandscape."):] for n in names if n.startswith("symlandscape."))
    return imported, source


def test_the_checker_imports_no_search_code():
    # every module of the trusted base imports only modules of the trusted base; verify reads
    # ``landscape`` only for the isinstance test and the defining expression
    for module in TRUSTED:
        imported, source = imports_of(module)
        allowed = TRUSTED | ({"landscape"} if module == "verify" else set())
        assert imported <= allowed, (module, imported - allowed)
    imported, source = imports_of("verify")
    # of the landscape object the checker reads only its definition: never an engine's evaluation
    text = source.read_text(encoding="utf-8")
    assert set(re.findall(r"\blandscape\.(\w+)", text)) <= {"expression", "variables"}
    assert "self.L" not in text
    assert "eval(" not in source.read_text(encoding="utf-8").replace("# never", "")
