"""How much work HiGHS does for explanations and sensitivity, counted in instructions.

    python bench/solver_work.py [--proposals 100] [--seeds 2125,7] [--no-valgrind]

This VM's speed drifts by up to 2x from hour to hour and by +-20% between runs, which hides the
10-20% changes most optimizer ideas make. Instructions do not drift: the script re-runs itself
under `valgrind --tool=callgrind` with collection switched on only inside `Highs::run()` (every
LP and MILP of the re-solves, nothing of Python), one worker thread, and prints the count with a
digest of the answers (losses, cost cuts, every sweep level's plan), so two versions can be
compared on work done *and* shown to give the same answers. The same plan and version give the
same count to within 0.01%. One 100-proposal plan takes ~2 minutes under valgrind (two can run
at once on two cores). `--no-valgrind` prints CPU seconds instead (noisy, but quick).

The plans are bench/optimize.py's (`random_plan(n, seed)`): at 100 proposals its usual plan is
seed 2125, and `--plans 5` adds 10044, 17963, 25882 and 33801. Needs valgrind (Debian's
package) for counts.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)


def work(proposals: int, seed: int) -> str:
    """Explanations and sensitivity of one bench plan, one worker; a digest of the answers."""
    from optimize import random_plan
    from planner.optimizer import explain, load_plan, sensitivity, solve
    plan = load_plan(random_plan(proposals, seed))
    result = solve(plan, "cbc", 600)
    started = time.process_time()
    # Generous limits: under valgrind everything runs ~40x slower and must not be cut short.
    explanations = explain(plan, result, time_limit=50_000)
    sweep = sensitivity(plan, result=result, time_limit=50_000)
    cpu = time.process_time() - started
    answers = repr((tuple((e.id, e.loss, e.cost_drop, e.never) for e in explanations),
                    tuple((p.budget, p.total_impact, p.total_cost, p.funded)
                          for p in sweep.points)))
    return f"answers {hashlib.sha256(answers.encode()).hexdigest()[:12]} cpu {cpu:.3f}"


def counted(proposals: int, seed: int) -> str:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (apt-get install -y valgrind), "
                         "or run with --no-valgrind")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [valgrind, "--tool=callgrind", "--toggle-collect=Highs::run()",
             f"--callgrind-out-file={os.path.join(tmp, 'callgrind.out')}",
             sys.executable, os.path.abspath(__file__), "--inner",
             "--proposals", str(proposals), "--seeds", str(seed)],
            capture_output=True, text=True, check=True)
    refs = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    digest = re.search(r"answers \w+", out.stdout).group(0)
    return f"{int(refs.group(1).replace(',', '')):>16,} instructions in HiGHS  {digest}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=100)
    parser.add_argument("--seeds", default="2125")
    parser.add_argument("--no-valgrind", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for seed in (int(s) for s in args.seeds.split(",")):
        if args.inner or args.no_valgrind:
            print(f"proposals {args.proposals} seed {seed}: {work(args.proposals, seed)}",
                  flush=True)
        else:
            print(f"proposals {args.proposals} seed {seed}: {counted(args.proposals, seed)}",
                  flush=True)


if __name__ == "__main__":
    main()
