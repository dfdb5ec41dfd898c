"""Hostile input at the command line: every run ends in an answer, a rejection or a clean error, quickly.

The CLI entry point runs in-process (``symlandscape.cli.main``) on random and hostile
input — token soup from the grammar's alphabet, deep nesting, huge numbers and exponents,
bytes that are not UTF-8, mutated certificates — and on an explicit list of every hostile
case of "a verified certificate must be a proof".  Whatever the input:

- the exit code is 0, 1 or 2 (3 is an internal error: a bug);
- stderr has no traceback, no "internal error", and fewer than 500 characters;
- the run takes less than :data:`MAX_SECONDS_PER_INPUT`.
"""

import json
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symlandscape import Landscape, classify
from symlandscape.cli import main

#: Wall time allowed for one input.  The generated runs pass ``--max-seconds 2``, so each
#: bounded step (an expansion, a sign decision) stops within 2 s; a command runs a handful
#: of such steps (parse, evaluation, classify's search, verify's re-check), which the
#: explicit cases below measure at under 3 s on the 2-core CI machine.  20 s leaves room
#: for a loaded machine while still catching anything unbounded (the cases this suite was
#: written for hung for minutes or hours).
MAX_SECONDS_PER_INPUT = 20

#: Passed to every generated run: a tighter time budget than the default 60 s.
FUZZ_BOUNDS = ["--max-seconds", "2"]


def fuzz(max_examples):
    """The settings of a generated test: explicit examples, no deadline (``outcome`` times each run)."""
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def outcome(capsys, argv):
    """Run the CLI on ``argv``; check the contract every run must keep; return ``(code, out, err)``."""
    start = time.monotonic()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors, --version
        code = exc.code
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    shown = [a if len(a) < 80 else a[:77] + "..." for a in argv]
    assert code in (0, 1, 2), f"exit {code} for {shown}: {err}"
    assert "Traceback" not in err and "internal error" not in err, f"{shown}: {err}"
    assert len(err) < 500, f"{len(err)} characters on stderr for {shown}"
    assert elapsed < MAX_SECONDS_PER_INPUT, f"{elapsed:.1f} s for {shown}"
    return code, out, err


# ---------------------------------------------------------------------------------------
# real certificates to mutate


_CASES = [
    ("(1 - w1*w2)^2", "w1,w2", ["0", "0"]),  # a strict saddle
    ("exp(x) - x + y^2", "x,y", ["0", "0"]),  # a strict minimum, symbolic engine
    ("relu(x - 1)^2 + y^2", "x,y", ["1", "0"]),  # a kink
]
_OUTPUTS = {}


def classify_output(i):
    """The ``classify --format json`` output of case ``i`` (computed once)."""
    if i not in _OUTPUTS:
        loss, variables, point = _CASES[i]
        _OUTPUTS[i] = json.loads(classify(Landscape.from_expression(loss, variables), point).render("json"))
    return _OUTPUTS[i]


def _paths(data, prefix=()):
    yield prefix
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, child in children:
        yield from _paths(child, prefix + (key,))


def _replaced(data, path, value):
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _replaced(data[path[0]], path[1:], value)
    return copy


def _nested(depth, leaf):
    for _ in range(depth):
        leaf = [leaf]
    return leaf


