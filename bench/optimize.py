"""Optimizer benchmark: solve, explanation and sensitivity times, and optimum vs spreadsheet.

Run from the repo root: `python bench/optimize.py` (or `make bench`). Plans are random but
shaped like a village's proposals (unit costs and impacts from docs/domain figures), seeded,
so runs are comparable. Options: --sizes 20,100 --solver cbc|highs --seed N --no-explain
--no-budget-rise --plans K (K plans per size, with the median of explanations + sensitivity).
`--v2 --sizes 40 --plans 5` benchmarks version-2 village plans (combined effects, whole courses,
platforms): the full suggestion the plan page asks for, and the 200-draw robustness analysis.
"rises" counts the unfunded proposals whose budget rise was found (enters), proven beyond 150%
(not_within) or left at a proven lower bound (unproven: 60 MILPs).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from planner.optimizer import (  # noqa: E402
    budget_rises, compare, explain, load_plan, robustness, sensitivity, solve, solve_plan_file)

# (name, category, package, target group, unit cost range, max units range, fixed cost range,
#  cases averted per unit range). Impacts: baseline risk ~0.2 x relative reduction, spread over
#  the units one person needs (e.g. 90 child-days).
KINDS = [
    ("PMT lokal balita", "spesifik", "konseling_gizi", "balita", (15000, 18000), (900, 2700),
     (0, 0), (0.00015, 0.0004)),
    ("PMT ibu hamil KEK", "spesifik", "kia", "ibu_hamil", (16000, 22000), (300, 1800),
     (0, 0), (0.0002, 0.0006)),
    ("Insentif kader posyandu", "spesifik", "kia", "balita", (50000, 250000), (12, 120),
     (0, 0), (0.0005, 0.003)),
    ("Operasional posyandu", "spesifik", "kia", "balita", (200000, 400000), (12, 48),
     (0, 0), (0.002, 0.01)),
    ("Kelas ibu hamil", "spesifik", "konseling_gizi", "ibu_hamil", (150000, 400000), (4, 24),
     (1000000, 3000000), (0.005, 0.03)),
    ("Jamban sehat", "sensitif", "air_sanitasi", "balita", (9500000, 10000000), (2, 20),
     (0, 0), (0.003, 0.02)),
    ("Sambungan air bersih", "sensitif", "air_sanitasi", "balita", (1500000, 3000000), (5, 60),
     (0, 0), (0.001, 0.008)),
    ("Alat antropometri", "spesifik", "kia", "balita", (6000000, 10000000), (1, 4),
     (0, 0), (0.01, 0.06)),
    ("Kelas parenting BKB", "sensitif", "paud", "balita", (100000, 300000), (6, 36),
     (500000, 2000000), (0.001, 0.006)),
    ("Akta lahir & JKN", "sensitif", "perlindungan_sosial", "balita", (50000, 150000),
     (20, 200), (0, 1000000), (0.0002, 0.001)),
    ("Konseling remaja putri (TTD)", "spesifik", "konseling_gizi", "remaja", (20000, 60000),
     (50, 400), (0, 1500000), (0.0001, 0.0008)),
    ("Bimbingan catin", "spesifik", "kia", "calon_pengantin", (100000, 250000), (10, 60),
     (0, 1000000), (0.001, 0.005)),
]


def round_to(value, step):
    return int(round(value / step)) * step


def random_plan(n: int, seed: int) -> dict:
    """A plan-file dict with n proposals, shaped like a village's rembuk stunting list."""
    rng = random.Random(seed)
    locations = [f"Dusun {name}" for name in
                 ("Krajan", "Lor", "Kidul", "Wetan", "Kulon", "Tengah", "Sumber", "Rejo")]
    locations = locations[:max(3, min(len(locations), n // 8))]
    proposals = []
    for k in range(n):
        name, cat, pkg, tg, uc, mu, fc, imp = rng.choice(KINDS)
        max_units = rng.randint(*mu)
        proposals.append({
            "id": f"p{k + 1}",
            "name": f"{name} {k + 1}",
            "unit_cost": round_to(rng.uniform(*uc), 500),
            "fixed_cost": round_to(rng.uniform(*fc), 100000) if fc[1] else 0,
            "min_units": rng.choice([1, 1, 1, max(1, max_units // 4)]),
            "max_units": max_units,
            "impact_per_unit": round(rng.uniform(*imp), 6),
            "category": cat, "package": pkg, "target_group": tg,
            "location": rng.choice(locations),
            "lock": None, "requires": [], "excludes": [],
        })
    # A few links and locks, as a rembuk produces them.
    for _ in range(max(1, n // 20)):
        a, b = rng.sample(range(n), 2)
        proposals[a]["requires"].append(proposals[b]["id"])
    for _ in range(max(1, n // 20)):
        a, b = rng.sample(range(n), 2)
        if proposals[b]["id"] not in proposals[a]["requires"] and \
                proposals[a]["id"] not in proposals[b]["requires"]:
            proposals[a]["excludes"].append(proposals[b]["id"])
    for k in rng.sample(range(n), max(1, n // 25)):
        if not proposals[k]["requires"] and not proposals[k]["excludes"]:
            proposals[k]["lock"] = rng.choice(["out", "out", "in"])
    for p in proposals:   # a locked-in proposal must not need or exclude anything
        if p["lock"] == "in":
            p["lock"] = None if any(p["id"] in q["excludes"] or p["id"] in q["requires"]
                                    for q in proposals) else "in"
    full = sum(p["fixed_cost"] + p["unit_cost"] * p["max_units"] for p in proposals)
    budget = round_to(full * rng.uniform(0.25, 0.4), 1_000_000)
    return {"budget": budget,
            "rules": {"category_min_share": {"spesifik": 0.3},
                      "category_max_share": {"sensitif": 0.7},
                      "location_max_share": 0.5 if len(locations) > 2 else None,
                      "packages_required": ["kia"],
                      "target_groups_required": ["ibu_hamil"]},
            "proposals": proposals}


# Version 2: (name, category, package, group, unit cost range, units per course, whole courses,
#  effect (low, central, high) or None, enabling, platform service) — catalogue-shaped.
KINDS_V2 = [
    ("PMT lokal balita gizi kurang", "spesifik", "konseling_gizi", "balita", (15000, 18000), 56,
     True, (0.02, 0.08, 0.15), False, True),
    ("PMT ibu hamil KEK", "spesifik", "kia", "ibu_hamil", (16000, 22000), 120, True,
     (0.03, 0.1, 0.2), False, True),
    ("Konseling PMBA", "spesifik", "konseling_gizi", "baduta", (20000, 40000), 6, True,
     (0.005, 0.05, 0.1), False, True),
    ("Kelas ibu hamil", "spesifik", "kia", "ibu_hamil", (150000, 250000), 4, True,
     (0.01, 0.04, 0.08), False, True),
    ("Protein hewani baduta", "spesifik", "konseling_gizi", "baduta", (5000, 8000), 90, True,
     (0.02, 0.06, 0.12), False, True),
    ("Jamban sehat", "sensitif", "air_sanitasi", "keluarga", (5000000, 10000000), 1, True,
     (0.0, 0.03, 0.08), False, False),
    ("Sambungan air bersih", "sensitif", "air_sanitasi", "keluarga", (1500000, 3000000), 1,
     True, (0.0, 0.02, 0.06), False, False),
    ("Kelas parenting BKB", "sensitif", "paud", "balita", (100000, 300000), 8, True,
     (0.0, 0.02, 0.05), False, True),
    ("TTD remaja putri", "spesifik", "konseling_gizi", "remaja", (20000, 60000), 12, False,
     (0.0, 0.01, 0.03), False, False),
    ("Insentif kader posyandu", "spesifik", "kia", "balita", (100000, 250000), 12, True,
     None, True, False),
    ("Operasional posyandu", "spesifik", "kia", "balita", (200000, 400000), 12, True,
     None, True, False),
    ("Kegiatan usulan desa", "sensitif", "perlindungan_sosial", "balita", (50000, 150000), 1,
     False, None, False, False),
]
GROUPS_V2 = {"balita": 260, "baduta": 110, "ibu_hamil": 28, "keluarga": 120, "remaja": 150}


def village_plan_v2(n: int, seed: int) -> dict:
    """A version-2 plan file with n proposals over three dusun, shaped like a village's list:
    services through each dusun's posyandu require its kader incentive and operations."""
    rng = random.Random(seed)
    dusun = ["Dusun Krajan", "Dusun Lor", "Dusun Kidul"]
    share = {d: rng.uniform(0.25, 0.4) for d in dusun}
    proposals, platform = [], {}
    for k in range(n):
        name, cat, pkg, tg, uc, per, whole, effect, enabling, service = KINDS_V2[k % len(KINDS_V2)]
        where = dusun[(k // len(KINDS_V2)) % len(dusun)]
        people = max(1, int(GROUPS_V2[tg] * share[where] * rng.uniform(0.3, 0.8)))
        p = {"id": f"p{k + 1}", "name": f"{name} ({where})", "unit_cost": round_to(rng.uniform(*uc), 500),
             "fixed_cost": 0, "min_units": 1, "max_units": per * (people if effect else
                                                                   rng.randint(1, 3)),
             "category": cat, "package": pkg, "target_group": tg, "location": where,
             "units_per_course": per, "whole_courses": whole, "enabling": enabling,
             "lock": None, "requires": [], "excludes": []}
        if effect:
            p["effect"] = dict(zip(("low", "central", "high"), effect))
            p["impact_per_unit"] = 0.2 * effect[1] / per
        elif not enabling:
            p["impact_per_unit"] = round(rng.uniform(0.0005, 0.002), 6)
        if enabling:
            platform.setdefault(where, []).append(p["id"])
        p["_service"] = service
        proposals.append(p)
    for p in proposals:
        if p.pop("_service"):
            p["requires"] = list(platform.get(p["location"], []))
    full = sum(p["unit_cost"] * p["max_units"] for p in proposals)
    return {"format": "planner-plan", "version": 2,
            "budget": round_to(full * rng.uniform(0.2, 0.3), 1_000_000),
            "groups": {g: {"population": n_g, "baseline_risk": 0.2, "source": "bench"}
                       for g, n_g in GROUPS_V2.items()},
            "stunted_children": 0.2 * GROUPS_V2["balita"],
            "rules": {"category_min_share": {"spesifik": 0.3},
                      "packages_required": ["kia"], "target_groups_required": ["ibu_hamil"]},
            "proposals": proposals}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,100,500,2000")
    parser.add_argument("--solver", default="cbc")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--no-budget-rise", action="store_true",
                        help="skip the exact budget rise of every unfunded proposal")
    parser.add_argument("--plans", type=int, default=1,
                        help="random plans per size (the first is the usual one; more give "
                             "the median: plans of one size differ several-fold)")
    parser.add_argument("--analysis-limit", type=float, default=120,
                        help="time limit (s) for explanations and for sensitivity, each")
    parser.add_argument("--v2", action="store_true",
                        help="version-2 village plans (combined effects): the full suggestion "
                             "and the 200-draw robustness analysis, per seed")
    parser.add_argument("--draws", type=int, default=200)
    args = parser.parse_args(argv)
    if args.v2:
        return bench_v2([int(s) for s in args.sizes.split(",")], args)
    header = (f"{'proposals':>9} {'seed':>6} {'status':>8} {'solve s':>8} {'explain s':>9} "
              f"{'sensitivity s':>13} {'opt/sheet':>9} {'sheet rules':>11} "
              f"{'opt/sheet no rules':>18} {'budget rise s':>13} {'rises':>20}")
    print(f"solver={args.solver} seed={args.seed} "
          f"(sheet rules = rules the spreadsheet method breaks; it ignores them)")
    print(header)
    for n in [int(s) for s in args.sizes.split(",")]:
        times = [bench_plan(n, args.seed + n + 7919 * i, args) for i in range(args.plans)]
        if args.plans > 1:
            both = sorted(e + t for e, t in times)
            print(f"{n:>9} {'':>6} explanations + sensitivity over {args.plans} plans: median "
                  f"{statistics.median(both):.3f} s, fastest {both[0]:.3f} s, slowest "
                  f"{both[-1]:.3f} s", flush=True)


def bench_v2(sizes, args):
    """Per size and seed: the main solve, explanations, sensitivity, the full suggestion as the
    plan page asks for it (solve_plan_file with explanations, sensitivity and the comparison),
    and robustness with --draws draws. "cpu s" is the process's CPU time over all its threads:
    on a machine shared with other work it moves less than the wall clock."""
    print(f"version 2 village plans, seeds {args.seed}..{args.seed + args.plans - 1}, "
          f"draws={args.draws}")
    print(f"{'proposals':>9} {'seed':>6} {'status':>8} {'gap':>8} {'solve s':>8} {'explain s':>9} "
          f"{'sensitivity s':>13} {'suggestion s':>12} {'(cpu s)':>8} {'robustness s':>12} "
          f"{'(cpu s)':>8} {'stays best':>10}")
    for n in sizes:
        totals = []
        for i in range(args.plans):
            seed = args.seed + i
            data = village_plan_v2(n, seed)
            plan = load_plan(data)
            t = time.perf_counter()
            result = solve(plan, "highs", args.time_limit)
            t_solve = time.perf_counter() - t
            t = time.perf_counter()
            explain(plan, result, time_limit=args.analysis_limit)
            t_explain = time.perf_counter() - t
            t = time.perf_counter()
            sensitivity(plan, time_limit=args.analysis_limit, result=result)
            t_sens = time.perf_counter() - t
            t, cpu = time.perf_counter(), time.process_time()
            out = solve_plan_file(data, solver="highs", time_limit=args.time_limit, explain=True,
                                  sensitivity=True, compare=True)
            t_full, cpu_full = time.perf_counter() - t, time.process_time() - cpu
            assert out["result"]["status"] == result.status
            t, cpu = time.perf_counter(), time.process_time()
            sure = robustness(data, draws=args.draws, seed=seed)
            t_rob, cpu_rob = time.perf_counter() - t, time.process_time() - cpu
            totals.append((t_full, t_rob))
            print(f"{n:>9} {seed:>6} {result.status:>8} {result.gap or 0:>8.1e} {t_solve:>8.3f} "
                  f"{t_explain:>9.3f} {t_sens:>13.3f} {t_full:>12.3f} {cpu_full:>8.3f} "
                  f"{t_rob:>12.3f} {cpu_rob:>8.3f} "
                  f"{sure['stays_best']:>10.3f}", flush=True)
        if len(totals) > 1:
            full = sorted(t for t, _ in totals)
            rob = sorted(r for _, r in totals)
            print(f"{n:>9} median suggestion {statistics.median(full):.3f} s, median robustness "
                  f"{statistics.median(rob):.3f} s over {len(totals)} plans", flush=True)


def bench_plan(n: int, seed: int, args) -> tuple:
    """Solve, explain, sweep and compare one random plan; print its row and return
    (explain s, sensitivity s)."""
    plan = load_plan(random_plan(n, seed))
    t = time.perf_counter()
    result = solve(plan, args.solver, args.time_limit)
    t_solve = time.perf_counter() - t
    t_explain = t_sens = t_rise = float("nan")
    rises = "–"
    missing = unsolved = 0
    if result.status == "optimal" and not args.no_explain:
        t = time.perf_counter()
        explanations = explain(plan, result, time_limit=args.analysis_limit)
        t_explain = time.perf_counter() - t
        missing = sum(1 for e in explanations
                      if any(m.code == "explanation_cut" for m in e.messages))
        t = time.perf_counter()
        sens = sensitivity(plan, time_limit=args.analysis_limit, result=result)
        t_sens = time.perf_counter() - t
        unsolved = sum(1 for p in sens.points if p.status not in ("optimal", "infeasible"))
        if not args.no_budget_rise:
            t = time.perf_counter()
            found = budget_rises(plan, result, time_limit=args.analysis_limit)
            t_rise = time.perf_counter() - t
            count = {s: sum(1 for r in found if r.status == s)
                     for s in ("enters", "not_within", "unproven")}
            rises = "{enters}/{not_within}/{unproven}".format(**count)
    cmp = compare(plan, optimum=result)
    ratio = f"{float(cmp.ratio):.3f}" if cmp.ratio is not None else "–"
    broken = len(cmp.spreadsheet.violations)
    # The same proposals without rules or links (locks stay): the spreadsheet's home ground.
    free = random_plan(n, seed)
    free["rules"] = {}
    for p in free["proposals"]:
        p["requires"], p["excludes"] = [], []
    free = load_plan(free)
    cmp_free = compare(free, args.solver, args.time_limit)
    ratio_free = f"{float(cmp_free.ratio):.3f}" if cmp_free.ratio is not None else "–"
    note = []
    if missing:
        note.append(f"{missing} explanations cut by the time limit")
    if unsolved:
        note.append(f"{unsolved} budget levels not proven")
    print(f"{n:>9} {seed:>6} {result.status:>8} {t_solve:>8.3f} {t_explain:>9.3f} {t_sens:>13.3f} "
          f"{ratio:>9} {broken:>11} {ratio_free:>18} {t_rise:>13.3f} {rises:>20} "
          f"{'; '.join(note)}", flush=True)
    return t_explain, t_sens


if __name__ == "__main__":
    main()
