"""The scorecard's table "Penggunaan Dana Desa dalam Pencegahan Stunting" for a village, a kecamatan and a
kabupaten, and the APBDes bidang totals a village enters after its commitment (audited, commitment untouched)."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent, Commitment, CommitmentActivity, Plan
from planner.services import scorecard

from .conftest import text_of
from .test_commitment_frozen import _meeting, _snapshot


def _areas(plan_id):
    areas = {}
    for code, cost in db.session.execute(select(CommitmentActivity.apbdes_code, CommitmentActivity.cost)
                                         .where(CommitmentActivity.plan_id == plan_id)):
        area = code.split(".")[0]
        areas[area] = areas.get(area, 0) + cost
    return areas


def test_lines_put_each_bidang_beside_its_total_and_keep_other_codes_apart():
    lines = scorecard.lines_for({"2": 90, "4": 10, "": 5}, {"2": 900, "4": None})
    assert [(line.area, line.total, line.stunting) for line in lines] == [("2", 900, 90), ("4", None, 10), ("", None, 5)]
    assert lines[0].share == pytest.approx(0.1) and lines[1].share is None and lines[2].share is None


def test_the_village_enters_its_bidang_totals_after_the_commitment_and_nothing_frozen_changes(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        before = _snapshot(ids["plan"])
        areas = _areas(ids["plan"])
        digest = db.session.get(Commitment, ids["commitment"]).content_hash
    client = login("desa_a1")
    page = client.get(f"/rencana/{ids['plan']}")
    assert "Penggunaan Dana Desa dalam Pencegahan Stunting" in text_of(page) and "belum diisi" in text_of(page)
    with app.app_context():
        version = db.session.get(Plan, ids["plan"]).version_id
    saved = client.post(f"/rencana/{ids['plan']}/apbdes", data={
        "version_id": str(version), "apbdes_pembangunan": "400.000.000", "apbdes_pemberdayaan": "80.000.000"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#dana-desa")
    with app.test_request_context():
        plan = db.session.get(Plan, ids["plan"])
        assert (plan.apbdes_pembangunan, plan.apbdes_pemberdayaan) == (400_000_000, 80_000_000)
        assert db.session.get(Commitment, ids["commitment"]).content_hash == digest
        after = _snapshot(ids["plan"])
        assert after["commitments"] == before["commitments"] and after["proposals"] == before["proposals"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.apbdes"))
        assert set(event.details["fields"]) == {"apbdes_pembangunan", "apbdes_pemberdayaan"}
        card = scorecard.plan_scorecard(plan)
        assert card.lines[0].stunting == areas["2"] and card.lines[0].share == pytest.approx(areas["2"] / 400_000_000)
    page = text_of(client.get(f"/rencana/{ids['plan']}"))
    assert "Rp 400.000.000" in page and "mengisi total APBDes per bidang" in page


def test_a_total_below_the_committed_stunting_money_is_refused_at_its_field(app, world, login):
    ids = _meeting(app, world)
    client = login("desa_a1")
    with app.app_context():
        version = db.session.get(Plan, ids["plan"]).version_id
    response = client.post(f"/rencana/{ids['plan']}/apbdes", data={
        "version_id": str(version), "apbdes_pembangunan": "1.000", "apbdes_pemberdayaan": ""})
    assert response.status_code == 422
    assert "Lebih kecil dari Dana Desa untuk stunting" in text_of(response) and 'value="1.000"' in response.text
    with app.app_context():
        assert db.session.get(Plan, ids["plan"]).apbdes_pembangunan is None


@pytest.mark.parametrize("who, status", [("kec_a1", 403), ("desa_a1y", 404), ("admin_a", 403)])
def test_only_the_village_enters_its_totals(app, world, login, who, status):
    client = login(who)
    response = client.post(f"/rencana/{world.plans['a1x']}/apbdes", data={"apbdes_pembangunan": "1.000"})
    assert response.status_code == status


def test_the_kecamatan_and_kabupaten_tables_add_up_their_villages(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        plan = db.session.get(Plan, ids["plan"])
        plan.apbdes_pembangunan, plan.apbdes_pemberdayaan = 500_000_000, 100_000_000
        other = db.session.get(Plan, world.plans["a2x"])
        other.apbdes_pembangunan = 300_000_000           # a village without a commitment: no stunting money
        db.session.commit()
        areas = _areas(ids["plan"])
    client = login("admin_a")
    page = client.get("/wilayah/35.17.09/penggunaan-dana-desa?tahun=2027")
    assert page.status_code == 200
    text = text_of(page)
    assert "Desa A1X" in text and "Desa A1Y" in text and "1 dari 2 desa sudah berkomitmen" in text
    kabupaten = client.get("/wilayah/35.17/penggunaan-dana-desa?tahun=2027")
    assert "Kecamatan A1" in text_of(kabupaten) and "Kecamatan A2" in text_of(kabupaten)
    book = load_workbook(io.BytesIO(client.get("/wilayah/35.17/penggunaan-dana-desa.xlsx?tahun=2027").data))
    rows = [r for r in book.active.iter_rows(values_only=True) if r and r[0] == "35.17" and r[2] == "2"]
    total, stunting, share = rows[0][4], rows[0][5], rows[0][6]
    assert total == 800_000_000 and stunting == areas["2"]
    assert share == pytest.approx(areas["2"] / 800_000_000)
    lines = list(csv.reader(io.StringIO(client.get("/wilayah/35.17.09/penggunaan-dana-desa.csv?tahun=2027")
                                        .data.decode("utf-8-sig")), delimiter=";"))
    village = [r for r in lines if r and r[0] == "35.17.09.2001" and r[2] == "2"][0]
    assert village[4] == "500000000" and village[5] == str(areas["2"])


def test_a_regions_share_counts_only_villages_that_entered_their_total():
    from planner.services.oversight import VillageRow

    entered = VillageRow(1, "1", "A", 1, "k", "K", plan_id=1, areas={"2": 50}, apbdes_pembangunan=500)
    missing = VillageRow(2, "2", "B", 1, "k", "K", plan_id=2, areas={"2": 50})
    card = scorecard.region_scorecard([entered, missing])
    line = card.lines[0]
    assert line.stunting == 100 and line.total == 500 and line.villages_entered == 1
    assert line.share == pytest.approx(0.1)               # 50 of the village that entered 500, not 100 / 500


def test_the_commitment_page_still_shows_its_own_snapshot(app, world, login):
    ids = _meeting(app, world)
    client = login("kec_a1")
    page = text_of(client.get(f"/komitmen/{ids['commitment']}"))
    assert "Penggunaan Dana Desa dalam Pencegahan Stunting" in page and "Pelaksanaan Pembangunan Desa" in page
