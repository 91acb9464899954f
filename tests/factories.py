"""Building test data through the models, as the app itself would store it."""
from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from planner.extensions import db
from planner.models import Plan, Proposal, Region, User
from planner.services.catalogue import seed_catalogue

PASSWORD = "rahasia-uji-123"
# The world's users carry a cheap hash (one PBKDF2 round): the app checks a hash by the method it
# names, and scrypt, slow on purpose (0.1–0.5 s here), made each of the suite's ~600 log-ins cost as
# much. Passwords the app sets itself (admin pages, demo, resets) are still scrypt, which
# tests/test_password_hash.py checks.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def password_hash():
    """The test password's hash, shared by every user the factories build."""
    return _PASSWORD_HASH


@dataclass
class World:
    """Ids and codes of the standard test world (objects are detached, so keep plain values)."""

    regions: dict = field(default_factory=dict)    # key -> code
    region_ids: dict = field(default_factory=dict)  # key -> id
    usernames: dict = field(default_factory=dict)   # key -> username
    plans: dict = field(default_factory=dict)       # key -> plan id


def region(code, name, level, parent=None):
    r = Region(code=code, name=name, level=level, parent=parent)
    db.session.add(r)
    return r


def user(username, role, region_obj, name=None):
    u = User(username=username, name=name or username, role=role, region=region_obj,
             password_hash=password_hash())
    db.session.add(u)
    return u


def plan(desa, year=2027, **values):
    defaults = dict(pagu=1_000_000_000, stunting_budget=150_000_000, ibu_hamil=30, ibu_nifas=25,
                    baduta=80, balita=200, catin=10, remaja_putri=60, keluarga=120,
                    balita_measured=180, stunted_children=36)
    defaults.update(values)
    p = Plan(desa=desa, year=year, status="draft", **defaults)
    db.session.add(p)
    return p


def proposal(plan_obj, **values):
    defaults = dict(name="PMT lokal balita", category="spesifik", package="konseling_gizi", target_group="balita",
                    location="Dusun Krajan", proposer="posyandu", unit="anak-hari", unit_cost=16_500,
                    fixed_cost=0, min_units=90, max_units=2700, impact_per_unit=None, apbdes_code="2.2.02")
    defaults.update(values)
    p = Proposal(plan=plan_obj, **defaults)
    db.session.add(p)
    return p


def build_world() -> World:
    """Kabupaten A (35.17) with kecamatan A1, A2 and villages; kabupaten B (35.18) with one village.

    Users: admin_a, admin_b, kec_a1, kec_a2, desa_a1 (village a1x), desa_a1y, desa_a2, desa_b.
    Plans for 2027 in a1x, a1y, a2x and bx.
    """
    w = World()
    kab_a = region("35.17", "Kabupaten A", "kabupaten")
    kab_b = region("35.18", "Kabupaten B", "kabupaten")
    kec_a1 = region("35.17.09", "Kecamatan A1", "kecamatan", kab_a)
    kec_a2 = region("35.17.10", "Kecamatan A2", "kecamatan", kab_a)
    kec_b = region("35.18.01", "Kecamatan B1", "kecamatan", kab_b)
    a1x = region("35.17.09.2001", "Desa A1X", "desa", kec_a1)
    a1y = region("35.17.09.2002", "Desa A1Y", "desa", kec_a1)
    a2x = region("35.17.10.2001", "Desa A2X", "desa", kec_a2)
    bx = region("35.18.01.2001", "Desa BX", "desa", kec_b)
    regions = dict(kab_a=kab_a, kab_b=kab_b, kec_a1=kec_a1, kec_a2=kec_a2, kec_b=kec_b, a1x=a1x, a1y=a1y, a2x=a2x, bx=bx)
    users = dict(
        admin_a=user("admin.a", "admin", kab_a), admin_b=user("admin.b", "admin", kab_b),
        kec_a1=user("kec.a1", "kecamatan", kec_a1), kec_a2=user("kec.a2", "kecamatan", kec_a2),
        kec_b=user("kec.b", "kecamatan", kec_b),
        desa_a1=user("desa.a1x", "desa", a1x), desa_a1y=user("desa.a1y", "desa", a1y),
        desa_a2=user("desa.a2x", "desa", a2x), desa_b=user("desa.bx", "desa", bx),
    )
    db.session.flush()
    seed_catalogue(kab_a, commit=False)
    seed_catalogue(kab_b, commit=False)
    plans = {key: plan(regions[key]) for key in ("a1x", "a1y", "a2x", "bx")}
    db.session.flush()
    for p in plans.values():
        proposal(p)
        proposal(p, name="Insentif kader posyandu", package="kia", unit="kader-bulan", unit_cost=100_000,
                 min_units=12, max_units=240, impact_per_unit=0.0004)
    db.session.commit()
    w.regions = {k: r.code for k, r in regions.items()}
    w.region_ids = {k: r.id for k, r in regions.items()}
    w.usernames = {k: u.username for k, u in users.items()}
    w.plans = {k: p.id for k, p in plans.items()}
    return w


def add_meeting_proposals(plan_obj):
    """Proposals for a rembuk: every 1000-HPK group covered, more asked than the budget allows.

    With the world's Rp 150.000.000 the optimum funds the two pregnancy activities, PMT for
    baduta and the kader incentive, and leaves latrines out (low impact per Rupiah).
    """
    db.session.flush()
    first = next((p for p in plan_obj.proposals if p.name == "PMT lokal balita"), None)
    if first is not None:
        first.impact_per_unit = 0.00003
    proposal(plan_obj, name="Kelas ibu hamil", package="kia", target_group="ibu_hamil", unit="kelas",
             unit_cost=750_000, min_units=4, max_units=24, impact_per_unit=0.004, apbdes_code="2.2.02",
             proposer="bidan_desa", location="Posyandu Melati")
    proposal(plan_obj, name="PMT ibu hamil KEK", package="konseling_gizi", target_group="ibu_hamil",
             unit="ibu-hari", unit_cost=20_000, min_units=90, max_units=1800, impact_per_unit=0.00008,
             apbdes_code="2.2.02", proposer="posyandu", location="Posyandu Melati")
    proposal(plan_obj, name="PMT pemulihan baduta", package="konseling_gizi", target_group="baduta",
             unit="anak-hari", unit_cost=17_000, min_units=90, max_units=2700, impact_per_unit=0.00005,
             apbdes_code="2.2.02", proposer="kader", location="Dusun Krajan")
    proposal(plan_obj, name="Jamban sehat keluarga", category="sensitif", package="air_sanitasi",
             target_group="keluarga", unit="unit", unit_cost=9_500_000, min_units=1, max_units=10,
             impact_per_unit=0.002, apbdes_code="2.4.14", proposer="dusun", location="Dusun Krajan")
    db.session.commit()
    return plan_obj
