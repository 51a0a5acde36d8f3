"""The bodies CRUD routes share: read one row, read a page of rows, write with a key.

Why: a list answers ``{data, count}`` with analysts' masking, a read answers one
row, a write honours an Idempotency-Key (:func:`api.deps.run_write`); written
out per route, each was the same few lines again. A route declares ``Reading``
or ``Writing`` and says only what differs: which store call, which model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import Access, IdemKeyDep, StoreDep, respond, run_write
from api.params import Reader, Reviewer, Writer
from matcher.store import Store, StoreRow, Tx

__all__ = ["Reading", "Reads", "Reviewing", "Writes", "Writing", "page"]

R = TypeVar("R", bound=StoreRow)


def page(model: type[BaseModel], rows: Sequence[Any], count: int | None = None) -> JSONResponse:
    """A list's answer: ``{"data": rows, "count": count}`` (count: every row, when not given)."""
    return respond(model, {"data": list(rows), "count": len(rows) if count is None else count})


@dataclass(frozen=True)
class Reads:
    """A read in the caller's district: one transaction, then the answer."""

    a: Access
    store: Store

    @property
    def district(self) -> str:
        return self.a.district

    def one(
        self,
        model: type[BaseModel],
        read: Callable[[Tx], Any],
        mask: Callable[[Any, bool], Any] | None = None,
    ) -> JSONResponse:
        """The row ``read`` returns, as ``model``, masked for analysts by ``mask``."""
        with self.store.read() as tx:
            row = read(tx)
        return respond(model, mask(row, self.a.masked) if mask else row)

    def page(
        self,
        model: type[BaseModel],
        read: Callable[[Tx], tuple[Sequence[R], int]],
        mask: Callable[[R, bool], R] | None = None,
    ) -> JSONResponse:
        """A page of rows and how many there are in all, masked for analysts by ``mask``."""
        with self.store.read() as tx:
            rows, total = read(tx)
        return page(model, [mask(r, self.a.masked) for r in rows] if mask else rows, total)


@dataclass(frozen=True)
class Writes(Reads):
    """A write in the caller's district that honours an Idempotency-Key."""

    request: Request
    key: str | None

    def run(
        self,
        body: BaseModel | None,
        model: type[BaseModel],
        work: Callable[[Tx], Any],
        status: int = 200,
    ) -> JSONResponse:
        """``work`` in one write transaction, answered as ``model`` (see :func:`run_write`)."""
        p = self.a.principal
        return run_write(self.store, p, self.key, self.request, body, model, work, status)


def _reads(a: Reader, store: StoreDep) -> Reads:
    return Reads(a, store)


def _reviews(a: Reviewer, store: StoreDep) -> Reads:
    return Reads(a, store)


def _writes(a: Writer, store: StoreDep, request: Request, key: IdemKeyDep = None) -> Writes:
    return Writes(a, store, request, key)


Reading = Annotated[Reads, Depends(_reads)]
Writing = Annotated[Writes, Depends(_writes)]
#: a read supervisors may make too: proposals, declines, dispatches, the district, the ledger
Reviewing = Annotated[Reads, Depends(_reviews)]
