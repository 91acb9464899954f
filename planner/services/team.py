"""The village's TPPS (Tim Percepatan Penurunan Stunting desa), kept per year.

Members are officials and cadres acting in office (kepala desa, bidan desa, KPM, TPK…), named as
they sign a Berita Acara; they are not the people the plan serves (docs/privacy.md). The team
pre-fills the rembuk's attendance and the activities' pelaksana; a key role left empty (no KPM, no
TPK) is shown to the village and on the kecamatan dashboard.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..domain import KEY_TEAM_ROLES, SEXES, TEAM_ATTENDEE_ROLES, TEAM_ROLES
from ..extensions import db
from ..models import Attendee, TeamMember
from . import ServiceError, audit

TEXT_LIMITS = {"name": 120, "place": 120}


def members(desa, year: int) -> list:
    order = {role: i for i, role in enumerate(TEAM_ROLES)}
    rows = list(db.session.scalars(select(TeamMember).where(TeamMember.desa_id == desa.id, TeamMember.year == year)))
    return sorted(rows, key=lambda m: (order.get(m.role, 99), m.id))


def missing_roles(roles_present) -> list:
    """The key roles (domain.KEY_TEAM_ROLES) nobody holds, as codes."""
    present = set(roles_present)
    return [role for role in KEY_TEAM_ROLES if role not in present]


def missing_by_village(desa_ids, year: int) -> dict:
    """{desa id: [missing key role codes]} for every village in `desa_ids` (one query)."""
    ids = list(desa_ids)
    present = {i: set() for i in ids}
    if ids:
        for desa_id, role in db.session.execute(select(TeamMember.desa_id, TeamMember.role).where(
                TeamMember.desa_id.in_(ids), TeamMember.year == year)):
            present[desa_id].add(role)
    return {i: missing_roles(roles) for i, roles in present.items()}


def can_edit(user, desa) -> bool:
    """The village's own operator keeps its team."""
    return user.role == "desa" and user.region_id == desa.id


def check_member(values: dict) -> dict:
    errors = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Tulis nama dan gelar seperti saat menandatangani.")]
    elif len(name) > TEXT_LIMITS["name"]:
        errors["name"] = [_("Paling banyak %(n)s huruf.", n=TEXT_LIMITS["name"])]
    place = (values.get("place") or "").strip()
    if len(place) > TEXT_LIMITS["place"]:
        errors["place"] = [_("Paling banyak %(n)s huruf.", n=TEXT_LIMITS["place"])]
    if values.get("role") not in TEAM_ROLES:
        errors["role"] = [_("Pilih peran dalam tim.")]
    if values.get("sex") not in SEXES:
        errors["sex"] = [_("Pilih perempuan atau laki-laki.")]
    if errors:
        raise ServiceError(errors)
    return {"name": name, "place": place, "role": values["role"], "sex": values["sex"]}


def add_member(desa, year: int, user, values: dict) -> TeamMember:
    clean = check_member(values)
    member = TeamMember(desa_id=desa.id, year=year, **clean)
    db.session.add(member)
    audit.record("team.add", region=desa, user=user, target=f"desa:{desa.code}", name=clean["name"],
                   role=str(TEAM_ROLES[clean["role"]]))
    db.session.commit()
    return member


def remove_member(member, user) -> None:
    audit.record("team.delete", region=member.desa, user=user, target=f"desa:{member.desa.code}", name=member.name)
    db.session.delete(member)
    db.session.commit()


def copy_previous_year(desa, year: int, user) -> int:
    """Copy the latest earlier year's team into `year` (which must be empty). Returns how many."""
    if members(desa, year):
        raise ServiceError(_("Tim tahun ini sudah diisi; hapus dulu bila ingin menyalin."))
    previous = db.session.scalar(select(TeamMember.year).where(TeamMember.desa_id == desa.id, TeamMember.year < year)
                                 .order_by(TeamMember.year.desc()).limit(1))
    if previous is None:
        raise ServiceError(_("Belum ada tim tahun sebelumnya untuk disalin."))
    copied = 0
    for m in members(desa, previous):
        db.session.add(TeamMember(desa_id=desa.id, year=year, role=m.role, name=m.name, sex=m.sex, place=m.place))
        copied += 1
    audit.record("team.copy", region=desa, user=user, target=f"desa:{desa.code}", year=previous)
    db.session.commit()
    return copied


def implementer_suggestions(plan) -> list:
    """Pelaksana suggestions from the plan year's team: "KPM (Siti Aminah)", "TPK (…)"."""
    seen, result = set(), []
    for m in members(plan.desa, plan.year):
        text = f"{TEAM_ROLES[m.role]} ({m.name})" if m.role in TEAM_ROLES else m.name
        if text not in seen:
            seen.add(text)
            result.append(text)
    return result


def prefill_attendance(meeting, user) -> int:
    """Add the plan year's team to a rembuk's attendance (those not listed yet, by name). Returns
    how many were added. Nobody is marked as signing: the room chooses its representatives."""
    if meeting.status != "open" or not meeting.plan.editable_status:     # as services.rembuk refuses
        raise ServiceError(_("Rembuk ini sudah ditutup dengan komitmen; tidak ada yang bisa diubah lagi."))
    plan = meeting.plan
    team = members(plan.desa, plan.year)
    if not team:
        raise ServiceError(_("Tim desa tahun %(y)s belum diisi.", y=plan.year))
    present = {a.name.strip().casefold() for a in meeting.attendees}
    added = 0
    for m in team:
        if m.name.strip().casefold() in present:
            continue
        institution = str(TEAM_ROLES.get(m.role, m.role)) + (f" · {m.place}" if m.place else "")
        db.session.add(Attendee(meeting=meeting, name=m.name, role=TEAM_ATTENDEE_ROLES.get(m.role, "lainnya"),
                                institution=institution[:160], sex=m.sex, signs=False))
        present.add(m.name.strip().casefold())
        added += 1
    audit.record("attendee.team", plan=plan, user=user, target=f"session:{meeting.id}", count=added)
    db.session.commit()
    return added
