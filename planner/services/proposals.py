"""Proposals (usulan) in a plan: reading them with their totals, and changing them.

Reading: `plan_overview` gives every proposal with its effective impact, the
names of the proposals it is linked to, and the requested totals.

Changing: `create_proposal`, `update_proposal`, `delete_proposal`. They check
every value alone and across fields, commit, and raise
ServiceError({field: [messages]}) with nothing saved when they refuse. Values
are in model units (whole Rupiah, whole units, impact as cases per unit).
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..domain import CATEGORIES, FUNDING_SOURCES, PACKAGES, PROPOSERS, TARGET_GROUPS
from ..extensions import db
from ..fields import MAX_RUPIAH
from ..models import Proposal, ProposalLink
from ..models.base import utcnow
from ..formatting import format_number, format_rupiah
from . import ServiceError, audit, commit_or_conflict
from .catalogue import APBDES_PATTERN
from .unit_impact import ImpactAssumptions, ProposalImpact, assumptions_for, baseline_for, proposal_impact

# The fields of a proposal a user edits (links and the catalogue item are passed separately).
PROPOSAL_FIELDS = ("name", "category", "package", "target_group", "location", "proposer", "unit",
                   "unit_cost", "fixed_cost", "min_units", "max_units", "impact_per_unit", "apbdes_code", "notes",
                   "implementer", "funding_source", "months")
TEXT_LIMITS = {"name": 200, "location": 120, "unit": 40, "apbdes_code": 20, "notes": 5000, "implementer": 120,
               "proposer": 24}
MAX_IMPACT_PER_UNIT = 10
LINK_KINDS = ("requires", "excludes")


@dataclass
class ProposalRow:
    proposal: object
    impact: ProposalImpact
    # Proposals this one needs, and those it may not be funded together with (either
    # direction: "not both" is symmetric), as (id, label) pairs; see `proposal_label`.
    requires: list = field(default_factory=list)
    excludes: list = field(default_factory=list)

    @property
    def requested_cost(self) -> int:
        return self.proposal.max_cost


@dataclass
class PlanOverview:
    """A plan's proposals with what they ask for, against the budget."""

    plan: object
    assumptions: ImpactAssumptions
    baseline: float
    baseline_source: str
    rows: list = field(default_factory=list)
    total_requested: int = 0              # Dana Desa proposals only: what is weighed against the budget
    by_package: dict = field(default_factory=dict)
    by_category: dict = field(default_factory=dict)
    other_sources: dict = field(default_factory=dict)   # source code → cost asked from it (not Dana Desa)

    @property
    def budget(self) -> int:
        return self.plan.stunting_budget

    @property
    def over_budget(self) -> int:
        """How much the proposals ask beyond the budget (0 if they fit)."""
        return max(0, self.total_requested - self.budget)

    @property
    def requested_share(self) -> float | None:
        return self.total_requested / self.budget if self.budget else None

    @property
    def missing_impact(self) -> int:
        return sum(1 for row in self.rows if row.impact.source == "missing")

    def row_for(self, proposal_id: int):
        """The row of proposal `proposal_id`, or None."""
        return next((row for row in self.rows if row.proposal.id == proposal_id), None)


