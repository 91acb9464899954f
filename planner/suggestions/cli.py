"""`flask --app planner plan solve PLAN.json`: solve a plan file from the command line."""
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..optimizer import PlanError, solve_plan_file

plan_cli = AppGroup("plan", help="Plan files (the optimizer's JSON format).")


@plan_cli.command("solve")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--solver", type=click.Choice(["cbc", "highs"]), default=None,
              help="Solver; default PLANNER_SOLVER (highs).")
@click.option("--time-limit", type=float, default=None, help="Seconds; default PLANNER_SOLVER_TIME_LIMIT.")
@click.option("--explain", is_flag=True, help="Add why each proposal is in or out.")
@click.option("--budget-rise", is_flag=True,
              help="With --explain: the budget at which each unfunded proposal enters.")
@click.option("--sensitivity", is_flag=True, help="Add the budget sweep from 50% to 150%.")
@click.option("--compare", is_flag=True, help="Add the spreadsheet-method comparison.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", help="Language of error messages.")
def solve(path, solver, time_limit, explain, budget_rise, sensitivity, compare, lang):
    """Solve PLAN.json (or - for standard input) and print the result as JSON.

    Prints {"status", "total_cost", "total_impact", "allocations", "conflicts", …}.
    Exit status 0 when a plan was found, 1 when infeasible or out of time (the
    JSON says why), 2 when the file is not a valid plan (the message names the
    field and the proposal).
    """

    try:
        with click.open_file(path, encoding="utf-8-sig") as handle:   # a BOM is fine
            data = json.load(handle)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        click.echo(str(PlanError("bad_json", where="plan", value=str(exc)).message(lang)), err=True)
        sys.exit(2)
    except RecursionError:
        click.echo(PlanError("too_deep", where="plan").message(lang), err=True)
        sys.exit(2)
    try:
        answer = solve_plan_file(
            data, solver=solver or current_app.config["SOLVER"],
            time_limit=time_limit or current_app.config["SOLVER_TIME_LIMIT"],
            explain=explain, sensitivity=sensitivity, compare=compare, budget_rise=budget_rise)
    except PlanError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    output = dict(answer["result"])
    for key in ("explanations", "sensitivity", "comparison"):
        if key in answer:
            output[key] = answer[key]
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))
    sys.exit(0 if output["status"] in ("optimal", "feasible") else 1)
