"""Version 2 plans end to end: the proven best plan (exact.Model) as a `Result`, and everything
built on it as plain re-solves of the same model: explanations, the budget sweep, budget rises,
alternatives, and robustness (the plan re-optimised at low, high and drawn effects).

The public functions of planner.optimizer hand a version-2 plan to the functions here; their
answers have the same shapes as version 1's (docs/optimizer.md).
"""
from __future__ import annotations

import math
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Callable, Optional

from .exact import ANALYSIS_TOL, Best, Model
from .impact_model import evaluate, people_reached
from .model import Allocation, Message, Plan, Result


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


def impact_range(plan: Plan, units) -> dict:
    result = evaluate(plan.as_data(), units_map(plan, units))
    return {"low": result["low"], "high": result["high"]}


def to_result(plan: Plan, best: Best, time_limit, explain_conflicts: bool = True) -> Result:
    common = dict(solver="highs", solve_seconds=round(best.seconds, 4))
    if best.units is None:
        allocs = v2_allocations(plan, None)
        if best.status == "infeasible":
            conflicts, drop, minimum = (), (), True
            message = Message("status_infeasible")
            if explain_conflicts:
                from .conflicts import find_conflicts
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
    allocs = v2_allocations(plan, best.units)
    total = evaluate(plan.as_data(), units_map(plan, best.units))
    return Result(status, allocs, total_cost=sum(a.cost for a in allocs),
                  total_impact=Fraction(total["central"]), message=message,
                  impact_range={"low": total["low"], "high": total["high"]},
                  gap=best.gap, **common)


def solve(plan: Plan, time_limit: Optional[float] = 30, explain_conflicts: bool = True) -> Result:
    """The proven best plan of a version-2 plan (see exact.py)."""
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    best = Model(plan).best(deadline)
    return to_result(plan, best, time_limit, explain_conflicts)


# ---- explanations -------------------------------------------------------------------------------

MILLION = 1_000_000


def _alone(plan: Plan, model: Model, k: int) -> float:
    """Proposal k's impact at its most units with nothing else funded (stand-alone)."""
    units = [0] * len(plan.proposals)
    units[k] = model.fm.cap[k] - model.fm.cap[k] % plan.proposals[k].step
    return model.value(units)


