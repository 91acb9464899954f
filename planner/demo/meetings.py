"""Demo rembuk stunting: some villages have met and committed, one is in its meeting.

Run through the same services a meeting uses (open, attendance, decisions,
solve, commit), so the demo's commitments, histories and documents are real.
Needs a request context (the services speak through Flask-Babel).
"""
from datetime import date

from ..models import User
from ..services import commitments, rembuk

# (village name, committed?) — the rest have no meeting yet.
MEETINGS = [("Bongkot", True), ("Dukuhklopo", True), ("Jabon", True), ("Mancar", False)]

ATTENDANCE = [
    ("Kepala Desa {desa}", "kepala_desa", "L", False),
    ("Ketua BPD {desa}", "bpd", "L", True),
    ("Ketua TP PKK", "pkk", "P", True),
    ("Bidan Desa", "bidan_desa", "P", False),
    ("Kader Posyandu Melati", "kader_posyandu", "P", True),
    ("Kader Posyandu Mawar", "kader_posyandu", "P", False),
    ("KPM Desa", "kpm", "P", False),
    ("Tokoh agama", "toga", "L", False),
    ("Pendamping Desa", "pendamping_desa", "L", False),
]


def hold_meetings(plans_by_village: dict, year: int) -> int:
    """Hold the demo meetings; returns how many commitments were made."""
    committed = 0
    for month, (name, commit) in enumerate(MEETINGS, start=6):
        plan = plans_by_village.get(name)
        if plan is None:
            continue
        operator = User.query.filter_by(region_id=plan.desa_id, role="desa").first()
        session = rembuk.open_session(plan, operator, dict(
            held_on=date(year - 1, min(month, 9), 10 + month), place=f"Balai Desa {name}",
            chair=f"Kepala Desa {name}", facilitator="KPM Desa", agenda=rembuk.DEFAULT_AGENDA,
            review=rembuk.DEFAULT_REVIEW))
        for person, role, sex, signs in ATTENDANCE:
            rembuk.add_attendee(session, operator, dict(name=person.format(desa=name), role=role, sex=sex,
                                                        signs=signs))
        suggestion = rembuk.resolve(session, operator)
        unfunded = [p for p in plan.proposals
                    if not any(a["units"] for a in suggestion.result["result"]["allocations"] if a["id"] == f"u{p.id}")]
        if unfunded:
            # The room funds one activity the optimizer left out, and says why.
            rembuk.decide(session, operator, unfunded[0], "in",
                          reason="Diminta warga dalam musyawarah dusun; disepakati bersama.")
        if commit and commitments.commit_problems(session) == []:
            commitments.commit_session(session, operator)
            committed += 1
    return committed
