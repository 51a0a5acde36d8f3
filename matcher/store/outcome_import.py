"""Outcomes of dispatches imported from ``outcomes.csv``, all or nothing.

Why: district offices enter results in batches from spreadsheets. An import runs
like the case imports (:mod:`matcher.store.imports`): the file is checked with no
write lock held (a short read for the district's maximum hours and its
dispatches, then :func:`matcher.io.load_outcomes`), and written in one write
transaction that re-checks only what another writer could have changed (a
dispatch ended meanwhile). Any problem and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select

from matcher import CaseError, Problem
from matcher.dated import district_zone, parse_local
from matcher.io import load_outcomes
from matcher.record import Ending
from matcher.store import core
from matcher.store import schema as t
from matcher.store.audit import text_digest
from matcher.store.bulk import CHUNK
from matcher.store.core import NOBODY, Actor, local_day, today
from matcher.store.errors import ConflictError
from matcher.store.outcome_rules import ended_problems, started_problems
from matcher.store.rows import DispatchRow
from matcher.store.store import Store, Tx

__all__ = [
    "ACTION_OF",
    "OutcomePlan",
    "OutcomeRow",
    "apply_outcomes",
    "plan_outcomes",
]

#: the dispatch action each ending of ``outcomes.csv`` is recorded by
ACTION_OF = {
    Ending.COMPLETED: "complete",
    Ending.CANCELLED: "cancel",
    Ending.NO_SHOW: "no_show",
}


@dataclass(frozen=True)
class OutcomeRow:
    """One checked row of ``outcomes.csv``: how the dispatch ``dispatch`` ended."""

    line: int
    dispatch: int
    action: str
    hours: float | None
    rating: int | None
    exempt: bool
    exempt_reason: str | None
    cancel_reason: str | None
    note: str | None
    ended: date | None


@dataclass(frozen=True)
class OutcomePlan:
    """A validated ``outcomes.csv``: its rows, each naming a dispatch active when planned."""

    district: str
    rows: tuple[OutcomeRow, ...]
    #: the file's SHA-256, for the audit trail
    sha256: str = ""


def plan_outcomes(
    store: Store, district: str, text: str | bytes, file: str = "outcomes.csv"
) -> OutcomePlan:
    """Check ``outcomes.csv`` for ``district`` without a write lock; problems name
    ``file`` (the file the reader gave, where there is one).

    Every row must be valid (:func:`matcher.io.load_outcomes`, with the district
    policy's maximum hours), name a dispatch of the district, and that dispatch
    must still be active.

    Raises:
        NotFoundError: no such district.
        CaseError: every problem, located by row and column (nothing is planned).
    """
    with store.read() as tx:
        policy = tx.policy(district)
        max_hours = policy.record.max_hours
        c, m = t.dispatches.c, t.demands.c
        q = (
            select(c.id, c.status, c.created_at, m.starts_at)
            .join(t.demands, and_(m.district_id == c.district_id, m.id == c.demand))
            .where(c.district_id == district)
        )
        got = tx.conn.execute(q).all()
        status: dict[int, str] = {r.id: r.status for r in got}
        zone = district_zone(policy.timezone)
        began = {r.id: local_day(r.created_at, zone) for r in got}
        starts = {r.id: parse_local(r.starts_at, zone) for r in got if r.starts_at}
    records = load_outcomes(text, max_hours=max_hours, dispatches=status.keys(), file=file)
    problems = [
        Problem(
            file,
            "the dispatch has already ended",
            line,
            "dispatch",
            str(r.dispatch),
            hint="only an active dispatch can be given an outcome",
            code="problem.dispatch_ended",
            params={"status": status[r.dispatch]},
        )
        for line, r in records
        if status[r.dispatch] != "active"
    ]
    now, moment = today(zone), core.now_utc()
    for line, r in records:
        problems += ended_problems(r.ended, began[r.dispatch], now, file=file, row=line)
        no_show = r.cancel_reason is not None and r.cancel_reason.value == "no_show"
        action = "no_show" if no_show else ACTION_OF[r.ending]
        start = starts.get(r.dispatch)
        problems += started_problems(
            action, start, moment, r.ended, file=file, row=line, column="ending"
        )
    problems.sort(key=lambda p: p.row or 0)
    if problems:
        raise CaseError(
            f"{file}: {len(problems)} problem(s)",
            problems[:100],
            len(problems),
            code="input.file",
            params={"file": file, "count": len(problems)},
        )
    rows = tuple(
        OutcomeRow(
            line,
            r.dispatch,
            ACTION_OF[r.ending],
            r.hours,
            r.rating,
            r.exempt,
            r.exempt_reason,
            None if r.cancel_reason is None else r.cancel_reason.value,
            r.note or None,
            r.ended,
        )
        for line, r in records
    )
    return OutcomePlan(district, rows, text_digest(text))


def apply_outcomes(tx: Tx, plan: OutcomePlan, actor: Actor = NOBODY) -> dict[str, Any]:
    """Record every planned outcome in ``tx`` (a write transaction): all or none.

    Returns what the import did: how many of its dispatches ended each way
    (``completed``, ``cancelled``, ``no_show``), then what that set off, which the
    counts leave out: ``withdrawn``, the demands its ``community_withdrew`` rows
    withdrew (ids, sorted); ``cancelled_with_demands``, the other active dispatches
    their withdrawal cancelled (ids, sorted; not rows of the file); and
    ``warnings``, how many warnings the rules suggested for its cadres.

    Raises:
        ConflictError: a dispatch ended while the file was checked (import it again).
    """
    c = t.dispatches.c
    ids = [r.dispatch for r in plan.rows]
    q = select(c.id, c.status).where(c.district_id == plan.district, c.id.in_(ids))
    now: dict[int, str] = {r.id: r.status for r in tx.conn.execute(q)}
    moved = [r for r in plan.rows if now.get(r.dispatch) != "active"]
    if moved:
        raise ConflictError(
            f"{len(moved)} dispatch(es) in outcomes.csv ended while it was checked;"
            " import it again",
            [
                {"dispatch": r.dispatch, "row": r.line, "status": now.get(r.dispatch)}
                for r in moved[:100]
            ],
            code="conflict.outcomes_moved",
            params={"count": len(moved)},
        )
    done: dict[str, Any] = {"completed": 0, "cancelled": 0, "no_show": 0}
    if actor.token is not None:
        tx.actor = actor
    entry = {"file": "outcomes.csv", "sha256": plan.sha256, "rows": len(plan.rows)}
    with tx.auditing("outcomes.import", plan.district, "outcomes.csv", entry):
        done.update(_close_all(tx, plan, actor, done))
    return done


def _chunks(ids: list[Any]) -> list[list[Any]]:
    """``ids`` in lists of at most :data:`~matcher.store.bulk.CHUNK`."""
    return [ids[k : k + CHUNK] for k in range(0, len(ids), CHUNK)]


def _close_all(tx: Tx, plan: OutcomePlan, actor: Actor, counts: dict[str, Any]) -> dict[str, Any]:
    """End every row's dispatch (``counts`` by how it ended), then withdraw the demands
    and evaluate the cadres once: answers what those two set off."""
    done_rows: list[DispatchRow] = []
    for r in plan.rows:
        done = tx.close_dispatch(
            plan.district,
            r.dispatch,
            r.action,
            r.note,
            actor,
            hours=r.hours,
            rating=r.rating,
            exempt=r.exempt,
            exempt_reason=r.exempt_reason,
            cancel_reason=r.cancel_reason,
            ended=r.ended,
            evaluate=False,
            withdraw=False,
        )
        counts[done.status] += 1
        done_rows.append(done)
    asked = {r.demand for r in done_rows if r.cancel_reason == "community_withdrew"}
    m, d, w = t.demands.c, t.dispatches.c, t.warnings.c
    # IN lists of at most CHUNK ids: a file may withdraw more demands than a database
    # takes parameters in one statement
    withdrawn = [
        i
        for part in _chunks(sorted(asked))
        for i in tx.conn.scalars(
            select(m.id).where(m.district_id == plan.district, m.id.in_(part), m.status == "open")
        )
    ]
    here = select(d.id).where(d.district_id == plan.district)
    ending = [
        i
        for part in _chunks(withdrawn)
        for i in tx.conn.scalars(here.where(d.demand.in_(part), d.status == "active"))
    ]
    for demand in sorted(withdrawn):  # after every row: a withdrawal ends work rows still end
        tx.withdraw_demand(plan.district, demand, actor)
    ended = [
        i
        for part in _chunks(ending)
        for i in tx.conn.scalars(here.where(d.id.in_(part), d.status != "active"))
    ]
    last = select(func.coalesce(func.max(w.id), 0)).where(w.district_id == plan.district)
    before = tx.conn.scalar(last) or 0
    tx.evaluate_after(plan.district, [r.cadre for r in done_rows])
    warned = tx.conn.scalar(
        select(func.count())
        .select_from(t.warnings)
        .where(w.district_id == plan.district, w.id > before)
    )
    return {
        "withdrawn": sorted(withdrawn),
        "cancelled_with_demands": sorted(ended),
        "warnings": int(warned or 0),
    }
