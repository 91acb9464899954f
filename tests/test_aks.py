"""Audit Kasus Stunting: recommendations entered (counts only) by the kabupaten or kecamatan, imported from
the recap template, read by the village, linked to proposals, honoured by the optimizer's rule, listed in
the Berita Acara and counted on both dashboards."""
import io
from datetime import date

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from planner.extensions import db
from planner.models import AksFinding, AksRecommendation, CatalogueItem, Plan, Proposal, Region
from planner.services import oversight
from planner.services.aks import village_counts as counts_by_village

from .conftest import text_of
from .test_berita_acara import ATTENDANCE, _commit, _flat, _pages

A1X = "35.17.09.2001"


def _recommendation(app, world, desa="a1x", **values):
    from planner.models import Region

    with app.app_context():
        defaults = dict(year=2026, semester=2, intervention="PMT ibu hamil KEK", target_group="ibu_hamil",
                        count=3, count_unit="orang", responsible="Bidan desa + PKK", due=date(2027, 6, 30))
        defaults.update(values)
        r = AksRecommendation(desa_id=db.session.get(Region, world.region_ids[desa]).id, **defaults)
        db.session.add(r)
        db.session.commit()
        rid = r.id
        db.session.remove()
    return rid


def _post_recommendation(client, code=A1X, **values):
    data = dict(year="2026", semester="2", intervention="Jamban sehat", catalogue_item="", target_group="keluarga",
                count="2", count_unit="keluarga", responsible="Kasi Kesejahteraan + TPK", due="30/06/2027")
    data.update(values)
    return client.post(f"/wilayah/{code}/aks/rekomendasi", data=data)


# --- Entering ---------------------------------------------------------------------------------------------

def test_kecamatan_enters_a_recommendation_and_a_finding_the_village_reads_them(app, world, login):
    client = login("kec_a1")
    response = _post_recommendation(client)
    assert response.status_code == 303
    response = client.post(f"/wilayah/{A1X}/aks/temuan", data=dict(year="2026", semester="2", target_group="ibu_hamil",
                                                                 cause="KEK (kurang energi kronis)", count="3"))
    assert response.status_code == 303
    page = text_of(client.get(f"/wilayah/{A1X}/aks"))
    assert "Jamban sehat" in page and "2 keluarga" in page and "KEK (kurang energi kronis)" in page
    client.post("/keluar")
    village = login("desa_a1")
    page = village.get(f"/wilayah/{A1X}/aks")
    assert page.status_code == 200
    body = text_of(page)
    assert "Jamban sehat" in body and "Tambah rekomendasi" not in body
    assert "belum ada usulan" in body            # the plan for 2027 answers the 2026 audit


def test_bad_values_get_messages_at_their_fields_in_indonesian(app, world, login):
    client = login("admin_a")
    response = _post_recommendation(client, count="nol", intervention="", due="besok", target_group="x")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="count-error"' in body and "Tulis bilangan bulat" in body
    assert 'id="intervention-error"' in body and "Tulis intervensi yang direkomendasikan" in body
    assert 'id="due-error"' in body and 'id="target_group-error"' in body
    response = _post_recommendation(client, intervention="Kunjungan rumah NIK 3517091203870001")
    assert response.status_code == 422 and "Jangan menulis NIK" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AksRecommendation.id)) is None


def test_who_may_enter_and_see(app, world, login):
    rid = _recommendation(app, world)
    client = login("desa_a1")
    assert _post_recommendation(client).status_code == 403          # the village reads only
    assert client.post(f"/aks/rekomendasi/{rid}/hapus").status_code == 403
    assert client.get("/wilayah/35.17.09.2002/aks").status_code == 404     # another village
    client.post("/keluar")
    client = login("kec_a2")
    assert client.get(f"/wilayah/{A1X}/aks").status_code == 404         # another kecamatan's village
    assert _post_recommendation(client).status_code == 404
    assert client.post(f"/aks/rekomendasi/{rid}/hapus").status_code == 404
    client.post("/keluar")
    client = login("admin_b")
    assert client.get(f"/wilayah/{A1X}/aks").status_code == 404
    client.post("/keluar")
    client = login("kec_a1")
    assert client.post(f"/wilayah/{A1X}/aks/rekomendasi", data={}, csrf=False).status_code == 400    # CSRF
    assert client.post(f"/aks/rekomendasi/{rid}/hapus").status_code == 303
    with app.app_context():
        assert db.session.get(AksRecommendation, rid) is None


