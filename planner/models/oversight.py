"""What the kecamatan and kabupaten oversee: realisation, review comments, the year's settings.

- `CommitmentActivity`: the agreed activities of a commitment as rows, written in the same
  transaction as the commitment and frozen like it, so dashboards, recaps and the API add
  them up in SQL instead of reading every snapshot.
- `Realisation`: per committed activity and quarter, the money spent and the units delivered.
- `QuarterReport`: that a village reported a quarter (even one with nothing spent), and when: a
  quarter not reported is not a quarter with Rp 0 spent.
- `ReviewComment`: a kecamatan or kabupaten officer's remark on a village plan, and the replies
  (of the village or the officers) in its thread.
- `PlanSummary`: per plan, what the dashboards add up (state, commitment, coverage, per-activity
  realisation per quarter, reports), kept up to date on every write (services.summaries), so a
  province dashboard reads one row per village instead of every activity and quarter.
- `YearSettings`: a kabupaten's rule set for one fiscal year (regulations change every year):
  the optimizer rules villages start from, the floor for the stunting share of the pagu, the
  commitment deadline, the first tranche's share, and the priority villages (desa lokus).
- `ApiToken`: a read-API token of a user (only its SHA-256 is stored).
"""
from sqlalchemy import event

from ..extensions import db
from .base import TimestampMixin, utcnow
from .commitment import FrozenRecordError


class CommitmentActivity(db.Model):
    __tablename__ = "commitment_activity"

    id = db.Column(db.Integer, primary_key=True)
    commitment_id = db.Column(db.Integer, db.ForeignKey("commitment.id", ondelete="CASCADE"), nullable=False,
                              index=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    key = db.Column(db.String(40), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    category = db.Column(db.String(20), nullable=False, default="")
    package = db.Column(db.String(30), nullable=False, default="")
    target_group = db.Column(db.String(30), nullable=False, default="")
    location = db.Column(db.String(120), nullable=False, default="")
    implementer = db.Column(db.String(120), nullable=False, default="")
    funding_source = db.Column(db.String(10), nullable=False, default="dd")
    months = db.Column(db.JSON)
    unit = db.Column(db.String(60), nullable=False, default="")
    apbdes_code = db.Column(db.String(20), nullable=False, default="")
    units = db.Column(db.Integer, nullable=False)
    unit_cost = db.Column(db.BigInteger, nullable=False, default=0)
    cost = db.Column(db.BigInteger, nullable=False)
    impact = db.Column(db.Float, nullable=False, default=0.0)

    commitment = db.relationship("Commitment", backref=db.backref("activity_rows", order_by="CommitmentActivity.id",
                                                                  passive_deletes=True))

    __table_args__ = (db.UniqueConstraint("commitment_id", "key", name="uq_commitment_activity_key"),)


@event.listens_for(CommitmentActivity, "before_update")
def _refuse_update(mapper, connection, target):
    raise FrozenRecordError("A commitment's activities are frozen with it.")


class Realisation(TimestampMixin, db.Model):
    __tablename__ = "realisation"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    activity_key = db.Column(db.String(40), nullable=False)
    quarter = db.Column(db.SmallInteger, nullable=False)
    spent = db.Column(db.BigInteger, nullable=False, default=0)
    units_delivered = db.Column(db.Integer, nullable=False, default=0)
    note = db.Column(db.Text, nullable=False, default="")
    over_reason = db.Column(db.Text, nullable=False, default="")
    commitment_version = db.Column(db.Integer, nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    version_id = db.Column(db.Integer, nullable=False, default=1)

    user = db.relationship("User")

    __table_args__ = (
        db.UniqueConstraint("plan_id", "activity_key", "quarter", name="uq_realisation_activity_quarter"),
        db.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        db.CheckConstraint("spent >= 0", name="spent_not_negative"),
        db.CheckConstraint("units_delivered >= 0", name="units_not_negative"),
    )
    __mapper_args__ = {"version_id_col": version_id}


class QuarterReport(db.Model):
    __tablename__ = "quarter_report"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    quarter = db.Column(db.SmallInteger, nullable=False)
    commitment_version = db.Column(db.Integer, nullable=False)
    reported_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)   # first report
    updated_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)    # latest correction
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))

    user = db.relationship("User")

    __table_args__ = (
        db.UniqueConstraint("plan_id", "quarter", name="uq_quarter_report_plan_quarter"),
        db.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
    )


