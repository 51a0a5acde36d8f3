"""Messages as data: a stable code and parameters, rendered in Chinese or English.

Why: the engine explains itself (unfilled reasons, smallest fixes, what-if churn,
errors) to dispatchers who read Chinese and to tools that read English. Each
explanation is a :class:`Message` — a dotted ``code`` such as
``unfilled.cert_missing`` and ``params`` holding ids, slugs and numbers, never
sentences — and one catalogue (``messages.toml`` beside this module, served at
``GET /v1/messages``) holds a template per code and language. The English text
fields of results are ``render(msg, "en")`` of their codes, byte for byte.

Templates are plain text with four constructs, filled the same way here and in
the console (``docs/api.md``, "Messages"):

- ``{name}`` — the parameter; a list is joined with :data:`SEPARATORS` ``list``;
  parameters named in :data:`PARAM_KINDS` are looked up (tag and cert slugs,
  community ids, catalogue words) before they are shown.
- ``{name:spec}`` — a number formatted by ``spec``: ``.Nf``, ``+.Nf``, ``.N%`` or ``g``.
- ``{name?one|other}`` — ``one`` when the parameter is 1, else ``other`` (English plurals).
- ``[ … ]`` — an optional part, shown only when every parameter named inside is
  present (not missing, null, 0, "" or an empty list).

Example:
    >>> render(msg("unfilled.cert_missing", count=1, certs=["first_aid"]), "en")
    '1 cadre without the required cert first_aid'
    >>> render(msg("unfilled.cert_missing", count=3, certs=["a", "b"], only=2), "zh")
    '3 名干部缺少所需证书 a、b，其中 2 名仅此一项不符'
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import re
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field

from matcher.errors import Param

if TYPE_CHECKING:
    from matcher.model import Case

__all__ = [
    "CATALOGUE",
    "PARAM_KINDS",
    "SEPARATORS",
    "Labels",
    "Lang",
    "Message",
    "catalogue",
    "field_message",
    "fields",
    "labels_for",
    "lang_from_env",
    "msg",
    "render",
    "required",
]

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = get_args(Lang)

#: ``labels(kind, value)`` names a ``"taxonomy"`` slug or a ``"community"`` id, or None
Labels = Callable[[str, str], str | None]


class Message(BaseModel):
    """A stable ``code`` of :data:`CATALOGUE` and the ``params`` its templates name."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="dotted, stable code, e.g. 'unfilled.cert_missing'")
    params: dict[str, Param] = Field(
        default_factory=dict, description="ids, slugs, numbers (never sentences)"
    )


def msg(code: str, **params: Param) -> Message:
    """A :class:`Message`; parameters that are None are left out (optional parts drop)."""
    return Message(code=code, params={k: v for k, v in params.items() if v is not None})


#: code → language → template
_Catalogue = dict[str, dict[Lang, str]]

#: the catalogue's source, beside this module
_SOURCE = Path(__file__).with_name("messages.toml")
#: bumped when what :func:`_parse` returns changes shape: older caches are then ignored
_CACHE_FORMAT = b"1"


def _parse(text: str) -> _Catalogue:
    """The catalogue in ``messages.toml``'s text: every table with a ``zh`` or ``en``
    string is a code, its dotted path."""
    import tomllib

    out: _Catalogue = {}

    def walk(prefix: str, table: Mapping[str, object]) -> None:
        texts = {lang: table[lang] for lang in LANGS if isinstance(table.get(lang), str)}
        if texts:
            out[prefix] = {lang: str(t) for lang, t in texts.items()}
        for k, v in table.items():
            if isinstance(v, Mapping):
                walk(f"{prefix}.{k}" if prefix else k, v)

    walk("", tomllib.loads(text))
    return out


def _cache_path(source: Path = _SOURCE) -> Path | None:
    """Where the parsed catalogue is kept: beside this module's bytecode (its
    ``__pycache__``, or under ``PYTHONPYCACHEPREFIX``), for this interpreter; None
    where the interpreter keeps no bytecode cache."""
    try:
        pyc = Path(importlib.util.cache_from_source(str(source.with_suffix(".py"))))
    except NotImplementedError:  # sys.implementation.cache_tag is None
        return None
    return pyc.with_name(f"{source.name}.{sys.implementation.cache_tag}.marshal")