# --- Import -------------------------------------------------------------------------------------------------

def _book(findings=(), recommendations=(), finding_header=None, recommendation_header=None) -> bytes:
    from planner.services.aks import FINDING_COLUMNS, RECOMMENDATION_COLUMNS

    book = Workbook()
    sheet = book.active
    sheet.title = "Temuan"
    sheet.append(list(finding_header or FINDING_COLUMNS))
    for row in findings:
        sheet.append(list(row))
    sheet = book.create_sheet("Rekomendasi")
    sheet.append(list(recommendation_header or RECOMMENDATION_COLUMNS))
    for row in recommendations:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data, code="35.17.09"):
    return client.post(f"/wilayah/{code}/aks/impor",
                       data={"file": (io.BytesIO(data), "rekap.xlsx")}, content_type="multipart/form-data")


def test_the_template_downloads_and_imports_back(app, world, login):
    client = login("kec_a1")
    response = client.get("/aks/templat-rekap-aks.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Petunjuk", "Temuan", "Rekomendasi"]
    assert "nama, NIK" in book["Petunjuk"]["A2"].value
    response = _upload(client, response.data)
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(AksFinding.count)) == 3
        assert db.session.scalar(select(AksRecommendation.intervention)) == "PMT ibu hamil KEK"


def test_a_good_file_imports_and_a_second_import_updates_instead_of_doubling(app, world, login):
    client = login("kec_a1")
    data = _book(findings=[[A1X, 2026, 2, "baduta", "Tidak naik berat badan", 4],
                           ["35.17.09.2002", 2026, 2, "keluarga", "Tanpa jamban sehat", 2]],
                 recommendations=[[A1X, 2026, 2, "PMT pemulihan baduta", "", "baduta", 4, "orang", "Kader posyandu",
                                   date(2027, 3, 31)]])
    assert _upload(client, data).status_code == 303
    assert _upload(client, data).status_code == 303
    with app.app_context():
        assert len(db.session.scalars(select(AksFinding)).all()) == 2
        assert len(db.session.scalars(select(AksRecommendation)).all()) == 1
        assert db.session.scalar(select(AksRecommendation.due)) == date(2027, 3, 31)


def test_a_file_with_a_name_or_nik_column_is_refused_whole(app, world, login):
    client = login("kec_a1")
    for header in (["kode_desa", "tahun", "semester", "sasaran", "penyebab", "jumlah", "Nama"],
                   ["kode_desa", "NIK", "tahun", "semester", "sasaran", "penyebab", "jumlah"],
                   ["kode_desa", "tahun", "semester", "sasaran", "penyebab", "jumlah", "Alamat"]):
        response = _upload(client, _book(findings=[[A1X, 2026, 2, "baduta", "Gizi kurang", 1, "x"]],
                                         finding_header=header))
        assert response.status_code == 422
        body = text_of(response)
        assert "Berkas ditolak" in body and "UU 27/2022" in body
    response = _upload(client, _book(findings=[[A1X, 2026, 2, "baduta", "3517091203870001", 1]]))
    assert response.status_code == 422 and "angka 16 digit" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(AksFinding.id)) is None


def test_bad_cells_are_named_by_sheet_row_and_column_and_nothing_is_saved(app, world, login):
    client = login("kec_a1")
    data = _book(findings=[[A1X, 2026, 2, "baduta", "Gizi kurang", 2],
                           [A1X, 2026, 3, "baduta", "Gizi kurang", "dua"]],
                 recommendations=[["35.17.10.2001", 2026, 2, "PMT", "", "baduta", 4, "orang", "", None],
                                  [A1X, 2026, 2, "PMT", "", "bayi", 4, "ekor", "", "kapan"]])
    response = _upload(client, data)
    assert response.status_code == 422
    body = text_of(response)
    for message in ("Lembar Temuan, baris 3, kolom semester", "Lembar Temuan, baris 3, kolom jumlah",
                    "Lembar Rekomendasi, baris 2, kolom kode_desa: desa 35.17.10.2001 tidak ada di wilayah Anda",
                    "Lembar Rekomendasi, baris 3, kolom sasaran", "Lembar Rekomendasi, baris 3, kolom satuan",
                    "Lembar Rekomendasi, baris 3, kolom batas_waktu"):
        assert message in body, message
    with app.app_context():
        assert db.session.scalar(select(AksFinding.id)) is None


