"""Running the optimizer on a village plan and reading its answer back in the village's terms.

The optimizer (planner.optimizer) takes a plan file and returns plain data; this
module builds the plan file from the database, keeps each run as a `Suggestion`
(input and output exactly as they were), and turns a stored answer into what the
plan page shows: rows per proposal, totals against the rules, explanations,
the budget-sensitivity chart and the comparison with the spreadsheet method.
"""
import hashlib
import json
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import optimizer
from ..charts import compact_rupiah, line_chart
from ..domain import CATEGORIES, PACKAGES, TARGET_GROUPS
from ..extensions import db
from ..models import Proposal, Suggestion
from ..activity_names import activity_labels
from ..formatting import cost_per_case, format_cases, format_percent
from ..optimizer.v2 import allocations as allocations_of
from ..optimizer import impact_model
from . import ServiceError, audit, explanations, plan_impact
from .plan_file_builder import other_source_units, plan_file, proposal_id_of
from .proposals import plan_overview


def input_hash(data: dict) -> str:
    """A fingerprint of a plan file: the same proposals, budget and rules give the same hash."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def compute_suggestion(plan, user, solver: str | None = None, time_limit: float | None = None,
                       locks: dict | None = None, meeting=None, commit: bool = True,
                       time_budget: float | None = None, progress=None) -> Suggestion:
    """Solve the plan as it stands, with explanations, sensitivity and the comparison; store it.

    `locks` maps proposal id → "in" | "out" | {"units": n} (a rembuk's decisions);
    `meeting` marks the run as the rembuk meeting's. The plan itself is never changed.
    `time_budget` bounds the whole run (JOB_TIME_BUDGET when None); the parts it cut are kept
    in the stored result's "incomplete" list and named on the page. `progress(fraction, part)`
    is told when each part starts (planner.jobs).
    Raises ServiceError when the plan cannot be given to the optimizer (e.g. no
    proposals, or data it rejects). With `commit=False` the caller commits.
    """
    overview = plan_overview(plan)
    if not overview.rows:
        raise ServiceError(_("Belum ada usulan kegiatan untuk dihitung."))
    data = plan_file(plan, overview, locks=locks)
    solver = solver or current_app.config["SOLVER"]
    time_limit = time_limit or current_app.config["SOLVER_TIME_LIMIT"]
    budget = time_budget if time_budget is not None else current_app.config.get("JOB_TIME_BUDGET")
    try:
        answer = optimizer.solve_plan_file(data, solver=solver, time_limit=time_limit,
                                           explain=True, sensitivity=True, compare=True,
                                           time_budget=budget, progress=progress)
    except optimizer.PlanError as error:
        raise ServiceError(error.message("id"))
    except Exception:  # a solver that crashes must not take the page down; the plan is untouched
        current_app.logger.exception("The optimizer failed on plan %s", plan.id)
        raise ServiceError(_("Perhitungan gagal. Rencana tidak berubah; coba lagi sebentar lagi.")) from None
    result = answer["result"]
    stored = {key: answer[key] for key in ("result", "explanations", "sensitivity", "comparison", "incomplete")
              if key in answer}
    suggestion = Suggestion(
        plan_id=plan.id, user_id=user.id, input_hash=input_hash(data), solver=result.get("solver") or solver,
        status=result["status"], total_cost=result["total_cost"],
        # the model's central figure for the units chosen (the same with either optimizer)
        total_impact=impact_model.evaluate(data, plan_impact.units_of(result))["central"],
        seconds=float(result.get("solve_seconds") or 0.0), plan_file=data, result=stored,
        session_id=meeting.id if meeting is not None else None,
    )
    db.session.add(suggestion)
    audit.record("plan.solve", plan=plan, user=user, target=f"session:{meeting.id}" if meeting else "",
                   status=result["status"], cost=result["total_cost"])
    if commit:
        db.session.commit()
    return suggestion


def latest_suggestion(plan) -> Suggestion | None:
    """The plan's latest run outside a rembuk meeting (the operator's own)."""
    return db.session.scalar(
        select(Suggestion).where(Suggestion.plan_id == plan.id, Suggestion.session_id.is_(None))
        .order_by(Suggestion.id.desc()).limit(1))


@dataclass
class SuggestionRow:
    key: str
    name: str
    package: str
    category: str
    target_group: str
    location: str
    unit: str
    max_units: int
    units: int
    cost: int
    impact: float
    impact_per_million: float | None
    explanation: str
    stability: str | None
    exists: bool
    enters_at_budget: int | None = None   # first swept budget above the current one that funds it
    budget_rise: str | None = None        # the exact answer, once asked for (budget_rise_for)
    can_ask_budget_rise: bool = False     # unfunded and could enter with more budget
    label: str = ""                       # name · location, told apart from its twins (activity_names)
    impact_per_unit: float = 0.0
    requested_cost: int = 0               # fixed + unit cost × max units: what it asks for
    min_units: int = 0
    people: float | None = None           # people reached (combined-effect activities), None otherwise
    own_estimate: bool = False            # the impact is the village's own estimate (additive)
    enabling: bool = False                # a platform item: no effect of its own, services require it
    catalogue_item_id: int | None = None  # the catalogue item behind it: its evidence page
    requested_impact: float | None = None  # central cases at the units it asks for, alone in the plan

    @property
    def funded(self) -> bool:
        return self.units > 0

    @property
    def cost_per_case(self) -> int | None:
        """Rupiah per stunting case averted: at the funded units, or (unfunded) at what it asks for."""
        if self.funded:
            return cost_per_case(self.cost, self.impact)
        if self.requested_impact is not None:
            return cost_per_case(self.requested_cost, self.requested_impact)
        return cost_per_case(self.requested_cost, self.impact_per_unit * self.max_units)


@dataclass
class RuleLine:
    """One total against its rule: e.g. spesifik Rp 60.000.000 ≥ 30% of the budget."""

    label: str
    amount: int
    share: float | None
    rule: str            # text of the rule, "" when none applies
    ok: bool = True


@dataclass
class SuggestionView:
    suggestion: Suggestion
    status: str
    budget: int
    total_cost: int
    total_impact: float
    rows: list
    packages: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    message: str | None = None
    sensitivity: dict | None = None
    chart: object = None
    sweep: object = None                  # Sweep: the budget sweep on the model's figures
    unproven_budgets: list = field(default_factory=list)   # swept budgets the time limit cut
    comparison: dict | None = None
    stale: bool = False
    incomplete: list = field(default_factory=list)   # parts the job's time budget cut, as labels
    other_sources: list = field(default_factory=list)   # OtherSourceRow: activities beside the budget
    aks: list = field(default_factory=list)     # RuleLine: proposals answering AKS recommendations
    impact: object = None                 # plan_impact.PlanImpact: range, people, plausibility
    robustness: dict | None = None        # the kept "Seberapa yakin?" answer, if asked
    sheet_impact: float | None = None     # the spreadsheet method's units judged by the same model

    @property
    def impact_low(self):
        return self.impact.low if self.impact is not None else None

    @property
    def impact_high(self):
        return self.impact.high if self.impact is not None else None

    @property
    def plausibility_carriers(self) -> list:
        """Labels of the activities that carry an implausible impact (empty when within the bound)."""
        if self.impact is None or not self.impact.exceeds:
            return []
        labels = {row.key: row.label for row in self.rows}
        return [labels.get(key, key) for key in self.impact.carriers]

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def funded_count(self) -> int:
        return sum(1 for row in self.rows if row.funded)

    @property
    def funded_rows(self) -> list:
        """Funded activities, the costliest first (what the money goes to)."""
        return sorted((row for row in self.rows if row.funded), key=lambda row: -row.cost)

    @property
    def unfunded_rows(self) -> list:
        """Activities left out, those with an effect first, the cheapest per case averted first."""
        return sorted((row for row in self.rows if not row.funded),
                      key=lambda row: (row.cost_per_case is None, row.cost_per_case or 0))

    @property
    def left(self) -> int:
        return self.budget - self.total_cost


@dataclass
class OtherSourceRow:
    """An activity paid from another source than Dana Desa: beside the budget, at the units proposed."""

    key: str
    label: str
    source: str
    units: int
    unit: str
    cost: int
    implementer: str
    months: list


_LABELS = {**{k: v for k, v in CATEGORIES.items()}, **PACKAGES, **TARGET_GROUPS}
INCOMPLETE_LABELS = {
    "explanations": _l("penjelasan tiap usulan"),
    "sensitivity": _l("kepekaan terhadap anggaran"),
    "comparison": _l("perbandingan dengan cara spreadsheet"),
    "budget_rises": _l("tambahan anggaran agar masuk"),
}


def _text(message, lang, names=None):
    """Render an optimizer sentence (code + params) in the village's words (services.explanations),
    with the village's names for codes and proposals.

    The optimizer is pure and speaks in codes (`ibu_hamil`, `kia`, `u41`); the page says
    "Ibu hamil", "Kesehatan ibu dan anak" and the activity's name in the user's language.
    """
    if not message:
        return ""
    params = {key: _relabel(value) for key, value in (message.get("params") or {}).items()}
    return explanations.sentence(dict(message, params=params), names, lang)


def _relabel(value):
    if isinstance(value, str) and value in _LABELS:
        return str(_LABELS[value])
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [_relabel(item) for item in value]
    return value


def _explanation_text(explanation, lang, names=None):
    return " ".join(filter(None, (_text(m, lang, names) for m in explanation.get("messages", []))))


def suggestion_view(plan, suggestion: Suggestion, lang: str = "id", locks: dict | None = None) -> SuggestionView:
    """What the page shows for a stored suggestion (pure reading; nothing is re-solved)."""
    stored = suggestion.result
    result = stored["result"]
    data = suggestion.plan_file
    budget = data["budget"]
    rules = data.get("rules") or {}
    explained = {e["id"]: e for e in stored.get("explanations", [])}
    rises = stored.get("budget_rises") or {}
    stability = (stored.get("sensitivity") or {}).get("stability", {})
    allocations = {a["id"]: a for a in result["allocations"]}
    existing = set(db.session.scalars(select(Proposal.id).where(Proposal.plan_id == plan.id)))
    items = dict(db.session.execute(select(Proposal.id, Proposal.catalogue_item_id)
                                    .where(Proposal.plan_id == plan.id)).all())
    labels = activity_labels(data["proposals"])
    names = {p["id"]: label for label, p in zip(labels, data["proposals"])}
    impact = plan_impact.plan_impact(data, plan_impact.units_of(result), plan_impact.bound_for(plan))
    rows = []
    for label, p in zip(labels, data["proposals"]):
        a = allocations.get(p["id"], {"units": 0, "cost": 0, "impact": 0})
        e = explained.get(p["id"], {})
        rows.append(SuggestionRow(
            key=p["id"], name=p.get("name", p["id"]), package=p.get("package", ""), category=p.get("category", ""),
            target_group=p.get("target_group", ""), location=p.get("location", ""), unit=p.get("unit", ""),
            max_units=p["max_units"], units=a["units"], cost=a["cost"],
            impact=impact.by_proposal.get(p["id"], 0.0),
            impact_per_million=e.get("impact_per_million"), explanation=_explanation_text(e, lang, names),
            stability=stability.get(p["id"]), exists=proposal_id_of(p["id"]) in existing,
            budget_rise=_text(rises[p["id"]].get("message"), lang, names) if p["id"] in rises else None,
            can_ask_budget_rise=(result["status"] == "optimal" and not a["units"] and bool(e)
                                 and p.get("lock") != "out" and not e.get("blocked_by")
                                 and bool(p.get("impact_per_unit"))),
            label=label, impact_per_unit=float(p.get("impact_per_unit") or 0.0),
            requested_cost=p["fixed_cost"] + p["unit_cost"] * p["max_units"], min_units=p.get("min_units") or 0,
            people=impact.people.get(p["id"]), own_estimate=p["id"] in impact.own_estimate,
            enabling=bool(p.get("enabling")),
            catalogue_item_id=items.get(proposal_id_of(p["id"])),
            requested_impact=(None if a["units"] else
                              impact_model.evaluate(data, {p["id"]: p["max_units"]})["central"]),
        ))
    view = SuggestionView(
        suggestion=suggestion, status=result["status"], budget=budget, total_cost=result["total_cost"],
        total_impact=impact.central, rows=rows, impact=impact, robustness=stored.get("robustness"), message=_text(result.get("message"), lang, names),
        conflicts=[_text(c, lang, names) for c in result.get("conflicts", [])],
        sensitivity=stored.get("sensitivity"), comparison=stored.get("comparison"),
        incomplete=[str(INCOMPLETE_LABELS.get(part, part)) for part in stored.get("incomplete") or []],
    )
    sheet = (view.comparison or {}).get("spreadsheet") or {}
    if sheet.get("allocations"):
        view.sheet_impact = impact_model.evaluate(data, plan_impact.units_of(sheet))["central"]
    _mark_entry_budgets(rows, stored.get("sensitivity"), budget)
    view.packages = _required_lines(rows, "package", PACKAGES, set(rules.get("packages_required") or []), budget)
    view.categories = _category_lines(rows, rules, budget)
    view.locations = _location_lines(rows, rules, budget)
    view.groups = _required_lines(rows, "target_group", TARGET_GROUPS,
                                  set(rules.get("target_groups_required") or []), budget, with_share=False)
    view.aks = _aks_lines(rows, data["proposals"], budget)
    if view.sensitivity:
        view.sweep = budget_sweep(view.sensitivity, data)
        view.chart = view.sweep.chart
        view.unproven_budgets = [p["budget"] for p in view.sensitivity["points"]
                                 if p["status"] in ("feasible", "timeout")]
    current = plan_file(plan, locks=locks)
    view.stale = input_hash(current) != suggestion.input_hash
    view.other_sources = other_source_rows(plan, locks)
    return view


def other_source_rows(plan, locks: dict | None = None) -> list:
    """The plan's activities paid from other sources, at the units the rembuk keeps (all proposed
    unless struck or set): they sit beside the Dana Desa budget, never in the optimizer."""
    locks = locks or {}
    proposals = [p for p in plan.proposals if not p.from_dana_desa]
    labels = activity_labels(proposals, name=lambda p: p.name, location=lambda p: p.location)
    rows = []
    for label, p in zip(labels, proposals):
        units = other_source_units(p, locks.get(p.id))
        rows.append(OtherSourceRow(key=f"u{p.id}", label=label, source=p.funding_source, units=units, unit=p.unit,
                                   cost=p.fixed_cost + p.unit_cost * units if units else 0,
                                   implementer=p.implementer, months=list(p.months or [])))
    return rows


def is_stale(plan, suggestion, locks: dict | None = None) -> bool:
    """True when the plan (or the room's locks) changed since `suggestion` was solved."""
    return suggestion is not None and input_hash(plan_file(plan, locks=locks)) != suggestion.input_hash


def budget_rise_for(plan, suggestion: Suggestion, key: str, lang: str = "id") -> str:
    """The exact budget at which proposal `key` enters the stored suggestion's best plan, as a
    sentence; computed once (optimizer.budget_rises) and kept with the suggestion.

    Works on the suggestion's own plan file, so the answer belongs to what the page shows,
    even when the plan has changed since. Raises ServiceError when there is nothing to ask.
    """
    check_budget_rise(plan, suggestion, key)
    stored = dict(suggestion.result)
    result = stored["result"]
    allocations = {a["id"]: a for a in result["allocations"]}
    rises = dict(stored.get("budget_rises") or {})
    if key not in rises:
        data = optimizer.load_plan(suggestion.plan_file)
        units = [allocations[p.id]["units"] for p in data.proposals]
        optimum = optimizer.Result("optimal", allocations_of(data, units))
        (rise,) = optimizer.budget_rises(data, optimum, ids=[key],
                                         time_limit=current_app.config.get("JOB_TIME_BUDGET")
                                         or current_app.config["SOLVER_TIME_LIMIT"])
        if rise.status == "skipped":
            raise ServiceError(_("Usulan ini tidak bisa masuk dengan menambah anggaran (dikunci keluar atau tanpa dampak)."))
        answer = optimizer.budget_rise_to_dict(rise)
        db.session.refresh(suggestion)      # another request may have kept an answer meanwhile
        stored = dict(suggestion.result)
        kept = dict(stored.get("budget_rises") or {})
        kept[key] = answer
        stored["budget_rises"] = kept
        suggestion.result = stored          # a new dict, so the JSON column sees the change
        db.session.commit()
        rises[key] = answer
    return _text(rises[key].get("message"), lang)


def check_budget_rise(plan, suggestion: Suggestion, key: str) -> None:
    """Raise ServiceError unless proposal `key` is an unfunded proposal of the suggestion's proven best plan."""
    if suggestion.plan_id != plan.id:
        raise ServiceError(_("Perhitungan ini bukan milik rencana ini."))
    result = suggestion.result["result"]
    allocations = {a["id"]: a for a in result["allocations"]}
    if result["status"] != "optimal" or key not in allocations:
        raise ServiceError(_("Tambahan anggaran hanya dihitung untuk usulan dalam usulan alokasi yang terbukti terbaik."))
    if allocations[key]["units"]:
        raise ServiceError(_("Usulan ini sudah didanai."))


def _mark_entry_budgets(rows, sensitivity, budget):
    """For unfunded proposals: the lowest budget in the sweep, above today's, at which they are funded.

    The sweep moves in steps of 5% of the budget, so this says "by this budget at
    the latest", not the exact threshold. Only proven levels count: a plan the time limit
    stopped ("feasible") says nothing about what the best plan at that budget funds.
    """
    if not sensitivity:
        return
    points = sorted((p for p in sensitivity["points"] if p["budget"] > budget and p["status"] == "optimal"),
                    key=lambda p: p["budget"])
    for row in rows:
        if row.funded:
            continue
        for point in points:
            if row.key in point["funded"]:
                row.enters_at_budget = point["budget"]
                break


def _share(amount, budget):
    return amount / budget if budget else None


def _required_lines(rows, attribute, labels, required, budget, with_share=True):
    """Funded cost per package or target group, and whether each required one has an activity."""
    lines = []
    for code, label in labels.items():
        funded = [r for r in rows if getattr(r, attribute) == code and r.funded]
        amount = sum(r.cost for r in funded)
        rule = _("wajib ada kegiatan") if code in required else ""
        share = _share(amount, budget) if with_share else None
        lines.append(RuleLine(str(label), amount, share, rule, ok=bool(funded) or code not in required))
    return lines


def _category_lines(rows, rules, budget):
    lines = []
    low, high = rules.get("category_min_share") or {}, rules.get("category_max_share") or {}
    for code, label in CATEGORIES.items():
        amount = sum(r.cost for r in rows if r.category == code and r.funded)
        parts, ok = [], True
        if code in low:
            parts.append(_("paling sedikit %(p)s", p=_percent(low[code])))
            ok = ok and amount >= low[code] * budget - 0.5
        if code in high:
            parts.append(_("paling banyak %(p)s", p=_percent(high[code])))
            ok = ok and amount <= high[code] * budget + 0.5
        lines.append(RuleLine(str(label), amount, _share(amount, budget), ", ".join(parts), ok))
    return lines


def _aks_lines(rows, proposals, budget):
    """The proposals answering an AKS recommendation: what they get, and whether the rule "dahulukan
    usulan yang menjawab rekomendasi AKS" (their lock "in", services.aks.rule_locks) is kept."""
    answering = {p["id"]: p for p in proposals if p.get("aks_recommendation")}
    if not answering:
        return []
    chosen = [r for r in rows if r.key in answering]
    amount = sum(r.cost for r in chosen if r.funded)
    locked = [r for r in chosen if answering[r.key].get("lock") == "in"]
    rule = _("didahulukan: dikunci masuk") if locked else ""
    label = _("%(funded)s dari %(n)s usulan yang menjawab rekomendasi AKS didanai",
              funded=sum(1 for r in chosen if r.funded), n=len(chosen))
    return [RuleLine(label, amount, _share(amount, budget), rule, ok=all(r.funded for r in locked))]


def _location_lines(rows, rules, budget):
    cap = rules.get("location_max_share")
    amounts = {}
    for r in rows:
        if r.funded:
            amounts[r.location or "–"] = amounts.get(r.location or "–", 0) + r.cost
    lines = []
    for location, amount in sorted(amounts.items(), key=lambda item: -item[1]):
        rule = _("paling banyak %(p)s", p=_percent(cap)) if cap is not None else ""
        ok = cap is None or amount <= cap * budget + 0.5
        lines.append(RuleLine(location, amount, _share(amount, budget), rule, ok))
    return lines


def _percent(share):
    return format_percent(share, trim=True)


@dataclass
class SweepPoint:
    """One budget level of the sweep as the page reads it: the model's central figure and its
    range for the level's plan (low/high None for a suggestion kept without its plans)."""
    budget: int
    central: float
    low: float | None = None
    high: float | None = None


@dataclass
class Sweep:
    points: list
    chart: object
    marginal: float | None               # the next Rp 10 juta, central
    marginal_low: float | None = None    # … and its range (None when not known)
    marginal_high: float | None = None

    @property
    def has_range(self) -> bool:
        return all(p.low is not None for p in self.points)


def budget_sweep(sensitivity: dict, data: dict) -> Sweep:
    """The budget sweep on the model's figures: each proven level's plan valued with
    impact_model.evaluate (central line, low–high band); the next Rp 10 juta as the difference of
    the best plans' figures at budget + 10 juta and today. A suggestion kept before the levels
    kept their plans shows the optimizer's figures without a range."""
    ids = [p["id"] for p in data["proposals"]]

    def figures(units):
        answer = impact_model.evaluate(data, dict(zip(ids, units)))
        return answer["central"], answer["low"], answer["high"]

    points = []
    for p in sensitivity["points"]:
        if p["status"] != "optimal":
            continue
        if p.get("units"):
            points.append(SweepPoint(p["budget"], *figures(p["units"])))
        else:
            points.append(SweepPoint(p["budget"], p["total_impact"] or 0.0))
    ranged = all(p.low is not None for p in points)
    # proven levels only: a level the time limit stopped may hold a plan far below the best
    # one, which would draw a dip that is not there (the page names those levels)
    chart = None if len(points) < 2 else line_chart([(p.budget, p.central) for p in points], compact_rupiah, format_cases,
                       highlight=sensitivity["budget"],
                       band=[(p.budget, p.low, p.high) for p in points] if ranged else None)
    sweep = Sweep(points, chart, sensitivity.get("marginal_impact"))
    here = next((p for p in sensitivity["points"] if p["budget"] == sensitivity["budget"]), None)
    above = sensitivity.get("marginal_units")
    if ranged and above and here is not None and here.get("units"):
        top, now = figures(above), figures(here["units"])
        sweep.marginal = max(0.0, top[0] - now[0])
        low, high = max(0.0, top[1] - now[1]), max(0.0, top[2] - now[2])
        # a range that rounds to the central figure at both ends says nothing more
        if not format_cases(low) == format_cases(sweep.marginal) == format_cases(high):
            sweep.marginal_low, sweep.marginal_high = low, high
    return sweep
