"""A village plan as an optimizer plan file (format v2), the project's JSON exchange format.

Proposal ids in the file are the database ids written `u<id>` so that results
map back to proposals. Fields the solver does not use (unit, APBDes code,
proposer, notes, where the impact comes from) ride along for the export.

Version 2 (docs/optimizer.md, docs/impact-model.md) adds the combined-effect model: the plan's
target groups with their population and baseline risk (`groups`), the village's stunted children
(`stunted_children`, and where the figure comes from), and per proposal `units_per_course`,
`whole_courses`, `enabling`, `effect` {low, central, high}, `already_reached` and the `requires`
links from each service delivered through a platform (posyandu, KPM, TPK) to the enabling items
that keep that platform running at the same place. A proposal whose impact the village estimated
itself carries no `effect`: its `impact_per_unit` stays additive, labelled as its own estimate.
`impact_per_unit` stays on every proposal (the catalogue's central value per unit) so that an
optimizer reading version 1 still has its objective.
"""
from .. import optimizer
from ..models.plan import TARGET_FIELDS
from .aks import rule_locks
from .convergence import already_reached
from .unit_impact import plan_file_fields
from .proposals import plan_overview
from .rules import SERVICE_RULES, effective_rules

FORMAT = "planner-plan"
VERSION = 2


def proposal_key(proposal_id: int) -> str:
    return f"u{proposal_id}"


def proposal_id_of(key: str) -> int | None:
    """The database id behind a plan-file id written by `proposal_key`, else None."""
    if isinstance(key, str) and key.startswith("u") and key[1:].isdigit():
        return int(key[1:])
    return None


# Where a village writes an activity for the whole village rather than one posyandu or dusun.
WHOLE_VILLAGE = {"", "seluruh desa", "desa", "semua posyandu"}


def _norm(location) -> str:
    return " ".join((location or "").split()).casefold()


def file_version() -> int:
    """The version written: 2 when the installed optimizer reads it, else 1 (an optimizer of
    version 1 keeps the version-2 keys it does not know in `extra`, so nothing is lost)."""
    global _VERSION
    if _VERSION is None:
        try:
            optimizer.load_plan({"format": FORMAT, "version": VERSION, "budget": 0, "proposals": []})
            _VERSION = VERSION
        except optimizer.PlanError:
            _VERSION = 1
    return _VERSION


_VERSION = None


def groups_for(plan, overview) -> dict:
    """The plan's target groups with a head count: {group: {"population", "baseline_risk", "source"}}.

    The population is the plan's target figure (households at risk for "keluarga", which the water
    and latrine items reach); the baseline risk is the village's measured prevalence when it
    measured anyone, else the kabupaten's reference figure (services.unit_impact.baseline_for), the same
    for every group. A group without a head count is left out: its proposals stay additive.
    """
    groups = {}
    for code in TARGET_FIELDS:
        population = plan.target_count(code)
        if population > 0:
            groups[code] = {"population": population, "baseline_risk": overview.baseline,
                            "source": overview.baseline_source}
    return groups


def stunted_children_for(plan, overview) -> tuple[float, str]:
    """The village's stunted children: the posyandu's measured count when it measured anyone
    ("measured"), else balita × the baseline risk ("estimated")."""
    if plan.balita_measured and plan.balita_measured > 0:
        return float(plan.stunted_children or 0), "measured"
    return round(plan.target_count("balita") * overview.baseline, 1), "estimated"


def already_reached_for(proposal, reached=None) -> int:
    """People of the proposal's group another programme already reaches with the same service.

    `reached` maps catalogue codes to people already reached in the village (a convergence
    service supplies it: e.g. children receiving Makan Bergizi Gratis through the posyandu for an
    item the catalogue marks `national_programme="mbg"`). A custom activity, or an item no source
    covers, has 0. Never more than the group's head count.
    """
    item = proposal.catalogue_item
    if item is None or not reached:
        return 0
    count = int(reached.get(item.code) or 0)
    return max(0, min(count, proposal.plan.target_count(proposal.target_group)))


def platform_links(proposals) -> dict:
    """{service id: [enabling ids]}: each service delivered through a platform (the catalogue item's
    `platform`, not enabling) requires the enabling items of the same platform at the same location
    (name · location, activity_names). A service for the whole village ("Seluruh desa", or no
    location) runs through every posyandu, so it requires all of that platform's enabling items;
    so does a service at a place no enabling item names when all of them share one location (a
    village with one posyandu rarely writes its name on every line)."""
    enabling = {}
    for p in proposals:
        item = p.catalogue_item
        if item is not None and item.enabling and item.platform:
            enabling.setdefault(item.platform, []).append(p)
    links = {}
    for p in proposals:
        item = p.catalogue_item
        if item is None or item.enabling or not item.platform or item.platform not in enabling:
            continue
        candidates = enabling[item.platform]
        same = [e.id for e in candidates if _norm(e.location) == _norm(p.location)]
        if not same and (_norm(p.location) in WHOLE_VILLAGE or len({_norm(e.location) for e in candidates}) == 1):
            same = [e.id for e in candidates]
        if same:
            links[p.id] = same
    return links


