"""The pure derivation of a per-person effect from the evidence (planner.impact): the maths, the
course-length rule, the SGA route, and properties over the whole range of baselines."""
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.impact import LEVELS, Evidence, SgaAssumptions, derive, derive_effect, sga_risks

NORMAL = NormalDist()
SGA = SgaAssumptions(prevalence=0.27, stunting_or=2.43)
PROPERTIES = settings(max_examples=120, deadline=None, derandomize=True)


def test_an_smd_is_already_in_sd_units_and_ignores_the_population_sd():
    evidence = Evidence("haz_smd", 0.01, 0.11, 0.22)
    narrow, wide = derive_effect(evidence, 0.198, 1.0), derive_effect(evidence, 0.198, 1.5)
    assert narrow.relative_reduction == wide.relative_reduction
    # Φ(Φ⁻¹(0,198) − 0,11) = 16,88%: 1 − 16,88/19,8 = 14,7%
    assert narrow.central.z_shift == 0.11
    assert narrow.central.prevalence_after == pytest.approx(0.16884, abs=1e-5)
    assert narrow.central.relative_reduction == pytest.approx(0.1473, abs=1e-4)


def test_a_mean_difference_is_divided_by_the_population_sd():
    md = derive_effect(Evidence("haz_shift", 0.11, 0.11, 0.11), 0.198, 1.1)
    smd = derive_effect(Evidence("haz_smd", 0.1, 0.1, 0.1), 0.198, 1.1)
    assert md.central.z_shift == pytest.approx(0.1)
    assert md.central.relative_reduction == pytest.approx(smd.central.relative_reduction)
    # a wider village distribution: the same shift moves fewer children across −2
    assert derive_effect(Evidence("haz_shift", 0.16, 0.16, 0.16), 0.198, 1.3).central.relative_reduction \
        < derive_effect(Evidence("haz_shift", 0.16, 0.16, 0.16), 0.198, 1.1).central.relative_reduction


def test_the_normal_conversion_is_the_shifted_cdf():
    effect = derive_effect(Evidence("haz_smd", 0.2, 0.2, 0.2), 0.3, 1.1)
    z = NORMAL.inv_cdf(0.3)
    assert effect.z_before == pytest.approx(z)
    assert effect.central.prevalence_after == pytest.approx(NORMAL.cdf(z - 0.2))
    assert effect.central.relative_reduction == pytest.approx(1 - NORMAL.cdf(z - 0.2) / 0.3)


def test_a_relative_reduction_is_used_as_it_is():
    effect = derive_effect(Evidence("relative_reduction", 0.08, 0.12, 0.16), 0.25, 1.1)
    assert effect.relative_reduction == {"low": 0.08, "central": 0.12, "high": 0.16}
    assert effect.central.prevalence_after == pytest.approx(0.22)


def test_the_sga_route_splits_the_baseline_consistently():
    risks = sga_risks(0.198, SGA)
    # the two defining equations: the weighted mean is the baseline, the odds ratio holds
    assert 0.27 * risks.risk_sga + 0.73 * risks.risk_other == pytest.approx(0.198)
    odds = (risks.risk_sga / (1 - risks.risk_sga)) / (risks.risk_other / (1 - risks.risk_other))
    assert odds == pytest.approx(2.43)
    # the share of stunting attributable to SGA is ~21%, close to Christian et al. 2013's 20%
    assert 1 - risks.risk_other / 0.198 == pytest.approx(0.21, abs=0.01)


def test_the_sga_route_turns_a_cut_in_sga_into_the_childs_lower_stunting_risk():
    effect = derive_effect(Evidence("sga_reduction", 0.11, 0.34, 0.51), 0.198, 1.1, sga=SGA)
    risks = effect.sga
    expected = 0.27 * 0.34 * (risks.risk_sga - risks.risk_other) / 0.198
    assert effect.central.relative_reduction == pytest.approx(expected)
    assert effect.central.relative_reduction == pytest.approx(0.0715, abs=5e-4)
    # no SGA at all would avert exactly the attributable share
    everything = derive_effect(Evidence("sga_reduction", 1, 1, 1), 0.198, 1.1, sga=SGA)
    assert everything.central.relative_reduction == pytest.approx(1 - risks.risk_other / 0.198)


