"""Results as JSON-ready dicts: ints for money, floats for impact (rounded for display only)."""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

from .model import Conflict, Message, Result

#: Decimal places kept for impact values in JSON output; comparisons inside use exact fractions.
IMPACT_DECIMALS = 9


def impact_float(value) -> Optional[float]:
    """Exact impact -> float rounded to IMPACT_DECIMALS places (None stays None)."""
    if value is None:
        return None
    return round(float(Fraction(value)), IMPACT_DECIMALS)


def message_to_dict(message: Optional[Message]) -> Optional[dict]:
    return None if message is None else message.to_dict()


def conflict_to_dict(conflict: Conflict) -> dict:
    """{"kind", "group": [...], "code", "params", "text": {"id", "en"}}."""
    out = {"kind": conflict.kind, "group": list(conflict.group)}
    out.update(conflict.message.to_dict())
    return out


def result_to_dict(result: Result) -> dict:
    """`Result` -> {"status", "method", "total_cost", "total_impact", "allocations",
    "conflicts", "fewest_to_drop", "conflicts_minimum", "violations", "solver",
    "solve_seconds", "message"}; allocations list every proposal in input order as
    {"id", "units", "cost", "impact"}."""
    return {
        "status": result.status,
        "method": result.method,
        "total_cost": int(result.total_cost),
        "total_impact": impact_float(result.total_impact),
        "allocations": [{"id": a.id, "units": a.units, "cost": a.cost,
                         "impact": impact_float(a.impact)} for a in result.allocations],
        "conflicts": [conflict_to_dict(c) for c in result.conflicts],
        "fewest_to_drop": [conflict_to_dict(c) for c in result.fewest_to_drop],
        "conflicts_minimum": result.conflicts_minimum,
        "violations": [conflict_to_dict(c) for c in result.violations],
        "solver": result.solver,
        "solve_seconds": result.solve_seconds,
        "message": message_to_dict(result.message),
    }
