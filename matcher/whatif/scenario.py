"""Scenarios: a base case plus ordered edits, loaded from TOML and checked against the case.

A scenario file names edits in ``[[edits]]`` tables, applied in order::

    name = "flood season"
    [[edits]]
    kind = "scale_demand"
    category = "emergency"
    factor = 2.0

Every problem (unknown edit kind or key, unknown tag, community, street or
cadre, bad value) is reported at once as a :class:`ScenarioError` whose
problems carry the file, the 1-based line of the offending key and a
suggestion. ``docs/whatif.md`` lists every edit.

Example:
    >>> from matcher import load_case
    >>> case = load_case("data/sample-district")
    >>> sc = parse_scenario({"edits": [{"kind": "remove_cadres", "status": "yellow"}]}, case)
    >>> new, log = apply_scenario(case, sc)
    >>> len(new.cadres) < len(case.cadres)
    True
"""

from __future__ import annotations

import difflib
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from matcher.errors import InputError, PolicyError, Problem
from matcher.model import Cadre, Case, Demand, Status
from matcher.policy import parse_policy
from matcher.tomlfile import read_toml

__all__ = [
    "EDIT_KINDS",
    "Edit",
    "Scenario",
    "ScenarioError",
    "apply_scenario",
    "load_scenario",
    "parse_scenario",
]

_CADRE_SELECT = ("ids", "community", "street", "status", "all")
_DEMAND_SELECT = ("ids", "tag", "category", "community", "street")
#: edit kind → allowed keys (besides ``kind``)
EDIT_KINDS: dict[str, tuple[str, ...]] = {
    "add_cadres": (
        "count",
        "id_prefix",
        "name",
        "home",
        "street",
        "skills",
        "certs",
        "capacity",
        "status",
        "max_travel_km",
    ),
    "remove_cadres": (*_CADRE_SELECT, "count", "seed"),
    "set_status": (*_CADRE_SELECT, "to"),
    "set_capacity": (*_CADRE_SELECT, "capacity", "delta"),
    "add_demands": (
        "count",
        "id_prefix",
        "title",
        "community",
        "street",
        "needs",
        "requires",
        "certs",
        "headcount",
        "priority",
    ),
    "scale_demand": (*_DEMAND_SELECT, "factor"),
    "policy": ("weights", "related_credit"),
    "train": ("ids", "best", "tag", "levels"),
    "travel_limit": (*_CADRE_SELECT, "max_km", "add_km"),
}
_TOP_KEYS = ("name", "description", "edits")


class ScenarioError(InputError):
    """A scenario file or body with problems; each names file, line, key and a fix."""

    default_code = "input.scenario"

    def __str__(self) -> str:
        head = self.args[0] if self.args else "invalid scenario"
        lines = []
        for p in self.problems:
            where = p.file + (f":{p.row}" if p.row is not None else "")
            text = f"{where}: {p.column + ': ' if p.column else ''}{p.message}"
            if p.value is not None:
                text += f" (got {p.value!r})"
            if p.hint:
                text += f"; {p.hint}"
            lines.append(f"  - {text}")
        return "\n".join([head, *lines])


@dataclass(frozen=True)
class Edit:
    """One edit: its kind, its validated parameters, and where it was written."""

    kind: str
    params: Mapping[str, Any]
    index: int
    line: int | None = None

    @property
    def label(self) -> str:
        return f"edit {self.index + 1} ({self.kind})"


@dataclass(frozen=True)
class Scenario:
    name: str
    edits: tuple[Edit, ...] = ()
    description: str = ""
    source: str = "<memory>"


@dataclass
class _Ctx:
    case: Case
    file: str
    lines: list[int | None]
    text_lines: list[str]
    problems: list[Problem] = field(default_factory=list)

    def line(self, k: int, key: str | None = None) -> int | None:
        start = self.lines[k] if k < len(self.lines) else None
        if start is None or key is None:
            return start
        pat = re.compile(rf"^\s*(?:{re.escape(key)}\s*=|\[\s*edits\.{re.escape(key)}\s*\])")
        for n in range(start, len(self.text_lines)):  # the lines after the [[edits]] header
            line = self.text_lines[n]
            if re.match(r"^\s*\[\[", line):
                break
            if pat.match(line):
                return n + 1
        return start

    def bad(self, k: int, key: str | None, message: str, value: Any = None, hint: str = "") -> None:
        # without the file's text (an HTTP body) the edit is located by its index instead
        where = self.file if self.text_lines or k < 0 else f"{self.file}.edits.{k}"
        self.problems.append(
            Problem(
                where,
                f"edit {k + 1}: {message}" if k >= 0 else message,
                row=self.line(k, key) if k >= 0 else None,
                column=key,
                value=None if value is None else str(value)[:80],
                hint=hint or None,
            )
        )


