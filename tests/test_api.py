"""The public API is exactly what ``__all__`` says; changing it is a deliberate act."""

import symlandscape

PUBLIC = {
    "CertificateError", "ClaimReport", "DeepLinearLandscape", "Inertia", "InvalidArgument", "KinkError",
    "Landscape", "NotCriticalError", "NotExactError", "ParseError", "Piece", "ShapeError",
    "DomainError", "EvaluationError", "BudgetExceeded",
    "SymlandscapeError", "Verdict", "classify", "congruence_diagonalization", "deep_linear",
    "exponential_neuron", "get_activation", "get_loss", "inertia", "mlp", "numeric_check", "numeric_twin",
    "run_claims", "verify", "CriticalSet", "critical_points", "weight_decay",
}


def test_all_is_pinned():
    assert set(symlandscape.__all__) == PUBLIC
    assert len(symlandscape.__all__) == len(PUBLIC)


def test_every_name_exists_and_errors_share_one_root():
    for name in PUBLIC:
        assert hasattr(symlandscape, name), name
    for name in PUBLIC:
        obj = getattr(symlandscape, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, symlandscape.SymlandscapeError), name


def test_importing_does_not_need_hypothesis():
    # the strategies import Hypothesis, a test extra: the package must not import them eagerly
    import subprocess
    import sys

    code = "import sys, symlandscape; print('symlandscape.strategies' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "False"
