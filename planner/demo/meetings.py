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


# --- The year being carried out: last year's commitments, their realisation, the kecamatan's remarks --------

# Share of each activity's commitment spent (and delivered) per quarter; the committed villages take
# these in turn: one on track, one lagging, one ahead, one that has spent nothing since the first quarter.
REALISATION = [(0.22, 0.25, 0.24), (0.10, 0.05, 0.0), (0.30, 0.28, 0.27), (0.15, 0.0, 0.0)]
# The kecamatan's remark on a village whose spending lags (by pattern above).
COMMENTS = {
    1: "Realisasi triwulan II dan III jauh di bawah jadwal. Mohon kirim penjelasan dan rencana "
       "percepatan sebelum penyaluran tahap kedua.",
    3: "Belum ada laporan realisasi sejak triwulan I. Apakah kegiatan posyandu tetap berjalan?",
}


def carry_out_last_year(plans: list, year: int, today: date) -> tuple[int, int]:
    """Hold last year's rembuk for `plans`, commit those the optimizer can fund under the rules,
    and record the quarters already over by `today`. Returns (commitments, quarters recorded).
    """
    from ..services import realisation, reviews

    committed = recorded = 0
    for plan in plans:
        name = plan.desa.name
        operator = User.query.filter_by(region_id=plan.desa_id, role="desa").first()
        session = rembuk.open_session(plan, operator, dict(
            held_on=date(year - 1, 11, 20), place=f"Balai Desa {name}", chair=f"Kepala Desa {name}",
            facilitator="KPM Desa", agenda=rembuk.DEFAULT_AGENDA, review=rembuk.DEFAULT_REVIEW))
        for person, role, sex, signs in ATTENDANCE:
            rembuk.add_attendee(session, operator, dict(name=person.format(desa=name), role=role, sex=sex,
                                                        signs=signs))
        rembuk.resolve(session, operator)
        if commitments.commit_problems(session):
            continue        # e.g. no proposal for a required target group: the session stays open
        commitments.commit_session(session, operator)
        pattern = committed % len(REALISATION)
        committed += 1
        lines = realisation.sheet(plan).lines
        for quarter, share in enumerate(REALISATION[pattern], start=1):
            if date(year, 3 * quarter, 28) >= today or not share:
                continue
            values = {line.key: {"spent": int(line.activity.cost * share) // 1000 * 1000,
                                 "units": int(line.activity.units * share), "note": "", "version": None}
                      for line in lines}
            recorded += bool(realisation.save_quarter(plan, operator, quarter, values))
        if pattern in COMMENTS:
            officer = User.query.filter_by(region_id=plan.desa.parent_id, role="kecamatan").first()
            reviews.add_comment(plan, officer, COMMENTS[pattern])
    return committed, recorded
