"""The spending a commitment can be expected to show by each month of its year. Pure: no Flask, no database.

Spending follows the tranches and the seasons, not a quarter of the year's commitment each
quarter (../shared/domain.md, "Oversight"). Two curves bound it:

- **the activities' own timing**: each activity's cost spread evenly over the months it runs
  (`months`, 1–12; none given: the whole year). PMT planned for July–September is expected in
  Q3, a latrine built in the dry season in the months the village named;
- **the cash**: a village cannot spend Dana Desa it has not received. Tahap I (the kabupaten's
  first-tranche share, usually 40%, 60% for a desa mandiri) arrives after the APBDes is set,
  tahap II later; the months are the kabupaten's settings (defaults March and July).

The expected cumulative spending at the end of month m is the smaller of the two cumulative
curves: an activity planned before its money arrives is expected once the money is there.
Both curves only rise, so their minimum does too, and it ends at the whole commitment.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

MONTHS = tuple(range(1, 13))
QUARTER_END = {1: 3, 2: 6, 3: 9, 4: 12}


def activity_months(months) -> tuple:
    """The months an activity runs: its own list (1–12, duplicates and others dropped) or, when
    it names none, all twelve."""
    chosen = sorted({int(m) for m in (months or []) if isinstance(m, int) or str(m).isdigit()} & set(MONTHS))
    return tuple(chosen) or MONTHS


def monthly_plan(activities: Iterable[tuple[int, Sequence | None]]) -> list[float]:
    """Money planned per month (index 0 = January) from (cost, months) pairs."""
    plan = [0.0] * 12
    for cost, months in activities:
        chosen = activity_months(months)
        for month in chosen:
            plan[month - 1] += cost / len(chosen)
    return plan


def cumulative(values: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for value in values:
        total += value
        out.append(total)
    return out


def cash_curve(total: float, first_share: float, tranche_months: Sequence[int] = (3, 7)) -> list[float]:
    """Cumulative cash received by the end of each month: tahap I (`first_share` of `total`) in the
    first tranche month, the rest in the second (a third tranche, where a kabupaten has one, is
    counted with the second)."""
    first_month, second_month = (list(tranche_months) + [7])[:2]
    first_month = min(max(int(first_month), 1), 12)
    second_month = min(max(int(second_month), first_month), 12)
    share = min(max(first_share, 0.0), 1.0)
    return [total * ((share if month >= first_month else 0.0) + ((1 - share) if month >= second_month else 0.0))
            for month in MONTHS]


def expected_cumulative(activities: Iterable[tuple[int, Sequence | None]], first_share: float = 0.4,
                        tranche_months: Sequence[int] = (3, 7)) -> list[float]:
    """Expected cumulative spending at the end of each month (12 values, the last = the commitment)."""
    return expected_from_plan(monthly_plan(activities), first_share, tranche_months)


def expected_from_plan(plan: Sequence[float], first_share: float = 0.4,
                       tranche_months: Sequence[int] = (3, 7)) -> list[float]:
    """The same from the money planned per month (`monthly_plan`, kept in a plan's summary)."""
    planned = cumulative(plan)
    total = planned[-1] if planned else 0.0
    cash = cash_curve(total, first_share, tranche_months)
    return [min(p, c) for p, c in zip(planned, cash)]


def expected_quarters(planned: Sequence[float], first_share: float = 0.4,
                      tranche_months: Sequence[int] = (3, 7), shares: Sequence[float] | None = None) -> list[float]:
    """The expected cumulative spending at the end of each quarter from the money planned by then
    (4 values, the last = the commitment): the same as reading `expected_cumulative` at the
    quarter ends, since the minimum of two rising curves can be read point by point. `shares`:
    `quarter_cash_shares(first_share, tranche_months)` when the caller has it already."""
    total = planned[-1] if planned else 0.0
    if shares is None:
        shares = quarter_cash_shares(first_share, tranche_months)
    return [min(planned[index], total * share) for index, share in enumerate(shares)]


def quarter_cash_shares(first_share: float = 0.4, tranche_months: Sequence[int] = (3, 7)) -> list[float]:
    """The share of the commitment received as cash by the end of each quarter (4 values)."""
    first_month, second_month = (list(tranche_months) + [7])[:2]
    share = min(max(first_share, 0.0), 1.0)
    return [(share if month >= first_month else 0.0) + ((1 - share) if month >= max(second_month, first_month) else 0.0)
            for month in QUARTER_END.values()]


def expected_by_quarter(curve: Sequence[float]) -> list[float]:
    """The cumulative curve read at the end of each quarter (4 values)."""
    return [curve[QUARTER_END[q] - 1] for q in (1, 2, 3, 4)]


def expected_share(curve: Sequence[float], month: int) -> float:
    """The share of the commitment expected to be spent by the end of `month` (0 before January)."""
    if month <= 0 or not curve or curve[-1] <= 0:
        return 0.0
    return curve[min(month, 12) - 1] / curve[-1]
