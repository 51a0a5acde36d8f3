"""Analysts' benchmark harness: match quality and speed against baselines and peers.

Uses only matcher's public API (``matcher.load_case``, ``matcher.score_matrix``,
``matcher.solve``, ``matcher.propose``) and ``matcher.generate.generate_case``.

Modules (one concern each):

- :mod:`benchmarks.problem` — the usable pairs every method sees.
- :mod:`benchmarks.baselines` — manual rule, greedy, random, stable matching.
- :mod:`benchmarks.peers` — the solver core and peer solvers on the same pairs.
- :mod:`benchmarks.metrics` — objective, gap, fill, fit, travel, fairness.
- :mod:`benchmarks.measure` — wall time and RSS of a phase.
- :mod:`benchmarks.instances` — named sizes and suites.
- :mod:`benchmarks.orlib` — OR-Library assignment instances.
- :mod:`benchmarks.runner` — runs a suite (optionally one process per step).
- :mod:`benchmarks.fairness` — the ``fairness`` suite: a rolling horizon, fairness off and on.
- :mod:`benchmarks.report` — JSON, Markdown and PNG reports.

Run it with ``matcher bench --suite quick``, ``--suite fairness`` or ``matcher bench orlib DIR``;
``docs/benchmarks.md`` describes the measurements.
"""

__all__: list[str] = []
