"""What the kecamatan and kabupaten see: one row per village, flags with a severity, sums per kecamatan.

A page reads, whatever the number of villages, the region's villages, their plans for the year
joined with each plan's summary (services.summaries: kept up to date on every write), the
year's settings and the kabupaten's catalogue groups: a handful of queries. Everything that
depends on the date asked about ("keadaan per tanggal") is worked out here from those rows:
a quarter's realisation counts from the day the village reported it.

Flags (`FLAGS`) each have a severity and a rule for when they can apply at all. "Perlu
perhatian" lists the villages with a flag of medium or high severity, worst first; a low flag
is a note on the row.

- `no_commitment` (high): the year's commitment deadline has passed and the village has no
  commitment. Not before the deadline, and not for a village added to the region list after it.
- `rules_broken` (high): the plan's earmarks break the year's money rules: the cooperative's
  share (KDMP), the BLT maximum, the food-security minimum, the operations maximum
  (planner.money_rules; the kabupaten's rules, else the app's defaults for that very year). Not
  when no rule for the year is known (a later year's rules are then only assumed).
- `not_reported` (high for two or more quarters, else medium): a committed village has not
  reported a quarter whose report is due (the quarter ended `report_days` ago, and ended after
  the village first committed).
- `below_floor` (medium): the stunting budget is under the kabupaten's floor, measured on the
  base the kabupaten chose (the whole pagu, or the regular Dana Desa after KDMP).
- `lagging` (medium): at the end of the last quarter the village reported, its spending is more
  than 20 points of its commitment behind the expected spending curve (planner.spending_curve:
  the tranches and each activity's months).
- `tranche2` (medium): from the month the second tranche is due to the end of the year, the
  village is not ready for it: under 60% of the first tranche spent, or under 40% of the first
  tranche's outputs delivered (OM-SPAN). Never before the year or before that month.
- `overspent` (medium): spending exceeds the commitment, in total or for one activity (the
  village must give a reason for it, which the kecamatan reads on the realisation page).
- `group_uncovered` (low): a target group with people in the village and a service in the
  kabupaten's catalogue has no activity (committed, or proposed while there is no commitment).
  A group no catalogue item serves is not flagged: the village could not have chosen one.
- `unexplained` (low): the commitment departs from the optimizer's suggestion and some of the
  room's decisions carry no reason.
"""
from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, select

from .. import money_rules, spending_curve
from ..domain import PACKAGES, TARGET_GROUPS
from ..extensions import db
from ..formatting import format_date, format_percent
from ..models import CatalogueItem, Commitment, CommitmentActivity, Plan, PlanSummary, Region, YearSettings
from ..models.plan import TARGET_FIELDS
from ..money_rules import PlanMoney
from ..times import day_start, local_date, today, utc  # noqa: F401 (recap and views read today from here)
from . import summaries  # noqa: F401 (registers the listener that keeps the summaries true)
from .money import breach_summary, rule_set
from .plan_state import STATES

SEVERITIES = {3: _l("tinggi"), 2: _l("sedang"), 1: _l("rendah")}
ATTENTION = 2                # flags of this severity or more put a village on "perlu perhatian"
LAG_TOLERANCE = 0.20         # points of the commitment behind the expected curve
TRANCHE2_SPENT = 0.6         # of the first tranche
TRANCHE2_OUTPUTS = 0.4       # mean output achievement of the first tranche


@dataclass(frozen=True)
class FlagRule:
    label: object
    severity: int
    meaning: object


