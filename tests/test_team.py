"""The village team (TPPS desa) per year: kept by the village's operator, read by its officers; it
pre-fills the rembuk's attendance and the pelaksana suggestions; an empty key role is shown to the
village and the kecamatan. ADD sits beside Dana Desa on the pagu form and in the scorecard."""
from sqlalchemy import select

from planner.extensions import db
from planner.models import Attendee, Plan, TeamMember

from .conftest import text_of
from .test_rembuk import _open, _meeting_id, meeting_plan  # noqa: F401  (fixture)

A1X = "35.17.09.2001"


def _add(client, year=2027, **values):
    data = dict(role="kpm", name="Wati, S.Pd.", sex="P", place="Posyandu remaja Melati")
    data.update(values)
    return client.post(f"/wilayah/{A1X}/tim?tahun={year}", data=data)


def test_the_operator_keeps_the_team_per_year_and_the_missing_key_roles_show(app, world, login):
    client = login("desa_a1")
    page = text_of(client.get(f"/wilayah/{A1X}/tim?tahun=2027"))
    assert "Peran penting belum terisi: Kepala desa, Bidan desa, KPM (Kader Pembangunan Manusia), TPK" in page
    assert _add(client).status_code == 303
    assert _add(client, role="kepala_desa", name="Sutrisno", sex="L", place="").status_code == 303
    page = text_of(client.get(f"/wilayah/{A1X}/tim?tahun=2027"))
    assert "Wati, S.Pd." in page and "Posyandu remaja Melati" in page
    assert "belum terisi: Bidan desa, TPK (Tim Pendamping Keluarga)" in page
    assert "Belum ada anggota tim untuk tahun 2028" in text_of(client.get(f"/wilayah/{A1X}/tim?tahun=2028"))
    assert client.post(f"/wilayah/{A1X}/tim/salin?tahun=2028").status_code == 303
    with app.app_context():
        assert len(db.session.scalars(select(TeamMember).where(TeamMember.year == 2028)).all()) == 2
    plan_page = text_of(client.get(f"/rencana/{world.plans['a1x']}"))
    assert "Tim desa 2027: peran penting belum terisi: Bidan desa, TPK" in plan_page


def test_bad_member_values_get_messages_at_their_fields(app, world, login):
    response = _add(login("desa_a1"), name="", role="x", sex="")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Tulis nama dan gelar seperti saat menandatangani." in body and "Pilih peran dalam tim." in body
    assert "Pilih perempuan atau laki-laki." in body


def test_only_the_village_edits_its_team_officers_read_in_scope(app, world, login):
    client = login("kec_a1")
    assert client.get(f"/wilayah/{A1X}/tim").status_code == 200
    assert _add(client).status_code == 403
    client.post("/keluar")
    client = login("desa_a1y")
    assert client.get(f"/wilayah/{A1X}/tim").status_code == 404
    assert _add(client).status_code == 404
    client.post("/keluar")
    client = login("desa_a1")
    assert client.post(f"/wilayah/{A1X}/tim", data={"role": "kpm", "name": "X", "sex": "P"},
                       csrf=False).status_code == 400
    assert _add(client).status_code == 303
    with app.app_context():
        member_id = db.session.scalar(select(TeamMember.id))
    client.post("/keluar")
    assert login("kec_a1").post(f"/tim/{member_id}/hapus").status_code == 403
    client.post("/keluar")
    assert login("desa_a1").post(f"/tim/{member_id}/hapus").status_code == 303


def test_the_team_prefills_the_rembuk_attendance_and_the_pelaksana(app, world, login, meeting_plan):  # noqa: F811
    plan_id, _ids = meeting_plan
    client = login("desa_a1")
    _add(client)
    _add(client, role="kepala_desa", name="Sutrisno", sex="L", place="")
    _add(client, role="tpk", name="Darmi", sex="P", place="")
    form = client.get(f"/rencana/{plan_id}/usulan/baru").get_data(as_text=True)
    assert '<option value="KPM (Kader Pembangunan Manusia) (Wati, S.Pd.)">' in form
    assert '<option value="Posyandu remaja">' in form           # UKBM as places of service
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    page = client.get(f"/rembuk/{sid}").get_data(as_text=True)
    assert "Isi dari tim desa (3 orang)" in page
    client.post(f"/rembuk/{sid}/hadir", data={"name": "Sutrisno", "role": "kepala_desa", "sex": "L"})
    response = client.htmx("POST", f"/rembuk/{sid}/hadir/tim")
    assert response.status_code == 200
    assert "2 anggota tim desa ditambahkan ke daftar hadir." in text_of(response)
    with app.app_context():
        rows = {a.name: (a.role, a.sex, a.institution)
                for a in db.session.scalars(select(Attendee).where(Attendee.session_id == sid))}
    assert rows == {"Sutrisno": ("kepala_desa", "L", ""),
                    "Wati, S.Pd.": ("kpm", "P", "KPM (Kader Pembangunan Manusia) · Posyandu remaja Melati"),
                    "Darmi": ("lainnya", "P", "TPK (Tim Pendamping Keluarga)")}
    client.post("/keluar")
    assert login("kec_a1").post(f"/rembuk/{sid}/hadir/tim").status_code == 403


