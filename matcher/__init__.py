"""matcher: exact, explained talent–demand matching for reserve-cadre pools.

The public API is small:

- :func:`load_case` reads and validates a case folder (raises :class:`CaseError`).
- :func:`score_matrix` scores every (cadre, demand) pair under the case policy.
- :func:`propose` solves exactly and explains the result as a :class:`Proposal`;
  big pools are streamed in blocks, never held as dense matrices.
- :class:`Replanner` keeps a solved pool warm and re-proposes after one change.
- :class:`WarmProposals` answers each :func:`propose` call on a big pool from the
  last one (accepted, declined, new and closed work orders), warm when it can.

Example:
    >>> import matcher
    >>> case = matcher.load_case("data/sample-district")
    >>> proposal = matcher.propose(case)
    >>> abs(proposal.objective - sum(a.score for a in proposal.assignments)) < 1e-6
    True
"""

from matcher.catalogue import (
    Catalogue,
    ServiceCategory,
    ServiceItem,
    catalogue_from_text,
    default_catalogue,
    demand_from_item,
    fitting_catalogue,
    item_cells,
)
from matcher.constraints import Engine, streams
from matcher.errors import (
    Cancelled,
    CaseError,
    CatalogueError,
    InputError,
    MatcherError,
    OutputError,
    Param,
    PolicyError,
    Problem,
    SolverError,
    TaxonomyError,
)
from matcher.io import load_case, write_case
from matcher.lending import LendingUse, unknown_limits
from matcher.model import (
    DISTRICT_ID_MAX_LENGTH,
    ID_MAX_LENGTH,
    ID_PATTERN,
    Cadre,
    Case,
    Community,
    Demand,
    Status,
)
from matcher.params import EngineParams
from matcher.paths import SAMPLE_DISTRICT
from matcher.policy import Policy, Weights, load_policy, parse_policy
from matcher.progress import Progress
from matcher.proposal import (
    Alternative,
    DistrictPosition,
    Kpis,
    Proposal,
    ProposedAssignment,
    Unfilled,
)
from matcher.propose import propose
from matcher.replay import (
    MANUAL_RULE,
    DayInputs,
    Fill,
    Replay,
    ReplayDay,
    manual_rule,
    replay_days,
)
from matcher.scoring import (
    RECORD_TERMS,
    TERMS,
    ScoreMatrix,
    Scorer,
    active_terms,
    score_matrix,
)
from matcher.shortfall import ShortCell, Shortfall, TrainingPick, shortfall
from matcher.solver import Assignment, solve
from matcher.summary import SupplyCell, SupplySummary, summary_groups, supply_demand
from matcher.tags import Taxonomy, default_taxonomy, load_taxonomy, parse_taxonomy
from matcher.timed import calendar, horizon
from matcher.warm import Replanner, WarmProposals, load_kernels

__version__ = "0.1.0"

__all__ = [
    "DISTRICT_ID_MAX_LENGTH",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "MANUAL_RULE",
    "RECORD_TERMS",
    "SAMPLE_DISTRICT",
    "TERMS",
    "Alternative",
    "Assignment",
    "Cadre",
    "Cancelled",
    "Case",
    "CaseError",
    "Catalogue",
    "CatalogueError",
    "Community",
    "DayInputs",
    "Demand",
    "DistrictPosition",
    "Engine",
    "EngineParams",
    "Fill",
    "InputError",
    "Kpis",
    "LendingUse",
    "MatcherError",
    "OutputError",
    "Param",
    "Policy",
    "PolicyError",
    "Problem",
    "Progress",
    "Proposal",
    "ProposedAssignment",
    "Replanner",
    "Replay",
    "ReplayDay",
    "ScoreMatrix",
    "Scorer",
    "ServiceCategory",
    "ServiceItem",
    "ShortCell",
    "Shortfall",
    "SolverError",
    "Status",
    "SupplyCell",
    "SupplySummary",
    "Taxonomy",
    "TaxonomyError",
    "TrainingPick",
    "Unfilled",
    "WarmProposals",
    "Weights",
    "active_terms",
    "calendar",
    "catalogue_from_text",
    "default_catalogue",
    "default_taxonomy",
    "demand_from_item",
    "fitting_catalogue",
    "horizon",
    "item_cells",
    "load_case",
    "load_kernels",
    "load_policy",
    "load_taxonomy",
    "manual_rule",
    "parse_policy",
    "parse_taxonomy",
    "propose",
    "replay_days",
    "score_matrix",
    "shortfall",
    "solve",
    "streams",
    "summary_groups",
    "supply_demand",
    "unknown_limits",
    "write_case",
]
