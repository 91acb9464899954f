"""The one path of every plan file, version 1 or 2: the proven best plan (exact.Model) as a
`Result`, the helpers every analysis re-solves with (explain.py, sensitivity.py, budget_rise.py,
alternatives.py, spreadsheet.py), and robustness (the plan re-optimised at low, high and drawn
effects).

A version-1 plan (additive impacts only) makes an integral model (exact.Model): the best impact
is exact and its figures are Fractions, as version 1 always reported them; a version-2 plan's
are the combined model's floats, proven to REL_TOL (analyses to ANALYSIS_TOL).
"""
from __future__ import annotations

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Callable, Optional

from .conflicts import find_conflicts
from .exact import ANALYSIS_TOL, Best, Model
from .impact_model import evaluate, people_reached
from .model import Allocation, Message, Plan, Result
from .planfile import load_plan

MILLION = 1_000_000


def units_map(plan: Plan, units) -> dict:
    return {p.id: u for p, u in zip(plan.proposals, units)}


def v2_allocations(plan: Plan, units) -> tuple:
    """Allocations with the central cases attributed to each proposal and the people reached."""
    units = units or (0,) * len(plan.proposals)
    data = plan.as_data()
    result = evaluate(data, units_map(plan, units))
    allocs = []
    for p, u, raw in zip(plan.proposals, units, data["proposals"]):
        cases = float(result["by_proposal"].get(p.id, 0.0))
        people = None
        if p.effect is not None and p.target_group in plan.groups:
            people = people_reached(raw, u, plan.groups)
        allocs.append(Allocation(p.id, u, p.cost(u), Fraction(cases), people=people, cases=cases))
    return tuple(allocs)


def exact_allocations(plan: Plan, units) -> tuple:
    """Version 1: each proposal's exact additive impact (Fraction), no people or cases."""
    units = units or (0,) * len(plan.proposals)
    return tuple(Allocation(p.id, u, p.cost(u), p.impact(u)) for p, u in zip(plan.proposals, units))


def allocations(plan: Plan, units) -> tuple:
    """Allocation per proposal in input order (`units=None`: nothing funded), in the shape of
    the plan's version."""
    return v2_allocations(plan, units) if plan.version >= 2 else exact_allocations(plan, units)


def tolerance(model: Model) -> float:
    """The relative tolerance analyses compare impacts with: none for an integral model."""
    return 0.0 if model.integral else ANALYSIS_TOL


def impact_params(plan: Plan, **values) -> dict:
    """Message params for impacts: version 2 is rendered as cases (messages.render), version 1
    as the plain exact numbers it always showed (rounded like result_to_dict)."""
    if plan.version >= 2:   # floats (an all-additive plan's exact figures are Fractions)
        return {"model": "v2", **{key: None if v is None else float(v)
                                  for key, v in values.items()}}
    return {key: None if v is None else round(float(v), 9) for key, v in values.items()}


def impact_range(plan: Plan, units) -> dict:
    result = evaluate(plan.as_data(), units_map(plan, units))
    return {"low": result["low"], "high": result["high"]}


def to_result(plan: Plan, best: Best, time_limit, explain_conflicts: bool = True) -> Result:
    common = dict(solver="highs", solve_seconds=round(best.seconds, 4))
    if best.units is None:
        allocs = allocations(plan, None)
        if best.status == "infeasible":
            conflicts, drop, minimum = (), (), True
            message = Message("status_infeasible")
            if explain_conflicts:
                report = find_conflicts(plan, time_limit=time_limit or 30)
                conflicts, drop, minimum = report.conflicts, report.fewest_to_drop, report.minimum
                message = report.summary
            return Result("infeasible", allocs, conflicts=conflicts, fewest_to_drop=drop,
                          conflicts_minimum=minimum, message=message, **common)
        if best.status == "timeout":
            return Result("timeout", allocs, message=Message("status_timeout", {"limit": time_limit}),
                          **common)
        return Result("error", allocs, message=Message("status_error", {"detail": best.detail or best.status}),
                      **common)
    gap = {"limit": time_limit, "gap_share": best.gap or 0.0, "detail": best.detail}
    if best.status == "optimal" and best.phase_stopped != 2:
        status, message = "optimal", Message("status_optimal")
    elif best.status == "optimal":        # best impact proven; the least cost of it not
        status = "feasible"
        message = Message("status_cost_unproven" if best.detail else "status_feasible_cost", gap)
    else:
        status = "feasible"
        message = Message("status_feasible_stopped" if best.detail else "status_feasible_gap", gap)
    if plan.version < 2:
        allocs = exact_allocations(plan, best.units)
        return Result(status, allocs, total_cost=sum(a.cost for a in allocs),
                      total_impact=sum((a.impact for a in allocs), Fraction(0)),
                      message=message, **common)
    allocs = v2_allocations(plan, best.units)
    total = evaluate(plan.as_data(), units_map(plan, best.units))
    return Result(status, allocs, total_cost=sum(a.cost for a in allocs),
                  total_impact=Fraction(total["central"]), message=message,
                  impact_range={"low": total["low"], "high": total["high"]},
                  gap=best.gap, **common)


def solve(plan: Plan, time_limit: Optional[float] = 30, explain_conflicts: bool = True) -> Result:
    """The proven best plan (see exact.py), on HiGHS."""
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    best = Model(plan).best(deadline)
    return to_result(plan, best, time_limit, explain_conflicts)


