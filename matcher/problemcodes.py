"""Codes for input problems: the message and hint of a :class:`~matcher.errors.Problem` as data.

Why: a problem's ``message`` and ``hint`` are English, written where the input is
checked (CSV reading, record validation, requests, the store). A problem may carry
its own ``code`` and ``params``; the ones written before codes existed are known
here by their fixed English wording, so every common message (a missing column, a
duplicate id, a status that is not green/yellow/red …) and hint (did you mean …)
renders in Chinese too. A message not listed gets ``problem.invalid`` ("invalid
value"): the reader still sees file, row, column and value, and the English text
stays in ``message``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from matcher.errors import Param, Problem
from matcher.messages import PARAM_KINDS, Message, msg

__all__ = ["hint_message", "problem_message", "says_value"]


class _Lazy:
    """A pattern compiled when first matched. Why: the hundred patterns below took
    ~4 ms to compile at import, in every process that imports this module (a CLI
    command, for its error path), while they are matched only when a problem with no
    code of its own is reported."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def match(self, text: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled.match(text)


_Rule = tuple[_Lazy, Callable[[re.Match[str], Problem], dict[str, Param]]]


def _none(_: re.Match[str], __: Problem) -> dict[str, Param]:
    return {}


def _groups(*names: str) -> Callable[[re.Match[str], Problem], dict[str, Param]]:
    def get(m: re.Match[str], _: Problem) -> dict[str, Param]:
        out: dict[str, Param] = {}
        for name, value in zip(names, m.groups(), strict=True):
            out[name] = int(value) if value.isdigit() else value
        return out

    return get


def _value_as(name: str) -> Callable[[re.Match[str], Problem], dict[str, Param]]:
    def get(m: re.Match[str], p: Problem) -> dict[str, Param]:
        return {name: m.group(1) if m.groups() and m.group(1) else (p.value or "")}

    return get


def _named(name: str) -> Callable[[re.Match[str], Problem], dict[str, Param]]:
    """The problem's value as the parameter ``name``, so every language names what is
    unknown (a client showing only the message and its hint said 未知编号 without
    saying which); none without a value."""

    def get(_: re.Match[str], p: Problem) -> dict[str, Param]:
        return {} if not p.value else {name: p.value}

    return get


def _fixed(text: str) -> _Lazy:
    return _Lazy(re.escape(text) + "$")


