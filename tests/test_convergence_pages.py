"""The scorecard where people read it: the rembuk, the plan, the village home, the kecamatan dashboard,
the API (matching docs/openapi.json); and migration 0006 up and down."""
import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import Plan
from planner.services import convergence

from .conftest import text_of
from .test_api import _validate
from .test_commitment_frozen import _meeting
from .test_convergence import DESA, _desa, _save, full_values


def _lagging_quarter(app, quarter=4, year=2026, code=DESA):
    with app.test_request_context():
        values = full_values(should=10, received=9, **{"should-baduta_timbang": 20, "received-baduta_timbang": 8})
        convergence.save_quarter(_desa(code), year, quarter, values, None)


def test_the_rembuk_page_projector_and_plan_list_the_lagging_services(app, world, login):
    ids = _meeting(app, world, commit=False)
    client = login("desa_a1")
    for url in (f"/rembuk/{ids['session']}", f"/rembuk/{ids['session']}/layar", f"/rencana/{ids['plan']}"):
        assert "Layanan yang tertinggal" not in text_of(client.get(url)), url
    _lagging_quarter(app)
    for url in (f"/rembuk/{ids['session']}", f"/rembuk/{ids['session']}/layar", f"/rencana/{ids['plan']}"):
        response = client.get(url)
        assert response.status_code == 200
        page = text_of(response)
        assert "Layanan yang tertinggal" in page, url
        assert "baru 40% baduta ditimbang tiap bulan (8 dari 20)" in page, url
        assert "triwulan IV 2026" in page
    # the htmx board fragment stays as it was (the list sits on the page around it)
    fragment = client.htmx("GET", f"/rembuk/{ids['session']}/layar").get_data(as_text=True)
    assert "Layanan yang tertinggal" not in fragment


def test_followers_of_the_rembuk_see_the_list_too(app, world, login):
    ids = _meeting(app, world, commit=False)
    _lagging_quarter(app)
    page = text_of(login("kec_a1").get(f"/rembuk/{ids['session']}"))
    assert "baru 40% baduta ditimbang tiap bulan" in page


def test_the_village_home_shows_the_latest_level(app, world, login):
    client = login("desa_a1")
    page = text_of(client.get(f"/wilayah/{DESA}"))
    assert "Belum ada scorecard konvergensi" in page
    _save(app, quarter=1, received=5)
    _save(app, quarter=2, received=7)
    page = text_of(client.get(f"/wilayah/{DESA}"))
    assert "Tingkat konvergensi triwulan II 2026: 70%" in page
    assert "Ibu hamil 70% · anak 0–23 bulan 70% · anak 2–6 tahun 70%" in page
    officer = app.test_client()
    officer.login(world.usernames["kec_a1"])
    assert "Tingkat konvergensi triwulan II 2026" in text_of(officer.get(f"/wilayah/{DESA}"))


def test_the_kecamatan_dashboard_shows_each_village_over_the_quarters(app, world, login):
    client = login("kec_a1")
    page = text_of(client.get("/kecamatan/35.17.09/dasbor?tahun=2026"))
    assert "Tingkat konvergensi layanan per triwulan" not in page      # nobody entered one yet
    _save(app, quarter=1, received=4)
    _save(app, quarter=3, received=8)
    _save(app, quarter=1, received=5, code="35.17.09.2002")
    _save(app, quarter=2, received=5, code="35.17.09.2002")
    _save(app, quarter=1, received=9, code="35.17.10.2001")               # another kecamatan
    response = client.get("/kecamatan/35.17.09/dasbor?tahun=2026")
    body, page = response.get_data(as_text=True), text_of(response)
    assert "Tingkat konvergensi layanan per triwulan, 2026" in page
    assert "naik dari 40% (Tw I) ke 80% (Tw III); Tw II belum diisi" in page
    assert "tidak bergerak: sekitar 50%" in page
    assert "Desa A2X" not in page
    assert body.count('class="spark"') == 3                             # two villages and the kecamatan
    assert "Desa A1X: Tw I 40%, Tw II belum, Tw III 80%, Tw IV belum" in body
    # opened on the year being planned, the dashboard shows the year before
    assert "Tingkat konvergensi layanan per triwulan, 2026" in text_of(client.get("/kecamatan/35.17.09/dasbor?tahun=2027"))


def test_the_api_gives_a_villages_scorecards_as_documented(app, world, login):
    _save(app, quarter=1, received=5)
    _save(app, quarter=2, received=7, **{"should-paud_aktif": 0, "received-paud_aktif": 0})
    client = login("kec_a1")
    response = client.get(f"/api/v1/villages/{DESA}/convergence")
    assert response.status_code == 200
    _validate(response, "VillageConvergence")
    body = response.get_json()
    assert [q["quarter"] for q in body["quarters"]] == [1, 2]
    second = body["quarters"][1]
    assert second["levels"]["overall"] == {"received": 126, "should": 180, "rate": 0.7}
    assert second["levels"]["groups"]["anak_2_6"] == {"received": 0, "should": 0, "rate": None}
    assert second["targets"]["ibu_hamil"] == 12 and second["growth_mat"]["merah"] == 2
    assert len(second["indicators"]) == 19
    response = client.get(f"/api/v1/villages/{DESA}/convergence?year=2025")
    assert response.get_json()["quarters"] == []
    assert client.get(f"/api/v1/villages/{DESA}/convergence?year=abc").status_code == 400


