"""The growth record (成长档案): history in; record figures, warnings and points out."""

from matcher.record.fairness import (
    LoadSpread,
    gini,
    hours_by_cadre,
    jain,
    load_spread,
    percentile,
)
from matcher.record.history import CancelReason, Ending, Outcome, Standing, StatusChange, Training
from matcher.record.indicators import (
    CadreRecord,
    cadre_record,
    district_mean_rating,
    is_no_show,
    months_between,
    standing,
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

__all__ = [
    "COLOURS",
    "RULES",
    "CadreRecord",
    "CancelReason",
    "Colour",
    "Ending",
    "EntryKind",
    "LoadSpread",
    "Outcome",
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
    "load_spread",
    "months_between",
    "percentile",
    "points_for",
    "standing",
    "yellow_since",
]
