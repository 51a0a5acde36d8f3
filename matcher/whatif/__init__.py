"""What-if analysis: scenarios, comparisons, shortage, training, counterfactuals, sweeps,
a rolling-horizon simulation.

An engine-layer package: it uses matcher's domain and engine, never the CLI or the API.

Example:
    >>> from matcher import load_case
    >>> from matcher.whatif import compare, parse_scenario
    >>> case = load_case("tests/whatif/cases/tiny")
    >>> sc = parse_scenario({"edits": [{"kind": "scale_demand", "ids": ["D5"], "factor": 0}]}, case)
    >>> compare(case, sc).churn.dropped
    2
"""

from matcher.whatif.compare import (
    Change,
    Churn,
    Comparison,
    CountDelta,
    KpiDelta,
    compare,
    compare_plans,
    primary_category,
)
from matcher.whatif.counterfactual import (
    Relaxation,
    SlotCounterfactual,
    format_counterfactuals,
    unfilled_counterfactuals,
)
from matcher.whatif.engine import PlanState, fast_policy, plan_state
from matcher.whatif.ongoing import (
    DATED_UNPRICED,
    KEEPS_DATED,
    SlotFixes,
    dated_load,
    ongoing_counterfactuals,
    slot_fixes,
)
from matcher.whatif.scenario import (
    EDIT_KINDS,
    Edit,
    Scenario,
    ScenarioError,
    apply_scenario,
    load_scenario,
    parse_scenario,
)
from matcher.whatif.shortage import (
    ShortageReport,
    ShortageRow,
    Training,
    recommend_training,
    shortage,
)
from matcher.whatif.simulate import SimResult, fair_policy, simulate
from matcher.whatif.sweep import (
    DaskExecutor,
    LocalExecutor,
    Sweep,
    SweepPoint,
    load_sweep,
    parse_sweep,
    run_point,
    run_sweep,
)
from matcher.whatif.timeshift import (
    FIRST_HOUR,
    LAST_HOUR,
    TimeShift,
    format_time_shifts,
    time_shifts,
)

__all__ = [
    "DATED_UNPRICED",
    "EDIT_KINDS",
    "FIRST_HOUR",
    "KEEPS_DATED",
    "LAST_HOUR",
    "Change",
    "Churn",
    "Comparison",
    "CountDelta",
    "DaskExecutor",
    "Edit",
    "KpiDelta",
    "LocalExecutor",
    "PlanState",
    "Relaxation",
    "Scenario",
    "ScenarioError",
    "ShortageReport",
    "ShortageRow",
    "SimResult",
    "SlotCounterfactual",
    "SlotFixes",
    "Sweep",
    "SweepPoint",
    "TimeShift",
    "Training",
    "apply_scenario",
    "compare",
    "compare_plans",
    "dated_load",
    "fair_policy",
    "fast_policy",
    "format_counterfactuals",
    "format_time_shifts",
    "load_scenario",
    "load_sweep",
    "ongoing_counterfactuals",
    "parse_scenario",
    "parse_sweep",
    "plan_state",
    "primary_category",
    "recommend_training",
    "run_point",
    "run_sweep",
    "shortage",
    "simulate",
    "slot_fixes",
    "time_shifts",
    "unfilled_counterfactuals",
]
