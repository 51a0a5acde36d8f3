"""Where bundled data lives (the repository's ``data/`` folder, or ``$MATCHER_DATA``)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR", "SAMPLE_DISTRICT"]

DATA_DIR = Path(os.environ.get("MATCHER_DATA", Path(__file__).resolve().parent.parent / "data"))
SAMPLE_DISTRICT = DATA_DIR / "sample-district"
