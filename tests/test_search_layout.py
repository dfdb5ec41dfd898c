"""The layout of the search: the checker shares no code with it, each helper has one home, and the plug-in points work."""

import ast
import importlib
import pathlib

import pytest

import symlandscape
from symlandscape import Landscape, classify, verify
from symlandscape.search import global_status, positivity

PACKAGE = pathlib.Path(symlandscape.__file__).parent
ROOT = PACKAGE.parent
#: The trusted checker: verify and the modules it evaluates with.
CHECKER = ("verify", "jets", "regions", "signs", "expression", "budget", "activations", "errors", "exact",
           "algebraic_check")


def _imports(path):
    """Modules of the package whose code ``path`` imports anywhere (module level or inside functions).

    ``from . import jets`` names the module ``jets``; ``from .landscape import Landscape`` the module
    ``landscape``; a name that is not a module (``from symlandscape import classify``) names the
    package's ``__init__`` (``""``), which re-exports the whole public API.
    """
    module = path.relative_to(PACKAGE).with_suffix("").parts
    package = list(module[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                target = package[:len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "symlandscape":
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                submodule = ".".join(target + [alias.name])
                found.add(submodule if _file(submodule) is not None else ".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "symlandscape":
                    found.add(".".join(alias.name.split(".")[1:]))
    return {name for name in found if _file(name) is not None}


def _file(name):
    """The source file of the package's module ``name`` (``"search.core"``), or None (not a module)."""
    if not name:
        return PACKAGE / "__init__.py"
    path = PACKAGE.joinpath(*name.split("."))
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


def test_the_import_reader_sees_the_search():
    # the reader must see both import forms that matter, or the next test proves nothing
    assert {"search.core", "verify"} <= _imports(PACKAGE / "classify.py")
    assert "search.scalars" in _imports(PACKAGE / "search" / "core.py")
    assert "inertia" in _imports(PACKAGE / "search" / "congruence.py")
    assert {"budget", "jets", "regions", "landscape"} <= _imports(PACKAGE / "verify.py")  # one inside a function
    assert _imports(PACKAGE / "__init__.py") >= {"classify"}


def test_the_checker_reaches_neither_the_search_nor_classify():
    """Everything the checker's modules import, directly or through other modules of the package
    (imports inside functions included), stays clear of the search."""
    reached, todo = set(), list(CHECKER)
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        todo.extend(_imports(_file(name)) - reached)
    assert "search" not in {name.split(".")[0] for name in reached}
    assert "classify" not in reached


def test_each_search_helper_is_defined_once():
    """No two modules of the search define the same function or class (the checker keeps its own copies)."""
    homes = {}
    for path in sorted((PACKAGE / "search").glob("*.py")) + [PACKAGE / "classify.py", PACKAGE / "inertia.py"]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                homes.setdefault(node.name, []).append(path.name)
    assert {name: files for name, files in homes.items() if len(files) > 1} == {}


def test_every_name_imported_from_classify_is_still_there():
    module = importlib.import_module("symlandscape.classify")
    wanted = set()
    for folder in ("symlandscape", "tests", "benchmarks", "proofs_checks", "examples"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module in ("symlandscape.classify", "classify") and (
                        node.module == "symlandscape.classify" or node.level == 1):
                    wanted.update(a.name for a in node.names)
    # and what scripts reach through the module object (benchmarks/bench_decide.py, the tests' monkeypatch)
    wanted |= {"_Search", "DEFAULT_MAX_ORDER", "GLOBAL_SEARCH_BUDGET", "verify"}
    assert "classify" in wanted
    assert [name for name in sorted(wanted) if not hasattr(module, name)] == []


def test_a_new_sos_engine_is_tried_after_the_others(monkeypatch):
    """x² + y⁴ - y⁵ - L(0) has no sum of squares valid everywhere (it is negative at (0, 2)): every engine is
    asked, in order, before the bound on a ball decides."""
    calls = []

    def engine(search, expression, polynomial, sense):
        calls.append(sense)
        return None

    import symlandscape.search.quasi

    monkeypatch.setattr(positivity, "SOS_ENGINES", positivity.SOS_ENGINES + (engine,))
    monkeypatch.setattr(symlandscape.search.quasi, "quasi_bound", lambda search, sense: None)
    v = classify(Landscape.from_expression("x^2 + y^4 - y^5", "x,y"), [0, 0])
    assert v.kind == "local_min" and v.certificate["evidence"]["minimum"]["region"] != "everywhere"
    assert v.global_min is False
    assert calls == ["lower"]  # the Hessian diag(2, 0) rules out an upper bound


def test_a_new_global_lower_bound_is_used_and_checked(monkeypatch):
    """A producer placed first answers for x² + y² at 0, and the checker re-checks what it states:
    x² + y² - 0 = 1·x² + 1·y² (by hand)."""

    def producer(search):
        search.notes.append("Stated by the producer under test.")
        terms = [{"coefficient": "1", "polynomial": "x"}, {"coefficient": "1", "polynomial": "y"}]
        return True, {"type": "global_lower_bound",
                      "certificate": {"type": "sos", "region": "everywhere", "sense": "lower", "terms": terms}}

    monkeypatch.setattr(global_status, "GLOBAL_LOWER_BOUNDS", (producer,) + global_status.GLOBAL_LOWER_BOUNDS)
    L = Landscape.from_expression("x^2 + y^2", "x,y")
    v = classify(L, [0, 0])
    assert (v.kind, v.global_min, v.verified) == ("strict_local_min", True, True)
    assert "Stated by the producer under test." in v.explanation
    assert verify(v.certificate, L)


def test_a_false_global_lower_bound_is_never_returned(monkeypatch):
    """A producer that claims x² - x³ = x² + 0 at 0 (false: x² - x³ < 0 at x = 2) is refused by the
    checker; classify reports a bug instead of returning it."""

    def producer(search):
        terms = [{"coefficient": "1", "polynomial": "x"}]
        return True, {"type": "global_lower_bound",
                      "certificate": {"type": "sos", "region": "everywhere", "sense": "lower", "terms": terms}}

    monkeypatch.setattr(global_status, "GLOBAL_LOWER_BOUNDS", (producer,))
    with pytest.raises(RuntimeError, match="internal error"):
        classify(Landscape.from_expression("x^2 - x^3", "x"), [0])
