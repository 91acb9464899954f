"""The intervention catalogue (menu kegiatan) of a kabupaten, and its impact assumptions."""
from ..extensions import db
from .base import TimestampMixin


class ImpactSetting(TimestampMixin, db.Model):
    """A kabupaten's assumptions behind default impacts: baseline risk and HAZ spread."""

    __tablename__ = "impact_setting"

    id = db.Column(db.Integer, primary_key=True)
    region_id = db.Column(db.Integer, db.ForeignKey("region.id"), nullable=False, unique=True)
    baseline_prevalence = db.Column(db.Float, nullable=False)
    baseline_source = db.Column(db.String(200), nullable=False, default="")
    haz_sd = db.Column(db.Float, nullable=False)

    region = db.relationship("Region")


class CatalogueItem(TimestampMixin, db.Model):
    __tablename__ = "catalogue_item"

    id = db.Column(db.Integer, primary_key=True)
    region_id = db.Column(db.Integer, db.ForeignKey("region.id"), nullable=False, index=True)
    code = db.Column(db.String(40), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    category = db.Column(db.String(12), nullable=False)
    package = db.Column(db.String(24), nullable=False)
    target_group = db.Column(db.String(16), nullable=False)
    unit = db.Column(db.String(40), nullable=False)
    apbdes_code = db.Column(db.String(20), nullable=False, default="")

    # None where no source gives a cost: the village must enter its own.
    default_unit_cost = db.Column(db.BigInteger)
    cost_source = db.Column(db.Text, nullable=False, default="")

    # Evidence: a relative reduction of stunting risk, or a shift in mean HAZ that
    # converts to one under a normal-distribution assumption. None: no evidence.
    effect_kind = db.Column(db.String(20))
    effect_value = db.Column(db.Float)
    # Units that make one person's full course (e.g. 90 child-days of PMT).
    units_per_course = db.Column(db.Float, nullable=False, default=1.0)
    impact_source = db.Column(db.Text, nullable=False, default="")
    impact_note = db.Column(db.Text, nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True)

    region = db.relationship("Region")

    __table_args__ = (
        db.UniqueConstraint("region_id", "code", name="uq_catalogue_item_region_code"),
        db.CheckConstraint("category in ('spesifik', 'sensitif')", name="category"),
        db.CheckConstraint("units_per_course > 0", name="units_per_course_positive"),
    )

    @property
    def has_effect(self) -> bool:
        return self.effect_kind is not None and self.effect_value is not None
