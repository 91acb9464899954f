"""planner.optimizer: split a village's stunting budget over proposals, exactly.

Pure Python (stdlib + PuLP, optionally highspy); nothing here knows about Flask or the database.
The web layer builds a `Plan` (or loads a plan-file dict) and renders what comes back.

Public API (details in docs/optimizer.md):
    load_plan(data: dict) -> Plan                       validate a plan file; raises PlanError
    validate_plan(plan: Plan) -> None                   same checks for a Plan built in code
    dump_plan(plan, result=None) -> dict                plan file v1 (with "result" if given)
    solve(plan, solver="highs"|"cbc", time_limit=30) -> Result
    result_to_dict(result) -> dict                      JSON-ready result
    explain(plan, result) -> tuple[Explanation, ...]    why each proposal is in or out
    budget_rises(plan, result, ids=None) -> tuple[BudgetRise, ...]
                                                        the budget at which unfunded ones enter
    sensitivity(plan, points=21) -> Sensitivity         budget sweep 50%..150%, stability
    spreadsheet_method(plan) -> Result                  greedy impact-per-Rupiah baseline
    compare(plan, solver="highs", time_limit=30) -> Comparison
    find_conflicts(plan) -> ConflictReport              smallest conflicting locks/rules
    solve_plan_file(data, solver="highs", time_limit=30, explain=False, sensitivity=False,
                    compare=False) -> dict             what `flask plan solve` prints
    explanation_to_dict / sensitivity_to_dict / comparison_to_dict -> dict
    format_rupiah(amount) -> "Rp 1.250.000"
    robustness(data, draws=200, seed=0, time_budget=None, progress=None) -> dict
                                                        version 2: re-optimised at low, high and
                                                        drawn effects ("Seberapa yakin?")
Every plan file, version 1 (additive impacts) or 2 (combined effects, docs/optimizer.md), is
solved by one path: v2.py on exact.Model (HiGHS); every function above answers both in the
same shapes.
Every sentence is data (`Message`: code + params) rendered by `.text("id")` / `.text("en")`.
"""
from .backends import available_solvers
from .budget_rise import BudgetRise, budget_rises
from .conflicts import ConflictReport, find_conflicts
from .explanation import Explanation, explain
from .service import (budget_rise_to_dict, explanation_to_dict, sensitivity_to_dict,
                      solve_plan_file)
from .messages import format_number, format_rupiah, render
from .model import (LOCK_IN, LOCK_OUT, Allocation, Conflict, Message, Plan, Proposal, Result,
                    Rules)
from .planfile import FORMAT, VERSION, PlanError, dump_plan, load_plan, validate_plan
from .report import result_to_dict
from .budget_sweep import BudgetPoint, Sensitivity, sensitivity
from .solver import solve
from .v2 import robustness
from .spreadsheet import Comparison, compare, comparison_to_dict, spreadsheet_method

__all__ = [
    "Allocation", "BudgetPoint", "BudgetRise", "budget_rise_to_dict", "budget_rises", "Comparison", "Conflict", "ConflictReport", "Explanation",
    "FORMAT", "LOCK_IN", "LOCK_OUT", "Message", "Plan", "PlanError", "Proposal", "Result",
    "Rules", "Sensitivity", "VERSION", "available_solvers", "compare", "comparison_to_dict",
    "dump_plan", "explain", "explanation_to_dict", "find_conflicts", "format_number",
    "format_rupiah", "load_plan", "render", "result_to_dict", "sensitivity",
    "robustness", "sensitivity_to_dict", "solve", "solve_plan_file", "spreadsheet_method",
    "validate_plan",
]