_REPLACEMENTS = st.one_of(
    st.sampled_from([None, True, False, 0, 1, -1, 1.5, float("inf"), "", "x", "1/0", "exp(1)", [], {},
                     "strict_local_min", "not_critical", {"type": "classification"}, "0.5", "1e999999"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(1, 12_000).map(lambda n: "9" * n),
    st.integers(1, 12_000).map(lambda n: int("7" * min(n, 4000))),
    st.integers(0, 50_000).map(lambda n: [0] * n),
    st.integers(1, 400).map(lambda n: _nested(n, "1")),
    st.text(max_size=30),
)


def _with_duplicate_key(text, k):
    """The JSON ``text`` with the first key of its ``k``-th object stated twice."""
    starts = [i for i in range(len(text) - 1) if text[i] == "{" and text[i + 1] == '"']
    if not starts:
        return text
    i = starts[k % len(starts)]
    key = text[i + 1: text.index('"', i + 2) + 1]
    return text[: i + 1] + key + ": null, " + text[i + 1:]


@st.composite
def mutated_certificates(draw):
    """``(case, text)``: a real classify output, mutated once (or a few times), as JSON text."""
    i = draw(st.integers(0, len(_CASES) - 1))
    data = classify_output(i)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = paths[draw(st.integers(0, len(paths) - 1))]
        data = _replaced(data, path, draw(_REPLACEMENTS))
    text = json.dumps(data)
    if draw(st.booleans()):
        text = _with_duplicate_key(text, draw(st.integers(0, 100)))
    return i, text


# ---------------------------------------------------------------------------------------
# generated input


_TOKENS = ["x", "y", "z", "w", "0", "1", "2", "3", "10", "0.5", "1e5", "1e-40", "9999", "1/3", "+", "-", "*", "/",
           "^", "**", "(", ")", ",", " ", "relu(", "leaky_relu(", "max(", "min(", "abs(", "exp(", "log(", "tanh(",
           "sigmoid(", ".", "e", "_", "[", "'", "=", "é", "\x00", "x^2", "(x-y)", "1/x", "log(x)", "y^y",
           "x^(1/2)", "^10000", "^-1"]
_POINTS = ["0,0,0", "1,-1,1/2", "1/3,0,2", "-2,0.5,1e-3", "0,1,-1"]

token_soup = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=24).map("".join)


@fuzz(60)
@given(loss=token_soup, point=st.sampled_from(_POINTS), order=st.sampled_from([None, "3", "12"]))
def test_derive_on_token_soup(capsys, loss, point, order):
    argv = ["derive", "--loss", loss, "--vars", "x,y,z", "--at", point, *FUZZ_BOUNDS]
    outcome(capsys, argv + (["--order", order] if order else []))


@fuzz(25)
@given(loss=token_soup, point=st.sampled_from(_POINTS))
def test_classify_on_token_soup(capsys, loss, point):
    outcome(capsys, ["classify", "--loss", loss, "--vars", "x,y,z", "--at", point, "--format", "json",
                     *FUZZ_BOUNDS])


_ATOMS = st.sampled_from(["x", "y", "z", "0", "1", "2", "1/3", "0.5", "-1", "10", "1e-3"])


def _compound(children):
    pairs = st.tuples(children, children, st.sampled_from(["+", "-", "*", "/", "^"]))
    calls = st.tuples(st.sampled_from(["relu", "abs", "exp", "log", "tanh", "sigmoid"]), children)
    return st.one_of(
        pairs.map(lambda t: f"({t[0]}){t[2]}({t[1]})"),
        calls.map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, children).map(lambda t: f"max({t[0]}, {t[1]})"),
        st.tuples(children, st.sampled_from(["1/10", "-2"])).map(lambda t: f"leaky_relu({t[0]}, {t[1]})"),
        st.tuples(children, st.sampled_from(["2", "3", "1/2", "-1", "100", "x"])).map(lambda t: f"({t[0]})^{t[1]}"),
    )


#: Expressions of the grammar: they parse, so the engines, the domain and classify all run.
expressions = st.recursive(_ATOMS, _compound, max_leaves=8)


@fuzz(100)
@given(loss=expressions, point=st.sampled_from(_POINTS), order=st.sampled_from([None, "2", "6"]))
def test_derive_on_expressions(capsys, loss, point, order):
    argv = ["derive", "--loss", loss, "--vars", "x,y,z", "--at", point, *FUZZ_BOUNDS]
    outcome(capsys, argv + (["--order", order] if order else []))


@fuzz(60)
@given(loss=expressions, point=st.sampled_from(_POINTS))
def test_classify_on_expressions(capsys, loss, point):
    outcome(capsys, ["classify", "--loss", loss, "--vars", "x,y,z", "--at", point, "--format", "json",
                     *FUZZ_BOUNDS])


_WRAPPERS = [("(", ")"), ("exp(", ")"), ("abs(", " - 1)"), ("-", ""), ("relu(", ")"), ("(", "^2)"), ("log(1+", ")"),
             ("max(x,", ")"), ("", "^x"), ("sigmoid(", ")")]


@fuzz(30)
@given(depth=st.integers(1, 600), wrapper=st.sampled_from(_WRAPPERS))
def test_deep_nesting(capsys, depth, wrapper):
    before, after = wrapper
    loss = before * depth + "x" + after * depth
    outcome(capsys, ["derive", "--loss", loss, "--vars", "x", "--at", "1/2", *FUZZ_BOUNDS])


_LENGTHS = st.one_of(st.integers(1, 60), st.integers(60, 12_000), st.integers(12_000, 30_000))
_HUGE = st.one_of(
    _LENGTHS.map(lambda n: "9" * n),
    _LENGTHS.map(lambda n: "1e" + str(n)),
    st.integers(1, 10**9).map(str),
    st.integers(1, 10**12).map(lambda n: f"{n}/{n + 1}"),
)


@fuzz(40)
@given(number=_HUGE, form=st.sampled_from(["{n}", "x^{n}", "{n}^x", "2^{n}", "(x+y+1)^{n}", "x*{n}", "{n}^(1/2)",
                                             "exp({n})", "log({n})", "x^(1/{n})", "tanh({n}*x)"]),
       at_huge=st.booleans(), command=st.sampled_from(["derive", "classify"]))
