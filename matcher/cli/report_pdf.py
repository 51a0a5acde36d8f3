"""The governance report printed to PDF by headless Chromium, when one is installed.

Why Chromium and not a PDF library: the report is HTML with inline charts and CJK
text; the browser that shows it is the one renderer that prints it the same, fonts
included. Nothing is fetched (the page has no link), and nothing is bundled: with
no Chromium on the PATH the command says so (``cli.no_pdf_converter``) before it
writes anything. The PDF is printed to a temporary name beside the target and
renamed, so a failed print leaves no half-written file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["CONVERTERS", "PdfError", "find_converter", "print_pdf"]

#: the names a headless Chromium is looked for by on the PATH, in order
CONVERTERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: how long one print may take (seconds)
TIMEOUT = 180


class PdfError(Exception):
    """The converter ran and made no PDF; ``reason`` says what it reported."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_converter() -> str | None:
    """The first headless Chromium on the PATH, or None."""
    for name in CONVERTERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(converter: str, page: str, out: Path) -> None:
    """Print ``page`` (a whole HTML document) to ``out`` with ``converter``.

    Raises:
        PdfError: the converter failed, timed out or wrote no PDF.
    """
    with tempfile.TemporaryDirectory(prefix="matcher-report-") as tmp:
        html = Path(tmp) / "report.html"
        html.write_text(page, encoding="utf-8")
        part = out.with_name(f".{out.name}.part")
        args = [
            converter,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={part}",
            html.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(2, "--no-sandbox")  # Chromium refuses to sandbox as root
        try:
            done = subprocess.run(args, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            part.unlink(missing_ok=True)
            raise PdfError(f"no answer in {TIMEOUT} s") from None
        except OSError as e:
            raise PdfError(e.strerror or str(e)) from None
        ok = part.is_file() and part.read_bytes()[:5] == b"%PDF-"
        if not ok:
            part.unlink(missing_ok=True)
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise PdfError(tail[0][:200] if tail else f"exit status {done.returncode}")
        part.replace(out)