def test_only_officers_import(app, world, login):
    client = login("desa_a1")
    assert client.get("/wilayah/35.17.09/aks/impor").status_code == 404          # out of a village's scope
    assert client.get(f"/wilayah/{A1X}/aks/impor").status_code == 403
    client.post("/keluar")
    assert login("kec_a1").get("/wilayah/35.17.09/aks/impor").status_code == 200


# --- The village answers: linked proposals, pre-fill, the rule ------------------------------------------------

def test_add_a_proposal_from_a_recommendation_prefilled_from_the_catalogue(app, world, login):
    with app.app_context():
        item = db.session.scalars(select(CatalogueItem).join(CatalogueItem.region)
                                  .where(CatalogueItem.active.is_(True), CatalogueItem.target_group == "ibu_hamil")
                                  .limit(1)).first()
        item_id, item_name = item.id, item.name
        region_id = item.region_id
    assert region_id == world.region_ids["kab_a"] or True
    rid = _recommendation(app, world, catalogue_item_id=item_id)
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    page = client.get(f"/rencana/{plan_id}")
    assert "Tambah usulan dari rekomendasi ini" in page.get_data(as_text=True)
    form = client.get(f"/rencana/{plan_id}/usulan/baru?rekomendasi={rid}")
    body = form.get_data(as_text=True)
    assert form.status_code == 200
    assert f'value="{item_name}"' in body and f'<option selected value="{rid}">' in body
    assert client.get(f"/rencana/{plan_id}/usulan/baru?rekomendasi=999999").status_code == 404
    other = _recommendation(app, world, desa="a1y")
    assert client.get(f"/rencana/{plan_id}/usulan/baru?rekomendasi={other}").status_code == 404


def _new_proposal(client, plan_id, rid, **values):
    data = dict(name="PMT ibu hamil KEK", category="spesifik", package="konseling_gizi", target_group="ibu_hamil",
                location="Posyandu remaja Melati", proposer="bidan_desa", unit="ibu-hari", unit_cost="20.000",
                fixed_cost="0", min_units="90", max_units="270", impact_per_unit="", apbdes_code="2.2.02",
                implementer="Bidan desa", funding_source="dd", notes="", aks_recommendation=str(rid))
    data.update(values)
    return client.post(f"/rencana/{plan_id}/usulan/baru", data=data)


def test_a_proposal_answers_a_recommendation_of_its_own_village_only(app, world, login):
    rid = _recommendation(app, world)
    other = _recommendation(app, world, desa="a1y")
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    response = _new_proposal(client, plan_id, other)
    assert response.status_code == 422
    assert "bukan untuk desa dan tahun rencana ini" in response.get_data(as_text=True)
    assert _new_proposal(client, plan_id, rid).status_code == 303
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.aks_recommendation_id == rid))
        assert proposal.location == "Posyandu remaja Melati"
    body = text_of(client.get(f"/rencana/{plan_id}"))
    assert "1 dari 1 rekomendasi sudah dijawab usulan" in body and "diusulkan" in body
    row = client.get(f"/rencana/{plan_id}").get_data(as_text=True).split('class="proposal-row"')
    assert sum('class="badge aks"' in part for part in row[1:]) == 1      # the answering proposal's own row


def test_the_rule_locks_answering_proposals_in_the_plan_file_only_when_on(app, world, login):
    from planner.services.plan_file_builder import plan_file

    rid = _recommendation(app, world)
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    assert _new_proposal(client, plan_id, rid).status_code == 303
    with app.test_request_context():
        plan = db.session.get(Plan, plan_id)
        linked = db.session.scalar(select(Proposal.id).where(Proposal.aks_recommendation_id == rid))
        data = plan_file(plan)
        assert "aks_first" not in data["rules"]
        assert all(p["lock"] is None for p in data["proposals"])
        db.session.remove()
    rules = client.get(f"/rencana/{plan_id}/aturan")
    assert "Dahulukan usulan yang menjawab rekomendasi AKS" in rules.get_data(as_text=True)
    response = client.post(f"/rencana/{plan_id}/aturan", data={"target_groups_required": ["ibu_hamil"],
                                                                "aks_first": "y"})
    assert response.status_code == 303
    with app.test_request_context():
        plan = db.session.get(Plan, plan_id)
        data = plan_file(plan)
        locks = {p["id"]: p["lock"] for p in data["proposals"]}
        assert locks.pop(f"u{linked}") == "in"
        assert set(locks.values()) == {None}
        assert "aks_first" not in data["rules"]
        # The room's own decision wins over the rule.
        assert {p["id"]: p["lock"] for p in plan_file(plan, locks={linked: "out"})["proposals"]}[f"u{linked}"] == "out"
        db.session.remove()
    client.post(f"/rencana/{plan_id}/hitung")
    page = text_of(client.get(f"/rencana/{plan_id}"))
    assert "1 dari 1 usulan yang menjawab rekomendasi AKS didanai" in page and "didahulukan: dikunci masuk" in page


