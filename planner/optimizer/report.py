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
    "solve_seconds", "message", "impact_range", "gap"}; allocations list every proposal in input
    order as {"id", "units", "cost", "impact", "people", "cases"}. Version 2 (combined effects):
    impact_range {"low", "high"} is the plan's impact with every effect at its low / high value,
    gap the proven relative distance to the best plan (0 when exact), people the people a
    proposal reaches and cases its share of the central cases; None for version 1 plans."""
    return {
        "status": result.status,
        "method": result.method,
        "total_cost": int(result.total_cost),
        "total_impact": impact_float(result.total_impact),
        "allocations": [{"id": a.id, "units": a.units, "cost": a.cost,
                         "impact": impact_float(a.impact), "people": a.people,
                         "cases": a.cases} for a in result.allocations],
        "impact_range": None if result.impact_range is None else {
            "low": impact_float(result.impact_range["low"]),
            "high": impact_float(result.impact_range["high"])},
        "gap": result.gap,
        "conflicts": [conflict_to_dict(c) for c in result.conflicts],
        "fewest_to_drop": [conflict_to_dict(c) for c in result.fewest_to_drop],
        "conflicts_minimum": result.conflicts_minimum,
        "violations": [conflict_to_dict(c) for c in result.violations],
        "solver": result.solver,
        "solve_seconds": result.solve_seconds,
        "message": message_to_dict(result.message),
    }