_MESSAGES: dict[str, list[_Rule]] = {
    "problem.file_missing": [(_fixed("file is missing"), _none)],
    "problem.not_utf8": [(_fixed("file is not UTF-8"), _none)],
    "problem.not_utf8_or_gb18030": [(_fixed("file is neither UTF-8 nor GB18030 (GBK)"), _none)],
    "problem.not_encoding": [(_Lazy(r"file is not (\S+)$"), _groups("encoding"))],
    "problem.unknown_encoding": [(_Lazy(r"unknown encoding '(.*)'$"), _groups("encoding"))],
    "problem.file_empty": [(_fixed("file is empty"), _none)],
    "problem.not_xlsx": [(_fixed("file is not an Excel workbook (.xlsx)"), _none)],
    "problem.sheet_missing": [(_fixed("sheet is missing"), _none)],
    "problem.sheet_empty": [(_fixed("sheet is empty"), _none)],
    "problem.column_twice": [(_fixed("column appears twice in the header"), _none)],
    "problem.column_missing": [(_fixed("missing column"), _none)],
    "problem.field_count": [
        (_Lazy(r"row has (\d+) fields, the header has (\d+)$"), _groups("got", "want"))
    ],
    "problem.duplicate_id": [(_fixed("duplicate id"), _none)],
    "problem.unknown_community": [(_Lazy(r"unknown community(?: '.*')?$"), _none)],
    "problem.unknown_street": [(_Lazy(r"unknown street(?: '.*')?$"), _none)],
    "problem.unknown_category": [(_Lazy(r"unknown category(?: '.*')?$"), _named("name"))],
    "problem.no_communities": [
        (_fixed("no communities listed, but cadres and demands name some"), _none)
    ],
    "problem.no_folder": [(_fixed("no such folder"), _none)],
    "problem.unknown_id": [(_Lazy(r"unknown id(?: '.*')?$"), _named("id"))],
    # a scenario edit's value of the wrong type ("factor must be an integer or a number")
    "field.float_type": [(_Lazy(r"\w+ must be an integer or a number$"), _none)],
    "field.int_type": [(_Lazy(r"\w+ must be an integer$"), _none)],
    "field.string_type": [(_Lazy(r"\w+ must be a string$"), _none)],
    "field.bool_type": [(_Lazy(r"\w+ must be true/false$"), _none)],
    "field.list_type": [(_Lazy(r"\w+ must be a list$"), _none)],
    "field.dict_type": [(_Lazy(r"\w+ must be a table$"), _none)],
    "problem.list_or_text": [(_Lazy(r"\w+ must be a list or a string$"), _none)],
    "problem.table_or_text": [(_Lazy(r"\w+ must be a table or a string$"), _none)],
    "problem.ids_list": [(_fixed("must be a list of ids"), _none)],
    "problem.negative": [(_fixed("must be >= 0"), _none)],
    "problem.unknown_pair": [(_fixed("unknown cadre or demand"), _none)],
    "problem.pair_breaks_rule": [(_fixed("pair breaks a hard rule"), _none)],
    "problem.pins_exceed": [
        (_fixed("pins exceed a cadre's capacity or a demand's headcount"), _none)
    ],
    "problem.unknown_engine": [(_fixed("unknown engine"), _none)],
    "problem.not_in_proposal": [(_fixed("not in this proposal"), _none)],
    "problem.unknown_role": [(_fixed("unknown role"), _none)],
    "problem.empty": [(_fixed("empty"), _none)],
    "problem.id_in_case": [(_fixed("id already in the case"), _none)],
    "problem.not_tag_level": [(_Lazy(r"'(.*)' is not tag:level \("), _groups("item"))],
    "problem.level_not_int": [
        (_Lazy(r"level '(.*)' of (\S+) is not a whole number"), _groups("level", "tag"))
    ],
    "problem.level_range": [
        (
            _Lazy(r"level (-?\d+) of (\S+) is outside (\d+)-(\d+)$"),
            _groups("level", "tag", "min", "max"),
        )
    ],
    "problem.unknown_tag": [
        (_Lazy(r"unknown tag '(.*?)'(?:;|$)"), _value_as("tag")),
        (_Lazy(r"unknown tag(?:;|$)"), _value_as("tag")),
    ],
    "problem.tag_name_ambiguous": [
        (
            _Lazy(r"tag name '(.*)' is ambiguous: it names (.+); write the slug$"),
            lambda m, _: {"name": m.group(1), "tags": m.group(2).split(", ")},
        )
    ],
    "problem.cert_name_ambiguous": [
        (
            _Lazy(r"cert name '(.*)' is ambiguous: it names (.+); write the slug$"),
            lambda m, _: {"name": m.group(1), "certs": m.group(2).split(", ")},
        )
    ],
    "problem.tag_twice": [(_Lazy(r"tag (\S+) is listed twice$"), _groups("tag"))],
    "problem.unknown_cert": [
        (_Lazy(r"unknown cert '(.*?)'(?:;|$)"), _value_as("cert")),
        (_Lazy(r"unknown cert(?:;|$)"), _value_as("cert")),
    ],
    "problem.id_empty": [(_fixed("id is empty; every row needs a unique id"), _none)],
    "problem.id_chars": [(_Lazy(r"id may hold only letters, digits"), _none)],
    "problem.not_degrees": [
        (_Lazy(r"(\w+) must be a number in decimal degrees$"), _groups("field"))
    ],
    "problem.degrees_range": [
        (_Lazy(r"(\w+) must be between -(\S+) and \S+$"), _groups("field", "limit"))
    ],
    "problem.capacity_int": [(_Lazy(r"capacity must be a whole number"), _none)],
    "problem.capacity_range": [(_Lazy(r"capacity must be 0-(\d+) "), _groups("max"))],
    # a case file's status cell reads the Chinese colours too; a scenario's takes the words
    "problem.status_value": [
        (_fixed("status must be green, yellow or red (or 绿, 黄, 红)"), _none),
    ],
    "problem.status_word": [(_Lazy(r"(?:status|to) must be green, yellow or red$"), _none)],
    "problem.week_hours_value": [(_Lazy(r"hours_per_week must be a number of hours"), _none)],
    "problem.week_hours_between": [
        (_Lazy(r"hours_per_week must be between 0 and (\S+) hours"), _groups("max")),
    ],
    "problem.hours_exceed_window": [
        (
            _Lazy(r"hours \((\S+)\) exceed the window from start to end \((\S+) h\)"),
            _groups("hours", "window"),
        )
    ],
    "problem.hours_value": [
        (_Lazy(r"(\w+) must be a number of hours"), _groups("field")),
    ],
    "problem.hours_between": [
        (_Lazy(r"(\w+) must be between 0 and (\S+) hours"), _groups("field", "max")),
    ],
    "problem.travel_number": [(_Lazy(r"max_travel_km must be a number"), _none)],
    "problem.travel_negative": [(_Lazy(r"max_travel_km must be >= 0"), _none)],
    "problem.headcount_int": [(_Lazy(r"headcount must be a whole number"), _none)],
    "problem.headcount_range": [(_Lazy(r"headcount must be 1-(\d+)$"), _groups("max"))],
    "problem.priority_int": [(_Lazy(r"priority must be a whole number 1-5"), _none)],
    "problem.priority_range": [(_Lazy(r"priority must be 1-5 "), _none)],
    # dated work (matcher.dated and the dated columns)
    "problem.unknown_weekday": [
        (
            _Lazy(r"unknown weekday '(.*?)'(?: \(did you mean (\w+)\?\))?"),
            lambda m, _: {"day": m.group(1), "suggestion": m.group(2)},
        )
    ],
    "problem.weekday_range_backwards": [
        (_Lazy(r"the range '(.*)' runs backwards;"), _groups("range"))
    ],
    "problem.window_backwards": [
        (_Lazy(r"'(.*)' ends before or when it starts; a window stays"), _groups("window"))
    ],
    "problem.windows_overlap": [
        (_Lazy(r"on (\w+), (\S+) overlaps (\S+); merge"), _groups("day", "window", "other"))
    ],
    "problem.no_time_window": [(_Lazy(r".*has no time window"), _none)],
    "problem.away_backwards": [
        (
            _Lazy(r"the range (\S+) ends before it starts; write (\S+)$"),
            _groups("range", "fix"),
        )
    ],
    "problem.away_overlap": [(_Lazy(r".* overlaps .*; list each away day once"), _none)],
    "problem.not_a_date": [(_Lazy(r"'(.*?)' in '.*' is not a date;"), _groups("text"))],
    "problem.not_local_time": [
        (
            _Lazy(
                r"'(.*)' (?:has no time of day;|carries an offset;|is not an ISO 8601 date-time;)"
            ),
            _groups("value"),
        )
    ],
    "problem.year_range": [
        (
            _Lazy(r"'(.*)' is outside the years (\d+)–(\d+)"),
            lambda m, p: {"value": m.group(1), "first": int(m.group(2)), "last": int(m.group(3))},
        )
    ],
    "problem.time_skipped": [
        (
            _Lazy(r"(.*) does not exist in (\S+) \(the clocks skip it\)"),
            _groups("value", "zone"),
        )
    ],
    "problem.end_without_start": [(_Lazy(r"an end (?:needs|without) a start"), _none)],
    "problem.end_before_start": [
        (
            _Lazy(r"the end comes before or at the start \((.*?)\)"),
            lambda m, p: {"start": m.group(1), "end": p.value or ""},
        ),
        (
            _Lazy(r"the window ends \((.*?)\) before or when it starts \((.*?)\)"),
            lambda m, _: {"end": m.group(1), "start": m.group(2)},
        ),
    ],
    "problem.needs_end_or_hours": [(_Lazy(r"a dated order needs an end or its hours"), _none)],
    "problem.hours_positive": [(_Lazy(r"hours must be above 0"), _none)],
    "problem.unknown_zone": [
        (_Lazy(r"(?:Value error, )?unknown time zone '(.*?)'"), _groups("zone"))
    ],
    "problem.unknown_edit_kind": [(_Lazy(r"unknown edit kind\b"), _none)],
    "problem.missing_kind": [(_fixed("missing 'kind'"), _none)],
    "problem.unknown_edit_key": [
        (_Lazy(r"unknown key '(.*)' for (\w+)$"), _groups("key", "edit_kind"))
    ],
}


