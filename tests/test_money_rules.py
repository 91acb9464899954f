"""The year's Dana Desa money rules: the defaults per year, the base each share is measured on, the
checks, the plan form filled and warned from them, the kabupaten's settings, the village told whose
rules these are, and the flag for plans that break them."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from planner import money_rules
from planner.extensions import db
from planner.models import AuditEvent, Plan, Region, YearSettings
from planner.money_rules import MoneyRules, PlanMoney

from .conftest import text_of

PAGU = 1_000_000_000


# --- Pure: defaults and arithmetic --------------------------------------------------------------------------

def test_defaults_follow_the_year_and_say_where_they_come_from():
    rules, source = money_rules.default_for(2024)
    assert source == 2024 and rules.blt_max == 0.25 and rules.food_min == 0.20 and rules.kdmp_share is None
    assert "PMK 145/2023" in rules.legal_basis
    rules, source = money_rules.default_for(2025)
    assert rules.blt_max == 0.15 and "PMK 108/2024" in rules.legal_basis
    rules, source = money_rules.default_for(2026)
    assert rules.kdmp_share == pytest.approx(0.5803) and rules.blt_max is None and rules.food_min is None
    assert rules.ops_max == 0.03 and rules.ops_base == "regular" and rules.floor_base == "regular"
    assert "PMK 7/2026" in rules.legal_basis
    later, source = money_rules.default_for(2028)
    assert later == money_rules.DEFAULTS[2026] and source == 2026      # an assumption, named as such
    earlier, source = money_rules.default_for(2020)
    assert earlier == MoneyRules() and source is None


def test_the_base_is_the_pagu_or_the_regular_dana_desa_after_kdmp():
    rules = money_rules.DEFAULTS[2026]
    money = PlanMoney(pagu=PAGU, earmark_koperasi=0)
    # The cooperative's share comes off by the rule, whatever the village typed.
    assert money_rules.regular_dana_desa(rules, money) == PAGU - 580_300_000
    assert money_rules.base_amount(rules, money, "pagu") == PAGU
    no_kdmp = money_rules.DEFAULTS[2025]
    assert money_rules.regular_dana_desa(no_kdmp, PlanMoney(pagu=PAGU, earmark_koperasi=100)) == PAGU - 100


def test_an_8_percent_floor_on_the_whole_pagu_would_demand_19_percent_of_what_the_village_controls():
    rules = money_rules.DEFAULTS[2026]
    money = PlanMoney(pagu=PAGU, earmark_koperasi=580_300_000, stunting_budget=40_000_000)   # 9.5% of regular
    on_pagu = money_rules.checks(MoneyRules.from_dict({"floor_base": "pagu"}, rules), money, 0.08)
    on_regular = money_rules.checks(rules, money, 0.08)
    floor_pagu = next(c for c in on_pagu if c.code == "stunting_floor")
    floor_regular = next(c for c in on_regular if c.code == "stunting_floor")
    assert floor_pagu.limit_amount / floor_regular.base_amount == pytest.approx(0.19, abs=0.01)
    assert not floor_pagu.ok and floor_regular.ok and floor_regular.limit_amount == 33_576_000


@pytest.mark.parametrize("field, value, code, ok", [
    ("earmark_blt", 150_000_000, "blt_max", True), ("earmark_blt", 150_000_001, "blt_max", False),
    ("earmark_pangan", 200_000_000, "food_min", True), ("earmark_pangan", 199_999_999, "food_min", False),
    ("earmark_operasional", 30_000_000, "ops_max", True), ("earmark_operasional", 30_000_001, "ops_max", False),
])
def test_each_2025_rule_holds_up_to_its_limit_and_breaks_just_past_it(field, value, code, ok):
    base = dict(pagu=PAGU, earmark_blt=0, earmark_pangan=200_000_000, earmark_operasional=0)
    base[field] = value
    checks = {c.code: c for c in money_rules.checks(money_rules.DEFAULTS[2025], PlanMoney(**base))}
    assert checks[code].ok is ok
    assert [c.code for c in money_rules.breaches(money_rules.DEFAULTS[2025], PlanMoney(**base))] == ([] if ok else [code])


def test_the_kdmp_earmark_must_match_the_rule_within_rounding():
    rules = money_rules.DEFAULTS[2026]
    exact = PlanMoney(pagu=PAGU, earmark_koperasi=580_300_000)
    rounded = PlanMoney(pagu=PAGU, earmark_koperasi=580_000_000)       # the ministry's letter rounds
    forgotten = PlanMoney(pagu=PAGU, earmark_koperasi=0)
    assert not money_rules.breaches(rules, exact) and not money_rules.breaches(rules, rounded)
    assert [c.code for c in money_rules.breaches(rules, forgotten)] == ["kdmp"]
    assert money_rules.checks(rules, PlanMoney(pagu=0)) == []          # nothing to measure against


def test_suggested_earmarks_fill_the_cooperative_and_the_food_minimum_only():
    assert money_rules.suggested_earmarks(money_rules.DEFAULTS[2026], PAGU) == {"earmark_koperasi": 580_300_000}
    assert money_rules.suggested_earmarks(money_rules.DEFAULTS[2025], 987_654_321) == {"earmark_pangan": 197_531_000}


def test_rules_survive_a_round_trip_through_the_stored_dict():
    rules = MoneyRules.from_dict({"blt_max": 0.1, "tranche_months": [4, 8]}, money_rules.DEFAULTS[2026])
    assert rules.blt_max == 0.1 and rules.tranche_months == (4, 8) and rules.kdmp_share == pytest.approx(0.5803)
    assert MoneyRules.from_dict(rules.as_dict()) == rules


# --- The kabupaten's settings ----------------------------------------------------------------------------------

def _money_form(world, **overrides):
    from .test_admin_settings import form_data

    data = form_data(world, kdmp_share="58,03", blt_max="", blt_base="regular", food_min="", food_base="regular",
                     ops_max="3", ops_base="regular", floor_base="regular", first_tranche_month="3",
                     second_tranche_month="7", report_days="15", stunting_share_floor="8")
    data.update(overrides)
    return data


def test_the_admin_sets_the_years_money_rules_and_they_are_audited(app, world, login):
    client = login("admin_a")
    page = client.get("/kabupaten/35.17/pengaturan/2026")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="kdmp_share"' in body and 'value="58,03"' in body and "PMK 7/2026" in body
    saved = client.post("/kabupaten/35.17/pengaturan/2027", data=_money_form(world, ops_max="2,5"))
    assert saved.status_code == 303
    with app.app_context():
        settings = db.session.scalar(select(YearSettings).where(YearSettings.year == 2027))
        rules = MoneyRules.from_dict(settings.money_rules)
        assert rules.kdmp_share == pytest.approx(0.5803) and rules.ops_max == pytest.approx(0.025)
        assert rules.floor_base == "regular" and rules.tranche_months == (3, 7)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.save"))
        assert "money_rules" in event.details["fields"]


@pytest.mark.parametrize("field, value, message", [
    ("kdmp_share", "100", "kurang dari 100%"), ("blt_max", "120", "paling banyak 100"),
    ("second_tranche_month", "2", "tidak boleh cair sebelum tahap I"), ("report_days", "120", "paling banyak 90"),
    ("ops_base", "semua", "Pilih pagu atau Dana Desa reguler"),
])
def test_bad_money_rules_are_refused_at_their_field(app, world, login, field, value, message):
    client = login("admin_a")
    response = client.post("/kabupaten/35.17/pengaturan/2027", data=_money_form(world, **{field: value}))
    assert response.status_code == 422 and message in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(YearSettings)) is None


# --- The plan form and the plan page ------------------------------------------------------------------------------

def _settings(app, world, year=2027, **money):
    with app.app_context():
        rules = money_rules.DEFAULTS[2026].as_dict() | money
        db.session.add(YearSettings(kabupaten_id=world.region_ids["kab_a"], year=year, priority_desa_ids=[],
                                    money_rules=rules, stunting_share_floor=0.08, legal_basis="Perbup Uji 1/2026"))
        db.session.commit()


def _plan_form(**values):
    data = {"pagu": "1.000.000.000", "earmark_koperasi": "", "earmark_blt": "", "earmark_pangan": "",
            "earmark_operasional": "", "earmark_other": "", "stunting_budget": "60.000.000"}
    data.update(values)
    return data


def test_the_plan_form_fills_the_earmarks_from_the_rules_without_saving(app, world, login):
    _settings(app, world)
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    page = client.post(f"/rencana/{plan_id}/ubah", data=_plan_form(aturan="isi"))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'value="580.300.000"' in body and "Diisi dari aturan" in text_of(page)
    assert "Aturan Kabupaten A untuk tahun 2027" in text_of(page)
    with app.app_context():
        assert db.session.get(Plan, plan_id).earmark_koperasi == 0     # nothing saved


def test_htmx_checks_the_rules_when_the_pagu_changes_and_fills_only_empty_fields(app, world, login):
    _settings(app, world)
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    fragment = client.htmx("POST", f"/rencana/{plan_id}/ubah",
                           data=_plan_form(aturan="periksa", earmark_operasional="40.000.000"))
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and body.lstrip().startswith('<fieldset id="money">')
    assert 'value="580.300.000"' in body                       # the empty KDMP field is filled
    assert 'value="40.000.000"' in body and 'id="earmark_operasional-warning"' in body
    assert "melebihi batas 3,0%" in body
    typed = client.htmx("POST", f"/rencana/{plan_id}/ubah", data=_plan_form(aturan="periksa",
                                                                          earmark_koperasi="500.000.000"))
    assert 'value="500.000.000"' in typed.get_data(as_text=True)   # what the village typed stays


def test_a_breach_is_a_warning_the_village_may_save_and_the_kecamatan_sees_flagged(app, world, login):
    _settings(app, world)
    client = login("desa_a1")
    plan_id = world.plans["a1x"]
    with app.app_context():
        version = db.session.get(Plan, plan_id).version_id
    saved = client.post(f"/rencana/{plan_id}/ubah", data=_plan_form(
        version_id=str(version), earmark_koperasi="580.300.000", earmark_operasional="20.000.000"))
    assert saved.status_code == 303
    page = text_of(client.get(f"/rencana/{plan_id}"))
    assert "Aturan dana desa 2027" in page and "Perbup Uji 1/2026" in page
    assert "melebihi batas 3,0%" in page and "Melanggar aturan dana desa" in page
    client.post("/keluar")
    kec = login("kec_a1")
    dashboard = text_of(kec.get("/kecamatan/35.17.09/dasbor?tahun=2027"))
    assert "Melanggar aturan dana desa" in dashboard and "Operasional pemerintah desa 4,8% &gt; 3,0%" in dashboard


def test_an_assumed_years_rules_warn_in_the_form_but_flag_nobody(app, world, login):
    from planner.services import oversight

    with app.test_request_context():
        region = db.session.scalar(select(Region).where(Region.code == "35.17.09"))
        rows = {r.code: r for r in oversight.village_rows(region, 2027, as_of=date(2026, 12, 1))}
        assert "rules_broken" not in rows["35.17.09.2001"].flag_codes      # no KDMP earmark, but 2027 is assumed
    client = login("desa_a1")
    page = text_of(client.get(f"/rencana/{world.plans['a1x']}"))
    assert "Kabupaten belum menetapkan aturan dana desa tahun 2027" in page and "aturan tahun 2026" in page


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2_000_000_000), st.integers(0, 1_200_000_000), st.integers(0, 400_000_000),
       st.integers(0, 400_000_000), st.integers(0, 60_000_000), st.integers(0, 300_000_000),
       st.sampled_from(sorted(money_rules.DEFAULTS)), st.one_of(st.none(), st.floats(0.0, 0.3)))
def test_breaks_says_whether_there_is_any_breach(pagu, koperasi, blt, pangan, operasional, stunting, year, floor):
    # The dashboards test thousands of plans with `breaks` and word only the shown ones with `breaches`.
    money = PlanMoney(pagu=pagu, earmark_koperasi=koperasi, earmark_blt=blt, earmark_pangan=pangan,
                      earmark_operasional=operasional, stunting_budget=stunting)
    rules = money_rules.DEFAULTS[year]
    assert money_rules.breaks(rules, money, floor) is bool(money_rules.breaches(rules, money, floor))
