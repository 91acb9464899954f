"""Default impact of an intervention: expected stunting cases averted per unit.

    impact per unit = baseline risk × relative reduction × (1 / units per course)

`baseline risk` is the village's measured stunting prevalence, or the
kabupaten's reference figure (national SSGI by default). The relative reduction
comes from the catalogue's evidence: either directly (a prevalence ratio of
0.88 is a 12% reduction) or from a shift in mean height-for-age z-score, which
converts to a prevalence change only under a stated assumption: HAZ is normally
distributed with a standard deviation `haz_sd` (≈1.1), so a shift of d moves
the share below −2 SD from Φ(z) to Φ(z − d/haz_sd), where Φ(z) is the baseline.

Pure functions: no Flask, no database. The UI shows every step (`Derivation`).
"""
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()


@dataclass(frozen=True)
class Derivation:
    """Every number behind a default impact, for display."""

    baseline: float
    baseline_source: str          # "measured" or "reference"
    effect_kind: str
    effect_value: float
    haz_sd: float
    relative_reduction: float
    units_per_course: float
    impact_per_unit: float
    prevalence_after: float | None = None  # for a HAZ shift: the prevalence it implies


def relative_reduction_from_haz(baseline: float, shift: float, haz_sd: float) -> tuple[float, float]:
    """(relative reduction, prevalence after) for a mean HAZ shift of `shift` SD units."""
    if not 0 < baseline < 1:
        return 0.0, baseline
    z = _NORMAL.inv_cdf(baseline)
    after = _NORMAL.cdf(z - shift / haz_sd)
    return 1 - after / baseline, after


def derive(baseline: float, baseline_source: str, effect_kind: str, effect_value: float,
           units_per_course: float, haz_sd: float) -> Derivation:
    """Compute the default impact per unit and the steps that lead to it.

    Raises ValueError for an unknown effect kind or a non-positive course length.
    """
    if units_per_course <= 0:
        raise ValueError("units_per_course must be positive")
    after = None
    if effect_kind == "relative_reduction":
        reduction = effect_value
    elif effect_kind == "haz_shift":
        reduction, after = relative_reduction_from_haz(baseline, effect_value, haz_sd)
    else:
        raise ValueError(f"unknown effect kind {effect_kind!r}")
    reduction = min(max(reduction, 0.0), 1.0)
    return Derivation(
        baseline=baseline,
        baseline_source=baseline_source,
        effect_kind=effect_kind,
        effect_value=effect_value,
        haz_sd=haz_sd,
        relative_reduction=reduction,
        units_per_course=units_per_course,
        impact_per_unit=baseline * reduction / units_per_course,
        prevalence_after=after,
    )
