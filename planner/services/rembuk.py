"""The rembuk stunting: a meeting that reviews the suggestion, decides, and commits.

A meeting prepares one commitment version of a plan. The room's choices are
appended as Decisions; the locks the optimizer must keep are read off the
active (not undone) decisions in order (`current_locks`). Every decision, undo
or scenario taken re-solves the plan with those locks at once, and the run is
kept as a Suggestion of the meeting, so the board always shows an answer that
matches the locks (`board`). Committing freezes that answer (planner.services.commitments).

Only the village's operator drives a meeting (the facilitator uses that
account); kecamatan and kabupaten users follow it read-only.
"""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import jobs, optimizer
from ..activity_names import activity_label, activity_labels
from ..domain import ATTENDEE_ROLES, SEXES
from ..extensions import db
from ..optimizer.impact_model import evaluate
from ..models import Attendee, AuditEvent, Decision, Pledge, Proposal, RembukMeeting, Scenario, Suggestion
from ..models.base import utcnow
from ..numerals import NumberFormatError, parse_decimal
from ..optimizer import alternatives as alt
from . import ServiceError, audit, commit_or_conflict
from .optimization import compute_suggestion, input_hash, suggestion_view
from .plan_file_builder import plan_file, proposal_id_of, proposal_key

MEETING_TEXT_LIMITS = {"place": 200, "chair": 120, "facilitator": 120, "agenda": 5000, "review": 2000,
                       "reason": 2000, "document_number": 80}
ATTENDEE_TEXT_LIMITS = {"name": 120, "institution": 160}
PLEDGE_TEXT_LIMITS = {"body": 160, "what": 1000}
REASON_LIMIT = 500
SCENARIO_NAME_LIMIT = 120

DEFAULT_AGENDA = (
    "1. Pembukaan\n2. Paparan kondisi desa: data sasaran dan hasil pengukuran posyandu\n"
    "3. Paparan usulan kegiatan dan usulan alokasi\n4. Pembahasan dan kesepakatan kegiatan\n"
    "5. Kesepakatan pemantauan triwulanan\n6. Penandatanganan Berita Acara")
DEFAULT_REVIEW = ("Rapat evaluasi bersama setiap triwulan (Maret, Juni, September, Desember) di balai desa, "
                  "dipimpin kepala desa, membahas realisasi anggaran dan capaian layanan.")


def meeting_changed_message():
    return _("Data rembuk ini baru saja diubah pengguna lain. Muat ulang halaman lalu ulangi perubahan Anda.")


# --- Opening and details --------------------------------------------------------------------------------

def next_version(plan) -> int:
    latest = plan.latest_commitment
    return latest.version + 1 if latest else 1


def check_meeting_values(values: dict, needs_reason: bool = False) -> dict:
    errors = {}
    held_on = values.get("held_on")
    if not isinstance(held_on, date):
        errors["held_on"] = [_("Isi tanggal rembuk.")]
    for name, limit in MEETING_TEXT_LIMITS.items():
        text = values.get(name)
        if text is not None and len(text) > limit:
            errors.setdefault(name, []).append(_("Paling banyak %(n)s huruf.", n=limit))
    if not (values.get("place") or "").strip():
        errors.setdefault("place", []).append(_("Isi tempat rembuk."))
    if not (values.get("chair") or "").strip():
        errors.setdefault("chair", []).append(_("Isi nama pemimpin rembuk."))
    if needs_reason and not (values.get("reason") or "").strip():
        errors.setdefault("reason", []).append(_("Tulis alasan perubahan komitmen."))
    return errors


def open_meeting(plan, user, values: dict) -> RembukMeeting:
    """Open the rembuk for the plan's next commitment version. One open meeting per plan."""
    if not plan.editable_status:
        raise ServiceError(_("Rencana ini sudah disepakati. Buka perubahan dulu untuk mengadakan rembuk baru."))
    if plan.open_meeting is not None:
        raise ServiceError(_("Rencana ini sudah punya rembuk yang sedang berjalan."))
    version = next_version(plan)
    errors = check_meeting_values(values, needs_reason=version > 1)
    if errors:
        raise ServiceError(errors)
    meeting = RembukMeeting(plan=plan, version=version, created_by_id=user.id, status="open",
                            **{k: _text(values.get(k)) for k in MEETING_TEXT_LIMITS},
                            held_on=values["held_on"])
    db.session.add(meeting)
    db.session.flush()
    audit.record("session.open", plan=plan, user=user, target=f"session:{meeting.id}",
                   version=version, date=meeting.held_on.isoformat())
    amended = _amended_meeting(plan)
    if amended is not None:
        carry_over(amended, meeting, user)
    db.session.commit()
    return meeting


