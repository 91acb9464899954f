"""Clear words for where a plan stands: the village home's status and next step, a committed plan's refusal
that says what to do, a view-only board that offers only what a viewer can do, and a suggestion that marks
itself out of date on the same page as soon as a proposal changes."""
import re
from datetime import date

from sqlalchemy import select

from planner.extensions import db
from planner.models import Plan, Proposal, RembukMeeting

from . import factories
from .conftest import text_of
from .test_commitment_frozen import _meeting


def test_a_committed_plan_says_it_is_committed_and_how_to_change_it(app, world, login):
    ids = _meeting(app, world)
    client = login("desa_a1")
    response = client.get(f"/rencana/{ids['plan']}/ubah")
    assert response.status_code == 403
    text = text_of(response)
    assert "Rencana ini sudah disahkan — buka perubahan untuk mengubahnya." in text
    assert "Anda tidak berwenang" not in text and f"/rencana/{ids['plan']}/perubahan" in response.text
    fragment = client.htmx("POST", f"/usulan/{ids['proposal']}/hapus")
    assert fragment.status_code == 403 and "Rencana ini sudah disahkan" in text_of(fragment)
    board = client.post(f"/rembuk/{ids['session']}/keputusan", data={"action": "in"})
    assert board.status_code == 403 and "Rembuk ini sudah disahkan" in text_of(board)
    # Someone who may never change the plan still reads that it is not theirs to change.
    client.post("/keluar")
    officer = login("kec_a1")
    assert "Anda tidak berwenang" in text_of(officer.get(f"/rencana/{ids['plan']}/ubah"))


def test_the_village_home_shows_each_plans_status_and_next_step(app, world, login):
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        factories.plan(plan.desa, year=2026)
        db.session.commit()
    client = login("desa_a1")
    home = text_of(client.get(f"/wilayah/{world.regions['a1x']}"))
    assert "Rencana 2027 · Draf 2 usulan Langkah berikutnya: Hitung usulan alokasi" in home
    assert "Rencana 2026 · Draf belum ada usulan Langkah berikutnya: Tambahkan usulan kegiatan" in home
    ids = _meeting(app, world)
    home = client.get(f"/wilayah/{world.regions['a1x']}")
    assert "Disepakati versi 1" in text_of(home) and f"/komitmen/{ids['commitment']}" in home.text
    client.post("/keluar")
    officer = text_of(login("kec_a1").get(f"/wilayah/{world.regions['a1x']}"))
    assert "Menunggu desa: Tambahkan usulan kegiatan" in officer


def test_a_view_only_board_offers_only_what_a_viewer_can_do(app, world, login):
    ids = _meeting(app, world, commit=False)
    client = login("kec_a1")
    page = client.get(f"/rembuk/{ids['session']}/layar")
    text = text_of(page)
    assert page.status_code == 200 and 'class="projector"' in page.text
    assert "Hitung ulang" not in text and "Putuskan" not in text and "Urungkan" not in text
    assert "Operator desa yang mengubah dan menghitung" in text
    assert 'class="topbar"' not in page.text                 # projector mode: no application menu
    owner_board = text_of(_relogin(client, login, "desa_a1").get(f"/rembuk/{ids['session']}/layar"))
    assert "Hitung ulang" in owner_board and "Putuskan" in owner_board


def _relogin(client, login, who):
    client.post("/keluar")
    return login(who)


def test_the_board_lists_funded_activities_first_with_their_place(app, world, login):
    ids = _meeting(app, world, commit=False)
    client = login("desa_a1")
    with app.app_context():
        kek = db.session.scalar(select(Proposal.id).where(Proposal.name == "PMT ibu hamil KEK"))
    struck = client.htmx("POST", f"/rembuk/{ids['session']}/keputusan",
                         data={"proposal_id": kek, "action": "out", "reason": "Sudah dari puskesmas"})
    assert struck.status_code == 200
    page = client.get(f"/rembuk/{ids['session']}/layar").get_data(as_text=True)
    funded = page.index("Didanai (")
    left_out = page.index("Tidak didanai (")
    assert funded < left_out
    unfunded = _unfunded(app, ids)
    assert kek in unfunded
    assert all(page.index(f'id="row-u{pid}"') > left_out for pid in unfunded)
    assert "Jamban sehat keluarga · Dusun Krajan" in page and "per kasus tercegah" in page


def _unfunded(app, ids):
    from planner.services.plan_file_builder import proposal_id_of
    from planner.services.rembuk import meeting_suggestion

    with app.app_context():
        latest = meeting_suggestion(db.session.get(RembukMeeting, ids["session"]))
        return [proposal_id_of(a["id"]) for a in latest.result["result"]["allocations"] if not a["units"]]


def test_an_inline_edit_marks_the_suggestion_out_of_date_on_the_same_page(app, world, login):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    with app.app_context():
        db.session.get(Plan, plan_id).rules = {"target_groups_required": []}
        db.session.commit()
        proposal_id = db.session.scalar(select(Proposal.id).where(Proposal.plan_id == plan_id))
    computed = client.htmx("POST", f"/rencana/{plan_id}/hitung")
    assert '<div id="suggestion-stale">' in computed.text and "saran ini sudah usang" not in computed.text
    form = client.get(f"/usulan/{proposal_id}/ubah").get_data(as_text=True)
    version = re.search(r'name="version_id"[^>]*value="(\d+)"', form).group(1)
    values = {"version_id": version, "name": "PMT lokal balita", "category": "spesifik", "package": "konseling_gizi",
              "target_group": "balita", "location": "Dusun Krajan", "proposer": "posyandu", "unit": "anak-hari",
              "unit_cost": "17.000", "fixed_cost": "0", "min_units": "90", "max_units": "2.700", "apbdes_code": "2.2.02",
              "funding_source": "dd"}
    saved = client.htmx("POST", f"/usulan/{proposal_id}/ubah", data=values)
    assert saved.status_code == 200
    assert '<div id="suggestion-stale" hx-swap-oob="true">' in saved.text and "saran ini sudah usang" in saved.text
    deleted = client.htmx("POST", f"/usulan/{proposal_id}/hapus")
    assert "saran ini sudah usang" in deleted.text
