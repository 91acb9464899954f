"""What the kecamatan and kabupaten see: one row per village, flags, and sums per kecamatan.

Everything is read in a fixed number of queries per page, whatever the number of
villages: the villages of the region, their plans for the year, the latest
commitment of each plan with its activity rows, the realisation sums and the
proposals' coverage, each aggregated in SQL and joined in Python. The page for a
kabupaten of 400 villages and for 6,000 villages costs the same number of round
trips (bench/dashboard.py measures it).

Flags (`FLAGS`), each with the rule it applies:

- `no_commitment`: the kabupaten's commitment deadline has passed and the plan has no
  commitment (or there is no plan).
- `below_floor`: the stunting budget is a smaller share of the pagu than the kabupaten's floor.
- `group_uncovered`: a target group with people in the village has no activity (committed
  activities, or proposals while there is no commitment yet).
- `lagging`: spending is more than one quarter's worth (25 percentage points of the
  commitment) behind the calendar share of the year that has passed.
- `overspent`: spending exceeds the commitment, in total or for one activity.
- `tranche2`: not yet ready for the second disbursement: under 60% of the first tranche spent,
  or under 40% of the first tranche's outputs delivered (OM-SPAN). The first tranche is the
  kabupaten's `first_tranche_share` (default 40%) of the commitment; the outputs achieved are
  the mean over activities of units delivered ÷ units due in the first tranche (capped at 1).
- `unexplained`: the committed plan departs from the optimizer's suggestion without a reason
  recorded for every departure.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..domain import PACKAGES, TARGET_GROUPS
from ..formatting import format_date
from ..extensions import db
from ..models import (Commitment, CommitmentActivity, Plan, Proposal, Realisation, Region, RembukSession,
                      YearSettings)
from ..models.plan import TARGET_FIELDS

FLAGS = {
    "no_commitment": _l("Belum ada komitmen"),
    "below_floor": _l("Porsi stunting di bawah batas"),
    "group_uncovered": _l("Sasaran tanpa kegiatan"),
    "lagging": _l("Belanja tertinggal"),
    "overspent": _l("Belanja melebihi komitmen"),
    "tranche2": _l("Belum siap tahap II"),
    "unexplained": _l("Menyimpang tanpa alasan"),
}

STATUSES = {
    "none": _l("Belum ada rencana"),
    "draft": _l("Draf"),
    "session": _l("Rembuk berjalan"),
    "committed": _l("Disepakati"),
    "amended": _l("Diubah"),
}

LAG_TOLERANCE = 0.25        # one quarter's worth of the commitment
TRANCHE2_SPENT = 0.6        # of the first tranche
TRANCHE2_OUTPUTS = 0.4      # mean output achievement of the first tranche


@dataclass
class Flag:
    code: str
    detail: str = ""

    @property
    def label(self) -> str:
        return str(FLAGS[self.code])


@dataclass
class VillageRow:
    desa_id: int
    code: str
    name: str
    kecamatan_id: int
    kecamatan_code: str
    kecamatan_name: str
    priority: bool = False
    plan_id: int | None = None
    status: str = "none"
    pagu: int = 0
    stunting_budget: int = 0
    committed: int | None = None
    commitment_id: int | None = None
    commitment_version: int | None = None
    impact: float | None = None
    spent: int = 0
    quarters: list = field(default_factory=lambda: [0, 0, 0, 0])
    outputs_share: float | None = None
    packages: set = field(default_factory=set)
    groups: set = field(default_factory=set)
    stunted_children: int | None = None
    balita_measured: int | None = None
    flags: list = field(default_factory=list)

    @property
    def stunting_share(self) -> float | None:
        return self.stunting_budget / self.pagu if self.pagu else None

    @property
    def spent_share(self) -> float | None:
        return self.spent / self.committed if self.committed else None

    @property
    def packages_count(self) -> int:
        return len(self.packages & set(PACKAGES))

    @property
    def impact_per_million(self) -> float | None:
        return self.impact / self.committed * 1_000_000 if self.committed and self.impact is not None else None

    @property
    def flag_codes(self) -> set:
        return {f.code for f in self.flags}


@dataclass
class KecamatanRow:
    """A kecamatan's villages added up, for the kabupaten dashboard."""

    id: int
    code: str
    name: str
    villages: int = 0
    with_plan: int = 0
    committed_villages: int = 0
    pagu: int = 0
    stunting_budget: int = 0
    committed: int = 0
    spent: int = 0
    stunted_children: int = 0
    flags: dict = field(default_factory=lambda: {code: 0 for code in FLAGS})
    flagged_villages: int = 0

    @property
    def stunting_share(self):
        return self.stunting_budget / self.pagu if self.pagu else None

    @property
    def spent_share(self):
        return self.spent / self.committed if self.committed else None