def test_a_course_shorter_than_the_evidence_needs_has_no_effect():
    evidence = Evidence("haz_smd", 0.04, 0.08, 0.13, min_days=180)
    short = derive_effect(evidence, 0.198, 1.1, course_days=90)
    assert short.short_course and short.relative_reduction == {"low": 0.0, "central": 0.0, "high": 0.0}
    enough = derive_effect(evidence, 0.198, 1.1, course_days=180)
    assert not enough.short_course and enough.central.relative_reduction > 0
    # evidence without a minimum applies to any course
    assert not derive_effect(Evidence("haz_smd", 0.1, 0.1, 0.1), 0.198, 1.1, course_days=1).short_course


@pytest.mark.parametrize("baseline", [0.0, 1.0])
@pytest.mark.parametrize("evidence", [Evidence("haz_smd", 0.1, 0.2, 0.3), Evidence("haz_shift", 0.1, 0.2, 0.3),
                                      Evidence("sga_reduction", 0.1, 0.2, 0.3)])
def test_nothing_to_avert_at_zero_or_every_child_stunted(baseline, evidence):
    effect = derive_effect(evidence, baseline, 1.1, sga=SGA)
    assert effect.relative_reduction == {"low": 0.0, "central": 0.0, "high": 0.0}


def test_the_per_unit_default_is_the_central_effect_spread_over_the_course():
    derivation = derive(0.2, "measured", Evidence("haz_smd", 0.01, 0.11, 0.22), 12, 1.1)
    rrr = derivation.effect.relative_reduction
    assert derivation.impact_per_unit == pytest.approx(0.2 * rrr["central"] / 12)
    assert derivation.per_unit("high") == pytest.approx(0.2 * rrr["high"] / 12)
    assert derivation.cases_per_course("low") == pytest.approx(0.2 * rrr["low"])


@pytest.mark.parametrize("call,message", [
    (lambda: derive_effect(Evidence("lod", 0, 0, 0), 0.2, 1.1), "unknown effect kind"),
    (lambda: derive_effect(Evidence("sga_reduction", 0, 0.1, 0.2), 0.2, 1.1), "SGA"),
    (lambda: derive_effect(Evidence("haz_smd", 0, 0.1, 0.2), 0.2, 0), "haz_sd"),
    (lambda: derive(0.2, "reference", Evidence("haz_smd", 0, 0.1, 0.2), 0, 1.1), "units_per_course"),
])
def test_bad_arguments_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


_kinds = st.sampled_from(["relative_reduction", "haz_smd", "haz_shift", "sga_reduction"])


@st.composite
def _evidence(draw):
    kind = draw(_kinds)
    top = 1.0 if kind in ("relative_reduction", "sga_reduction") else 3.0
    values = sorted(draw(st.lists(st.floats(0, top), min_size=3, max_size=3)))
    return Evidence(kind, *values)


@PROPERTIES
@given(_evidence(), st.floats(0.001, 0.999), st.floats(0.5, 2.0))
def test_reductions_are_risks_in_order_and_never_exceed_the_baseline(evidence, baseline, haz_sd):
    effect = derive_effect(evidence, baseline, haz_sd, sga=SGA)
    values = [effect.step(level).relative_reduction for level in LEVELS]
    assert all(0.0 <= value <= 1.0 for value in values)
    assert values[0] <= values[1] + 1e-12 and values[1] <= values[2] + 1e-12
    for level in LEVELS:
        after = effect.step(level).prevalence_after
        assert after == pytest.approx(baseline * (1 - effect.step(level).relative_reduction), abs=1e-9)


@PROPERTIES
@given(st.floats(0.05, 0.95), st.floats(0.01, 1.0), st.floats(0.01, 1.0))
def test_a_bigger_shift_or_a_bigger_cut_averts_more(baseline, small, extra):
    for kind in ("haz_smd", "haz_shift"):
        weak = derive_effect(Evidence(kind, small, small, small), baseline, 1.1).central.relative_reduction
        strong = derive_effect(Evidence(kind, small + extra, small + extra, small + extra), baseline, 1.1)
        assert strong.central.relative_reduction > weak
    cut = min(small, 1.0)
    weak = derive_effect(Evidence("sga_reduction", cut / 2, cut / 2, cut / 2), baseline, 1.1, sga=SGA)
    strong = derive_effect(Evidence("sga_reduction", cut, cut, cut), baseline, 1.1, sga=SGA)
    assert strong.central.relative_reduction >= weak.central.relative_reduction