def explain(plan: Plan, result: Result, time_limit: float = 60.0, budget_rise: bool = False):
    """Why each proposal is in or out of the best plan, from re-solves of the same model:
    funded: the best impact without it (its loss); unfunded: the exact facts that keep it out
    and the best impact with it forced in. A number the time limit cut is said to be missing
    (`explanation_cut`), never left out silently. Cost cuts are not computed for version 2."""
    from .explain import Explanation, _reasons
    from .conflicts import find_conflicts
    if result.status != "optimal":
        raise ValueError("explanations need an optimal result")
    started = time.perf_counter()
    deadline = started + time_limit
    model = Model(plan)
    fm = model.fm
    props = plan.proposals
    units = result.units()
    if len(units) != len(props):
        raise ValueError("result does not belong to this plan")
    total = model.value(units)
    c_star = fm.total_cost(units)
    cases = {a.id: (a.cases or 0.0) for a in result.allocations}
    ratios = [cases[p.id] * MILLION / p.cost(u) for p, u in zip(props, units) if u and p.cost(u)]
    low, high = (min(ratios), max(ratios)) if ratios else (None, None)

    def efficiency(ratio):
        if ratio is None:
            return None
        if low is None:
            return Message("efficiency_alone", {"model": "v2", "per_million_impact": ratio})
        return Message("efficiency", {"model": "v2", "per_million_impact": ratio, "funded_low_impact": low,
                                      "funded_high_impact": high})

    def cut():
        return Message("explanation_cut", {"limit": round(time_limit, 1)})

    def one(model, k):
        p = props[k]
        u = units[k]
        cost = p.cost(u)
        common = dict(id=p.id, funded=u > 0, units=u, cost=cost, impact=Fraction(cases[p.id]),
                      locked=p.lock is not None)
        if u > 0:
            ratio = cases[p.id] * MILLION / cost if cost else None
            common["impact_per_million"] = None if ratio is None else Fraction(ratio)
            if p.lock is not None:
                msgs = [Message("funded_locked", {"units": u, "cost_rp": cost}), efficiency(ratio)]
                return (Explanation(messages=tuple(m for m in msgs if m), **common))
            model.force(k, False)
            best = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
            model.force(k, None)
            msgs, extra = [], {}
            if best.status == "optimal":
                without = min(total, best.impact)
                loss = total - without
                extra.update(loss=Fraction(loss), impact_without=Fraction(without))
                if loss > ANALYSIS_TOL * total:
                    msgs.append(Message("funded_loss", {"model": "v2", 
                        "units": u, "cost_rp": cost, "loss_impact": loss, "total_impact": total,
                        "without_impact": without}))
                else:
                    msgs.append(Message("funded_no_loss", {"model": "v2", "units": u, "cost_rp": cost,
                                                           "total_impact": total}))
            elif best.status == "infeasible":
                left = max(0.5, deadline - time.perf_counter())
                report = find_conflicts(plan, force_out=[p.id], time_limit=left)
                extra["required_by"] = report.conflicts
                msgs.append(Message("funded_required", {
                    "units": u, "cost_rp": cost,
                    "blocked_items": [{"code": c.message.code, "params": dict(c.message.params)}
                                      for c in report.conflicts]}))
            else:
                msgs.append(cut())
            msgs.append(efficiency(ratio))
            return (Explanation(messages=tuple(m for m in msgs if m), **extra, **common))
        alone = _alone(plan, model, k)
        most = fm.cap[k] - fm.cap[k] % p.step
        ratio = alone * MILLION / p.cost(most) if most and p.cost(most) else None
        common["impact_per_million"] = None if ratio is None else Fraction(ratio)
        reasons = [m for m in _reasons(plan, fm, k, units, c_star)
                   if m.code not in ("reason_no_impact", "reason_tie")]
        if p.lock not in ("out", 0) and alone <= 0:
            reasons.append(Message("reason_no_impact"))
        msgs = list(reasons)
        extra = {}
        if p.lock not in ("out", 0):
            model.force(k, True)
            best = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
            model.force(k, None)
            if best.status == "optimal":
                with_k = min(total, best.impact)
                if total - with_k > ANALYSIS_TOL * total:
                    msgs.append(Message("unfunded_loss", {"model": "v2", "loss_impact": total - with_k,
                                                          "with_impact": with_k,
                                                          "total_impact": total}))
                else:
                    msgs.append(Message("reason_tie"))
                    if not reasons:
                        reasons.append(Message("reason_tie"))
            elif best.status == "infeasible":
                left = max(0.5, deadline - time.perf_counter())
                report = find_conflicts(plan, force_in=[p.id], time_limit=left)
                extra["blocked_by"] = report.conflicts
                msgs.append(Message("enter_blocked", {
                    "blocked_items": [{"code": c.message.code, "params": dict(c.message.params)}
                                      for c in report.conflicts]}))
            else:
                msgs.append(cut())
        msgs.append(efficiency(ratio))
        return (Explanation(reasons=tuple(reasons), messages=tuple(m for m in msgs if m),
                               **extra, **common))

    workers = max(1, min(2, os.cpu_count() or 1, len(props) or 1))
    out = _in_parallel(plan, model, list(range(len(props))), one, workers)
    if budget_rise:
        rises = budget_rises(plan, result, time_limit=max(0.05, deadline - time.perf_counter()))
        by_id = {r.id: r for r in rises}
        from dataclasses import replace
        out = [replace(e, budget_rise=by_id.get(e.id),
                       messages=e.messages + ((by_id[e.id].message,) if e.id in by_id
                                              and by_id[e.id].message else ()))
               for e in out]
    return tuple(out)


def _in_parallel(plan, model, tasks, one, workers):
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


# ---- the budget sweep ---------------------------------------------------------------------------

def sensitivity(plan: Plan, points: int = 21, step: int = 10_000_000, time_limit: float = 60.0,
                result: Optional[Result] = None):
    """The best plan at `points` budgets from 50% to 150% (sensitivity.py's contract), each a
    proven re-solve of the same model (its breakpoints and tangents carry over from level to
    level), on two threads when the machine has two cores."""
    from .sensitivity import BudgetPoint, Sensitivity, budget_levels
    started = time.perf_counter()
    deadline = started + time_limit
    known = result is not None and result.status == "optimal"
    tasks = [("level", f, level) for f, level in budget_levels(plan.budget, points)]
    tasks.append(("best", None, plan.budget + step))
    if not known:
        tasks.append(("best", None, plan.budget))

    def one(model, task):
        kind, fraction, level = task
        if kind == "level" and level == plan.budget and known:
            return BudgetPoint(level, fraction, "optimal", result.total_impact, result.total_cost,
                               tuple(a.id for a in result.allocations if a.units))
        model.set_budget(level)
        if kind == "best":
            best = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
            return best.impact if best.status == "optimal" else None
        # cheap plans among near-equals by a weight on cost: 1e-5 of the main plan's impact
        # over the whole budget, far inside the 0.1% the sweep is proven to
        weight = 1e-5 * float(result.total_impact) / max(1, level) if known else 0.0
        best = model.best(deadline, least_cost=not weight, rel_tol=ANALYSIS_TOL,
                          cost_weight=weight)
        if best.units is None:
            return BudgetPoint(level, fraction, best.status, None, None, ())
        status = "optimal" if best.status == "optimal" and best.phase_stopped != 2 else "feasible"
        return BudgetPoint(level, fraction, status, Fraction(best.impact), best.cost,
                           tuple(p.id for p, u in zip(plan.proposals, best.units) if u))

    workers = max(1, min(2, os.cpu_count() or 1))
    answers = _in_parallel(plan, Model(plan), tasks, one, workers)
    out = answers[:points]
    above = answers[points]
    here = float(result.total_impact) if known else answers[points + 1]
    marginal = None
    if here is not None and above is not None:
        marginal = Fraction(max(0.0, above - here) if above >= here * (1 - ANALYSIS_TOL)
                            else above - here)
    solved = [pt for pt in out if pt.status in ("optimal", "feasible")]
    stability = {}
    for p in plan.proposals:
        count = sum(1 for pt in solved if p.id in pt.funded)
        stability[p.id] = ("stable" if solved and count == len(solved)
                           else "never" if count == 0 else "marginal")
    return Sensitivity(plan.budget, tuple(out), step, marginal, stability,
                       time.perf_counter() - started)