def _amended_meeting(plan):
    """The rembuk that made the commitment a perubahan amends (None for a first rembuk)."""
    latest = plan.latest_commitment
    return latest.meeting if latest is not None and latest.meeting is not None else None


def carry_over(previous, meeting, user) -> None:
    """Start a perubahan from the version it amends: its attendance (to be confirmed), the
    decisions in force when it was committed (with their reasons) and the pledges of other
    bodies. Nothing here is silent: every carried row is marked, and a carried "wajib" can only
    be dropped with a stated reason (`check_decision`)."""
    for a in previous.attendees:
        if a.carried:
            continue
        db.session.add(Attendee(meeting=meeting, name=a.name, role=a.role, institution=a.institution, sex=a.sex,
                                signs=a.signs, carried=True))
    existing = {p.id: p for p in meeting.plan.proposals}
    for proposal_id, (lock, decision) in sorted(effective_decisions(previous).items()):
        proposal = existing.get(proposal_id)
        if proposal is None:
            continue
        if decision.action == "scenario":
            reason = _("skenario “%(name)s” di rembuk versi %(v)s", name=decision.scenario.name if decision.scenario
                       else "–", v=previous.version)
            if decision.reason:
                reason += ": " + decision.reason
        else:
            reason = decision.reason
        action, units = ("units", lock["units"]) if isinstance(lock, dict) else (lock, None)
        db.session.add(Decision(meeting=meeting, proposal_id=proposal.id,
                                proposal_name=activity_label(proposal.name, proposal.location)[:200], action=action,
                                units=units, reason=reason[:REASON_LIMIT], user_id=user.id,
                                carried_from_id=decision.id))
    for pledge in previous.pledges:
        db.session.add(Pledge(meeting=meeting, body=pledge.body, what=pledge.what, months=pledge.months, carried=True))
    audit.record("session.carry_over", plan=meeting.plan, user=user, target=f"session:{meeting.id}",
                   version=previous.version)


def update_meeting(meeting, user, values: dict, expected_version: int | None = None) -> RembukMeeting:
    _require_open(meeting)
    errors = check_meeting_values(values, needs_reason=meeting.version > 1)
    if errors:
        raise ServiceError(errors)
    if expected_version is not None and expected_version != meeting.version_id:
        raise ServiceError(meeting_changed_message())
    before = {k: getattr(meeting, k) for k in ("held_on", *MEETING_TEXT_LIMITS)}
    meeting.held_on = values["held_on"]
    for key in MEETING_TEXT_LIMITS:
        setattr(meeting, key, _text(values.get(key)))
    after = {k: getattr(meeting, k) for k in before}
    audit.record("session.update", plan=meeting.plan, user=user, target=f"session:{meeting.id}",
                   changes=audit.changes(before, after))
    commit_or_conflict(meeting_changed_message())
    return meeting


def default_meeting_values(plan) -> dict:
    """What the form starts with: today, the village hall, the usual agenda and review."""
    reason = ""
    if plan.status == "amending":
        reason = amendment_reason(plan)
    return {"held_on": date.today(), "place": _("Balai Desa %(name)s", name=plan.desa.name), "chair": "",
            "facilitator": "", "agenda": DEFAULT_AGENDA, "review": DEFAULT_REVIEW, "reason": reason}


def _text(value) -> str:
    return (value or "").strip()


def _require_open(meeting):
    if meeting.status != "open" or not meeting.plan.editable_status:
        raise ServiceError(_("Rembuk ini sudah ditutup dengan komitmen; tidak ada yang bisa diubah lagi."))


# --- Attendance ---------------------------------------------------------------------------------------------

