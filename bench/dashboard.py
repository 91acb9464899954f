"""Oversight benchmark: kecamatan and kabupaten dashboards and the recap export as villages grow.

Builds a kabupaten of N villages (25 per kecamatan) with 40 proposals each; 80% of them have a
committed plan with 20 activities and quarters of realisation (reported; one in seven has not
reported the third and fourth quarter). The kabupaten has set the year's money rules (the 2026
ones, KDMP 58.03%), an 8% stunting floor, a commitment deadline, desa lokus and a small catalogue,
and one plan in ten forgets the KDMP earmark, so every flag's rule has work to do. Then builds
the per-plan summaries the dashboards read (as `flask oversight summaries` does after a bulk load)
and times, median of 3: the kecamatan dashboard (rows + rendered page), the kabupaten dashboard
(all villages, per kecamatan sums, rendered page) as of today (before the year: nothing due yet),
as of 20 November of the year (every rule applies) and as of a past date (before the reports
were made: each village's detail is read), the kabupaten recap (XLSX written to a temporary file;
CSV of every activity, streamed: first chunk and whole), and one village saving a quarter of
realisation (the write that keeps its summary true). Peak memory by tracemalloc.

    python bench/dashboard.py                          # 40 and 400 villages on SQLite
    python bench/dashboard.py --sizes 40,400,6000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench

    python bench/dashboard.py --sizes 6000 --postgres URL --reuse   # measure the data left by the last run
    python bench/dashboard.py --sizes 6000 --postgres URL --reuse --http   # and over HTTP, as users get it

With --http, gunicorn is also started on the data as `make serve` starts it (one web worker of four
threads, planner/gunicorn_config.py, bench/load.py's start_servers), and the kabupaten page today,
in the year and at the past date is asked for over HTTP 15 times each after two warm-up views: the
time from the request to the last byte, median, 90th percentile and worst.

With --postgres the given database is emptied (schema public dropped) and used for every size;
with --reuse too, a database that already holds that many villages (the last size of an earlier
run) is measured as it is: to compare two versions of the code on the same data.
Data are inserted in bulk; commitment snapshots are abbreviated (dashboards and recaps read the
commitment's columns and its activity rows, never the snapshot).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PACKAGES = ["kia", "konseling_gizi", "air_sanitasi", "perlindungan_sosial", "paud"]
GROUPS = ["ibu_hamil", "baduta", "balita", "catin", "remaja_putri", "keluarga", "ibu_nifas"]
PER_KECAMATAN = 25
PROPOSALS = 40
ACTIVITIES = 20
YEAR = 2027


def build_app(url):
    from flask_migrate import upgrade

    from planner import create_app
    from planner.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "TESTING": True,
                      "SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgresql"):
            from sqlalchemy import text
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app


def populate(app, villages, seed=7):
    """Insert the kabupaten in bulk; returns (kabupaten code, one kecamatan code, data rows)."""
    from werkzeug.security import generate_password_hash

    from planner.extensions import db
    from planner import money_rules
    from planner.models import (CatalogueItem, Commitment, CommitmentActivity, Plan, Proposal, QuarterReport,
                                Realisation, Region, RembukMeeting, User, YearSettings)

    rnd = random.Random(seed)
    now = datetime.now(timezone.utc)
    rows = 0
    with app.app_context():
        conn = db.session
        kab = Region(code="35.99", name="Kabupaten Bench", level="kabupaten")
        conn.add(kab)
        conn.flush()
        n_kec = (villages + PER_KECAMATAN - 1) // PER_KECAMATAN
        # Kecamatan codes have two digits: beyond 99 kecamatan (a province-sized run) the codes borrow
        # the prefixes 35.98, 35.97, ... but all hang under the one kabupaten.
        kecs = [Region(code=f"35.{99 - k // 99:02d}.{k % 99 + 1:02d}", name=f"Kecamatan {k + 1}",
                       level="kecamatan", parent_id=kab.id) for k in range(n_kec)]
        conn.add_all(kecs)
        conn.flush()
        conn.add(User(username="bench_admin", name="Bench", role="admin", region_id=kab.id,
                      password_hash=generate_password_hash("rahasia-bench-123")))
        desa = []
        for i in range(villages):
            kec = kecs[i // PER_KECAMATAN]
            desa.append(dict(code=f"{kec.code}.{2001 + i % PER_KECAMATAN}", name=f"Desa {i + 1}", level="desa",
                             parent_id=kec.id))
        conn.execute(Region.__table__.insert(), desa)
        desa_ids = [r.id for r in conn.query(Region.id).filter(Region.level == "desa").order_by(Region.id)]
        conn.add(YearSettings(kabupaten_id=kab.id, year=YEAR, stunting_share_floor=0.08,
                              commitment_deadline=date(YEAR - 1, 12, 15), first_tranche_share=0.4,
                              priority_desa_ids=desa_ids[::10], legal_basis="PMK 7/2026",
                              money_rules=money_rules.DEFAULTS[2026].as_dict()))
        for k, group in enumerate(("ibu_hamil", "baduta", "balita", "remaja_putri", "keluarga")):
            conn.add(CatalogueItem(region_id=kab.id, code=f"B{k}", name=f"Layanan {group}", category="spesifik",
                                   package=PACKAGES[k], target_group=group, unit="unit"))
        pagus = [rnd.randint(600, 1700) * 1_000_000 for _ in desa_ids]
        plans = [dict(desa_id=d, year=YEAR, status="draft", pagu=pagu,
                      earmark_koperasi=0 if i % 10 == 3 else round(pagu * 0.5803), earmark_blt=0, earmark_other=0,
                      earmark_operasional=round(pagu * 0.4197 * 0.025),
                      stunting_budget=round(pagu * 0.4197 * rnd.uniform(0.06, 0.2), -6), ibu_hamil=rnd.randint(10, 60),
                      ibu_nifas=rnd.randint(10, 50), baduta=rnd.randint(40, 150), balita=rnd.randint(100, 400),
                      catin=rnd.randint(0, 20), remaja_putri=rnd.randint(20, 100), keluarga=rnd.randint(50, 200),
                      balita_measured=rnd.randint(80, 300), stunted_children=rnd.randint(5, 60), notes="",
                      version_id=1, created_at=now, updated_at=now) for i, (d, pagu) in enumerate(zip(desa_ids, pagus))]
        conn.execute(Plan.__table__.insert(), plans)
        plan_ids = [p.id for p in conn.query(Plan.id).order_by(Plan.id)]
        rows += len(desa) + len(plans)
        for chunk in range(0, len(plan_ids), 500):
            batch = []
            for plan_id in plan_ids[chunk:chunk + 500]:
                for k in range(PROPOSALS):
                    batch.append(dict(plan_id=plan_id, name=f"Usulan {k + 1}", category="spesifik" if k % 3 else "sensitif",
                                      package=PACKAGES[k % 5], target_group=GROUPS[k % 7], location=f"Dusun {k % 4}",
                                      proposer="posyandu", unit="unit", unit_cost=rnd.randint(10, 500) * 10_000,
                                      fixed_cost=0, min_units=0, max_units=rnd.randint(5, 100), impact_per_unit=0.001,
                                      apbdes_code="2.2.02", notes="", version_id=1, created_at=now, updated_at=now))
            conn.execute(Proposal.__table__.insert(), batch)
            rows += len(batch)
        committed = plan_ids[: int(len(plan_ids) * 0.8)]
        conn.execute(RembukMeeting.__table__.insert(), [
            dict(plan_id=p, version=1, status="committed", held_on=date(YEAR - 1, 8, 12), place="Balai Desa",
                 chair="Kepala Desa", facilitator="", agenda="", review="", reason="", version_id=1,
                 created_at=now, updated_at=now) for p in committed])
        conn.execute(Plan.__table__.update().where(Plan.id.in_(committed)).values(status="committed"))
        for chunk in range(0, len(committed), 500):
            part = committed[chunk:chunk + 500]
            conn.execute(Commitment.__table__.insert(), [
                dict(plan_id=p, version=1, reason="", committed_at=now, total_cost=ACTIVITIES * 5_000_000,
                     total_impact=0.5, content={"format": "bench"}, content_hash="0" * 64,
                     unexplained_changes=p % 7 == 0) for p in part])
            ids = dict(conn.query(Commitment.plan_id, Commitment.id).filter(Commitment.plan_id.in_(part)).all())
            activities, realised = [], []
            for p in part:
                for k in range(ACTIVITIES):
                    activities.append(dict(commitment_id=ids[p], plan_id=p, key=f"u{k}", name=f"Kegiatan {k + 1}",
                                           category="spesifik", package=PACKAGES[k % 5], target_group=GROUPS[k % 7],
                                           location="", responsible="posyandu", unit="unit", apbdes_code="2.2.02",
                                           units=50, unit_cost=100_000, cost=5_000_000, impact=0.025))
                    for q in range(1, 5 if p % 7 != 1 else 3):
                        realised.append(dict(plan_id=p, activity_key=f"u{k}", quarter=q,
                                             spent=rnd.randint(0, 1_500_000), units_delivered=rnd.randint(0, 15),
                                             note="", over_reason="", commitment_version=1, version_id=1,
                                             created_at=now, updated_at=now))
            conn.execute(CommitmentActivity.__table__.insert(), activities)
            conn.execute(Realisation.__table__.insert(), realised)
            reports = [dict(plan_id=p, quarter=q, commitment_version=1, reported_at=now, updated_at=now)
                       for p in part for q in range(1, 5 if p % 7 != 1 else 3)]
            conn.execute(QuarterReport.__table__.insert(), reports)
            rows += len(part) * 2 + len(activities) + len(realised) + len(reports)
        conn.add(User(username="bench_desa", name="Bench desa", role="desa", region_id=desa_ids[0],
                      password_hash=generate_password_hash("rahasia-bench-123")))
        conn.commit()
        return kab.code, kecs[0].code, rows


def held_villages(url):
    """(villages, kabupaten code, first kecamatan code, data rows) of an earlier run's data, or None."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            villages = conn.execute(text("SELECT count(*) FROM region WHERE level = 'desa'")).scalar()
            rows = sum(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in (
                "region", "plan", "proposal", "rembuk_session", "commitment", "commitment_activity", "realisation",
                "quarter_report"))
    except Exception:       # no such tables: nothing to reuse
        return None
    finally:
        engine.dispose()
    return villages, "35.99", "35.99.01", rows - (villages + PER_KECAMATAN - 1) // PER_KECAMATAN - 1


