"""symlandscape.testing: the assertions pass and fail as stated, with readable exact messages."""

import dataclasses
import importlib

import pytest

from symlandscape import InvalidArgument, Landscape, deep_linear, exponential_neuron, get_loss, mlp
from symlandscape import testing
from symlandscape.testing import assert_certified, assert_critical, assert_local_min, assert_saddle, describe_case

# the module, not the function symlandscape re-exports under the same name
CLASSIFY_MODULE = importlib.import_module("symlandscape.classify")
SCP16 = dict(loss=get_loss("squared", scale="sum"), variables="w,b,v,c")


def scp16():
    """Swirszcz, Czarnecki, Pascanu 2016: one ReLU unit, (1, -3, 1, 0) is a local min on a kink."""
    return mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], **SCP16)


# -- describe_case ---------------------------------------------------------------------------------


def test_describe_case_prints_deep_linear_data_and_weights_as_exact_matrices():
    L = deep_linear([[1, 0, 2], [0, 1, -1]], [[3, "1/2", 0]], hidden=[2], scale="sum")
    text = describe_case(L, [1, "-1/3", 0, 2, "5/7", -4])
    assert text == "\n".join([  # columns are right-aligned
        "instance: deep linear network, widths (2, 2, 1) (2 weight matrices), loss 1·||W_2⋯W_1 X − Y||_F^2",
        "  X = [[1, 0,  2],",
        "       [0, 1, -1]]",
        "  Y = [[3, 1/2, 0]]",
        "point:",
        "  W_1 = [[1, -1/3],",
        "         [0,    2]]",
        "  W_2 = [[5/7, -4]]",
    ])


def test_describe_case_prints_network_layers_with_biases():
    text = describe_case(scp16(), [1, -3, 1, 0])
    assert "Network: widths (1, 1, 1), activation relu, loss squared(scale=sum)" in text
    assert "X = [[-1, 1, 3, 4, 5]]" in text and "Y = [[3, -3, 0, 1, 2]]" in text
    assert "W_1 = [[1]]\n  b_1 = [[-3]]\n  W_2 = [[1]]\n  b_2 = [[0]]" in text


def test_describe_case_falls_back_to_the_expression_and_named_coordinates():
    L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    assert describe_case(L, ["1/2", 0]) == "instance: loss L = (-w1*w2 + 1)**2\npoint:\n  w1 = 1/2, w2 = 0"
    augmented = exponential_neuron(deep_linear([[1]], [[1]], hidden=[1]), 1)
    text = describe_case(augmented, [1, 2, 0, 3, "-1/2"])
    assert "exponential neuron with lambda = 1" in text
    assert "w1 = 1, w2 = 2, a = 0, w_1 = 3, b = -1/2" in text


# -- assert_critical ---------------------------------------------------------------------------------


def test_assert_critical_returns_the_exact_gradient():
    L = deep_linear([[1]], [[2]], hidden=[1])
    assert list(assert_critical(L, [1, 2])) == [0, 0]


def test_assert_critical_names_the_nonzero_components():
    L = deep_linear([[1, 0], [0, 1]], [[1, 2]], hidden=[1])
    with pytest.raises(AssertionError) as info:
        assert_critical(L, [1, 0, 1])
    message = str(info.value)
    # residual R = W2 W1 X − Y = (0, −2): ∂L/∂W1 = W2ᵀ R Xᵀ = (0, −2), ∂L/∂W2 = R (W1 X)ᵀ = 0
    assert message.startswith("not a critical point: the exact gradient is nonzero in 1 of 3 coordinates")
    assert "W_1 = [[1, 0]]" in message and "W_2 = [[1]]" in message
    assert message.endswith("gradient: W1_1_2 = -2")


def test_assert_critical_where_the_pieces_agree_returns_their_gradient():
    # SCP16's local minimum sits on a kink, but both adjacent pieces have gradient 0 there
    assert list(assert_critical(scp16(), [1, -3, 1, 0])) == [0, 0, 0, 0]


def test_assert_critical_at_a_kink_uses_the_certified_verdict():
    # relu(x) + y^2 at the origin: piece gradients (1, 0) and (0, 0) differ; 0 is in their hull
    verdict = assert_critical(Landscape.from_expression("relu(x) + y^2", "x,y"), [0, 0])
    assert verdict.critical and verdict.kind == "local_min"
    # relu(x) + x: piece gradients (2, 0) and (1, 0), no convex combination vanishes
    with pytest.raises(AssertionError, match="not a critical point \\(on a kink"):
        assert_critical(Landscape.from_expression("relu(x) + x + y^2", "x,y"), [0, 0])


