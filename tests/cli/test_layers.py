"""The command line is a face: it neither edits ``sys.path`` nor loads the service.

Why: ``python -m matcher`` must start from an installed package, and a CLI that
pulls in the API or the benchmark harness drags their dependencies (and start-up
time) into every command. Which names the CLI may import, and that nothing but
``python -m matcher`` imports it, is checked with the other layer rules in
``tests/test_layers.py``.
"""

from __future__ import annotations

import subprocess
import sys

from tests.paths import ROOT

CLI = ROOT / "matcher" / "cli"


def test_the_cli_neither_edits_sys_path_nor_loads_the_service_or_harness() -> None:
    for path in CLI.glob("*.py"):
        assert "sys.path" not in path.read_text(encoding="utf-8"), path
    code = (
        "import sys, matcher.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'api', 'benchmarks'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
