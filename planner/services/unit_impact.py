"""Impact per unit of a proposal: the village's own figure, or derived from the catalogue.

The catalogue's evidence gives, per item, the relative risk reduction for one person who completes
one course with its range (planner.impact). Plan files of version 1 still carry an additive impact
per unit; it comes from the central value: baseline × RRR ÷ units per course.
"""
from dataclasses import dataclass

from sqlalchemy import select

from ..catalogue_defaults import DEFAULT_IMPACT_SETTING, SGA_ASSUMPTIONS
from ..extensions import db
from ..impact import Derivation, SgaAssumptions, derive
from ..models import ImpactSetting

# The SGA route's assumptions (their sources are in catalogue_defaults.SGA_ASSUMPTIONS).
SGA = SgaAssumptions(SGA_ASSUMPTIONS["prevalence"], SGA_ASSUMPTIONS["stunting_or"])


@dataclass(frozen=True)
class ImpactAssumptions:
    baseline_prevalence: float
    baseline_source: str
    haz_sd: float
    plausibility_bound: float = 0.1


def assumptions_for(region) -> ImpactAssumptions:
    """The kabupaten's impact assumptions (the seeded defaults if it has none yet)."""
    kabupaten = region.kabupaten
    setting = db.session.scalar(select(ImpactSetting).where(ImpactSetting.region_id == kabupaten.id))
    if setting is None:
        return ImpactAssumptions(**DEFAULT_IMPACT_SETTING)
    return ImpactAssumptions(setting.baseline_prevalence, setting.baseline_source, setting.haz_sd,
                             setting.plausibility_bound if setting.plausibility_bound is not None else 0.1)


def baseline_for(plan, assumptions: ImpactAssumptions) -> tuple[float, str]:
    """The village's measured prevalence when it measured anyone, else the reference figure."""
    measured = plan.measured_prevalence
    if measured is not None:
        return measured, "measured"
    return assumptions.baseline_prevalence, "reference"


def item_derivation(item, baseline: float, baseline_source: str, haz_sd: float) -> Derivation | None:
    """The item's effect at `baseline` with every step (planner.impact); None without evidence."""
    if item is None or not item.has_effect:
        return None
    return derive(baseline, baseline_source, item.evidence, item.units_per_course, haz_sd, item.course_days, SGA)


def catalogue_derivation(item, plan, assumptions: ImpactAssumptions) -> Derivation | None:
    """How the catalogue item's effect and default impact per unit follow for this plan; None without evidence."""
    baseline, source = baseline_for(plan, assumptions)
    return item_derivation(item, baseline, source, assumptions.haz_sd)


def plan_file_fields(item, plan, assumptions: ImpactAssumptions) -> dict:
    """What a proposal taken from catalogue `item` carries in a plan file of version 2 (see
    docs/optimizer.md): `units_per_course`, `whole_courses`, `enabling`, and, when the item has
    evidence, `effect` {"low", "central", "high"}: the relative risk reduction for one person of the
    plan's group who completes one course, at the plan's baseline. {} without an item."""
    if item is None:
        return {}
    fields = {"units_per_course": item.units_per_course, "whole_courses": bool(item.whole_courses),
              "enabling": bool(item.enabling)}
    derivation = catalogue_derivation(item, plan, assumptions)
    if derivation is not None:
        fields["effect"] = derivation.effect.relative_reduction
    return fields


@dataclass(frozen=True)
class ProposalImpact:
    value: float | None          # None: nobody has given an impact yet
    source: str                  # "manual", "catalogue" or "missing"
    derivation: Derivation | None


def proposal_impact(proposal, assumptions: ImpactAssumptions) -> ProposalImpact:
    """The impact per unit the optimizer uses for `proposal`, and where it comes from."""
    derivation = catalogue_derivation(proposal.catalogue_item, proposal.plan, assumptions)
    if proposal.impact_per_unit is not None:
        return ProposalImpact(proposal.impact_per_unit, "manual", derivation)
    if derivation is not None:
        return ProposalImpact(derivation.impact_per_unit, "catalogue", derivation)
    return ProposalImpact(None, "missing", None)