def check_attendee_values(values: dict) -> dict:
    errors = {}
    if not _text(values.get("name")):
        errors["name"] = [_("Isi nama peserta.")]
    for key, limit in ATTENDEE_TEXT_LIMITS.items():
        if len(values.get(key) or "") > limit:
            errors.setdefault(key, []).append(_("Paling banyak %(n)s huruf.", n=limit))
    if values.get("role") not in ATTENDEE_ROLES:
        errors["role"] = [_("Pilih peran peserta.")]
    if values.get("sex") not in SEXES:
        errors["sex"] = [_("Pilih perempuan atau laki-laki.")]
    return errors


def add_attendee(meeting, user, values: dict) -> Attendee:
    _require_open(meeting)
    errors = check_attendee_values(values)
    if errors:
        raise ServiceError(errors)
    attendee = Attendee(meeting=meeting, name=_text(values["name"]), role=values["role"],
                        institution=_text(values.get("institution")), sex=values["sex"],
                        signs=bool(values.get("signs")))
    db.session.add(attendee)
    audit.record("attendee.add", plan=meeting.plan, user=user, target=f"session:{meeting.id}",
                   name=attendee.name, role=str(ATTENDEE_ROLES[attendee.role]))
    db.session.commit()
    return attendee


def confirm_attendee(meeting, user, attendee: Attendee) -> None:
    """A person carried over from the amended rembuk is present again."""
    _require_open(meeting)
    if attendee.session_id != meeting.id:
        raise ServiceError(_("Peserta ini tidak tercatat di rembuk ini."))
    attendee.carried = False
    audit.record("attendee.confirm", plan=meeting.plan, user=user, target=f"session:{meeting.id}",
                   name=attendee.name)
    db.session.commit()


def remove_attendee(meeting, user, attendee: Attendee) -> None:
    _require_open(meeting)
    if attendee.session_id != meeting.id:
        raise ServiceError(_("Peserta ini tidak tercatat di rembuk ini."))
    audit.record("attendee.remove", plan=meeting.plan, user=user, target=f"session:{meeting.id}",
                   name=attendee.name)
    db.session.delete(attendee)
    db.session.commit()


# --- Pledges of other bodies ---------------------------------------------------------------------------

def check_pledge_values(values: dict) -> dict:
    errors = {}
    if not _text(values.get("body")):
        errors["body"] = [_("Isi nama lembaga, misalnya Puskesmas Peterongan atau TP PKK.")]
    if not _text(values.get("what")):
        errors["what"] = [_("Tulis apa yang akan dilakukan lembaga ini.")]
    for key, limit in PLEDGE_TEXT_LIMITS.items():
        if len(values.get(key) or "") > limit:
            errors.setdefault(key, []).append(_("Paling banyak %(n)s huruf.", n=limit))
    months = values.get("months") or []
    if not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
        errors["months"] = [_("Pilih bulan pelaksanaan dari Januari sampai Desember.")]
    return errors


def add_pledge(meeting, user, values: dict) -> Pledge:
    """What another body (puskesmas, PKK, TPK…) commits to, at no cost to the village."""
    _require_open(meeting)
    errors = check_pledge_values(values)
    if errors:
        raise ServiceError(errors)
    pledge = Pledge(meeting=meeting, body=_text(values["body"]), what=_text(values["what"]),
                    months=sorted(set(values.get("months") or [])) or None)
    db.session.add(pledge)
    audit.record("pledge.add", plan=meeting.plan, user=user, target=f"session:{meeting.id}", name=pledge.body)
    db.session.commit()
    return pledge


def remove_pledge(meeting, user, pledge: Pledge) -> None:
    _require_open(meeting)
    if pledge.session_id != meeting.id:
        raise ServiceError(_("Komitmen ini tidak tercatat di rembuk ini."))
    audit.record("pledge.remove", plan=meeting.plan, user=user, target=f"session:{meeting.id}", name=pledge.body)
    db.session.delete(pledge)
    db.session.commit()


# --- Decisions and locks ----------------------------------------------------------------------------------

def active_decisions(meeting) -> list:
    return [d for d in meeting.decisions if d.undone_at is None]


