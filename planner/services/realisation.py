"""Realisation: per committed activity and quarter, the money spent and the units delivered.

The village records what it spent and delivered against its latest commitment; the
commitment itself is never touched. Saving a quarter reports it (`QuarterReport`), even when
nothing was spent: the kecamatan then reads Rp 0 as "reported, nothing spent", and a quarter
without a report as "belum lapor". Spending or delivering more than an activity's
commitment (over all quarters together) needs a reason, which the kecamatan sees.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..formatting import format_rupiah
from ..models import CommitmentActivity, QuarterReport, Realisation
from ..models.base import utcnow
from . import ServiceError, audit, commit_or_conflict

QUARTERS = (1, 2, 3, 4)
QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
NOTE_LIMIT = 1000


@dataclass
class Line:
    """One committed activity with what was realised per quarter."""

    activity: CommitmentActivity
    entries: dict = field(default_factory=dict)      # quarter -> Realisation

    @property
    def key(self):
        return self.activity.key

    @property
    def spent(self) -> int:
        return sum(r.spent for r in self.entries.values())

    @property
    def delivered(self) -> int:
        return sum(r.units_delivered for r in self.entries.values())

    def spent_except(self, quarter) -> int:
        return sum(r.spent for q, r in self.entries.items() if q != quarter)

    def delivered_except(self, quarter) -> int:
        return sum(r.units_delivered for q, r in self.entries.items() if q != quarter)

    @property
    def spent_share(self):
        return self.spent / self.activity.cost if self.activity.cost else None

    @property
    def delivered_share(self):
        return self.delivered / self.activity.units if self.activity.units else None


@dataclass
class Sheet:
    commitment: object
    lines: list

    @property
    def committed(self) -> int:
        return sum(line.activity.cost for line in self.lines)

    @property
    def spent(self) -> int:
        return sum(line.spent for line in self.lines)

    def quarter_spent(self, quarter) -> int:
        return sum(line.entries[quarter].spent for line in self.lines if quarter in line.entries)


def by_activity(plan) -> dict:
    """{activity key: [the plan's Realisation rows for it, by quarter]}."""
    found = {}
    for entry in db.session.scalars(select(Realisation).where(Realisation.plan_id == plan.id)
                                    .order_by(Realisation.quarter, Realisation.id)):
        found.setdefault(entry.activity_key, []).append(entry)
    return found


def can_record(user, plan) -> bool:
    """The village's own operator records realisation once the plan has a commitment."""
    return user.role == "desa" and user.region_id == plan.desa_id and plan.latest_commitment is not None


def sheet(plan) -> Sheet | None:
    """The latest commitment's activities with their realisation, or None before any commitment."""
    commitment = plan.latest_commitment
    if commitment is None:
        return None
    activities = db.session.scalars(select(CommitmentActivity).where(CommitmentActivity.commitment_id == commitment.id)
                                    .order_by(CommitmentActivity.id)).all()
    lines = {a.key: Line(a) for a in activities}
    for entry in db.session.scalars(select(Realisation).where(Realisation.plan_id == plan.id)):
        if entry.activity_key in lines:
            lines[entry.activity_key].entries[entry.quarter] = entry
    return Sheet(commitment, list(lines.values()))


def save_quarter(plan, user, quarter: int, values: dict) -> int:
    """Save one quarter for every activity at once; all or nothing.

    `values` maps activity key → {"spent", "units", "note", "over_reason", "version"} (version:
    the row's version_id the form was built from, or None for a new row). Returns how many
    rows changed. Raises ServiceError with errors keyed "<key>-<field>" when any row is wrong.
    The quarter counts as reported from its first save on.
    """
    if quarter not in QUARTERS:
        raise ServiceError({"quarter": [_("Pilih triwulan I sampai IV.")]})
    current = sheet(plan)
    if current is None:
        raise ServiceError(_("Rencana ini belum punya komitmen; realisasi dicatat terhadap komitmen."))
    errors, changes = {}, []
    for line in current.lines:
        given = values.get(line.key)
        if given is None:
            continue
        key = line.key
        spent, units = given.get("spent"), given.get("units")
        note = (given.get("note") or "").strip()
        reason = (given.get("over_reason") or "").strip()
        if spent is None:
            spent = 0
        if units is None:
            units = 0
        if spent < 0:
            errors[f"{key}-spent"] = [_("Tidak boleh negatif.")]
        if units < 0:
            errors[f"{key}-units"] = [_("Tidak boleh negatif.")]
        if len(note) > NOTE_LIMIT:
            errors[f"{key}-note"] = [_("Paling banyak %(n)s huruf.", n=NOTE_LIMIT)]
        if len(reason) > NOTE_LIMIT:
            errors[f"{key}-over_reason"] = [_("Paling banyak %(n)s huruf.", n=NOTE_LIMIT)]
        total_spent = line.spent_except(quarter) + spent
        total_units = line.delivered_except(quarter) + units
        over = []
        if total_spent > line.activity.cost:
            over.append(_("belanja %(total)s melebihi komitmen %(c)s", total=_rupiah(total_spent),
                          c=_rupiah(line.activity.cost)))
        if total_units > line.activity.units:
            over.append(_("%(total)s unit melebihi komitmen %(c)s unit", total=total_units, c=line.activity.units))
        if over and not reason:
            errors[f"{key}-over_reason"] = [_("Tulis alasan: %(what)s.", what="; ".join(over))]
        entry = line.entries.get(quarter)
        expected = given.get("version")
        if entry is not None and expected is not None and expected != entry.version_id:
            errors[f"{key}-spent"] = [_("Baris ini baru saja diubah pengguna lain. Muat ulang halaman.")]
        if entry is None and not (spent or units or note):
            continue
        if entry is not None and (entry.spent, entry.units_delivered, entry.note, entry.over_reason) == \
                (spent, units, note, reason if over else ""):
            continue
        changes.append((line, entry, spent, units, note, reason if over else ""))
    if errors:
        raise ServiceError(errors)
    for line, entry, spent, units, note, reason in changes:
        before = (entry.spent, entry.units_delivered) if entry is not None else (0, 0)
        if entry is None:
            entry = Realisation(plan_id=plan.id, activity_key=line.key, quarter=quarter)
            db.session.add(entry)
            line.entries[quarter] = entry
        entry.spent, entry.units_delivered, entry.note, entry.over_reason = spent, units, note, reason
        entry.commitment_version = current.commitment.version
        entry.user_id = user.id
        audit.record("realisation.save", plan=plan, user=user, target=f"activity:{line.key}",
                       name=line.activity.name, quarter=quarter, spent=spent, units=units,
                       spent_before=before[0], units_before=before[1], reason=reason)
    _report(plan, user, quarter, current.commitment.version)
    commit_or_conflict(_("Realisasi ini baru saja diubah pengguna lain. Muat ulang halaman lalu ulangi."))
    return len(changes)


def _report(plan, user, quarter, version):
    report = db.session.scalar(select(QuarterReport).where(QuarterReport.plan_id == plan.id,
                                                           QuarterReport.quarter == quarter))
    if report is None:
        db.session.add(QuarterReport(plan_id=plan.id, quarter=quarter, commitment_version=version, user_id=user.id))
        audit.record("realisation.report", plan=plan, user=user, quarter=quarter)
    else:
        report.updated_at, report.user_id, report.commitment_version = utcnow(), user.id, version


def reports(plan) -> dict:
    """The plan's quarter reports by quarter."""
    return {r.quarter: r for r in db.session.scalars(select(QuarterReport).where(QuarterReport.plan_id == plan.id))}


def _rupiah(value):
    return format_rupiah(value)
