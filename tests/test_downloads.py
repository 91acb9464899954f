"""planner.downloads.send_download: every file goes out as an attachment with its type from its name."""
import io

import pytest

from planner.downloads import send_download


@pytest.mark.parametrize("body", [b"a;b\r\n", "a;b\r\n", io.BytesIO(b"a;b\r\n"), iter([b"a;", b"b\r\n"])])
def test_bytes_text_files_and_streams_arrive_whole(app, body):
    with app.test_request_context():
        response = send_download(body, "rekap-35.17.csv")
        response.direct_passthrough = False
        assert response.get_data() == b"a;b\r\n"
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=rekap-35.17.csv"


def test_the_type_follows_the_extension_and_any_name_is_safe(app):
    with app.test_request_context():
        pdf = send_download(b"%PDF", "komitmen.pdf")
        xlsx = send_download(b"PK", "usulan.xlsx")
        named = send_download(b"{}", "rencana-Désa \"x\".json")
    assert pdf.mimetype == "application/pdf"
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert named.mimetype == "application/json"
    assert "filename*=UTF-8''" in named.headers["Content-Disposition"]


def test_a_download_is_never_stored_by_a_cache(login, world):
    plan_id = next(iter(world.plans.values()))
    response = login("admin_a").get(f"/rencana/{plan_id}/impor/templat.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == "attachment; filename=templat-usulan.csv"
