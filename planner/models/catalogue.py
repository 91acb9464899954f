"""The intervention catalogue (menu kegiatan) of a kabupaten, and its impact assumptions."""
from ..extensions import db
from ..impact import Evidence
from .base import TimestampMixin


class ImpactSetting(TimestampMixin, db.Model):
    """A kabupaten's assumptions behind default impacts: baseline risk and HAZ spread."""

    __tablename__ = "impact_setting"

    id = db.Column(db.Integer, primary_key=True)
    region_id = db.Column(db.Integer, db.ForeignKey("region.id"), nullable=False, unique=True)
    baseline_prevalence = db.Column(db.Float, nullable=False)
    baseline_source = db.Column(db.String(200), nullable=False, default="")
    haz_sd = db.Column(db.Float, nullable=False)
    # The share of the village's stunted children a year's plan may claim before the plan page and
    # the board warn (planner.optimizer.impact_model.plausibility).
    plausibility_bound = db.Column(db.Float, nullable=False, default=0.1, server_default="0.1")

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

    # Evidence (planner.impact): its kind and its low / central / high values, each with its
    # source (`impact_source` is the central value's). None: no evidence, the village estimates.
    effect_kind = db.Column(db.String(20))
    effect_value = db.Column(db.Float)              # the central value
    effect_low = db.Column(db.Float)
    effect_high = db.Column(db.Float)
    # Units that make one person's full course (e.g. 56 child-days of PMT lokal).
    units_per_course = db.Column(db.Float, nullable=False, default=1.0)
    impact_source = db.Column(db.Text, nullable=False, default="")
    low_source = db.Column(db.Text, nullable=False, default="")
    high_source = db.Column(db.Text, nullable=False, default="")
    impact_note = db.Column(db.Text, nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True)

    # How long one course runs, and the shortest course the evidence's trials ran: a shorter
    # course earns no effect. Whole courses: units come only in multiples of units_per_course
    # (platform items: blocks of 12 months).
    course_days = db.Column(db.Integer)
    evidence_min_days = db.Column(db.Integer)
    whole_courses = db.Column(db.Boolean, nullable=False, default=True)
    # Only some of the group qualify (e.g. balita gizi kurang), not everyone in it.
    targeted = db.Column(db.Boolean, nullable=False, default=False)
    # Enabling items (posyandu operations, kader and KPM incentives) keep a platform running and
    # have no effect of their own; services name the platform they are delivered through.
    enabling = db.Column(db.Boolean, nullable=False, default=False)
    platform = db.Column(db.String(16), nullable=False, default="")
    # A national programme that already reaches these people (domain.NATIONAL_PROGRAMMES).
    national_programme = db.Column(db.String(16), nullable=False, default="")
    national_note = db.Column(db.Text, nullable=False, default="")
    # The shipped defaults changed for an item the admin had edited: {field: {"old": …, "new": …}}
    # until the admin accepts the new defaults or keeps theirs (services.catalogue).
    pending_defaults = db.Column(db.JSON(none_as_null=True))

    region = db.relationship("Region")

    __table_args__ = (
        db.UniqueConstraint("region_id", "code", name="uq_catalogue_item_region_code"),
        db.CheckConstraint("category in ('spesifik', 'sensitif')", name="category"),
        db.CheckConstraint("units_per_course > 0", name="units_per_course_positive"),
    )

    @property
    def has_effect(self) -> bool:
        return self.effect_kind is not None and self.effect_value is not None

    @property
    def has_range(self) -> bool:
        """False for an effect kept from before ranges existed (low and high never entered)."""
        return self.has_effect and self.effect_low is not None and self.effect_high is not None

    @property
    def evidence(self):
        """The effect as planner.impact.Evidence (a missing low or high is the central value); None
        without evidence."""
        if not self.has_effect:
            return None
        central = self.effect_value
        low = central if self.effect_low is None else self.effect_low
        high = central if self.effect_high is None else self.effect_high
        return Evidence(self.effect_kind, low, central, high, self.evidence_min_days)
