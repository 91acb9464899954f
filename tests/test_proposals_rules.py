"""Proposal rules beyond single fields: link chains that make a proposal unfundable, how a catalogue
item's units are pre-filled, and the location suggestions."""
import re

import pytest

from planner.extensions import db
from planner.models import CatalogueItem, Plan, Proposal, ProposalLink
from planner.services.proposals import unit_counts_people

from .conftest import text_of

NEW = {
    "name": "Kelas ibu hamil", "category": "spesifik", "package": "kia", "target_group": "ibu_hamil",
    "location": "Posyandu Melati", "proposer": "bidan_desa", "unit": "ibu-pertemuan", "unit_cost": "25.000",
    "fixed_cost": "", "min_units": "40", "max_units": "120", "impact_per_unit": "0,0015",
    "apbdes_code": "2.2.02", "notes": "",
}


def _ids(app, plan_id):
    """{name: id} of the plan's proposals."""
    with app.app_context():
        return {p.name: p.id for p in db.session.query(Proposal).filter_by(plan_id=plan_id)}


def _form(app, proposal_id, **changes):
    """The edit form as the page sends it for the stored proposal, links included, with `changes`."""
    with app.app_context():
        p = db.session.get(Proposal, proposal_id)
        reverse = [l.proposal_id for l in db.session.query(ProposalLink).filter_by(other_id=p.id, kind="excludes")]
        data = {"version_id": str(p.version_id), "name": p.name, "category": p.category, "package": p.package,
                "target_group": p.target_group, "location": p.location, "proposer": p.proposer, "unit": p.unit,
                "unit_cost": str(p.unit_cost), "fixed_cost": str(p.fixed_cost), "min_units": str(p.min_units),
                "max_units": str(p.max_units),
                "impact_per_unit": "" if p.impact_per_unit is None else str(p.impact_per_unit).replace(".", ","),
                "apbdes_code": p.apbdes_code, "notes": p.notes,
                "requires": [str(i) for i in p.linked_ids("requires")],
                "excludes": [str(i) for i in sorted(set(p.linked_ids("excludes")) | set(reverse))]}
    data.update(changes)
    return data


def _links(app, plan_id):
    with app.app_context():
        ids = list(_ids(app, plan_id).values())
        return sorted((l.proposal_id, l.other_id, l.kind)
                      for l in db.session.query(ProposalLink).filter(ProposalLink.proposal_id.in_(ids)))


def _versions(app, plan_id):
    with app.app_context():
        return sorted((p.id, p.version_id) for p in db.session.query(Proposal).filter_by(plan_id=plan_id))


@pytest.fixture
def three(login, world, app):
    """The operator of a1x, with a third proposal "Kelas ibu hamil" next to PMT and the kader incentive.
    Returns (client, plan_id, pmt, kader, kelas)."""
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    assert client.post(f"/rencana/{plan_id}/usulan/baru", data=NEW).status_code == 303
    ids = _ids(app, plan_id)
    return client, plan_id, ids["PMT lokal balita"], ids["Insentif kader posyandu"], ids["Kelas ibu hamil"]


# --- link chains ---------------------------------------------------------------------------------------

def test_requiring_through_a_chain_what_it_excludes_is_refused(three, app):
    """PMT needs the kader incentive, which needs the class: PMT may not also exclude the class."""
    client, plan_id, pmt, kader, kelas = three
    assert client.post(f"/usulan/{kader}/ubah", data=_form(app, kader, requires=[str(kelas)])).status_code == 303
    before = (_links(app, plan_id), _versions(app, plan_id))
    response = client.htmx("POST", f"/usulan/{pmt}/ubah",
                           data=_form(app, pmt, requires=[str(kader)], excludes=[str(kelas)]))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="p{pmt}-excludes-error">(.*?)</p>', body, re.S)
    assert error, "the message sits at the 'not both' boxes"
    assert ("Usulan ini tidak akan pernah bisa didanai: ia memerlukan “Kelas ibu hamil · Posyandu Melati” "
            "(langsung atau lewat usulan lain), padahal keduanya tidak boleh didanai bersama.") in error.group(1)
    # the ticked boxes stay ticked
    assert re.search(rf'<input checked id="p{pmt}-requires-\d+" name="requires" type="checkbox" value="{kader}">', body)
    assert re.search(rf'<input checked id="p{pmt}-excludes-\d+" name="excludes" type="checkbox" value="{kelas}">', body)
    assert (_links(app, plan_id), _versions(app, plan_id)) == before