def reuse_app(url):
    from planner import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "TESTING": True,
                       "SECRET_KEY": "bench"})


def build_summaries(app):
    """What `flask oversight summaries` does after a bulk load, then the statistics PostgreSQL's
    autovacuum would gather (a bulk-loaded table without them gets poor plans); returns seconds."""
    from sqlalchemy import text

    from planner.extensions import db
    from planner.services import summaries

    with app.app_context():
        started = time.perf_counter()
        summaries.rebuild_all(db.session)
        seconds = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        return seconds


def timed(fn, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(app, kab_code, kec_code):
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Plan, Region, User
    from planner.services import oversight, realisation, recap

    client = app.test_client()
    client.post("/masuk", data={"username": "bench_admin", "password": "rahasia-bench-123"})
    figures = {}
    with app.test_request_context():
        kab = db.session.scalar(select(Region).where(Region.code == kab_code))
        kec = db.session.scalar(select(Region).where(Region.code == kec_code))
        figures["kecamatan rows"] = timed(lambda: oversight.village_rows(kec, YEAR))
        figures["kabupaten rows"] = timed(lambda: oversight.kecamatan_rows(oversight.village_rows(kab, YEAR)))
        context = oversight.context_for(kab, YEAR)
        rows = oversight.village_rows(kab, YEAR, context=context)
        big = len(rows) > 1000

        def xlsx():
            recap.recap_xlsx_file(kab, YEAR, rows, context).close()
        figures["recap xlsx"] = timed(xlsx, repeat=1 if big else 3)

        def first_chunk():
            next(iter(recap.recap_csv_stream(kab, YEAR, rows, context, "kegiatan")))
        figures["recap csv first chunk"] = timed(first_chunk)
        figures["recap csv"] = timed(lambda: sum(len(c) for c in recap.recap_csv_stream(kab, YEAR, rows, context,
                                                                                        "kegiatan")),
                                     repeat=1 if big else 3)
        operator = db.session.scalar(select(User).where(User.username == "bench_desa"))
        plan = db.session.scalar(select(Plan).where(Plan.desa_id == operator.region_id, Plan.year == YEAR))
        lines = realisation.sheet(plan).lines
        amounts = iter(range(1, 10 ** 6))

        def save_quarter():
            value = next(amounts)
            realisation.save_quarter(plan, operator, 4, {line.key: {"spent": value, "units": 0, "note": "",
                                                                    "version": None} for line in lines})
        figures["save a quarter"] = timed(save_quarter)
    past = (date.today() - timedelta(days=30)).isoformat()
    for name, url in (("kecamatan page", f"/kecamatan/{kec_code}/dasbor?tahun={YEAR}"),
                      ("kabupaten page", f"/kabupaten/{kab_code}/dasbor?tahun={YEAR}"),
                      ("kabupaten page in year", f"/kabupaten/{kab_code}/dasbor?tahun={YEAR}&per={YEAR}-11-20"),
                      ("kabupaten page past date", f"/kabupaten/{kab_code}/dasbor?tahun={YEAR}&per={past}")):
        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        figures[name] = timed(get)
    tracemalloc.start()
    with app.test_request_context():
        kab = db.session.scalar(select(Region).where(Region.code == kab_code))
        context = oversight.context_for(kab, YEAR)
        rows = oversight.village_rows(kab, YEAR, context=context)
        recap.recap_xlsx_file(kab, YEAR, rows, context).close()
    figures["peak MB"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return figures


HTTP_VIEWS = 15


def measure_http(url, kab_code):
    """The kabupaten pages over HTTP from gunicorn: {name: (median, p90, worst)} in seconds."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    from load import percentile, start_servers, stop_servers

    past = (date.today() - timedelta(days=30)).isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        base, servers = start_servers(url, 1, 1, None, None, tmp)
        try:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            form = opener.open(base + "/masuk").read().decode()
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
            opener.open(base + "/masuk", urllib.parse.urlencode({
                "csrf_token": token, "username": "bench_admin", "password": "rahasia-bench-123"}).encode()).read()
            figures = {}
            for name, query in (("today", ""), ("in year", f"&per={YEAR}-11-20"), ("past date", f"&per={past}")):
                times = []
                for view in range(2 + HTTP_VIEWS):
                    started = time.perf_counter()
                    with opener.open(f"{base}/kabupaten/{kab_code}/dasbor?tahun={YEAR}{query}") as response:
                        assert response.status == 200 and b"Per kecamatan" in response.read()
                    if view >= 2:
                        times.append(time.perf_counter() - started)
                figures[name] = (statistics.median(times), percentile(times, 90), max(times))
            return figures
        finally:
            stop_servers(servers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="40,400")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL database to empty and use")
    parser.add_argument("--reuse", action="store_true", help="measure the data an earlier run left, if its size")
    parser.add_argument("--http", action="store_true", help="also time the kabupaten page over HTTP from gunicorn")
    args = parser.parse_args()
    columns = ["kecamatan rows", "kecamatan page", "kabupaten rows", "kabupaten page", "kabupaten page in year",
               "kabupaten page past date", "recap xlsx",
               "recap csv first chunk", "recap csv", "save a quarter", "peak MB"]
    print(f"| database | villages | data rows | summaries built | {' | '.join(columns)} |")
    print("|" + "---|" * (len(columns) + 4))
    for size in [int(s) for s in args.sizes.split(",")]:
        if args.postgres:
            url, label = args.postgres, "PostgreSQL"
        else:
            if size > 1000:
                print(f"| SQLite | {size} | skipped: use --postgres for a province-sized run |")
                continue
            url, label = f"sqlite:///{tempfile.mkdtemp()}/bench.db", "SQLite"
        held = held_villages(url) if args.reuse and args.postgres else None
        if held and held[0] == size:
            app, (kab_code, kec_code, rows), build_seconds, summary_seconds = reuse_app(url), held[1:], 0, 0
        else:
            app = build_app(url)
            started = time.perf_counter()
            kab_code, kec_code, rows = populate(app, size)
            build_seconds = time.perf_counter() - started
            summary_seconds = build_summaries(app)
        figures = measure(app, kab_code, kec_code)
        cells = [f"{figures[c]:.3f} s" if c != "peak MB" else f"{figures[c]:.0f}" for c in columns]
        print(f"| {label} | {size:,} | {rows:,} | {summary_seconds:.1f} s | {' | '.join(cells)} |"
              f"  (data inserted in {build_seconds:.0f} s)", flush=True)
        if args.http:
            http_figures = measure_http(url, kab_code)
            print(f"|   over HTTP ({HTTP_VIEWS} views: median / p90 / worst) | "
                  + " | ".join(f"{name} {m:.3f} / {p:.3f} / {w:.3f} s" for name, (m, p, w) in http_figures.items())
                  + " |", flush=True)
        with app.app_context():
            from planner.extensions import db
            db.engine.dispose()


if __name__ == "__main__":
    main()
