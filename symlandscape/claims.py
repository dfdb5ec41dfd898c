"""The claim registry: published claims as data plus executable checks, and the report of a run.

A :class:`Claim` records where a statement comes from (:class:`Source`), the statement in
one sentence, the conventions that change its numbers (loss scaling; depth counted in
weight matrices and hidden layers), the :class:`Instance` objects it is checked on, and two
checks: ``exact_check`` (certified, exact arithmetic) and ``numeric_check`` (an independent
float/mpmath cross-check).  Each check is called as ``check(instance, seed=..., thorough=...)``
and returns a :class:`CheckResult`; a test can hand it a deliberately wrong instance and
see ``passed=False``.

One module of the ``proofs_checks`` package per claim calls :func:`register`;
:func:`discover` imports them all, :func:`run_claims` runs them (an exception inside a check
is reported as ``error`` with its message, never raised) and returns a :class:`ClaimReport`
that renders as text, JSON, Markdown or a standalone LaTeX document.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import textwrap
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import CertificateError, InvalidArgument

__all__ = [
    "Source",
    "Instance",
    "Artifact",
    "CheckResult",
    "CheckLog",
    "Claim",
    "register",
    "registry",
    "discover",
    "get_claim",
    "run_claims",
    "CheckOutcome",
    "ClaimOutcome",
    "ClaimReport",
    "certified_verdict",
    "REPORT_FORMATS",
]

#: Output formats of :meth:`ClaimReport.render` and their file extensions.
REPORT_FORMATS = {"text": "txt", "json": "json", "markdown": "md", "latex": "tex", "html": "html"}


# ---------------------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: authors, title, year and the theorem (or section) cited."""

    authors: str
    title: str
    year: int
    theorem: str
    reference: str = ""

    def cite(self):
        """Short citation, e.g. ``"Kawaguchi 2016, Theorem 2.3"``."""
        return f"{self.authors} {self.year}, {self.theorem}"

    def full(self):
        ref = f" ({self.reference})" if self.reference else ""
        return f'{self.authors}, "{self.title}", {self.year}, {self.theorem}{ref}'


@dataclass(frozen=True, eq=False)
class Instance:
    """A named instance a claim is checked on; ``parameters`` is what the checks read.

    ``thorough=True`` instances run only with ``run_claims(thorough=True)``.
    """

    name: str
    description: str
    parameters: dict = field(default_factory=dict)
    thorough: bool = False

    def __getitem__(self, key):
        return self.parameters[key]

    def get(self, key, default=None):
        return self.parameters.get(key, default)

    def with_parameters(self, name=None, **changes):
        """A copy with some parameters changed (how tests build deliberately wrong instances)."""
        return Instance(name or f"{self.name} (modified)", self.description,
                        {**self.parameters, **changes}, self.thorough)


