"""The effect of one intervention on one person, derived from the evidence, with its range.

What a plan needs from every catalogue item is the **relative reduction of stunting risk for one
person who completes one course** (RRR, in [0, 1]) at the low, central and high end of the
evidence. This module turns evidence of four kinds into that number, keeping every step for the
pages that show it (docs/impact-model.md writes the same out with sources):

``relative_reduction``
    A trial's reduction of stunting risk itself: prevalence ratio 0.88 is a reduction of 0.12.
``haz_smd``
    A standardised mean difference in HAZ/LAZ (e.g. Panjwani & Heidkamp 2017: SMD 0.11). It is
    already in units of the outcome's standard deviation: the village's HAZ distribution moves by
    ``d`` of its own SDs. It is **never** divided by ``haz_sd`` again.
``haz_shift``
    A mean difference in HAZ/LAZ z-score units (e.g. SHINE: LAZ +0.16). The village's HAZ spread
    is ``haz_sd`` (≈1.1: wider than the WHO reference's 1), so the distribution moves by
    ``Δ / haz_sd`` of its SDs.
``sga_reduction``
    A reduction of the risk of a small-for-gestational-age (SGA) birth, ``1 − RR``, carried to the
    child's stunting risk the way LiST does, through the odds ratio of stunting for SGA children.

The normal assumption (HAZ kinds only). The village's HAZ is taken to be normal, N(μ, σ) with
σ = ``haz_sd``. Its stunting prevalence is b = P(HAZ < −2) = Φ((−2 − μ)/σ), so z_b = Φ⁻¹(b) says
where the −2 cut-off lies in the village's own SDs. A mean that moves up by k of those SDs gives
b' = Φ(z_b − k) and RRR = 1 − b'/b; k = d for an SMD (taking the trials' SD as the village's) and
k = Δ/σ for a mean difference. The RRR depends on b: the same shift averts a larger share where
fewer children are stunted, and at b = 0 or 1 no shift changes the prevalence (RRR 0).

The SGA route. With p the share of births that are SGA and OR the odds ratio of stunting for an
SGA child, the stunting risks r₁ (SGA) and r₀ (not SGA) satisfy b = p·r₁ + (1 − p)·r₀ and
r₁/(1 − r₁) = OR · r₀/(1 − r₀). An intervention that lowers SGA by s (SGA RR = 1 − s) moves p to
p·(1 − s) for the child of a woman who completes it: b' = b − p·s·(r₁ − r₀), RRR = p·s·(r₁ − r₀)/b.

Course length. Evidence carries the shortest course its trials ran (``min_days``). A course shorter
than that gets **no** effect at all levels (a 90-day PMT course does not earn the effect of trials
that fed children for six months or more), and the derivation says so.

Pure functions: no Flask, no database.
"""
import math
from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist

_NORMAL = NormalDist()

EFFECT_KINDS = ("relative_reduction", "haz_smd", "haz_shift", "sga_reduction")
LEVELS = ("low", "central", "high")
# Kinds whose value is a fraction (a share of risk) rather than a number of SDs.
FRACTION_KINDS = ("relative_reduction", "sga_reduction")


@dataclass(frozen=True)
class Evidence:
    """One effect with its range, in the units of its kind (see the module docstring).

    Bigger means stronger for every kind (an SGA RR of 0.66 is stored as a reduction of 0.34), so
    low ≤ central ≤ high. `min_days`: the shortest course the evidence's trials ran, or None.
    """

    kind: str
    low: float
    central: float
    high: float
    min_days: int | None = None

    def value(self, level: str) -> float:
        return getattr(self, level)


@dataclass(frozen=True)
class SgaAssumptions:
    """What the SGA route assumes: the share of births that are SGA and the stunting odds ratio."""

    prevalence: float
    stunting_or: float


@dataclass(frozen=True)
class SgaRisks:
    """The baseline split by birth size: stunting risk of SGA and of other children."""

    prevalence: float
    stunting_or: float
    risk_sga: float
    risk_other: float