def _options(text: str) -> list[str]:
    return [x.strip().strip("'") for x in re.split(r" or |, ", text) if x.strip()]


_HINTS: dict[str, list[_Rule]] = {
    "hint.did_you_mean": [
        (_Lazy(r"did you mean (.+)\?$"), lambda m, _: {"options": _options(m.group(1))})
    ],
    "hint.see_taxonomy": [
        (
            _Lazy(r"see the taxonomy for valid slugs: (.*), …$"),
            lambda m, _: {"examples": _options(m.group(1))},
        )
    ],
    "hint.empty_catalogue": [(_fixed("the catalogue has no items yet"), _none)],
    "hint.see_catalogue": [
        (
            _Lazy(r"see the catalogue for valid items: (.*), …$"),
            lambda m, _: {"examples": _options(m.group(1))},
        )
    ],
    "hint.valid_values": [
        (
            _Lazy(r"valid (ids|keys|kinds|communities|streets|categories): (.*?)(, …)?$"),
            lambda m, _: {
                "vocab": m.group(1),
                "examples": _options(m.group(2)),
                "more": 1 if m.group(3) else None,
            },
        )
    ],
    "hint.case_files": [
        (_Lazy(r"a case folder needs (.+)$"), lambda m, _: {"files": _options(m.group(1))})
    ],
    "hint.save_excel_utf8": [(_Lazy(r"save it as UTF-8: in Excel"), _none)],
    "hint.save_utf8": [(_Lazy(r"save it as UTF-8"), _none)],
    "hint.save_xlsx": [(_Lazy(r"save it in Excel as Excel Workbook"), _none)],
    "hint.split_upload": [(_fixed("split it into several uploads"), _none)],
    "hint.case_sheets": [
        (
            _Lazy(r"a case workbook needs the sheets (.+)$"),
            lambda m, _: {"sheets": _options(m.group(1))},
        )
    ],
    "hint.header": [
        (
            _Lazy(r"the (?:first (?:line|row) must be the header|header must be): (.+)$"),
            lambda m, _: {"columns": m.group(1).split(",")},
        )
    ],
    "hint.quote_commas": [(_fixed("quote fields that contain commas"), _none)],
    "hint.first_used": [(_Lazy(r"first used on row (\d+); ids must be unique$"), _groups("row"))],
    "hint.add_community": [(_fixed("add it to communities.csv"), _none)],
    "hint.add_community_sheet": [(_Lazy(r"add it to the (\S+) sheet$"), _groups("sheet"))],
    "hint.add_community_rows": [(_fixed("add a row per community under the header"), _none)],
    "hint.pass_folder": [(_Lazy(r"pass a folder holding communities\.csv"), _none)],
    "hint.unpin": [(_fixed("unpin it or fix the case"), _none)],
    "hint.unpin_excluded": [(_fixed("unpin it: an excluded pair is never proposed"), _none)],
    "hint.one_of": [
        (_Lazy(r"one of (.+)$"), lambda m, _: {"options": _options(m.group(1))}),
        (
            _fixed("auto, dense or streamed"),
            lambda m, _: {"options": ["auto", "dense", "streamed"]},
        ),
    ],
    "hint.pass_district": [(_Lazy(r"pass --district ID"), _none)],
    "hint.date_format": [(_fixed("write it as 2026-03-01"), _none)],
    "hint.exempt_reason": [(_Lazy(r"say what new approach was tried"), _none)],
    "hint.training_tags": [(_Lazy(r"tags separated by ';'"), _none)],
    "hint.cert_row": [(_fixed("a row per cert gained"), _none)],
}