def test_a_link_that_makes_another_proposal_unfundable_is_refused(three, app):
    """PMT needs the kader incentive and may not go with the class; the kader incentive may then
    not start to need the class, or PMT could never be funded."""
    client, plan_id, pmt, kader, kelas = three
    ok = client.post(f"/usulan/{pmt}/ubah", data=_form(app, pmt, requires=[str(kader)], excludes=[str(kelas)]))
    assert ok.status_code == 303
    before = _links(app, plan_id)
    response = client.post(f"/usulan/{kader}/ubah", data=_form(app, kader, requires=[str(kelas)]))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="requires-error">(.*?)</p>', body, re.S)
    assert error and "“PMT lokal balita · Dusun Krajan” tidak akan pernah bisa didanai" in error.group(1)
    assert "memerlukan “Kelas ibu hamil · Posyandu Melati”" in error.group(1)
    assert _links(app, plan_id) == before


def test_a_new_proposal_needing_both_of_an_excluded_pair_is_refused(three, app):
    client, plan_id, pmt, kader, kelas = three
    assert client.post(f"/usulan/{pmt}/ubah", data=_form(app, pmt, excludes=[str(kader)])).status_code == 303
    before = _ids(app, plan_id)
    response = client.post(f"/rencana/{plan_id}/usulan/baru",
                           data=dict(NEW, name="Kunjungan rumah", requires=[str(pmt), str(kader)]))
    assert response.status_code == 422
    text = text_of(response)
    assert ("Usulan ini tidak akan pernah bisa didanai: ia memerlukan “PMT lokal balita · Dusun Krajan” dan "
            "“Insentif kader posyandu · Dusun Krajan”") in text
    assert 'value="Kunjungan rumah"' in response.get_data(as_text=True)
    assert _ids(app, plan_id) == before


def test_requiring_each_other_is_allowed(three, app):
    """Both or neither: a cycle of "requires" alone is no contradiction."""
    client, plan_id, pmt, kader, kelas = three
    assert client.post(f"/usulan/{pmt}/ubah", data=_form(app, pmt, requires=[str(kader)])).status_code == 303
    assert client.post(f"/usulan/{kader}/ubah", data=_form(app, kader, requires=[str(pmt)])).status_code == 303
    assert _links(app, plan_id) == sorted([(pmt, kader, "requires"), (kader, pmt, "requires")])


def test_an_old_contradiction_does_not_block_other_edits(three, app):
    """Imported plans may already hold a contradiction: edits that do not add one still save."""
    client, plan_id, pmt, kader, kelas = three
    with app.app_context():
        db.session.add_all([ProposalLink(proposal_id=pmt, other_id=kader, kind="requires"),
                            ProposalLink(proposal_id=kader, other_id=pmt, kind="excludes")])
        db.session.commit()
    response = client.post(f"/usulan/{kader}/ubah", data=_form(app, kader, unit_cost="120.000"))
    assert response.status_code == 303
    response = client.post(f"/usulan/{kelas}/ubah", data=_form(app, kelas, requires=[str(kader)]))
    assert response.status_code == 303
    # adding one more path into the same contradiction from a proposal that had none is refused
    response = client.post(f"/usulan/{kelas}/ubah", data=_form(app, kelas, requires=[str(kader), str(pmt)]))
    assert response.status_code == 422
    assert "tidak akan pernah bisa didanai" in text_of(response)


# --- catalogue prefill ---------------------------------------------------------------------------------

