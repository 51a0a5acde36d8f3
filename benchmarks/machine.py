"""The machine and library versions a run was measured on."""

from __future__ import annotations

import importlib.metadata as md
import os
import platform
import sys
from typing import Any

__all__ = ["machine_info"]

PACKAGES = ("matcher", "numpy", "scipy", "ortools", "lap", "lapx", "matplotlib", "psutil")


def _blas() -> str:
    try:
        import numpy as np

        cfg = np.show_config(mode="dicts")
        deps = cfg.get("Build Dependencies", {}) if isinstance(cfg, dict) else {}
        blas = deps.get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # an odd numpy build: the BLAS is just unknown
        return "unknown"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git() -> str | None:
    """The checkout's commit; ``+dirty`` when matcher/ (bar the bench command) has local edits."""
    import subprocess
    from pathlib import Path

    import matcher

    root = Path(matcher.__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "matcher", ":!matcher/cli/bench.py"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def machine_info() -> dict[str, Any]:
    """Cores, memory, CPU model, OS, Python, BLAS and installed package versions."""
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem = float("nan")
    versions: dict[str, str | None] = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    if versions["matcher"] is None:
        import matcher

        versions["matcher"] = f"{matcher.__version__} (source tree)"
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "cpu": _cpu(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "blas": _blas(),
        "versions": versions,
        "matcher_commit": _git(),
    }
