"""Demo rembuk stunting: some villages have met and committed, one is in its meeting.

Run through the same services a meeting uses (open, attendance, decisions,
solve, commit), so the demo's commitments, histories and documents are real.
Needs a request context (the services speak through Flask-Babel).
"""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import update

from ..extensions import db
from ..formatting import ZONE
from ..models import QuarterReport, Realisation, Suggestion, User
from ..services import audit, commitments, realisation, rembuk, reviews, summaries

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


# What other bodies promise the rembuk at no cost to the village (shared/domain.md, seed 000).
PLEDGES = [
    ("Puskesmas {kecamatan}", "Memberi tablet MMS kepada semua ibu hamil dan PMT lokal bagi balita gizi kurang dari "
     "dana BOK; bidan desa memeriksa ibu hamil KEK setiap bulan.", []),
    ("TP PKK Desa {desa}", "Menggerakkan ibu hamil dan ibu baduta hadir ke posyandu dan kelas ibu hamil.", []),
    ("Tim Pendamping Keluarga (TPK)", "Mendampingi catin, ibu hamil dan ibu pascapersalinan berisiko dengan "
     "kunjungan rumah setiap bulan.", []),
]


def _moment(day: date, hour: int) -> datetime:
    """`day` at `hour` o'clock Jakarta time, as the UTC moment the database keeps."""
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(timezone.utc)


def _date_meeting(meeting, moment: datetime) -> None:
    """The meeting's runs and decisions happened on its day, not when the demo was loaded."""
    for offset, decision in enumerate(meeting.decisions):
        decision.created_at = moment + timedelta(minutes=20 + 5 * offset)
    for offset, run in enumerate(db.session.query(Suggestion).filter_by(session_id=meeting.id).order_by(Suggestion.id)):
        run.created_at = moment + timedelta(minutes=15 + 5 * offset)
    for attendee in meeting.attendees:
        attendee.created_at = moment
    db.session.commit()


def _meet(plan, operator, held_on, name):
    """Open the rembuk, take attendance and the other bodies' pledges, and solve: all on `held_on`."""
    with audit.dated(_moment(held_on, 9)):
        meeting = rembuk.open_meeting(plan, operator, dict(
            held_on=held_on, place=f"Balai Desa {name}", chair=f"Kepala Desa {name}", facilitator="KPM Desa",
            agenda=rembuk.DEFAULT_AGENDA, review=rembuk.DEFAULT_REVIEW))
        for person, role, sex, signs in ATTENDANCE:
            rembuk.add_attendee(meeting, operator, dict(name=person.format(desa=name), role=role, sex=sex,
                                                        signs=signs))
        for body, what, months in PLEDGES:
            rembuk.add_pledge(meeting, operator, dict(body=body.format(desa=name, kecamatan=plan.desa.parent.name),
                                                      what=what, months=months))
        suggestion = rembuk.resolve(meeting, operator)
    return meeting, suggestion


def hold_meetings(plans_by_village: dict, year: int, today: date | None = None) -> int:
    """Hold the demo meetings for `year` (June to September of the year before, never after
    `today`); returns how many commitments were made, each dated on its meeting's day."""
    today = today or date.today()
    committed = 0
    for month, (name, commit) in enumerate(MEETINGS, start=6):
        plan = plans_by_village.get(name)
        if plan is None:
            continue
        operator = User.query.filter_by(region_id=plan.desa_id, role="desa").first()
        held_on = min(date(year - 1, min(month, 9), 10 + month), today - timedelta(days=1))
        meeting, suggestion = _meet(plan, operator, held_on, name)
        unfunded = [p for p in plan.proposals if p.from_dana_desa
                    and not any(a["units"] for a in suggestion.result["result"]["allocations"] if a["id"] == f"u{p.id}")]
        with audit.dated(_moment(held_on, 10)):
            if unfunded:
                # The room funds one activity the optimizer left out, and says why.
                rembuk.decide(meeting, operator, unfunded[0], "in",
                              reason="Diminta warga dalam musyawarah dusun; disepakati bersama.")
            if commit and commitments.commit_problems(meeting) == []:
                commitments.commit_meeting(meeting, operator, at=_moment(held_on, 11))
                committed += 1
        _date_meeting(meeting, _moment(held_on, 9))
    return committed


# --- The year being carried out: last year's commitments, their realisation, the kecamatan's remarks --------

