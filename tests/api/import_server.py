"""``matcher serve`` with the import trace installed (tests/api/importtrace.py).

Run as ``python tests/api/import_server.py TRACE_FILE serve --db ... --port ...``:
the real CLI and server, with validation and write transactions traced to a file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.api.importtrace import Trace

if __name__ == "__main__":
    Trace(Path(sys.argv[1]), pause_for=3, timeout=60).install()
    from matcher.cli import main

    sys.argv = ["matcher", *sys.argv[2:]]
    main()