def _load_catalogue(source: Path = _SOURCE, cache: Path | None = None) -> _Catalogue:
    """The catalogue in ``source``, read from ``cache`` when that holds this very text.

    Why: parsing the 2,600-line TOML took ~20 ms of every process that says anything
    (a one-shot ``matcher propose`` renders its reasons); the cached catalogue loads in
    well under one. The cache is keyed by a hash of the TOML's bytes, so an edited
    catalogue is parsed again, never served stale; a cache that is missing, unreadable
    or not this text's is ignored. It is written, atomically, only where bytecode
    would be (not under ``PYTHONDONTWRITEBYTECODE``), and a folder that cannot be
    written (a read-only install) just means parsing each time.
    """
    raw = source.read_bytes()
    key = hashlib.sha256(_CACHE_FORMAT + b"\0" + raw).hexdigest()
    if cache is not None:
        try:
            found = marshal.loads(cache.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            found = None
        if isinstance(found, tuple) and len(found) == 2 and found[0] == key:
            return cast(_Catalogue, found[1])
    parsed = _parse(raw.decode("utf-8"))
    if cache is not None and not sys.dont_write_bytecode:
        _write_cache(cache, marshal.dumps((key, parsed)))
    return parsed


def _write_cache(path: Path, data: bytes) -> None:
    """``data`` to ``path`` whole (a process reading it meanwhile sees the old cache or
    the new one, never half); any failure is ignored."""
    from matcher.atomic import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError:
        pass


@cache
def _catalogue() -> _Catalogue:
    return _load_catalogue(_SOURCE, _cache_path(_SOURCE))


if TYPE_CHECKING:
    #: code → language → template (``messages.toml``, loaded on first use)
    CATALOGUE: _Catalogue


def __getattr__(name: str) -> object:
    """:data:`CATALOGUE` is loaded when first asked for (rendering asks for it), not
    with the module: importing :mod:`matcher.messages` for its types costs nothing."""
    if name == "CATALOGUE":
        return _catalogue()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: how list items are joined (``list``) and how the clauses of a churn reason are (``clause``)
SEPARATORS: dict[Lang, dict[str, str]] = {
    "en": {"list": ", ", "clause": "; "},
    "zh": {"list": "、", "clause": "；"},
}

#: parameter name → how each value (or list item) is shown:
#: ``taxonomy`` a tag/cert/category slug (its name); ``community`` a community id (its name);
#: ``requirement`` ``"slug:level"`` as ``name ≥ level``; ``edit`` ``"n:kind"`` through the
#: template ``item.edit``; a value ending in ``.`` is a catalogue prefix (``rule.`` + value),
#: falling back to the value itself when the catalogue has no such code.
PARAM_KINDS: dict[str, str] = {
    "tag": "taxonomy",
    "tags": "taxonomy",
    "cert": "taxonomy",
    "certs": "taxonomy",
    "category": "taxonomy",
    "community": "community",
    "requires": "requirement",
    "edits": "edit",
    "rules": "rule.",
    "warnings": "warning_rule.",
    "kind": "noun.",
    "current": "status.",
    "status": "status.",
    "action": "action.",
    "edit_kind": "edit.",
    "fix_kind": "fix_kind.",
    "change_kind": "churn_kind.",
    "kpi": "kpi.",
    "row_kind": "noun.",
    "certified": "cli.certified.",
    "solver": "cli.solver.",
    "field": "column.",
    "vocab": "vocab.",
    "toml_reason": "toml.",
}

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def field_message(kind: str, ctx: Mapping[str, object] | None = None) -> Message:
    """A pydantic validation error (its ``type`` and ``ctx``) as ``field.<type>``.

    Why here: request bodies (the API) and files validated by pydantic models
    (``policy.toml``) report the same errors, so both say them in Chinese the same
    way. A type the catalogue does not name becomes ``field.invalid``.
    """
    code = f"field.{kind}"
    if code not in _catalogue():
        return msg("field.invalid")
    params: dict[str, Param] = {}
    for k, v in (ctx or {}).items():
        if k == "expected" and isinstance(v, str):
            params[k] = re.findall(r"'([^']*)'", v) or [v]
        elif k != "error":
            params[k] = v if isinstance(v, int | float) and not isinstance(v, bool) else str(v)
    return Message(code=code, params=params)


_FIELD = re.compile(r"\{(\w+)(?:\?([^|{}]*)\|([^{}]*)|:([^{}]*))?\}")
#: the number formats a template may use (and the console implements)
SPECS = re.compile(r"^(\+?\.\d+[f%]|g)$")


def fields(template: str) -> set[str]:
    """Every parameter a template names (optional parts included)."""
    return {m.group(1) for m in _FIELD.finditer(template)}


def required(template: str) -> set[str]:
    """The parameters a template needs: those outside its optional ``[…]`` parts."""
    return fields(_SEGMENT.sub("", template))


def _present(v: Param) -> bool:
    return v is not None and v != 0 and v != "" and v != []


def _template(code: str, lang: Lang) -> str | None:
    """The code's template; an unknown code falls back to its dotted parent's."""
    table = _catalogue()
    while True:
        entry = table.get(code)
        if entry is not None:
            return entry.get(lang) or entry.get("en")
        if "." not in code:
            return None
        code = code.rsplit(".", 1)[0]


def _number(v: float, spec: str | None) -> str:
    if spec:
        return format(v, spec)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _item(name: str, v: str, lang: Lang, labels: Labels | None) -> str:
    kind = PARAM_KINDS.get(name)
    if kind is None:
        return v
    if kind == "taxonomy" or kind == "community":
        return (labels(kind, v) if labels else None) or v
    if kind == "requirement":
        slug, _, level = v.rpartition(":")
        return f"{(labels('taxonomy', slug) if labels else None) or slug} ≥ {level}"
    if kind == "edit":
        n, _, edit_kind = v.partition(":")
        return render(msg("item.edit", n=n, edit_kind=edit_kind), lang, labels)
    entry = _catalogue().get(kind + v)
    return entry.get(lang, v) if entry else v


def _value(name: str, v: Param, spec: str | None, lang: Lang, labels: Labels | None) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return SEPARATORS[lang]["list"].join(_item(name, str(x), lang, labels) for x in v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return _number(v, spec)
    return _item(name, str(v), lang, labels)


def render(message: Message, lang: Lang, labels: Labels | None = None) -> str:
    """The message in ``lang``; ``labels`` names slugs and community ids (else shown as is).

    An unknown code renders as its nearest known dotted parent, or as the code itself.
    """
    template = _template(message.code, lang)
    if template is None:
        return message.code
    params = message.params
    keep = tuple(all(_present(params.get(n)) for n in names) for names in _segments(template))
    out: list[str] = []
    for text, name, one, other, spec in _pieces(template, keep):
        out.append(text)
        if name is None:
            continue
        v = params.get(name)
        if one is not None:
            out.append(one if v == 1 else other or "")
        else:
            out.append(_value(name, v, spec, lang, labels))
    return "".join(out)


@cache
def _segments(template: str) -> tuple[frozenset[str], ...]:
    """The parameters each optional ``[…]`` part of a template names, in order."""
    return tuple(frozenset(fields(m.group(1))) for m in _SEGMENT.finditer(template))


#: a template's text up to a field, and the field (name, singular, plural, format)
Piece = tuple[str, str | None, str | None, str | None, str | None]


@cache
def _pieces(template: str, keep: tuple[bool, ...]) -> tuple[Piece, ...]:
    """``template`` with its optional parts kept or dropped as ``keep`` says, cut
    at its fields. Why: a proposal renders thousands of reasons from a few
    templates; parsing each once leaves only the parameters' values to write."""
    kept = iter(keep)
    text = _SEGMENT.sub(lambda m: m.group(1) if next(kept) else "", template)
    out: list[Piece] = []
    at = 0
    for m in _FIELD.finditer(text):
        name, one, other, spec = m.groups()
        out.append((text[at : m.start()], name, one, other, spec))
        at = m.end()
    out.append((text[at:], None, None, None, None))
    return tuple(out)


def labels_for(case: Case) -> Labels:
    """Labels from a case: tag/cert names from its taxonomy, community names."""
    names = {c.id: c.name for c in case.communities}
    tax = case.taxonomy

    def look(kind: str, value: str) -> str | None:
        if kind == "taxonomy":
            return tax.label(value)
        if kind == "community":
            return names.get(value)
        return None

    return look


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """Every code's template in one language (what ``GET /v1/messages`` serves)."""
    return {code: t.get(lang) or t["en"] for code, t in sorted(_catalogue().items())}


def lang_from_env(environ: Mapping[str, str] | None = None) -> Lang:
    """``zh`` when the locale (``LC_ALL``, ``LC_MESSAGES``, then ``LANG``) starts with zh."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