def plan_overview(plan) -> PlanOverview:
    """Every proposal of `plan` with its effective impact, its links, and the requested totals.

    Totals count each Dana Desa proposal at its maximum (what is asked), by service
    package and by category, with every package and category present (zero if
    none), so the table does not jump as proposals come and go. Proposals paid from
    other sources are counted apart (`other_sources`): they do not use the budget.
    """
    assumptions = assumptions_for(plan.desa)
    baseline, source = baseline_for(plan, assumptions)
    overview = PlanOverview(plan=plan, assumptions=assumptions, baseline=baseline, baseline_source=source)
    overview.by_package = {code: 0 for code in PACKAGES}
    overview.by_category = {code: 0 for code in CATEGORIES}
    names = {p.id: proposal_label(p) for p in plan.proposals}
    requires, excludes = {}, {}
    for link in _plan_links(plan):
        if link.proposal_id not in names or link.other_id not in names:
            continue  # never show a link that leaves the plan
        if link.kind == "requires":
            requires.setdefault(link.proposal_id, set()).add(link.other_id)
        else:
            excludes.setdefault(link.proposal_id, set()).add(link.other_id)
            excludes.setdefault(link.other_id, set()).add(link.proposal_id)
    order = {p.id: i for i, p in enumerate(plan.proposals)}

    def named(ids):
        return [(i, names[i]) for i in sorted(ids, key=order.get)]

    for proposal in plan.proposals:
        row = ProposalRow(proposal, proposal_impact(proposal, assumptions),
                          named(requires.get(proposal.id, ())), named(excludes.get(proposal.id, ())))
        overview.rows.append(row)
        cost = row.requested_cost
        if not proposal.from_dana_desa:
            overview.other_sources[proposal.funding_source] = overview.other_sources.get(proposal.funding_source, 0) + cost
            continue
        overview.total_requested += cost
        overview.by_package[proposal.package] = overview.by_package.get(proposal.package, 0) + cost
        overview.by_category[proposal.category] = overview.by_category.get(proposal.category, 0) + cost
    return overview


def _plan_links(plan):
    return db.session.scalars(
        select(ProposalLink).join(Proposal, ProposalLink.proposal_id == Proposal.id)
        .where(Proposal.plan_id == plan.id)).all()


class ProposalConflict(ServiceError):
    """Someone saved the proposal after the user's form was built; nothing was written."""


# --- Reading for forms ---------------------------------------------------------------------------------

def proposal_changed_message():
    """The message for an edit that lost the race against someone else's save."""
    return _("Usulan ini baru saja diubah pengguna lain. Muat ulang untuk melihat perubahannya.")


def proposal_label(proposal) -> str:
    """Name and location: a plan often has the same activity in several places."""
    return f"{proposal.name} · {proposal.location}" if proposal.location else proposal.name


def link_choices(plan, proposal=None) -> list:
    """(id, label) of the plan's proposals that `proposal` may be linked to: all but itself."""
    return [(p.id, proposal_label(p)) for p in plan.proposals if proposal is None or p.id != proposal.id]


def current_links(proposal) -> dict:
    """{"requires": [ids], "excludes": [ids]} as the edit form shows them.

    "Not both" is symmetric: an excludes link stored from the other proposal
    counts as present here too, so the box is ticked on both proposals.
    """
    reverse = db.session.scalars(select(ProposalLink.proposal_id).where(
        ProposalLink.other_id == proposal.id, ProposalLink.kind == "excludes")).all()
    return {"requires": proposal.linked_ids("requires"),
            "excludes": sorted(set(proposal.linked_ids("excludes")) | set(reverse))}


# First words of units that count people or households of the target group
# (anak-hari, ibu-hari, peserta-pertemuan, remaja-bulan, keluarga, sambungan, …):
# for these the plan's head count says how many units "everyone" needs.
PER_HEAD_UNIT_WORDS = frozenset({
    "anak", "bayi", "balita", "baduta", "ibu", "bumil", "remaja", "catin", "pasangan", "peserta",
    "orang", "jiwa", "keluarga", "kk", "rumah", "sambungan", "dokumen", "kunjungan",
})


def unit_counts_people(unit: str) -> bool:
    """True when `unit` counts people or households (its first word is in PER_HEAD_UNIT_WORDS).

    `kader-bulan`, `posyandu-bulan`, `lembaga-bulan`, `bulan`, `set`, `paket`, `unit` count
    staff, facilities, months or things, of which the plan holds no number.
    """
    first = re.split(r"[-\s/]+", (unit or "").strip().lower(), maxsplit=1)[0]
    return first in PER_HEAD_UNIT_WORDS