def effective_decisions(meeting) -> dict:
    """Proposal id → (lock, the decision that set it) for the locks `current_locks` derives."""
    existing = set(db.session.scalars(select(Proposal.id).where(Proposal.plan_id == meeting.plan_id)))
    found: dict = {}
    for decision in active_decisions(meeting):
        if decision.action == "scenario" and decision.scenario is not None:
            found = {}
            for key, units in decision.scenario.allocation.items():
                proposal_id = proposal_id_of(key)
                if proposal_id in existing:
                    found[proposal_id] = ({"units": units} if units > 0 else "out", decision)
        elif decision.proposal_id in existing:
            if decision.action == "free":
                found.pop(decision.proposal_id, None)
            elif decision.action in ("in", "out"):
                found[decision.proposal_id] = (decision.action, decision)
            elif decision.action == "units":
                found[decision.proposal_id] = ({"units": decision.units} if decision.units else "out", decision)
    return found


def current_locks(meeting) -> dict:
    """Proposal id → lock ("in", "out" or {"units": n}) from the active decisions, in order.

    A scenario taken sets every proposal it holds to its units (0 units: "out");
    later decisions apply on top of it; "free" hands a proposal back to the optimizer.
    """
    return {proposal_id: lock for proposal_id, (lock, _decision) in effective_decisions(meeting).items()}


def lock_label(lock) -> str:
    if lock == "in":
        return _("Wajib")
    if lock == "out":
        return _("Dicoret")
    if isinstance(lock, dict):
        return _("%(n)s unit", n=lock["units"])
    return _("Bebas")


def check_decision(meeting, proposal, action: str, units, reason: str) -> dict:
    errors = {}
    if proposal is None or proposal.plan_id != meeting.plan_id:
        errors["proposal"] = [_("Usulan ini tidak ada di rencana ini.")]
        return errors
    if action not in ("in", "out", "units", "free"):
        errors["action"] = [_("Pilih keputusan: wajib, coret, jumlah unit, atau bebas.")]
    if action == "units":
        low = max(1, proposal.min_units or 0)
        if units is None:
            errors["units"] = [_("Isi jumlah unit (bilangan bulat).")]
        elif units != 0 and not low <= units <= proposal.max_units:
            errors["units"] = [_("Jumlah unit harus 0 (tidak didanai) atau antara %(low)s dan %(high)s.",
                                 low=low, high=proposal.max_units)]
    if len(reason or "") > REASON_LIMIT:
        errors["reason"] = [_("Alasan paling banyak %(n)s huruf.", n=REASON_LIMIT)]
    elif not _text(reason) and _drops_carried_requirement(meeting, proposal, action, units):
        errors["reason"] = [_("Rembuk versi sebelumnya memutuskan kegiatan ini wajib. Tulis alasan bila "
                              "sekarang tidak didanai atau diserahkan ke pengoptimal.")]
    return errors


def carried_requirement(meeting, proposal):
    """The carried decision that keeps `proposal` wajib in this perubahan, or None."""
    lock, decision = effective_decisions(meeting).get(proposal.id, (None, None))
    if decision is not None and decision.carried_from_id is not None and (
            lock == "in" or (isinstance(lock, dict) and lock.get("units"))):
        previous = decision.carried_from
        if previous is None or previous.action in ("in", "units", "scenario"):
            return decision
    return None


def _drops_carried_requirement(meeting, proposal, action, units) -> bool:
    """Dropping what the amended version decided wajib: coret, 0 units, or back to the optimizer."""
    if action not in ("out", "free") and not (action == "units" and units == 0):
        return False
    return carried_requirement(meeting, proposal) is not None


def decide(meeting, user, proposal, action: str, units=None, reason: str = "") -> Decision:
    """Record the room's choice for one proposal and re-solve with the new locks (a background
    job, `request_resolve`: the board shows its progress, then the answer or the optimizer's
    refusal).

    Raises ServiceError (nothing recorded) on a bad choice.
    """
    _require_open(meeting)
    errors = check_decision(meeting, proposal, action, units, reason)
    if errors:
        raise ServiceError(errors)
    decision = Decision(meeting=meeting, proposal_id=proposal.id, proposal_name=activity_label(proposal.name,
                                                                                               proposal.location)[:200],
                        action=action,
                        units=units if action == "units" else None, reason=_text(reason), user_id=user.id)
    db.session.add(decision)
    db.session.flush()
    audit.record(f"decision.{action}", plan=meeting.plan, user=user, target=f"proposal:{proposal.id}",
                   name=proposal.name, units=units, reason=decision.reason)
    request_resolve(meeting, user)
    return decision


