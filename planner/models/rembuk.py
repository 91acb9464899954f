"""The rembuk stunting: the village meeting that turns a suggestion into a decision.

A meeting belongs to a plan and prepares one commitment version (the first, or a
perubahan). The room's choices are `Decision` rows, appended and never edited:
the locks the optimizer must respect are read off them in order (see
planner.services.rembuk.current_locks), and "undo" marks the last one undone.
"""
from ..extensions import db
from .base import TimestampMixin, utcnow


class RembukMeeting(TimestampMixin, db.Model):
    # The table, the `session_id` columns that point at it and the audit codes ("session.open",
    # "session:<id>") keep the names they were stored under: no data migration for a rename.
    __tablename__ = "rembuk_session"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False, index=True)
    # The commitment version this meeting prepares: 1 for the first, 2+ for a perubahan.
    version = db.Column(db.Integer, nullable=False, default=1)
    status = db.Column(db.String(12), nullable=False, default="open")
    held_on = db.Column(db.Date, nullable=False)
    place = db.Column(db.String(200), nullable=False, default="")
    chair = db.Column(db.String(120), nullable=False, default="")
    facilitator = db.Column(db.String(120), nullable=False, default="")
    agenda = db.Column(db.Text, nullable=False, default="")
    # What the meeting agrees on the quarterly review (rapat evaluasi triwulanan).
    review = db.Column(db.Text, nullable=False, default="")
    # Why a perubahan was opened (empty for the first version).
    reason = db.Column(db.Text, nullable=False, default="")
    # The Berita Acara's number as the village registers it (empty: a number is derived).
    document_number = db.Column(db.String(80), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    version_id = db.Column(db.Integer, nullable=False, default=1)

    plan = db.relationship("Plan", back_populates="meetings")
    created_by = db.relationship("User")
    attendees = db.relationship("Attendee", back_populates="meeting", cascade="all, delete-orphan",
                                order_by="Attendee.id")
    decisions = db.relationship("Decision", back_populates="meeting", cascade="all, delete-orphan",
                                order_by="Decision.id")
    scenarios = db.relationship("Scenario", back_populates="meeting", cascade="all, delete-orphan",
                                order_by="Scenario.id")
    pledges = db.relationship("Pledge", back_populates="meeting", cascade="all, delete-orphan",
                              order_by="Pledge.id")

    __table_args__ = (
        db.CheckConstraint("status in ('open', 'committed')", name="status"),
        db.CheckConstraint("version >= 1", name="version_positive"),
    )
    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def women_count(self) -> int:
        return sum(1 for a in self.attendees if a.sex == "P")


class Attendee(db.Model):
    """One person present: name, role in the meeting, sex (the Berita Acara counts the women)."""

    __tablename__ = "rembuk_attendee"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("rembuk_session.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    name = db.Column(db.String(120), nullable=False)
    role = db.Column(db.String(30), nullable=False)
    institution = db.Column(db.String(160), nullable=False, default="")
    sex = db.Column(db.String(1), nullable=False)
    # Signs the Berita Acara as a participants' representative.
    signs = db.Column(db.Boolean, nullable=False, default=False)
    # Copied from the rembuk a perubahan amends: present until the meeting confirms it.
    carried = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    meeting = db.relationship("RembukMeeting", back_populates="attendees")

    __table_args__ = (db.CheckConstraint("sex in ('P', 'L')", name="sex"),)


class Decision(db.Model):
    """One choice the room made, in order. Never edited; `undone_at` marks an undo.

    action: "in" (must be funded), "out" (must not be), "units" (exactly `units`),
    "free" (back to the optimizer), or "scenario" (take `scenario`'s allocation as
    the locks of every proposal).
    """

    __tablename__ = "rembuk_decision"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("rembuk_session.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    proposal_id = db.Column(db.Integer, db.ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    scenario_id = db.Column(db.Integer, db.ForeignKey("rembuk_scenario.id", ondelete="CASCADE"))
    # The proposal's name when decided, so the record reads the same after a rename.
    proposal_name = db.Column(db.String(200), nullable=False, default="")
    action = db.Column(db.String(10), nullable=False)
    units = db.Column(db.Integer)
    reason = db.Column(db.Text, nullable=False, default="")
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    undone_at = db.Column(db.DateTime(timezone=True))
    undone_by_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    # A perubahan starts from the decisions of the version it amends: the decision copied here.
    carried_from_id = db.Column(db.Integer, db.ForeignKey("rembuk_decision.id", ondelete="SET NULL"))

    meeting = db.relationship("RembukMeeting", back_populates="decisions")
    carried_from = db.relationship("Decision", remote_side=[id], foreign_keys=[carried_from_id])
    proposal = db.relationship("Proposal")
    scenario = db.relationship("Scenario", foreign_keys=[scenario_id])
    user = db.relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        db.CheckConstraint("action in ('in', 'out', 'units', 'free', 'scenario')", name="action"),
        db.CheckConstraint("units is null or units >= 0", name="units_nonnegative"),
    )


class Scenario(db.Model):
    """A named allocation the room saved to compare or to take as its decision.

    `allocation` maps plan-file proposal ids ("u<id>") to units; `plan_file` and
    `result` keep the exact solve it came from.
    """

    __tablename__ = "rembuk_scenario"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("rembuk_session.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    name = db.Column(db.String(120), nullable=False)
    allocation = db.Column(db.JSON, nullable=False)
    total_cost = db.Column(db.BigInteger, nullable=False, default=0)
    total_impact = db.Column(db.Float, nullable=False, default=0.0)
    suggestion_id = db.Column(db.Integer, db.ForeignKey("suggestion.id", ondelete="SET NULL"))
    user_id = db.Column(db.Integer, db.ForeignKey("user_account.id"))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    meeting = db.relationship("RembukMeeting", back_populates="scenarios")
    suggestion = db.relationship("Suggestion")
    user = db.relationship("User")

    __table_args__ = (db.UniqueConstraint("session_id", "name", name="uq_scenario_session_name"),)


class Pledge(db.Model):
    """A commitment that costs the village nothing: what another body (puskesmas, PKK, TPK,
    KUA, a school…) promises the rembuk it will do, and when. Listed in its own section of the
    Berita Acara; a perubahan starts from the pledges of the version it amends (`carried`)."""

    __tablename__ = "rembuk_pledge"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("rembuk_session.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    body = db.Column(db.String(160), nullable=False)
    what = db.Column(db.Text, nullable=False)
    months = db.Column(db.JSON)
    carried = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    meeting = db.relationship("RembukMeeting", back_populates="pledges")
