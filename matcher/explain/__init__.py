"""Why slots stay empty: reasons as codes with parameters, counted two ways.

- :mod:`~matcher.explain.reasons`: the reasons and their order, and the dense
  counting from a :class:`~matcher.scoring.ScoreMatrix` (small pools);
- :mod:`~matcher.explain.counts`: the same counts compiled, over bit sets of the
  cadres (big pools), from the verdicts :mod:`~matcher.explain.verdicts` makes
  once per demand key;
- :mod:`~matcher.explain.streamed`: that pass over a streamed plan, a block of
  demands at a time.

Counterfactuals (what would fill a slot, at what price) are
:func:`matcher.whatif.unfilled_counterfactuals`.
"""

from matcher.explain.reasons import RULE_CODES, Counts, explain_unfilled, unfilled_from_counts
from matcher.explain.streamed import explain_streamed

__all__ = ["RULE_CODES", "Counts", "explain_streamed", "explain_unfilled", "unfilled_from_counts"]