def undo_last(meeting, user) -> Decision | None:
    """Undo the latest active decision (kept in the record, marked undone) and re-solve."""
    _require_open(meeting)
    decisions = active_decisions(meeting)
    if not decisions:
        raise ServiceError(_("Belum ada keputusan yang bisa dibatalkan."))
    last = decisions[-1]
    if last.carried_from_id is not None:
        raise ServiceError(_("Keputusan dari rembuk versi sebelumnya tidak dibatalkan dengan Urungkan: ubah "
                             "kegiatannya dengan keputusan baru beserta alasannya."))
    last.undone_at = utcnow()
    last.undone_by_id = user.id
    audit.record("decision.undo", plan=meeting.plan, user=user, target=f"decision:{last.id}",
                   what=decision_sentence(last))
    request_resolve(meeting, user)
    return last


def decision_sentence(decision) -> str:
    name = decision.proposal_name
    if decision.action == "scenario":
        return _("memakai skenario “%(name)s”", name=decision.scenario.name if decision.scenario else "–")
    if decision.action == "in":
        return _("“%(name)s” wajib didanai", name=name)
    if decision.action == "out":
        return _("“%(name)s” tidak didanai", name=name)
    if decision.action == "units":
        return _("“%(name)s” sebanyak %(n)s unit", name=name, n=decision.units)
    return _("“%(name)s” diserahkan ke pengoptimal", name=name)


def _resolve(meeting, user) -> Suggestion:
    """Solve with the current locks inside the caller's transaction, then commit everything."""
    suggestion = compute_suggestion(meeting.plan, user, locks=current_locks(meeting), meeting=meeting, commit=False)
    db.session.commit()
    return suggestion


def resolve(meeting, user) -> Suggestion:
    """Solve again with the current locks, in this request (the demo loader, scripts)."""
    _require_open(meeting)
    return _resolve(meeting, user)


RESOLVE_JOB = "rembuk"


def resolve_subject(meeting) -> str:
    return f"session:{meeting.id}"


def request_resolve(meeting, user):
    """Commit what the caller recorded and solve again with the current locks as a background
    job (planner.jobs; the board shows its progress, then the answer). Returns the Job."""

    _require_open(meeting)
    db.session.commit()
    return jobs.enqueue(RESOLVE_JOB, {"session_id": meeting.id}, user=user, plan=meeting.plan,
                        subject=resolve_subject(meeting))


def meeting_suggestion(meeting, before: int | None = None) -> Suggestion | None:
    """The meeting's latest run (or the latest before run id `before`)."""
    query = select(Suggestion).where(Suggestion.session_id == meeting.id)
    if before is not None:
        query = query.where(Suggestion.id < before)
    return db.session.scalar(query.order_by(Suggestion.id.desc()).limit(1))


def is_current(meeting, suggestion) -> bool:
    """True when `suggestion` was solved from the plan and locks exactly as they are now."""
    return suggestion is not None and input_hash(
        plan_file(meeting.plan, locks=current_locks(meeting))) == suggestion.input_hash


def proposal_labels(plan) -> dict:
    """Plan-file key → `name · location`, told apart where the same activity is proposed twice in one place."""
    proposals = list(plan.proposals)
    labels = activity_labels(proposals, name=lambda p: p.name, location=lambda p: p.location)
    return {proposal_key(p.id): label for p, label in zip(proposals, labels)}


# --- What the projector shows -----------------------------------------------------------------------------

@dataclass
class Move:
    key: str
    name: str
    before: int
    after: int
    cost_before: int
    cost_after: int
    why: str


@dataclass
class Board:
    meeting: object
    view: object                      # SuggestionView of the meeting's latest run, or None
    locks: dict                       # proposal key "u<id>" -> lock
    job: object = None                # the re-solve still running (planner.jobs), or None
    moves: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    current: bool = True
    impact_before: float | None = None
    cost_before: int | None = None

    def lock_of(self, key):
        return self.locks.get(key)

    @staticmethod
    def proposal_id(key) -> int | None:
        return proposal_id_of(key)

    @property
    def active_count(self) -> int:
        """Decisions the Urungkan button can undo (those carried from the amended version it cannot)."""
        return sum(1 for d in self.decisions if d.undone_at is None and d.carried_from_id is None)

    @property
    def rule_lines(self) -> list:
        """Every total that has a rule, from the latest answer."""
        if self.view is None or not self.view.has_plan:
            return []
        return [line for lines in (self.view.categories, self.view.packages, self.view.groups, self.view.locations)
                for line in lines if line.rule]

    @property
    def broken_rules(self) -> list:
        return [line for line in self.rule_lines if not line.ok]