def test_the_pagu_form_holds_add_and_the_scorecard_counts_the_stunting_share_of_each(app, world, login):
    from planner.services.scorecard import plan_scorecard

    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    form = client.get(f"/rencana/{plan_id}/ubah").get_data(as_text=True)
    assert "Pagu Alokasi Dana Desa (ADD)" in form
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        values = {name: getattr(plan, name) for name in ("pagu", "stunting_budget", "ibu_hamil", "baduta")}
    response = client.post(f"/rencana/{plan_id}/ubah", data={
        "version_id": "1", "pagu": "1.000.000.000", "stunting_budget": "150.000.000", "pagu_add": "400.000.000",
        "ibu_hamil": str(values["ibu_hamil"]), "baduta": str(values["baduta"])})
    assert response.status_code == 303, text_of(response)[:500]
    with app.test_request_context():
        plan = db.session.get(Plan, plan_id)
        assert plan.pagu_add == 400_000_000
        card = plan_scorecard(plan)
        assert [(s.source, s.pagu, s.stunting) for s in card.sources] == [("dd", 1_000_000_000, 0),
                                                                           ("add", 400_000_000, 0)]
    assert "Porsi stunting per sumber: Dana Desa dan ADD" in text_of(client.get(f"/rencana/{plan_id}"))


def test_oversight_counts_the_add_committed_to_stunting(app, world, login):
    from planner.services.oversight import village_rows
    from planner.services.scorecard import region_scorecard

    from .test_berita_acara import ATTENDANCE, _commit

    with app.app_context():
        db.session.get(Plan, world.plans["a1x"]).pagu_add = 300_000_000
        db.session.commit()
    _commit(app, world, [
        dict(name="Kelas ibu hamil", package="kia", target_group="ibu_hamil", unit="kelas", unit_cost=750_000,
             min_units=4, max_units=12, impact_per_unit=0.004),
        dict(name="PMT ibu hamil KEK", target_group="ibu_hamil", unit="ibu-hari", unit_cost=20_000, min_units=90,
             max_units=900, impact_per_unit=0.00008, funding_source="add"),
    ], ATTENDANCE)
    with app.test_request_context():
        from planner.models import Region

        kecamatan = db.session.get(Region, world.region_ids["kec_a1"])
        rows = village_rows(kecamatan, 2027)
        row = next(r for r in rows if r.code == A1X)
        assert (row.pagu_add, row.add_committed) == (300_000_000, 18_000_000)
        card = region_scorecard(rows)
        add = next(s for s in card.sources if s.source == "add")
        assert (add.pagu, add.stunting) == (300_000_000, 18_000_000) and abs(add.share - 0.06) < 1e-9
    client = login("kec_a1")
    page = text_of(client.get("/wilayah/35.17.09/penggunaan-dana-desa?tahun=2027"))
    assert "Alokasi Dana Desa (ADD) Rp 300.000.000 Rp 18.000.000 6" in page
    # The recap sent upward carries both as well.
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/wilayah/35.17.09/rekap.xlsx?tahun=2027").data))
    sheet = book["Desa"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Kode desa")
    row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == A1X)
    values = dict(zip(header, row))
    assert (values["Pagu ADD"], values["Komitmen stunting dari ADD"]) == (300_000_000, 18_000_000)
    assert abs(values["Porsi stunting ADD"] - 0.06) < 1e-9


def test_the_prefill_button_counts_only_members_not_listed_yet(app, world, login, meeting_plan):  # noqa: F811
    plan_id, _ids = meeting_plan
    client = login("desa_a1")
    _open(client, plan_id)
    sid = _meeting_id(app, plan_id)
    assert "Isi tim desa (TPPS) tahun 2027" in text_of(client.get(f"/rembuk/{sid}"))     # no team yet
    _add(client)
    _add(client, role="tpk", name="Darmi", sex="P", place="")
    client.post(f"/rembuk/{sid}/hadir", data={"name": "Darmi", "role": "lainnya", "sex": "P"})
    page = text_of(client.get(f"/rembuk/{sid}"))
    assert "Isi dari tim desa (1 orang)" in page
    client.post(f"/rembuk/{sid}/hadir/tim")
    page = text_of(client.get(f"/rembuk/{sid}"))
    assert "Isi dari tim desa" not in page and "Isi tim desa (TPPS)" not in page