FLAGS = {
    "no_commitment": FlagRule(_l("Belum ada komitmen"), 3,
                              _l("Batas komitmen kabupaten sudah lewat dan desa belum mengesahkan komitmen. Tidak "
                                 "berlaku sebelum batas itu, atau untuk desa yang baru ditambahkan sesudahnya.")),
    "rules_broken": FlagRule(_l("Melanggar aturan dana desa"), 3,
                             _l("Alokasi koperasi (KDMP), BLT Desa, ketahanan pangan atau operasional tidak sesuai "
                                "aturan dana desa tahun ini.")),
    "not_reported": FlagRule(_l("Belum lapor"), 2,
                             _l("Realisasi triwulan yang sudah jatuh tempo belum dilaporkan (tinggi bila dua triwulan "
                                "atau lebih). Triwulan yang belum dilaporkan tidak dihitung Rp 0.")),
    "below_floor": FlagRule(_l("Porsi stunting di bawah batas"), 2,
                            _l("Anggaran stunting lebih kecil dari porsi minimal yang ditetapkan kabupaten, diukur "
                               "dari dasar yang dipilih kabupaten.")),
    "lagging": FlagRule(_l("Belanja tertinggal"), 2,
                        _l("Pada akhir triwulan terakhir yang dilaporkan, belanja lebih dari 20 poin persen komitmen "
                           "di bawah perkiraan (menurut tahap penyaluran dan waktu pelaksanaan kegiatan).")),
    "tranche2": FlagRule(_l("Belum siap tahap II"), 2,
                         _l("Sejak bulan penyaluran tahap II: belanja kurang dari 60% tahap I atau capaian keluaran "
                            "kurang dari 40%. Tidak berlaku sebelum bulan itu.")),
    "overspent": FlagRule(_l("Belanja melebihi komitmen"), 2,
                          _l("Belanja melebihi komitmen, seluruhnya atau untuk satu kegiatan; alasannya ada di "
                             "halaman realisasi.")),
    "group_uncovered": FlagRule(_l("Sasaran tanpa kegiatan"), 1,
                                _l("Ada warga dalam kelompok sasaran ini dan katalog kabupaten punya layanannya, tetapi "
                                   "tidak ada kegiatan untuknya.")),
    "unexplained": FlagRule(_l("Menyimpang tanpa alasan"), 1,
                            _l("Komitmen berbeda dari usulan pengoptimal, dan ada keputusan rembuk tanpa alasan "
                               "tercatat.")),
}

# Kept for templates and the API: the one status per plan (services.plan_state).
STATUSES = STATES


@dataclass(slots=True)
class Flag:
    """A flag on a village. `raw` is its detail, worded only when read (a province has thousands of
    flags and a page shows a hundred: wording each in the user's language costs more than the rest):
    text, a lazy string, or a tuple of the figures `DETAILS[code]` words."""

    code: str
    raw: object = ""
    severity: int = 0

    def __post_init__(self):
        if not self.severity:
            self.severity = FLAGS[self.code].severity

    @property
    def detail(self) -> str:
        raw = self.raw
        return DETAILS[self.code](*raw) if type(raw) is tuple else str(raw)

    @property
    def label(self) -> str:
        return str(FLAGS[self.code].label)

    @property
    def severity_label(self) -> str:
        return str(SEVERITIES[self.severity])


@dataclass
class Context:
    """What the flags of one kabupaten's year depend on besides the village's own figures."""

    year: int
    as_of: date
    deadline: date | None
    rules: money_rules.RuleSet
    first_tranche: float
    serviced_groups: set
    priority: set

    @property
    def floor(self):
        return self.rules.stunting_floor

    @cached_property
    def as_of_end(self):
        """The end of the day asked about (Asia/Jakarta), as an aware datetime."""
        return day_start(self.as_of + timedelta(days=1))

    # What every village's flags read, worked out once per page:
    @cached_property
    def overdue(self) -> tuple:
        """The quarters whose report is overdue on the date asked about (the village may report up to
        and on the due day)."""
        days = self.rules.rules.report_days
        return tuple(q for q in range(1, 5) if report_due(self.year, q, days) < self.as_of)

    @cached_property
    def cash_shares(self) -> list:
        return spending_curve.quarter_cash_shares(self.first_tranche, self.rules.rules.tranche_months)

    @cached_property
    def tranche2_open(self) -> bool:
        """From the month the second tranche is due to the end of the year."""
        months = self.rules.rules.tranche_months
        month = months[1] if len(months) > 1 else 7
        return date(self.year, month, 1) <= self.as_of <= date(self.year, 12, 31)

    @cached_property
    def rules_apply(self) -> bool:
        """Whether the year's money rules are known (a later year's defaults are only assumed)."""
        return self.rules.kabupaten_set or self.rules.source_year == self.year