def board(meeting, lang: str = "id") -> Board:
    """The projector's content: latest answer with locks, what moved since the run before, decisions."""
    locks = current_locks(meeting)
    latest = meeting_suggestion(meeting)
    view = suggestion_view(meeting.plan, latest, lang, locks=locks) if latest else None

    result = Board(meeting=meeting, view=view, locks={proposal_key(k): v for k, v in locks.items()},
                   decisions=list(reversed(meeting.decisions)), current=view is None or not view.stale,
                   job=jobs.active(RESOLVE_JOB, meeting.plan, resolve_subject(meeting)))
    if latest is not None:
        previous = meeting_suggestion(meeting, before=latest.id)
        if previous is not None:
            result.moves = _moves(previous, latest, view)
            result.impact_before = previous.total_impact
            result.cost_before = previous.total_cost
    return result


def _units(suggestion) -> dict:
    return {a["id"]: (a["units"], a["cost"]) for a in suggestion.result["result"]["allocations"]}


def _moves(previous, latest, view) -> list:
    before, after = _units(previous), _units(latest)
    rows = {row.key: row for row in view.rows} if view else {}
    moves = []
    for key, (units, cost) in after.items():
        old_units, old_cost = before.get(key, (0, 0))
        if units != old_units:
            row = rows.get(key)
            moves.append(Move(key=key, name=row.label if row else key, before=old_units, after=units,
                              cost_before=old_cost, cost_after=cost, why=row.explanation if row else ""))
    return moves


# --- Scenarios ------------------------------------------------------------------------------------------------

def save_scenario(meeting, user, name: str, allocation: dict | None = None, source=None) -> Scenario:
    """Keep the current answer (or a given allocation, e.g. an alternative) under a name."""
    _require_open(meeting)
    name = _text(name)
    errors = {}
    if not name:
        errors["name"] = [_("Beri nama skenario.")]
    elif len(name) > SCENARIO_NAME_LIMIT:
        errors["name"] = [_("Paling banyak %(n)s huruf.", n=SCENARIO_NAME_LIMIT)]
    elif any(s.name == name for s in meeting.scenarios):
        errors["name"] = [_("Sudah ada skenario bernama “%(name)s”.", name=name)]
    latest = meeting_suggestion(meeting)
    if allocation is None:
        if latest is None or latest.status not in ("optimal", "feasible"):
            errors.setdefault(None, []).append(_("Belum ada alokasi yang bisa disimpan: hitung dulu."))
        elif not is_current(meeting, latest):
            errors.setdefault(None, []).append(_("Usulan berubah sejak perhitungan terakhir: hitung ulang dulu."))
    if errors:
        raise ServiceError(errors)
    if allocation is None:
        allocation = {a["id"]: a["units"] for a in latest.result["result"]["allocations"]}
        total_cost, total_impact = latest.total_cost, latest.total_impact
    else:
        total_cost, total_impact = source["total_cost"], source["total_impact"]
    scenario = Scenario(meeting=meeting, name=name, allocation=allocation, total_cost=total_cost,
                        total_impact=total_impact or 0.0, suggestion_id=latest.id if latest else None,
                        user_id=user.id)
    db.session.add(scenario)
    audit.record("scenario.save", plan=meeting.plan, user=user, target=f"session:{meeting.id}", name=name)
    db.session.commit()
    return scenario


def take_scenario(meeting, user, scenario, reason: str = "") -> Decision:
    """Make a saved scenario the room's decision: its units become the locks; re-solve."""
    _require_open(meeting)
    if scenario is None or scenario.session_id != meeting.id:
        raise ServiceError(_("Skenario ini tidak ada di rembuk ini."))
    if len(reason or "") > REASON_LIMIT:
        raise ServiceError({"reason": [_("Alasan paling banyak %(n)s huruf.", n=REASON_LIMIT)]})
    decision = Decision(meeting=meeting, scenario_id=scenario.id, proposal_name="", action="scenario",
                        reason=_text(reason), user_id=user.id)
    decision.scenario = scenario
    db.session.add(decision)
    db.session.flush()
    audit.record("decision.scenario", plan=meeting.plan, user=user, target=f"scenario:{scenario.id}",
                   name=scenario.name, reason=decision.reason)
    request_resolve(meeting, user)
    return decision


