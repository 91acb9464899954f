"""Recaps of a kecamatan or kabupaten (XLSX with two sheets, CSV) and the dashboard charts."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from planner.charts import bar_chart, grouped_bar_chart
from planner.extensions import db
from planner.models import Commitment, Proposal

from .test_commitment_frozen import _meeting


def test_kecamatan_recap_xlsx_has_villages_and_committed_activities(app, world, login):
    ids = _meeting(app, world)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        activities = commitment.content["activities"]
    client = login("kec_a1")
    response = client.get("/wilayah/35.17.09/rekap.xlsx?tahun=2027")
    assert response.status_code == 200
    assert 'filename="rekap-35.17.09-2027.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Desa", "Kegiatan"]
    villages = list(book["Desa"].iter_rows(values_only=True))
    assert [r[0] for r in villages[1:]] == ["35.17.09.2001", "35.17.09.2002"]
    assert villages[1][3] == "Disepakati" and villages[1][7] == commitment.total_cost
    rows = list(book["Kegiatan"].iter_rows(values_only=True))
    assert len(rows) == 1 + len(activities)
    assert {r[4] for r in rows[1:]} == {a["name"] for a in activities}
    assert sum(r[12] for r in rows[1:]) == commitment.total_cost
    assert {r[5] for r in rows[1:]} == {a["location"] for a in activities} and {r[13] for r in rows[1:]} == {"Dana Desa"}
    assert "2.4.14" in {r[3] for r in rows[1:]}


def test_recap_csv_and_formula_neutralising(app, world, login):
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.plan_id == world.plans["a1x"],
                                                            Proposal.name == "Insentif kader posyandu"))
        proposal.name = "=cmd|' /C calc'!A0"
        db.session.commit()
    _meeting(app, world)
    client = login("admin_a")
    villages = client.get("/wilayah/35.17/rekap.csv?tahun=2027")
    assert villages.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(villages.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][0] == "Kode desa" and len(lines) == 1 + 3
    activities = client.get("/wilayah/35.17/rekap.csv?tahun=2027&lembar=kegiatan")
    rows = list(csv.reader(io.StringIO(activities.data.decode("utf-8-sig")), delimiter=";"))
    names = [r[4] for r in rows[1:]]
    assert all(not n.startswith("=") for n in names)
    assert any(n.startswith("'=cmd") for n in names)


def test_recap_is_scoped_and_a_region_without_commitments_has_headers_only(app, world, login):
    client = login("kec_a2")
    assert client.get("/wilayah/35.17.09/rekap.xlsx?tahun=2027").status_code == 404
    response = client.get("/wilayah/35.17.10/rekap.csv?tahun=2027&lembar=kegiatan")
    assert response.status_code == 200
    assert len(response.data.decode("utf-8-sig").strip().splitlines()) == 1
    assert client.get("/wilayah/35.17.10.2001/rekap.csv").status_code == 404
    assert client.get("/wilayah/35.17.10/rekap.pdf").status_code == 404


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
