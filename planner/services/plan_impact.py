"""What a plan's units are worth under the impact model, as the pages, documents and exports show it.

Every figure people read comes from `optimizer.impact_model.evaluate` on the plan file the units
were chosen from, never from the optimizer's answer: the range (effects at their low and high
values), the central figure split by activity, the people each activity reaches, and the
plausibility check against the village's stunted children (`impact_model.plausibility`, with
the kabupaten's bound). A plan file of version 1 (a suggestion stored before the model) has no
groups: its impact is additive and the same at every level, and no plausibility is claimed.
"""
from dataclasses import dataclass, field

from ..optimizer import impact_model
from .unit_impact import assumptions_for


@dataclass
class PlanImpact:
    central: float
    low: float
    high: float
    by_proposal: dict                     # plan-file id → central cases (shares of group totals)
    people: dict                          # plan-file id → people reached (combined-effect proposals)
    own_estimate: set                     # plan-file ids whose impact is the village's own estimate
    stunted: float | None                 # the village's stunted children, as the plan file states
    stunted_source: str                   # "measured" or "estimated" ("" when unknown)
    bound: float
    share: float | None                   # central ÷ stunted
    exceeds: bool
    carriers: list = field(default_factory=list)    # plan-file ids carrying the excess, largest first

    @property
    def has_range(self) -> bool:
        return self.low != self.central or self.high != self.central


def units_of(result: dict) -> dict:
    """{plan-file id: units} from an optimizer answer (or a committed content's activities)."""
    return {a["id"]: a["units"] for a in result.get("allocations", ())}


def plan_impact(data: dict, units: dict, bound: float = impact_model.DEFAULT_PLAUSIBILITY_BOUND) -> PlanImpact:
    """The impact of `units` under plan file `data`'s model, with the plausibility check."""
    result = impact_model.evaluate(data, units)
    check = impact_model.plausibility(data, units, bound)
    groups = data.get("groups") or {}
    people, own = {}, set()
    for p in data.get("proposals", ()):
        if impact_model.is_combined(p, groups):
            people[p["id"]] = impact_model.people_reached(p, float(units.get(p["id"], 0) or 0), groups)
        elif p.get("impact_source") == "manual":
            own.add(p["id"])
    return PlanImpact(
        central=result["central"], low=result["low"], high=result["high"], by_proposal=result["by_proposal"],
        people=people, own_estimate=own, stunted=impact_model.stunted_children(data),
        stunted_source=data.get("stunted_children_source") or "", bound=bound, share=check["share"],
        exceeds=check["exceeds"], carriers=check["carriers"] if check["exceeds"] else [])


def bound_for(plan) -> float:
    """The kabupaten's plausibility bound for `plan` (10% unless its admin set another)."""
    return assumptions_for(plan.desa).plausibility_bound


def for_suggestion(plan, suggestion) -> PlanImpact:
    """A stored suggestion's impact under its own plan file."""
    return plan_impact(suggestion.plan_file, units_of(suggestion.result["result"]), bound_for(plan))
