"""Each flag's rule: when it fires, and the cases where it must not (before its year or deadline, for a
village added after the deadline, for a group nobody could have served, for a quarter not yet due)."""
from datetime import date, datetime, timezone

import pytest

from planner import money_rules
from planner.money_rules import MoneyRules, PlanMoney, RuleSet
from planner.services import oversight, summaries

YEAR = 2027
RULES_2027 = RuleSet(money_rules.DEFAULTS[2026], YEAR, kabupaten_set=True, source_year=YEAR, stunting_floor=0.08)
PAGU = 1_000_000_000
REGULAR = PAGU - 580_300_000


def _context(as_of, rules=RULES_2027, deadline=date(2026, 12, 15), served=("ibu_hamil", "baduta", "balita")):
    return oversight.Context(year=YEAR, as_of=as_of, deadline=deadline, rules=rules, first_tranche=0.4,
                             serviced_groups=set(served), priority=set())


def _moment(day):
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=timezone.utc)


def _row(committed=True, reported=None, spent=(0.25, 0.25, 0.25, 0.25), units_share=None, money=None,
         groups=("ibu_hamil", "baduta", "balita"), targets=None, committed_on=date(2026, 11, 20), added_on=None,
         months=None, unexplained=0):
    """A village with a 120 million commitment of two activities; `reported`: {quarter: date reported}."""
    money = money or PlanMoney(pagu=PAGU, earmark_koperasi=580_300_000, earmark_operasional=10_000_000,
                               stunting_budget=60_000_000)
    row = oversight.VillageRow(1, "35.17.09.2001", "Desa Uji", 1, "35.17.09", "Kecamatan Uji",
                               created=_moment(added_on) if added_on else None,
                               plan_id=1, status="committed" if committed else "draft", money=money,
                               pagu=money.pagu, stunting_budget=money.stunting_budget,
                               targets=targets or {"ibu_hamil": 30, "baduta": 80, "balita": 200, "ibu_nifas": 25},
                               groups=set(groups), unexplained=unexplained)
    row.base = money_rules.base_amount(RULES_2027.rules, money, "regular")
    if committed:
        row.committed, row.commitment_id, row.commitment_version = 120_000_000, 1, 1
        row.committed_at = _moment(committed_on)
        units_share = units_share or spent
        activities = [[100, 60_000_000, months, [int(100 * u) for u in units_share],
                       [int(60_000_000 * s) for s in spent], "kia"] for _ in range(2)]
        row.reports = {q: _moment(d) for q, d in (reported or {}).items()}
        digest = summaries.digest(activities, [0, 0, 0, 0], row.reports)
        measured = digest["all_reported"]
        row.planned, row.by_package = digest["planned"], digest["by_package"]
        row.all_spent, row.overspent_all = measured["quarters"], measured["overspent"]
        row.ratios_text = ",".join(f"{r:g}" for r in measured["ratios"])
        row.earlier = summaries.earlier(activities, [0, 0, 0, 0], row.reports)
    return row


def _flags(row, as_of, **context):
    ctx = _context(as_of, **context)
    oversight._as_of(row, ctx)
    return {f.code: f for f in oversight.flags_of(row, ctx)}


ALL_REPORTED = {1: date(2027, 4, 10), 2: date(2027, 7, 10), 3: date(2027, 10, 10), 4: date(2028, 1, 10)}


# --- no_commitment -----------------------------------------------------------------------------------------

def test_no_commitment_fires_after_the_deadline_only():
    draft = _row(committed=False)
    assert "no_commitment" not in _flags(draft, date(2026, 12, 15))
    flag = _flags(_row(committed=False), date(2026, 12, 20))["no_commitment"]
    assert flag.severity == 3 and "lewat 5 hari" in flag.detail


def test_no_commitment_not_for_a_committed_village_nor_one_added_after_the_deadline_nor_without_a_deadline():
    assert "no_commitment" not in _flags(_row(reported=ALL_REPORTED), date(2027, 2, 1))
    added_late = _row(committed=False, added_on=date(2027, 1, 5))
    assert "no_commitment" not in _flags(added_late, date(2027, 2, 1))
    added_before = _row(committed=False, added_on=date(2026, 6, 1))
    assert "no_commitment" in _flags(added_before, date(2027, 2, 1))
    assert "no_commitment" not in _flags(_row(committed=False), date(2027, 2, 1), deadline=None)


# --- rules_broken and below_floor -------------------------------------------------------------------------------

def test_rules_broken_names_each_breach_and_holds_when_the_earmarks_are_right():
    bad = PlanMoney(pagu=PAGU, earmark_koperasi=0, earmark_operasional=20_000_000, stunting_budget=60_000_000)
    flag = _flags(_row(committed=False, money=bad), date(2026, 12, 1))["rules_broken"]
    assert flag.severity == 3 and "Koperasi Desa Merah Putih" in flag.detail and "Operasional" in flag.detail
    assert "rules_broken" not in _flags(_row(committed=False), date(2026, 12, 1))