# ---- budget rises -------------------------------------------------------------------------------

def budget_rises(plan: Plan, result: Result, ids=None, time_limit: float = 60.0):
    """For each unfunded proposal: a budget (up to 150%) at which it is in a best plan while
    one Rupiah less it is not, found by bisection between a budget where it is not and one
    where it is; both ends are proven re-solves ("enters"). "not_within": not in a best plan
    at 150% (the sweep's top); "unproven": the time limit came first."""
    from .budget_rise import BudgetRise, budget_limit
    if result.status != "optimal":
        raise ValueError("budget rises need an optimal result")
    units = result.units()
    deadline = time.perf_counter() + time_limit
    model = Model(plan)
    top = budget_limit(plan.budget)
    wanted = set(ids) if ids is not None else None
    out = []

    def enters(k, budget):
        """(True/False/None, units of k): whether k is in a best plan at `budget`."""
        model.set_budget(budget)
        free = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
        if free.status != "optimal":
            return None, None
        if free.units[k]:
            return True, free.units[k]
        model.force(k, True)
        forced = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
        model.force(k, None)
        if forced.status == "infeasible":
            return False, None
        if forced.status != "optimal":
            return None, None
        if forced.impact >= free.impact * (1 - ANALYSIS_TOL) - 1e-12:
            return True, forced.units[k]
        return False, None

    for k, p in enumerate(plan.proposals):
        if wanted is not None and p.id not in wanted:
            continue
        if units[k] or p.lock in ("out", 0) or _alone(plan, model, k) <= 0:
            out.append(BudgetRise(p.id, "skipped"))
            continue
        solves = 0
        at_top, top_units = enters(k, top)
        solves += 1
        if at_top is None:
            out.append(BudgetRise(p.id, "unproven", checked_to=plan.budget, solves=solves))
            continue
        if not at_top:
            out.append(BudgetRise(p.id, "not_within", checked_to=top, solves=solves))
            continue
        lo, hi, hi_units = plan.budget, top, top_units      # k out at lo, in at hi
        stopped = False
        while hi - lo > 1:
            mid = (lo + hi) // 2
            inside, mid_units = enters(k, mid)
            solves += 1
            if inside is None:
                stopped = True
                break
            if inside:
                hi, hi_units = mid, mid_units
            else:
                lo = mid
        if stopped:
            out.append(BudgetRise(p.id, "unproven", checked_to=lo, solves=solves))
        else:
            out.append(BudgetRise(p.id, "enters", budget=hi, rise=hi - plan.budget,
                                  units=hi_units, checked_to=hi, solves=solves))
    model.set_budget(plan.budget)
    return tuple(out)


# ---- alternatives -------------------------------------------------------------------------------