class ReviewComment(db.Model):
    __tablename__ = "review_comment"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"), nullable=False)
    # NULL: a note that opens a thread; else the note this one answers (always the thread's first).
    parent_id = db.Column(db.Integer, db.ForeignKey("review_comment.id", ondelete="CASCADE"), index=True)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    user = db.relationship("User")
    plan = db.relationship("Plan")
    replies = db.relationship("ReviewComment", order_by="ReviewComment.id", passive_deletes=True)


class PlanSummary(db.Model):
    """Derived data, never edited by hand: services.summaries rewrites a plan's row whenever the
    plan, its proposals, sessions, commitments, realisation or reports change."""

    __tablename__ = "plan_summary"

    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    desa_id = db.Column(db.Integer, nullable=False)
    year = db.Column(db.Integer, nullable=False)
    state = db.Column(db.String(12), nullable=False)
    commitment_id = db.Column(db.Integer)
    commitment_version = db.Column(db.Integer)
    committed_at = db.Column(db.DateTime(timezone=True))          # the first version's date
    committed = db.Column(db.BigInteger)
    impact = db.Column(db.Float)
    unexplained = db.Column(db.Integer, nullable=False, default=0)
    # Read for every village, as plain columns (a province page reads thousands of rows):
    packages = db.Column(db.String(120), nullable=False, default="")     # codes, comma-separated
    groups = db.Column(db.String(160), nullable=False, default="")
    # Spending per quarter counting every quarter reported so far (NULL: not reported), and when each
    # quarter was first reported.
    spent_q1 = db.Column(db.BigInteger)
    spent_q2 = db.Column(db.BigInteger)
    spent_q3 = db.Column(db.BigInteger)
    spent_q4 = db.Column(db.BigInteger)
    reported_q1 = db.Column(db.DateTime(timezone=True))
    reported_q2 = db.Column(db.DateTime(timezone=True))
    reported_q3 = db.Column(db.DateTime(timezone=True))
    reported_q4 = db.Column(db.DateTime(timezone=True))
    # Money planned by the end of each quarter (from each activity's months): the expected curve's base.
    planned_q1 = db.Column(db.BigInteger, nullable=False, default=0)
    planned_q2 = db.Column(db.BigInteger, nullable=False, default=0)
    planned_q3 = db.Column(db.BigInteger, nullable=False, default=0)
    planned_q4 = db.Column(db.BigInteger, nullable=False, default=0)
    overspent = db.Column(db.Integer, nullable=False, default=0)          # activities over their cost
    ratios = db.Column(db.Text, nullable=False, default="")               # delivered ÷ units per activity
    # {"by_package": {package: cost}, "areas": {bidang: Dana Desa}} for the charts and the scorecard.
    money = db.Column(db.JSON, nullable=False)
    # Read only for a date before the latest report: the figures above as of each earlier moment of
    # the reporting, [[spent q1..q4 (null: not yet reported), overspent, [delivered ÷ units, ...]], ...]
    # (services.summaries.earlier).
    earlier = db.Column(db.JSON, nullable=False)

    __table_args__ = (db.Index("ix_plan_summary_year_desa", "year", "desa_id"),)


class YearSettings(TimestampMixin, db.Model):
    __tablename__ = "year_settings"

    id = db.Column(db.Integer, primary_key=True)
    kabupaten_id = db.Column(db.Integer, db.ForeignKey("region.id", ondelete="CASCADE"), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    rules = db.Column(db.JSON)
    stunting_share_floor = db.Column(db.Float)
    commitment_deadline = db.Column(db.Date)
    first_tranche_share = db.Column(db.Float, nullable=False, default=0.4)
    priority_desa_ids = db.Column(db.JSON, nullable=False, default=list)
    legal_basis = db.Column(db.Text, nullable=False, default="")
    # The year's money rules (planner.money_rules.MoneyRules as a dict); NULL: the app's defaults.
    money_rules = db.Column(db.JSON)
    version_id = db.Column(db.Integer, nullable=False, default=1)

    kabupaten = db.relationship("Region")

    __table_args__ = (db.UniqueConstraint("kabupaten_id", "year", name="uq_year_settings_kabupaten_year"),)
    __mapper_args__ = {"version_id_col": version_id}


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    last_used_at = db.Column(db.DateTime(timezone=True))
    revoked_at = db.Column(db.DateTime(timezone=True))

    user = db.relationship("User")