@dataclass
class ComparisonRow:
    key: str
    name: str
    units_a: int
    units_b: int
    cost_a: int
    cost_b: int
    impact_a: float
    impact_b: float

    @property
    def differs(self) -> bool:
        return self.units_a != self.units_b


@dataclass
class ScenarioComparison:
    a: object
    b: object
    rows: list
    total_a: float = 0.0          # central cases averted, impact model, today's plan
    total_b: float = 0.0

    @property
    def differing(self) -> list:
        return [r for r in self.rows if r.differs]


def compare_scenarios(meeting, a: Scenario, b: Scenario) -> ScenarioComparison:
    """Side by side: every proposal's units, cost and impact in each scenario (today's costs)."""
    if a.session_id != meeting.id or b.session_id != meeting.id:
        raise ServiceError(_("Skenario ini tidak ada di rembuk ini."))
    names = proposal_labels(meeting.plan)
    prices = {proposal_key(p.id): p for p in meeting.plan.proposals}
    # both judged by the impact model on the plan as it is today (combined effects, not per unit × units)
    data = plan_file(meeting.plan)
    impact_a, impact_b = evaluate(data, a.allocation), evaluate(data, b.allocation)
    rows = []
    keys = list(dict.fromkeys([*a.allocation, *b.allocation]))
    for key in keys:
        ua, ub = a.allocation.get(key, 0), b.allocation.get(key, 0)
        p = prices.get(key)
        cost = (lambda u: p.fixed_cost + p.unit_cost * u if u and p else 0)
        rows.append(ComparisonRow(key=key, name=names.get(key, key), units_a=ua, units_b=ub, cost_a=cost(ua),
                                  cost_b=cost(ub), impact_a=impact_a["by_proposal"].get(key, 0.0),
                                  impact_b=impact_b["by_proposal"].get(key, 0.0)))
    return ScenarioComparison(a=a, b=b, rows=rows, total_a=impact_a["central"], total_b=impact_b["central"])


# --- Alternatives ---------------------------------------------------------------------------------------------

#: An alternative moves at least this share of the stunting budget between activities: a real
#: choice for the room, not the answer with one small item added or struck.
MIN_SWAP_SHARE = 0.05


def alternatives(meeting, max_loss: float = 0.02, count: int = 3) -> list:
    """The best few allocations that fund a different set of activities than the current answer,
    move at least MIN_SWAP_SHARE of the budget between activities, and lose at most `max_loss` of
    its impact (dicts from planner.optimizer.alternatives)."""

    latest = meeting_suggestion(meeting)
    if latest is None or latest.status != "optimal" or not is_current(meeting, latest):
        return []
    plan = optimizer.load_plan(latest.plan_file)
    best = optimizer.solve(plan, solver=current_app.config["SOLVER"],
                           time_limit=current_app.config["SOLVER_TIME_LIMIT"])
    found = alt.alternatives(plan, best, count=count, max_loss=max_loss, solver=current_app.config["SOLVER"],
                             time_limit=current_app.config["SOLVER_TIME_LIMIT"], min_swap=MIN_SWAP_SHARE)
    return [alt.alternative_to_dict(a) for a in found]


@dataclass
class AlternativeOption:
    """One alternative as the room reads it: names of what it adds, drops or changes."""

    index: int
    total_cost: int
    total_impact: float
    loss_share: float
    added: list
    dropped: list
    changed: list            # (name, units in the current answer, units here)
    allocation: dict         # "u<id>" -> units


MAX_LOSS_PERCENT = 20


def parse_max_loss(text) -> float:
    """The share of impact the room accepts to lose, from a percentage typed the Indonesian way."""

    text = (str(text) if text is not None else "").strip().rstrip("%").strip() or "2"
    try:
        percent = parse_decimal(text)
    except NumberFormatError:
        raise ServiceError({"susut": [_("Tulis persen dengan angka, misalnya 2 atau 2,5.")]})
    if not 0 <= percent <= MAX_LOSS_PERCENT:
        raise ServiceError({"susut": [_("Pilih antara 0%% dan %(n)s%%.", n=MAX_LOSS_PERCENT)]})
    return float(percent) / 100


