"""`python -m planner.optimizer solve PLAN.json [--solver highs|cbc] [--time-limit S]
[--explain [--budget-rise]] [--sensitivity] [--compare] [--lang id|en]`

Prints the plan file with its "result" as JSON on stdout. Exit status: 0 when a plan was found
(optimal or feasible), 1 when infeasible/timeout/error (the JSON says why), 2 on invalid input
(the message, in --lang, on stderr).
"""
from __future__ import annotations

import argparse
import json
import sys

from .planfile import PlanError
from .service import solve_plan_file


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.optimizer")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("solve", help="solve a plan file and print the result JSON")
    cmd.add_argument("path", help="plan file (JSON), or - for stdin")
    cmd.add_argument("--solver", default="highs", choices=["cbc", "highs"])
    cmd.add_argument("--time-limit", type=float, default=30)
    cmd.add_argument("--explain", action="store_true")
    cmd.add_argument("--budget-rise", action="store_true",
                     help="with --explain: the budget at which each unfunded proposal enters")
    cmd.add_argument("--sensitivity", action="store_true")
    cmd.add_argument("--compare", action="store_true")
    cmd.add_argument("--lang", default="id", choices=["id", "en"])
    args = parser.parse_args(argv)
    try:
        if args.path == "-":
            data = json.loads(sys.stdin.buffer.read().decode("utf-8-sig"))
        else:
            with open(args.path, encoding="utf-8-sig") as fh:   # a UTF-8 BOM is fine
                data = json.load(fh)
    except RecursionError:
        print(PlanError("too_deep", where="plan").message(args.lang), file=sys.stderr)
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(PlanError("bad_json", where="plan", value=str(exc)).message(args.lang),
              file=sys.stderr)
        return 2
    except OSError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        out = solve_plan_file(data, solver=args.solver, time_limit=args.time_limit,
                              explain=args.explain, sensitivity=args.sensitivity,
                              compare=args.compare, budget_rise=args.budget_rise)
    except PlanError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0 if out["result"]["status"] in ("optimal", "feasible") else 1


if __name__ == "__main__":
    sys.exit(main())