def alternatives(plan: Plan, best: Result, count: int = 3, max_loss: float = 0.02,
                 time_limit: Optional[float] = 30, min_swap: float = 0.0):
    """The best plans whose funded set differs from the best plan's and every earlier one's,
    within max_loss of its impact (alternatives.py's contract), as re-solves of one model.
    With `min_swap`, each also moves at least min_swap × budget between activities:
    Σ_{k funded in best} cost_k(best)·(1 − y_k) + Σ_{k not funded in best} cost_k ≥ min_swap·B."""
    from .alternatives import Alternative
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    model = Model(plan)
    fm = model.fm
    ids = [p.id for p in plan.proposals]
    best_units = list(best.units())
    best_value = model.value(best_units)
    floor = (1 - max_loss) * best_value - 1e-12
    model.add_rule_row(model.impact_coefs, floor, math.inf)
    if min_swap > 0:
        swap, kept_cost = {}, 0.0
        for k, p in enumerate(plan.proposals):
            if best_units[k]:
                cost = float(p.cost(best_units[k]))
                kept_cost += cost
                swap[fm.y(k)] = swap.get(fm.y(k), 0.0) - cost
            else:
                swap[fm.u(k)] = swap.get(fm.u(k), 0.0) + float(p.unit_cost)
                swap[fm.y(k)] = swap.get(fm.y(k), 0.0) + float(p.fixed_cost)
        model.add_rule_row(swap, min_swap * float(plan.budget) - kept_cost, math.inf)
    found, seen = [], [frozenset(k for k, u in enumerate(best_units) if u)]
    while len(found) < count:
        funded = seen[-1]
        coefs = {fm.y(k): (-1.0 if k in funded else 1.0) for k in range(fm.n)}
        model.add_rule_row(coefs, 1 - len(funded), math.inf)
        if deadline is not None and time.perf_counter() >= deadline:
            break
        answer = model.best(deadline, rel_tol=ANALYSIS_TOL)
        if answer.status != "optimal" or answer.phase_stopped or answer.impact < floor:
            break
        units = answer.units
        seen.append(frozenset(k for k, u in enumerate(units) if u))
        allocs = v2_allocations(plan, units)
        loss = (best_value - answer.impact) / best_value if best_value else 0.0
        found.append(Alternative(
            allocs, sum(a.cost for a in allocs), Fraction(answer.impact), max(loss, 0.0),
            tuple(ids[k] for k in range(fm.n) if units[k] and not best_units[k]),
            tuple(ids[k] for k in range(fm.n) if not units[k] and best_units[k]),
            tuple((ids[k], best_units[k], units[k]) for k in range(fm.n)
                  if units[k] and best_units[k] and units[k] != best_units[k])))
    return found


# ---- the spreadsheet method ---------------------------------------------------------------------

def spreadsheet_method(plan: Plan) -> Result:
    """spreadsheet.py's greedy on a version-2 plan: locks first, then proposals by stand-alone
    impact per Rupiah at their most units, each given its most whole courses that fit; the
    allocation is then valued with the combined model (overlaps are what the greedy misses)."""
    from .conflicts import describe
    started = time.perf_counter()
    model = Model(plan)
    fm = model.fm
    props = plan.proposals
    units = [0] * len(props)
    left = plan.budget
    for k, p in enumerate(props):
        if p.lock == "in":
            units[k] = -(-p.low_units // p.step) * p.step
        elif isinstance(p.lock, int) and not isinstance(p.lock, bool):
            units[k] = p.lock
        left -= p.cost(units[k])

    def key(k):
        p = props[k]
        most = fm.cap[k] - fm.cap[k] % p.step
        cost, impact = p.cost(most), _alone(plan, model, k)
        return (0, -impact, k) if cost == 0 else (1, -impact / cost, k)

    for k in sorted((k for k, p in enumerate(props) if p.lock is None or p.lock == "in"), key=key):
        p = props[k]
        most = fm.cap[k] - fm.cap[k] % p.step
        if units[k]:
            extra = most - units[k]
            if p.unit_cost:
                extra = min(extra, max(0, left) // p.unit_cost)
            extra -= extra % p.step
            units[k] += extra
            left -= extra * p.unit_cost
            continue
        if most and p.cost(most) <= left:
            units[k] = most
        elif p.unit_cost > 0 and left - p.fixed_cost >= 0:
            fit = min(most, (left - p.fixed_cost) // p.unit_cost)
            fit -= fit % p.step
            if fit >= p.low_units:
                units[k] = fit
        left -= p.cost(units[k])
    groups = []
    for row in fm.violated_rows(fm.units_to_x(units)):
        group = fm.row_group[row]
        if group is not None and group not in groups:
            groups.append(group)
    violations = tuple(describe(plan, fm, g) for g in groups)
    allocs = v2_allocations(plan, tuple(units))
    total = evaluate(plan.as_data(), units_map(plan, units))
    return Result("violates_rules" if violations else "feasible", allocs,
                  total_cost=sum(a.cost for a in allocs), total_impact=Fraction(total["central"]),
                  violations=violations, solver="spreadsheet",
                  solve_seconds=round(time.perf_counter() - started, 4), method="spreadsheet",
                  impact_range={"low": total["low"], "high": total["high"]})


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
    from .planfile import load_plan
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
            "impact": best.impact, "units": units_map(plan, best.units),
            "chosen_impact": model.value(chosen)}
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
