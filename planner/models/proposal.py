"""Proposed interventions (usulan kegiatan) in a plan."""
from ..extensions import db
from .base import TimestampMixin


class Proposal(TimestampMixin, db.Model):
    __tablename__ = "proposal"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    catalogue_item_id = db.Column(db.Integer, db.ForeignKey("catalogue_item.id", ondelete="SET NULL"))
    position = db.Column(db.Integer, nullable=False, default=0)

    name = db.Column(db.String(200), nullable=False)
    category = db.Column(db.String(12), nullable=False)
    package = db.Column(db.String(24), nullable=False)
    target_group = db.Column(db.String(16), nullable=False)
    location = db.Column(db.String(120), nullable=False, default="")
    proposer = db.Column(db.String(24), nullable=False, default="")
    unit = db.Column(db.String(40), nullable=False)
    unit_cost = db.Column(db.BigInteger, nullable=False)
    fixed_cost = db.Column(db.BigInteger, nullable=False, default=0)
    min_units = db.Column(db.Integer, nullable=False, default=1)
    max_units = db.Column(db.Integer, nullable=False)
    # A village's own estimate; None means "computed from the catalogue evidence".
    impact_per_unit = db.Column(db.Float)
    apbdes_code = db.Column(db.String(20), nullable=False, default="")
    # Who carries it out (pelaksana): a Kasi/Kaur with a TPK, PKK, a posyandu… — never the BPD.
    implementer = db.Column(db.String(120), nullable=False, default="")
    # Where the money comes from (domain.FUNDING_SOURCES). Only Dana Desa (`dd`) counts against
    # the stunting budget and its rules; the optimizer never sees the others.
    funding_source = db.Column(db.String(10), nullable=False, default="dd")
    # Months (1–12) the activity runs (waktu pelaksanaan); None or [] = through the year.
    months = db.Column(db.JSON)
    notes = db.Column(db.Text, nullable=False, default="")
    # The AKS recommendation this proposal answers ("menjawab rekomendasi AKS"), if any.
    aks_recommendation_id = db.Column(db.Integer, db.ForeignKey("aks_recommendation.id", ondelete="SET NULL"),
                                      index=True)
    version_id = db.Column(db.Integer, nullable=False, default=1)

    plan = db.relationship("Plan", back_populates="proposals")
    catalogue_item = db.relationship("CatalogueItem")
    aks_recommendation = db.relationship("AksRecommendation", back_populates="proposals")
    links = db.relationship(
        "ProposalLink", foreign_keys="ProposalLink.proposal_id",
        cascade="all, delete-orphan", back_populates="proposal",
    )

    __table_args__ = (
        db.CheckConstraint("unit_cost >= 0", name="unit_cost_nonnegative"),
        db.CheckConstraint("fixed_cost >= 0", name="fixed_cost_nonnegative"),
        db.CheckConstraint("min_units >= 0 and min_units <= max_units", name="units_range"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    @property
    def from_dana_desa(self) -> bool:
        """Counts against the stunting budget (Dana Desa); other sources sit beside it."""
        return (self.funding_source or "dd") == "dd"

    @property
    def max_cost(self) -> int:
        """Cost when funded in full: what the village asks for."""
        return self.fixed_cost + self.unit_cost * self.max_units

    def linked_ids(self, kind: str):
        return sorted(link.other_id for link in self.links if link.kind == kind)

    def __repr__(self):
        return f"<Proposal {self.id} {self.name!r}>"


class ProposalLink(db.Model):
    """`requires`: the proposal is funded only if the other is; `excludes`: not both."""

    __tablename__ = "proposal_link"

    proposal_id = db.Column(db.Integer, db.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True)
    other_id = db.Column(db.Integer, db.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True)
    kind = db.Column(db.String(10), primary_key=True)

    proposal = db.relationship("Proposal", foreign_keys=[proposal_id], back_populates="links")
    other = db.relationship("Proposal", foreign_keys=[other_id])

    __table_args__ = (
        db.CheckConstraint("kind in ('requires', 'excludes')", name="kind"),
        db.CheckConstraint("proposal_id <> other_id", name="not_self"),
    )