@dataclass(frozen=True)
class Step:
    """One level (low, central or high) of a derivation."""

    value: float                        # the evidence's value at this level
    relative_reduction: float           # RRR for one person who completes one course, in [0, 1]
    z_shift: float | None = None        # HAZ kinds: how many of the village's SDs the mean moves
    prevalence_after: float | None = None  # the baseline prevalence after the effect


@dataclass(frozen=True)
class EffectDerivation:
    """Evidence → relative risk reduction at one baseline, every step kept for display."""

    evidence: Evidence
    baseline: float
    haz_sd: float
    course_days: int | None
    short_course: bool                  # the course is shorter than the evidence needs: no effect
    z_before: float | None              # HAZ kinds: Φ⁻¹(baseline)
    sga: SgaRisks | None
    low: Step
    central: Step
    high: Step

    def step(self, level: str) -> Step:
        return getattr(self, level)

    @property
    def relative_reduction(self) -> dict:
        """{"low": …, "central": …, "high": …}: the per-person effect a plan file v2 carries."""
        return {level: self.step(level).relative_reduction for level in LEVELS}


def _clamp(value: float) -> float:
    return float(min(max(value, 0.0), 1.0))


def sga_risks(baseline: float, assumptions: SgaAssumptions) -> SgaRisks | None:
    """Split a stunting prevalence into the risks of SGA and other children (None at b ∉ (0, 1)).

    Solves b = p·r₁ + (1 − p)·r₀ with r₁ = OR·r₀ / (1 + (OR − 1)·r₀), a quadratic in r₀:
    (1 − p)(OR − 1)·r₀² + (p·OR + 1 − p − b(OR − 1))·r₀ − b = 0, whose root in (0, b] is taken.
    """
    p, odds = assumptions.prevalence, assumptions.stunting_or
    if not 0 < baseline < 1:
        return None
    a = (1 - p) * (odds - 1)
    b_coef = p * odds + (1 - p) - baseline * (odds - 1)
    if abs(a) < 1e-12:
        other = baseline / b_coef
    else:
        other = (-b_coef + sqrt(b_coef * b_coef + 4 * a * baseline)) / (2 * a)
    sga = odds * other / (1 + (odds - 1) * other)
    return SgaRisks(p, odds, sga, other)


def _step(evidence: Evidence, level: str, baseline: float, haz_sd: float, z_before, sga: SgaRisks | None,
          short_course: bool) -> Step:
    value = evidence.value(level)
    if short_course:
        return Step(value, 0.0, prevalence_after=baseline)
    if evidence.kind == "relative_reduction":
        reduction = _clamp(value)
        return Step(value, reduction, prevalence_after=baseline * (1 - reduction))
    if evidence.kind in ("haz_smd", "haz_shift"):
        shift = value if evidence.kind == "haz_smd" else value / haz_sd
        if z_before is None:
            return Step(value, 0.0, shift, baseline)
        after = _NORMAL.cdf(z_before - shift)
        return Step(value, _clamp(1 - after / baseline), shift, after)
    if evidence.kind == "sga_reduction":
        if sga is None:
            return Step(value, 0.0, prevalence_after=baseline)
        averted = sga.prevalence * _clamp(value) * (sga.risk_sga - sga.risk_other)
        return Step(value, _clamp(averted / baseline), prevalence_after=baseline - averted)
    raise ValueError(f"unknown effect kind {evidence.kind!r}")


def derive_effect(evidence: Evidence, baseline: float, haz_sd: float, course_days: int | None = None,
                  sga: SgaAssumptions | None = None) -> EffectDerivation:
    """The relative risk reduction at low, central and high for one person who completes one course.

    `baseline` is the stunting prevalence of the plan's group (a fraction), `haz_sd` the SD of the
    village's HAZ distribution (used by `haz_shift` only), `course_days` the length of one course
    (None: not stated, and then the course-length rule cannot apply), `sga` the SGA route's
    assumptions (required for `sga_reduction`). Raises ValueError for an unknown kind, a missing
    `sga`, or a non-positive `haz_sd`.
    """
    if evidence.kind not in EFFECT_KINDS:
        raise ValueError(f"unknown effect kind {evidence.kind!r}")
    if haz_sd <= 0:
        raise ValueError("haz_sd must be positive")
    if evidence.kind == "sga_reduction" and sga is None:
        raise ValueError("the SGA route needs its assumptions")
    short = evidence.min_days is not None and course_days is not None and course_days < evidence.min_days
    z_before = _NORMAL.inv_cdf(baseline) if evidence.kind in ("haz_smd", "haz_shift") and 0 < baseline < 1 else None
    risks = sga_risks(baseline, sga) if evidence.kind == "sga_reduction" else None
    steps = {level: _step(evidence, level, baseline, haz_sd, z_before, risks, short) for level in LEVELS}
    return EffectDerivation(evidence, baseline, haz_sd, course_days, short, z_before, risks, **steps)


