"""Verdict: the frozen record, the JSON contract of ``symlandscape classify``, and its renderings."""

from __future__ import annotations

import dataclasses
import json

import pytest
import sympy

from symlandscape import InvalidArgument
from symlandscape.verdict import FORMATS, KINDS, Verdict
from test_classify import IDS, case, verdict_of

CONTRACT_KEYS = {"kind", "value", "critical", "hessian_inertia", "global_min", "certificate", "verified",
                 "explanation"}


@pytest.mark.parametrize("case_id", IDS)
def test_json_contract(case_id):
    _, _, kind, v = case(case_id)
    data = json.loads(v.render("json"))
    assert set(data) == CONTRACT_KEYS
    assert data["kind"] == kind in KINDS
    assert isinstance(data["value"], str) and sympy.sympify(data["value"]) == v.value
    assert isinstance(data["critical"], bool) and data["verified"] is True
    inertia = data["hessian_inertia"]
    assert inertia is None or (set(inertia) == {"positive", "negative", "zero"}
                               and sum(inertia.values()) == len(v.point))
    assert data["global_min"] in (True, False, None)
    assert isinstance(data["certificate"], dict) and "type" in data["certificate"]
    assert data == v.to_dict() and data["explanation"] == v.explanation


def test_exact_strings():
    assert verdict_of("scp16-kink").to_dict()["value"] == "18"
    assert verdict_of("chain3-origin").to_dict()["value"] == "1/2"
    assert verdict_of("exp-minimum").to_dict()["value"] == "exp(1/2)"
    assert verdict_of("scp16-kink").to_dict()["hessian_inertia"] is None


def test_text_rendering():
    text = verdict_of("lee-saddle").render("text")
    assert text.startswith("kind: strict_saddle")
    assert "point: (w1, w2) = (0, 0)" in text and "Hessian inertia: 1 positive, 1 negative, 0 zero" in text
    assert "global minimum: no" in text and "certificate: verified" in text


@pytest.mark.parametrize("fmt, math_open", [("latex", r"\["), ("markdown", "$$")])
def test_worked_example(fmt, math_open):
    text = verdict_of("lee-saddle").render(fmt)
    # the loss as written, the gradient and Hessian at the point, the inertia, the certificate written out
    assert math_open in text
    assert r"\left(1 - w_{1} w_{2}\right)^{2}" in text
    assert r"\nabla L(\theta_0) = 0" in text
    assert r"\nabla^2 L(\theta_0) = \begin{pmatrix} 0 & -2 \\ -2 & 0 \end{pmatrix}" in text
    assert "1 positive, 1 negative and 0 zero eigenvalues" in text
    assert r"u^\top H u = -4" in text and r"v^\top H v = 4" in text
    assert r"S = \begin{pmatrix} 1 & 1 \\ -\tfrac{1}{2} & \tfrac{1}{2} \end{pmatrix}" in text


def test_worked_example_of_a_kink_and_sums_of_squares():
    text = verdict_of("scp16-kink").render("latex")
    assert "has no gradient there" not in text  # both pieces have gradient 0 here
    assert "has no Hessian there" in text
    assert r"L_P(\theta) - L(\theta_0) =" in text and "inactive, inactive, active, active, active" in text
    assert r"g_{2}(\theta) = b + 3 w" in text  # the region of each piece is written out
    assert r"\theta^* = (" in text and "< 18" in text
    md = verdict_of("chain3-origin").render("markdown")
    assert "Descent: along the curve" in md and r"t^{3}" in md


def test_every_case_renders_in_every_format():
    for case_id in IDS:
        v = verdict_of(case_id)
        for fmt in FORMATS:
            assert v.kind.replace("_", " ") in v.render(fmt).replace("_", " ")


def test_frozen_and_validated():
    v = verdict_of("lee-saddle")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.kind = "local_min"
    fields = dict(kind="strict_saddle", value=sympy.Integer(1), critical=True,
                  hessian_inertia={"positive": 1, "negative": 1, "zero": 0}, global_min=False,
                  certificate={"type": "classification"}, verified=True, explanation="")
    Verdict(**fields)
    for change in ({"kind": "saddle"}, {"critical": 1}, {"critical": None}, {"global_min": "no"},
                   {"hessian_inertia": {"positive": 1}}, {"certificate": {}}):
        with pytest.raises(InvalidArgument):
            Verdict(**{**fields, **change})
    with pytest.raises(InvalidArgument, match="fmt"):
        v.render("pdf")


def test_rendering_without_a_landscape():
    v = dataclasses.replace(verdict_of("x2-y4"), landscape=None)
    text = v.render("markdown")
    assert "No landscape is attached" in text and "Descent: along the curve" in text
