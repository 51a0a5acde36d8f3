"""The FastAPI app: ``create_app(settings)``, or ``app_from_env()`` as a uvicorn factory.

``matcher serve`` runs ``uvicorn api.main:app_from_env --factory`` with the
settings passed as ``MATCHER_*`` environment variables, so nothing in
``matcher/`` imports this package.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import console, errors
from api.deps import SolveGate
from api.jobs import JobManager
from api.routes import (
    audit,
    cadres,
    catalogue,
    communities,
    demands,
    dispatches,
    districts,
    health,
    jobs,
    ledger,
    messages,
    outcomes,
    points,
    proposals,
    record,
    scenarios,
    summary,
    taxonomy,
    tokens,
    warnings,
)
from api.settings import Settings
from api.warm import WarmPlans
from matcher import SAMPLE_DISTRICT, __version__, load_kernels
from matcher.store import Store, import_folder

__all__ = ["app_from_env", "create_app", "load_sample"]

#: the seed of the sample district's generated history (the same past on every start)

log = logging.getLogger("matcher.api")


class BodyLimit:
    """Answer 413 for bodies above ``limit`` bytes (declared or streamed), before any route."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        chunks: list[Message] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                chunks.append(message)
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            chunks.append(message)
            more = message.get("more_body", False)

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors.api_error_response(
            errors.PayloadTooLarge(f"the body exceeds the limit of {self.limit} bytes")
        )
        await response(scope, receive, send)


def load_sample(store: Store, district: str, *, history: bool = False) -> bool:
    """Load the sample district into an empty store; True when loaded.

    With ``history``, also its generated past (:func:`matcher.store.import_folder`):
    dispatches with outcomes, points earned, trainings.
    """
    done = import_folder(
        store,
        district,
        SAMPLE_DISTRICT,
        name="鼓楼区（示例）",
        history=history,
        only_into_empty=True,
    )
    return done is not None


def _load_kernels() -> None:
    """Load the compiled kernels; a failure is logged (the first big proposal
    will then load or compile them itself)."""
    try:
        seconds = load_kernels()
    except Exception:
        log.exception("loading the compiled kernels failed; proposals will load them on use")
    else:
        log.info("compiled kernels loaded in %.1f s", seconds)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The app over ``store`` (default: opened and migrated from ``settings.db``)."""
    settings = settings or Settings()
    own = store is None
    the_store = store if store is not None else Store.open(settings.db)
    if settings.load_sample and load_sample(
        the_store, settings.sample_district, history=settings.sample_history
    ):
        log.info("loaded the sample district as %s", settings.sample_district)
    gate = SolveGate(settings.solve_concurrency)
    warm = WarmPlans(settings.warm_plans, keep=settings.warm_plans_keep, store=the_store)
    # jobs live in the database: any worker serves them (docs/api.md, "Jobs")
    manager = JobManager(
        the_store,
        gate.sem,
        {
            "proposal": proposals.job_work(the_store, lambda: app.state.warm),
            "scenario": scenarios.job_work(the_store),
        },
        limit=settings.job_queue,
        keep=settings.job_keep,
        ttl=settings.job_ttl,
        lease=settings.job_lease,
        poll=settings.job_poll,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.load_kernels:  # serving starts at once; the kernels follow
            threading.Thread(target=_load_kernels, name="matcher-kernels", daemon=True).start()
        manager.start()  # run jobs queued through any worker
        yield
        # stop this worker's job (back to the queue) before closing the store
        await asyncio.to_thread(manager.shutdown)
        if own:
            the_store.close()

    app = FastAPI(
        title="matcher dispatcher service",
        version=__version__,
        description="Talent–demand matching for community reserve cadres: a persistent pool, "
        "proposals, accept/reject, dispatches. Errors are RFC 9457 problem+json.",
        lifespan=lifespan,
    )
    app.state.store = the_store
    app.state.settings = settings
    app.state.solve_gate = gate
    app.state.jobs = manager
    app.state.warm = warm
    errors.install(app)
    for module in (
        health,
        taxonomy,
        catalogue,
        districts,
        communities,
        cadres,
        demands,
        proposals,
        jobs,
        dispatches,
        outcomes,
        points,
        record,
        ledger,
        summary,
        warnings,
        tokens,
        audit,
        scenarios,
        messages,
    ):
        app.include_router(module.router)
    console.install(app)  # the dispatcher console at / (static; calls /v1 only)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer"}
            }
            schema["security"] = [{"bearer": []}]
            app.openapi_schema = errors.problem_openapi(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """Uvicorn factory: settings from ``MATCHER_*`` environment variables."""
    return create_app(Settings())
