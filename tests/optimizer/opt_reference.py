"""An independent reference for the optimizer tests: a plain checker and a brute force.

Written from the plan-file semantics (docs/optimizer.md), not from the MILP, so a bug in the
formulation cannot hide in both. Exact arithmetic throughout (Fraction).
"""
from fractions import Fraction
from itertools import product
import math


def frac(value):
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def options(p):
    """Every allowed unit count of a proposal: 0 or max(1, min_units)..max_units."""
    return [0] + list(range(max(1, p["min_units"]), p["max_units"] + 1))


def cost_of(p, u, discount=0):
    return p["fixed_cost"] + p["unit_cost"] * u - discount if u else 0


def violations(plan, units, discount=None):
    """Set of violated group keys (same naming as the package's Conflict.group)."""
    props = plan["proposals"]
    rules = plan.get("rules") or {}
    budget = plan["budget"]
    discount = discount or {}
    costs = [cost_of(p, u, discount.get(p["id"], 0)) for p, u in zip(props, units)]
    funded = {p["id"] for p, u in zip(props, units) if u}
    bad = set()
    if sum(costs) > budget:
        bad.add(("budget",))
    for cat, share in (rules.get("category_min_share") or {}).items():
        if frac(share) > 0 and sum(c for p, c in zip(props, costs)
                                   if p["category"] == cat) < frac(share) * budget:
            bad.add(("category_min", cat))
    for cat, share in (rules.get("category_max_share") or {}).items():
        if sum(c for p, c in zip(props, costs) if p["category"] == cat) > frac(share) * budget:
            bad.add(("category_max", cat))
    share = rules.get("location_max_share")
    if share is not None:
        for loc in {p["location"] for p in props if p["location"]}:
            if sum(c for p, c in zip(props, costs) if p["location"] == loc) > frac(share) * budget:
                bad.add(("location_max", loc))
    for pkg in rules.get("packages_required") or []:
        if not any(p["package"] == pkg and p["id"] in funded for p in props):
            bad.add(("package", pkg))
    for tg in rules.get("target_groups_required") or []:
        if not any(p["target_group"] == tg and p["id"] in funded for p in props):
            bad.add(("target_group", tg))
    position = {p["id"]: k for k, p in enumerate(props)}
    for p, u in zip(props, units):
        lock = p.get("lock")
        if lock == "in" and not u:
            bad.add(("lock", p["id"]))
        elif lock == "out" and u:
            bad.add(("lock", p["id"]))
        elif isinstance(lock, dict) and u != lock["units"]:
            bad.add(("lock", p["id"]))
        for other in p.get("requires") or []:
            if u and other not in funded:
                bad.add(("requires", p["id"], other))
        for other in p.get("excludes") or []:
            if u and other in funded:
                a, b = sorted([p["id"], other], key=position.get)
                bad.add(("excludes", a, b))
    return bad


def unit_ranges_ok(plan, units):
    return all(u in options(p) for p, u in zip(plan["proposals"], units))


def impact_of(plan, units):
    return sum((frac(p["impact_per_unit"]) * u for p, u in zip(plan["proposals"], units)),
               Fraction(0))


def all_points(plan, force=None):
    """Every unit vector (force: {index: allowed list})."""
    choices = [options(p) for p in plan["proposals"]]
    for k, allowed in (force or {}).items():
        choices[k] = [u for u in choices[k] if u in allowed]
    return product(*choices)


def brute(plan, force=None, discount=None, budget=None):
    """(best impact, least cost at that impact, optimal unit vectors) or None if infeasible."""
    if budget is not None:
        plan = dict(plan, budget=budget)
    best = None
    winners = []
    for units in all_points(plan, force):
        if violations(plan, units, discount):
            continue
        disc = discount or {}
        key = (impact_of(plan, units),
               -sum(cost_of(p, u, disc.get(p["id"], 0))
                    for p, u in zip(plan["proposals"], units)))
        if best is None or key > best:
            best, winners = key, [units]
        elif key == best:
            winners.append(units)
    if best is None:
        return None
    return best[0], -best[1], winners


def violation_sets(plan):
    return {frozenset(violations(plan, units)) for units in all_points(plan)}


def feasible_with(plan, enforced):
    enforced = set(enforced)
    return any(not (v & enforced) for v in violation_sets(plan))


def min_drop_size(plan):
    return min(len(v) for v in violation_sets(plan))


def min_iis_size(plan, groups):
    sets = violation_sets(plan)
    groups = sorted(groups)
    for size in range(1, len(groups) + 1):
        from itertools import combinations
        for subset in combinations(groups, size):
            s = set(subset)
            if all(v & s for v in sets):
                return size
    return None
