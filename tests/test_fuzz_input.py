"""Hostile input, driven by hypothesis, into every kind of form and upload.

Whatever a field holds (huge, negative, non-numeric, unicode, HTML and script, spreadsheet
formulas, control characters, very long text) and whatever a file holds, the answer is never a
server error, a refused request changes nothing that was saved, and what is shown back is escaped.
"""
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from planner.extensions import db

from .test_catalogue_admin import NEW as CATALOGUE_ITEM
from .test_plans import VALID as PLAN_FORM
from .test_proposals import VALID as PROPOSAL_FORM

SCRIPT = "<script>alert(1)</script>"
HOSTILE = st.one_of(
    st.sampled_from([
        "", " ", "-1", "-999999999999", "9" * 40, "1e308", "NaN", "inf", "0x10", "1,2,3", "1.2.3,4",
        "Rp -5.000", "١٢٣", "１２３", "12/13/2026", "2026-02-30", "31/02/2026", "00/00/0000",
        SCRIPT, '"><img src=x onerror=alert(1)>', "=HYPERLINK(\"http://x\")", "+cmd|'/C calc'!A0", "@SUM(1)",
        "\x00", "a\x00b", "\u202eRTL", "😀" * 50, "x" * 6000, "' OR 1=1 --", "../../etc/passwd",
    ]),
    st.text(max_size=300),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TABLES = ("region", "user_account", "plan", "proposal", "proposal_link", "catalogue_item", "year_settings",
          "rembuk_session", "rembuk_attendee", "commitment", "commitment_activity", "realisation", "review_comment")


def _as(client, world, key):
    """Log the client in once: hypothesis reuses the test's fixtures for every example."""
    if client.get("/masuk").status_code == 200:
        client.login(world.usernames[key])
    return client


def _snapshot(app):
    with app.app_context():
        with db.engine.connect() as conn:
            return {t: conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).all() for t in TABLES}


def _check(app, response, before, payload):
    assert response.status_code < 500, response.status_code
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    if isinstance(payload, str) and SCRIPT in payload:
        assert SCRIPT not in body
    if response.status_code not in (200, 302, 303):
        assert _snapshot(app) == before


def _fuzz_form(app, client, url, base, fields, data):
    field = data.draw(st.sampled_from(fields))
    value = data.draw(HOSTILE)
    before = _snapshot(app)
    response = client.post(url, data=dict(base, **{field: value}))
    _check(app, response, before, value)
    if response.status_code == 422:
        assert _snapshot(app) == before            # an error at a field saves nothing


@SETTINGS
@given(data=st.data())
def test_plan_form(app, world, client, data):
    client = _as(client, world, "desa_a1")
    form = dict(PLAN_FORM, version_id="1")
    form.pop("year")
    _fuzz_form(app, client, f"/rencana/{world.plans['a1x']}/ubah", form, sorted(form), data)


@SETTINGS
@given(data=st.data())
def test_new_plan_form(app, world, client, data):
    client = _as(client, world, "desa_a1")
    _fuzz_form(app, client, "/wilayah/35.17.09.2001/rencana/baru", PLAN_FORM, sorted(PLAN_FORM), data)


@SETTINGS
@given(data=st.data())
def test_proposal_form(app, world, client, data):
    client = _as(client, world, "desa_a1")
    _fuzz_form(app, client, f"/rencana/{world.plans['a1x']}/usulan/baru", PROPOSAL_FORM,
               sorted(PROPOSAL_FORM) + ["requires", "excludes"], data)


@SETTINGS
@given(data=st.data())
def test_rules_form(app, world, client, data):
    client = _as(client, world, "desa_a1")
    base = {"min_spesifik": "50", "max_sensitif": "80", "location_max_share": "60",
            "packages_required": "kia", "target_groups_required": "ibu_hamil"}
    _fuzz_form(app, client, f"/rencana/{world.plans['a1x']}/aturan", base,
               sorted(base) + ["min_sensitif", "max_spesifik"], data)


@SETTINGS
@given(data=st.data())
def test_catalogue_form(app, world, client, data):
    client = _as(client, world, "admin_a")
    _fuzz_form(app, client, "/katalog/baru", CATALOGUE_ITEM, sorted(CATALOGUE_ITEM), data)


@SETTINGS
@given(data=st.data())
def test_kabupaten_settings_form(app, world, client, data):
    from .test_admin_settings import form_data

    client = _as(client, world, "admin_a")
    base = form_data(world)
    _fuzz_form(app, client, "/kabupaten/35.17/pengaturan/2027", base, sorted(base), data)