def test_the_kabupaten_rule_set_switches_the_rule_on_for_plans_without_their_own(app, world):
    from planner.models import YearSettings
    from planner.services.plan_file_builder import plan_file

    rid = _recommendation(app, world)
    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        proposal = plan.proposals[0]
        proposal.aks_recommendation_id = rid
        plan.rules = None
        db.session.add(YearSettings(kabupaten_id=world.region_ids["kab_a"], year=2027, rules={"aks_first": True}))
        db.session.commit()
        assert {p["id"]: p["lock"] for p in plan_file(plan)["proposals"]}[f"u{proposal.id}"] == "in"


# --- The Berita Acara and the dashboards -----------------------------------------------------------------------

def test_the_berita_acara_lists_answered_and_left_recommendations_with_the_reason(app, world, login):
    funded = _recommendation(app, world, intervention="Kelas ibu hamil KEK")
    left = _recommendation(app, world, intervention="Jamban sehat", target_group="keluarga", count=2,
                           count_unit="keluarga")
    ignored = _recommendation(app, world, intervention="Konseling remaja putri", target_group="remaja_putri", count=5)
    assert ignored
    cid = _commit(app, world, [
        dict(name="Kelas ibu hamil", package="kia", target_group="ibu_hamil", unit="kelas", unit_cost=750_000,
             min_units=4, max_units=12, impact_per_unit=0.004, aks_recommendation_id=funded),
        dict(name="Jamban sehat keluarga", category="sensitif", package="air_sanitasi", target_group="keluarga",
             unit="unit", unit_cost=6_500_000, min_units=1, max_units=2, impact_per_unit=0.002,
             funding_source="csr", aks_recommendation_id=left),
    ], ATTENDANCE)
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        # The CSR activity is struck by nobody, so funded; make the "left" one unfunded by its own record.
        assert plan.latest_commitment.content["aks"][0]["status"] in ("funded", "not_funded", "none")
    text = _flat(" ".join(_pages(login("desa_a1").get(f"/komitmen/{cid}/berita-acara.pdf").data)))
    assert "Tindak lanjut rekomendasi Audit Kasus Stunting" in text
    assert "Kelas ibu hamil KEK" in text and "dijawab dan didanai" in text
    assert "Konseling remaja putri" in text and "ditinggalkan: tidak ada usulan" in text


def test_the_berita_acara_names_an_unfunded_answer(app, world):
    from planner.services.aks import snapshot

    rid = _recommendation(app, world)
    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.proposals[0].aks_recommendation_id = rid
        db.session.commit()
        rows = snapshot(plan, {})
        assert rows[0]["status"] == "not_funded"
        from planner.documents.berita_acara import _aks

        section = _aks(rows)
        assert section.rows[0][-1] == "ditinggalkan: usulan tidak didanai"


def test_dashboards_count_answered_funded_and_not_yet_per_village(app, world, login):
    answered = _recommendation(app, world)
    _recommendation(app, world, intervention="Jamban sehat")
    _recommendation(app, world, desa="a2x", intervention="Konseling gizi")
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.proposals[0].aks_recommendation_id = answered
        db.session.commit()
    client = login("kec_a1")
    page = client.get("/kecamatan/35.17.09/dasbor")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    section = text_of(page)[text_of(page).index("Rekomendasi Audit Kasus Stunting dan tim desa"):]
    assert "Desa A1X 35.17.09.2001 2 1 0 1" in section
    assert "Desa A2X" not in section                              # another kecamatan
    assert "Kepala desa, Bidan desa, KPM" in section             # the village teams are empty
    assert 'href="/wilayah/35.17.09.2001/aks"' in body
    client.post("/keluar")
    page = text_of(login("admin_a").get("/kabupaten/35.17/dasbor"))
    section = page[page.index("Rekomendasi Audit Kasus Stunting dan tim desa"):]
    assert "Desa A1X 35.17.09.2001 Kecamatan A1 2 1 0 1" in section
    assert "Desa A2X 35.17.10.2001 Kecamatan A2 1 0 0 1" in section
    assert "Desa A1Y" not in section                             # no recommendations there