# Share of each activity's commitment spent (and delivered) per quarter, None: the quarter was not
# reported. The committed villages take these in turn: one on track, one lagging far behind the
# tranches, one ahead (one of its activities over its commitment, with the reason), one that has
# not reported since the first quarter.
REALISATION = [(0.20, 0.28, 0.25), (0.06, 0.05, 0.04), (0.25, 0.30, 0.28), (0.15, None, None)]
OVERSPENT_PATTERN = 2
OVERSPENT_REASON = "Harga telur dan ikan naik sejak Juli; dibahas di musyawarah desa."
# Days after a quarter ends on which the village reported it.
REPORTED_AFTER = (9, 12, 7, 11)
# The kecamatan's remark on a village whose spending lags (by pattern above), and the village's answer.
COMMENTS = {
    1: "Realisasi triwulan I sampai III jauh di bawah perkiraan. Mohon kirim penjelasan dan rencana "
       "percepatan sebelum penyaluran tahap kedua.",
    3: "Belum ada laporan realisasi sejak triwulan I. Apakah kegiatan posyandu tetap berjalan?",
}
ANSWERS = {
    1: "PMT baru mulai Oktober karena pengadaan bahan terlambat; rencana percepatan kami kirim minggu ini.",
}


def carry_out_last_year(plans: list, year: int, today: date) -> tuple[int, int]:
    """Hold last year's rembuk for `plans`, commit those the optimizer can fund under the rules,
    and record the quarters already over by `today`. Returns (commitments, quarters recorded).
    """

    committed = recorded = 0
    overspent_done = False
    for plan in plans:
        name = plan.desa.name
        operator = User.query.filter_by(region_id=plan.desa_id, role="desa").first()
        held_on = date(year - 1, 11, 20)
        meeting, _suggestion = _meet(plan, operator, held_on, name)
        if commitments.commit_problems(meeting):
            _date_meeting(meeting, _moment(held_on, 9))
            continue        # e.g. no proposal for a required target group: the meeting stays open
        with audit.dated(_moment(held_on, 11)):
            commitments.commit_meeting(meeting, operator, at=_moment(held_on, 11))
        _date_meeting(meeting, _moment(held_on, 9))
        pattern = committed % len(REALISATION)
        committed += 1
        lines = realisation.sheet(plan).lines
        spent_so_far = {line.key: 0 for line in lines}
        for quarter, share in enumerate(REALISATION[pattern], start=1):
            reported_on = _quarter_end(year, quarter) + timedelta(days=REPORTED_AFTER[quarter - 1])
            if reported_on >= today or share is None:
                continue
            values = {}
            for index, line in enumerate(lines):
                spent = int(line.activity.cost * share) // 1000 * 1000
                reason = ""
                if pattern == OVERSPENT_PATTERN and not overspent_done and index == 0 and quarter == 3:
                    spent = line.activity.cost * 11 // 10 - spent_so_far[line.key]
                    reason = OVERSPENT_REASON
                spent_so_far[line.key] += spent
                values[line.key] = {"spent": spent, "units": int(line.activity.units * share), "note": "",
                                    "over_reason": reason, "version": None}
            with audit.dated(_moment(reported_on, 14)):
                realisation.save_quarter(plan, operator, quarter, values)
            _date_report(plan, quarter, reported_on)
            recorded += 1
        if pattern == OVERSPENT_PATTERN and any(v > 0 for v in spent_so_far.values()):
            overspent_done = True
        if pattern in COMMENTS:
            officer = User.query.filter_by(region_id=plan.desa.parent_id, role="kecamatan").first()
            last_report = max((_quarter_end(year, q) for q in range(1, 5) if _quarter_end(year, q) < today),
                              default=held_on)
            noted = _moment(last_report + timedelta(days=15), 10)
            with audit.dated(noted):
                note = reviews.add_comment(plan, officer, COMMENTS[pattern])
            note.created_at = noted
            if pattern in ANSWERS:
                answered = noted + timedelta(days=2)
                with audit.dated(answered):
                    answer = reviews.add_comment(plan, operator, ANSWERS[pattern], parent=note)
                answer.created_at = answered
            db.session.commit()
    return committed, recorded


def _quarter_end(year, quarter):
    return (date(year, 3 * quarter, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _date_report(plan, quarter, on):
    """Date the quarter's report (and its rows) on the day the village made it, not the day the demo loaded."""

    moment = datetime(on.year, on.month, on.day, 3, 0, tzinfo=timezone.utc)
    db.session.execute(update(QuarterReport).where(QuarterReport.plan_id == plan.id, QuarterReport.quarter == quarter)
                       .values(reported_at=moment, updated_at=moment))
    db.session.execute(update(Realisation).where(Realisation.plan_id == plan.id, Realisation.quarter == quarter)
                       .values(created_at=moment, updated_at=moment))

    summaries.refresh(db.session, [plan.id])    # statements around the ORM: rewrite the summary here
    db.session.commit()