@SETTINGS
@given(data=st.data())
def test_user_form(app, world, client, data):
    client = _as(client, world, "admin_a")
    base = {"username": "kader.baru", "name": "Kader Baru", "role": "desa",
            "region_id": str(world.region_ids["a1y"]), "password": "sawah-hijau-2027",
            "password_repeat": "sawah-hijau-2027"}
    _fuzz_form(app, client, "/kabupaten/35.17/pengguna/baru", base, sorted(base), data)


@SETTINGS
@given(data=st.data())
def test_review_comment(app, world, client, data):
    client = _as(client, world, "kec_a1")
    _fuzz_form(app, client, f"/rencana/{world.plans['a1x']}/komentar", {"body": "Baik."}, ["body"], data)


@SETTINGS
@given(data=st.data())
def test_rembuk_opening_form(app, world, client, data):
    client = _as(client, world, "desa_a1")
    base = {"held_on": "2026-08-12", "place": "Balai desa", "chair": "Sutrisno", "facilitator": "Wati",
            "agenda": "Usulan", "review": "Catatan"}
    _fuzz_form(app, client, f"/rencana/{world.plans['a1x']}/rembuk/baru", base, sorted(base), data)


FILES = st.one_of(
    st.binary(max_size=4000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8")),
    st.sampled_from([
        b"", b"\xef\xbb\xbf", b"PK\x03\x04" + b"\x00" * 100, b"\xff\xfe" + "nama;biaya\n".encode("utf-16-le"),
        b"nama;biaya_satuan\n=cmd|' /C calc'!A0;1\n", b'"unterminated\n', b"a;b;c\n" * 2000,
        ("nama;kategori;paket;sasaran;satuan;biaya_satuan;unit_min;unit_maks\n" + SCRIPT +
         ";spesifik;kia;balita;x;-5;9" + "9" * 30 + ";1\n").encode(),
    ]),
)


@SETTINGS
@given(content=FILES, name=st.sampled_from(["usulan.csv", "usulan.xlsx", "usulan.json", "usulan.txt", "x"]))
def test_proposal_import_never_fails_and_previews_save_nothing(app, world, client, content, name):
    client = _as(client, world, "desa_a1")
    before = _snapshot(app)
    response = client.post(f"/rencana/{world.plans['a1x']}/impor", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 400, 413, 422), response.status_code
    assert SCRIPT not in response.get_data(as_text=True)
    assert _snapshot(app) == before


@SETTINGS
@given(content=FILES, name=st.sampled_from(["wilayah.csv", "wilayah.xlsx", "x"]))
def test_region_import_never_fails_and_previews_save_nothing(app, world, client, content, name):
    client = _as(client, world, "admin_a")
    before = _snapshot(app)
    response = client.post("/kabupaten/35.17/wilayah/impor", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 400, 413, 422), response.status_code
    assert SCRIPT not in response.get_data(as_text=True)
    assert _snapshot(app) == before


@pytest.mark.parametrize("url", ["/kabupaten/35.17/dasbor?tahun={v}", "/kecamatan/35.17.09/dasbor?batas={v}",
                                 "/kabupaten/35.17/audit?since={v}", "/api/v1/commitments?year={v}"])
def test_query_parameters(app, world, client, url):
    client = _as(client, world, "admin_a")
    for value in ["-1", "9" * 40, SCRIPT, "%00", "2026-02-30", "😀"]:
        response = client.get(url.format(v=value))
        assert response.status_code < 500, (url, value)
        assert SCRIPT not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/rencana/{v}", "/usulan/{v}/ubah", "/rembuk/{v}", "/komitmen/{v}",
                                 "/kabupaten/35.17/pengguna/{v}/ubah", "/katalog/{v}/ubah"])
def test_ids_in_urls_beyond_what_a_column_holds_are_404(app, world, client, url):
    client = _as(client, world, "admin_a")
    for value in ["2147483648", "9223372036854775808", "9" * 40]:
        assert client.get(url.format(v=value)).status_code == 404, (url, value)


@pytest.fixture
def meeting(app, world):
    from .test_commitment_frozen import _meeting

    return _meeting(app, world, commit=False)


@SETTINGS
@given(data=st.data())
def test_rembuk_decision_form(app, world, client, meeting, data):
    client = _as(client, world, "desa_a1")
    base = {"proposal_id": str(meeting["proposal"]), "action": "units", "units": "3", "reason": "coba"}
    _fuzz_form(app, client, f"/rembuk/{meeting['session']}/keputusan", base, sorted(base), data)


@SETTINGS
@given(data=st.data())
def test_rembuk_attendance_form(app, world, client, meeting, data):
    client = _as(client, world, "desa_a1")
    base = {"name": "Siti", "role": "kader_posyandu", "sex": "P", "signs": "y"}
    _fuzz_form(app, client, f"/rembuk/{meeting['session']}/hadir", base, sorted(base), data)