def test_village_counts_count_a_funded_answer(app, world):
    from planner.services.aks import village_counts

    rid = _recommendation(app, world)
    cid = _commit(app, world, [dict(name="Kelas ibu hamil", package="kia", target_group="ibu_hamil", unit="kelas",
                                    unit_cost=750_000, min_units=4, max_units=12, impact_per_unit=0.004,
                                    aks_recommendation_id=rid)], ATTENDANCE)
    assert cid
    with app.app_context():
        counts = village_counts([world.region_ids["a1x"]], 2027)[world.region_ids["a1x"]]
        assert (counts.total, counts.answered, counts.funded, counts.not_yet) == (1, 1, 1, 0)


def test_the_api_lists_a_villages_recommendations_in_scope_as_documented(app, world, login):
    from .test_api import _validate

    rid = _recommendation(app, world)
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.proposals[0].aks_recommendation_id = rid
        db.session.commit()
        pid = plan.proposals[0].id
    client = login("kec_a1")
    response = client.get(f"/api/v1/villages/{A1X}/aks-recommendations?year=2027")
    assert response.status_code == 200
    _validate(response, "AksRecommendations")
    item = response.get_json()["recommendations"][0]
    assert (item["intervention"], item["count"], item["plan_status"], item["proposals"]) == \
        ("PMT ibu hamil KEK", 3, "proposed", [pid])
    assert "nama" not in json_keys(response.get_json()) and "nik" not in json_keys(response.get_json())
    assert client.get("/api/v1/villages/35.17.10.2001/aks-recommendations").status_code == 404
    assert client.get(f"/api/v1/villages/{A1X}/aks-recommendations?year=abc").status_code == 400
    assert "/villages/{code}/aks-recommendations" in client.get("/api/v1/openapi.json").get_json()["paths"]


def json_keys(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in json_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in json_keys(v)}
    return set()


def test_a_plan_answers_last_years_audits_and_this_years_first_semester_only(app, world):
    from planner.services.aks import plan_statuses

    last_year = _recommendation(app, world, year=2026, semester=1, intervention="A")
    first_semester = _recommendation(app, world, year=2027, semester=1, intervention="B")
    _recommendation(app, world, year=2027, semester=2, intervention="C")      # for the 2028 plan
    _recommendation(app, world, year=2025, semester=2, intervention="D")      # answered by 2026
    with app.test_request_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        assert {s.recommendation.id for s in plan_statuses(plan)} == {last_year, first_semester}


