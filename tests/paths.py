"""Where tests find the repository, the bundled sample district and the hand-made tiny case."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample-district"
TINY_CASE = ROOT / "tests" / "whatif" / "cases" / "tiny"