def _suggest(word: str, vocab: Iterable[str], what: str) -> str:
    pool = list(vocab)
    close = difflib.get_close_matches(str(word), pool, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"valid {what}: " + ", ".join(pool[:8]) + (", …" if len(pool) > 8 else "")


def _edit_lines(text: str) -> list[int | None]:
    out: list[int | None] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^\s*\[\[\s*edits\s*\]\]", line):
            out.append(n)
    return out


def load_scenario(path: str | Path, case: Case) -> Scenario:
    """Read and validate a scenario file against ``case`` (raises :class:`ScenarioError`)."""
    p = Path(path)
    data = read_toml(p, ScenarioError, "scenario")
    text = p.read_text(encoding="utf-8-sig")
    return parse_scenario(data, case, source=str(p), text=text, default_name=p.stem)


def parse_scenario(
    data: Mapping[str, Any],
    case: Case,
    *,
    source: str = "scenario",
    text: str | None = None,
    default_name: str = "scenario",
) -> Scenario:
    """Validate a scenario mapping (TOML or an HTTP body). ``text`` gives line numbers."""
    text_lines = text.splitlines() if text is not None else []
    edits_raw = data.get("edits", [])
    lines = _edit_lines(text) if text is not None else []
    ctx = _Ctx(case, source, lines, text_lines)
    for key in data:
        if key not in _TOP_KEYS:
            line = next(
                (n + 1 for n, t in enumerate(text_lines) if re.match(rf"^\s*{key}\s*=", t)), None
            )
            ctx.problems.append(
                Problem(
                    source,
                    "unknown top-level key",
                    row=line,
                    column=str(key),
                    hint=_suggest(key, _TOP_KEYS, "keys"),
                )
            )
    if not isinstance(edits_raw, list) or not all(isinstance(e, dict) for e in edits_raw):
        ctx.bad(-1, "edits", "edits must be a list of tables ([[edits]])")
        raise ScenarioError(f"{source}: invalid scenario", ctx.problems)
    edits = []
    for k, raw in enumerate(edits_raw):
        edit = _check_edit(ctx, k, raw)
        if edit is not None:
            edits.append(edit)
    if ctx.problems:
        raise ScenarioError(
            f"{source}: {len(ctx.problems)} problem(s) in the scenario", ctx.problems
        )
    return Scenario(
        name=str(data.get("name", default_name)),
        description=str(data.get("description", "")),
        edits=tuple(edits),
        source=source,
    )


# --- validation -----------------------------------------------------------------------------


def _levels(ctx: _Ctx, k: int, key: str, v: Any) -> dict[str, int]:
    if isinstance(v, str):
        pairs: dict[str, Any] = {}
        for part in filter(None, (x.strip() for x in v.split(";"))):
            tag, _, lvl = part.partition(":")
            pairs[tag.strip()] = int(lvl) if lvl.strip().isdigit() else lvl
        v = pairs
    if not isinstance(v, dict):
        ctx.bad(k, key, "expected a table of tag = level", v)
        return {}
    out = {}
    tax = ctx.case.taxonomy
    for tag, lvl in v.items():
        if not tax.has_tag(tag):
            ctx.bad(k, key, f"unknown tag '{tag}'", tag, tax.suggest_tag(tag))
        elif not isinstance(lvl, int) or isinstance(lvl, bool) or not 1 <= lvl <= 5:
            ctx.bad(k, key, f"level of '{tag}' must be an integer 1–5", lvl)
        else:
            out[tag] = lvl
    return out


def _number(
    ctx: _Ctx, k: int, key: str, v: Any, lo: float, hi: float = math.inf, integer: bool = False
) -> Any:
    ok = isinstance(v, int) if integer else isinstance(v, int | float)
    if isinstance(v, bool) or not ok or not (lo <= v <= hi) or (isinstance(v, float) and v != v):
        kind = "an integer" if integer else "a number"
        rng = f" ≥ {lo}" if hi == math.inf else f" in [{lo}, {hi}]"
        ctx.bad(k, key, f"must be {kind}{rng}", v)
        return None
    return v


def _check_select(ctx: _Ctx, k: int, p: dict[str, Any], keys: tuple[str, ...]) -> None:
    case = ctx.case
    communities = {c.id for c in case.communities}
    streets = sorted({c.street for c in case.communities})
    if "ids" in p:
        ids = p["ids"]
        pool = {c.id for c in case.cadres} if "status" in keys else {d.id for d in case.demands}
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            ctx.bad(k, "ids", "must be a list of ids", ids)
        else:
            for x in ids:
                if x not in pool:
                    ctx.bad(k, "ids", f"unknown id '{x}'", x, _suggest(x, sorted(pool), "ids"))
    if "community" in p and p["community"] not in communities:
        ctx.bad(
            k,
            "community",
            f"unknown community '{p['community']}'",
            p["community"],
            _suggest(p["community"], sorted(communities), "communities"),
        )
    if "street" in p and p["street"] not in streets:
        ctx.bad(
            k,
            "street",
            f"unknown street '{p['street']}'",
            p["street"],
            _suggest(p["street"], streets, "streets"),
        )
    if "status" in p and p["status"] not in {s.value for s in Status}:
        ctx.bad(k, "status", "status must be green, yellow or red", p["status"])
    if "tag" in p and "tag" in keys and not case.taxonomy.has_tag(p["tag"]):
        ctx.bad(
            k, "tag", f"unknown tag '{p['tag']}'", p["tag"], case.taxonomy.suggest_tag(p["tag"])
        )
    if "category" in p:
        cats = [c.slug for c in case.taxonomy.categories]
        if p["category"] not in cats:
            ctx.bad(
                k,
                "category",
                f"unknown category '{p['category']}'",
                p["category"],
                _suggest(p["category"], cats, "categories"),
            )
    if "all" in p and p["all"] is not True:
        ctx.bad(k, "all", "all must be true when given", p["all"])


_STR = {"community", "street", "status", "to", "tag", "category", "home", "id_prefix", "name"}
_STR |= {"title"}
_INT = {"count", "seed", "capacity", "delta", "headcount", "priority", "best", "levels"}
_NUM = {"factor", "max_km", "add_km", "max_travel_km", "related_credit"}
_TYPES: dict[str, tuple[type, ...]] = {
    **{k: (str,) for k in _STR},
    **{k: (int,) for k in _INT},
    **{k: (int, float) for k in _NUM},
    "all": (bool,),
    "ids": (list,),
    "certs": (list, str),
    "skills": (dict, str),
    "needs": (dict, str),
    "requires": (dict, str),
    "weights": (dict,),
}


def _types_ok(ctx: _Ctx, k: int, p: Mapping[str, Any]) -> bool:
    ok = True
    for key, v in p.items():
        want = _TYPES.get(key)
        if want is None:
            continue
        if (isinstance(v, bool) and bool not in want) or not isinstance(v, want):
            names = " or ".join(
                {
                    "str": "a string",
                    "int": "an integer",
                    "float": "a number",
                    "bool": "true/false",
                    "list": "a list",
                    "dict": "a table",
                }[t.__name__]
                for t in want
            )
            ctx.bad(k, key, f"{key} must be {names}", repr(v))
            ok = False
    return ok


def _check_edit(ctx: _Ctx, k: int, raw: dict[str, Any]) -> Edit | None:
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in EDIT_KINDS:
        ctx.bad(
            k,
            "kind",
            f"unknown edit kind '{kind}'" if kind is not None else "missing 'kind'",
            kind,
            _suggest(str(kind), EDIT_KINDS, "kinds"),
        )
        return None
    allowed = EDIT_KINDS[kind]
    p = {key: v for key, v in raw.items() if key != "kind"}
    n0 = len(ctx.problems)
    for key in p:
        if key not in allowed:
            ctx.bad(k, key, f"unknown key '{key}' for {kind}", None, _suggest(key, allowed, "keys"))
    if not _types_ok(ctx, k, {key: v for key, v in p.items() if key in allowed}):
        return None
    case = ctx.case
    tax = case.taxonomy
    if kind in ("remove_cadres", "set_status", "set_capacity", "travel_limit"):
        if not any(s in p for s in _CADRE_SELECT):
            ctx.bad(k, None, f"{kind} needs a selector: one of {', '.join(_CADRE_SELECT)}")
        _check_select(ctx, k, p, _CADRE_SELECT)
    if kind == "remove_cadres":
        if "count" in p:
            _number(ctx, k, "count", p["count"], 0, integer=True)
        if "seed" in p:
            _number(ctx, k, "seed", p["seed"], 0, integer=True)
    elif kind == "set_status":
        if p.get("to") not in {s.value for s in Status}:
            ctx.bad(k, "to", "to must be green, yellow or red", p.get("to"))
    elif kind == "set_capacity":
        if ("capacity" in p) == ("delta" in p):
            ctx.bad(k, None, "give exactly one of capacity (new value) or delta (change)")
        if "capacity" in p:
            _number(ctx, k, "capacity", p["capacity"], 0, 1000, integer=True)
        if "delta" in p:
            _number(ctx, k, "delta", p["delta"], -1000, 1000, integer=True)
    elif kind == "travel_limit":
        if ("max_km" in p) == ("add_km" in p):
            ctx.bad(k, None, "give exactly one of max_km (new limit) or add_km (widen by)")
        if "max_km" in p:
            _number(ctx, k, "max_km", p["max_km"], 0)
        if "add_km" in p:
            _number(ctx, k, "add_km", p["add_km"], -1000, 1000)
    elif kind == "add_cadres":
        _number(ctx, k, "count", p.get("count", 1), 1, 2000, integer=True)
        if ("home" in p) == ("street" in p):
            ctx.bad(k, None, "add_cadres needs exactly one of home (community id) or street")
        _check_select(ctx, k, {x: p[x] for x in ("street",) if x in p}, ())
        if "home" in p:
            _check_select(ctx, k, {"community": p["home"]}, ())
            if ctx.problems and ctx.problems[-1].column == "community":
                last = ctx.problems.pop()
                ctx.problems.append(replace(last, column="home", row=ctx.line(k, "home")))
        p["skills"] = _levels(ctx, k, "skills", p.get("skills", {}))
        _certs(ctx, k, p)
        _number(ctx, k, "capacity", p.get("capacity", 1), 0, 1000, integer=True)
        if p.get("status", "green") not in {s.value for s in Status}:
            ctx.bad(k, "status", "status must be green, yellow or red", p.get("status"))
        if "max_travel_km" in p:
            _number(ctx, k, "max_travel_km", p["max_travel_km"], 0)
    elif kind == "add_demands":
        _number(ctx, k, "count", p.get("count", 1), 1, 2000, integer=True)
        if ("community" in p) == ("street" in p):
            ctx.bad(k, None, "add_demands needs exactly one of community or street")
        _check_select(ctx, k, {x: p[x] for x in ("community", "street") if x in p}, ())
        p["needs"] = _levels(ctx, k, "needs", p.get("needs", {}))
        p["requires"] = _levels(ctx, k, "requires", p.get("requires", {}))
        _certs(ctx, k, p)
        _number(ctx, k, "headcount", p.get("headcount", 1), 1, 1000, integer=True)
        _number(ctx, k, "priority", p.get("priority", 3), 1, 5, integer=True)
    elif kind == "scale_demand":
        if not any(s in p for s in _DEMAND_SELECT):
            ctx.bad(k, None, f"scale_demand needs a selector: one of {', '.join(_DEMAND_SELECT)}")
        _check_select(ctx, k, p, _DEMAND_SELECT)
        _number(ctx, k, "factor", p.get("factor"), 0, 100)
    elif kind == "policy":
        try:
            merged = case.policy.model_dump()
            if "weights" in p:
                if not isinstance(p["weights"], dict):
                    raise PolicyError("weights must be a table", [])
                merged["weights"] = {**merged["weights"], **p["weights"]}
            if "related_credit" in p:
                merged["related_credit"] = p["related_credit"]
            parse_policy(merged, ctx.file)
        except PolicyError as exc:
            for prob in exc.problems or [Problem(ctx.file, str(exc))]:
                key = (prob.column or "weights").split(".")[0]
                ctx.bad(k, key, f"{prob.column}: {prob.message}", prob.value, prob.hint or "")
    elif kind == "train":
        if ("ids" in p) == ("best" in p):
            ctx.bad(k, None, "train needs exactly one of ids (list) or best (how many cadres)")
        _check_select(ctx, k, {x: p[x] for x in ("ids",) if x in p}, _CADRE_SELECT)
        if "best" in p:
            _number(ctx, k, "best", p["best"], 1, 10000, integer=True)
        if not tax.has_tag(str(p.get("tag"))):
            ctx.bad(
                k,
                "tag",
                f"unknown tag '{p.get('tag')}'",
                p.get("tag"),
                tax.suggest_tag(str(p.get("tag"))),
            )
        _number(ctx, k, "levels", p.get("levels", 1), 1, 4, integer=True)
    if len(ctx.problems) > n0:
        return None
    return Edit(kind, p, k, ctx.line(k))


def _certs(ctx: _Ctx, k: int, p: dict[str, Any]) -> None:
    certs = p.get("certs", [])
    if isinstance(certs, str):
        certs = [c.strip() for c in certs.split(";") if c.strip()]
    tax = ctx.case.taxonomy
    if not isinstance(certs, list) or not all(isinstance(c, str) for c in certs):
        ctx.bad(k, "certs", "must be a list of cert slugs", certs)
        return
    if tax.cert_slugs:
        for c in certs:
            if not tax.has_cert(c):
                ctx.bad(k, "certs", f"unknown cert '{c}'", c, tax.suggest_cert(c))
    p["certs"] = tuple(certs)


# --- applying -------------------------------------------------------------------------------


def _cadre_filter(case: Case, p: Mapping[str, Any]) -> Callable[[Cadre], bool]:
    street = {c.id: c.street for c in case.communities}
    ids = set(p.get("ids", ()))

    def ok(c: Cadre) -> bool:
        return (
            ("ids" not in p or c.id in ids)
            and ("community" not in p or c.home == p["community"])
            and ("street" not in p or street[c.home] == p["street"])
            and ("status" not in p or c.status.value == p["status"])
        )

    return ok


def _demand_filter(case: Case, p: Mapping[str, Any]) -> Callable[[Demand], bool]:
    street = {c.id: c.street for c in case.communities}
    tax = case.taxonomy
    ids = set(p.get("ids", ()))

    def tags(d: Demand) -> set[str]:
        return set(d.needs) | set(d.requires)

    def ok(d: Demand) -> bool:
        return (
            ("ids" not in p or d.id in ids)
            and ("tag" not in p or p["tag"] in tags(d))
            and ("category" not in p or any(tax.category_of(t) == p["category"] for t in tags(d)))
            and ("community" not in p or d.community == p["community"])
            and ("street" not in p or street[d.community] == p["street"])
        )

    return ok


def _fresh_ids(prefix: str, count: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    n = 1
    while len(out) < count:
        cand = f"{prefix}{n:04d}"
        if cand not in taken:
            out.append(cand)
        n += 1
    return out


def _homes(case: Case, p: Mapping[str, Any], count: int, key: str) -> list[str]:
    if key in p:
        return [p[key]] * count
    pool = sorted(c.id for c in case.communities if c.street == p["street"])
    return [pool[i % len(pool)] for i in range(count)]


def apply_scenario(case: Case, scenario: Scenario) -> tuple[Case, dict[str, list[str]]]:
    """The edited case and, per cadre or demand id, the labels of the edits that touched it."""
    touched: dict[str, list[str]] = {}
    for e in scenario.edits:
        case = _apply(case, e, touched)
    return case, touched


def _note(touched: dict[str, list[str]], ids: Iterable[str], label: str) -> None:
    for x in ids:
        touched.setdefault(x, []).append(label)


def _apply(case: Case, e: Edit, touched: dict[str, list[str]]) -> Case:
    p = e.params
    cadres, demands, policy = list(case.cadres), list(case.demands), case.policy
    if e.kind == "remove_cadres":
        hit = [c.id for c in cadres if _cadre_filter(case, p)(c)]
        if "count" in p and p["count"] < len(hit):
            hit = sorted(random.Random(p.get("seed", 0)).sample(sorted(hit), p["count"]))
        gone = set(hit)
        _note(touched, hit, e.label)
        cadres = [c for c in cadres if c.id not in gone]
    elif e.kind in ("set_status", "set_capacity", "travel_limit"):
        ok = _cadre_filter(case, p)
        out = []
        for c in cadres:
            if ok(c):
                _note(touched, [c.id], e.label)
                if e.kind == "set_status":
                    c = replace(c, status=Status(p["to"]))
                elif e.kind == "set_capacity":
                    cap = p["capacity"] if "capacity" in p else c.capacity + p["delta"]
                    c = replace(c, capacity=max(0, cap))
                elif "max_km" in p:
                    c = replace(c, max_travel_km=float(p["max_km"]))
                else:
                    c = replace(c, max_travel_km=max(0.0, c.max_travel_km + p["add_km"]))
            out.append(c)
        cadres = out
    elif e.kind == "add_cadres":
        count = p.get("count", 1)
        ids = _fresh_ids(p.get("id_prefix", "N"), count, {c.id for c in cadres})
        homes = _homes(case, p, count, "home")
        for cid, home in zip(ids, homes, strict=True):
            cadres.append(
                Cadre(
                    id=cid,
                    name=f"{p.get('name', '新增干部')}{cid}",
                    home=home,
                    skills=dict(p["skills"]),
                    certs=tuple(p["certs"]),
                    capacity=p.get("capacity", 1),
                    status=Status(p.get("status", "green")),
                    max_travel_km=float(p.get("max_travel_km", math.inf)),
                )
            )
        _note(touched, ids, e.label)
    elif e.kind == "add_demands":
        count = p.get("count", 1)
        ids = _fresh_ids(p.get("id_prefix", "ND"), count, {d.id for d in demands})
        homes = _homes(case, p, count, "community")
        for did, com in zip(ids, homes, strict=True):
            demands.append(
                Demand(
                    id=did,
                    community=com,
                    title=str(p.get("title", "新增需求")),
                    needs=dict(p["needs"]),
                    requires=dict(p["requires"]),
                    certs=tuple(p["certs"]),
                    headcount=p.get("headcount", 1),
                    priority=p.get("priority", 3),
                )
            )
        _note(touched, ids, e.label)
    elif e.kind == "scale_demand":
        pick = _demand_filter(case, p)
        out_d = []
        for d in demands:
            if pick(d):
                _note(touched, [d.id], e.label)
                head = math.floor(d.headcount * p["factor"] + 0.5)
                if head == 0:
                    continue
                d = replace(d, headcount=head)
            out_d.append(d)
        demands = out_d
    elif e.kind == "policy":
        merged = policy.model_dump()
        merged["weights"] = {**merged["weights"], **p.get("weights", {})}
        if "related_credit" in p:
            merged["related_credit"] = p["related_credit"]
        policy = parse_policy(merged, e.label)
    elif e.kind == "train":
        tag, levels = p["tag"], p.get("levels", 1)
        if "ids" in p:
            chosen = set(p["ids"])
        else:
            # "best k": the active cadres closest to mastery on the tag (highest own level
            # below 5), ties by id: a deterministic rule, documented in docs/whatif.md
            pool = [
                c
                for c in cadres
                if c.status is not Status.RED and c.capacity > 0 and c.skills.get(tag, 0) < 5
            ]
            pool.sort(key=lambda c: (-c.skills.get(tag, 0), c.id))
            chosen = {c.id for c in pool[: p["best"]]}
        out = []
        for c in cadres:
            if c.id in chosen:
                _note(touched, [c.id], e.label)
                c = replace(c, skills={**c.skills, tag: min(5, c.skills.get(tag, 0) + levels)})
            out.append(c)
        cadres = out
    return Case(case.taxonomy, case.communities, tuple(cadres), tuple(demands), policy, case.source)
