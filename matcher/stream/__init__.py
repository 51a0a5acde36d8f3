"""The streamed engine: exact proposals for pools too big to score at once.

The pipeline, one module a stage:

- :mod:`~matcher.stream.blocks`: cadres in map order cut into blocks, each read
  against the demands within reach (:class:`PairStream`), on parallel lanes;
- :mod:`~matcher.stream.packed`: the case packed into flat arrays for the
  compiled scan, and what one block's scan returns;
- :mod:`~matcher.stream.kernel`: the compiled scan of one block of cells;
- :mod:`~matcher.stream.bestk`: best-k lists kept per column, filled in place;
- :mod:`~matcher.stream.reserve`: each demand's deep list from the first scan;
- :mod:`~matcher.stream.pricing`: the pruned LP widened by pricing scans until certified;
- :mod:`~matcher.stream.certified`: the certified plan's exact alternates, from the near-tight band;
- :mod:`~matcher.stream.live`: the plan kept warm between edits, and :func:`solve_streamed`;
- :mod:`~matcher.stream.edges`: the pair sets they hand one another.
"""

from matcher.stream.blocks import PairStream, Scan
from matcher.stream.edges import Edges
from matcher.stream.live import LivePlan, Streamed, solve_streamed

__all__ = ["Edges", "LivePlan", "PairStream", "Scan", "Streamed", "solve_streamed"]
