"""Results do not depend on SymPy's ground types (flint, chosen automatically, or python)."""

import json
import os
import subprocess
import sys

SCRIPT = r"""
import json, sympy
from sympy.external.gmpy import GROUND_TYPES
from symlandscape import Landscape, deep_linear, get_loss, mlp
from symlandscape.inertia import inertia
L = deep_linear([[1, 2, 0], [0, 1, 1]], [["1/2", 0, 1]], hidden=[2, 1])
p = ["1/3", -1, 2, "5/7", 1, 0, "-2/3"]
relu = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"))
lee = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
H = L.hessian(p)
print(json.dumps({
    "ground": GROUND_TYPES,
    "value": str(L.value(p)), "gradient": [str(g) for g in L.gradient(p)],
    "hessian": [str(e) for e in H], "inertia": inertia(H).as_dict(),
    "taylor": [str(c) for c in L.taylor(p, [1] * 7, 5)],
    "relu": [str(relu.value([1, -3, 1, 0])), [u.description for u in relu.kinks([1, -3, 1, 0])]],
    "lee": [str(e) for e in lee.hessian([2, "1/2"])],
}))
"""


def run(ground):
    env = dict(os.environ, SYMPY_GROUND_TYPES=ground)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_flint_and_python_ground_types_agree():
    flint_result, python_result = run("flint"), run("python")
    assert flint_result.pop("ground") == "flint"
    assert python_result.pop("ground") == "python"
    assert flint_result == python_result