# -- classification assertions -----------------------------------------------------------------------


def test_assert_local_min_strictness():
    bowl = Landscape.from_expression("x^2 + 2*y^2", "x,y")
    assert assert_local_min(bowl, [0, 0], strict=True).kind == "strict_local_min"
    with pytest.raises(AssertionError, match="expected a non-strict local minimum, but classify says strict_local_min"):
        assert_local_min(bowl, [0, 0], strict=False)
    flat = Landscape.from_expression("x^2", "x,y")
    assert assert_local_min(flat, [0, 5], strict=False).kind == "local_min"


def test_assert_local_min_fails_at_a_saddle_with_the_verdict():
    L = deep_linear([[1]], [[1]], hidden=[1])
    with pytest.raises(AssertionError) as info:
        assert_local_min(L, [0, 0])
    message = str(info.value)
    assert message.splitlines()[0] == "assert_local_min: expected a local minimum, but classify says strict_saddle"
    assert "W_1 = [[0]]\n  W_2 = [[0]]" in message
    assert "verdict: strict_saddle\nvalue: 1/2\nHessian inertia: positive 1, negative 1, zero 0" in message
    assert "global minimum: False" in message


def test_assert_saddle_tells_strict_from_degenerate():
    two = deep_linear([[1]], [[1]], hidden=[1])
    three = deep_linear([[1]], [[1]], hidden=[1, 1])
    assert assert_saddle(two, [0, 0], degenerate=False).hessian_inertia["negative"] == 1
    assert assert_saddle(three, [0, 0, 0], degenerate=True).kind == "degenerate_saddle"
    with pytest.raises(AssertionError, match="expected a strict saddle, but classify says degenerate_saddle"):
        assert_saddle(three, [0, 0, 0], degenerate=False)
    with pytest.raises(AssertionError, match="expected a saddle, but classify says local_min"):
        assert_saddle(two, [1, 1])


def test_assert_certified_accepts_kinds_and_rejects_undetermined(monkeypatch):
    L = deep_linear([[1]], [[1]], hidden=[1])
    assert assert_certified(L, [1, 1], kind=["local_min", "strict_local_min"]).global_min is True
    with pytest.raises(AssertionError, match="of kind not_critical"):
        assert_certified(L, [1, 1], kind="not_critical")
    # a verdict that does not decide (and says so in a certificate that verifies) fails
    three = deep_linear([[1]], [[1]], hidden=[1, 1])
    real = CLASSIFY_MODULE.classify

    def undecided(landscape, point, *, seed=0):
        verdict = real(landscape, point, seed=seed)
        certificate = dict(verdict.certificate, kind="undetermined")
        certificate["evidence"] = {k: v for k, v in certificate["evidence"].items() if k in ("critical", "inertia")}
        return dataclasses.replace(verdict, kind="undetermined", certificate=certificate)

    monkeypatch.setattr(CLASSIFY_MODULE, "classify", undecided)
    with pytest.raises(AssertionError, match="expected a certified verdict, but classify says undetermined"):
        assert_certified(three, [0, 0, 0])


def test_a_certificate_that_does_not_verify_is_a_failure(monkeypatch):
    real = CLASSIFY_MODULE.classify

    def forged(landscape, point, *, seed=0):
        verdict = real(landscape, point, seed=seed)
        return dataclasses.replace(verdict, certificate=dict(verdict.certificate, value="7"))

    monkeypatch.setattr(CLASSIFY_MODULE, "classify", forged)
    with pytest.raises(AssertionError, match="the certificate of the verdict 'strict_saddle' does not verify"):
        assert_saddle(deep_linear([[1]], [[1]], hidden=[1]), [0, 0])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: assert_local_min(deep_linear([[1]], [[1]], hidden=[1]), [0, 0], strict="yes"), "strict='yes'"),
        (lambda: assert_saddle(deep_linear([[1]], [[1]], hidden=[1]), [0, 0], degenerate=1), "degenerate=1"),
        (lambda: assert_certified(deep_linear([[1]], [[1]], hidden=[1]), [0, 0], kind="saddle"), "kind='saddle'"),
        (lambda: assert_critical("x^2", [0]), "must be a symlandscape Landscape"),
    ],
)
def test_bad_arguments_are_invalid_arguments_not_assertion_failures(call, message):
    with pytest.raises(InvalidArgument, match=message):
        call()


def test_kind_names_match_the_verdict_contract():
    from symlandscape.verify import KINDS

    assert testing.VERDICT_KINDS == KINDS
    assert set(testing.LOCAL_MIN_KINDS + testing.SADDLE_KINDS) <= set(KINDS)