def catalogue_prefill(item, plan) -> dict:
    """The values a new proposal from catalogue item `item` starts with (all editable).

    Copied from the item: name, category, package, target group, unit, APBDes
    code, and unit cost = the default unit cost (None when the catalogue has no
    cost: the village enters its own). The units follow the item's course
    length `units_per_course` (e.g. 56 child-days of PMT lokal):

    - min_units = units_per_course rounded, at least 1: one full course;
    - max_units, when the unit counts people or households (`unit_counts_people`:
      anak-hari, ibu-hari, peserta-pertemuan, keluarga, sambungan, …) = the plan's
      head count of the target group × units_per_course, rounded: everyone in the
      group gets a full course;
    - max_units, when the unit counts anything else (kader-bulan, posyandu-bulan,
      lembaga-bulan, bulan, set, paket, unit), or the plan has no head count for
      the group = one course (e.g. 12 kader-months, 1 set). Multiplying these by
      the number of children would ask for nonsense (200 anthropometry sets); the
      village knows how many kader or posyandu it has and edits the number;
    - max_units, when the item is targeted (only some of the group qualify, e.g. PMT lokal for
      balita gizi kurang) = one course: the village enters how many qualify.

    The impact stays empty, meaning "computed from the catalogue evidence".
    """
    course = max(1, round(item.units_per_course or 1))
    everyone = plan.target_count(item.target_group) * (item.units_per_course or 1)
    per_head = unit_counts_people(item.unit) and everyone > 0 and not item.targeted
    return {
        "name": item.name, "category": item.category, "package": item.package,
        "target_group": item.target_group, "unit": item.unit, "unit_cost": item.default_unit_cost,
        "fixed_cost": 0, "apbdes_code": item.apbdes_code or "", "min_units": course,
        "max_units": max(course, round(everyone)) if per_head else course,
        "impact_per_unit": None,
    }


def plan_locations(plan) -> list:
    """The locations (dusun, posyandu) already written in the plan, for the form's suggestions."""
    return sorted({p.location for p in plan.proposals if p.location}, key=str.casefold)


def cost_warnings(proposal) -> list:
    """Warnings (not errors) about a saved proposal: it alone asks more than the stunting budget."""
    budget = proposal.plan.stunting_budget or 0
    if budget > 0 and proposal.max_cost > budget:
        return [_("Usulan “%(name)s” sendiri meminta %(cost)s, lebih besar dari anggaran stunting %(budget)s. "
                  "Usulan tetap tersimpan; periksa jumlah unit atau biayanya.",
                  name=proposal.name, cost=format_rupiah(proposal.max_cost), budget=format_rupiah(budget))]
    return []


# --- Checking -------------------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def check_proposal_values(values: dict, own_proposer: str = "") -> dict:
    """Rules on one proposal's values, alone and across fields. Returns {field: [messages]}.

    `own_proposer` is the proposer the proposal already has: one the list does not know (an
    import keeps "KUA" as text) may stay; a new one must come from the list."""
    errors: dict = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if _blank(values.get("name")):
        add("name", _("Isi nama kegiatan."))
    if _blank(values.get("unit")):
        add("unit", _("Isi satuan, misalnya anak-hari."))
    for name, limit in TEXT_LIMITS.items():
        if len((values.get(name) or "").strip()) > limit:
            add(name, _("Paling banyak %(max)s huruf.", max=format_number(limit)))
    if values.get("category") not in CATEGORIES:
        add("category", _("Pilih kategori."))
    if values.get("package") not in PACKAGES:
        add("package", _("Pilih paket layanan."))
    if values.get("target_group") not in TARGET_GROUPS:
        add("target_group", _("Pilih kelompok sasaran."))
    proposer = (values.get("proposer") or "").strip()
    if proposer and proposer not in PROPOSERS and proposer != (own_proposer or ""):
        add("proposer", _("Pilih pengusul dari daftar."))
    if (values.get("funding_source") or "dd") not in FUNDING_SOURCES:
        add("funding_source", _("Pilih sumber dana dari daftar."))
    months = values.get("months")
    if months is not None and (not isinstance(months, (list, tuple))
                               or not all(isinstance(m, int) and 1 <= m <= 12 for m in months)):
        add("months", _("Pilih bulan pelaksanaan dari Januari sampai Desember."))

    apbdes = (values.get("apbdes_code") or "").strip()
    if apbdes and not APBDES_PATTERN.match(apbdes):
        add("apbdes_code", _("Tulis kode kegiatan APBDes dengan angka dan titik, misalnya 2.2.02 atau 02.02.02 "
                             "(kode lokal 90–99, misalnya 2.2.90)."))
    elif apbdes.endswith(".00"):
        add("apbdes_code", _("Nomor kegiatan tidak boleh 00."))

    unit_cost, fixed_cost = values.get("unit_cost"), values.get("fixed_cost") or 0
    minimum, maximum = values.get("min_units"), values.get("max_units")
    if unit_cost is None:
        add("unit_cost", _("Wajib diisi."))
    elif unit_cost < 0:
        add("unit_cost", _("Biaya satuan tidak boleh negatif."))
    if fixed_cost < 0:
        add("fixed_cost", _("Biaya tetap tidak boleh negatif."))
    if minimum is None:
        add("min_units", _("Wajib diisi."))
    elif minimum < 0:
        add("min_units", _("Unit minimum tidak boleh negatif."))
    if maximum is None:
        add("max_units", _("Wajib diisi."))
    elif maximum < 1:
        add("max_units", _("Unit maksimum paling sedikit 1."))
    if minimum is not None and maximum is not None and minimum > maximum:
        add("min_units", _("Unit minimum (%(min)s) tidak boleh lebih besar dari unit maksimum (%(max)s).",
                           min=format_number(minimum), max=format_number(maximum)))
    if unit_cost is not None and unit_cost >= 0 and maximum is not None and fixed_cost >= 0 \
            and fixed_cost + unit_cost * maximum > MAX_RUPIAH:
        add("unit_cost", _("Biaya diminta (biaya tetap + biaya satuan × unit maksimum) terlalu besar: "
                           "paling banyak %(max)s.", max=format_rupiah(MAX_RUPIAH)))
    impact = values.get("impact_per_unit")
    if impact is not None and not 0 <= impact <= MAX_IMPACT_PER_UNIT:
        add("impact_per_unit", _("Dampak per unit harus antara 0 dan %(max)s.", max=MAX_IMPACT_PER_UNIT))
    return errors


