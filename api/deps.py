"""Typed dependencies: the store, the caller (bearer token), district scope, idempotency.

Scope rule: a token that does not cover a district sees it as nonexistent (404,
never 403, so existence is not leaked); within its districts, a role lacking
the action gets 403.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Header, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.errors import Forbidden, Unauthorized
from api.jobs import JobManager
from api.schemas import ID_PATTERN, MASK
from matcher.store import Actor, NotFoundError, Store, Tx

__all__ = [
    "Access",
    "Action",
    "AdminDep",
    "IdemKeyDep",
    "JobsDep",
    "PrincipalDep",
    "StoreDep",
    "access",
    "mask_cadre",
    "respond",
    "run_write",
]

Action = Literal["read", "propose", "write", "admin"]
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "propose", "write", "admin"}),
    "dispatcher": frozenset({"read", "propose", "write"}),
    "planner": frozenset({"read", "propose"}),
    "analyst": frozenset({"read"}),
}


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def get_jobs(request: Request) -> JobManager:
    jobs: JobManager = request.app.state.jobs
    return jobs


JobsDep = Annotated[JobManager, Depends(get_jobs)]


@dataclass(frozen=True)
class Principal:
    token_id: int
    role: str
    districts: tuple[str, ...]
    label: str | None = None

    @property
    def actor(self) -> Actor:
        """Who acts, as the store records it on proposals, declines and dispatches."""
        return Actor(self.token_id, self.label)

    def sees(self, district: str) -> bool:
        return self.role == "admin" or district in self.districts

    def may(self, action: str) -> bool:
        return action in ROLE_ACTIONS.get(self.role, frozenset())

    @property
    def masked(self) -> bool:
        return self.role == "analyst"


def get_principal(
    store: StoreDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    if not authorization:
        raise Unauthorized(
            "send 'Authorization: Bearer <token>' (create one: matcher token create)"
        )
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    with store.read() as tx:
        row = tx.token_by_secret(token.strip())
    if row is None:
        raise Unauthorized("unknown or revoked token")
    return Principal(int(row["id"]), str(row["role"]), tuple(row["districts"]), row["label"])


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_admin(p: PrincipalDep) -> Principal:
    if not p.may("admin"):
        raise Forbidden(f"role {p.role!r} cannot manage tokens or districts")
    return p


AdminDep = Annotated[Principal, Depends(require_admin)]

DistrictPath = Annotated[
    str, Path(min_length=1, max_length=64, pattern=ID_PATTERN, description="district id")
]


@dataclass(frozen=True)
class Access:
    """The caller, cleared for one district and one action."""

    principal: Principal
    district: str

    @property
    def masked(self) -> bool:
        return self.principal.masked


def access(action: Action) -> Callable[..., Access]:
    """Dependency factory: the caller may do ``action`` in the path's district."""

    def dep(district: DistrictPath, p: PrincipalDep) -> Access:
        if not p.sees(district):
            raise NotFoundError("district", district)
        if not p.may(action):
            raise Forbidden(f"role {p.role!r} cannot {action} in this district")
        return Access(p, district)

    return dep


IdemKeyDep = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="retrying with the same key returns the first result, never repeats the write",
    ),
]


def respond(model: type[BaseModel], data: Any, status: int = 200) -> JSONResponse:
    """Validate ``data`` against the documented model and send it as JSON."""
    return JSONResponse(model.model_validate(data).model_dump(mode="json"), status_code=status)


def fingerprint(request: Request, body: BaseModel | None) -> str:
    text = request.method + " " + request.url.path + "\n"
    if body is not None:
        text += body.model_dump_json()
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def run_write(
    store: Store,
    principal: Principal,
    key: str | None,
    request: Request,
    body: BaseModel | None,
    model: type[BaseModel],
    work: Callable[[Tx], Any],
    status: int = 200,
    redact: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> JSONResponse:
    """Run ``work`` in one write transaction, honouring an Idempotency-Key.

    The stored response and the write commit together, so a retry after a
    crash or a lost response either finds both or neither. ``redact`` shapes the
    stored copy (a new token's secret is never stored, not even for replay).
    """
    fp = fingerprint(request, body)
    with store.write() as tx:
        if key is not None:
            found = tx.idempotent_get(principal.token_id, key, fp)
            if found is not None:
                return JSONResponse(
                    found[1], status_code=found[0], headers={"Idempotent-Replay": "true"}
                )
        data = model.model_validate(work(tx)).model_dump(mode="json")
        if key is not None:
            stored = redact(data) if redact is not None else data
            tx.idempotent_put(principal.token_id, key, fp, status, stored)
    return JSONResponse(data, status_code=status)


def replay(
    store: Store, principal: Principal, key: str | None, request: Request, body: BaseModel | None
) -> JSONResponse | None:
    """A stored response for this key, if any (checked before costly work)."""
    if key is None:
        return None
    with store.read() as tx:
        found = tx.idempotent_get(principal.token_id, key, fingerprint(request, body))
    if found is None:
        return None
    return JSONResponse(found[1], status_code=found[0], headers={"Idempotent-Replay": "true"})


def mask_cadre(data: dict[str, Any], masked: bool) -> dict[str, Any]:
    return {**data, "name": MASK} if masked else data


def mask_note(data: dict[str, Any], masked: bool, field: str = "note") -> dict[str, Any]:
    return {**data, field: MASK if data.get(field) is not None else None} if masked else data


class SolveGate:
    """Bounds how many proposals are computed at once (each runs in a worker thread)."""

    def __init__(self, n: int) -> None:
        self.sem = threading.BoundedSemaphore(n)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
