"""The growth record (成长档案): history in; record, warnings, points, lending ledger out."""

import typing as _typing

from matcher.lazy import attributes as _attributes

if _typing.TYPE_CHECKING:
    from matcher.record.fairness import (
        LoadSpread,
        gini,
        hours_by_cadre,
        jain,
        load_spread,
        percentile,
    )
    from matcher.record.history import (
        CancelReason,
        Ending,
        Outcome,
        Standing,
        StatusChange,
        Training,
    )
    from matcher.record.indicators import (
        CadreRecord,
        cadre_record,
        district_mean_rating,
        is_no_show,
        months_between,
        standing,
    )
    from matcher.record.ledger import (
        PERIOD_DAYS,
        TOP_PARTNERS,
        CommunityLedger,
        Ledger,
        Partner,
        ledger_period,
        lending_ledger,
    )
    from matcher.record.points import (
        EntryKind,
        PointsEntry,
        balance,
        check_redemption,
        earnings,
        points_for,
    )
    from matcher.record.policy import PointsFormula, RecordPolicy, WarningThresholds
    from matcher.record.warnings import (
        COLOURS,
        RULES,
        Colour,
        Suggestion,
        WarningRule,
        evaluate,
        yellow_since,
    )

#: where each public name lives, loaded on first use (:mod:`matcher.lazy`): a proposal
#: reads a cadre's standing and the record's policy, never the warning rules or the ledger
_HOME: dict[str, tuple[str, ...]] = {
    "matcher.record.fairness": (
        "LoadSpread",
        "gini",
        "hours_by_cadre",
        "jain",
        "load_spread",
        "percentile",
    ),
    "matcher.record.history": (
        "CancelReason",
        "Ending",
        "Outcome",
        "Standing",
        "StatusChange",
        "Training",
    ),
    "matcher.record.indicators": (
        "CadreRecord",
        "cadre_record",
        "district_mean_rating",
        "is_no_show",
        "months_between",
        "standing",
    ),
    "matcher.record.ledger": (
        "PERIOD_DAYS",
        "TOP_PARTNERS",
        "CommunityLedger",
        "Ledger",
        "Partner",
        "ledger_period",
        "lending_ledger",
    ),
    "matcher.record.points": (
        "EntryKind",
        "PointsEntry",
        "balance",
        "check_redemption",
        "earnings",
        "points_for",
    ),
    "matcher.record.policy": ("PointsFormula", "RecordPolicy", "WarningThresholds"),
    "matcher.record.warnings": (
        "COLOURS",
        "RULES",
        "Colour",
        "Suggestion",
        "WarningRule",
        "evaluate",
        "yellow_since",
    ),
}

__all__ = [
    "COLOURS",
    "PERIOD_DAYS",
    "RULES",
    "TOP_PARTNERS",
    "CadreRecord",
    "CancelReason",
    "Colour",
    "CommunityLedger",
    "Ending",
    "EntryKind",
    "Ledger",
    "LoadSpread",
    "Outcome",
    "Partner",
    "PointsEntry",
    "PointsFormula",
    "RecordPolicy",
    "Standing",
    "StatusChange",
    "Suggestion",
    "Training",
    "WarningRule",
    "WarningThresholds",
    "balance",
    "cadre_record",
    "check_redemption",
    "district_mean_rating",
    "earnings",
    "evaluate",
    "gini",
    "hours_by_cadre",
    "is_no_show",
    "jain",
    "ledger_period",
    "lending_ledger",
    "load_spread",
    "months_between",
    "percentile",
    "points_for",
    "standing",
    "yellow_since",
]


if not _typing.TYPE_CHECKING:  # hidden from mypy, which then still flags an unknown name
    __getattr__ = _attributes(__name__, _HOME)
