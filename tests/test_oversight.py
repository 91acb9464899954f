"""Kecamatan and kabupaten oversight: each flag, the drill-down, realisation limits, review comments."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import (Commitment, CommitmentActivity, Plan, Realisation, Region, ReviewComment,
                            YearSettings)
from planner.services import oversight

from .conftest import text_of
from .test_commitment_frozen import _meeting


def _region(code):
    return db.session.scalar(select(Region).where(Region.code == code))


def _settings(kabupaten_code="35.17", year=2027, **values):
    kabupaten = _region(kabupaten_code)
    settings = YearSettings(kabupaten_id=kabupaten.id, year=year, priority_desa_ids=[], **values)
    db.session.add(settings)
    db.session.commit()
    return settings


def _rows(code="35.17.09", year=2027, as_of=date(2027, 8, 1), **kwargs):
    return {r.code: r for r in oversight.village_rows(_region(code), year, as_of=as_of, **kwargs)}


def _realise(plan_id, key, quarter, spent, units=0):
    plan = db.session.get(Plan, plan_id)
    db.session.add(Realisation(plan_id=plan.id, activity_key=key, quarter=quarter, spent=spent,
                               units_delivered=units, commitment_version=1))
    db.session.commit()


def _activities(plan_id):
    return db.session.scalars(select(CommitmentActivity).where(CommitmentActivity.plan_id == plan_id)).all()


# --- Rows and flags ---------------------------------------------------------------------------------------------

def test_rows_show_status_money_and_coverage(app, world):
    ids = _meeting(app, world)
    with app.test_request_context():
        rows = _rows()
        committed, draft = rows["35.17.09.2001"], rows["35.17.09.2002"]
        commitment = db.session.get(Commitment, ids["commitment"])
        assert committed.status == "committed" and committed.committed == commitment.total_cost
        # 2027 has no rules of the kabupaten: the 2026 defaults stand in, so the share is measured on the
        # regular Dana Desa after the cooperative's 58.03%.
        assert committed.commitment_version == 1 and committed.stunting_share == pytest.approx(150 / 419.7)
        assert {"kia", "konseling_gizi", "air_sanitasi"} <= committed.packages
        assert committed.packages_count == len(committed.packages)
        assert draft.status == "draft" and draft.committed is None
        assert committed.stunted_children == 36


def test_a_village_without_a_plan_is_listed_and_flagged_after_the_deadline(app, world):
    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1y"])
        db.session.delete(plan)
        db.session.commit()
        rows = _rows(deadline=date(2027, 3, 31))
        assert rows["35.17.09.2002"].status == "none"
        assert "no_commitment" in rows["35.17.09.2002"].flag_codes
        assert "no_commitment" in rows["35.17.09.2001"].flag_codes   # a draft is not a commitment
        early = _rows(as_of=date(2027, 3, 1), deadline=date(2027, 3, 31))
        assert "no_commitment" not in early["35.17.09.2002"].flag_codes


def test_committed_village_is_not_flagged_for_the_deadline(app, world):
    _meeting(app, world)
    with app.test_request_context():
        _settings(commitment_deadline=date(2027, 3, 31))
        rows = _rows()
        assert "no_commitment" not in rows["35.17.09.2001"].flag_codes
        assert "no_commitment" in rows["35.17.09.2002"].flag_codes


def test_stunting_share_below_the_kabupaten_floor(app, world):
    with app.test_request_context():
        _settings(stunting_share_floor=0.4)         # 150 million is 35.7% of the regular Dana Desa
        assert "below_floor" in _rows()["35.17.09.2001"].flag_codes
        db.session.get(Plan, world.plans["a1x"]).stunting_budget = 200_000_000
        db.session.commit()
        assert "below_floor" not in _rows()["35.17.09.2001"].flag_codes


def test_a_target_group_with_people_but_no_activity(app, world):
    with app.test_request_context():
        row = _rows()["35.17.09.2001"]
        flag = next(f for f in row.flags if f.code == "group_uncovered")
        assert "Ibu hamil" in flag.detail
        plan = db.session.get(Plan, world.plans["a1x"])
        for group in ("ibu_hamil", "ibu_nifas", "baduta", "catin", "remaja_putri", "keluarga"):
            setattr(plan, group, 0)
        db.session.commit()
        assert "group_uncovered" not in _rows()["35.17.09.2001"].flag_codes


def _report(plan_id, quarter, share, units_share=None, reason=""):
    """The village reports a quarter through the service: each activity `share` of its cost spent."""
    from planner.models import User
    from planner.services import realisation

    plan = db.session.get(Plan, plan_id)
    user = db.session.scalar(select(User).where(User.region_id == plan.desa_id, User.role == "desa"))
    units_share = share if units_share is None else units_share
    values = {a.key: {"spent": int(a.cost * share), "units": int(a.units * units_share), "note": "",
                      "over_reason": reason, "version": None} for a in _activities(plan_id)}
    realisation.save_quarter(plan, user, quarter, values)


def test_reported_quarters_lagging_and_the_second_tranche(app, world):
    ids = _meeting(app, world)
    with app.test_request_context():
        row = _rows(as_of=date(2027, 8, 1))["35.17.09.2001"]
        assert {"not_reported", "tranche2"} <= row.flag_codes and "lagging" not in row.flag_codes
        assert row.quarters == [None, None, None, None] and row.last_reported is None
        _report(ids["plan"], 1, 0.02)
        _report(ids["plan"], 2, 0.0)                # reported, nothing spent: not the same as not reported
        row = _rows(as_of=date(2027, 8, 1))["35.17.09.2001"]
        assert row.quarters[1] == 0 and row.quarters[2] is None and row.last_reported == 2
        assert {"lagging", "tranche2"} <= row.flag_codes and "not_reported" not in row.flag_codes
        _report(ids["plan"], 2, 0.25, units_share=0.5)
        row = _rows(as_of=date(2027, 8, 1))["35.17.09.2001"]
        assert "lagging" not in row.flag_codes and "tranche2" not in row.flag_codes
        assert row.spent_share == pytest.approx(0.27, abs=0.01) and row.quarters[0] + row.quarters[1] == row.spent
        # As of a date before the reports were made (today), nothing was reported yet.
        early = _rows(as_of=date.today() - timedelta(days=1))["35.17.09.2001"]
        assert early.spent == 0 and early.last_reported is None


def test_spending_over_the_commitment(app, world):
    ids = _meeting(app, world)
    with app.test_request_context():
        first = _activities(ids["plan"])[0]
        _realise(ids["plan"], first.key, 1, first.cost + 1)
        row = _rows()["35.17.09.2001"]
        assert "overspent" in row.flag_codes
        assert next(f for f in row.flags if f.code == "overspent").detail == "1 kegiatan"


def test_departing_from_the_suggestion_without_a_reason(app, world):
    from planner.models import User
    from planner.services import commitments, rembuk
    from . import factories

    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        factories.add_meeting_proposals(plan)
        user = db.session.scalar(select(User).where(User.username == world.usernames["desa_a1"]))
        session = rembuk.open_meeting(plan, user, dict(held_on=date(2026, 8, 12), place="Balai", chair="Sutrisno"))
        rembuk.add_attendee(session, user, dict(name="Siti", role="bidan_desa", sex="P"))
        latrine = next(p for p in plan.proposals if p.name == "Jamban sehat keluarga")
        rembuk.decide(session, user, latrine, "in", reason="")
        commitment = commitments.commit_meeting(session, user)
        assert commitment.unexplained_changes == 1
        row = _rows()["35.17.09.2001"]
        assert "unexplained" in row.flag_codes


def test_a_decision_with_a_reason_explains_the_departure(app, world):
    _meeting(app, world)        # its one decision has a reason
    with app.test_request_context():
        assert "unexplained" not in _rows()["35.17.09.2001"].flag_codes


def test_sorting_and_filtering(app, world):
    _meeting(app, world)
    with app.test_request_context():
        rows = list(_rows().values())
        by_budget = oversight.filter_and_sort(rows, sort="komitmen", descending=True)
        assert by_budget[0].code == "35.17.09.2001"
        only_committed = oversight.filter_and_sort(rows, status="committed")
        assert [r.code for r in only_committed] == ["35.17.09.2001"]
        assert oversight.filter_and_sort(rows, flag="overspent") == []


def test_kecamatan_rows_add_up_the_villages(app, world):
    _meeting(app, world)
    with app.test_request_context():
        rows = oversight.village_rows(_region("35.17"), 2027, as_of=date(2027, 8, 1))
        kecamatan = {k.code: k for k in oversight.kecamatan_rows(rows)}
        assert kecamatan["35.17.09"].villages == 2 and kecamatan["35.17.09"].committed_villages == 1
        assert kecamatan["35.17.10"].villages == 1
        total = oversight.totals(rows)
        assert total.villages == 3 and total.committed == sum(r.committed or 0 for r in rows)


# --- Dashboard pages -----------------------------------------------------------------------------------------------

def test_kecamatan_dashboard_for_its_officer_and_the_kabupaten(app, world, login):
    _meeting(app, world)
    client = login("kec_a1")
    page = client.get("/kecamatan/35.17.09/dasbor?tahun=2027&per=2027-08-01")
    assert page.status_code == 200
    text = text_of(page)
    assert "Desa A1X" in text and "Desa A1Y" in text and "Disepakati" in text and "Belum siap tahap II" in text
    assert "Desa A2X" not in text
    filtered = client.get("/kecamatan/35.17.09/dasbor?tahun=2027&status=committed")
    assert "Desa A1Y" not in text_of(filtered)
    sorted_page = client.get("/kecamatan/35.17.09/dasbor?tahun=2027&urut=komitmen&turun=1")
    assert sorted_page.status_code == 200 and 'aria-sort="descending"' in sorted_page.text
    bad = client.get("/kecamatan/35.17.09/dasbor?tahun=2027&per=kemarin")
    assert bad.status_code == 422 and "Tanggal tidak dikenali" in text_of(bad)
    client.post("/keluar")
    admin = login("admin_a")
    assert admin.get("/kecamatan/35.17.09/dasbor?tahun=2027").status_code == 200


def test_dashboards_are_scoped(app, world, login):
    for who, url, status in (("kec_a2", "/kecamatan/35.17.09/dasbor", 404), ("desa_a1", "/kecamatan/35.17.09/dasbor", 404),
                             ("kec_a1", "/kabupaten/35.17/dasbor", 404), ("admin_b", "/kabupaten/35.17/dasbor", 404),
                             ("admin_b", "/kecamatan/35.17.09/dasbor", 404), ("admin_a", "/kabupaten/35.17/dasbor", 200)):
        client = login(who)
        assert client.get(url).status_code == status, (who, url)
        client.post("/keluar")


def test_kabupaten_dashboard_drills_down_to_the_kecamatan_and_the_village(app, world, login):
    ids = _meeting(app, world)
    client = login("admin_a")
    page = client.get("/kabupaten/35.17/dasbor?tahun=2027&per=2027-08-01")
    assert page.status_code == 200
    assert 'href="/kecamatan/35.17.09/dasbor?tahun=2027' in page.text
    assert "Kecamatan A2" in text_of(page)
    drill = client.get("/kecamatan/35.17.09/dasbor?tahun=2027")
    assert f'href="/rencana/{ids["plan"]}"' in drill.text
    village = client.get(f"/rencana/{ids['plan']}")
    assert village.status_code == 200 and "Ubah anggaran dan sasaran" not in village.text


# --- Realisation -----------------------------------------------------------------------------------------------------

def _post_quarter(client, plan_id, quarter, rows):
    data = {}
    for key, values in rows.items():
        for name, value in values.items():
            data[f"{name}-{key}"] = value
    return client.post(f"/rencana/{plan_id}/realisasi?triwulan={quarter}", data=data)


def test_the_village_records_a_quarter_and_the_commitment_stays(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        digest = commitment.content_hash
        first = _activities(ids["plan"])[0]
        key, cost, units = first.key, first.cost, first.units
    client = login("desa_a1")
    page = client.get(f"/rencana/{ids['plan']}/realisasi?triwulan=1")
    assert page.status_code == 200 and "Simpan realisasi triwulan I" in page.text
    saved = _post_quarter(client, ids["plan"], 1, {key: {"spent": "1.000.000", "units": "3", "note": "Bulan Januari"}})
    assert saved.status_code == 303
    with app.app_context():
        entry = db.session.scalar(select(Realisation))
        assert (entry.spent, entry.units_delivered, entry.quarter) == (1_000_000, 3, 1)
        assert db.session.get(Commitment, ids["commitment"]).content_hash == digest
    assert "Rp 1.000.000" in text_of(client.get(f"/rencana/{ids['plan']}/realisasi?triwulan=1"))


def test_more_than_committed_needs_a_reason(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        first = _activities(ids["plan"])[0]
        key, cost = first.key, first.cost
    client = login("desa_a1")
    _post_quarter(client, ids["plan"], 1, {key: {"spent": str(cost - 10), "units": "0"}})
    over = _post_quarter(client, ids["plan"], 2, {key: {"spent": "100", "units": "0"}})
    assert over.status_code == 422
    assert "Tulis alasan" in text_of(over) and 'value="100"' in over.text
    with app.app_context():
        assert db.session.query(Realisation).count() == 1
    allowed = _post_quarter(client, ids["plan"], 2, {key: {"spent": "100", "units": "0",
                                                           "over_reason": "Harga telur naik"}})
    assert allowed.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Realisation).where(Realisation.quarter == 2)).over_reason == "Harga telur naik"


def test_bad_numbers_are_shown_at_their_field_and_nothing_is_saved(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        a, b = _activities(ids["plan"])[:2]
    client = login("desa_a1")
    response = _post_quarter(client, ids["plan"], 1, {a.key: {"spent": "sejuta", "units": "1"},
                                                      b.key: {"spent": "-5", "units": "2,5"}})
    assert response.status_code == 422
    text = text_of(response)
    assert "Tulis angka" in text and "Harus bilangan bulat." in text
    with app.app_context():
        assert db.session.query(Realisation).count() == 0


def test_realisation_is_read_only_for_officers_and_needs_a_commitment(app, world, login):
    ids = _meeting(app, world)
    kec = login("kec_a1")
    assert kec.get(f"/rencana/{ids['plan']}/realisasi").status_code == 200
    assert kec.post(f"/rencana/{ids['plan']}/realisasi?triwulan=1", data={}).status_code == 403
    kec.post("/keluar")
    other = login("desa_b")
    assert other.get(f"/rencana/{ids['plan']}/realisasi").status_code == 404
    other.post("/keluar")
    desa = login("desa_a1y")
    page = desa.get(f"/rencana/{world.plans['a1y']}/realisasi")
    assert page.status_code == 200 and "belum punya komitmen" in text_of(page)
    assert desa.post(f"/rencana/{world.plans['a1y']}/realisasi", data={}).status_code == 403


def test_realisation_needs_the_csrf_token(app, world, client):
    ids = _meeting(app, world)
    client.login(world.usernames["desa_a1"])
    response = client.open(f"/rencana/{ids['plan']}/realisasi?triwulan=1", method="POST", csrf=False, data={})
    assert response.status_code == 400


# --- Review comments --------------------------------------------------------------------------------------------------

def test_kecamatan_leaves_a_comment_the_village_sees(app, world, login):
    plan_id = world.plans["a1x"]
    kec = login("kec_a1")
    empty = kec.post(f"/rencana/{plan_id}/komentar", data={"body": "  "})
    assert empty.status_code == 303
    with app.app_context():
        assert db.session.query(ReviewComment).count() == 0
    assert kec.post(f"/rencana/{plan_id}/komentar", data={"body": "Tambahkan kegiatan untuk remaja putri."}).status_code == 303
    kec.post("/keluar")
    desa = login("desa_a1")
    page = desa.get(f"/rencana/{plan_id}")
    assert "Tambahkan kegiatan untuk remaja putri." in text_of(page)
    assert desa.post(f"/rencana/{plan_id}/komentar", data={"body": "Saya sendiri"}).status_code == 403
    desa.post("/keluar")
    other = login("kec_a2")
    assert other.post(f"/rencana/{plan_id}/komentar", data={"body": "Luar wilayah"}).status_code == 404
    with app.app_context():
        assert db.session.query(ReviewComment).count() == 1


# --- The village × quarter view ------------------------------------------------------------------------------------

def test_the_quarter_view_shows_reported_missing_and_not_yet_due_quarters(app, world, login):
    ids = _meeting(app, world)
    with app.test_request_context():
        _report(ids["plan"], 1, 0.1)
    client = login("kec_a1")
    page = client.get("/wilayah/35.17.09/triwulan?tahun=2027&per=2027-08-01")
    assert page.status_code == 200
    row = text_of(page).split("Desa A1X", 1)[1].split("Desa A1Y", 1)[0]
    # Q1 reported (spent shown), Q2 overdue since 15 July, Q3 and Q4 not due yet; each with its expectation.
    assert "belum lapor" in row and row.count("belum jatuh tempo") == 2 and "perkiraan" in row
    assert "Tw I" in row
    before = text_of(client.get(f"/wilayah/35.17.09/triwulan?tahun=2027&per={date.today() - timedelta(days=1)}"))
    assert "Tw I" not in before.split("Desa A1X", 1)[1].split("Desa A1Y", 1)[0]   # reported today, not yet then
    client.post("/keluar")
    admin = login("admin_a")
    kabupaten = text_of(admin.get("/wilayah/35.17/triwulan?tahun=2027&per=2027-08-01"))
    assert "Kecamatan A1" in kabupaten and "1/1 desa lapor" in kabupaten
    assert admin.get("/wilayah/35.17.09.2001/triwulan").status_code == 404
    admin.post("/keluar")
    assert login("kec_a2").get("/wilayah/35.17.09/triwulan").status_code == 404


def test_the_kabupaten_total_from_the_kecamatan_sums_is_the_villages_added_up(app, world):
    # The kabupaten page adds its villages once (per kecamatan) and its footer from those sums.
    _meeting(app, world)
    with app.test_request_context():
        rows = oversight.village_rows(_region("35.17"), 2027, as_of=date(2027, 8, 1))
        by_kecamatan, by_village = vars(oversight.sum_of(oversight.kecamatan_rows(rows))), vars(oversight.totals(rows))
        assert by_kecamatan.pop("expected") == pytest.approx(by_village.pop("expected"))
        assert by_kecamatan == by_village and by_village["villages"] == 3


def test_the_kabupaten_page_links_each_kecamatan_and_its_flags(app, world, login):
    _meeting(app, world)
    page = login("admin_a").get("/kabupaten/35.17/dasbor?tahun=2027&per=2027-08-01")
    assert page.status_code == 200
    assert 'href="/kecamatan/35.17.09/dasbor?tahun=2027&amp;per=2027-08-01"' in page.text
    assert 'href="/kecamatan/35.17.09/dasbor?tahun=2027&amp;tanda=tranche2"' in page.text
