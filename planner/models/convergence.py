"""The Scorecard Konvergensi Desa (Kemendesa): per village and quarter, counts only.

- `ConvergenceScorecard`: one village's quarter: table 1 (the 1000-HPK targets: ibu hamil and how
  many of them KEK or at high risk, anak 0–23 bulan and how many of them gizi kurang, gizi buruk
  or stunting) and table 2 (the growth mat, tikar pertumbuhan: children measured green, yellow,
  red).
- `ConvergenceIndicator`: table 3, one row per service indicator of that quarter: how many should
  have received the service and how many did (services.convergence.INDICATORS lists them).

Table 4, the tingkat konvergensi, is never stored: services.convergence computes it from table 3.
No name, NIK or address of any person is kept (UU 27/2022): the scorecard is counts only.
"""
from ..extensions import db
from .base import TimestampMixin


class ConvergenceScorecard(TimestampMixin, db.Model):
    __tablename__ = "convergence_scorecard"

    id = db.Column(db.Integer, primary_key=True)
    desa_id = db.Column(db.Integer, db.ForeignKey("region.id", ondelete="CASCADE"), nullable=False, index=True)
    year = db.Column(db.Integer, nullable=False)
    quarter = db.Column(db.SmallInteger, nullable=False)
    # Table 1: the 1000-HPK targets.
    ibu_hamil = db.Column(db.Integer, nullable=False, default=0)
    ibu_hamil_kek = db.Column(db.Integer, nullable=False, default=0)        # KEK or risiko tinggi
    anak_0_23 = db.Column(db.Integer, nullable=False, default=0)
    anak_0_23_gizi = db.Column(db.Integer, nullable=False, default=0)       # gizi kurang/buruk/stunting
    # Table 2: the growth mat (tikar pertumbuhan).
    tikar_hijau = db.Column(db.Integer, nullable=False, default=0)
    tikar_kuning = db.Column(db.Integer, nullable=False, default=0)
    tikar_merah = db.Column(db.Integer, nullable=False, default=0)
    source = db.Column(db.String(10), nullable=False, default="form")     # "form" | "xlsx"
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    version_id = db.Column(db.Integer, nullable=False, default=1)

    desa = db.relationship("Region")
    user = db.relationship("User")
    indicators = db.relationship("ConvergenceIndicator", back_populates="scorecard", cascade="all, delete-orphan",
                                 order_by="ConvergenceIndicator.id", passive_deletes=True)

    __table_args__ = (
        db.UniqueConstraint("desa_id", "year", "quarter", name="uq_convergence_scorecard_desa_year_quarter"),
        db.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        db.CheckConstraint("ibu_hamil >= 0 AND ibu_hamil_kek >= 0 AND ibu_hamil_kek <= ibu_hamil",
                           name="ibu_hamil_counts"),
        db.CheckConstraint("anak_0_23 >= 0 AND anak_0_23_gizi >= 0 AND anak_0_23_gizi <= anak_0_23",
                           name="anak_counts"),
        db.CheckConstraint("tikar_hijau >= 0 AND tikar_kuning >= 0 AND tikar_merah >= 0", name="tikar_counts"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self):
        return f"<ConvergenceScorecard {self.desa_id} {self.year}/{self.quarter}>"


class ConvergenceIndicator(db.Model):
    __tablename__ = "convergence_indicator"

    id = db.Column(db.Integer, primary_key=True)
    scorecard_id = db.Column(db.Integer, db.ForeignKey("convergence_scorecard.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    code = db.Column(db.String(40), nullable=False)
    should = db.Column(db.Integer, nullable=False, default=0)       # should have received the service
    received = db.Column(db.Integer, nullable=False, default=0)     # did receive it

    scorecard = db.relationship("ConvergenceScorecard", back_populates="indicators")

    __table_args__ = (
        db.UniqueConstraint("scorecard_id", "code", name="uq_convergence_indicator_code"),
        db.CheckConstraint("should >= 0 AND received >= 0 AND received <= should", name="received_within_should"),
    )
