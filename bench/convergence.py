"""Convergence scorecard benchmark: the dashboards' convergence section and the rembuk's lists as villages grow.

Builds a kabupaten of N villages (25 per kecamatan), each with four quarters of the Scorecard
Konvergensi Desa (19 indicator rows per quarter), and times, median of 5: the kecamatan
section (`region_convergence` on one kecamatan: one grouped query), the kabupaten section (all
villages summed per kecamatan), and the two per-village reads a rembuk or plan page makes
(`lagging`, `already_reached`). Only the service calls are timed, not the rendering.

    python bench/convergence.py                      # 400 and 2000 villages on SQLite
    python bench/convergence.py --sizes 400 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.dashboard import PER_KECAMATAN, build_app  # noqa: E402

YEAR = 2026


def populate(app, villages, seed=23):
    from sqlalchemy import insert

    from planner.extensions import db
    from planner.models import ConvergenceIndicator, ConvergenceScorecard, Region
    from planner.services.convergence import INDICATORS

    rnd = random.Random(seed)
    now = datetime.now(timezone.utc)
    with app.app_context():
        kab = Region(code="35.99", name="Kabupaten Bench", level="kabupaten")
        db.session.add(kab)
        db.session.flush()
        desa_ids, kecamatan = [], []
        for k in range((villages + PER_KECAMATAN - 1) // PER_KECAMATAN):
            kec = Region(code=f"35.99.{k + 1:02d}" if k < 99 else f"35.99.{k + 1}", name=f"Kec {k + 1}",
                         level="kecamatan", parent=kab)
            db.session.add(kec)
            kecamatan.append(kec)
        db.session.flush()
        for v in range(villages):
            kec = kecamatan[v // PER_KECAMATAN]
            desa = Region(code=f"{kec.code}.{2001 + v % PER_KECAMATAN}", name=f"Desa {v + 1}", level="desa",
                          parent=kec)
            db.session.add(desa)
            desa_ids.append(desa)
        db.session.flush()
        cards, next_id = [], 1
        for desa in desa_ids:
            for quarter in (1, 2, 3, 4):
                cards.append(dict(id=next_id, desa_id=desa.id, year=YEAR, quarter=quarter, ibu_hamil=30,
                                  ibu_hamil_kek=4, anak_0_23=80, anak_0_23_gizi=10, tikar_hijau=60, tikar_kuning=10,
                                  tikar_merah=4, source="form", version_id=1, created_at=now, updated_at=now))
                next_id += 1
        db.session.execute(insert(ConvergenceScorecard), cards)
        rows = []
        for card in cards:
            for indicator in INDICATORS:
                should = rnd.randint(5, 90)
                rows.append(dict(scorecard_id=card["id"], code=indicator.code, should=should,
                                 received=rnd.randint(0, should)))
        db.session.execute(insert(ConvergenceIndicator), rows)
        db.session.commit()
        return kab.id, kecamatan[0].id, desa_ids[0].id, len(cards), len(rows)


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(url, villages):
    from planner.extensions import db
    from planner.models import Region
    from planner.services import convergence

    app = build_app(url)
    kab_id, kec_id, desa_id, n_cards, n_rows = populate(app, villages)
    with app.test_request_context():
        kab, kec, desa = (db.session.get(Region, i) for i in (kab_id, kec_id, desa_id))
        figures = {
            "kecamatan section": timed(lambda: convergence.region_convergence(kec, YEAR)),
            "kabupaten section": timed(lambda: convergence.region_convergence(kab, YEAR)),
            "lagging (one village)": timed(lambda: convergence.lagging(desa, YEAR)),
            "already_reached (one village)": timed(lambda: convergence.already_reached(desa, YEAR)),
        }
    print(f"{villages} villages, {n_cards} scorecards, {n_rows} indicator rows ({url.split(':')[0]}):")
    for name, seconds in figures.items():
        print(f"  {name:32s} {seconds * 1000:8.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="400,2000")
    parser.add_argument("--postgres")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        if args.postgres:
            run(args.postgres, size)
        else:
            with tempfile.TemporaryDirectory() as folder:
                run(f"sqlite:///{folder}/bench.db", size)


if __name__ == "__main__":
    main()