def _match(rules: dict[str, list[_Rule]], text: str, p: Problem) -> Message | None:
    for code, patterns in rules.items():
        for pattern, params in patterns:
            m = pattern.match(text)
            if m:
                return msg(code, **params(m, p))
    return None


def problem_message(p: Problem) -> Message:
    """The problem's message as a code: its own, a known wording's, or ``problem.invalid``."""
    if p.code:
        return Message(code=p.code, params=dict(p.params or {}))
    # a scenario's problems name their edit first ("edit 2: unknown id 'X'")
    text = re.sub(r"^edit \d+: ", "", p.message)
    return _match(_MESSAGES, text, p) or msg("problem.invalid")


def _same(param: Param, value: str) -> bool:
    """Whether a message parameter holds ``value``: the same text, or the same number
    (a cell's ``7.50`` said as ``7.5`` by a message that formats it)."""
    if param is None or isinstance(param, list):
        return False
    if str(param).strip() == value:
        return True
    try:
        a, b = float(param), float(value)
    except ValueError:
        return False
    return math.isfinite(a) and a == b


def _shown(param: Param, text: str) -> bool:
    """Whether ``param`` appears in ``text`` as a message writes it (``5.0`` as ``5``)."""
    forms = {str(param)}
    if isinstance(param, int | float) and not isinstance(param, bool):
        forms.add(f"{param:g}")
    return any(f in text for f in forms)


def says_value(p: Problem, text: str) -> bool:
    """Whether ``text`` (the problem's message as shown, in any language) already names
    the problem's value, so a reader is not told it twice ("hours (5) exceed the window
    … (got '5')"): quoted in it (:meth:`~matcher.errors.Problem.quotes_value`), or a
    parameter of its message that holds the value is written in it. Parameters shown
    through a lookup (a column's label, a tag's name: :data:`matcher.messages.PARAM_KINDS`)
    do not count: a value named like its column is still said."""
    if p.value is None:
        return False
    if p.quotes_value(text):
        return True
    value = p.value.strip()
    params = problem_message(p).params
    return bool(value) and any(
        _same(x, value) and _shown(x, text) for name, x in params.items() if name not in PARAM_KINDS
    )


def hint_message(p: Problem) -> Message | None:
    """The hint as a code, or None when there is no hint or its wording is not known.

    A known message that carries its suggestion after a ';' (``unknown tag 'x';
    did you mean …``) gives that suggestion as the hint.
    """
    hint = p.hint
    if not hint and ";" in p.message and p.message.startswith(("unknown tag", "unknown cert")):
        hint = p.message.split(";", 1)[1].strip()
    if not hint:
        return None
    return _match(_HINTS, hint, p)
