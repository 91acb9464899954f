"""Everyone lands where their work is, and the menu links the dashboards on every page."""
import pytest

from .conftest import text_of


@pytest.mark.parametrize("who, landing", [
    ("kec_a1", "/kecamatan/35.17.09/dasbor"), ("admin_a", "/kabupaten/35.17/dasbor"),
    ("desa_a1", "/wilayah/35.17.09.2001")])
def test_officers_land_on_their_dashboard_and_villages_on_their_page(world, login, who, landing):
    client = login(who)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith(landing)
    assert client.get("/", follow_redirects=True).status_code == 200


@pytest.mark.parametrize("who, link", [("kec_a1", 'href="/kecamatan/35.17.09/dasbor"'),
                                       ("admin_a", 'href="/kabupaten/35.17/dasbor"')])
def test_the_menu_links_the_dashboard_everywhere(world, login, who, link):
    client = login(who)
    for url in ("/katalog/", "/akun/sandi", f"/rencana/{world.plans['a1x']}", "/wilayah/35.17.09"):
        page = client.get(url)
        assert page.status_code == 200 and link in page.text, url
    assert 'aria-current="page"' in client.get(link.split('"')[1]).text


def test_a_village_has_no_dashboard_link_but_sees_its_flags_and_years(app, world, login):
    client = login("desa_a1")
    page = client.get("/wilayah/35.17.09.2001")
    text = text_of(page)
    assert "/dasbor" not in page.text
    assert "Yang dilihat kecamatan" in text and "Rencana 2027" in text


def test_the_region_list_uses_the_same_status_as_the_dashboard(app, world, login):
    from .test_commitment_frozen import _meeting

    _meeting(app, world, commit=False)
    client = login("kec_a1")
    assert "Rembuk berjalan" in text_of(client.get("/wilayah/35.17.09?tahun=2027"))
    assert "Rembuk berjalan" in text_of(client.get("/kecamatan/35.17.09/dasbor?tahun=2027"))