ALTERNATIVES_JOB = "alternatives"


def alternatives_subject(suggestion_id: int, max_loss: float) -> str:
    """The job subject: one search per stored answer and share (a new answer is a new search)."""
    return f"{suggestion_id}:{max_loss:.6f}"


def kept_alternatives(meeting, max_loss: float):
    """The alternatives a finished job found for the meeting's current answer and `max_loss`,
    or None when no such job has finished (planner.jobs keeps its result)."""

    latest = meeting_suggestion(meeting)
    if latest is None:
        return None
    job = jobs.latest(ALTERNATIVES_JOB, meeting.plan, alternatives_subject(latest.id, max_loss))
    if job is None or job.status != "done":
        return None
    return (job.result or {}).get("found")


def alternative_options(meeting, max_loss: float, count: int = 3, found: list | None = None) -> list:
    """`alternatives` (or those a job `found`) with the proposals' names and places, for the page."""
    names = proposal_labels(meeting.plan)
    options = []
    if found is None:
        found = alternatives(meeting, max_loss=max_loss, count=count)
    latest = meeting_suggestion(meeting)
    data = latest.plan_file if latest is not None else None
    best = latest.total_impact if latest is not None else 0.0
    for index, option in enumerate(found):
        allocation = {a["id"]: a["units"] for a in option["allocations"]}
        # the same model as the board's figure (impact_model), so the two can be compared
        total = evaluate(data, allocation)["central"] if data is not None else option["total_impact"] or 0.0
        options.append(AlternativeOption(
            index=index, total_cost=option["total_cost"], total_impact=total,
            loss_share=(1 - total / best) if best else option["loss_share"], added=[names.get(k, k) for k in option["added"]],
            dropped=[names.get(k, k) for k in option["dropped"]],
            changed=[(names.get(c["id"], c["id"]), c["units_best"], c["units"]) for c in option["changed_units"]],
            allocation={a["id"]: a["units"] for a in option["allocations"]}))
    return options


def save_alternative(meeting, user, max_loss: float, index, name: str) -> Scenario:
    """Keep alternative number `index` (found again here, never taken from the form) as a scenario."""
    _require_open(meeting)
    options = alternative_options(meeting, max_loss, found=kept_alternatives(meeting, max_loss))
    if index is None or not 0 <= index < len(options):
        raise ServiceError(_("Alternatif ini tidak tersedia lagi: keputusan atau usulan sudah berubah. "
                             "Tampilkan ulang alternatif."))
    option = options[index]
    return save_scenario(meeting, user, name, allocation=option.allocation,
                         source={"total_cost": option.total_cost, "total_impact": option.total_impact})


# --- Amendment ---------------------------------------------------------------------------------------------------

def open_amendment(plan, user, reason: str, expected_version: int | None = None) -> None:
    """A perubahan: the committed plan opens for change again, towards the next version.

    The committed versions stay as they are; the next rembuk commits version n+1.
    """
    if plan.status != "committed":
        raise ServiceError(_("Perubahan hanya bisa dibuka untuk rencana yang sudah disepakati."))
    reason = _text(reason)
    if not reason:
        raise ServiceError({"reason": [_("Tulis alasan perubahan komitmen.")]})
    if len(reason) > MEETING_TEXT_LIMITS["reason"]:
        raise ServiceError({"reason": [_("Paling banyak %(n)s huruf.", n=MEETING_TEXT_LIMITS["reason"])]})
    if expected_version is not None and expected_version != plan.version_id:
        raise ServiceError(_("Rencana ini baru saja diubah pengguna lain. Muat ulang halaman."))
    plan.status = "amending"
    audit.record("amendment.open", plan=plan, user=user, reason=reason)
    commit_or_conflict(_("Rencana ini baru saja diubah pengguna lain. Muat ulang halaman."))


def amendment_reason(plan) -> str:

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.plan_id == plan.id,
                                                       AuditEvent.action == "amendment.open")
                              .order_by(AuditEvent.id.desc()).limit(1))
    return str((event.details or {}).get("reason") or "") if event else ""
