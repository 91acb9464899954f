"""Why each proposal is in or out of the best plan, from re-solves of the same model (v2.py).

For a FUNDED proposal (not locked): its loss, the best impact without it (a re-solve with it
forced out) taken from the plan's; if forcing it out is infeasible, it is required, and the
smallest set of rules that would break without it is named (conflicts.find_conflicts).
For an UNFUNDED proposal: the facts about the best plan that keep it out, checked exactly
(locked out; excluded by a funded proposal; requires an unfunded one; no impact; its minimum
would exceed what is left of the budget, its location's cap or its category's cap), and the
best impact with it forced in (`unfunded_loss`, or a tie; `enter_blocked` when no plan can fund
it). impact_per_million: impact per Rp 1,000,000 at its units (funded) or at its most units
alone (unfunded), next to the range among funded proposals.
A version-1 plan's numbers are exact (an integral model); a version-2 plan's are proven to
exact.ANALYSIS_TOL. A number the time limit cut is said to be missing (`explanation_cut`),
never left out silently.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Optional, Tuple

from .budget_rise import BudgetRise, budget_rises
from .conflicts import find_conflicts
from .exact import ANALYSIS_TOL, Model
from .messages import proposal_label
from .model import LOCK_OUT, Conflict, Message, Plan, Result, exact
from .v2 import MILLION, alone, impact_params, in_parallel, tolerance, workers_for


@dataclass(frozen=True)
class Explanation:
    """One proposal's explanation; `messages` are the sentences, `text(lang)` joins them.
    cost_drop, cost_drop_units, cost_at_units and never are no longer computed (None/False):
    kept so the JSON keeps its fields."""

    id: str
    funded: bool
    units: int
    cost: int
    impact: Fraction
    impact_per_million: Optional[Fraction]
    locked: bool = False
    loss: Optional[Fraction] = None
    impact_without: Optional[Fraction] = None
    required_by: Tuple[Conflict, ...] = ()
    reasons: Tuple[Message, ...] = ()
    cost_drop: Optional[int] = None
    cost_drop_units: Optional[int] = None
    cost_at_units: Optional[int] = None
    never: bool = False
    blocked_by: Tuple[Conflict, ...] = ()
    messages: Tuple[Message, ...] = ()
    budget_rise: Optional[BudgetRise] = None   # explain(..., budget_rise=True) only

    def text(self, lang: str = "id") -> str:
        return " ".join(m.text(lang) for m in self.messages)


def explain(plan: Plan, result: Result, time_limit: float = 60.0,
            budget_rise: bool = False) -> Tuple[Explanation, ...]:
    """Explanations for every proposal, in input order. `result` must be an optimal result of
    `solve(plan)` (raises ValueError otherwise). time_limit covers every re-solve.
    budget_rise: also the budget at which each unfunded proposal enters (budget_rise.py),
    within the same limit."""
    if result.status != "optimal":
        raise ValueError("explanations need an optimal result")
    started = time.perf_counter()
    deadline = started + time_limit
    model = Model(plan)
    tol = tolerance(model)
    fm = model.fm
    props = plan.proposals
    units = result.units()
    if len(units) != len(props):
        raise ValueError("result does not belong to this plan")
    total = model.value(units)
    c_star = fm.total_cost(units)
    v2 = plan.version >= 2
    impact = {a.id: (a.cases or 0.0) if v2 else a.impact for a in result.allocations}
    ratios = [impact[p.id] * MILLION / p.cost(u) for p, u in zip(props, units) if u and p.cost(u)]
    low, high = (min(ratios), max(ratios)) if ratios else (None, None)

    def efficiency(ratio):
        if ratio is None:
            return None
        if low is None:
            return Message("efficiency_alone", impact_params(plan, per_million_impact=ratio))
        return Message("efficiency", impact_params(plan, per_million_impact=ratio,
                                                   funded_low_impact=low, funded_high_impact=high))

    def cut():
        return Message("explanation_cut", {"limit": round(time_limit, 1)})

    def blocked(report):
        return [{"code": c.message.code, "params": dict(c.message.params)}
                for c in report.conflicts]

    def one(model, k):
        p = props[k]
        u = units[k]
        cost = p.cost(u)
        common = dict(id=p.id, funded=u > 0, units=u, cost=cost, impact=Fraction(impact[p.id]),
                      locked=p.lock is not None)
        if u > 0:
            ratio = impact[p.id] * MILLION / cost if cost else None
            common["impact_per_million"] = None if ratio is None else Fraction(ratio)
            if p.lock is not None:
                msgs = [Message("funded_locked", {"units": u, "cost_rp": cost}), efficiency(ratio)]
                return Explanation(messages=tuple(m for m in msgs if m), **common)
            model.force(k, False)
            best = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
            model.force(k, None)
            msgs, extra = [], {}
            if best.status == "optimal":
                without = min(total, best.impact)
                loss = total - without
                extra.update(loss=Fraction(loss), impact_without=Fraction(without))
                if loss > tol * total:
                    msgs.append(Message("funded_loss", {"units": u, "cost_rp": cost, **impact_params(
                        plan, loss_impact=loss, total_impact=total, without_impact=without)}))
                else:
                    msgs.append(Message("funded_no_loss", {"units": u, "cost_rp": cost,
                                                           **impact_params(plan, total_impact=total)}))
            elif best.status == "infeasible":
                left = max(0.5, deadline - time.perf_counter())
                report = find_conflicts(plan, force_out=[p.id], time_limit=left)
                extra["required_by"] = report.conflicts
                msgs.append(Message("funded_required", {"units": u, "cost_rp": cost,
                                                        "blocked_items": blocked(report)}))
            else:
                msgs.append(cut())
            msgs.append(efficiency(ratio))
            return Explanation(messages=tuple(m for m in msgs if m), **extra, **common)
        alone_impact = alone(plan, model, k)
        most = fm.cap[k] - fm.cap[k] % p.step
        ratio = alone_impact * MILLION / p.cost(most) if most and p.cost(most) else None
        common["impact_per_million"] = None if ratio is None else Fraction(ratio)
        found = [m for m in reasons(plan, k, units, c_star)
                 if m.code not in ("reason_no_impact", "reason_tie")]
        if p.lock not in (LOCK_OUT, 0) and alone_impact <= 0:
            found.append(Message("reason_no_impact"))
        msgs = list(found)
        extra = {}
        if p.lock not in (LOCK_OUT, 0):
            model.force(k, True)
            best = model.best(deadline, least_cost=False, rel_tol=ANALYSIS_TOL)
            model.force(k, None)
            if best.status == "optimal":
                with_k = min(total, best.impact)
                if total - with_k > tol * total:
                    msgs.append(Message("unfunded_loss", impact_params(
                        plan, loss_impact=total - with_k, with_impact=with_k, total_impact=total)))
                else:
                    msgs.append(Message("reason_tie"))
                    if not found:
                        found.append(Message("reason_tie"))
            elif best.status == "infeasible":
                left = max(0.5, deadline - time.perf_counter())
                report = find_conflicts(plan, force_in=[p.id], time_limit=left)
                extra["blocked_by"] = report.conflicts
                msgs.append(Message("enter_blocked", {"blocked_items": blocked(report)}))
            else:
                msgs.append(cut())
        msgs.append(efficiency(ratio))
        return Explanation(reasons=tuple(found), messages=tuple(m for m in msgs if m),
                           **extra, **common)

    out = in_parallel(plan, model, list(range(len(props))), one, workers_for(len(props)))
    if budget_rise:
        rises = budget_rises(plan, result, time_limit=max(0.05, deadline - time.perf_counter()))
        out = [e if rise.status == "skipped" else _with_rise(e, rise)
               for e, rise in zip(out, rises)]
    return tuple(out)


def _with_rise(e: Explanation, rise: BudgetRise) -> Explanation:
    """The budget-rise sentence goes before the efficiency one."""
    msgs = list(e.messages)
    at = next((i for i, m in enumerate(msgs) if m.code.startswith("efficiency")), len(msgs))
    msgs.insert(at, rise.message)
    return replace(e, budget_rise=rise, messages=tuple(msgs))


def reasons(plan: Plan, k: int, units, c_star: int):
    """Exact facts about the best plan that keep proposal k out (see the module docstring)."""
    props = plan.proposals
    p = props[k]
    index = plan.index()
    rules = plan.rules
    if p.lock == LOCK_OUT or p.lock == 0:
        return [Message("reason_locked_out")]
    found = []
    for j, q in enumerate(props):
        if units[j] and (q.id in p.excludes or p.id in q.excludes):
            found.append(Message("reason_excluded_by", {"other_id": q.id,
                                                        "other": proposal_label(q)}))
    for other in p.requires:
        if not units[index[other]]:
            q = props[index[other]]
            found.append(Message("reason_requires", {"other_id": q.id,
                                                     "other": proposal_label(q)}))
    if exact(p.impact_per_unit) == 0:
        found.append(Message("reason_no_impact"))
    need = p.cost(p.low_units)
    left = plan.budget - c_star
    if need > left:
        found.append(Message("reason_budget", {"need_rp": need, "left_rp": left}))
    if p.location and rules.location_max_share is not None:
        cap = math.floor(exact(rules.location_max_share) * plan.budget)
        used = sum(q.cost(units[j]) for j, q in enumerate(props) if q.location == p.location)
        if used + need > cap:
            found.append(Message("reason_location_cap", {
                "location": p.location, "used_rp": used, "cap_rp": cap, "need_rp": need}))
    if p.category in rules.category_max_share:
        cap = math.floor(exact(rules.category_max_share[p.category]) * plan.budget)
        used = sum(q.cost(units[j]) for j, q in enumerate(props) if q.category == p.category)
        if used + need > cap:
            found.append(Message("reason_category_cap", {
                "category": p.category, "used_rp": used, "cap_rp": cap, "need_rp": need}))
    if not found:
        found.append(Message("reason_tie"))
    return found