def test_the_api_gives_a_kecamatans_levels_per_quarter(app, world, login):
    _save(app, quarter=3, received=8)
    client = login("kec_a1")
    response = client.get("/api/v1/kecamatan/35.17.09/convergence?year=2026")
    assert response.status_code == 200
    _validate(response, "KecamatanConvergence")
    villages = {v["code"]: v["quarters"] for v in response.get_json()["villages"]}
    assert villages[DESA][2]["rate"] == 0.8 and villages[DESA][0] is None
    assert villages["35.17.09.2002"] == [None] * 4
    assert client.get("/api/v1/kecamatan/35.17.09/convergence").status_code == 400


@pytest.mark.parametrize("who, url", [
    ("desa_a1y", f"/api/v1/villages/{DESA}/convergence"),
    ("kec_a2", f"/api/v1/villages/{DESA}/convergence"),
    ("kec_a2", "/api/v1/kecamatan/35.17.09/convergence?year=2026"),
    ("admin_b", "/api/v1/kecamatan/35.17.09/convergence?year=2026"),
])
def test_the_api_hides_other_regions(world, login, who, url):
    assert login(who).get(url).status_code == 404


def test_the_api_needs_a_user(world, client):
    assert client.get(f"/api/v1/villages/{DESA}/convergence").status_code == 401


def test_the_kabupaten_dashboard_sums_each_kecamatans_villages(app, world, login):
    _save(app, quarter=1, received=4)                                     # A1X: 40%
    _save(app, quarter=1, received=6, code="35.17.09.2002")               # A1Y: 60%
    _save(app, quarter=2, received=9, code="35.17.10.2001")               # A2X (kecamatan A2)
    _save(app, quarter=1, received=10, code="35.18.01.2001")              # another kabupaten
    response = login("admin_a").get("/kabupaten/35.17/dasbor?tahun=2026")
    body, page = response.get_data(as_text=True), text_of(response)
    assert "Tingkat konvergensi layanan per triwulan, 2026" in page
    assert "Kecamatan A1: Tw I 50%, Tw II belum, Tw III belum, Tw IV belum" in body
    assert "Kecamatan A2: Tw I belum, Tw II 90%, Tw III belum, Tw IV belum" in body
    assert "Kabupaten: Tw I 50%, Tw II 90%" in body
    assert "Desa BX" not in page and "100%" not in page
    with app.test_request_context():
        from planner.models import Region

        kabupaten = db.session.scalar(select(Region).where(Region.code == "35.17"))
        rows = convergence.kecamatan_quarters(kabupaten, 2026)
        assert [(r.code, r.villages) for r in rows] == [("35.17.09", 2), ("35.17.10", 1)]
        assert rows[0].quarters[0] == convergence.Level(190, 380)


def test_a_past_as_of_date_says_the_scorecards_are_todays(app, world, login):
    _save(app, quarter=1, received=4)
    client = login("kec_a1")
    assert "bukan keadaan per tanggal" not in text_of(client.get("/kecamatan/35.17.09/dasbor?tahun=2026"))
    assert "bukan keadaan per tanggal" in text_of(client.get("/kecamatan/35.17.09/dasbor?tahun=2026&per=2026-05-01"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_kecamatan_downloads_its_villages_scorecards(app, world, login, fmt):
    import io

    _save(app, quarter=1, received=4)
    _save(app, quarter=2, received=7)
    _save(app, quarter=1, received=9, code="35.17.10.2001")              # another kecamatan
    client = login("kec_a1")
    assert "konvergensi.xlsx?tahun=2026" in client.get("/kecamatan/35.17.09/dasbor?tahun=2026").get_data(as_text=True)
    response = client.get(f"/wilayah/35.17.09/konvergensi.{fmt}?tahun=2026")
    assert response.status_code == 200
    assert f"scorecard-konvergensi-35.17.09-2026.{fmt}" in response.headers["Content-Disposition"]
    if fmt == "csv":
        lines = response.data.decode("utf-8-sig").splitlines()
        rows = [line.split(";") for line in lines if line.startswith("35.")]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = [[str(c) if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)
                if r[0] and str(r[0]).startswith("35.")]
    assert [(r[0], r[3]) for r in rows] == [(DESA, "I"), (DESA, "II")]
    overall = rows[1][4 + 7 + 3]
    assert overall in ("0,7", "0.7")
    assert rows[0][-1] == "4" and rows[0][-2] == "10"                    # paud_aktif: due, received


@pytest.mark.parametrize("who, url, status", [
    ("kec_a2", "/wilayah/35.17.09/konvergensi.csv?tahun=2026", 404),
    ("desa_a1", "/wilayah/35.17.09.2001/konvergensi.csv?tahun=2026", 404),
    ("admin_a", "/wilayah/35.17.09/konvergensi.pdf?tahun=2026", 404),
    ("admin_a", "/wilayah/35.17/konvergensi.xlsx?tahun=2026", 200),
])
def test_the_download_is_scoped(world, login, who, url, status):
    assert login(who).get(url).status_code == status