@dataclass(frozen=True)
class Derivation:
    """A catalogue item's effect at one baseline, and the default impact per unit it implies.

    The per-unit figure serves plan files of version 1 (additive impact per unit, central value):
    impact per unit = baseline × RRR ÷ units per course.
    """

    baseline: float
    baseline_source: str          # "measured" or "reference"
    units_per_course: float
    effect: EffectDerivation

    @property
    def relative_reduction(self) -> float:
        return self.effect.central.relative_reduction

    def cases_per_course(self, level: str = "central") -> float:
        """Expected stunting cases averted per person who completes one course."""
        return self.baseline * self.effect.step(level).relative_reduction

    def per_unit(self, level: str = "central") -> float:
        return self.cases_per_course(level) / self.units_per_course

    @property
    def impact_per_unit(self) -> float:
        return self.per_unit("central")


def derive(baseline: float, baseline_source: str, evidence: Evidence, units_per_course: float, haz_sd: float,
           course_days: int | None = None, sga: SgaAssumptions | None = None) -> Derivation:
    """The effect of `evidence` at `baseline` and the default impact per unit.

    Raises ValueError for a non-positive course length and as `derive_effect` does.
    """
    if units_per_course <= 0:
        raise ValueError("units_per_course must be positive")
    return Derivation(baseline, baseline_source, units_per_course,
                      derive_effect(evidence, baseline, haz_sd, course_days, sga))


# --- A plan's impact: effects combined within a target group --------------------------------------
#
# A group g has N_g people and a baseline risk b_g. An activity i with relative risk reduction e_i
# that reaches x_i of them (x_i ≤ N_g) covers the share c_i = x_i / N_g. Assuming, as LiST does,
# that coverages overlap independently, the group's risk falls to b_g · Π_i (1 − e_i · c_i), so
#
#     cases averted in g = N_g · b_g · (1 − Π_i (1 − e_i · x_i / N_g))
#
# and a plan's impact is the sum over its groups (plus any additive "own estimate" cases).

def combined_cases(population: float, baseline_risk: float, reaches) -> float:
    """Cases averted in one group by activities given as (effect, people) pairs; people beyond the
    group's population count as the whole group. 0 for an empty group."""
    if population <= 0 or baseline_risk <= 0:
        return 0.0
    remaining = 1.0
    for effect, people in reaches:
        coverage = min(max(people, 0.0), population) / population
        remaining *= 1.0 - _clamp(effect) * coverage
    return population * baseline_risk * (1.0 - remaining)


def attributed_cases(population: float, baseline_risk: float, reaches) -> list[float]:
    """`combined_cases` split over the activities in proportion to −log(1 − e·c) (each activity's
    share of the group's combined protection); the parts add up to the group's total exactly."""
    total = combined_cases(population, baseline_risk, reaches)
    if total <= 0:
        return [0.0 for _ in reaches]
    weights = []
    for effect, people in reaches:
        coverage = min(max(people, 0.0), population) / population
        share = _clamp(effect) * coverage
        weights.append(math.inf if share >= 1.0 else -math.log1p(-share))
    if math.inf in weights:
        full = [w == math.inf for w in weights]
        return [total / sum(full) if f else 0.0 for f in full]
    weight_sum = sum(weights)
    return [total * w / weight_sum if weight_sum > 0 else 0.0 for w in weights]
