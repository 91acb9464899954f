"""One style for numbers, money, shares and dates (planner.formatting): the page's language, Jakarta time."""
from datetime import date, datetime, timezone

import pytest

from planner.formatting import (cost_per_case, format_cases, format_date, format_datetime, format_decimal,
                                format_impact, format_months, format_number, format_percent, format_rupiah,
                                format_rupiah_short, impact_range, spreadsheet_datetime)


@pytest.mark.parametrize("function, value, indonesian, english", [
    (format_number, 2340, "2.340", "2,340"),
    (format_number, None, "–", "–"),
    (format_rupiah, 1_250_000, "Rp 1.250.000", "Rp 1,250,000"),
    (format_rupiah, -1_140_000, "-Rp 1.140.000", "-Rp 1,140,000"),
    (format_rupiah, 0.4, "Rp 0", "Rp 0"),
    (lambda v, locale: format_decimal(v, 2, locale), 11.776, "11,78", "11.78"),
    (lambda v, locale: format_decimal(v, 2, locale), -1e-12, "0,00", "0.00"),
    (format_percent, 0.126, "12,6%", "12.6%"),
    (lambda v, locale: format_percent(v, locale=locale, trim=True), 0.3, "30%", "30%"),
    (format_impact, 0.0023, "0,0023", "0.0023"),
    (format_impact, 0.0002667, "0,0002667", "0.0002667"),
    (format_impact, 2.487164, "2,49", "2.49"),
    (format_cases, 11.78, "12", "12"),
    (format_cases, 3.46, "3,5", "3.5"),
    (format_cases, 0.02, "< 0,1", "< 0.1"),
    (format_cases, 0, "0", "0"),
    (format_rupiah_short, 843_000, "Rp 843.000", "Rp 843,000"),
    (format_rupiah_short, 84_350_000, "Rp 84,4 jt", "Rp 84.4 m"),
    (format_rupiah_short, 843_400_000, "Rp 843 jt", "Rp 843 m"),
    (format_rupiah_short, 1_684_000_000, "Rp 1,68 M", "Rp 1.68 bn"),
    (format_rupiah_short, None, "–", "–"),
])
def test_numbers_follow_the_language(function, value, indonesian, english):
    assert function(value, locale="id") == indonesian
    assert function(value, locale="en") == english


def test_impact_is_a_rounded_model_estimate_with_its_range_when_known(app):
    with app.test_request_context():
        assert impact_range(11.792316) == "≈ 12 kasus, perkiraan model"
        assert impact_range(3.4, 2.1, 5.2) == "≈ 3,4 (2,1–5,2) kasus, perkiraan model"
        assert impact_range(None) == "–"
    assert cost_per_case(10_000_000, 4) == 2_500_000 and cost_per_case(5_000, 0) is None
    assert cost_per_case(41_516_983, 1) == 42_000_000 and cost_per_case(999, 1) == 1_000


def test_times_are_jakarta_time_in_the_language_of_the_page():
    moment = datetime(2026, 12, 7, 12, 43, tzinfo=timezone.utc)
    assert format_datetime(moment, locale="id") == "7 Des 2026, 19.43 WIB"
    assert format_datetime(moment, locale="en") == "7 Dec 2026, 19:43 WIB"
    assert format_datetime(moment, "short", locale="id") == "7 Des 2026, 19.43 WIB"     # one style
    assert format_datetime(moment, "long", locale="id") == "7 Desember 2026, 19.43 WIB"
    assert format_datetime(datetime(2026, 12, 7, 20, 0), locale="id") == "8 Des 2026, 03.00 WIB"   # naive = UTC
    assert format_datetime("2026-12-07T12:43:00+00:00", locale="id") == "7 Des 2026, 19.43 WIB"
    assert format_date(date(2026, 8, 12), locale="id") == "12 Agustus 2026"
    assert format_date(date(2026, 8, 12), locale="en") == "12 August 2026"
    assert format_date("2026-08-12", "EEEE, d MMMM y", locale="id") == "Rabu, 12 Agustus 2026"
    assert spreadsheet_datetime(moment) == datetime(2026, 12, 7, 19, 43)


def test_months_read_as_people_say_them(app):
    with app.test_request_context():
        assert format_months(None) == "sepanjang tahun" == format_months(list(range(1, 13)))
        assert format_months([4, 5, 6, 7, 8, 9]) == "Triwulan II–III"
        assert format_months([1, 2, 3, 7, 8, 9]) == "Triwulan I, III"
        assert format_months([6, 7, 8, 9]) == "Jun–Sep"
        assert format_months([2, 5, 8, 11]) == "Feb, Mei, Agu, Nov"
        assert format_months([5], locale="en") == "May"


def test_the_pages_use_the_one_module_in_english(app, world, client):
    """An English page writes English numbers: no "11,78" beside "2.487164" any more."""
    from planner.extensions import db
    from planner.models import Plan

    client.login(world.usernames["desa_a1"])
    client.post("/bahasa/en", data={"next": "/"})
    with app.app_context():
        plan = db.session.get(Plan, world.plans["a1x"])
        plan.pagu = 1_250_000_000
        db.session.commit()
    page = client.get(f"/rencana/{world.plans['a1x']}").get_data(as_text=True)
    assert "Rp 1,250,000,000" in page and "Rp 1.250.000.000" not in page


def test_the_catalogue_evidence_follows_the_language_too(app):
    from flask_babel import force_locale

    from planner.services.catalogue import effect_value_text, trim_number

    with app.test_request_context():
        with force_locale("id"):
            assert (trim_number(90.0), trim_number(0.41), effect_value_text("haz_smd", 0.11)) == ("90", "0,41", "SMD +0,11")
        with force_locale("en"):
            assert (trim_number(90.0), trim_number(0.41), effect_value_text("haz_smd", 0.11)) == ("90", "0.41", "SMD +0.11")
