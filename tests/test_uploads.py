"""Issue 22 item 2: uploads that cannot sink a worker. The bombs are made here, in memory: a few
hundred kilobytes that unpack to tens of megabytes of shared strings or styles, a sheet of
200,000 rows without a <dimension> tag, a single cell at the sheet's last row, a CSV of blank
lines, a plan file of 50,000 proposals. Each is refused within about 2 s with an Indonesian
message, and four at once leave /health answering."""
import io
import json
import threading
import time
import zipfile

import pytest

from planner.services.proposal_import import template_file
from planner.services.proposal_sheet import SheetFileError, read_raw
from planner.services import uploads

from .conftest import Client, text_of

MB = 1024 * 1024


def _xlsx_with(member: str, content: bytes) -> bytes:
    """The import template as XLSX, with one part replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(template_file("xlsx")[0]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info.filename))
        target.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def shared_strings_bomb(megabytes=20) -> bytes:
    one = b"<si><t>" + b"a" * 1000 + b"</t></si>"
    body = one * (megabytes * MB // len(one))
    return _xlsx_with("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                      b'spreadsheetml/2006/main">' + body + b"</sst>")


def styles_bomb(megabytes=10) -> bytes:
    one = b'<font><sz val="11"/><name val="Calibri"/></font>'
    body = one * (megabytes * MB // len(one))
    return _xlsx_with("xl/styles.xml", b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
                      b'spreadsheetml/2006/main"><fonts>' + body + b"</fonts></styleSheet>")


def _sheet(rows: bytes) -> bytes:
    return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>" + rows + b"</sheetData></worksheet>")


def long_sheet(rows=200_000) -> bytes:
    """A header row, then many rows and no <dimension> tag (openpyxl cannot know its size up front).
    Without the header the reader would stop looking after a few rows, which is no test of the cap."""
    body = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>nama</t></is></c>'
            b'<c r="B1" t="inlineStr"><is><t>satuan</t></is></c></row>')
    body += b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
                     for n in range(2, rows + 1))
    return _xlsx_with("xl/worksheets/sheet1.xml", _sheet(body))


def far_cell() -> bytes:
    """One cell at the last row Excel has: a reader that fills the gap reads a million rows."""
    return _xlsx_with("xl/worksheets/sheet1.xml", _sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>nama</t></is></c></row>'
        b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'))


def blank_csv() -> bytes:
    return b"nama;unit_maks\r\n" + b"\r\n" * (2 * MB)


def huge_plan_file() -> bytes:
    proposals = [{"id": f"p{k}", "unit_cost": 1, "max_units": 1, "impact_per_unit": 0} for k in range(50_000)]
    return json.dumps({"format": "planner-plan", "version": 1, "budget": 1, "proposals": proposals}).encode()


BOMBS = {
    "shared strings": ("usulan.xlsx", shared_strings_bomb, "terlalu besar atau terlalu rumit"),
    "styles": ("usulan.xlsx", styles_bomb, "terlalu besar atau terlalu rumit"),
    "200,000 rows": ("usulan.xlsx", long_sheet, "lebih dari 1.000 baris"),
    "far cell": ("usulan.xlsx", far_cell, "lebih dari 1.000 baris"),
    "blank csv": ("usulan.csv", blank_csv, "lebih dari 1.000 baris"),
    "plan file": ("rencana.json", huge_plan_file, "lebih dari 1.000 baris"),
}


@pytest.fixture(scope="module")
def bombs():
    return {name: (filename, make()) for name, (filename, make, _message) in BOMBS.items()}


def test_the_bombs_are_small_files(bombs):
    assert len(bombs["shared strings"][1]) < 1 * MB and len(bombs["styles"][1]) < 1 * MB
    assert len(bombs["200,000 rows"][1]) < 5 * MB


@pytest.mark.parametrize("name", list(BOMBS))
def test_each_bomb_is_refused_quickly_with_a_message(bombs, app, name):
    filename, data = bombs[name]
    started = time.monotonic()
    with app.test_request_context():
        if filename.endswith(".json"):
            from planner.services.proposal_sheet import parse_plan_file
            with pytest.raises(SheetFileError) as refused:
                parse_plan_file(data, {}, 1000)
        else:
            with pytest.raises(SheetFileError) as refused:
                read_raw(filename, data, 1000)
    elapsed = time.monotonic() - started
    assert BOMBS[name][2] in str(refused.value)
    assert elapsed < 2.0, f"{name}: {elapsed:.2f} s"


def test_a_real_sheet_of_a_thousand_rows_still_reads(app):
    from .test_transfer_sheet import GOOD, xlsx_bytes

    data = xlsx_bytes([list(GOOD.values())] * 1000)
    with app.test_request_context():
        raw = read_raw("usulan.xlsx", data, 1000)
    assert len(raw.rows) == 1000


def test_part_caps_are_checked_before_opening(app):
    data = _xlsx_with("xl/media/image1.png", b"\0" * (3 * MB))
    with app.test_request_context(), pytest.raises(uploads.UploadRefused):
        uploads.check_xlsx(data, "bukan xlsx")


def test_the_upload_page_answers_a_bomb_with_422_at_the_file_field(bombs, login, world):
    client = login("desa_a1")
    filename, data = bombs["shared strings"]
    response = client.post(f"/rencana/{world.plans['a1x']}/impor",
                           data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "terlalu besar atau terlalu rumit" in text_of(response)


def test_four_bombs_at_once_leave_health_answering(bombs, app, world):
    app.test_client_class = Client
    clients = []
    for _ in range(4):
        c = app.test_client()
        c.login(world.usernames["desa_a1"])
        clients.append(c)
    plan = world.plans["a1x"]
    names = ["shared strings", "styles", "200,000 rows", "far cell"]
    results, health = [], []

    def send(c, name):
        filename, data = bombs[name]
        results.append(c.post(f"/rencana/{plan}/impor", data={"file": (io.BytesIO(data), filename)},
                              content_type="multipart/form-data").status_code)

    threads = [threading.Thread(target=send, args=(c, n)) for c, n in zip(clients, names)]
    for t in threads:
        t.start()
    started = time.monotonic()
    answer = app.test_client().get("/health")
    health.append(time.monotonic() - started)
    for t in threads:
        t.join()
    assert answer.status_code == 200 and health[0] < 3.0
    assert results == [422] * 4