@dataclass(slots=True)
class VillageRow:
    desa_id: int
    code: str
    name: str
    kecamatan_id: int
    kecamatan_code: str
    kecamatan_name: str
    priority: bool = False
    created: object = None               # the region's created_at (UTC), read only when a deadline has passed
    plan_id: int | None = None
    status: str = "none"
    pagu: int = 0
    stunting_budget: int = 0
    base: int = 0                       # what the stunting share is measured on (floor base)
    money: PlanMoney | None = None
    targets: dict = field(default_factory=dict)
    committed: int | None = None
    commitment_id: int | None = None
    commitment_version: int | None = None
    committed_at: object = None          # the first version's moment (UTC)
    impact: float | None = None
    unexplained: int = 0
    packages: frozenset = frozenset()
    groups: frozenset = frozenset()
    planned: tuple = (0.0, 0.0, 0.0, 0.0)                       # money planned by each quarter's end (summary)
    by_package: dict = field(default_factory=dict)              # committed money per package
    all_spent: tuple = (None, None, None, None)                 # per quarter, every quarter reported so far
    overspent_all: int = 0
    ratios_text: str = ""                                       # delivered ÷ units per activity, every quarter
    ratios: list | None = None                                  # the same as of the date asked about
    earlier: list | None = None                                 # as-of figures before each report (past dates only)
    reports: dict = field(default_factory=dict)          # quarter -> moment reported, UTC (all, not only by as_of)
    areas: dict = field(default_factory=dict)            # APBDes bidang -> committed Dana Desa
    pagu_add: int = 0                                    # Alokasi Dana Desa (ADD) of the plan
    add_committed: int = 0                               # committed to stunting from ADD
    apbdes_pembangunan: int | None = None
    apbdes_pemberdayaan: int | None = None
    stunted_children: int | None = None
    balita_measured: int | None = None
    # As of the date asked about:
    quarters: list = field(default_factory=lambda: [None, None, None, None])   # spent, None = not reported
    spent: int = 0
    expected: tuple = (0.0, 0.0, 0.0, 0.0)                                   # cumulative, end of each quarter
    overspent_activities: int = 0
    flags: list = field(default_factory=list)

    @property
    def added_on(self) -> date | None:
        return local_date(self.created)

    @property
    def committed_on(self) -> date | None:
        return local_date(self.committed_at)

    @property
    def stunting_share(self) -> float | None:
        return self.stunting_budget / self.base if self.base else None

    @property
    def spent_share(self) -> float | None:
        return self.spent / self.committed if self.committed else None

    @property
    def packages_count(self) -> int:
        return len(self.packages & set(PACKAGES))

    @property
    def activity_count(self) -> int:
        return len(self.ratios_text.split(",")) if self.ratios_text else 0

    def outputs_share(self, first_tranche: float) -> float | None:
        """Mean over activities of what was delivered ÷ what the first tranche promised (capped at 1)."""
        ratios = self.ratios
        if ratios is None:
            ratios = [float(r) for r in self.ratios_text.split(",")] if self.ratios_text else []
        if not ratios:
            return None
        return sum(1.0 if r >= first_tranche else r / first_tranche for r in ratios) / len(ratios)

    @property
    def impact_per_million(self) -> float | None:
        return self.impact / self.committed * 1_000_000 if self.committed and self.impact is not None else None

    @property
    def flag_codes(self) -> set:
        return {f.code for f in self.flags}

    @property
    def severity(self) -> int:
        """The worst flag's (flags_of puts it first)."""
        return self.flags[0].severity if self.flags else 0

    @property
    def needs_attention(self) -> bool:
        return self.severity >= ATTENTION

    @property
    def attention_flags(self) -> list:
        return [f for f in self.flags if f.severity >= ATTENTION]

    @property
    def last_reported(self) -> int | None:
        reported = [q for q in range(1, 5) if self.quarters[q - 1] is not None]
        return max(reported) if reported else None

    def quarter_expected(self, quarter: int) -> float:
        """Spending expected in the quarter itself (not cumulative)."""
        before = self.expected[quarter - 2] if quarter > 1 else 0.0
        return self.expected[quarter - 1] - before


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
    base: int = 0
    stunting_budget: int = 0
    committed: int = 0
    spent: int = 0
    stunted_children: int = 0
    quarters: list = field(default_factory=lambda: [0, 0, 0, 0])
    reported: list = field(default_factory=lambda: [0, 0, 0, 0])     # villages that reported each quarter
    expected: list = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])
    flags: dict = field(default_factory=lambda: {code: 0 for code in FLAGS})
    flagged_villages: int = 0
    attention_villages: int = 0

    @property
    def stunting_share(self):
        return self.stunting_budget / self.base if self.base else None

    @property
    def spent_share(self):
        return self.spent / self.committed if self.committed else None


# --- Settings and dates ----------------------------------------------------------------------------------------

def settings_of(kabupaten, year) -> YearSettings | None:
    if kabupaten is None:
        return None
    return db.session.scalar(select(YearSettings).where(YearSettings.kabupaten_id == kabupaten.id,
                                                        YearSettings.year == year))


