"""The one place that turns errors into HTTP: RFC 9457 ``application/problem+json``.

Routes never pick status codes for failures; they raise a :class:`MatcherError`
(from the engine or the store) or an :class:`ApiError` (auth, limits), and the
handlers here answer with ``{type, title, status, detail, ...}``.

Hierarchy of the API's own errors::

    ApiError
    ├── Unauthorized       401: no or unknown bearer token
    ├── Forbidden          403: the token's role may not do this
    ├── PayloadTooLarge    413: body above the configured limit
    └── Unavailable        503: the job queue is full or the service is stopping

:func:`problem_body` gives the same problem object for errors that are reported
later rather than answered (a job that failed in the background).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from matcher import InputError, MatcherError, SolverError
from matcher.store import ConflictError, IdempotencyError, NotFoundError

__all__ = [
    "PROBLEM",
    "PROBLEM_RESPONSES",
    "ApiError",
    "Forbidden",
    "PayloadTooLarge",
    "ProblemModel",
    "Unauthorized",
    "Unavailable",
    "install",
    "problem_body",
    "problem_openapi",
    "problem_response",
]

PROBLEM = "application/problem+json"
log = logging.getLogger("matcher.api")
TYPE_BASE = "https://matcher.dev/problems/"


class ProblemModel(BaseModel):
    """An RFC 9457 problem detail (extension members vary by type)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None
    problems_total: int | None = Field(
        None, description="invalid input: how many problems in all (errors lists the first 100)"
    )
    changes: list[dict[str, Any]] | None = None


class ApiError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class Unauthorized(ApiError):
    status = 401
    slug = "unauthorized"
    title = "Missing or invalid bearer token"


class Forbidden(ApiError):
    status = 403
    slug = "forbidden"
    title = "Not allowed for this role"


class PayloadTooLarge(ApiError):
    status = 413
    slug = "payload-too-large"
    title = "Request body too large"


class Unavailable(ApiError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable, retry later"


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _pointer(loc: tuple[Any, ...] | list[Any]) -> str:
    """A JSON pointer (RFC 6901) such as ``/body/skills/0``."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def _input_error(exc: InputError) -> JSONResponse:
    errors = []
    for p in exc.problems:
        loc = ["body"]
        if p.file.endswith((".csv", ".toml")):
            loc.append("csv" if p.file.endswith(".csv") else p.file)
        else:
            loc += [x for x in p.file.split(".") if x and x != "body"]
            if p.column:
                loc += str(p.column).split(".")
        errors.append(
            {
                "pointer": _pointer(loc),
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "message": p.message,
                "hint": p.hint,
            }
        )
    return problem_response(
        422,
        "invalid-input",
        "Invalid input",
        exc.args[0] if exc.args else str(exc),
        errors=errors,
        problems_total=exc.total,
    )


def matcher_error_response(exc: MatcherError) -> JSONResponse:
    if isinstance(exc, NotFoundError):
        return problem_response(404, "not-found", "Not found", str(exc))
    if isinstance(exc, ConflictError):
        return problem_response(
            409, "conflict", "Conflict with the current state", str(exc), changes=exc.changes
        )
    if isinstance(exc, IdempotencyError):
        return problem_response(422, "idempotency-key-reused", "Idempotency-Key reused", str(exc))
    if isinstance(exc, InputError):
        return _input_error(exc)
    if isinstance(exc, SolverError):
        log.error("solver error: %s", exc)
        return problem_response(500, "solver", "Solver failure", str(exc))
    return problem_response(400, "matcher", "Request cannot be handled", str(exc))


def api_error_response(exc: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return problem_response(exc.status, exc.slug, exc.title, exc.detail, headers=headers)


def _internal() -> JSONResponse:
    return problem_response(500, "internal", "Internal error", "an unexpected error occurred")


def problem_body(exc: BaseException) -> dict[str, Any]:
    """The problem object a route raising ``exc`` would have answered with.

    For work that fails after its request was answered (background jobs), so a
    poller sees exactly what the synchronous route would have sent. Unexpected
    errors are logged here and reported without their traceback.
    """
    if isinstance(exc, MatcherError):
        response = matcher_error_response(exc)
    elif isinstance(exc, ApiError):
        response = api_error_response(exc)
    else:
        log.error("unexpected error", exc_info=exc)
        response = _internal()
    body: dict[str, Any] = json.loads(bytes(response.body))
    return body


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    async def on_matcher(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, MatcherError)
        return matcher_error_response(exc)

    async def on_api(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return api_error_response(exc)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"pointer": _pointer(e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        return problem_response(
            422,
            "validation",
            "Request validation failed",
            f"{len(errors)} field error(s); see errors[].pointer",
            errors=errors,
        )

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http")
        return problem_response(
            exc.status_code,
            slug,
            str(exc.detail) if exc.status_code != 404 else "Not found",
            str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )

    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _internal()

    app.add_exception_handler(MatcherError, on_matcher)
    app.add_exception_handler(ApiError, on_api)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ProblemModel, "description": text}
    for code, text in (
        (401, "missing or invalid bearer token"),
        (403, "role not allowed"),
        (404, "not found (or not in the caller's districts)"),
        (409, "conflict with the current state"),
        (413, "body too large"),
        (422, "invalid input, with field errors"),
        (500, "internal error"),
    )
}
"""Documented on every /v1 route; :func:`problem_openapi` moves them to problem+json."""


def problem_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Document error responses under ``application/problem+json`` (as they are sent)."""
    for ops in schema.get("paths", {}).values():
        for op in ops.values():
            for code, resp in op.get("responses", {}).items():
                content = resp.get("content")
                if str(code)[0] in "45" and content and "application/json" in content:
                    content[PROBLEM] = content.pop("application/json")
    return schema
