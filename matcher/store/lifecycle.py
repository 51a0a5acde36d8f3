"""The pool's state machines, stated once: demands, dispatches and proposal items.

Why a module of its own: the store enforces these moves, the snapshot derives
what a proposal must respect from them, and ``docs/lifecycle.md`` draws them;
a rule that lived in three places would drift (the first version counted only
active dispatches as staffing, so completed work reopened its slot).

Demand::

    open ──close(done)──► done          open ──close(cancelled)──► cancelled
      ▲                    │                                         │
      └──────reopen────────┴─────────────────reopen──────────────────┘

    an open demand's *stage* is derived: open (nothing staffed) → partly_staffed
    → staffed; a one-off demand whose every slot is completed becomes done.

Dispatch::

    active ──complete──► completed      active ──cancel──► cancelled
    active ──no_show───► no_show

Proposal item (``docs/lifecycle.md`` says the same for people)::

    pending ──accept──► accepted        pending ──reject──► rejected
    pending ──(a newer proposal of the district, not a draft)──► superseded

    draft (a planner's proposal: stored and read like any, never decided, 409
    conflict.draft to accept or reject; it supersedes nothing, and nothing supersedes it)

Why drafts: a planner may propose to see what the engine would propose now, but
may not accept; were that run to supersede, a dispatcher's pending pairs would be
taken from under them. Who makes drafts is the service's rule (a role that may
propose but not write: ``api.deps``); the store keeps the flag and these moves.

Warning (a suggested status change, 三色预警)::

    pending ──confirm──► confirmed      pending ──dismiss──► dismissed
"""

from __future__ import annotations

from typing import Literal

from matcher.errors import Param
from matcher.messages import msg, render
from matcher.store.errors import ConflictError

__all__ = [
    "DEMAND_MOVES",
    "DISPATCH_MOVES",
    "LENDING",
    "WARNING_MOVES",
    "DemandStatus",
    "DispatchStatus",
    "ItemState",
    "Stage",
    "WarningState",
    "blocks_pair",
    "demand_stage",
    "move",
    "takes_slot",
]

DemandStatus = Literal["open", "done", "cancelled"]
DispatchStatus = Literal["active", "completed", "cancelled", "no_show"]
#: dispatches that lent their cadre (the lending rules count them): a cancel or
#: a no-show sent nobody
LENDING: tuple[DispatchStatus, ...] = ("active", "completed")
ItemState = Literal["pending", "accepted", "rejected", "superseded", "draft"]
Stage = Literal["open", "partly_staffed", "staffed", "done", "cancelled"]
WarningState = Literal["pending", "confirmed", "dismissed"]

#: (current status, action) → next status; anything else is an illegal transition
DEMAND_MOVES: dict[tuple[str, str], str] = {
    ("open", "done"): "done",
    ("open", "cancelled"): "cancelled",
    ("done", "reopen"): "open",
    ("cancelled", "reopen"): "open",
}
DISPATCH_MOVES: dict[tuple[str, str], str] = {
    ("active", "complete"): "completed",
    ("active", "cancel"): "cancelled",
    ("active", "no_show"): "no_show",
}
#: a warning is decided once: confirmed or dismissed, never again
WARNING_MOVES: dict[tuple[str, str], str] = {
    ("pending", "confirm"): "confirmed",
    ("pending", "dismiss"): "dismissed",
}
_MOVES = {"demand": DEMAND_MOVES, "dispatch": DISPATCH_MOVES, "warning": WARNING_MOVES}


def move(
    kind: Literal["demand", "dispatch", "warning"], key: str | int, current: str, action: str
) -> str:
    """The status after ``action``, or a 409 naming the current state.

    >>> move("dispatch", 7, "active", "complete")
    'completed'
    >>> move("demand", "D1", "done", "done")
    Traceback (most recent call last):
    ...
    matcher.store.errors.ConflictError: demand D1 is done; cannot close as done
    """
    nxt = _MOVES[kind].get((current, action))
    if nxt is None:
        params: dict[str, Param] = {"kind": kind, "id": str(key), "current": current}
        params["action"] = action
        said = msg("state.illegal_transition", **params)
        raise ConflictError(
            render(said, "en"),
            [{"kind": "illegal_transition", kind: key, "current": current, "action": action}],
            code=said.code,
            params=said.params,
        )
    return nxt


def takes_slot(status: str, recurring: bool) -> bool:
    """Whether a dispatch fills one of its demand's slots.

    Active work always does; completed work does for one-off demands (the job is
    done and stays done), not for recurring ones, whose slot is free again.
    """
    return status == "active" or (status == "completed" and not recurring)


def blocks_pair(status: str, recurring: bool) -> bool:
    """Whether a dispatch keeps its (cadre, demand) pair out of new proposals.

    A cadre never takes two slots of one demand; a no-show is not offered the
    same demand again; a cancelled dispatch frees the pair.
    """
    return takes_slot(status, recurring) or status == "no_show"


def demand_stage(status: str, headcount: int, filled: int) -> Stage:
    """Where an open demand stands, from how many of its slots are filled."""
    if status != "open":
        return "done" if status == "done" else "cancelled"
    if filled <= 0:
        return "open"
    return "staffed" if filled >= headcount else "partly_staffed"
