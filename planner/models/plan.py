"""A village's stunting plan (Rencana) for one fiscal year."""
from ..extensions import db
from .base import TimestampMixin

# Target-group head counts kept on a plan, in display order.
TARGET_FIELDS = ("ibu_hamil", "ibu_nifas", "baduta", "balita", "catin", "remaja_putri", "keluarga")


class Plan(TimestampMixin, db.Model):
    __tablename__ = "plan"

    id = db.Column(db.Integer, primary_key=True)
    desa_id = db.Column(db.Integer, db.ForeignKey("region.id"), nullable=False, index=True)
    year = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(12), nullable=False, default="draft")

    # Money, in whole Rupiah. BigInteger: a kabupaten total reaches trillions.
    pagu = db.Column(db.BigInteger, nullable=False, default=0)
    earmark_koperasi = db.Column(db.BigInteger, nullable=False, default=0)
    earmark_blt = db.Column(db.BigInteger, nullable=False, default=0)
    earmark_other = db.Column(db.BigInteger, nullable=False, default=0)
    # Food security (ketahanan pangan) and village-government operations: the year's money rules
    # set a minimum and a maximum for them (planner/money_rules.py).
    earmark_pangan = db.Column(db.BigInteger, nullable=False, default=0)
    earmark_operasional = db.Column(db.BigInteger, nullable=False, default=0)
    stunting_budget = db.Column(db.BigInteger, nullable=False, default=0)
    # Alokasi Dana Desa (ADD), the kabupaten's transfer beside the Dana Desa, and the part of it
    # the village gives to stunting prevention (its ADD activities, source `add`).
    pagu_add = db.Column(db.BigInteger, nullable=False, default=0)

    # Target groups (sasaran) counted for the year.
    ibu_hamil = db.Column(db.Integer, nullable=False, default=0)
    ibu_nifas = db.Column(db.Integer, nullable=False, default=0)
    baduta = db.Column(db.Integer, nullable=False, default=0)
    balita = db.Column(db.Integer, nullable=False, default=0)
    catin = db.Column(db.Integer, nullable=False, default=0)
    remaja_putri = db.Column(db.Integer, nullable=False, default=0)
    keluarga = db.Column(db.Integer, nullable=False, default=0)
    # Posyandu measurement: children measured and those found stunted.
    balita_measured = db.Column(db.Integer, nullable=False, default=0)
    stunted_children = db.Column(db.Integer, nullable=False, default=0)

    # APBDes totals of the two budget areas (bidang) the scorecard's table "Penggunaan Dana Desa
    # dalam Pencegahan Stunting" compares the stunting allocation with; None: not entered yet.
    apbdes_pembangunan = db.Column(db.BigInteger)
    apbdes_pemberdayaan = db.Column(db.BigInteger)

    notes = db.Column(db.Text, nullable=False, default="")
    # The optimizer's rules for this plan (plan-file "rules" object); None: the defaults.
    rules = db.Column(db.JSON)
    version_id = db.Column(db.Integer, nullable=False, default=1)

    desa = db.relationship("Region")
    proposals = db.relationship(
        "Proposal", back_populates="plan", cascade="all, delete-orphan",
        order_by="Proposal.position, Proposal.id",
    )
    meetings = db.relationship("RembukMeeting", back_populates="plan", order_by="RembukMeeting.id",
                               passive_deletes=True)
    commitments = db.relationship("Commitment", back_populates="plan", order_by="Commitment.version",
                                  passive_deletes=True)

    __table_args__ = (
        db.UniqueConstraint("desa_id", "year", name="uq_plan_desa_year"),
        db.CheckConstraint("status in ('draft', 'committed', 'amending')", name="status"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    @property
    def earmarked(self) -> int:
        return ((self.earmark_koperasi or 0) + (self.earmark_blt or 0) + (self.earmark_other or 0)
                + (self.earmark_pangan or 0) + (self.earmark_operasional or 0))

    @property
    def available(self) -> int:
        """What is left of the pagu after the earmarks: the ceiling for the stunting budget."""
        return (self.pagu or 0) - self.earmarked

    @property
    def measured_prevalence(self):
        """Share of measured children found stunted, or None when nobody was measured."""
        if self.balita_measured and self.balita_measured > 0:
            return self.stunted_children / self.balita_measured
        return None

    @property
    def editable_status(self) -> bool:
        """Proposals, figures and rules may change: a draft, or a perubahan being prepared."""
        return self.status in ("draft", "amending")

    @property
    def latest_commitment(self):
        return self.commitments[-1] if self.commitments else None

    @property
    def open_meeting(self):
        return next((s for s in reversed(self.meetings) if s.status == "open"), None)

    def target_count(self, group: str) -> int:
        return getattr(self, group, 0) or 0

    def __repr__(self):
        return f"<Plan {self.desa_id} {self.year}>"
