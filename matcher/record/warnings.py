"""Three-colour warnings (三色预警) from the record: the rules, one table, and their suggestions.

Why suggestions: a colour decides whether a cadre is dispatched (red is never),
so the rules only *propose* a change with its reasons, as message codes with
parameters; a dispatcher or admin confirms or dismisses each (the store keeps
who decided and why). Nothing here changes a status.

The rules (:data:`RULES`, thresholds from :class:`~matcher.record.policy.WarningThresholds`):

- ``no_shows``: green, with at least ``no_shows`` no-shows in the recent window → yellow;
- ``low_rating``: green, rated at least ``min_ratings`` times and the recency-weighted,
  shrunk rating strictly below ``low_rating`` → yellow;
- ``hours_behind``: green, past ``hours_grace_days`` of the counting year, and behind
  the pro-rated yearly target by at least ``hours_behind_share`` of it → yellow;
- ``stuck_yellow``: yellow for at least ``stuck_days`` (since the last confirmed change
  to yellow) and some yellow rule still fires (no improvement) → red.

Exempt (容错) outcomes are invisible to every rule: the record leaves their ratings
and no-shows out, and only their hours (which can only help) count.

Example:
    >>> [r.code for r in RULES]
    ['no_shows', 'low_rating', 'hours_behind', 'stuck_yellow']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, get_args

from matcher.errors import Param
from matcher.messages import Message, msg
from matcher.record.history import StatusChange
from matcher.record.indicators import CadreRecord
from matcher.record.policy import RecordPolicy

__all__ = ["COLOURS", "RULES", "Colour", "Suggestion", "WarningRule", "evaluate", "yellow_since"]

#: a status colour: the values of ``matcher.model.Status`` (a StrEnum, so its members
#: compare equal to these). Not imported: ``matcher.policy`` reads this package while
#: ``matcher.model`` is still loading.
Colour = Literal["green", "yellow", "red"]
COLOURS: tuple[Colour, ...] = get_args(Colour)
GREEN: Colour = "green"
YELLOW: Colour = "yellow"
RED: Colour = "red"

#: a rule's check of (record, policy, days yellow so far or None): the reason's params
#: when it fires, else None
Check = Callable[[CadreRecord, RecordPolicy, "int | None"], "dict[str, Param] | None"]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested status change and why.

    ``reason`` is the catalogue code ``warning.<rule>`` with ``params``.
    """

    cadre: str
    from_status: Colour
    to_status: Colour
    rule: str
    params: dict[str, Param] = field(default_factory=dict, hash=False)

    @property
    def reason(self) -> Message:
        """The reason as a catalogue message (rendered in zh or en by :mod:`matcher.messages`)."""
        return msg(f"warning.{self.rule}", **self.params)


@dataclass(frozen=True, slots=True)
class WarningRule:
    """One rule: for cadres of ``from_status``, suggests ``to_status`` when ``check`` fires."""

    code: str
    from_status: Colour
    to_status: Colour
    description: str
    #: the policy fields (of ``RecordPolicy.warnings``) its threshold reads
    thresholds: tuple[str, ...]
    check: Check


def _no_shows(r: CadreRecord, p: RecordPolicy, _yellow: int | None) -> dict[str, Param] | None:
    limit = p.warnings.no_shows
    if r.no_shows_recent < limit:
        return None
    return {"count": r.no_shows_recent, "days": p.recent_days, "limit": limit}


def _low_rating(r: CadreRecord, p: RecordPolicy, _yellow: int | None) -> dict[str, Param] | None:
    w = p.warnings
    if r.rating is None or r.ratings < w.min_ratings or not r.rating < w.low_rating:
        return None
    return {"rating": r.rating, "count": r.ratings, "limit": w.low_rating, "min": w.min_ratings}


def _hours_behind(r: CadreRecord, p: RecordPolicy, _yellow: int | None) -> dict[str, Param] | None:
    w = p.warnings
    target = r.hours_target_to_date
    if r.year_days < w.hours_grace_days or target <= 0:
        return None
    if not target - r.hours_year >= w.hours_behind_share * target:
        return None
    return {
        "hours": r.hours_year,
        "target": target,
        "behind": target - r.hours_year,
        "share": w.hours_behind_share,
    }


def _yellow_rules_firing(r: CadreRecord, p: RecordPolicy) -> list[str]:
    return [
        rule.code
        for rule in RULES
        if rule.to_status == YELLOW and rule.check(r, p, None) is not None
    ]


def _stuck_yellow(r: CadreRecord, p: RecordPolicy, days: int | None) -> dict[str, Param] | None:
    if days is None:
        return None
    still = _yellow_rules_firing(r, p)
    if days < p.warnings.stuck_days or not still:
        return None
    limit = p.warnings.stuck_days
    since = r.as_of - timedelta(days=days)
    return {"since": since.isoformat(), "days": days, "limit": limit, "warnings": still}


#: the rules, in the order their suggestions are listed
RULES: tuple[WarningRule, ...] = (
    WarningRule(
        "no_shows",
        GREEN,
        YELLOW,
        "at least `no_shows` no-shows within the recent window",
        ("no_shows",),
        _no_shows,
    ),
    WarningRule(
        "low_rating",
        GREEN,
        YELLOW,
        "at least `min_ratings` ratings and the weighted, shrunk rating below `low_rating`",
        ("low_rating", "min_ratings"),
        _low_rating,
    ),
    WarningRule(
        "hours_behind",
        GREEN,
        YELLOW,
        "behind the pro-rated yearly hours target by at least `hours_behind_share` of it",
        ("hours_behind_share", "hours_grace_days"),
        _hours_behind,
    ),
    WarningRule(
        "stuck_yellow",
        YELLOW,
        RED,
        "yellow for at least `stuck_days` and a yellow rule still fires",
        ("stuck_days",),
        _stuck_yellow,
    ),
)


def yellow_since(changes: Sequence[StatusChange], cadre: str, as_of: date) -> date | None:
    """The day of the last confirmed change of ``cadre`` to yellow, if it is still in force.

    Changes of one day count in the order given (the store lists them as decided).
    """
    mine = sorted((c for c in changes if c.cadre == cadre and c.day <= as_of), key=lambda c: c.day)
    if not mine or mine[-1].status != YELLOW:
        return None
    return mine[-1].day


def evaluate(
    record: CadreRecord,
    current: Colour | str,
    changes: Sequence[StatusChange],
    policy: RecordPolicy,
) -> list[Suggestion]:
    """Every suggestion the rules make for a cadre of status ``current`` (often none).

    ``changes`` are the confirmed status changes (for how long a cadre has been
    yellow, counted to the record's day). A cadre at another colour than the one a
    rule applies to gets nothing from it.
    """
    since = yellow_since(changes, record.cadre, record.as_of) if current == YELLOW else None
    days = None if since is None else (record.as_of - since).days
    out = []
    for rule in RULES:
        if rule.from_status != current:
            continue
        params = rule.check(record, policy, days)
        if params is not None:
            out.append(
                Suggestion(record.cadre, rule.from_status, rule.to_status, rule.code, params)
            )
    return out
