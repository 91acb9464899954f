"""Audit Kasus Stunting (AKS) and the village team (TPPS desa).

Each semester the kabupaten's audit team reviews at-risk calon pengantin, ibu hamil, ibu nifas
and baduta/balita, finds the causes, and its expert team recommends interventions that the
sectors, villages included, must follow up. Only counts are kept here: **no name, NIK or address
of any person** (UU 27/2022; docs/privacy.md). A finding is "3 ibu hamil KEK"; a recommendation
is "PMT ibu hamil KEK for 3 people, by the bidan desa and PKK, by June".

The village team (`TeamMember`) are officials and cadres acting in office, named as they sign
(kepala desa, bidan desa, KPM…), kept per year; they are not beneficiaries.
"""
from ..extensions import db
from .base import TimestampMixin


class AksFinding(TimestampMixin, db.Model):
    """A count of cases the audit found in a village, by target group and cause."""

    __tablename__ = "aks_finding"

    id = db.Column(db.Integer, primary_key=True)
    desa_id = db.Column(db.Integer, db.ForeignKey("region.id", ondelete="CASCADE"), nullable=False, index=True)
    year = db.Column(db.Integer, nullable=False)
    semester = db.Column(db.SmallInteger, nullable=False)
    target_group = db.Column(db.String(16), nullable=False)
    cause = db.Column(db.String(200), nullable=False)
    count = db.Column(db.Integer, nullable=False)

    desa = db.relationship("Region")

    __table_args__ = (
        db.CheckConstraint("semester in (1, 2)", name="semester"),
        db.CheckConstraint("count >= 0", name="count_nonnegative"),
    )


class AksRecommendation(TimestampMixin, db.Model):
    """What the audit's expert team recommends a village do, for how many people or households."""

    __tablename__ = "aks_recommendation"

    id = db.Column(db.Integer, primary_key=True)
    desa_id = db.Column(db.Integer, db.ForeignKey("region.id", ondelete="CASCADE"), nullable=False, index=True)
    year = db.Column(db.Integer, nullable=False)
    semester = db.Column(db.SmallInteger, nullable=False)
    intervention = db.Column(db.String(200), nullable=False)
    catalogue_item_id = db.Column(db.Integer, db.ForeignKey("catalogue_item.id", ondelete="SET NULL"))
    target_group = db.Column(db.String(16), nullable=False)
    count = db.Column(db.Integer, nullable=False)
    # "orang" (people) or "keluarga" (households).
    count_unit = db.Column(db.String(10), nullable=False, default="orang")
    responsible = db.Column(db.String(120), nullable=False, default="")
    due = db.Column(db.Date)

    desa = db.relationship("Region")
    catalogue_item = db.relationship("CatalogueItem")
    proposals = db.relationship("Proposal", back_populates="aks_recommendation", passive_deletes=True)

    __table_args__ = (
        db.CheckConstraint("semester in (1, 2)", name="semester"),
        db.CheckConstraint("count >= 1", name="count_positive"),
        db.CheckConstraint("count_unit in ('orang', 'keluarga')", name="count_unit"),
    )


class TeamMember(TimestampMixin, db.Model):
    """A member of the village's TPPS for one year: a role and a name as the person signs."""

    __tablename__ = "team_member"

    id = db.Column(db.Integer, primary_key=True)
    desa_id = db.Column(db.Integer, db.ForeignKey("region.id", ondelete="CASCADE"), nullable=False, index=True)
    year = db.Column(db.Integer, nullable=False)
    role = db.Column(db.String(24), nullable=False)
    name = db.Column(db.String(120), nullable=False)
    # P/L: the rembuk's attendance, which the team pre-fills, counts the women present.
    sex = db.Column(db.String(1), nullable=False, default="P")
    # Where the member serves (a posyandu, a dusun), optional.
    place = db.Column(db.String(120), nullable=False, default="")

    desa = db.relationship("Region")

    __table_args__ = (db.CheckConstraint("sex in ('P', 'L')", name="sex"),)