def alone(plan: Plan, model: Model, k: int) -> float:
    """Proposal k's impact at its most units with nothing else funded (stand-alone)."""
    units = [0] * len(plan.proposals)
    units[k] = model.fm.cap[k] - model.fm.cap[k] % plan.proposals[k].step
    return model.value(units)


def in_parallel(plan, model, tasks, one, workers):
    """`one(model, task)` for every task, in order: on `workers` threads, each with its own
    model (the first reuses `model`), the tasks split into contiguous runs so the answer does
    not depend on timing."""
    if workers <= 1 or len(tasks) < 2:
        return [one(model, t) for t in tasks]
    size = -(-len(tasks) // workers)
    runs = [tasks[i:i + size] for i in range(0, len(tasks), size)]

    def run(index):
        own = model if index == 0 else Model(plan, start=model)
        return [one(own, t) for t in runs[index]]

    with ThreadPoolExecutor(len(runs)) as pool:    # highspy releases the GIL while solving
        parts = list(pool.map(run, range(len(runs))))
    return [answer for part in parts for answer in part]


def workers_for(count: int) -> int:
    """Solver threads: at most two (the machine's cores), at most one per task."""
    return max(1, min(2, os.cpu_count() or 1, count or 1))


# ---- robustness ("Seberapa yakin?") -------------------------------------------------------------

#: A drawn plan counts as the draw's best when within this share of it.
STAYS_BEST = 0.01


def robustness(data, draws: int = 200, seed: int = 0, time_budget: Optional[float] = None,
               progress: Optional[Callable[[float, str], None]] = None) -> dict:
    """How sure the best plan is: the plan re-optimised with every effect at its low value, at
    its high value, and under `draws` random draws (each effect triangular on low/central/high,
    independently, from a seeded generator: the same input gives the same answer).

    Returns {"draws": draws done, "funded_share": {id: share of the draws whose best plan funds
    it}, "stays_best": share of the draws in which the central best plan is within 1% of that
    draw's best, "low": {"impact", "units"}, "high": {...}, "incomplete": True when the time
    budget stopped it early (the shares are then over the draws done)}. A version-1 plan (no
    ranges) has nothing to draw: every share comes from the one plan."""
    plan = data if isinstance(data, Plan) else load_plan(data)
    deadline = None if time_budget is None else time.perf_counter() + max(0.0, time_budget)
    rng = random.Random(seed)
    ranged = [p for p in plan.proposals if p.effect is not None and p.target_group in plan.groups]

    def report(fraction, part):
        if progress is not None:
            progress(fraction, part)

    first = []

    def solve_at(effects):
        model = Model(plan, effects, start=first[0] if first else None)
        return model, model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)

    report(0.0, "central")
    central_model = Model(plan)           # the chosen plan: the main solve's, exactly
    central = central_model.best(deadline)
    first.append(central_model)
    if central.units is None:
        return {"draws": 0, "funded_share": {}, "stays_best": None, "low": None, "high": None,
                "incomplete": central.status == "timeout", "status": central.status}
    chosen = central.units
    out = {"status": central.status}
    incomplete = central.status != "optimal"
    for i, level in enumerate(("low", "high")):
        report(0.01 + 0.01 * i, level)
        model, best = solve_at({p.id: p.effect[level] for p in ranged})
        if best.units is None or best.status != "optimal":
            incomplete = True
        out[level] = None if best.units is None else {
            "impact": float(best.impact), "units": units_map(plan, best.units),
            "chosen_impact": float(model.value(chosen))}
    funded = {p.id: 0 for p in plan.proposals}
    stays = done = 0
    drawn = [{p.id: rng.triangular(p.effect["low"], p.effect["high"], p.effect["central"])
              for p in ranged} for _ in range(draws if ranged else 0)]
    counter = iter(range(len(drawn)))

    def one(effects):
        """One draw: (its best plan's units, whether the chosen plan stays within 1%), or None
        when the time budget ran out first."""
        if deadline is not None and time.perf_counter() >= deadline:
            return None
        i = next(counter)
        if i % 10 == 0:
            report(0.03 + 0.97 * i / len(drawn), "draws")
        model, best = solve_at(effects)
        if best.units is None:
            return None
        return best.units, best.status == "optimal", (
            model.value(chosen) >= (1 - STAYS_BEST) * best.impact - 1e-12)

    workers = max(1, min(2, os.cpu_count() or 1, len(drawn) or 1))
    if workers == 1:
        answers = [one(e) for e in drawn]
    else:
        with ThreadPoolExecutor(workers) as pool:   # highspy releases the GIL while solving
            answers = list(pool.map(one, drawn))
    for answer in answers:
        if answer is None:
            incomplete = True
            continue
        units, proven, within = answer
        incomplete = incomplete or not proven
        done += 1
        for p, u in zip(plan.proposals, units):
            if u:
                funded[p.id] += 1
        stays += within
    if not ranged:      # nothing uncertain: the one plan is every draw's
        done = 0
        shares = {p.id: 1.0 if u else 0.0 for p, u in zip(plan.proposals, chosen)}
        out.update(draws=0, funded_share=shares, stays_best=1.0, incomplete=incomplete)
    else:
        out.update(draws=done,
                   funded_share={pid: (n / done if done else None) for pid, n in funded.items()},
                   stays_best=stays / done if done else None, incomplete=incomplete)
    report(1.0, "done")
    return out