@dataclass(frozen=True)
class Artifact:
    """A file a check produces (figure, table); written by :meth:`ClaimReport.write`."""

    filename: str
    content: bytes | str
    description: str


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check on one instance.

    ``details`` are one-line findings (``"✓ ..."`` / ``"✗ ..."`` / notes);
    ``assumption_failures`` name the theorem's assumptions the instance violates, plainly;
    ``data`` holds JSON-ready numbers; ``artifacts`` are figures and tables.
    """

    passed: bool
    details: tuple = ()
    assumption_failures: tuple = ()
    data: dict = field(default_factory=dict)
    artifacts: tuple = ()

    def __post_init__(self):
        if not isinstance(self.passed, bool):
            raise InvalidArgument(f"passed={self.passed!r} must be True or False")

    def summary(self):
        return "\n".join(self.details)


class CheckLog:
    """Accumulates the findings of a check; :meth:`result` turns them into a :class:`CheckResult`.

    >>> log = CheckLog()
    >>> log.require(1 + 1 == 2, "1 + 1 = 2 exactly")
    True
    >>> log.require(False, "a claim that fails")
    False
    >>> r = log.result(); r.passed, r.details
    (False, ('✓ 1 + 1 = 2 exactly', '✗ a claim that fails'))
    """

    def __init__(self):
        self.details = []
        self.assumption_failures = []
        self.data = {}
        self.artifacts = []
        self.passed = True

    def require(self, condition, text):
        """Record a requirement; the check fails if ``condition`` is false."""
        ok = bool(condition)
        self.details.append(("✓ " if ok else "✗ ") + text)
        self.passed = self.passed and ok
        return ok

    def note(self, text):
        self.details.append(text)

    def assumptions(self, failures, theorem):
        """Record violated assumptions (each fails the check, stated plainly)."""
        for failure in failures:
            self.assumption_failures.append(failure)
            self.require(False, f"assumption of {theorem} fails: {failure}")
        return not failures

    def artifact(self, filename, content, description):
        self.artifacts.append(Artifact(filename, content, description))

    def result(self, **data):
        self.data.update(data)
        return CheckResult(self.passed, tuple(self.details), tuple(self.assumption_failures),
                           dict(self.data), tuple(self.artifacts))


@dataclass(frozen=True, eq=False)
class Claim:
    """A published claim with its instances and its exact and numeric checks."""

    id: str
    source: Source
    statement: str
    conventions: tuple
    instances: tuple
    exact_check: Callable
    numeric_check: Callable
    module: str = ""

    def __post_init__(self):
        if not isinstance(self.id, str) or not self.id or any(c.isspace() for c in self.id):
            raise InvalidArgument(f"id={self.id!r} must be a non-empty string without spaces")
        if not isinstance(self.source, Source):
            raise InvalidArgument(f"source of {self.id} must be a Source record")
        if not self.instances or not all(isinstance(i, Instance) for i in self.instances):
            raise InvalidArgument(f"instances of {self.id} must be a non-empty tuple of Instance records")
        if not callable(self.exact_check) or not callable(self.numeric_check):
            raise InvalidArgument(f"exact_check and numeric_check of {self.id} must be callables")
        object.__setattr__(self, "instances", tuple(self.instances))
        object.__setattr__(self, "conventions", tuple(self.conventions))

    def instance(self, name):
        """The instance called ``name``."""
        for inst in self.instances:
            if inst.name == name:
                return inst
        raise InvalidArgument(f"claim {self.id} has no instance {name!r}; it has {[i.name for i in self.instances]}")

    def active_instances(self, thorough=False):
        return tuple(i for i in self.instances if thorough or not i.thorough)


# ---------------------------------------------------------------------------------------
# the registry

_REGISTRY: dict = {}
_ORDER: list = []


def register(claim):
    """Add ``claim`` to the registry (re-registering from the same module replaces it) and return it."""
    if not isinstance(claim, Claim):
        raise InvalidArgument(f"register() takes a Claim record; got {type(claim).__name__}")
    old = _REGISTRY.get(claim.id)
    if old is not None and old.module and claim.module and old.module != claim.module:
        raise InvalidArgument(f"claim id {claim.id!r} is registered twice, by {old.module} and {claim.module}")
    if claim.id not in _REGISTRY:
        _ORDER.append(claim.id)
    _REGISTRY[claim.id] = claim
    return claim


def discover(package="proofs_checks"):
    """Import every module of ``package`` (each registers its claim); return the registry."""
    try:
        pkg = importlib.import_module(package)
    except ImportError as exc:
        raise InvalidArgument(f"cannot import the claim package {package!r}: {exc}") from None
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package}.{info.name}")
    return registry()


def registry():
    """The registered claims, in the canonical order of ``proofs_checks.CLAIM_IDS`` then by id."""
    try:
        canonical = list(importlib.import_module("proofs_checks").CLAIM_IDS)
    except (ImportError, AttributeError):
        canonical = []
    rank = {cid: i for i, cid in enumerate(canonical)}
    ids = sorted(_REGISTRY, key=lambda cid: (rank.get(cid, len(rank)), cid))
    return {cid: _REGISTRY[cid] for cid in ids}


def get_claim(claim_id):
    """The claim with id ``claim_id`` (after discovery); the error lists the known ids."""
    claims = discover()
    if claim_id not in claims:
        raise InvalidArgument(f"no claim has id {claim_id!r}; known ids: {', '.join(claims)}")
    return claims[claim_id]


# ---------------------------------------------------------------------------------------
# running


@dataclass(frozen=True)
class CheckOutcome:
    """One check (``"exact"`` or ``"numeric"``) on one instance: status, result or error, time."""

    instance: str
    check: str
    status: str
    seconds: float
    result: CheckResult | None = None
    error: str | None = None

    def lines(self):
        head = f"{self.check} check on {self.instance}: {self.status} ({self.seconds:.2f} s)"
        body = []
        if self.error:
            body.append(f"error: {self.error}")
        if self.result is not None:
            body.extend(self.result.details)
        return head, body


@dataclass(frozen=True)
class ClaimOutcome:
    """Every check of one claim; ``status`` is error if any check raised, else fail if any failed."""

    claim: Claim
    checks: tuple
    seconds: float

    @property
    def status(self):
        statuses = {c.status for c in self.checks}
        return "error" if "error" in statuses else ("fail" if "fail" in statuses else "pass")

    @property
    def instances(self):
        seen = []
        for c in self.checks:
            if c.instance not in seen:
                seen.append(c.instance)
        return tuple(seen)

    @property
    def assumption_failures(self):
        return tuple(f for c in self.checks if c.result for f in c.result.assumption_failures)

    @property
    def artifacts(self):
        return tuple(a for c in self.checks if c.result for a in c.result.artifacts)


def _run_check(function, instance, check, seed, thorough):
    start = time.perf_counter()
    try:
        result = function(instance, seed=seed, thorough=thorough)
        if not isinstance(result, CheckResult):
            raise TypeError(f"the check returned {type(result).__name__}, not a CheckResult")
        status, error = ("pass" if result.passed else "fail"), None
    except Exception as exc:  # a check must never crash the run: report it as an error
        result = None
        status = "error"
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
    return CheckOutcome(instance.name, check, status, time.perf_counter() - start, result, error)


def run_claims(only=None, seed=0, thorough=False, progress=None):
    """Run the checks of every registered claim (or those in ``only``) and return a :class:`ClaimReport`.

    ``only`` is an id or a list of ids; ``seed`` seeds every random choice (reported);
    ``thorough`` adds larger instances; ``progress(message)`` receives one-line messages.
    """
    claims = discover()
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidArgument(f"seed={seed!r} must be an integer")
    if only is not None:
        wanted = [only] if isinstance(only, str) else list(only)
        unknown = [cid for cid in wanted if cid not in claims]
        if unknown:
            raise InvalidArgument(f"only={unknown!r}: no such claim id; known ids: {', '.join(claims)}")
        claims = {cid: c for cid, c in claims.items() if cid in wanted}
    say = progress if progress is not None else (lambda message: None)
    outcomes = []
    start = time.perf_counter()
    total = 2 * sum(len(c.active_instances(thorough)) for c in claims.values())
    done = 0
    for index, claim in enumerate(claims.values(), start=1):
        instances = claim.active_instances(thorough)
        say(f"[{index}/{len(claims)}] {claim.id}: {len(instances)} instance(s) ...")
        t0 = time.perf_counter()
        checks = []
        for instance in instances:
            for name, function in (("exact", claim.exact_check), ("numeric", claim.numeric_check)):
                say(f"[{index}/{len(claims)}] {claim.id}: {name} check on {instance.name} ..."
                    + _estimate(time.perf_counter() - start, done, total))
                checks.append(_run_check(function, instance, name, seed, thorough))
                done += 1
        outcome = ClaimOutcome(claim, tuple(checks), time.perf_counter() - t0)
        outcomes.append(outcome)
        say(f"[{index}/{len(claims)}] {claim.id}: {outcome.status} ({outcome.seconds:.1f} s)")
    return ClaimReport(tuple(outcomes), seed, thorough, time.perf_counter() - start)


def _estimate(elapsed, done, total):
    """`` (12 s elapsed, about 40 s left)``: the mean time of the checks so far times those left."""
    if done == 0 or elapsed < 5:
        return ""
    left = elapsed / done * (total - done)
    return f" ({elapsed:.0f} s elapsed, check {done + 1} of {total}, about {left:.0f} s left)"


def certified_verdict(landscape, point, *, seed=0):
    """``classify`` the point, then re-check its certificate with the independent ``verify``.

    Returns ``(verdict, problem)``: ``problem`` is ``None`` when the certificate verified,
    else one line saying why it did not.
    """
    from .classify import classify
    from .verify import verify

    verdict = classify(landscape, point, seed=seed)
    try:
        verify(verdict.certificate, landscape)
    except CertificateError as exc:
        return verdict, f"certificate rejected by verify: {exc}"
    return verdict, None


# ---------------------------------------------------------------------------------------
# the report


@dataclass(frozen=True)
class ClaimReport:
    """The outcome of :func:`run_claims`; ``passed`` is true iff every claim passed."""

    outcomes: tuple
    seed: int
    thorough: bool
    seconds: float

    @property
    def passed(self):
        return all(o.status == "pass" for o in self.outcomes)

    def rows(self):
        """One dict per claim: id, source, statement, instances, verdict, seconds."""
        return [
            {
                "id": o.claim.id,
                "source": o.claim.source.cite(),
                "statement": o.claim.statement,
                "instances": "; ".join(o.instances),
                "verdict": o.status,
                "seconds": round(o.seconds, 2),
            }
            for o in self.outcomes
        ]

    def render(self, fmt="text", *, figures=None):
        """The report as ``text``, ``json``, ``markdown``, ``latex`` (a whole document) or ``html``.

        Each leads with one table (claim, source, instances, verdict, seconds), then gives the
        evidence of every claim as an appendix.  With ``figures`` the experiment figures are
        included from the directory ``figures`` where :meth:`write` put them (HTML embeds them).
        """
        if fmt not in REPORT_FORMATS:
            raise InvalidArgument(f"fmt={fmt!r} is not a report format; choose one of {list(REPORT_FORMATS)}")
        if fmt == "text":
            return self._text()
        if fmt == "json":
            return self._json()
        embed = figures is not None and fmt == "html"
        return self.document(figures=figures, embed=embed).render(fmt, standalone=True)

    def write(self, output_dir, fmt="text"):
        """Write ``report.<ext>`` and every artifact (figures, CSV) into ``output_dir``; return the paths."""
        ext = REPORT_FORMATS.get(fmt)
        if ext is None:
            raise InvalidArgument(f"fmt={fmt!r} is not a report format; choose one of {list(REPORT_FORMATS)}")
        out = Path(output_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidArgument(f"output_dir={str(output_dir)!r} cannot be created: {exc.strerror}") from None
        written = []
        for outcome in self.outcomes:
            for artifact in outcome.artifacts:
                path = out / artifact.filename
                if isinstance(artifact.content, bytes):
                    path.write_bytes(artifact.content)
                else:
                    path.write_text(artifact.content, encoding="utf-8")
                written.append(path)
        report = out / f"report.{ext}"
        report.write_text(self.render(fmt, figures=out), encoding="utf-8")
        return (report, *written)

    def __repr__(self):
        passed = sum(o.status == "pass" for o in self.outcomes)
        return (f"<ClaimReport {passed}/{len(self.outcomes)} claims pass, seed {self.seed}, "
                f"{'thorough' if self.thorough else 'default'} run, {self.seconds:.1f} s>")

    def _repr_markdown_(self):
        return self.document(appendix=False).render("markdown")

    def _repr_latex_(self):
        return self.document(appendix=False).render("markdown")

    def _repr_html_(self):
        return self.document(appendix=False).html_fragment()

    def document(self, figures=None, embed=False, appendix=True):
        """The report as a :class:`~symlandscape.document.Document`.

        ``figures``: the directory holding the artifacts, to include the figures (by their
        names relative to it, or read from it when ``embed``); None leaves them out.
        ``appendix=False`` gives the table alone.
        """
        from .document import Document

        doc = Document(title=self._header())
        rows = [(r["id"], r["source"], r["instances"], r["verdict"], f"{r['seconds']:.2f}") for r in self.rows()]
        doc.table(["claim", "source", "instances", "verdict", "seconds"], rows, align="lllcr",
                  widths={1: 0.3, 2: 0.3})
        doc.paragraph(f"Seed {self.seed}; {'thorough' if self.thorough else 'default'} run; a claim passes when "
                      "its exact check (certificates re-verified by the independent checker) and its numeric "
                      "cross-check (float64 and mpmath) both pass on every instance.", small=True)
        if not appendix:
            return doc
        doc.heading("Appendix: the evidence, claim by claim", level=1)
        for o in self.outcomes:
            doc.heading(f"{o.claim.id}: {o.status}", level=2)
            doc.paragraph(*_prose(o.claim.source.full() + ". "), *_prose(o.claim.statement))
            doc.items(*(_prose("Convention: " + c) for c in o.claim.conventions),
                      *(_prose("Assumption fails: " + f) for f in o.assumption_failures))
            for check in o.checks:
                head, body = check.lines()
                doc.paragraph(*_prose(head[:1].upper() + head[1:] + ":"), small=True)
                doc.items(*(_prose(line) for line in body))
            for a in o.artifacts:
                suffix = Path(a.filename).suffix.lower()
                if figures is not None and suffix in (".png", ".pdf", ".svg"):
                    where = Path(figures) / a.filename if embed else Path(a.filename)
                    doc.figure({suffix[1:]: where}, a.description)
                else:
                    doc.paragraph(f"File {a.filename}", *_prose(": " + a.description), small=True)
        return doc

    # -- renderers -------------------------------------------------------------------
    def _header(self):
        mode = "thorough" if self.thorough else "default"
        passed = sum(o.status == "pass" for o in self.outcomes)
        return (f"symlandscape check: {passed}/{len(self.outcomes)} claims pass "
                f"(seed {self.seed}, {mode} run, {self.seconds:.1f} s)")

    def _text(self):
        # the table of every format: claim, source, instances, verdict, seconds; statements follow
        widths = {"id": 12, "source": 34, "instances": 34, "verdict": 7, "seconds": 7}
        header = ["id", "source", "instances", "verdict", "seconds"]
        lines = [self._header(), ""]

        def row(cells):
            wrapped = [textwrap.wrap(str(c), widths[h]) or [""] for c, h in zip(cells, header)]
            for k in range(max(len(w) for w in wrapped)):
                lines.append("  ".join((w[k] if k < len(w) else "").ljust(widths[h]) if h != "seconds" else
                                       (w[k] if k < len(w) else "").rjust(widths[h])
                                       for w, h in zip(wrapped, header)).rstrip())

        row(["claim", "source", "instances", "verdict", "seconds"])
        lines.append("  ".join("-" * widths[h] for h in header))
        for r in self.rows():
            row([r[h] if h != "seconds" else f"{r[h]:.2f}" for h in header])
        lines.append("")
        for o in self.outcomes:
            lines.append(f"== {o.claim.id}: {o.status} — {o.claim.source.full()}")
            lines.append(f"   {o.claim.statement}")
            for c in o.claim.conventions:
                lines.append(f"   convention: {c}")
            for f in o.assumption_failures:
                lines.append(f"   ASSUMPTION FAILS: {f}")
            for check in o.checks:
                head, body = check.lines()
                lines.append(f"   {head}")
                lines.extend(f"     {line}" for line in body)
            for a in o.artifacts:
                lines.append(f"   artifact: {a.filename} — {a.description}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def _json(self):
        claims = []
        for o in self.outcomes:
            claims.append({
                "id": o.claim.id,
                "source": {"authors": o.claim.source.authors, "title": o.claim.source.title,
                           "year": o.claim.source.year, "theorem": o.claim.source.theorem,
                           "reference": o.claim.source.reference},
                "statement": o.claim.statement,
                "conventions": list(o.claim.conventions),
                "instances": [{"name": i.name, "description": i.description}
                              for i in o.claim.instances if i.name in o.instances],
                "verdict": o.status,
                "seconds": round(o.seconds, 3),
                "assumption_failures": list(o.assumption_failures),
                "checks": [{
                    "instance": c.instance, "check": c.check, "status": c.status,
                    "seconds": round(c.seconds, 3), "error": c.error,
                    "details": list(c.result.details) if c.result else [],
                    "data": c.result.data if c.result else {},
                } for c in o.checks],
                "artifacts": [{"filename": a.filename, "description": a.description} for a in o.artifacts],
            })
        return json.dumps({"passed": self.passed, "seed": self.seed, "thorough": self.thorough,
                           "seconds": round(self.seconds, 3), "claims": claims},
                          indent=2, ensure_ascii=False, default=str)

# Prose: a one-letter name with a subscript (W_H, d_y, λ_i) is mathematics, the rest is text.
_SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9_])([A-Za-zΣλσθ])_(\{[^{}]{1,20}\}|[A-Za-z0-9]{1,3})(?![A-Za-z0-9_])")
_GREEK = {"Σ": r"\Sigma", "λ": r"\lambda", "σ": r"\sigma", "θ": r"\theta"}


def _prose(text):
    """Split ``text`` into text and :class:`~symlandscape.document.Math` segments."""
    from .document import Math

    out, last = [], 0
    for match in _SUBSCRIPT.finditer(text):
        out.append(text[last:match.start()])
        base, sub = match.groups()
        sub = sub.strip("{}")
        out.append(Math(f"{_GREEK.get(base, base)}_{{{sub}}}"))
        last = match.end()
    out.append(text[last:])
    return tuple(s for s in out if s != "")
