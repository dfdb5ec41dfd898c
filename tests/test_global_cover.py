"""Global lower bounds on piecewise losses by closed cells covering all of space (``cell_cover``).

The SCP16 landscape (Swirszcz, Czarnecki, Pascanu 2016): ``v relu(w x + b) + c`` on the samples
(-1, 3), (1, -3), (3, 0), (4, 1), (5, 2), plain sum of squares.  At (-7, -4, 1, 0) the
pre-activations are 3, -11, -25, -32, -39: only x = -1 is active, the outputs are 3, 0, 0, 0, 0
and the residuals 0, 3, 0, -1, -2, so the value is 9 + 1 + 4 = 14, the global minimum (found by
the activation-pattern enumeration of ``proofs_checks/scp16_relu.py``).  At (1, -3, 1, 0) the
outputs are 0, 0, 0, 1, 2 and the residuals -3, 3, 0, 0, 0: value 18 > 14.

Every forgery below is a JSON edit of a genuine certificate, and each test names the rejection.
"""

import copy
import fractions
import json
import random

import pytest

from symlandscape import CertificateError, Landscape, classify, get_loss, mlp, verify
from symlandscape.search import global_status

SCP16 = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"),
            variables="w,b,v,c")
# two hinges whose active sides are disjoint (x >= 1 and x <= -1): one empty cell, cut by Farkas;
# the minimum is 4, at x = 3 (and x = -3): (2 - 2)² + (0 - 2)²
TWO_HINGES = Landscape.from_expression("(relu(x - 1) - 2)^2 + (relu(-x - 1) - 2)^2", "x")


@pytest.fixture(scope="module")
def scp16():
    v = classify(SCP16, (-7, -4, 1, 0))
    return v


@pytest.fixture(scope="module")
def two_hinges():
    return classify(TWO_HINGES, [3])


def rejected(certificate, landscape, match):
    with pytest.raises(CertificateError, match=match):
        verify(json.loads(json.dumps(certificate)), landscape)


def test_scp16_global_minimum_is_certified(scp16):
    assert (scp16.kind, scp16.global_min, scp16.verified) == ("local_min", True, True)
    cover = scp16.certificate["global"]
    assert cover["type"] == "cell_cover" and cover["bound"] == "14" and cover["splits"] == ["v"]
    # 5 units (two branches each) and the sign of v: 2^6 closed cells, all of which contain w = b = 0
    assert len(cover["cells"]) == 64 and cover["empty"] == []
    assert verify(json.loads(json.dumps(scp16.certificate)), SCP16)


def test_scp16_sampled_values_respect_the_bound():
    # an independent sanity check of the claim L >= 14: exact values at seeded random rational points
    rng = random.Random(7)
    for _ in range(200):
        point = [fractions.Fraction(rng.randint(-40, 40), rng.randint(1, 5)) for _ in range(4)]
        assert SCP16.value(point) >= 14


def test_the_kink_point_gets_no_global_lower_bound():
    v = classify(SCP16, (1, -3, 1, 0))
    assert v.value == 18 and v.verified
    assert v.global_min is not True
    assert (v.certificate["global"] or {}).get("type") != "cell_cover"
    assert "No cover by cells" in v.explanation


def test_relu_exact_fit_is_a_global_minimum(monkeypatch):
    L = mlp([[1, 2]], [[1, 2]], hidden=[1], variables="w,b,v,c")
    v = classify(L, (1, 0, 1, 0))
    assert (v.global_min, v.verified) == (True, True)
    # the cover alone proves it too (the loss's own form is found first otherwise)
    monkeypatch.setattr(global_status, "GLOBAL_LOWER_BOUNDS", (global_status.cover_everywhere,))
    v = classify(L, (1, 0, 1, 0))
    assert (v.global_min, v.verified, v.certificate["global"]["type"]) == (True, True, "cell_cover")
    assert len(v.certificate["global"]["cells"]) == 8  # 2 units x 2 branches x the sign of v
    assert verify(v.certificate, L)


def test_an_empty_cell_is_cut_by_farkas(two_hinges):
    assert (two_hinges.global_min, two_hinges.verified) == (True, True)
    cover = two_hinges.certificate["global"]
    assert cover["type"] == "cell_cover" and cover["bound"] == "4"
    # the cell with both units active: λ (x - 1) + μ (-x - 1) is a negative constant for λ = μ > 0
    (empty,) = cover["empty"]
    assert empty["prefix"] == [0, 0] and empty["multipliers"][0] == empty["multipliers"][1] != "0"
    assert len(cover["cells"]) == 3