@pytest.mark.parametrize("unit,per_head", [
    ("anak-hari", True), ("ibu-hari", True), ("peserta-pertemuan", True), ("remaja-bulan", True),
    ("keluarga", True), ("sambungan", True), ("Orang", True), ("kunjungan", True), ("dokumen", True),
    ("kader-bulan", False), ("posyandu-bulan", False), ("lembaga-bulan", False), ("bulan", False),
    ("set", False), ("paket", False), ("unit", False), ("", False),
])
def test_units_that_count_people(unit, per_head):
    assert unit_counts_people(unit) is per_head


def _item(app, world, code):
    with app.app_context():
        return db.session.query(CatalogueItem.id).filter_by(region_id=world.region_ids["kab_a"], code=code).scalar()


def _value(body, name):
    match = re.search(rf'<input[^>]*id="{name}"[^>]*value="([^"]*)"', body)
    return match.group(1) if match else None


@pytest.mark.parametrize("code,unit,minimum,maximum", [
    # people: the head count × one course (80 baduta × 12 meetings; 60 remaja × 12 months)
    ("konseling_pmba", "peserta-pertemuan", "12", "960"),
    # targeted (balita gizi kurang only): one course, the village enters how many qualify
    ("pmt_lokal_balita", "anak-hari", "56", "56"),
    ("ttd_remaja", "remaja-bulan", "12", "720"),
    ("jamban_sehat", "unit", "1", "1"),
    # staff, facilities, things: one course, for the village to change (not 200 × 12 kader-months)
    ("insentif_kader", "kader-bulan", "12", "12"),
    ("operasional_posyandu", "posyandu-bulan", "12", "12"),
    ("alat_antropometri", "set", "1", "1"),
    ("polindes", "bulan", "12", "12"),
])
def test_prefilled_units_follow_what_the_unit_counts(login, world, app, code, unit, minimum, maximum):
    plan_id = world.plans["a1x"]
    response = login("desa_a1").get(f"/rencana/{plan_id}/usulan/baru?katalog={_item(app, world, code)}")
    body = response.get_data(as_text=True)
    assert _value(body, "unit") == unit
    assert (_value(body, "min_units"), _value(body, "max_units")) == (minimum, maximum)


# --- location suggestions ------------------------------------------------------------------------------

def test_location_suggests_places_already_in_the_plan(three, app):
    client, plan_id, pmt, kader, kelas = three
    body = client.get(f"/rencana/{plan_id}/usulan/baru").get_data(as_text=True)
    assert 'list="location-options"' in body
    # The plan's own places first, then the UKBM where services are given (posyandu remaja, polindes…).
    assert re.search(r'<datalist id="location-options"><option value="Dusun Krajan"><option value="Posyandu Melati">'
                     r'<option value="Posyandu"><option value="Posyandu remaja">', body)
    row = client.htmx("GET", f"/usulan/{pmt}/ubah").get_data(as_text=True)
    assert f'list="p{pmt}-location-options"' in row and f'<datalist id="p{pmt}-location-options">' in row


def test_no_suggestions_in_an_empty_plan(login, world, app):
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    for pid in _ids(app, plan_id).values():
        assert client.post(f"/usulan/{pid}/hapus").status_code == 303
    body = client.get(f"/rencana/{plan_id}/usulan/baru").get_data(as_text=True)
    # No place of the plan's own to suggest yet: only the UKBM (the implementer's usual names are
    # always offered too).
    assert re.search(r'<datalist id="location-options"><option value="Posyandu"><option value="Posyandu remaja">',
                     body)
    assert "Dusun Krajan" not in body.split('id="location-options"')[1].split("</datalist>")[0]
    # the section says there is nothing yet, totals all zero
    text = text_of(client.get(f"/rencana/{plan_id}"))
    assert "Belum ada usulan kegiatan" in text and "Total diminta Rp 0" in text
    with app.app_context():
        assert db.session.get(Plan, plan_id) is not None
