"""Audit the impact model on the demo: is any demo plan's claim implausible? (issue 19)

    python bench/impact_audit.py [--year 2027] [--markdown]

Loads the demo into a fresh in-memory SQLite database, builds every demo plan's plan file (v2,
services.plan_file_builder) and solves it with whatever optimizer is installed (today's or the new one),
then judges the chosen units with the model (optimizer.impact_model, never the optimizer's own
figures). Per plan it prints:

- the central cases averted, as a share of the village's stunted children in a year;
- the range (every effect at its low and at its high value);
- partial courses: funded whole-course activities whose units are not a multiple of a course
  (must be 0);
- services funded without their platform: a funded activity whose platform `requires` link points
  at an enabling item left at 0 (must be 0);
- whether the central figure is above the kabupaten's plausibility bound (none may be).

Exit status 1 when any plan breaks one of the three "must" lines, so it can gate a release.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from planner import create_app, optimizer  # noqa: E402
from planner.extensions import db  # noqa: E402
from planner.models import Plan  # noqa: E402
from planner.services import plan_impact  # noqa: E402
from planner.services.plan_file_builder import plan_file  # noqa: E402


def partial_courses(data, units) -> list:
    out = []
    for p in data["proposals"]:
        n = units.get(p["id"], 0)
        course = p.get("units_per_course") or 1
        if n and p.get("whole_courses") and (n / course) != int(n / course):
            out.append(p["id"])
    return out


def services_without_platform(data, units) -> list:
    enabling = {p["id"] for p in data["proposals"] if p.get("enabling")}
    out = []
    for p in data["proposals"]:
        if units.get(p["id"], 0) and not p.get("enabling"):
            if any(other in enabling and not units.get(other, 0) for other in p.get("requires") or ()):
                out.append(p["id"])
    return out


def audit(year=None):
    from planner.demo.data import load_demo

    load_demo(year)
    rows = []
    for plan in db.session.scalars(select(Plan).order_by(Plan.year, Plan.desa_id)):
        data = plan_file(plan)
        answer = optimizer.solve_plan_file(data)
        result = answer["result"]
        units = plan_impact.units_of(result) if result.get("allocations") else {}
        found = plan_impact.plan_impact(data, units, plan_impact.bound_for(plan))
        rows.append({
            "village": plan.desa.name, "year": plan.year, "status": result["status"],
            "budget": plan.stunting_budget, "cost": result.get("total_cost") or 0,
            "stunted": found.stunted, "source": found.stunted_source, "central": found.central,
            "low": found.low, "high": found.high, "share": found.share, "bound": found.bound,
            "partial": len(partial_courses(data, units)), "unplatformed": len(services_without_platform(data, units)),
            "above": found.exceeds, "proposals": len(data["proposals"]),
        })
    return rows


def _share(value):
    return "–" if value is None else f"{value * 100:.1f}%"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (for docs/impact-model.md)")
    args = parser.parse_args()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "JOB_CONSUMER": "immediate",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.test_request_context():
        upgrade()
        rows = audit(args.year)
    head = ["desa", "tahun", "usulan", "status", "anggaran (jt)", "balita stunting", "kasus tercegah (rentang)",
            "porsi", "kursus parsial", "layanan tanpa platform", "di atas batas"]
    lines = []
    for r in rows:
        stunted = f"{r['stunted']:.0f}" + ("" if r["source"] == "measured" else " (perk.)")
        lines.append([r["village"], str(r["year"]), str(r["proposals"]), r["status"], f"{r['budget'] / 1e6:.0f}",
                      stunted, f"{r['central']:.1f} ({r['low']:.1f}–{r['high']:.1f})", _share(r["share"]),
                      str(r["partial"]), str(r["unplatformed"]), "YA" if r["above"] else "tidak"])
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head)]
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        for line in lines:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths)))
    bad = [r for r in rows if r["partial"] or r["unplatformed"] or r["above"]]
    print(f"\n{len(rows)} plans; partial courses {sum(r['partial'] for r in rows)}, services without their platform "
          f"{sum(r['unplatformed'] for r in rows)}, above the bound {sum(1 for r in rows if r['above'])}; "
          f"optimizer: {'new (robustness available)' if hasattr(optimizer, 'robustness') else 'today'}'s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
