"""The demo data set: one kabupaten, two kecamatan, ten villages, plans, proposals, users.

Names and codes follow Kemendagri's scheme; figures are plausible for a village
of 2,000–5,000 people but invented, and the demo says so on its plans' notes.
"""
from sqlalchemy import select

from ..extensions import db
from ..models import Region, User
from ..services.catalogue import seed_catalogue

DEMO_PASSWORD = "demo12345"

KABUPATEN = ("35.17", "Kabupaten Jombang (demo)")
KECAMATAN = [
    ("35.17.09", "Peterongan", [
        ("35.17.09.2001", "Bongkot"), ("35.17.09.2002", "Dukuhklopo"), ("35.17.09.2003", "Kepuhkembeng"),
        ("35.17.09.2004", "Mancar"), ("35.17.09.2005", "Morosunggingan"),
    ]),
    ("35.17.10", "Jombang", [
        ("35.17.10.2001", "Banjardowo"), ("35.17.10.2002", "Candimulyo"), ("35.17.10.2003", "Denanyar"),
        ("35.17.10.2004", "Jabon"), ("35.17.10.2005", "Jombatan"),
    ]),
]


def database_is_empty() -> bool:
    return db.session.scalar(select(Region.id).limit(1)) is None


def _user(username, name, role, region):
    user = User(username=username, name=name, role=role, region=region)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user


def load_demo() -> str:
    """Create the demo data set. Returns a one-line summary."""
    kabupaten = Region(code=KABUPATEN[0], name=KABUPATEN[1], level="kabupaten")
    db.session.add(kabupaten)
    _user("admin", "Admin Kabupaten", "admin", kabupaten)
    villages = []
    for kec_code, kec_name, desa_list in KECAMATAN:
        kecamatan = Region(code=kec_code, name=kec_name, level="kecamatan", parent=kabupaten)
        db.session.add(kecamatan)
        _user(f"kec.{kec_name.lower()}", f"Petugas Kecamatan {kec_name}", "kecamatan", kecamatan)
        for desa_code, desa_name in desa_list:
            desa = Region(code=desa_code, name=desa_name, level="desa", parent=kecamatan)
            db.session.add(desa)
            _user(f"desa.{desa_name.lower()}", f"Operator Desa {desa_name}", "desa", desa)
            villages.append(desa)
    db.session.flush()
    seed_catalogue(kabupaten, commit=False)
    db.session.commit()
    return f"Demo loaded: 1 kabupaten, {len(KECAMATAN)} kecamatan, {len(villages)} desa."
