"""Proposals (usulan) in a plan: reading them with their totals, and changing them."""
from dataclasses import dataclass, field

from ..domain import CATEGORIES, PACKAGES
from .impact import ImpactAssumptions, ProposalImpact, assumptions_for, baseline_for, proposal_impact


@dataclass
class ProposalRow:
    proposal: object
    impact: ProposalImpact

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
    total_requested: int = 0
    by_package: dict = field(default_factory=dict)
    by_category: dict = field(default_factory=dict)

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


def plan_overview(plan) -> PlanOverview:
    """Every proposal of `plan` with its effective impact, and the requested totals.

    Totals count each proposal at its maximum (what is asked), by service
    package and by category, with every package and category present (zero if
    none), so the table does not jump as proposals come and go.
    """
    assumptions = assumptions_for(plan.desa)
    baseline, source = baseline_for(plan, assumptions)
    overview = PlanOverview(plan=plan, assumptions=assumptions, baseline=baseline, baseline_source=source)
    overview.by_package = {code: 0 for code in PACKAGES}
    overview.by_category = {code: 0 for code in CATEGORIES}
    for proposal in plan.proposals:
        row = ProposalRow(proposal, proposal_impact(proposal, assumptions))
        overview.rows.append(row)
        cost = row.requested_cost
        overview.total_requested += cost
        overview.by_package[proposal.package] = overview.by_package.get(proposal.package, 0) + cost
        overview.by_category[proposal.category] = overview.by_category.get(proposal.category, 0) + cost
    return overview
