"""Proposals kept warm between calls.

- :mod:`~matcher.warm.proposals`: :class:`WarmProposals`, each proposal on a big
  pool answered from the last one when only a little changed;
- :mod:`~matcher.warm.replanner`: :class:`Replanner`, one solved pool edited a
  change at a time (a thin use of the same live plan);
- :mod:`~matcher.warm.preload`: :func:`load_kernels`, the compiled kernels loaded
  before the first big proposal needs them;
- :mod:`~matcher.warm.build`: ``build_kernels``, the kernels compiled ahead of time
  (``python -m matcher.warm.build``; not imported here, so that it runs as a script).
"""

from matcher.warm.preload import load_kernels
from matcher.warm.proposals import WarmProposals
from matcher.warm.replanner import Replanner

__all__ = ["Replanner", "WarmProposals", "load_kernels"]
