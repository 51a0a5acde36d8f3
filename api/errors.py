"""The one place that turns errors into HTTP: RFC 9457 ``application/problem+json``.

Routes never pick status codes for failures; they raise a :class:`MatcherError`
(from the engine or the store) or an :class:`ApiError` (auth, limits), and the
handlers here answer with ``{type, title, status, detail, code, params, ...}``.

``detail`` is English for people and logs; ``code`` and ``params`` say the same as
data, for readers in other languages: the console fills the template of ``code``
from ``GET /v1/messages`` (``docs/api.md``, "Messages"). Each ``errors[]`` and
``changes[]`` item carries its own code the same way (``code``/``params`` on
errors, ``kind`` on changes: the code ``change.<kind>``).

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
from matcher.messages import field_message
from matcher.problemcodes import hint_message, problem_message
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
    detail: str = Field(description="English, for people and logs")
    code: str = Field(description="stable message code; its templates: GET /v1/messages")
    params: dict[str, Any] = Field(
        default_factory=dict, description="the code's parameters (ids, slugs, numbers)"
    )
    errors: list[dict[str, Any]] | None = Field(
        None, description="per field or row: pointer, message, code, params (422)"
    )
    problems_total: int | None = Field(
        None, description="invalid input: how many problems in all (errors lists the first 100)"
    )
    changes: list[dict[str, Any]] | None = Field(
        None, description="what changed (409): ids and a kind; its code is change.<kind>"
    )


class ApiError(Exception):
    """An error of the HTTP layer; ``code``/``params`` as on :class:`MatcherError`."""

    status = 400
    slug = "bad-request"
    title = "Bad request"
    default_code = "error"

    def __init__(
        self, detail: str, *, code: str | None = None, params: dict[str, Any] | None = None
    ) -> None:
        self.detail = detail
        self.code = code or type(self).default_code
        self.params = dict(params or {})
        super().__init__(detail)


class Unauthorized(ApiError):
    status = 401
    slug = "unauthorized"
    title = "Missing or invalid bearer token"
    default_code = "auth.unauthorized"


class Forbidden(ApiError):
    status = 403
    slug = "forbidden"
    title = "Not allowed for this role"
    default_code = "auth.forbidden"


class PayloadTooLarge(ApiError):
    status = 413
    slug = "payload-too-large"
    title = "Request body too large"
    default_code = "limit.payload_too_large"


class Unavailable(ApiError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable, retry later"
    default_code = "unavailable"


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    code: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "params": params or {},
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
        elif p.file.startswith("[") or p.file.endswith(".xlsx"):
            pass  # a sheet of an uploaded workbook (matcher.io.sheet_label): the body itself
        else:
            loc += [x for x in p.file.split(".") if x and x != "body"]
            if p.column:
                loc += str(p.column).split(".")
        msg, hint = problem_message(p), hint_message(p)
        errors.append(
            {
                "pointer": _pointer(loc),
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "message": p.message,
                "hint": p.hint,
                "code": msg.code,
                "params": msg.params,
                "hint_code": hint.code if hint else None,
                "hint_params": hint.params if hint else None,
            }
        )
    detail = exc.args[0] if exc.args else str(exc)
    return problem_response(
        422,
        "invalid-input",
        "Invalid input",
        detail,
        exc.code,
        exc.params,
        errors=errors,
        problems_total=exc.total,
    )


def matcher_error_response(exc: MatcherError) -> JSONResponse:
    code, params = exc.code, exc.params
    if isinstance(exc, NotFoundError):
        return problem_response(404, "not-found", "Not found", str(exc), code, params)
    if isinstance(exc, ConflictError):
        return problem_response(
            409,
            "conflict",
            "Conflict with the current state",
            str(exc),
            code,
            params,
            changes=exc.changes,
        )
    if isinstance(exc, IdempotencyError):
        return problem_response(
            422, "idempotency-key-reused", "Idempotency-Key reused", str(exc), code, params
        )
    if isinstance(exc, InputError):
        return _input_error(exc)
    if isinstance(exc, SolverError):
        log.error("solver error: %s", exc)
        return problem_response(500, "solver", "Solver failure", str(exc), code, params)
    return problem_response(400, "matcher", "Request cannot be handled", str(exc), code, params)


def api_error_response(exc: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return problem_response(
        exc.status, exc.slug, exc.title, exc.detail, exc.code, exc.params, headers=headers
    )


def _internal() -> JSONResponse:
    return problem_response(
        500, "internal", "Internal error", "an unexpected error occurred", "internal"
    )


def _field_error(e: Any) -> dict[str, Any]:
    """One request-validation error with its code (``field.<pydantic type>``) and params."""
    message = field_message(e["type"], e.get("ctx"))
    return {
        "pointer": _pointer(e["loc"]),
        "message": e["msg"],
        "type": e["type"],
        "code": message.code,
        "params": message.params,
    }


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
        errors = [_field_error(e) for e in exc.errors()]
        return problem_response(
            422,
            "validation",
            "Request validation failed",
            f"{len(errors)} field error(s); see errors[].pointer",
            "input.validation",
            {"count": len(errors)},
            errors=errors,
        )

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http")
        code = {404: "http.not_found", 405: "http.method_not_allowed"}.get(
            exc.status_code, "http.error"
        )
        return problem_response(
            exc.status_code,
            slug,
            str(exc.detail) if exc.status_code != 404 else "Not found",
            str(exc.detail),
            code,
            {"status": exc.status_code},
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
