"""Numeric core: exact b-matching and its certificate. Arrays in, pairs out.

This package knows nothing of cadres or demands; it imports only numpy, scipy,
highspy, numba (the compiled searches) and :mod:`matcher.errors`.
"""

from matcher.solver.assign import SCALE, Assignment, quantise, solve
from matcher.solver.keys import pair_keys, unpair_keys
from matcher.solver.params import SolverParams
from matcher.solver.residual import forced_losses, is_optimal

__all__ = [
    "SCALE",
    "Assignment",
    "SolverParams",
    "forced_losses",
    "is_optimal",
    "pair_keys",
    "quantise",
    "solve",
    "unpair_keys",
]