def _link_ids(raw, errors, name) -> list:
    """Ids from the form's checkbox values; anything not a whole number is reported at `name`."""
    ids = []
    for value in raw or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            errors.setdefault(name, []).append(_("Pilihan usulan tidak dikenal."))
            return []
    return sorted(set(ids))


def check_links(plan, proposal, requires, excludes, errors: dict, own_label: str = "") -> tuple[list, list]:
    """Validate the linked ids: same plan only, never itself, never both required and excluded,
    and never a chain of "requires" that ends in a "not both" pair (see `_check_contradictions`).
    `own_label` names the proposal as it will be saved.

    Returns (requires ids, excludes ids); adds messages to `errors`.
    """
    requires = _link_ids(requires, errors, "requires")
    excludes = _link_ids(excludes, errors, "excludes")
    allowed = {p.id for p in plan.proposals}
    own_id = proposal.id if proposal is not None else None
    for name, ids in (("requires", requires), ("excludes", excludes)):
        if own_id is not None and own_id in ids:
            errors.setdefault(name, []).append(_("Usulan tidak bisa dikaitkan dengan dirinya sendiri."))
        if any(i not in allowed for i in ids):
            # Never link across plans; do not reveal what the foreign id is.
            errors.setdefault(name, []).append(_("Usulan terkait harus usulan lain dari rencana yang sama."))
    both = sorted(set(requires) & set(excludes))
    if both:
        names = ", ".join(p.name for p in plan.proposals if p.id in both)
        errors.setdefault("excludes", []).append(
            _("Usulan tidak bisa sekaligus disyaratkan dan dikecualikan: %(names)s.", names=names))
    if not errors.get("requires") and not errors.get("excludes"):
        _check_contradictions(plan, proposal, requires, excludes, own_label, errors)
    return requires, excludes


_NEW = "new"   # the key of a proposal not saved yet in the link graphs below