def test_a_cubic_piece_gets_its_identity_from_the_semidefinite_search():
    # relu(x)^3 - 3 relu(x) + 2: on x >= 0 the piece is x^3 - 3x + 2 = (x - 1)^2 (x + 2), which is 0 at x = 1,
    # and on x <= 0 it is 2; not a sum of squares of affine functions, so sos.py finds the identity
    # (x - 1)^2 (x + 2) = 2 (x - 1)^2 + x (x - 1)^2 with the cell's constraint x as a multiplier
    L = Landscape.from_expression("relu(x)^3 - 3*relu(x) + 2", "x")
    v = classify(L, [1])
    assert (v.kind, v.global_min, v.verified) == ("strict_local_min", True, True)
    cover = v.certificate["global"]
    assert cover["type"] == "cell_cover" and cover["bound"] == "0" and len(cover["cells"]) == 2
    assert "seed=0" in v.explanation
    active = next(c for c in cover["cells"] if c["pattern"] == [0])
    assert any(t.get("constraints") == [0] for t in active["terms"])
    # claiming the bound 1 instead (the point's value is 0) fails on the active cell
    cert = edited(v)
    cert["global"]["bound"] = "1"
    rejected(cert, L, r"cells\[\[0\]\]: the identity does not hold")


# ---------------------------------------------------------------------------------------
# forgeries: each a JSON edit of a genuine certificate


def edited(verdict):
    return copy.deepcopy(verdict.certificate)


def test_a_dropped_cell_is_rejected(scp16):
    cert = edited(scp16)
    dropped = cert["global"]["cells"].pop(10)
    rejected(cert, SCP16, rf"the cell \[{', '.join(map(str, dropped['pattern']))}\] is neither listed nor inside "
                          "a pruned prefix")


def test_a_wrong_farkas_combination_is_rejected(two_hinges):
    cert = edited(two_hinges)
    cert["global"]["empty"][0]["multipliers"] = ["1", "1/2"]  # (-x - 1) + (x - 1)/2 is not constant
    rejected(cert, TWO_HINGES, r"empty\[\[0, 0\]\]: Σ λ_j g_j is not a negative constant")
    cert["global"]["empty"][0]["multipliers"] = ["0", "0"]
    rejected(cert, TWO_HINGES, r"Σ λ_j g_j is not a negative constant")
    cert["global"]["empty"][0]["multipliers"] = ["-1", "-1"]  # a positive constant 2, with negative weights
    rejected(cert, TWO_HINGES, r"multipliers\[0\] is negative")
    cert["global"]["empty"][0]["multipliers"] = ["1"]
    rejected(cert, TWO_HINGES, r"must list one number per constraint of the prefix \(2\)")


def test_a_pruned_prefix_that_is_not_empty_is_rejected(two_hinges):
    # replace a listed cell by a pruned prefix: no nonnegative combination of x - 1 >= 0 and x + 1 >= 0 is
    # a negative constant
    cert = edited(two_hinges)
    cells = cert["global"]["cells"]
    cell = next(c for c in cells if c["pattern"] == [1, 0])
    cells.remove(cell)
    cert["global"]["empty"].append({"prefix": [1, 0], "multipliers": ["1", "1"]})
    rejected(cert, TWO_HINGES, r"empty\[\[1, 0\]\]: Σ λ_j g_j is not a negative constant")


def test_a_dropped_sign_split_is_rejected(scp16):
    # without the split on v the cells have 5 constraints, and the products v·z_i are out of reach
    cert = edited(scp16)
    cover = cert["global"]
    cover["splits"] = []
    cover["cells"] = [dict(c, pattern=c["pattern"][:5]) for c in cover["cells"] if c["pattern"][5] == 0]
    rejected(cert, SCP16, r"constraints must list at most 2 indices of the cell's 5 constraints")


def test_a_wrong_multiplier_is_rejected(scp16):
    cert = edited(scp16)
    cell, term = next((c, t) for c in cert["global"]["cells"] for t in c["terms"] if "constraints" in t)
    term["coefficient"] = str(2 * fractions.Fraction(term["coefficient"]))
    rejected(cert, SCP16, rf"cells\[\[{', '.join(map(str, cell['pattern']))}\]\]: the identity does not hold")