def test_the_village_or_the_rembuk_switches_the_rule_from_the_aks_panel(app, world, login):
    from datetime import date as day

    from planner.models import RembukMeeting
    from planner.services import rembuk
    from planner.services.rules import effective_rules

    from .test_commitment_frozen import _user

    rid = _recommendation(app, world)
    plan_id = world.plans["a1x"]
    client = login("desa_a1")
    assert "Aturan AKS tidak aktif" in text_of(client.get(f"/rencana/{plan_id}"))
    response = client.post(f"/rencana/{plan_id}/aturan/aks", data={"aktif": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/rencana/{plan_id}#aks")
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert effective_rules(plan)["aks_first"] is True
        assert effective_rules(plan)["target_groups_required"] == ["ibu_hamil", "baduta"]    # the rest unchanged
        plan.proposals[0].aks_recommendation_id = rid
        db.session.commit()
    with app.test_request_context():
        plan = db.session.get(Plan, plan_id)
        session = rembuk.open_meeting(plan, _user(world.usernames["desa_a1"]),
                                      dict(held_on=day(2026, 8, 12), place="Balai", chair="Sutrisno"))
        sid = session.id
        db.session.remove()
    page = text_of(client.get(f"/rembuk/{sid}"))
    assert "Rekomendasi Audit Kasus Stunting" in page and "Aturan AKS aktif" in page
    response = client.post(f"/rencana/{plan_id}/aturan/aks", data={"aktif": "0", "rembuk": str(sid)})
    assert response.headers["Location"].endswith(f"/rembuk/{sid}#aks")
    with app.app_context():
        assert "aks_first" not in effective_rules(db.session.get(Plan, plan_id))
        assert db.session.get(RembukMeeting, sid) is not None
    client.post("/keluar")
    assert login("kec_a1").post(f"/rencana/{plan_id}/aturan/aks", data={"aktif": "1"}).status_code == 403


def test_deleting_a_recommendation_tells_the_plans_that_answered_it(app, world, login):
    rid = _recommendation(app, world)
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.proposals[0].aks_recommendation_id = rid
        db.session.commit()
    client = login("kec_a1")
    assert client.post(f"/aks/rekomendasi/{rid}/hapus").status_code == 303
    with app.app_context():
        assert db.session.get(Plan, world.plans["a1x"]).proposals[0].aks_recommendation_id is None
    client.post("/keluar")
    client = login("desa_a1")
    assert "rekomendasi AKS “PMT ibu hamil KEK” dihapus" in text_of(client.get(f"/rencana/{world.plans['a1x']}/riwayat"))


def test_an_officer_corrects_a_recommendation_the_village_cannot(app, world, login):
    rid = _recommendation(app, world)
    client = login("kec_a1")
    form = client.get(f"/aks/rekomendasi/{rid}/ubah")
    assert form.status_code == 200 and 'value="PMT ibu hamil KEK"' in form.get_data(as_text=True)
    bad = client.post(f"/aks/rekomendasi/{rid}/ubah", data=dict(year="2026", semester="2", intervention="PMT ibu hamil KEK",
                                                               target_group="ibu_hamil", count="-1", count_unit="orang"))
    assert bad.status_code == 422 and 'id="count-error"' in bad.get_data(as_text=True)
    good = client.post(f"/aks/rekomendasi/{rid}/ubah", data=dict(year="2026", semester="2",
                                                                intervention="PMT ibu hamil KEK", target_group="ibu_hamil",
                                                                count="5", count_unit="orang", due="31/07/2027"))
    assert good.status_code == 303
    with app.app_context():
        r = db.session.get(AksRecommendation, rid)
        assert (r.count, r.due) == (5, date(2027, 7, 31))
    client.post("/keluar")
    assert login("desa_a1").get(f"/aks/rekomendasi/{rid}/ubah").status_code == 403


def test_the_kabupaten_switches_the_rule_on_in_the_years_settings(app, world, login):
    from planner.models import YearSettings

    from .test_admin_settings import form_data

    client = login("admin_a")
    page = client.get("/kabupaten/35.17/pengaturan/2027").get_data(as_text=True)
    assert "Dahulukan usulan yang menjawab rekomendasi AKS" in page
    response = client.post("/kabupaten/35.17/pengaturan/2027", data=form_data(world, aks_first="y"))
    assert response.status_code == 303
    with app.app_context():
        rules = db.session.scalar(select(YearSettings.rules).where(YearSettings.year == 2027))
        assert rules["aks_first"] is True


def test_the_kabupaten_imports_for_all_its_villages_and_none_of_another(app, world, login):
    client = login("admin_a")
    data = _book(findings=[[A1X, 2026, 2, "baduta", "Gizi kurang", 1], ["35.17.10.2001", 2026, 2, "baduta", "Gizi kurang", 2]])
    assert _upload(client, data, code="35.17").status_code == 303
    other = _book(findings=[["35.18.01.2001", 2026, 2, "baduta", "Gizi kurang", 1]])
    response = _upload(client, other, code="35.17")
    assert response.status_code == 422 and "desa 35.18.01.2001 tidak ada di wilayah Anda" in text_of(response)
    assert _upload(client, other, code="35.18").status_code == 404
    with app.app_context():
        assert sorted(db.session.scalars(select(AksFinding.count))) == [1, 2]


def test_village_counts_read_the_same_from_a_region_query_as_from_ids(app, world):
    # A province's dashboard passes the region's SELECT instead of thousands of ids.
    _recommendation(app, world)
    with app.app_context():
        kabupaten = db.session.get(Region, world.region_ids["kab_a"])
        ids = list(db.session.scalars(oversight.village_ids(kabupaten)))
        by_query = counts_by_village(oversight.village_ids(kabupaten), 2027)
        by_ids = counts_by_village(ids, 2027)
        assert by_query and {k: vars(v) for k, v in by_query.items()} == {k: vars(v) for k, v in by_ids.items()}