def other_source_units(proposal, lock) -> int:
    """Units of an activity paid from another source: what was proposed, unless the rembuk
    struck it or set its units."""
    if lock == "out":
        return 0
    if isinstance(lock, dict):
        return int(lock.get("units") or 0)
    return proposal.max_units


def plan_file(plan, overview=None, locks=None, reached=None) -> dict:
    """The plan as a plan-file dict. `locks` maps proposal id → lock value (None/"in"/"out"/{"units": n}).

    Only proposals paid from Dana Desa enter: the stunting budget and its rules are Dana
    Desa's, and an activity a company (CSR), the community (swadaya) or another fund pays sits
    beside them (docs/rembuk.md). Links to such a proposal are left out: it is there unless the
    rembuk strikes it, so a "requires" is met and a "not both" cannot be weighed by the optimizer.

    A proposal whose impact nobody has given enters with impact 0, and says so
    in `impact_source: "missing"`, so the optimizer never funds it for impact.

    When the rule `aks_first` is on, the Dana Desa proposals answering an AKS recommendation are
    locked in (services.aks.rule_locks) unless `locks` (the rembuk's decisions) says otherwise;
    the rule itself stays out of the file's "rules", which the optimizer checks by name.
    `reached` (catalogue code → people) feeds `already_reached_for`; by default it is what the
    village's latest convergence scorecard says is already delivered (services.convergence).
    """
    if reached is None:
        reached = already_reached(plan, plan.year)
    overview = overview or plan_overview(plan)
    rules = effective_rules(plan)
    locks = {**rule_locks(plan, rules), **(locks or {})}
    for name in SERVICE_RULES:
        rules.pop(name, None)
    rows = [row for row in overview.rows if row.proposal.from_dana_desa]
    inside = {row.proposal.id for row in rows}
    excludes = {}
    for row in rows:
        for other in row.proposal.linked_ids("excludes"):
            if other in inside:
                excludes.setdefault(row.proposal.id, set()).add(other)
    groups = groups_for(plan, overview)
    platforms = platform_links([row.proposal for row in rows])
    proposals = []
    for row in rows:
        p = row.proposal
        requires = [i for i in p.linked_ids("requires") if i in inside]
        requires += [i for i in platforms.get(p.id, ()) if i in inside and i not in requires]
        entry = {
            "id": proposal_key(p.id),
            "name": p.name,
            "unit_cost": p.unit_cost,
            "fixed_cost": p.fixed_cost,
            "min_units": p.min_units,
            "max_units": p.max_units,
            "impact_per_unit": row.impact.value if row.impact.value is not None else 0,
            "category": p.category,
            "package": p.package,
            "target_group": p.target_group,
            "location": p.location,
            "lock": locks.get(p.id),
            "requires": [proposal_key(i) for i in requires],
            "excludes": [proposal_key(i) for i in sorted(excludes.get(p.id, ()))],
            "unit": p.unit,
            "apbdes_code": p.apbdes_code,
            "proposer": p.proposer,
            "notes": p.notes,
            "impact_source": row.impact.source,
            "catalogue_code": p.catalogue_item.code if p.catalogue_item else None,
            "aks_recommendation": p.aks_recommendation_id,
        }
        fields = plan_file_fields(p.catalogue_item, plan, overview.assumptions)
        if row.impact.source == "manual" or p.target_group not in groups:
            fields.pop("effect", None)      # the village's own estimate, or no head count: additive
        if row.impact.source == "manual" and row.impact.value:
            fields["enabling"] = False      # a platform item the village credits with an effect of its own
        entry.update(fields)
        if "effect" in entry:
            entry["already_reached"] = already_reached_for(p, reached)
        proposals.append(entry)
    stunted, stunted_source = stunted_children_for(plan, overview)
    return {
        "format": FORMAT,
        "version": file_version(),
        "village": {"code": plan.desa.code, "name": plan.desa.name, "year": plan.year},
        "budget": plan.stunting_budget,
        "rules": rules,
        "groups": groups,
        "stunted_children": stunted,
        "stunted_children_source": stunted_source,
        "proposals": proposals,
    }