def quarter_end(year: int, quarter: int) -> date:
    return (date(year, 3 * quarter, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def report_due(year: int, quarter: int, report_days: int) -> date:
    """The day by which a quarter's realisation should be reported."""
    return quarter_end(year, quarter) + timedelta(days=report_days)


def quarters_elapsed(year: int, as_of: date) -> int:
    """How many quarters of fiscal `year` have ended by `as_of` (0–4)."""
    if as_of.year < year:
        return 0
    if as_of.year > year:
        return 4
    return (as_of.month - 1) // 3


def context_for(kabupaten, year: int, as_of: date | None = None, settings: YearSettings | None = None,
                deadline: date | None = None) -> Context:
    as_of = as_of or today()
    if settings is None:
        settings = settings_of(kabupaten, year)
    rules = rule_set(kabupaten, year, settings=settings)
    served = set()
    if kabupaten is not None:
        served = set(db.session.scalars(select(CatalogueItem.target_group).where(
            CatalogueItem.region_id == kabupaten.id, CatalogueItem.active.is_(True)).distinct()))
    return Context(year=year, as_of=as_of,
                   deadline=deadline or (settings.commitment_deadline if settings else None), rules=rules,
                   first_tranche=(settings.first_tranche_share if settings and settings.first_tranche_share else 0.4),
                   serviced_groups=served, priority=set(settings.priority_desa_ids or []) if settings else set())


# --- Village rows -------------------------------------------------------------------------------------------------

def _villages_of(region, village, kecamatan) -> tuple:
    """The condition that `village`, joined to its `kecamatan`, lies in `region` (a kecamatan, a
    kabupaten, or the village itself): plain joins, which PostgreSQL plans better than nested INs
    (6,000 villages: 20 ms less)."""
    if region.level == "desa":
        return (village.id == region.id,)
    if region.level == "kecamatan":
        return (village.parent_id == region.id, village.level == "desa")
    return (kecamatan.parent_id == region.id, kecamatan.level == "kecamatan", village.level == "desa")


def _desa_query(region):
    """Ids of the villages in `region` (a kecamatan, a kabupaten, or a village itself)."""
    kecamatan = db.aliased(Region)
    return (select(Region.id).join(kecamatan, Region.parent_id == kecamatan.id)
            .where(*_villages_of(region, Region, kecamatan)))


def village_ids(region):
    """A SELECT of the ids of the villages in `region` (to filter other tables by, in SQL)."""
    return _desa_query(region)


def latest_versions(region, year: int):
    """A subquery (plan_id, version): each plan's latest commitment, for the villages in `region`
    and `year` (the recap's activities and the API's commitments read these)."""
    return (select(Commitment.plan_id, func.max(Commitment.version).label("version"))
            .join(Plan, Plan.id == Commitment.plan_id)
            .where(Plan.desa_id.in_(_desa_query(region).scalar_subquery()), Plan.year == year)
            .group_by(Commitment.plan_id).subquery())


def latest_commitments(region, year: int, limit: int, offset: int) -> tuple[int, list, dict]:
    """A page of the latest commitments of `region`'s villages for `year`, by village code:
    `(total, [(commitment, village)], {commitment id: [its activities in order]})`."""
    latest = latest_versions(region, year)
    query = (select(Commitment, Region).join(latest, (Commitment.plan_id == latest.c.plan_id)
                                             & (Commitment.version == latest.c.version))
             .join(Plan, Plan.id == Commitment.plan_id).join(Region, Region.id == Plan.desa_id))
    total = db.session.scalar(select(func.count()).select_from(latest))
    page = db.session.execute(query.order_by(Region.code).limit(limit).offset(offset)).all()
    activities = {}
    ids = [commitment.id for commitment, _desa in page]
    if ids:
        for activity in db.session.scalars(select(CommitmentActivity).where(CommitmentActivity.commitment_id.in_(ids))
                                           .order_by(CommitmentActivity.id)):
            activities.setdefault(activity.commitment_id, []).append(activity)
    return total, [tuple(row) for row in page], activities


PLAN_COLUMNS = ("id", "desa_id", "pagu", "pagu_add", "earmark_koperasi", "earmark_blt", "earmark_pangan", "earmark_operasional",
                "earmark_other", "stunting_budget", "stunted_children", "balita_measured", "apbdes_pembangunan",
                "apbdes_pemberdayaan", *TARGET_FIELDS)
SUMMARY_COLUMNS = ("state", "commitment_id", "commitment_version", "committed_at", "committed", "impact",
                   "unexplained", "packages", "groups", "spent_q1", "spent_q2", "spent_q3", "spent_q4", "reported_q1",
                   "reported_q2", "reported_q3", "reported_q4", "planned_q1", "planned_q2", "planned_q3", "planned_q4",
                   "overspent", "ratios", "money")
EARLIER_CHUNK = 500
_TARGETS = slice(len(PLAN_COLUMNS) - len(TARGET_FIELDS), len(PLAN_COLUMNS))    # within the plan's part
_PLAN = 7                                   # village_rows' query: the village and kecamatan come first
_MONEY = _PLAN + len(PLAN_COLUMNS) + SUMMARY_COLUMNS.index("money")


def _summary_column(name):
    """The summary's column for village_rows' query; the money digest as its JSON text, which `_fill`
    decodes: psycopg's JSON loader (bytes, one Python call per value) took 36 ms for a province's
    6,000 rows where the text and `json.loads` take 20 (docs/performance.md)."""
    column = getattr(PlanSummary, name)
    return cast(column, Text).label(name) if name == "money" else column


def village_rows(region, year: int, as_of: date | None = None, settings: YearSettings | None = None,
                 deadline: date | None = None, context: Context | None = None) -> list:
    """One VillageRow per village of `region` for `year`, with its flags as of `as_of`, sorted by code.

    A province's page builds thousands of these: the work per village is kept to reading its
    summary's columns by position and the flags' tests (their wording waits until a page shows them;
    see Flag), and the rows hold tuples and shared sets where they can (fewer objects for Python's
    garbage collector to walk), and the cycle collector waits until they are built (see
    `_no_cycle_collection`)."""
    ctx = context or context_for(region.kabupaten, year, as_of, settings, deadline)
    with _no_cycle_collection():
        return _village_rows(region, year, ctx)


@contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while thousands of rows are built.

    The rows hold no reference cycles (reference counting frees them), but building 6,000 of them
    allocates enough to set off several collections, and each full one walks every object of the
    process: measured on 6,000 villages (PostgreSQL, quiet 2-core machine) the rows took 0.64 s with
    the collector and 0.36 s without. It is process-wide: another thread's collection waits these
    few tenths of a second too, and nothing is lost, as the collector runs again afterwards."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _village_rows(region, year: int, ctx) -> list:
    """One query: the region's villages (by code) with their kecamatan, each joined with its plan for
    the year, if any, and that plan's summary."""
    kecamatan = db.aliased(Region)
    query = (select(Region.id, Region.code, Region.name, Region.created_at, kecamatan.id, kecamatan.code,
                    kecamatan.name, *(getattr(Plan, c) for c in PLAN_COLUMNS),
                    *(_summary_column(c) for c in SUMMARY_COLUMNS))
             .join(kecamatan, Region.parent_id == kecamatan.id)
             .outerjoin(Plan, (Plan.desa_id == Region.id) & (Plan.year == year))
             .outerjoin(PlanSummary, PlanSummary.plan_id == Plan.id)
             .where(*_villages_of(region, Region, kecamatan)).order_by(Region.code))
    results = db.session.execute(query).all()
    missing = [values[_PLAN] for values in results if values[_PLAN] is not None and values[_MONEY] is None]
    if missing:     # plans written around the ORM: computed once, now
        summaries.ensure(db.session, missing)
        results = db.session.execute(query).all()
    priority = ctx.priority
    sets = {}           # the same packages or groups text → one shared frozenset
    rows = []
    for values in results:
        desa_id, code, name, created, kec_id, kec_code, kec_name = values[:_PLAN]
        row = VillageRow(desa_id, code, name, kec_id, kec_code, kec_name, priority=desa_id in priority,
                         created=created)
        if values[_PLAN] is not None:
            _fill(row, values[_PLAN:], ctx, sets)
        rows.append(row)
    del results

    _load_earlier([row for row in rows if _reported_since(row, ctx)])
    for row in rows:
        _as_of(row, ctx)
        row.flags = flags_of(row, ctx)
    return rows


def _reported_since(row, ctx) -> bool:
    """A village that reported after the date asked about: its figures as of then are earlier ones."""
    if row.commitment_id is None:
        return False
    end = ctx.as_of_end
    return any(at >= end for at in row.reports.values())


def _load_earlier(rows):
    by_plan = {row.plan_id: row for row in rows}
    ids = list(by_plan)
    for start in range(0, len(ids), EARLIER_CHUNK):
        for plan_id, earlier in db.session.execute(select(PlanSummary.plan_id, PlanSummary.earlier).where(
                PlanSummary.plan_id.in_(ids[start:start + EARLIER_CHUNK]))):
            by_plan[plan_id].earlier = earlier


def _frozen(text, sets):
    found = sets.get(text)
    if found is None:
        found = sets[text] = frozenset(text.split(",")) if text else frozenset()
    return found


def _utc(moment):
    """A column's moment as an aware datetime: PostgreSQL's as they come (aware, whatever their zone:
    they are only compared and turned into local dates), SQLite's naive ones read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return utc(moment)


def _fill(row, v, ctx, sets=None):
    """One result row of village_rows' query (plan columns, then summary columns, by position) into
    the VillageRow."""
    (plan_id, _desa_id, pagu, pagu_add, koperasi, blt, pangan, operasional, other, budget, stunted, measured,
     pembangunan, pemberdayaan) = v[:_TARGETS.start]
    (state, commitment_id, version, committed_at, committed, impact, unexplained, packages, groups,
     s1, s2, s3, s4, r1, r2, r3, r4, p1, p2, p3, p4, overspent, ratios, money) = v[_TARGETS.stop:]
    sets = {} if sets is None else sets
    row.plan_id, row.status = plan_id, state
    row.money = PlanMoney(pagu or 0, koperasi or 0, blt or 0, pangan or 0, operasional or 0, other or 0, budget or 0)
    row.pagu, row.stunting_budget = pagu or 0, budget or 0
    row.pagu_add = pagu_add or 0
    row.base = money_rules.base_amount(ctx.rules.rules, row.money, ctx.rules.rules.floor_base) if pagu else 0
    row.targets = dict(zip(TARGET_FIELDS, [t or 0 for t in v[_TARGETS]]))
    row.stunted_children, row.balita_measured = stunted, measured
    row.apbdes_pembangunan, row.apbdes_pemberdayaan = pembangunan, pemberdayaan
    row.committed, row.commitment_id = committed, commitment_id
    row.commitment_version, row.impact = version, impact
    row.committed_at, row.unexplained = committed_at, unexplained or 0
    row.packages, row.groups = _frozen(packages, sets), _frozen(groups, sets)
    if r1 is not None or r2 is not None or r3 is not None or r4 is not None:
        row.reports = {q: _utc(m) for q, m in ((1, r1), (2, r2), (3, r3), (4, r4)) if m is not None}
    row.planned = (p1, p2, p3, p4)
    row.all_spent = (s1, s2, s3, s4)
    row.overspent_all, row.ratios_text = overspent, ratios
    if money:
        money = json.loads(money)
        row.by_package, row.areas = money.get("by_package") or {}, money.get("areas") or {}
        row.add_committed = int(money.get("add") or 0)


def _as_of(row, ctx):
    """The realisation the village had reported by the date asked about, and the expected curve."""
    if row.commitment_id is None:
        return
    reports = row.reports
    if row.earlier is not None and reports:
        end = ctx.as_of_end
        counted = sum(1 for at in reports.values() if at < end)     # the first `counted` reports, in time
        if counted < len(reports):
            row.quarters, row.overspent_activities, row.ratios = row.earlier[counted]
            row.spent = sum(v for v in row.quarters if v is not None)
            row.expected = _expected(row, ctx)
            return
    spent = row.all_spent
    row.quarters = quarters = [spent[0] if 1 in reports else None, spent[1] if 2 in reports else None,
                               spent[2] if 3 in reports else None, spent[3] if 4 in reports else None]
    row.overspent_activities = row.overspent_all
    row.spent = sum(v for v in quarters if v is not None)
    row.expected = _expected(row, ctx)


def _expected(row, ctx):
    planned = row.planned
    return spending_curve.expected_quarters(planned, shares=ctx.cash_shares) if len(planned) == 4 else \
        spending_curve.expected_quarters(planned, ctx.first_tranche, ctx.rules.rules.tranche_months)


_ORDER = {code: index for index, code in enumerate(FLAGS)}


def flags_of(row, ctx) -> list:
    """The village's flags as of the context's date, worst first (see the module's docstring)."""
    flags = []
    for rule in RULES:
        flag = rule(row, ctx)
        if flag is not None:
            flags.append(flag)
    if len(flags) > 1:
        flags.sort(key=lambda f: (-f.severity, _ORDER[f.code]))
    return flags


def _no_commitment(row, ctx):
    if ctx.deadline is None or ctx.as_of <= ctx.deadline or row.commitment_id is not None:
        return None
    if row.added_on is not None and row.added_on > ctx.deadline:
        return None
    return Flag("no_commitment", (ctx.deadline, (ctx.as_of - ctx.deadline).days), 3)


def _rules_broken(row, ctx):
    if row.money is None or not row.pagu or not ctx.rules_apply:
        return None     # no rule known for the year: the plan form warns, but an assumption flags nobody
    if not money_rules.breaks(ctx.rules.rules, row.money):
        return None
    return Flag("rules_broken", (ctx.rules.rules, row.money), 3)


def _not_reported(row, ctx):
    if row.commitment_id is None or not row.committed or not ctx.overdue:
        return None
    quarters = row.quarters
    missing = [q for q in ctx.overdue if quarters[q - 1] is None]
    if not missing:
        return None
    committed_on = row.committed_on or date.min
    missing = tuple(q for q in missing if quarter_end(ctx.year, q) >= committed_on)
    if not missing:
        return None
    return Flag("not_reported", (missing, row.last_reported), 3 if len(missing) >= 2 else 2)


def _below_floor(row, ctx):
    floor = ctx.floor
    if floor is None or not row.pagu or not row.base:
        return None
    share = row.stunting_budget / row.base
    if share >= floor - 1e-9:
        return None
    return Flag("below_floor", (share, floor), 2)


def _lagging(row, ctx):
    if not row.committed:
        return None
    last = row.last_reported
    if last is None:
        return None
    spent = sum(v for v in row.quarters[:last] if v is not None)
    actual = spent / row.committed
    expected = row.expected[last - 1] / row.committed
    if actual >= expected - LAG_TOLERANCE:
        return None
    return Flag("lagging", (actual, last, expected), 2)


def _tranche2(row, ctx):
    if not row.committed or not ctx.tranche2_open:
        return None
    first = row.committed * ctx.first_tranche
    spent_ok = row.spent >= TRANCHE2_SPENT * first
    outputs = row.outputs_share(ctx.first_tranche) or 0
    if spent_ok and outputs >= TRANCHE2_OUTPUTS:
        return None
    return Flag("tranche2", (row.spent / first if first else None, outputs), 2)


def _overspent(row, ctx):
    if not row.committed or not row.spent:
        return None
    over = row.overspent_activities
    if row.spent <= row.committed and not over:
        return None
    return Flag("overspent", (over,), 2)


def _group_uncovered(row, ctx):
    if row.plan_id is None:
        return None
    served = ctx.serviced_groups
    if served <= row.groups:
        return None
    targets = row.targets
    missing = tuple(g for g in TARGET_FIELDS if targets.get(g, 0) > 0 and g in served and g not in row.groups
                    and g in TARGET_GROUPS)
    if not missing:
        return None
    return Flag("group_uncovered", (missing,), 1)


def _unexplained(row, ctx):
    if not row.unexplained:
        return None
    return Flag("unexplained", (row.unexplained,), 1)


RULES = (_no_commitment, _rules_broken, _not_reported, _below_floor, _lagging, _tranche2, _overspent,
         _group_uncovered, _unexplained)


# Each flag's detail in the page's language, from the figures its rule kept (Flag.raw).
DETAILS = {
    "no_commitment": lambda deadline, days: _("batas %(d)s, lewat %(n)s hari", d=format_date(deadline, "medium"),
                                              n=days),
    "rules_broken": lambda rules, money: "; ".join(breach_summary(c) for c in money_rules.breaches(rules, money)),
    "not_reported": lambda missing, last: (
        _("triwulan %(q)s; terakhir dilaporkan: triwulan %(last)s", q=", ".join(QUARTER_NAMES[q] for q in missing),
          last=QUARTER_NAMES[last]) if last
        else _("triwulan %(q)s; belum pernah melapor", q=", ".join(QUARTER_NAMES[q] for q in missing))),
    "below_floor": lambda share, floor: f"{format_percent(share)} < {format_percent(floor)}",
    "lagging": lambda actual, last, expected: _("%(a)s s.d. triwulan %(q)s; diperkirakan %(e)s",
                                                a=format_percent(actual, 0), q=QUARTER_NAMES[last],
                                                e=format_percent(expected, 0)),
    "tranche2": lambda spent_share, outputs: _("belanja %(s)s dari tahap I, keluaran %(o)s",
                                               s=format_percent(spent_share, 0) if spent_share is not None else "–",
                                               o=format_percent(outputs, 0)),
    "overspent": lambda over: _("%(n)s kegiatan", n=over) if over else "",
    "group_uncovered": lambda missing: ", ".join(str(TARGET_GROUPS[g]) for g in missing),
    "unexplained": lambda n: _("%(n)s perubahan dari usulan tanpa alasan", n=n),
}


QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


# --- Sums per kecamatan -------------------------------------------------------------------------------------------

def kecamatan_rows(village_list: list) -> list:
    """The kabupaten dashboard: the village rows added up per kecamatan."""
    result = {}
    for v in village_list:
        k = result.get(v.kecamatan_id)
        if k is None:
            k = result[v.kecamatan_id] = KecamatanRow(v.kecamatan_id, v.kecamatan_code, v.kecamatan_name)
        _add(k, v)
    return sorted(result.values(), key=lambda k: k.code)


def _add(k, v):
    k.villages += 1
    if v.plan_id is not None:
        k.with_plan += 1
    if v.commitment_id is not None:
        k.committed_villages += 1
    k.pagu += v.pagu
    k.base += v.base
    k.stunting_budget += v.stunting_budget
    k.committed += v.committed or 0
    k.spent += v.spent
    k.stunted_children += v.stunted_children or 0
    quarters, reported, expected = k.quarters, k.reported, k.expected
    for q, value in enumerate(v.quarters):
        if value is not None:
            quarters[q] += value
            reported[q] += 1
    for q, value in enumerate(v.expected):
        expected[q] += value
    if v.flags:
        k.flagged_villages += 1
        counts = k.flags
        for code in v.flag_codes:
            counts[code] += 1
        if v.needs_attention:
            k.attention_villages += 1


def totals(village_list: list) -> KecamatanRow:
    """Everything added up (the dashboard's footer and the API's totals)."""
    total = KecamatanRow(0, "", "")
    for v in village_list:
        _add(total, v)
    return total


def sum_of(kecamatan_list: list) -> KecamatanRow:
    """The same as `totals` of their villages, from the kecamatan sums (a province page adds its
    villages once)."""
    total = KecamatanRow(0, "", "")
    for k in kecamatan_list:
        for name in ("villages", "with_plan", "committed_villages", "pagu", "base", "stunting_budget", "committed",
                     "spent", "stunted_children", "flagged_villages", "attention_villages"):
            setattr(total, name, getattr(total, name) + getattr(k, name))
        for q in range(4):
            total.quarters[q] += k.quarters[q]
            total.reported[q] += k.reported[q]
            total.expected[q] += k.expected[q]
        for code, n in k.flags.items():
            total.flags[code] += n
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
    "lapor": lambda r: r.last_reported or 0,
    "paket": lambda r: r.packages_count,
    "stunting": lambda r: r.stunted_children or 0,
    "tanda": lambda r: attention_key(r),
}


def attention_key(row):
    """Worst first: the highest severity, then how many flags of each severity."""
    counts = [0, 0, 0, 0]
    for f in row.flags:
        counts[f.severity] += 1
    return (row.severity, counts[3], counts[2], counts[1])


def filter_and_sort(village_list, flag: str = "", status: str = "", priority_only: bool = False,
                    sort: str = "kode", descending: bool = False) -> list:
    rows = [r for r in village_list
            if (not flag or flag in r.flag_codes) and (not status or r.status == status)
            and (not priority_only or r.priority)]
    key = SORTS.get(sort, SORTS["kode"])
    ordered = sorted(rows, key=lambda r: r.code)     # ties keep code order whichever way the sort goes
    return sorted(ordered, key=key, reverse=descending)


def needing_attention(village_list) -> list:
    """The villages with a flag of medium or high severity, worst first (then by code)."""
    rows = sorted((r for r in village_list if r.needs_attention), key=lambda r: r.code)
    return sorted(rows, key=attention_key, reverse=True)


def package_totals(village_list) -> dict:
    """Committed money per service package across the rows' latest commitments (for the chart)."""
    sums = {code: 0 for code in PACKAGES}
    for row in village_list:
        for package, cost in (row.by_package or {}).items():
            if package in sums:
                sums[package] += cost
    return sums
