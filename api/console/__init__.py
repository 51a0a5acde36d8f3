"""The dispatcher console: a static page (HTML, a few plain ES modules, CSS) served at ``/``.

Everything the page shows comes from the public ``/v1`` API, called from the
browser with the token the user pastes; this package serves files only.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC", "install"]

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Serve the console: ``GET /`` is the page, ``/console/*`` its assets (not in the schema)."""

    @app.get("/", include_in_schema=False)
    def console_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/console", StaticFiles(directory=STATIC), name="console")