# --- Settings --------------------------------------------------------------------------------------------------

def settings_of(kabupaten, year) -> YearSettings | None:
    if kabupaten is None:
        return None
    return db.session.scalar(select(YearSettings).where(YearSettings.kabupaten_id == kabupaten.id,
                                                        YearSettings.year == year))


def quarters_elapsed(year: int, as_of: date) -> int:
    """How many quarters of fiscal `year` have ended by `as_of` (0–4)."""
    if as_of.year < year:
        return 0
    if as_of.year > year:
        return 4
    return (as_of.month - 1) // 3


# --- Village rows -------------------------------------------------------------------------------------------------

def _desa_query(region):
    """Ids of the villages in `region` (a kecamatan, a kabupaten, or a village itself)."""
    if region.level == "desa":
        return select(Region.id).where(Region.id == region.id)
    if region.level == "kecamatan":
        return select(Region.id).where(Region.parent_id == region.id, Region.level == "desa")
    kecamatan = select(Region.id).where(Region.parent_id == region.id, Region.level == "kecamatan")
    return select(Region.id).where(Region.parent_id.in_(kecamatan), Region.level == "desa")


def village_rows(region, year: int, as_of: date | None = None, settings: YearSettings | None = None,
                 deadline: date | None = None) -> list:
    """One VillageRow per village of `region` for `year`, with its flags, sorted by code."""
    as_of = as_of or date.today()
    if settings is None:
        settings = settings_of(region.kabupaten, year)
    deadline = deadline or (settings.commitment_deadline if settings else None)
    floor = settings.stunting_share_floor if settings else None
    tranche = settings.first_tranche_share if settings and settings.first_tranche_share else 0.4
    priority = set(settings.priority_desa_ids or []) if settings else set()

    desa_ids = _desa_query(region).scalar_subquery()
    kecamatan = db.aliased(Region)
    rows = {}
    for desa_id, code, name, kec_id, kec_code, kec_name in db.session.execute(
            select(Region.id, Region.code, Region.name, kecamatan.id, kecamatan.code, kecamatan.name)
            .join(kecamatan, Region.parent_id == kecamatan.id)
            .where(Region.id.in_(desa_ids)).order_by(Region.code)):
        rows[desa_id] = VillageRow(desa_id, code, name, kec_id, kec_code, kec_name, priority=desa_id in priority)

    plan_columns = [Plan.id, Plan.desa_id, Plan.status, Plan.pagu, Plan.stunting_budget, Plan.stunted_children,
                    Plan.balita_measured, *(getattr(Plan, f) for f in TARGET_FIELDS)]
    plans = {}
    for values in db.session.execute(select(*plan_columns).where(Plan.desa_id.in_(desa_ids), Plan.year == year)):
        plan_id, desa_id, status, pagu, budget, stunted, measured, *targets = values
        row = rows.get(desa_id)
        if row is None:
            continue
        row.plan_id, row.status, row.pagu, row.stunting_budget = plan_id, "draft", pagu or 0, budget or 0
        row.stunted_children, row.balita_measured = stunted, measured
        plans[plan_id] = (row, dict(zip(TARGET_FIELDS, targets)))
    plan_ids = select(Plan.id).where(Plan.desa_id.in_(desa_ids), Plan.year == year).scalar_subquery()

    for plan_id in db.session.scalars(select(RembukSession.plan_id).where(RembukSession.plan_id.in_(plan_ids))
                                      .distinct()):
        plans[plan_id][0].status = "session"

    latest = (select(Commitment.plan_id, func.max(Commitment.version).label("version"))
              .where(Commitment.plan_id.in_(plan_ids)).group_by(Commitment.plan_id).subquery())
    commitment_rows = db.session.execute(
        select(Commitment.id, Commitment.plan_id, Commitment.version, Commitment.total_cost, Commitment.total_impact,
               Commitment.unexplained_changes)
        .join(latest, (Commitment.plan_id == latest.c.plan_id) & (Commitment.version == latest.c.version))).all()
    by_commitment = {}
    legacy = []
    for commitment_id, plan_id, version, cost, impact, unexplained in commitment_rows:
        row = plans[plan_id][0]
        row.status = "amended" if version > 1 else "committed"
        row.committed, row.commitment_id, row.commitment_version, row.impact = cost, commitment_id, version, impact
        by_commitment[commitment_id] = row
        if unexplained is None:
            legacy.append(commitment_id)
        elif unexplained:
            row.flags.append(Flag("unexplained", str(_l("%(n)s perubahan dari usulan tanpa alasan", n=unexplained))))
    if legacy:
        _legacy_unexplained(legacy, by_commitment)

    # Per latest commitment, summed in the database: which packages and groups it covers, how many
    # activities it has, how many are overspent, and the sum of each activity's delivered share of
    # what the first tranche promised (capped at 1): the rows stay per village, not per activity.
    outputs = {}    # plan id -> (activities, overspent, sum of delivered shares)
    if by_commitment:
        due = CommitmentActivity.units * tranche
        latest_ids = [c[0] for c in commitment_rows]
        for chunk in _chunks(latest_ids):
            chunk_plans = [by_commitment[c].plan_id for c in chunk]
            realised = (select(Realisation.plan_id, Realisation.activity_key,
                               func.sum(Realisation.spent).label("spent"),
                               func.sum(Realisation.units_delivered).label("units"))
                        .where(Realisation.plan_id.in_(chunk_plans))
                        .group_by(Realisation.plan_id, Realisation.activity_key).subquery())
            done = func.coalesce(realised.c.units, 0)
            share = case((due <= 0, 1.0), (done >= due, 1.0), else_=done * 1.0 / due)
            for commitment_id, package, group in db.session.execute(
                    select(CommitmentActivity.commitment_id, CommitmentActivity.package,
                           CommitmentActivity.target_group)
                    .where(CommitmentActivity.commitment_id.in_(chunk)).distinct()):
                row = by_commitment[commitment_id]
                row.packages.add(package)
                row.groups.add(group)
            for commitment_id, count, overspent, shares in db.session.execute(
                    select(CommitmentActivity.commitment_id, func.count(),
                           func.sum(case((func.coalesce(realised.c.spent, 0) > CommitmentActivity.cost, 1), else_=0)),
                           func.sum(share))
                    .join(Commitment, Commitment.id == CommitmentActivity.commitment_id)
                    .outerjoin(realised, (realised.c.plan_id == Commitment.plan_id)
                               & (realised.c.activity_key == CommitmentActivity.key))
                    .where(CommitmentActivity.commitment_id.in_(chunk))
                    .group_by(CommitmentActivity.commitment_id)):
                outputs[by_commitment[commitment_id].plan_id] = (count, int(overspent or 0), float(shares or 0))

    # Plans not committed yet: what their proposals cover.
    uncommitted = [plan_id for plan_id, (row, _targets) in plans.items() if row.commitment_id is None]
    for chunk in _chunks(uncommitted):
        for plan_id, package, group in db.session.execute(
                select(Proposal.plan_id, Proposal.package, Proposal.target_group)
                .where(Proposal.plan_id.in_(chunk)).distinct()):
            row = plans[plan_id][0]
            row.packages.add(package)
            row.groups.add(group)

    # Realisation summed in the database per quarter (spent).
    for plan_id, quarter, spent in db.session.execute(
            select(Realisation.plan_id, Realisation.quarter, func.sum(Realisation.spent))
            .where(Realisation.plan_id.in_(plan_ids)).group_by(Realisation.plan_id, Realisation.quarter)):
        spent = int(spent or 0)
        row = plans[plan_id][0]
        row.spent += spent
        if 1 <= quarter <= 4:
            row.quarters[quarter - 1] += spent

    elapsed = quarters_elapsed(year, as_of)
    for plan_id, (row, targets) in plans.items():
        _flags_of_plan(row, targets, outputs.get(plan_id), floor, tranche, elapsed)
    if deadline is not None and as_of > deadline:
        for row in rows.values():
            if row.commitment_id is None:
                row.flags.insert(0, Flag("no_commitment", str(_l("batas %(d)s", d=format_date(deadline, "medium")))))
    for row in rows.values():
        row.flags.sort(key=lambda f: list(FLAGS).index(f.code))
    return list(rows.values())


