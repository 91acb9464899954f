"""AKS benchmark: what the recommendations table adds to the kecamatan and kabupaten dashboards.

Builds the kabupaten of bench/dashboard.py (N villages, 40 proposals each, 80% committed), adds
four AKS recommendations per village of the audit of the year before (counts only), links one
proposal of half the villages to the first of them, and times, median of 3: the AKS lines of the
kecamatan (25 villages, with the team's empty roles) and of the kabupaten (all villages), and the
two dashboards' pages as a whole.

    python bench/aks.py                       # 40 and 400 villages on SQLite
    python bench/aks.py --sizes 400,2000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from dashboard import YEAR, build_app, build_summaries, populate, timed  # noqa: E402


def add_recommendations(app) -> int:
    from sqlalchemy import insert, select

    from planner.extensions import db
    from planner.models import AksRecommendation, Plan, Proposal, Region

    with app.app_context():
        villages = list(db.session.scalars(select(Region.id).where(Region.level == "desa").order_by(Region.id)))
        from datetime import datetime, timezone

        now = datetime.now(timezone.utc)
        rows = [dict(desa_id=v, year=YEAR - 1, semester=2, intervention=f"Rekomendasi {k}", target_group="baduta",
                     count=3, count_unit="orang", responsible="Bidan desa", created_at=now, updated_at=now)
                for v in villages for k in range(4)]
        db.session.execute(insert(AksRecommendation), rows)
        first = dict(db.session.execute(select(AksRecommendation.desa_id, AksRecommendation.id)
                                        .where(AksRecommendation.intervention == "Rekomendasi 0")).all())
        for i, (plan_id, desa_id) in enumerate(db.session.execute(select(Plan.id, Plan.desa_id)).all()):
            if i % 2:
                continue
            pid = db.session.scalar(select(Proposal.id).where(Proposal.plan_id == plan_id).limit(1))
            db.session.execute(Proposal.__table__.update().where(Proposal.id == pid)
                               .values(aks_recommendation_id=first[desa_id]))
        db.session.commit()
        return len(rows)


def measure(app, kab_code, kec_code) -> dict:

    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from planner.extensions import db
    from planner.models import Region, User
    from planner.services import aks, oversight

    figures = {}
    with app.test_request_context():
        for label, code, team in (("kecamatan", kec_code, True), ("kabupaten", kab_code, False)):
            region = db.session.scalar(select(Region).where(Region.code == code))
            rows = oversight.village_rows(region, YEAR)
            figures[f"{label} AKS lines"] = timed(lambda: aks.dashboard_lines(rows, YEAR, with_team=team,
                                                                              only_with_recommendations=not team))
    with app.app_context():
        logins = {}
        for role, code in (("kecamatan", kec_code), ("admin", kab_code)):
            region = db.session.scalar(select(Region).where(Region.code == code))
            user = User(username=f"bench.{role}", name="Bench", role=role, region=region,
                        password_hash=generate_password_hash("bench-password-123"))
            db.session.add(user)
            logins[role] = user.username
        db.session.commit()
    for label, path, role in (("kecamatan page", f"/kecamatan/{kec_code}/dasbor?tahun={YEAR}", "kecamatan"),
                              ("kabupaten page", f"/kabupaten/{kab_code}/dasbor?tahun={YEAR}", "admin")):
        client = app.test_client()
        client.post("/masuk", data={"username": logins[role], "password": "bench-password-123"})

        def get():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        figures[label] = timed(get)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="40,400")
    parser.add_argument("--postgres")
    args = parser.parse_args()
    columns = ["kecamatan AKS lines", "kabupaten AKS lines", "kecamatan page", "kabupaten page"]
    print(f"| database | villages | recommendations | {' | '.join(columns)} |")
    print("|" + "---|" * (len(columns) + 3))
    for size in [int(s) for s in args.sizes.split(",")]:
        url, label = (args.postgres, "PostgreSQL") if args.postgres else \
            (f"sqlite:///{tempfile.mkdtemp()}/bench.db", "SQLite")
        app = build_app(url)
        kab_code, kec_code, _rows = populate(app, size)
        build_summaries(app)
        recs = add_recommendations(app)
        figures = measure(app, kab_code, kec_code)
        print(f"| {label} | {size:,} | {recs:,} | " + " | ".join(f"{figures[c]:.3f} s" for c in columns) + " |",
              flush=True)
        with app.app_context():
            from planner.extensions import db
            db.engine.dispose()


if __name__ == "__main__":
    main()