def test_huge_numbers_and_exponents(capsys, number, form, at_huge, command):
    loss = form.format(n=number)
    point = f"{number},1" if at_huge else "1,1"
    outcome(capsys, [command, "--loss", loss, "--vars", "x,y", "--at", point, *FUZZ_BOUNDS])


@fuzz(30)
@given(raw=st.binary(max_size=40), where=st.sampled_from(["--loss", "--vars", "--at", "command"]))
def test_bytes_that_are_not_text(capsys, raw, where):
    text = raw.decode("utf-8", "surrogateescape")  # what Python makes of undecodable argv bytes
    args = {"--loss": "x^2", "--vars": "x", "--at": "1"}
    if where == "command":
        argv = [text, *sum(([k, v] for k, v in args.items()), [])]
    else:
        args[where] = text
        argv = ["derive", *sum(([k, v] for k, v in args.items()), [])]
    outcome(capsys, argv)


@fuzz(40)
@given(case=mutated_certificates())
def test_mutated_certificates(capsys, tmp_path_factory, case):
    i, text = case
    loss, variables, _ = _CASES[i]
    path = tmp_path_factory.mktemp("certificate") / "certificate.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = outcome(capsys, ["verify", str(path), "--loss", loss, "--vars", variables, *FUZZ_BOUNDS])
    # a mutation may leave the certificate valid (a replaced value equal to the old one):
    # then it must verify as the unmutated one does
    assert code != 0 or out == "verified\n"


@fuzz(20)
@given(raw=st.binary(max_size=300), seed=st.integers(0, 2**32))
def test_random_bytes_as_a_certificate(capsys, tmp_path_factory, raw, seed):
    # random bytes, and a real certificate with bytes flipped
    original = bytearray(json.dumps(classify_output(seed % len(_CASES))).encode())
    rng = random.Random(seed)
    for _ in range(rng.randint(1, 4)):
        original[rng.randrange(len(original))] = rng.randrange(256)
    loss, variables, _ = _CASES[seed % len(_CASES)]
    for content in (raw, bytes(original)):
        path = tmp_path_factory.mktemp("certificate") / "certificate.json"
        path.write_bytes(content)
        outcome(capsys, ["verify", str(path), "--loss", loss, "--vars", variables, *FUZZ_BOUNDS])


# ---------------------------------------------------------------------------------------
# every hostile input, one by one


def nested_squares(depth):
    return "(" * depth + "x" + "^2)" * depth