def _chunks(ids, size=900):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _legacy_unexplained(commitment_ids, by_commitment):
    """Commitments from before migration 0004: count unexplained departures from the snapshot."""
    from .commitments import unexplained_changes

    for commitment_id, content in db.session.execute(select(Commitment.id, Commitment.content)
                                                     .where(Commitment.id.in_(commitment_ids))):
        count = unexplained_changes(content)
        if count:
            by_commitment[commitment_id].flags.append(
                Flag("unexplained", str(_l("%(n)s perubahan dari usulan tanpa alasan", n=count))))


def _flags_of_plan(row, targets, outputs, floor, tranche, elapsed):
    """`outputs`: (activities, overspent activities, sum of delivered shares) of the latest commitment."""
    if floor is not None and row.pagu and row.stunting_budget / row.pagu < floor - 1e-9:
        row.flags.append(Flag("below_floor", f"{row.stunting_budget / row.pagu:.1%} < {floor:.1%}".replace(".", ",")))
    missing = [str(TARGET_GROUPS[g]) for g in TARGET_FIELDS if g in TARGET_GROUPS and (targets.get(g) or 0) > 0
               and g not in row.groups]
    if missing:
        row.flags.append(Flag("group_uncovered", ", ".join(missing)))
    if not row.committed:
        return
    count, over, shares = outputs or (0, 0, 0.0)
    if row.spent > row.committed or over:
        row.flags.append(Flag("overspent", str(_l("%(n)s kegiatan", n=over)) if over else ""))
    expected = elapsed / 4
    if elapsed and row.spent / row.committed < expected - LAG_TOLERANCE:
        row.flags.append(Flag("lagging", f"{row.spent / row.committed:.0%} / {expected:.0%}"))
    if count:
        row.outputs_share = shares / count
    first = row.committed * tranche
    spent_ok = row.spent >= TRANCHE2_SPENT * first
    outputs_ok = (row.outputs_share or 0) >= TRANCHE2_OUTPUTS
    if not (spent_ok and outputs_ok):
        row.flags.append(Flag("tranche2", str(_l("belanja %(s)s dari tahap I, keluaran %(o)s",
                                                 s=f"{row.spent / first:.0%}" if first else "–",
                                                 o=f"{(row.outputs_share or 0):.0%}"))))


