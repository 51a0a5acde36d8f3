"""Where bundled data lives.

In a checkout (and an editable install) that is the repository's ``data/``
folder; an installed wheel carries the same files as ``matcher/_data``.
``$MATCHER_DATA`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR", "SAMPLE_DISTRICT"]


def _data_dir() -> Path:
    if "MATCHER_DATA" in os.environ:
        return Path(os.environ["MATCHER_DATA"])
    here = Path(__file__).resolve().parent
    repo = here.parent / "data"
    return repo if (repo / "taxonomy").is_dir() else here / "_data"


DATA_DIR = _data_dir()
SAMPLE_DISTRICT = DATA_DIR / "sample-district"