HOSTILE = [
    # (id, argv, exit code, a fragment of stderr, or of stdout for exit 0)
    ("expanded-power", ["derive", "--loss", "(x+y+1)^10000", "--vars", "x,y", "--at", "0,0"], 2, "max_degree"),
    ("nested-squares", ["derive", "--loss", nested_squares(100), "--vars", "x", "--at", "1"], 2, "max_degree"),
    ("x^10000-classify", ["classify", "--loss", "x^10000", "--vars", "x", "--at", "0"], 2, "max_degree=1000"),
    ("x^10000-derive", ["derive", "--loss", "x^10000", "--vars", "x", "--at", "0"], 2, "max_degree=1000"),
    ("2^x-at-1e9", ["derive", "--loss", "2^x", "--vars", "x", "--at", "1000000000"], 2, "max_digits"),
    ("2^x-at-1e9-classify", ["classify", "--loss", "2^x", "--vars", "x", "--at", "1000000000"], 2, "max_digits"),
    ("5000-digit-point", ["derive", "--loss", "x^2", "--vars", "x", "--at", "7" * 5000], 0, "value:"),
    ("million-digit-point", ["derive", "--loss", "x^2", "--vars", "x", "--at", "1" * 10**6], 2, "max_digits"),
    ("million-digit-loss", ["derive", "--loss", "1" * 10**6, "--vars", "x", "--at", "1"], 2, "too long"),
    ("log(-z)", ["derive", "--loss", "log(-z)", "--vars", "z", "--at", "0"], 2,
     "log(-z) at column 1 needs -z > 0, and -z = 0 there"),
    ("1/x", ["derive", "--loss", "1/x", "--vars", "x", "--at", "0"], 2, "needs x != 0, and x = 0 there"),
    ("sqrt-of-negative", ["derive", "--loss", "x^(1/2)", "--vars", "x", "--at", "-1"], 2,
     "needs x >= 0, and x = -1 there"),
    ("y^y", ["derive", "--loss", "y^y", "--vars", "y", "--at", "-3/2"], 2, "needs y > 0, and y = -3/2 there"),
    ("relu(x)/x", ["derive", "--loss", "relu(x)/x", "--vars", "x", "--at", "0"], 2, "needs x != 0"),
    ("relu(x)/x-classify", ["classify", "--loss", "relu(x)/x", "--vars", "x", "--at", "0"], 2, "needs x != 0"),
    ("x^2+relu(x)/x-1", ["derive", "--loss", "x^2 + relu(x)/x - 1", "--vars", "x", "--at", "0"], 2,
     "needs x != 0"),
    ("x^2+relu(x)/x-1-classify", ["classify", "--loss", "x^2 + relu(x)/x - 1", "--vars", "x", "--at", "0"], 2,
     "needs x != 0"),
    ("sigmoid-order-64", ["derive", "--loss", "sigmoid(y*y)", "--vars", "y", "--at", "0", "--order", "64"], 0,
     "taylor polynomial"),
    ("order-65", ["derive", "--loss", "sigmoid(y*y)", "--vars", "y", "--at", "0", "--order", "65"], 2,
     "max_order=64"),
    ("tanh^2-at-1e-50-derive", ["derive", "--loss", "tanh(x)^2", "--vars", "x", "--at", "1/1" + "0" * 50], 0,
     "value:"),
    ("tanh^2-at-1e-50-classify", ["classify", "--loss", "tanh(x)^2", "--vars", "x", "--at", "1/1" + "0" * 50], 0,
     "kind:"),
    ("series-failure", ["classify", "--loss", "(tanh(x) - tanh(1))^4 + y^2", "--vars", "x,y", "--at", "1,0"], 0,
     "kind:"),
    ("simplify-hang", ["classify", "--loss", "x*(tanh(x) - 2*sigmoid(2*x) + 1) + y^2", "--vars", "x,y",
                       "--at", "1/3,0"], 0, "kind:"),
    ("t^(9/2)", ["derive", "--loss", "(x^2+y^2)^(9/4)", "--vars", "x,y", "--at", "0,0", "--order", "6",
                 "--direction", "1,1"], 2, "t^(9/2): not a Taylor series"),
    ("loss-starting-with-minus", ["derive", "--loss", "-x^2", "--vars", "x", "--at", "1"], 0, "value:     -1"),
    ("version", ["--version"], 0, "symlandscape 0.1.0"),
    ("non-utf8-argument", ["derive", "--loss", "x\udcff", "--vars", "x", "--at", "1"], 2, "not valid UTF-8"),
]


@pytest.mark.parametrize("name, argv, code, fragment", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_input(capsys, name, argv, code, fragment):
    got, out, err = outcome(capsys, argv)
    assert got == code, f"{name}: exit {got}: {err}"
    assert fragment in (out if code == 0 else err), f"{name}: {err or out[:300]}"


_CERTIFICATE_CASES = [
    ("kind-disagrees", lambda d: {**d, "kind": "strict_local_min", "global_min": True}, 1,
     "the top-level field kind='strict_local_min' disagrees with the certificate's 'strict_saddle'"),
    ("global-min-disagrees", lambda d: {**d, "global_min": True}, 1, "global_min=true disagrees"),
    ("not-verified", lambda d: {**d, "verified": False}, 1, "verified=false must be true"),
    ("unknown-key", lambda d: {**d, "note": "trust me"}, 1, "'note' is not part of a classify output"),
    ("duplicate-key", lambda d: json.dumps(d)[:-1] + ', "kind": "strict_saddle"}', 1, "duplicate key 'kind'"),
    ("non-utf8-file", lambda d: b'{"kind": "\xff"}', 2, "not UTF-8"),
    ("deep-json", lambda d: "[" * 100_000 + "]" * 100_000, 1, "max_nesting=200"),
    ("huge-integer", lambda d: json.dumps({**d, "certificate": {**d["certificate"], "value": "N"}}).replace(
        '"N"', "9" * 12_000), 1, "max_digits"),
    ("valid", lambda d: d, 0, "verified"),
]


@pytest.mark.parametrize("name, change, code, fragment", _CERTIFICATE_CASES, ids=[c[0] for c in _CERTIFICATE_CASES])
def test_hostile_certificates(capsys, tmp_path, name, change, code, fragment):
    content = change(classify_output(0))
    path = tmp_path / "certificate.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    got, out, err = outcome(capsys, ["verify", str(path), "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2"])
    assert got == code, f"{name}: exit {got}: {err}"
    assert fragment in (out if code == 0 else err)


def test_verify_parses_the_loss_under_the_same_budget(capsys, tmp_path):
    # x^10000: classify and verify both refuse it at parse time, so no certificate is made for it
    path = tmp_path / "certificate.json"
    path.write_text(json.dumps(classify_output(0)), encoding="utf-8")
    code, _, err = outcome(capsys, ["verify", str(path), "--loss", "x^10000", "--vars", "x"])
    assert code == 2 and "max_degree=1000" in err