# --- Sums per kecamatan -------------------------------------------------------------------------------------------

def kecamatan_rows(village_list: list) -> list:
    """The kabupaten dashboard: the village rows added up per kecamatan."""
    result = {}
    for v in village_list:
        k = result.get(v.kecamatan_id)
        if k is None:
            k = result[v.kecamatan_id] = KecamatanRow(v.kecamatan_id, v.kecamatan_code, v.kecamatan_name)
        k.villages += 1
        if v.plan_id is not None:
            k.with_plan += 1
        if v.commitment_id is not None:
            k.committed_villages += 1
        k.pagu += v.pagu
        k.stunting_budget += v.stunting_budget
        k.committed += v.committed or 0
        k.spent += v.spent
        k.stunted_children += v.stunted_children or 0
        for code in v.flag_codes:
            k.flags[code] += 1
        if v.flags:
            k.flagged_villages += 1
    return sorted(result.values(), key=lambda k: k.code)


def totals(village_list: list) -> KecamatanRow:
    """Everything added up (the dashboard's footer)."""
    total = KecamatanRow(0, "", "")
    for k in kecamatan_rows(village_list):
        for name in ("villages", "with_plan", "committed_villages", "pagu", "stunting_budget", "committed",
                     "spent", "stunted_children", "flagged_villages"):
            setattr(total, name, getattr(total, name) + getattr(k, name))
        for code, count in k.flags.items():
            total.flags[code] += count
    return total


# --- Sorting and filtering ------------------------------------------------------------------------------------------

SORTS = {
    "kode": lambda r: r.code,
    "nama": lambda r: r.name.lower(),
    "status": lambda r: list(STATUSES).index(r.status),
    "pagu": lambda r: r.pagu,
    "porsi": lambda r: r.stunting_share if r.stunting_share is not None else -1,
    "komitmen": lambda r: r.committed or 0,
    "belanja": lambda r: r.spent_share if r.spent_share is not None else -1,
    "paket": lambda r: r.packages_count,
    "stunting": lambda r: r.stunted_children or 0,
    "tanda": lambda r: len(r.flags),
}


def filter_and_sort(village_list, flag: str = "", status: str = "", priority_only: bool = False,
                    sort: str = "kode", descending: bool = False) -> list:
    rows = [r for r in village_list
            if (not flag or flag in r.flag_codes) and (not status or r.status == status)
            and (not priority_only or r.priority)]
    key = SORTS.get(sort, SORTS["kode"])
    return sorted(rows, key=lambda r: (key(r), r.code), reverse=descending)


def package_totals(region, year: int) -> dict:
    """Committed money per service package across the region's latest commitments (for the chart)."""
    desa_ids = _desa_query(region).scalar_subquery()
    plan_ids = select(Plan.id).where(Plan.desa_id.in_(desa_ids), Plan.year == year).scalar_subquery()
    latest = (select(Commitment.plan_id, func.max(Commitment.version).label("version"))
              .where(Commitment.plan_id.in_(plan_ids)).group_by(Commitment.plan_id).subquery())
    query = (select(CommitmentActivity.package, func.sum(CommitmentActivity.cost))
             .join(Commitment, Commitment.id == CommitmentActivity.commitment_id)
             .join(latest, (Commitment.plan_id == latest.c.plan_id) & (Commitment.version == latest.c.version))
             .group_by(CommitmentActivity.package))
    sums = {package: int(total or 0) for package, total in db.session.execute(query)}
    return {code: sums.get(code, 0) for code in PACKAGES}
