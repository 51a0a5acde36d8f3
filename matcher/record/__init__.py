"""The growth record (成长档案): history in; record figures, warnings and points out."""

from matcher.record.history import CancelReason, Ending, Outcome, Standing, StatusChange, Training

__all__ = ["CancelReason", "Ending", "Outcome", "Standing", "StatusChange", "Training"]