def test_a_cell_moved_to_another_pattern_is_rejected(scp16):
    cert = edited(scp16)
    cells = cert["global"]["cells"]
    first, last = cells[0], cells[-1]
    assert first["pattern"] == [0] * 6 and last["pattern"] == [1] * 6
    first["pattern"], last["pattern"] = last["pattern"], first["pattern"]
    rejected(cert, SCP16, r"cells\[\[0, 0, 0, 0, 0, 0\]\]: the identity does not hold")


def test_a_bound_above_the_minimum_is_rejected(scp16):
    # claim 15: lower each cell's constant term by 1 where it is at least 1; the cells where the piece reaches
    # 14 have none to lower, and the bound 15 fails there
    cert = edited(scp16)
    cover = cert["global"]
    cover["bound"] = "15"
    tight = []
    for cell in cover["cells"]:
        constants = [t for t in cell["terms"] if t["polynomial"] == "1" and "constraints" not in t]
        if constants and fractions.Fraction(constants[0]["coefficient"]) > 1:
            constants[0]["coefficient"] = str(fractions.Fraction(constants[0]["coefficient"]) - 1)
        else:
            tight.append(cell["pattern"])
    assert [0, 1, 1, 1, 1, 0] in tight  # the cell of (-7, -4, 1, 0): only x = -1 active, v >= 0
    rejected(cert, SCP16, r"the identity does not hold")
    # the tight cells patched with a term of negative weight
    for cell in cover["cells"]:
        if cell["pattern"] in tight:
            cell["terms"].append({"coefficient": "-1", "polynomial": "1"})
    rejected(cert, SCP16, r"coefficient must be positive")


def test_a_genuine_cover_does_not_prove_a_point_above_its_bound(scp16):
    # the bound 14 holds everywhere, but (1, -3, 1, 0) has value 18: not a global minimum
    kink = classify(SCP16, (1, -3, 1, 0))
    cert = edited(kink)
    cert["global_min"] = True
    cert["global"] = copy.deepcopy(scp16.certificate["global"])
    rejected(cert, SCP16, r"global: the value at the point is 18, not the lower bound 14")


def test_unknown_fields_are_rejected(scp16, two_hinges):
    cert = edited(scp16)
    cert["global"]["note"] = "trust me"
    rejected(cert, SCP16, r"a cell_cover has exactly the fields")
    cert = edited(scp16)
    cert["global"]["cells"][3]["piece"] = "14"
    rejected(cert, SCP16, r"has exactly the fields pattern and terms")
    cert = edited(scp16)
    cert["global"]["cells"][3]["terms"][0]["constraint"] = 0
    rejected(cert, SCP16, r"terms\[0\] must be an object with the fields coefficient, polynomial")
    cert = edited(two_hinges)
    cert["global"]["empty"][0]["constant"] = "-2"
    rejected(cert, TWO_HINGES, r"has exactly the fields prefix and multipliers")


def test_malformed_covers_are_rejected(scp16, two_hinges):
    cert = edited(scp16)
    term = next(t for c in cert["global"]["cells"] for t in c["terms"] if "constraints" in t)
    term["constraints"] = [0, 1, 5]
    rejected(cert, SCP16, r"at most 2 indices")
    cert = edited(scp16)
    cert["global"]["splits"] = ["2"]
    rejected(cert, SCP16, r"splits\[0\]='2' is constant")
    cert = edited(scp16)
    cert["global"]["cells"].append(dict(cert["global"]["cells"][0], pattern=[2, 0, 0, 0, 0, 0]))
    rejected(cert, SCP16, r"not reached")
    cert = edited(two_hinges)
    cert["global"]["empty"].append({"prefix": [0, 0, 1], "multipliers": []})
    rejected(cert, TWO_HINGES, r"repeated or has the wrong length")


def test_a_huge_cover_is_refused_by_the_budget(scp16):
    cert = edited(scp16)
    cert["global"]["cells"] += [{"pattern": [0] * 6, "terms": []}] * 100_000  # 100,064 entries
    rejected(cert, SCP16, r"above the bound max_terms=100000")
    cert = edited(scp16)
    cert["global"]["cells"][0]["terms"][0]["polynomial"] = "(w + b)^600"
    rejected(cert, SCP16, r"above the bound max_degree=1000")
