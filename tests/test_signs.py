"""The sign rule on huge exponents: true answers or an honest refusal, in milliseconds."""

import pytest
import sympy
from sympy import Integer, exp, tanh

from symlandscape.activations import sigmoid
from symlandscape.errors import EvaluationError
from symlandscape.signs import exact_sign, short_text

BIG = Integer(10) ** 3000


@pytest.mark.parametrize("number, sign", [
    (exp(BIG) - 1, 1),                 # exp(10^3000) >= 2^floor(10^3000 / log 2) > 1
    (exp(-BIG), 1),                    # positive, however small
    (exp(-BIG) - sympy.Rational(1, 10**100), -1),
    (exp(BIG) - exp(2 * BIG), -1),     # the two enclosures [2^k, 2^(k+1)] are far apart
    (sigmoid(-BIG), 1),
    (exp(Integer(2) ** 200) - exp(Integer(2) ** 200 + 1), -1),   # below the cut-off: mpmath's own exp
])
def test_signs_with_huge_exponents(number, sign):
    assert exact_sign(number) == sign


@pytest.mark.parametrize("number", [exp(BIG) - exp(BIG + 1), tanh(BIG) - 1, sigmoid(BIG) - 1])
def test_undecided_huge_exponents_fail_fast(number):
    # these differ from 0 by less than the enclosures can show: the rule says so (in milliseconds; it
    # used to spend 28 s on the first, most of it printing the message)
    with pytest.raises(EvaluationError, match="cannot decide the sign"):
        exact_sign(number)


def test_messages_do_not_evaluate_terms_to_order_them():
    assert short_text(exp(BIG) + exp(BIG + 1), 40).startswith("exp(")
    assert len(short_text(exp(BIG), 40)) == 40
