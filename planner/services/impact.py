"""Impact per unit of a proposal: the village's own figure, or derived from the catalogue."""
from dataclasses import dataclass

from sqlalchemy import select

from ..catalogue_defaults import DEFAULT_IMPACT_SETTING
from ..extensions import db
from ..impact import Derivation, derive
from ..models import ImpactSetting


@dataclass(frozen=True)
class ImpactAssumptions:
    baseline_prevalence: float
    baseline_source: str
    haz_sd: float


def assumptions_for(region) -> ImpactAssumptions:
    """The kabupaten's impact assumptions (the seeded defaults if it has none yet)."""
    kabupaten = region.kabupaten
    setting = db.session.scalar(select(ImpactSetting).where(ImpactSetting.region_id == kabupaten.id))
    if setting is None:
        return ImpactAssumptions(**DEFAULT_IMPACT_SETTING)
    return ImpactAssumptions(setting.baseline_prevalence, setting.baseline_source, setting.haz_sd)


def baseline_for(plan, assumptions: ImpactAssumptions) -> tuple[float, str]:
    """The village's measured prevalence when it measured anyone, else the reference figure."""
    measured = plan.measured_prevalence
    if measured is not None:
        return measured, "measured"
    return assumptions.baseline_prevalence, "reference"


def catalogue_derivation(item, plan, assumptions: ImpactAssumptions) -> Derivation | None:
    """How the catalogue item's default impact per unit follows for this plan; None without evidence."""
    if item is None or not item.has_effect:
        return None
    baseline, source = baseline_for(plan, assumptions)
    return derive(baseline, source, item.effect_kind, item.effect_value, item.units_per_course, assumptions.haz_sd)


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
