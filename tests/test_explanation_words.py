"""Explanations on the village's pages read as a kepala desa would say them (issue 20, item 4)."""
import pytest

from planner.services.explanations import explanation, sentence

NAMES = {"p1": "PMT lokal balita · Posyandu Melati", "p2": "Kelas ibu hamil"}


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_losses_are_rounded_cases_not_six_decimals(ctx):
    text = sentence({"code": "funded_loss", "params": {"units": 560, "cost_rp": 12_500_000, "loss_impact": 0.076055,
                                                       "total_impact": 11.792316, "without_impact": 11.716261}})
    assert "0,1" in text and "12" in text
    assert "0,076055" not in text and "11,79" not in text and "Rp 12.500.000" in text


def test_a_loss_that_rounds_to_nothing_says_so(ctx):
    text = sentence({"code": "funded_loss", "params": {"units": 1, "cost_rp": 5, "loss_impact": 0.0004,
                                                       "total_impact": 11.8, "without_impact": 11.7996}})
    assert "hampir tidak berubah" in text


def test_efficiency_is_cost_per_case_in_rupiah(ctx):
    text = sentence({"code": "efficiency", "params": {"per_million_impact": 0.0023, "funded_low_impact": 0.001,
                                                      "funded_high_impact": 0.01}})
    assert "Biaya per kasus tercegah" in text and "Rp 430.000.000" in text
    assert "Rp 100.000.000" in text and "Rp 1.000.000.000" in text
    assert "0,0023" not in text


def test_no_negative_cost_and_ties_are_ties(ctx):
    free = sentence({"code": "enter_cost_drop", "params": {"drop_rp": 6, "cost_rp": 5, "new_cost_rp": -1, "units": 1}})
    assert "-Rp" not in free and "tanpa biaya" in free
    tie = sentence({"code": "enter_cost_drop", "params": {"drop_rp": 1, "cost_rp": 5, "new_cost_rp": 4, "units": 1}})
    assert "Rp 1" not in tie and "Sama baiknya" in tie


def test_activities_by_name_without_ids(ctx):
    text = sentence({"code": "reason_requires", "params": {"other": '"Kelas ibu hamil" (p2)'}}, NAMES)
    assert "Kelas ibu hamil" in text and "(p2)" not in text


def test_english_and_unknown_codes(ctx):
    english = sentence({"code": "efficiency_alone", "params": {"per_million_impact": 0.5}}, lang="en")
    assert english.startswith("Cost per case averted") and "Rp 2,000,000" in english
    assert sentence({"code": "new_code", "params": {}, "text": {"id": "teks", "en": "text"}}) == "teks"
    assert explanation([{"code": "reason_locked_out", "params": {}}, None]) == "Tidak didanai karena dikunci keluar."


def test_a_funded_platform_item_is_not_quoted_as_a_cost_per_case(ctx):
    own = sentence({"code": "efficiency", "params": {"per_million_impact": 0, "funded_low_impact": 0,
                                                     "funded_high_impact": 0.2}})
    assert "tidak mencegah" in own and "Rp" not in own
    other = sentence({"code": "efficiency", "params": {"per_million_impact": 0.1, "funded_low_impact": 0,
                                                       "funded_high_impact": 0.2}})
    assert "Rp 10.000.000" in other and "Rp 5.000.000" in other and "tanpa dampak" not in other
