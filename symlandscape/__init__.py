"""Exact loss landscapes of small neural networks, with certified critical points."""

from .activations import get_activation as get_activation
from .claims import ClaimReport as ClaimReport
from .claims import run_claims as run_claims
from .classify import classify as classify
from .critical import CriticalSet as CriticalSet
from .critical import critical_points as critical_points
from .critical import weight_decay as weight_decay
from .deep_linear import DeepLinearLandscape as DeepLinearLandscape
from .deep_linear import deep_linear as deep_linear
from .budget import BudgetExceeded as BudgetExceeded
from .errors import CertificateError as CertificateError
from .errors import DomainError as DomainError
from .errors import EvaluationError as EvaluationError
from .errors import InvalidArgument as InvalidArgument
from .errors import KinkError as KinkError
from .errors import NotCriticalError as NotCriticalError
from .errors import NotExactError as NotExactError
from .errors import ParseError as ParseError
from .errors import ShapeError as ShapeError
from .errors import SymlandscapeError as SymlandscapeError
from .inertia import Inertia as Inertia
from .inertia import congruence_diagonalization as congruence_diagonalization
from .inertia import inertia as inertia
from .landscape import Landscape as Landscape
from .landscape import Piece as Piece
from .losses import get_loss as get_loss
from .network import exponential_neuron as exponential_neuron
from .network import mlp as mlp
from .numeric import numeric_check as numeric_check
from .numeric import numeric_twin as numeric_twin
from .verdict import Verdict as Verdict
from .verify import verify as verify

__version__ = "0.1.0"

__all__ = [
    "BudgetExceeded",
    "CertificateError",
    "ClaimReport",
    "CriticalSet",
    "DeepLinearLandscape",
    "DomainError",
    "EvaluationError",
    "Inertia",
    "InvalidArgument",
    "KinkError",
    "Landscape",
    "NotCriticalError",
    "NotExactError",
    "ParseError",
    "Piece",
    "ShapeError",
    "SymlandscapeError",
    "Verdict",
    "classify",
    "congruence_diagonalization",
    "critical_points",
    "deep_linear",
    "exponential_neuron",
    "get_activation",
    "get_loss",
    "inertia",
    "mlp",
    "numeric_check",
    "numeric_twin",
    "run_claims",
    "verify",
    "weight_decay",
]
