"""Kabupaten admins browse and export their kabupaten's audit trail; nobody else can, and it
shows nothing of other kabupaten."""
import io

import pytest
from openpyxl import load_workbook

from .conftest import text_of
from .factories import PASSWORD


def _activity(app, world):
    """Some events: a failed and a good log-in, a refused page, a plan change, in kabupaten A and B."""
    client = app.test_client()
    client.post("/masuk", data={"username": world.usernames["desa_a1"], "password": "keliru-sekali"})
    from .conftest import Client

    app.test_client_class = Client
    village = app.test_client()
    village.login(world.usernames["desa_a1"])
    village.get("/kabupaten/35.17/pengaturan")                     # refused: 403
    village.post(f"/rencana/{world.plans['a1x']}/ubah", data={
        "pagu": "1.100.000.000", "earmark_koperasi": "0", "earmark_blt": "0", "earmark_other": "0",
        "stunting_budget": "150.000.000", "ibu_hamil": "30", "ibu_nifas": "25", "baduta": "80", "balita": "200",
        "catin": "10", "remaja_putri": "60", "keluarga": "120", "balita_measured": "180", "stunted_children": "36",
        "version_id": "1"})
    other = app.test_client()
    other.login(world.usernames["desa_b"])


def test_admin_sees_log_ins_refusals_and_changes_of_the_kabupaten_only(app, world, login):
    _activity(app, world)
    page = login("admin_a").get("/kabupaten/35.17/audit")
    assert page.status_code == 200
    body = text_of(page)
    assert "gagal masuk dengan nama pengguna desa.a1x" in body
    assert "ditolak membuka /kabupaten/35.17/pengaturan" in body
    assert "desa.a1x masuk" in body
    assert "desa.bx" not in body                       # kabupaten B's log-in is not shown
    assert "127.0.0.1" in body


@pytest.mark.parametrize("kind,present,absent", [
    ("masuk", "gagal masuk dengan nama", "ditolak membuka"),
    ("ditolak", "ditolak membuka", "gagal masuk dengan nama"),
])
def test_filter_by_kind(app, world, login, kind, present, absent):
    _activity(app, world)
    body = text_of(login("admin_a").get(f"/kabupaten/35.17/audit?kind={kind}"))
    assert present in body and absent not in body


def test_filter_by_user_and_dates(app, world, login):
    _activity(app, world)
    client = login("admin_a")
    body = text_of(client.get("/kabupaten/35.17/audit?who=desa.a1x"))
    assert "desa.a1x masuk" in body and "admin.a masuk" not in body
    assert "Tidak ada kejadian" in text_of(client.get("/kabupaten/35.17/audit?since=01/01/2020&until=31/12/2020"))


def test_bad_filter_values_are_named_at_the_field(app, world, login):
    client = login("admin_a")
    response = client.get("/kabupaten/35.17/audit?since=kemarin")
    assert response.status_code == 422 and "Tanggal tidak dikenali" in text_of(response)
    response = client.get("/kabupaten/35.17/audit?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 422 and "Tanggal akhir sebelum tanggal awal" in text_of(response)


def test_export_csv_and_xlsx_follow_the_filter_and_are_recorded(app, world, login):
    _activity(app, world)
    client = login("admin_a")
    csv = client.get("/kabupaten/35.17/audit.csv?kind=ditolak")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode("utf-8-sig")
    assert "ditolak membuka /kabupaten/35.17/pengaturan" in text and "gagal masuk" not in text
    xlsx = client.get("/kabupaten/35.17/audit.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["Waktu (WIB)", "Pengguna", "Alamat IP"]
    assert any("gagal masuk" in str(row[5]) for row in values[1:])
    assert "mengunduh audit-35.17.csv" in text_of(client.get("/kabupaten/35.17/audit?kind=unduhan"))


@pytest.mark.parametrize("who,status", [("kec_a1", 403), ("desa_a1", 403), ("admin_b", 404)])
def test_only_the_kabupaten_admin_may_read_it(world, login, who, status):
    client = login(who)
    assert client.get("/kabupaten/35.17/audit").status_code == status
    assert client.get("/kabupaten/35.17/audit.csv").status_code == status


def test_paging(app, world, login):
    client = app.test_client()
    for _ in range(3):
        client.post("/masuk", data={"username": world.usernames["desa_a1y"], "password": "salah-1234"})
    from planner.services import audit_review

    old = audit_review.PER_PAGE
    audit_review.PER_PAGE = 2
    try:
        admin = login("admin_a")
        first = text_of(admin.get("/kabupaten/35.17/audit"))
        assert "Halaman 1 dari 2" in first
        assert "Halaman 2 dari 2" in text_of(admin.get("/kabupaten/35.17/audit?halaman=2"))
        assert "Halaman 2 dari 2" in text_of(admin.get("/kabupaten/35.17/audit?halaman=99"))
    finally:
        audit_review.PER_PAGE = old
