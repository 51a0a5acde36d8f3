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

import sys as _sys
import types as _types
import typing as _typing

from matcher.lazy import attributes as _attributes

if _typing.TYPE_CHECKING:
    from matcher.atomic import write_atomic
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
    from matcher.constraints import Engine, check_pins, streams
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
        MAX_DEMAND_HOURS,
        MAX_PLACES,
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
        take_in_order,
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
    from matcher.timed import MAX_HORIZON_DAYS, calendar, check_horizon, horizon
    from matcher.warm import Replanner, WarmProposals, load_kernels
    from matcher.warm.build import build_kernels

#: where each public name lives: the names load on first use (PEP 562), so ``import
#: matcher`` and a command that needs a few of them never load the rest (the store,
#: the streamed engine's compiled kernels, scipy) — a one-shot CLI process stays short.
#: Type checkers read the imports above; ``tests/test_public_api.py`` checks both agree.
_HOME: dict[str, tuple[str, ...]] = {
    "matcher.atomic": ("write_atomic",),
    "matcher.catalogue": (
        "Catalogue",
        "ServiceCategory",
        "ServiceItem",
        "catalogue_from_text",
        "default_catalogue",
        "demand_from_item",
        "fitting_catalogue",
        "item_cells",
    ),
    "matcher.constraints": ("Engine", "check_pins", "streams"),
    "matcher.errors": (
        "Cancelled",
        "CaseError",
        "CatalogueError",
        "InputError",
        "MatcherError",
        "OutputError",
        "Param",
        "PolicyError",
        "Problem",
        "SolverError",
        "TaxonomyError",
    ),
    "matcher.io": ("load_case", "write_case"),
    "matcher.lending": ("LendingUse", "unknown_limits"),
    "matcher.model": (
        "DISTRICT_ID_MAX_LENGTH",
        "ID_MAX_LENGTH",
        "ID_PATTERN",
        "MAX_DEMAND_HOURS",
        "MAX_PLACES",
        "Cadre",
        "Case",
        "Community",
        "Demand",
        "Status",
    ),
    "matcher.params": ("EngineParams",),
    "matcher.paths": ("SAMPLE_DISTRICT",),
    "matcher.policy": ("Policy", "Weights", "load_policy", "parse_policy"),
    "matcher.progress": ("Progress",),
    "matcher.proposal": (
        "Alternative",
        "DistrictPosition",
        "Kpis",
        "Proposal",
        "ProposedAssignment",
        "Unfilled",
    ),
    "matcher.propose": ("propose",),
    "matcher.replay": (
        "MANUAL_RULE",
        "DayInputs",
        "Fill",
        "Replay",
        "ReplayDay",
        "manual_rule",
        "replay_days",
        "take_in_order",
    ),
    "matcher.scoring": (
        "RECORD_TERMS",
        "TERMS",
        "ScoreMatrix",
        "Scorer",
        "active_terms",
        "score_matrix",
    ),
    "matcher.shortfall": ("ShortCell", "Shortfall", "TrainingPick", "shortfall"),
    "matcher.solver": ("Assignment", "solve"),
    "matcher.summary": ("SupplyCell", "SupplySummary", "summary_groups", "supply_demand"),
    "matcher.tags": ("Taxonomy", "default_taxonomy", "load_taxonomy", "parse_taxonomy"),
    "matcher.timed": ("MAX_HORIZON_DAYS", "calendar", "check_horizon", "horizon"),
    "matcher.warm": ("Replanner", "WarmProposals", "load_kernels"),
    "matcher.warm.build": ("build_kernels",),
}

__version__ = "0.1.0"

__all__ = [
    "DISTRICT_ID_MAX_LENGTH",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "MANUAL_RULE",
    "MAX_DEMAND_HOURS",
    "MAX_HORIZON_DAYS",
    "MAX_PLACES",
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
    "build_kernels",
    "calendar",
    "catalogue_from_text",
    "check_horizon",
    "check_pins",
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
    "take_in_order",
    "unknown_limits",
    "write_atomic",
    "write_case",
]


if not _typing.TYPE_CHECKING:  # hidden from mypy, which then still flags an unknown name
    __getattr__ = _attributes(__name__, _HOME)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(_types.ModuleType):
    """``matcher`` itself: its public names win over its submodules' (``matcher.propose``
    is the function, as an eager ``from matcher.propose import propose`` made it, even
    when something imports the module ``matcher.propose`` first)."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, _types.ModuleType) and name in __all__:
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