def test_rules_broken_not_when_the_years_rules_are_only_assumed():
    assumed = RuleSet(money_rules.DEFAULTS[2026], YEAR, kabupaten_set=False, source_year=2026)
    bad = PlanMoney(pagu=PAGU, earmark_koperasi=0, stunting_budget=60_000_000)
    assert "rules_broken" not in _flags(_row(committed=False, money=bad), date(2026, 12, 1), rules=assumed)
    known = RuleSet(money_rules.DEFAULTS[2026], YEAR, kabupaten_set=False, source_year=YEAR)
    assert "rules_broken" in _flags(_row(committed=False, money=bad), date(2026, 12, 1), rules=known)


def test_below_floor_is_measured_on_the_chosen_base():
    # 35 million is 8.3% of the regular Dana Desa (419.7 million) but 3.5% of the pagu.
    money = PlanMoney(pagu=PAGU, earmark_koperasi=580_300_000, stunting_budget=35_000_000)
    assert "below_floor" not in _flags(_row(committed=False, money=money), date(2026, 12, 1))
    on_pagu = RuleSet(MoneyRules.from_dict({"floor_base": "pagu"}, money_rules.DEFAULTS[2026]), YEAR, True, YEAR, 0.08)
    row = _row(committed=False, money=money)
    row.base = PAGU
    flag = _flags(row, date(2026, 12, 1), rules=on_pagu)["below_floor"]
    assert flag.severity == 2 and flag.detail == "3,5% < 8,0%"
    no_floor = RuleSet(money_rules.DEFAULTS[2026], YEAR, True, YEAR, None)
    assert "below_floor" not in _flags(_row(committed=False, money=money), date(2026, 12, 1), rules=no_floor)


# --- not_reported ---------------------------------------------------------------------------------------------

def test_not_reported_waits_for_the_report_due_date():
    row = _row(reported={})
    assert "not_reported" not in _flags(row, date(2027, 4, 15))          # Q1 due 15 April
    flag = _flags(_row(reported={}), date(2027, 4, 16))["not_reported"]
    assert flag.severity == 2 and "triwulan I" in flag.detail and "belum pernah melapor" in flag.detail


def test_two_missing_quarters_are_high_and_a_report_counts_from_its_date():
    row = _row(reported={1: date(2027, 4, 10)})
    flag = _flags(row, date(2027, 10, 20))["not_reported"]
    assert flag.severity == 3 and "triwulan II, III" in flag.detail and "terakhir dilaporkan: triwulan I" in flag.detail
    # Reported late, on 20 October: as of the 19th it was still missing, as of the 21st it is not.
    late = {1: date(2027, 4, 10), 2: date(2027, 10, 20), 3: date(2027, 10, 20)}
    assert "not_reported" in _flags(_row(reported=late), date(2027, 10, 19))
    assert "not_reported" not in _flags(_row(reported=late), date(2027, 10, 21))


def test_not_reported_skips_quarters_that_ended_before_the_commitment_and_uncommitted_plans():
    row = _row(reported={}, committed_on=date(2027, 5, 2))      # committed in May: Q1 was not owed
    assert "not_reported" not in _flags(row, date(2027, 5, 10))
    assert "not_reported" not in _flags(_row(committed=False), date(2027, 12, 1))


# --- lagging and tranche2 -------------------------------------------------------------------------------------

def test_lagging_compares_the_last_reported_quarter_with_the_expected_curve():
    slow = _row(reported={1: date(2027, 4, 10), 2: date(2027, 7, 10)}, spent=(0.01, 0.05, 0, 0))
    flag = _flags(slow, date(2027, 7, 20))["lagging"]
    assert flag.severity == 2 and "6% s.d. triwulan II; diperkirakan 40%" == flag.detail
    on_curve = _row(reported={1: date(2027, 4, 10), 2: date(2027, 7, 10)}, spent=(0.10, 0.15, 0, 0))
    assert "lagging" not in _flags(on_curve, date(2027, 7, 20))


def test_lagging_follows_the_months_of_the_activities_not_a_quarter_each_quarter():
    # PMT planned for July–September: nothing spent by the end of June is on time.
    pmt = _row(reported={1: date(2027, 4, 10), 2: date(2027, 7, 10)}, spent=(0, 0, 0, 0), months=[7, 8, 9])
    assert "lagging" not in _flags(pmt, date(2027, 7, 20))
    all_year = _row(reported={1: date(2027, 4, 10), 2: date(2027, 7, 10)}, spent=(0, 0, 0, 0))
    assert "lagging" in _flags(all_year, date(2027, 7, 20))


def test_lagging_needs_a_report_and_a_commitment():
    assert "lagging" not in _flags(_row(reported={}, spent=(0, 0, 0, 0)), date(2027, 11, 1))
    assert "lagging" not in _flags(_row(committed=False), date(2027, 11, 1))


