"""Do the engines agree on the demo villages' plans? Explanations and the budget sweep of every
demo plan, from the shipped engine (in-process HiGHS on small cores) and from PuLP + CBC.

    python bench/agreement.py [--whole]

Prints one line per plan (OK, or the first differences) and the time each engine took. The demo
plans matter because their impacts come from the catalogue (long floats), which is where the
engines once disagreed (docs/optimizer.md, "Impacts a solver can compare"). `--whole` compares
HiGHS on the whole MILP instead of the core. Cost drops reached at different units (a tie) are
not differences.
"""
import argparse
import importlib
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from planner import create_app  # noqa: E402
from planner.demo.data import load_demo  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import Plan  # noqa: E402
from planner.optimizer import backends, load_plan, solve  # noqa: E402
from planner.optimizer.formulation import build  # noqa: E402
from planner.optimizer.solve import lexicographic  # noqa: E402
from planner.services.plan_file_builder import plan_file  # noqa: E402

explain_module = importlib.import_module("planner.optimizer.explain")
sensitivity_module = importlib.import_module("planner.optimizer.sensitivity")


def demo_plans():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    with app.test_request_context():
        db.create_all()
        load_demo()
        return [(f"{p.desa.name} {p.year}", plan_file(p))
                for p in Plan.query.order_by(Plan.id).all()]


def answers(plan, result, make_engine):
    """Everything an engine decides for the plan: explanations, sweep, each level's plan."""
    explain_module.fast_engine = make_engine
    sensitivity_module.fast_engine = make_engine
    started = time.perf_counter()
    out = []
    if result.status == "optimal":
        for e in explain_module.explain(plan, result, workers=1):
            out.append(("explain", e.id, e.loss, e.cost_drop, e.never, len(e.required_by),
                        len(e.blocked_by)))
    sweep = sensitivity_module.sensitivity(plan, time_limit=600, workers=1)
    out.append(("marginal", sweep.marginal_impact))
    out.append(("stability", sorted(sweep.stability.items())))
    fm = build(plan)
    engine = make_engine(fm)
    for point in sweep.points:
        fm.set_budget(point.budget)
        engine.sync_budget()
        lexi = lexicographic(engine)
        out.append(("level", point.budget, lexi.status, lexi.impact, lexi.cost, lexi.units))
    return out, time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--whole", action="store_true", help="HiGHS on the whole MILP")
    args = parser.parse_args(argv)
    shipped = lambda fm: backends.HighsEngine(fm, core=not args.whole)  # noqa: E731
    cbc = lambda fm: backends.PulpEngine(fm, "cbc")  # noqa: E731
    differing = 0
    totals = [0.0, 0.0]
    for name, data in demo_plans():
        plan = load_plan(data)
        result = solve(plan)
        ours, t_ours = answers(plan, result, shipped)
        theirs, t_cbc = answers(plan, result, cbc)
        totals[0] += t_ours
        totals[1] += t_cbc
        diffs = [(a, b) for a, b in zip(ours, theirs) if a != b]
        differing += bool(diffs)
        print(f"{name:<24} {len(plan.proposals):>3} proposals  {result.status:<10} "
              f"{'OK' if not diffs else 'DIFFERS':<8} {t_ours:6.2f} s vs CBC {t_cbc:6.2f} s")
        for a, b in diffs[:3]:
            print(f"    ours {a}\n    cbc  {b}")
    print(f"plans that differ: {differing}; time {totals[0]:.1f} s (HiGHS, "
          f"{'whole' if args.whole else 'core'}) vs {totals[1]:.1f} s (CBC)")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
