"""Kabupaten admins keep the region list: a CSV of Kemendagri codes is previewed (nothing saved),
then saved all or nothing; codes outside the kabupaten and broken rows are named by row."""
import io
import re

from sqlalchemy import select

from planner.extensions import db
from planner.models import Region

from .conftest import text_of


def _upload(client, text, name="wilayah.csv"):
    return client.post("/kabupaten/35.17/wilayah/impor",
                       data={"file": (io.BytesIO(text.encode("utf-8")), name)},
                       content_type="multipart/form-data")


def _token(response):
    return re.search(r'name="rows" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def _names(app):
    with app.app_context():
        return {r.code: r.name for r in db.session.scalars(select(Region))}


GOOD = "kode;nama\n35.17;Kabupaten A\n35.17.11;Kecamatan Baru\n35.17.11.2001;Desa Baru\n35.17.09.2001;Desa A1X Lama\n" \
       "35.17.11.1001;Kelurahan Kota\n"


def test_the_region_list_shows_kecamatan_and_villages(login, world):
    page = text_of(login("admin_a").get("/kabupaten/35.17/wilayah"))
    assert "Kecamatan A1" in page and "35.17.09.2001" in page and "Desa BX" not in page


def test_preview_saves_nothing_and_confirm_saves_everything(app, login, world):
    client = login("admin_a")
    before = _names(app)
    preview = _upload(client, GOOD)
    assert preview.status_code == 200
    body = text_of(preview)
    assert "Belum ada yang disimpan" in body and "Kelurahan" in body
    assert _names(app) == before
    saved = client.post("/kabupaten/35.17/wilayah/impor/simpan", data={"rows": _token(preview)})
    assert saved.status_code == 303
    after = _names(app)
    assert after["35.17.11"] == "Kecamatan Baru" and after["35.17.11.2001"] == "Desa Baru"
    assert after["35.17.09.2001"] == "Desa A1X Lama"
    assert "35.17.11.1001" not in after          # a kelurahan receives no Dana Desa
    assert after["35.17"] == "Kabupaten A"       # the kabupaten's own row is passed over
    # The same token a second time finds the list changed and saves nothing more.
    again = client.post("/kabupaten/35.17/wilayah/impor/simpan", data={"rows": _token(preview)})
    assert again.status_code == 303 and _names(app) == after


def test_rows_with_errors_are_named_and_nothing_can_be_saved(app, login, world):
    client = login("admin_a")
    before = _names(app)
    response = _upload(client, "35.18.02;Kecamatan Orang Lain\n35.17.12.2001;Desa Yatim\nbukan-kode;X\n"
                               "35.17.09.2003;\n")
    assert response.status_code == 200
    body = text_of(response)
    assert "Baris 1: 35.18.02 di luar Kabupaten A" in body
    assert "Baris 2: kecamatan induk 35.17.12 belum ada" in body
    assert "Baris 3: bukan-kode bukan kode wilayah Kemendagri" in body
    assert "Baris 4: nama kosong" in body
    assert 'name="rows"' not in response.get_data(as_text=True)
    assert _names(app) == before


def test_a_file_that_is_not_csv_gets_a_message_at_the_field(login, world):
    client = login("admin_a")
    response = client.post("/kabupaten/35.17/wilayah/impor",
                           data={"file": (io.BytesIO(b"%PDF-1.4 binary"), "wilayah.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Pilih berkas .csv" in text_of(response)
    response = client.post("/kabupaten/35.17/wilayah/impor",
                           data={"file": (io.BytesIO(b"PK\x03\x04binary"), "wilayah.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "bukan XLSX yang sah" in text_of(response)
    response = _upload(client, "")
    assert response.status_code == 422 and "Berkas kosong" in text_of(response)


def test_a_tampered_token_is_refused(app, login, world):
    client = login("admin_a")
    token = _token(_upload(client, GOOD))
    before = _names(app)
    response = client.post("/kabupaten/35.17/wilayah/impor/simpan", data={"rows": token[:-3] + "AAA"})
    assert response.status_code == 400 and "Data impor tidak sah" in text_of(response)
    assert _names(app) == before


def test_a_token_of_another_admin_is_refused(app, client, world):
    client.login(world.usernames["admin_a"])
    token = _token(_upload(client, GOOD))
    client.post("/keluar")
    other = app.test_client()
    other.login(world.usernames["admin_b"])
    assert other.post("/kabupaten/35.17/wilayah/impor/simpan", data={"rows": token}).status_code == 404
    assert "35.17.11" not in _names(app)


def test_only_the_kabupaten_admin_may_import(login, world):
    client = login("kec_a1")
    assert _upload(client, GOOD).status_code == 403


def test_upload_without_csrf_is_refused(app, login, world):
    client = login("admin_a")
    response = client.post("/kabupaten/35.17/wilayah/impor", csrf=False,
                           data={"file": (io.BytesIO(GOOD.encode()), "wilayah.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "35.17.11" not in _names(app)


def _xlsx(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_region_list_is_imported_from_xlsx_too(app, login, world):
    client = login("admin_a")
    data = _xlsx([["Kode", "Nama"], [35.17, "Kabupaten A"], ["35.17.11", "Kecamatan Baru"],
                  ["35.17.11.2001", "Desa Baru"], ["35.17.11.2002", None]])
    preview = client.post("/kabupaten/35.17/wilayah/impor", data={"file": (io.BytesIO(data), "wilayah.xlsx")},
                          content_type="multipart/form-data")
    assert preview.status_code == 422 or preview.status_code == 200
    text = text_of(preview)
    assert "Baris 5" in text                                   # the village without a name is named by its row
    fixed = _xlsx([["Kode", "Nama"], [35.17, "Kabupaten A"], ["35.17.11", "Kecamatan Baru"],
                   ["35.17.11.2001", "Desa Baru"]])
    preview = client.post("/kabupaten/35.17/wilayah/impor", data={"file": (io.BytesIO(fixed), "wilayah.xlsx")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200
    saved = client.post("/kabupaten/35.17/wilayah/impor/simpan", data={"rows": _token(preview)})
    assert saved.status_code == 303
    names = _names(app)
    assert names["35.17.11"] == "Kecamatan Baru" and names["35.17.11.2001"] == "Desa Baru"
    with app.app_context():
        added = db.session.scalar(select(Region).where(Region.code == "35.17.11.2001"))
        assert added.created_at is not None                   # a village added today: no deadline it missed


def test_an_xlsx_region_list_is_read_with_rows_capped(app, login, world, monkeypatch):
    from planner.services import region_import

    monkeypatch.setattr(region_import, "MAX_ROWS", 3)
    client = login("admin_a")
    data = _xlsx([["35.17.11", "K"]] + [[f"35.17.11.{2001 + i}", f"Desa {i}"] for i in range(6)])
    response = client.post("/kabupaten/35.17/wilayah/impor", data={"file": (io.BytesIO(data), "wilayah.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "lebih dari 3 baris" in text_of(response)
