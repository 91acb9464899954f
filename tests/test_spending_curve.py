"""The expected spending curve: the activities' months bounded by the tranches' cash."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import spending_curve as curve


def test_an_activity_without_months_runs_through_the_year():
    assert curve.activity_months(None) == tuple(range(1, 13))
    assert curve.activity_months([]) == tuple(range(1, 13))
    assert curve.activity_months([9, 7, 8, 8, 13, 0]) == (7, 8, 9)


def test_pmt_in_the_third_quarter_is_expected_in_the_third_quarter():
    expected = curve.expected_cumulative([(90_000_000, [7, 8, 9])], first_share=0.4, tranche_months=(3, 7))
    assert curve.expected_by_quarter(expected) == [0, 0, 90_000_000, 90_000_000]


def test_money_planned_before_the_first_tranche_is_expected_when_it_arrives():
    # 120 million spread over the year, tahap I (40%) in March, tahap II in July.
    expected = curve.expected_by_quarter(curve.expected_cumulative([(120_000_000, None)], 0.4, (3, 7)))
    assert expected == [30_000_000, 48_000_000, 90_000_000, 120_000_000]
    # Tahap I in April: nothing can be spent in the first quarter; the plan catches up after.
    late = curve.expected_by_quarter(curve.expected_cumulative([(120_000_000, None)], 0.4, (4, 7)))
    assert late == [0, 48_000_000, 90_000_000, 120_000_000]


def test_expected_share_reads_the_curve():
    expected = curve.expected_cumulative([(100, [1, 2, 3, 4])], 1.0, (1, 12))
    assert curve.expected_share(expected, 0) == 0 and curve.expected_share(expected, 2) == pytest.approx(0.5)
    assert curve.expected_share(expected, 12) == pytest.approx(1.0)
    assert curve.expected_share([0.0] * 12, 6) == 0


activities = st.lists(st.tuples(st.integers(0, 10 ** 9),
                                st.one_of(st.none(), st.lists(st.integers(1, 12), max_size=12))), max_size=8)


@settings(max_examples=60, deadline=None)
@given(activities, st.floats(0.0, 1.0), st.integers(1, 12), st.integers(1, 12))
def test_the_curve_rises_stays_under_plan_and_cash_and_ends_at_the_commitment(items, share, first, second):
    expected = curve.expected_cumulative(items, share, (first, second))
    planned = curve.cumulative(curve.monthly_plan(items))
    total = sum(cost for cost, _months in items)
    cash = curve.cash_curve(total, share, (first, second))
    assert len(expected) == 12
    assert all(a <= b + 1e-6 for a, b in zip(expected, expected[1:]))
    assert all(e <= p + 1e-6 and e <= c + 1e-6 for e, p, c in zip(expected, planned, cash))
    assert expected[-1] == pytest.approx(total, rel=1e-9, abs=1e-6)
    planned_by_quarter = curve.expected_by_quarter(planned)
    assert curve.expected_quarters(planned_by_quarter, share, (first, second)) == \
        pytest.approx(curve.expected_by_quarter(expected), rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10 ** 9), min_size=4, max_size=4), st.floats(0.0, 1.0), st.integers(1, 12),
       st.integers(1, 12))
def test_cash_shares_worked_out_once_give_the_same_quarters(planned, share, first, second):
    # A dashboard works the shares out once per page and reuses them for every village.
    planned = [float(v) for v in curve.cumulative(planned)]
    shares = curve.quarter_cash_shares(share, (first, second))
    assert curve.expected_quarters(planned, shares=shares) == curve.expected_quarters(planned, share, (first, second))
    assert shares[-1] == pytest.approx(1.0) and all(a <= b for a, b in zip(shares, shares[1:]))