def _closure(start, graph) -> set:
    """`start` and everything reachable from it in `graph` ({id: set of ids})."""
    seen, stack = {start}, [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _contradiction(node, requires: dict, excludes: dict, order: dict):
    """An excluded pair (a, b) that funding `node` would need together, or None.

    Funding `node` means funding everything it requires, directly or through
    others; if two of those may not be funded together, `node` never can be.
    """
    needed = _closure(node, requires)
    for a in sorted(needed, key=lambda i: order.get(i, -1)):
        for b in sorted(excludes.get(a, ()), key=lambda i: order.get(i, -1)):
            if b in needed:
                return a, b
    return None


def _check_contradictions(plan, proposal, requires, excludes, own_label, errors) -> None:
    """Refuse links that make a proposal impossible to fund (A needs B, B needs C, A and C "not both").

    Compares the plan's links before and after the change and reports only
    contradictions the change brings in, so an edit elsewhere is not blocked by
    an old one (imported plans may hold some). Adds one message to `errors`.
    """
    own = proposal.id if proposal is not None else _NEW
    labels = {p.id: proposal_label(p) for p in plan.proposals}
    labels[own] = own_label or labels.get(own, "")
    order = {p.id: i for i, p in enumerate(plan.proposals)}
    before_req, before_exc = {}, {}
    for link in _plan_links(plan):
        if link.kind == "requires":
            before_req.setdefault(link.proposal_id, set()).add(link.other_id)
        else:
            before_exc.setdefault(link.proposal_id, set()).add(link.other_id)
            before_exc.setdefault(link.other_id, set()).add(link.proposal_id)
    # After the change: `own` requires exactly `requires` and is "not both" with exactly `excludes`.
    after_req = {k: set(v) for k, v in before_req.items()}
    after_req[own] = set(requires)
    after_exc = {k: v - {own} for k, v in before_exc.items() if k != own}
    after_exc[own] = set(excludes)
    for other in excludes:
        after_exc.setdefault(other, set()).add(own)
    # Only proposals that need `own` (or `own` itself) can be affected.
    needs_own = {}
    for source, targets in after_req.items():
        for target in targets:
            needs_own.setdefault(target, set()).add(source)
    for node in sorted(_closure(own, needs_own), key=lambda i: (i != own, order.get(i, -1))):
        pair = _contradiction(node, after_req, after_exc, order)
        if pair is None or (node != _NEW and _contradiction(node, before_req, before_exc, order)):
            continue
        a, b = pair
        if b == node:
            a, b = b, a
        subject = _("Usulan ini") if node == own else "“%s”" % labels.get(node, "")
        if a == node:
            message = _("%(subject)s tidak akan pernah bisa didanai: ia memerlukan “%(other)s” (langsung atau "
                        "lewat usulan lain), padahal keduanya tidak boleh didanai bersama.",
                        subject=subject, other=labels.get(b, ""))
        else:
            message = _("%(subject)s tidak akan pernah bisa didanai: ia memerlukan “%(a)s” dan “%(b)s” (langsung "
                        "atau lewat usulan lain), padahal keduanya tidak boleh didanai bersama.",
                        subject=subject, a=labels.get(a, ""), b=labels.get(b, ""))
        field_name = "excludes" if own in (a, b) and ({a, b} - {own}) & set(excludes) else "requires"
        errors.setdefault(field_name, []).append(message)
        return


def _label_of(values: dict) -> str:
    name, location = (values.get("name") or "").strip(), (values.get("location") or "").strip()
    return f"{name} · {location}" if location else name


def _clean(values: dict) -> dict:
    clean = {name: values.get(name) for name in PROPOSAL_FIELDS}
    for name in ("name", "location", "proposer", "unit", "apbdes_code", "notes", "implementer"):
        clean[name] = (clean[name] or "").strip()
    clean["fixed_cost"] = clean["fixed_cost"] or 0
    clean["funding_source"] = clean["funding_source"] or "dd"
    clean["months"] = sorted(set(clean["months"])) if clean["months"] else None
    return clean


def _set_links(proposal, requires: list, excludes: list) -> None:
    """Replace the proposal's links; "not both" links stored from the other side are re-stored here."""
    db.session.execute(ProposalLink.__table__.delete().where(or_(
        ProposalLink.proposal_id == proposal.id,
        (ProposalLink.other_id == proposal.id) & (ProposalLink.kind == "excludes"))))
    db.session.expire(proposal, ["links"])
    for kind, ids in (("requires", requires), ("excludes", excludes)):
        for other_id in ids:
            db.session.add(ProposalLink(proposal_id=proposal.id, other_id=other_id, kind=kind))


# --- Changing -------------------------------------------------------------------------------------------

def create_proposal(plan, values: dict, requires=(), excludes=(), catalogue_item=None,
                    aks_recommendation_id=None) -> Proposal:
    """Add a proposal at the end of the plan's list. Raises ServiceError; nothing is saved on error.

    `catalogue_item` (already checked to be of the plan's kabupaten) marks it as
    taken from the catalogue; an empty impact then means "computed from the catalogue".
    """
    errors = check_proposal_values(values)
    requires, excludes = check_links(plan, None, requires, excludes, errors, _label_of(values))
    if errors:
        raise ServiceError(errors)
    position = (db.session.scalar(select(func.max(Proposal.position)).where(Proposal.plan_id == plan.id)) or 0) + 1
    proposal = Proposal(plan=plan, position=position,
                        catalogue_item_id=catalogue_item.id if catalogue_item is not None else None,
                        aks_recommendation_id=aks_recommendation_id, **_clean(values))
    db.session.add(proposal)
    db.session.flush()
    _set_links(proposal, requires, excludes)
    audit.record("proposal.create", plan=plan, target=f"proposal:{proposal.id}", name=proposal.name)
    db.session.commit()
    return proposal


_KEEP = object()


def update_proposal(proposal, values: dict, requires=(), excludes=(), expected_version=None,
                    aks_recommendation_id=_KEEP) -> Proposal:
    """Change a proposal and its links. Raises ServiceError; nothing changes on error.

    `expected_version` is the version the user's form was built from: if someone
    saved in between (or does so while this commits), the change is refused with
    ProposalConflict(`proposal_changed_message()`) instead of overwriting theirs.
    """
    plan = proposal.plan
    check_version(proposal, expected_version)
    errors = check_proposal_values(values, own_proposer=proposal.proposer)
    requires, excludes = check_links(plan, proposal, requires, excludes, errors, _label_of(values))
    if errors:
        raise ServiceError(errors)
    # Links first: their statements would otherwise flush the changed row before the commit.
    _set_links(proposal, requires, excludes)
    cleaned = _clean(values)
    if aks_recommendation_id is not _KEEP:
        cleaned["aks_recommendation_id"] = aks_recommendation_id
    changed = audit.changes({name: getattr(proposal, name) for name in cleaned}, cleaned)
    for name, value in cleaned.items():
        setattr(proposal, name, value)
    audit.record("proposal.update", plan=plan, target=f"proposal:{proposal.id}", name=proposal.name,
                   fields=list(changed), changes=changed)
    # Always write the row, so the version check runs and the version moves on even when
    # only the links changed (links live in their own table).
    proposal.updated_at = utcnow()
    try:
        commit_or_conflict(proposal_changed_message())
    except ServiceError as error:
        raise ProposalConflict(proposal_changed_message()) from error
    return proposal


def check_version(proposal, expected_version) -> None:
    """Raise ProposalConflict if the user's form was built from an older version of `proposal`.

    Checked before the values: a stale form's other messages may no longer apply
    to what is saved now. None (no version sent) skips the check; the commit's own
    version check still guards against a save in between.
    """
    if expected_version is not None and expected_version != proposal.version_id:
        raise ProposalConflict(proposal_changed_message())


def linked_ids(proposal) -> set:
    """Ids of proposals linked to or from `proposal` (their link names change with it)."""
    rows = db.session.execute(select(ProposalLink.proposal_id, ProposalLink.other_id).where(
        or_(ProposalLink.proposal_id == proposal.id, ProposalLink.other_id == proposal.id))).all()
    return {i for pair in rows for i in pair} - {proposal.id}


def delete_proposal(proposal) -> None:
    """Delete a proposal and every link to or from it (links from other proposals too)."""
    db.session.execute(ProposalLink.__table__.delete().where(
        or_(ProposalLink.other_id == proposal.id, ProposalLink.proposal_id == proposal.id)))
    audit.record("proposal.delete", plan=proposal.plan, target=f"proposal:{proposal.id}", name=proposal.name)
    db.session.delete(proposal)
    db.session.commit()
