"""The three import routes' one body: validate without the write lock, then write; a CSV
text in JSON, or the workbook itself.

``matcher.store.imports`` does the work; this adds HTTP's part: an
Idempotency-Key already answered is replayed before any validation, and the
write and its stored answer commit together (:func:`api.deps.run_write`).

An office keeps its rosters in Excel, so an import route also takes the ``.xlsx``
file as the body (Content-Type :data:`~matcher.io.XLSX_TYPE`). :class:`XlsxImport`
turns it into the JSON body ``{"csv": …}`` before the route runs
(:func:`matcher.io.sheet_csv`: the sheet named like the route's file, or the
workbook's only sheet, one CSV line per sheet row): every check, answer,
idempotency replay and audit entry is then the CSV import's, and a problem names
the sheet (``[upload.xlsx]cadres``) instead of ``cadres.csv``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope

from api.crud import Writes
from api.deps import access, get_store, principal_of, replay
from api.schemas import CsvImport, ImportResult
from matcher import CaseError
from matcher.io import XLSX_TYPE, sheet_csv
from matcher.store import apply_import, plan_import

__all__ = ["XLSX_UPLOAD", "XlsxImport", "import_route", "run_import"]

F = TypeVar("F", bound=Callable[..., Any])

#: the import routes' second request body in the OpenAPI document: the workbook's bytes
XLSX_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "content": {
            XLSX_TYPE: {
                "schema": {
                    "type": "string",
                    "format": "binary",
                    "description": "an .xlsx workbook: the sheet named like the file"
                    " (e.g. cadres), or its only sheet, with the CSV file's columns",
                }
            }
        }
    }
}
#: the name problems give an uploaded workbook (an upload has no file name of its own)
UPLOAD_NAME = "upload.xlsx"


def run_import(w: Writes, body: CsvImport, file: str) -> JSONResponse:
    """Import ``body.csv`` as the district's ``file``: 200 with counts, 422 with the
    first problems and their total, 409 when a capacity or headcount would go below
    active dispatches; nothing is written unless the whole file is good."""
    found = replay(w.store, w.a.principal, w.key, w.request, body)
    if found is not None:
        return found
    plan = plan_import(w.store, w.district, file, body.csv)
    return w.run(body, ImportResult, lambda tx: apply_import(tx, plan))


class _AsJson(Request):
    """The request with the workbook's sheet in place of its body, as JSON."""

    def __init__(self, scope: Scope, receive: Receive, body: bytes) -> None:
        super().__init__(scope, receive)
        self._converted = body

    async def body(self) -> bytes:
        return self._converted


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


class XlsxImport(APIRoute):
    """An import route that also takes an ``.xlsx`` body (see the module's docstring).

    A request without credentials is passed on as it is, so it is refused (401)
    before any workbook is opened; the conversion runs in a worker thread. The caller
    looked up here is the route's (:func:`api.deps.get_principal`): one token lookup.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        file = self.path.rstrip("/").split("/")[-2] + ".csv"

        async def route(request: Request) -> Response:
            if _media_type(request) != XLSX_TYPE or "authorization" not in request.headers:
                return await handler(request)
            # who asks, before any workbook is opened: a stranger's upload costs nothing
            store = get_store(request)
            who = await run_in_threadpool(principal_of, store, request.headers.get("authorization"))
            access("write")(request.path_params.get("district", ""), who)
            request.state.principal = who  # the route's dependency looks no more
            raw = await request.body()
            text = await run_in_threadpool(sheet_csv, raw, file, UPLOAD_NAME)
            headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
            scope = {**request.scope, "headers": [*headers, (b"content-type", b"application/json")]}
            body = json.dumps({"csv": text}, ensure_ascii=False).encode()
            try:
                return await handler(_AsJson(scope, request.receive, body))
            except CaseError as exc:
                raise _in_sheet(exc, file) from None

        return route


def _in_sheet(exc: CaseError, file: str) -> CaseError:
    """``exc`` with its problems in ``file`` named after the upload's sheet."""
    label = f"[{UPLOAD_NAME}]{file.removesuffix('.csv')}"
    problems = [replace(p, file=label) if p.file == file else p for p in exc.problems]
    return CaseError(
        str(exc.args[0]).replace(file, label, 1),
        problems,
        exc.total,
        code=exc.code,
        params=exc.params,
    )


def import_route(router: APIRouter) -> Callable[[F], F]:
    """Register the decorated function as ``router``'s ``POST /import`` (CSV in JSON, or
    the workbook: :class:`XlsxImport`)."""

    def add(endpoint: F) -> F:
        router.add_api_route(
            "/import",
            endpoint,
            methods=["POST"],
            response_model=ImportResult,
            openapi_extra=XLSX_UPLOAD,
            route_class_override=XlsxImport,
        )
        return endpoint

    return add
