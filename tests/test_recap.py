"""Recaps of a kecamatan or kabupaten (XLSX with a summary, villages, a sheet per kecamatan, activities and
the Dana Desa table; CSV per sheet): titled, every row adds up, the totals are the API's, and the charts."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from planner.charts import bar_chart, grouped_bar_chart
from planner.extensions import db
from planner.models import Commitment, Proposal

from .test_commitment_frozen import _meeting
from .test_oversight import _report


def _header_row(rows, first):
    """Index of the header row (the title lines come first)."""
    return next(i for i, row in enumerate(rows) if row and row[0] == first)


def _committed_with_reports(app, world):
    ids = _meeting(app, world)
    with app.test_request_context():
        _report(ids["plan"], 1, 0.10)
        _report(ids["plan"], 2, 0.15)
    return ids


def test_kecamatan_recap_xlsx_is_titled_and_every_row_adds_up(app, world, login):
    ids = _committed_with_reports(app, world)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        activities = commitment.content["activities"]
    client = login("kec_a1")
    response = client.get("/wilayah/35.17.09/rekap.xlsx?tahun=2027")
    assert response.status_code == 200
    assert "filename=rekap-35.17.09-2027.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Ringkasan", "Desa", "Kegiatan", "Penggunaan Dana Desa"]
    summary = list(book["Ringkasan"].iter_rows(values_only=True))
    assert "Kecamatan A1 (35.17.09), tahun anggaran 2027" in summary[0][0] and "Keadaan per" in summary[1][0]

    villages = list(book["Desa"].iter_rows(values_only=True))
    head = _header_row(villages, "Kode desa")
    body, total = villages[head + 1:-1], villages[-1]
    assert [r[0] for r in body] == ["35.17.09.2001", "35.17.09.2002"] and total[0] == "Jumlah"
    headers = villages[head]
    q1, spent = headers.index("Realisasi Tw I"), headers.index("Realisasi")
    committed_row = body[0]
    assert committed_row[3] == "Disepakati" and committed_row[7] == commitment.total_cost
    assert committed_row[q1 + 2] is None                        # Q3 not reported: blank, not Rp 0
    assert committed_row[q1] + committed_row[q1 + 1] == committed_row[spent]
    assert committed_row[headers.index("Triwulan terakhir dilaporkan")] == "II"
    for column in (4, 5, 7, q1, q1 + 1, spent):                 # the totals row adds the villages up
        assert total[column] == sum(r[column] or 0 for r in body)

    rows = list(book["Kegiatan"].iter_rows(values_only=True))
    head = _header_row(rows, "Kode desa")
    headers, body, total = rows[head], rows[head + 1:-1], rows[-1]
    assert len(body) == len(activities) and {r[4] for r in body} == {a["name"] for a in activities}
    volume, price, fixed, cost = (headers.index(h) for h in ("Volume", "Harga satuan", "Biaya tetap", "Jumlah biaya"))
    location = headers.index("Lokasi")
    for row in body:                                            # volume × unit price + fixed cost = cost
        assert row[volume] * row[price] + row[fixed] == row[cost]
        assert row[location]
    assert total[cost] == sum(r[cost] for r in body) == commitment.total_cost
    assert total[headers.index("Realisasi")] == sum(r[headers.index("Realisasi")] for r in body)
    assert "2.4.14" in {r[3] for r in body}
    assert "Sumber dana" not in headers and "Pelaksana" in headers    # Dana Desa activities only


def test_a_kabupaten_recap_has_a_sheet_per_kecamatan_and_its_totals_are_the_apis(app, world, login):
    _committed_with_reports(app, world)
    client = login("admin_a")
    book = load_workbook(io.BytesIO(client.get("/wilayah/35.17/rekap.xlsx?tahun=2027").data))
    assert book.sheetnames == ["Ringkasan", "Desa", "Kecamatan", "09 Kecamatan A1", "10 Kecamatan A2", "Kegiatan",
                               "Penggunaan Dana Desa"]
    sheet = list(book["09 Kecamatan A1"].iter_rows(values_only=True))
    head = _header_row(sheet, "Kode desa")
    assert [r[0] for r in sheet[head + 1:-1]] == ["35.17.09.2001", "35.17.09.2002"]
    kecamatan = list(book["Kecamatan"].iter_rows(values_only=True))
    head = _header_row(kecamatan, "Kode kecamatan")
    headers, total = kecamatan[head], kecamatan[-1]
    api = client.get("/api/v1/kabupaten/35.17/summary?year=2027").get_json()["totals"]
    assert total[headers.index("Komitmen")] == api["committed"]
    assert total[headers.index("Realisasi")] == api["spent"]
    assert [total[headers.index(f"Realisasi Tw {q}")] for q in ("I", "II", "III", "IV")] == api["quarters"]
    assert total[headers.index("Pagu Dana Desa")] == api["pagu"]
    villages = list(book["Desa"].iter_rows(values_only=True))
    assert villages[-1][villages[_header_row(villages, "Kode desa")].index("Komitmen")] == api["committed"]


def test_recap_csv_streams_titled_and_neutralises_formulas(app, world, login):
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.plan_id == world.plans["a1x"],
                                                            Proposal.name == "Insentif kader posyandu"))
        proposal.name = "=cmd|' /C calc'!A0"
        db.session.commit()
    _meeting(app, world)
    client = login("admin_a")
    villages = client.get("/wilayah/35.17/rekap.csv?tahun=2027")
    assert villages.is_streamed and villages.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(villages.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][0].startswith("Rekap desa") and "Kabupaten A (35.17)" in lines[0][0]
    head = _header_row(lines, "Kode desa")
    assert len(lines) == head + 1 + 3 + 1 and lines[-1][0] == "Jumlah"
    activities = client.get("/wilayah/35.17/rekap.csv?tahun=2027&lembar=kegiatan")
    rows = list(csv.reader(io.StringIO(activities.data.decode("utf-8-sig")), delimiter=";"))
    head = _header_row(rows, "Kode desa")
    names = [r[4] for r in rows[head + 1:-1]]
    assert all(not n.startswith("=") for n in names)
    assert any(n.startswith("'=cmd") for n in names)
    kecamatan = client.get("/wilayah/35.17/rekap.csv?tahun=2027&lembar=kecamatan")
    rows = list(csv.reader(io.StringIO(kecamatan.data.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[_header_row(rows, "Kode kecamatan") + 1:]] == ["35.17.09", "35.17.10", "Jumlah"]


def test_recap_is_scoped_and_a_region_without_commitments_has_title_header_and_zero_totals(app, world, login):
    client = login("kec_a2")
    assert client.get("/wilayah/35.17.09/rekap.xlsx?tahun=2027").status_code == 404
    response = client.get("/wilayah/35.17.10/rekap.csv?tahun=2027&lembar=kegiatan")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    head = _header_row(rows, "Kode desa")
    assert rows[head + 1][0] == "Jumlah" and len(rows) == head + 2
    assert client.get("/wilayah/35.17.10.2001/rekap.csv").status_code == 404
    assert client.get("/wilayah/35.17.10/rekap.pdf").status_code == 404
    assert client.get("/wilayah/35.17.10/rekap.csv?per=kemarin").status_code == 400


def test_bar_chart_geometry():
    chart = bar_chart([("A", 50), ("B", 100), ("C", 0)], lambda v: f"{v}")
    widths = [b.width for b in chart.bars]
    assert widths[1] == chart.plot_width and widths[0] == chart.plot_width / 2 and widths[2] == 0
    assert [b.text for b in chart.bars] == ["50", "100", "0"]
    grouped = grouped_bar_chart(["I", "II"], {"Komitmen": [100, 100], "Realisasi": [50, 0]})
    first, second = grouped.groups
    plot = grouped.bottom - grouped.top
    assert first.label == "I" and grouped.scale_max == 100
    assert [b.height for b in first.bars] == [plot, plot / 2]
    assert second.bars[1].height == 0 and second.bars[1].text == "Rp 0"
    assert [key.fill for key in grouped.legend] == ["solid", "hatch"]


def test_dashboards_draw_the_charts_as_svg(app, world, login):
    _meeting(app, world)
    client = login("admin_a")
    page = client.get("/kabupaten/35.17/dasbor?tahun=2027")
    assert page.text.count("<svg") >= 2
    assert "Komitmen per paket layanan" in page.text and "<title>Kesehatan ibu dan anak" in page.text
    assert "Perkiraan (tahap penyaluran dan waktu kegiatan)" in page.text


def test_a_province_sized_xlsx_points_to_the_streamed_csv_for_its_activities(app, world, login, monkeypatch):
    from planner.services import recap

    _meeting(app, world)
    monkeypatch.setattr(recap, "XLSX_ACTIVITY_LIMIT", 1)
    client = login("admin_a")
    book = load_workbook(io.BytesIO(client.get("/wilayah/35.17/rekap.xlsx?tahun=2027").data))
    rows = [r for r in book["Kegiatan"].iter_rows(values_only=True) if r and r[0]]
    assert "terlalu banyak untuk lembar XLSX" in rows[-1][0] and "CSV kegiatan" in rows[-1][0]
    csv_rows = client.get("/wilayah/35.17/rekap.csv?tahun=2027&lembar=kegiatan").data.decode("utf-8-sig")
    assert "Kegiatan" in csv_rows and csv_rows.count("\r\n") > 5