def test_tranche2_applies_from_the_second_tranche_month_to_the_end_of_the_year():
    slow = dict(reported={1: date(2027, 4, 10), 2: date(2027, 7, 5)}, spent=(0.05, 0.05, 0, 0))
    assert "tranche2" not in _flags(_row(**slow), date(2026, 12, 20))      # before the year: never
    assert "tranche2" not in _flags(_row(**slow), date(2027, 6, 30))       # before July (tahap II's month)
    flag = _flags(_row(**slow), date(2027, 7, 6))["tranche2"]
    assert flag.severity == 2 and flag.detail == "belanja 25% dari tahap I, keluaran 25%"
    assert "tranche2" not in _flags(_row(**slow), date(2028, 1, 2))        # the year is over


def test_tranche2_clears_with_60_percent_of_tahap_i_spent_and_40_percent_of_its_outputs():
    ready = _row(reported={1: date(2027, 4, 10), 2: date(2027, 7, 5)}, spent=(0.12, 0.12, 0, 0),
                 units_share=(0.08, 0.09, 0, 0))
    assert "tranche2" not in _flags(ready, date(2027, 8, 1))
    few_outputs = _row(reported={1: date(2027, 4, 10), 2: date(2027, 7, 5)}, spent=(0.12, 0.12, 0, 0),
                       units_share=(0.05, 0.05, 0, 0))
    assert "tranche2" in _flags(few_outputs, date(2027, 8, 1))


# --- overspent, group_uncovered, unexplained -------------------------------------------------------------------

def test_overspent_by_one_activity_or_in_total():
    row = _row(reported=ALL_REPORTED, spent=(0.3, 0.3, 0.3, 0.2))
    flag = _flags(row, date(2028, 2, 1))["overspent"]
    assert flag.severity == 2 and flag.detail == "2 kegiatan"
    assert "overspent" not in _flags(_row(reported=ALL_REPORTED), date(2028, 2, 1))
    # Spending in a quarter not yet reported by the date does not count.
    assert "overspent" not in _flags(_row(reported={1: date(2027, 4, 1)}, spent=(0.5, 0.9, 0, 0)), date(2027, 5, 1))


def test_group_uncovered_only_for_groups_with_people_and_a_service_in_the_catalogue():
    row = _row(committed=False, groups=("baduta",), targets={"ibu_hamil": 30, "baduta": 80, "ibu_nifas": 25,
                                                             "balita": 0})
    flag = _flags(row, date(2026, 12, 1))["group_uncovered"]
    assert flag.severity == 1 and flag.detail == "Ibu hamil"       # ibu nifas: no catalogue item serves them
    covered = _row(committed=False, groups=("ibu_hamil", "baduta"), targets={"ibu_hamil": 30, "baduta": 80})
    assert "group_uncovered" not in _flags(covered, date(2026, 12, 1))


def test_unexplained_is_a_low_flag_and_low_flags_do_not_ask_for_attention():
    row = _row(reported=ALL_REPORTED, unexplained=2)
    flags = _flags(row, date(2028, 2, 1))
    assert flags["unexplained"].severity == 1 and not row.needs_attention
    assert "unexplained" not in _flags(_row(reported=ALL_REPORTED), date(2028, 2, 1))


# --- Attention order ---------------------------------------------------------------------------------------------

def test_perlu_perhatian_sorts_by_severity_before_the_number_of_flags():
    no_commitment = _row(committed=False)
    no_commitment.code, no_commitment.name = "35.17.09.2003", "Tanpa komitmen"
    many_mild = _row(reported={1: date(2027, 4, 10)}, spent=(0.02, 0, 0, 0), unexplained=1,
                     groups=("baduta",))
    many_mild.code = "35.17.09.2002"
    quiet = _row(reported={1: date(2027, 4, 10)})
    quiet.code = "35.17.09.2004"
    ctx = _context(date(2027, 5, 1), deadline=date(2026, 12, 15))
    for row in (no_commitment, many_mild, quiet):
        oversight._as_of(row, ctx)
        row.flags = oversight.flags_of(row, ctx)
    assert len(many_mild.flags) > len(no_commitment.flags)
    ordered = oversight.needing_attention([quiet, many_mild, no_commitment])
    assert [r.code for r in ordered] == ["35.17.09.2003", "35.17.09.2002"]
    assert oversight.filter_and_sort([quiet, many_mild, no_commitment], sort="tanda", descending=True)[0] is no_commitment


@pytest.mark.parametrize("code", list(oversight.FLAGS))
def test_every_flag_has_a_severity_a_label_and_a_meaning(code):
    rule = oversight.FLAGS[code]
    assert rule.severity in (1, 2, 3) and str(rule.label) and len(str(rule.meaning)) > 20
