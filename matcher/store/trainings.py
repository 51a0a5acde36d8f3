"""The training log: sessions a cadre attended, one by one or imported from ``trainings.csv``.

A session that gained a certification adds it to the cadre's certs (their
version goes up, so proposals relying on the old certs become stale): the
record keeps the day it was gained, the cadre row what holds today.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.engine import Row

from matcher import InputError, Param, Problem
from matcher.io import load_trainings
from matcher.record import Training
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.cadres import CadresTx
from matcher.store.core import NOBODY, Actor, cadre_from_row, now_iso, today
from matcher.store.rows import TrainingRow, actor_of

__all__ = ["TRAININGS_FILE", "TrainingsTx"]

TRAININGS_FILE = "trainings.csv"


class TrainingsTx(CadresTx):
    """Trainings attended: add one, import many (all or nothing), list a cadre's."""

    @staticmethod
    def _training_out(r: Row[Any]) -> TrainingRow:
        return TrainingRow(
            id=r.id,
            cadre=r.cadre,
            course=r.course,
            tags=list(json.loads(r.tags)),
            hours=r.hours,
            day=r.day,
            cert=r.cert,
            created_at=r.created_at,
            created_by=actor_of(r.created_by, r.created_by_label),
        )

    def list_trainings(
        self, district: str, cadre: str | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[TrainingRow], int]:
        """Trainings of the district (or of one cadre), by day."""
        self._district_row(district)
        c = t.trainings.c
        where = c.district_id == district
        if cadre is not None:
            self._cadre_row(district, cadre)
            where = and_(where, c.cadre == cadre)
        rows, total = self._page(t.trainings, where, (c.day, c.id), limit, offset)
        return [self._training_out(r) for r in rows], total

    def _training_problems(
        self, district: str, tr: Training, file: str, row: int | None
    ) -> list[Problem]:
        """What the store checks of a session (the CSV loader checks the cells' own form)."""
        problems = []
        tax = self.taxonomy(district)
        max_hours = self.policy(district).record.max_hours
        if not self._exists(t.cadres, district, tr.cadre, live=True):
            problems.append(
                Problem(file, "unknown id", row, "cadre", tr.cadre, code="problem.unknown_id")
            )
        if not 0 < tr.hours <= max_hours:
            problems.append(
                Problem(
                    file,
                    f"hours must be more than 0 and at most {max_hours:g}",
                    row,
                    "hours",
                    f"{tr.hours:g}",
                    code="problem.hours_range",
                    params={"max": max_hours},
                )
            )
        if tr.day > today(self.zone(district)):
            problems.append(
                Problem(
                    file,
                    "date in the future",
                    row,
                    "date" if row is not None else "day",
                    tr.day.isoformat(),
                    code="problem.date_future",
                )
            )
        for tag in tr.tags:
            if not tax.has_tag(tag):
                problems.append(
                    Problem(file, f"unknown tag '{tag}'", row, "tags", tag, tax.suggest_tag(tag))
                )
        if tr.cert is not None and tax.certs and not tax.has_cert(tr.cert):
            hint = tax.suggest_cert(tr.cert)
            problems.append(Problem(file, f"unknown cert '{tr.cert}'", row, "cert", tr.cert, hint))
        return problems

    def _check_sessions(
        self, district: str, rows: Sequence[tuple[int, Training]], file: str = TRAININGS_FILE
    ) -> None:
        problems = [p for n, tr in rows for p in self._training_problems(district, tr, file, n)]
        if problems:
            params: dict[str, Param] = {"file": file, "count": len(problems)}
            message = f"{file}: {len(problems)} problem(s)"
            raise InputError(message, problems, code="input.file", params=params)

    def _insert_training(self, district: str, tr: Training, actor: Actor) -> int:
        result = self.conn.execute(
            insert(t.trainings).values(
                district_id=district,
                cadre=tr.cadre,
                course=tr.course,
                tags=json.dumps(list(tr.tags), ensure_ascii=False),
                hours=tr.hours,
                day=tr.day.isoformat(),
                cert=tr.cert,
                created_at=now_iso(),
                created_by=actor.token,
                created_by_label=actor.label,
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def _gain_certs(self, district: str, sessions: Sequence[Training]) -> None:
        """Add every certification gained to its cadre's certs (version + 1 where new)."""
        gained: dict[str, list[str]] = {}
        for tr in sessions:
            if tr.cert is not None:
                gained.setdefault(tr.cadre, []).append(tr.cert)
        for cid, certs in gained.items():
            old = cadre_from_row(self._cadre_row(district, cid))
            new = tuple(dict.fromkeys((*old.certs, *certs)))
            if new != old.certs:
                self.upsert_cadres(district, [replace(old, certs=new)])

    @audited("training.add", "cadre")
    def add_training(
        self,
        district: str,
        cadre: str,
        course: str,
        hours: float,
        day: date,
        tags: Sequence[str] = (),
        cert: str | None = None,
        actor: Actor = NOBODY,
    ) -> TrainingRow:
        """Log one session; a certification it gained is added to the cadre's certs."""
        self._cadre_row(district, cadre)
        tr = Training(cadre, course, day, hours, tuple(dict.fromkeys(tags)), cert)
        problems = self._training_problems(district, tr, "body", None)
        if problems:
            raise InputError("the training does not fit this district", problems)
        tid = self._insert_training(district, tr, actor)
        self._gain_certs(district, [tr])
        row = self.conn.execute(select(t.trainings).where(t.trainings.c.id == tid)).one()
        return self._training_out(row)

    def plan_trainings(
        self, district: str, text: str | bytes, file: str = TRAININGS_FILE
    ) -> list[tuple[int, Training]]:
        """``trainings.csv`` validated against the district: (line, session) rows, or
        CaseError/InputError naming every bad row in ``file`` (the name the reader gave).
        Writes nothing (run it in a read)."""
        known = {
            r.id
            for r in self.conn.execute(
                select(t.cadres.c.id).where(
                    t.cadres.c.district_id == district, t.cadres.c.deleted == 0
                )
            )
        }
        rows = load_trainings(
            text,
            taxonomy=self.taxonomy(district),
            max_hours=self.policy(district).record.max_hours,
            cadres=known,
            file=file,
        )
        self._check_sessions(district, rows, file)
        return rows

    @audited("trainings.import")
    def import_trainings(
        self, district: str, rows: Sequence[tuple[int, Training]], actor: Actor = NOBODY
    ) -> int:
        """Write sessions planned by :meth:`plan_trainings` (checked again: the pool may
        have moved since); all or nothing. Returns how many were written."""
        self._district_row(district)
        self._check_sessions(district, rows)
        for _line, tr in rows:
            self._insert_training(district, tr, actor)
        self._gain_certs(district, [tr for _line, tr in rows])
        return len(rows)
