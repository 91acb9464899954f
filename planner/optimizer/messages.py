"""Every sentence the optimizer produces, in Indonesian ("id") and English ("en").

Messages travel as data (a code plus params, see `model.Message`) and are rendered here, so the
web layer can show either language and tests can check numbers rather than wording.

Param naming convention, used to format values for each language:
- ending in `_rp`: integer Rupiah, shown as `Rp 1.250.000` in both languages;
- ending in `_impact`: an impact number (decimal comma in Indonesian, point in English);
- ending in `_share`: a fraction shown as a percentage;
- ending in `_list`: a list of already-readable strings, joined with "dan"/"and";
- ending in `_items`: a list of nested message dicts {"code", "params"}, rendered and joined with "; ".
Everything else is inserted as is.
"""
from __future__ import annotations

from fractions import Fraction

from .. import formatting

LANGS = ("id", "en")

TEMPLATES = {
    # ---- plan file validation (PlanError) ----
    "not_object": ("{where}: harus berupa objek JSON", "{where}: must be a JSON object"),
    "wrong_format": ('{where}: format harus "planner-plan", bukan {value}',
                     '{where}: format must be "planner-plan", not {value}'),
    "unsupported_version": ("{where}: versi {value} tidak didukung (hanya versi 1 dan 2)",
                            "{where}: version {value} is not supported (only versions 1 and 2)"),
    "below_minimum": ("{where}: {field} harus paling sedikit {minimum}, bukan {value}",
                      "{where}: {field} must be at least {minimum}, not {value}"),
    "not_boolean": ("{where}: {field} harus true atau false, bukan {value}",
                    "{where}: {field} must be true or false, not {value}"),
    "unknown_effect_level": ('{where}: {field} tidak dikenal (hanya low, central dan high)',
                             '{where}: {field} is unknown (only low, central and high)'),
    "effect_order": ("{where}: effect harus low ≤ central ≤ high, bukan {low}, {central}, {high}",
                     "{where}: effect must be low ≤ central ≤ high, not {low}, {central}, {high}"),
    "effect_unknown_group": (
        '{where}: usulan dengan effect butuh target_group yang ada di "groups", bukan {value}',
        '{where}: a proposal with an effect needs a target_group listed in "groups", not {value}'),
    "enabling_with_effect": (
        "{where}: kegiatan pendukung (enabling) tidak punya dampak sendiri; hapus {field}",
        "{where}: an enabling item has no effect of its own; remove {field}"),
    "reached_beyond_population": (
        "{where}: already_reached ({value}) lebih besar dari jumlah kelompok sasaran "
        "({population})",
        "{where}: already_reached ({value}) is more than the target group's population "
        "({population})"),
    "lock_not_whole": (
        "{where}: lock units ({value}) harus kelipatan units_per_course ({units_per_course})",
        "{where}: lock units ({value}) must be a multiple of units_per_course "
        "({units_per_course})"),
    "max_below_course": (
        "{where}: max_units ({max_units}) kurang dari satu paket utuh ({units_per_course} unit)",
        "{where}: max_units ({max_units}) is less than one whole course ({units_per_course} "
        "units)"),
    "too_deep": ("berkas rencana terlalu bertingkat untuk dibaca", "the plan file is nested too "
                 "deeply to read"),
    "missing": ("{where}: {field} wajib diisi", "{where}: {field} is required"),
    "not_integer": ("{where}: {field} harus bilangan bulat, bukan {value}",
                    "{where}: {field} must be a whole number, not {value}"),
    "not_number": ("{where}: {field} harus berupa angka, bukan {value}",
                   "{where}: {field} must be a number, not {value}"),
    "negative": ("{where}: {field} tidak boleh negatif ({value})",
                 "{where}: {field} must not be negative ({value})"),
    "too_large": ("{where}: {field} terlalu besar ({value}; paling banyak {limit})",
                  "{where}: {field} is too large ({value}; at most {limit})"),
    "not_string": ("{where}: {field} harus berupa teks, bukan {value}",
                   "{where}: {field} must be text, not {value}"),
    "empty": ("{where}: {field} tidak boleh kosong", "{where}: {field} must not be empty"),
    "not_list": ("{where}: {field} harus berupa daftar, bukan {value}",
                 "{where}: {field} must be a list, not {value}"),
    "duplicate_id": ('{where}: id "{value}" sudah dipakai oleh proposals[{other}]',
                     '{where}: id "{value}" is already used by proposals[{other}]'),
    "min_gt_max": ("{where}: min_units ({min_units}) lebih besar dari max_units ({max_units})",
                   "{where}: min_units ({min_units}) is greater than max_units ({max_units})"),
    "max_units_zero": ("{where}: max_units harus paling sedikit 1",
                       "{where}: max_units must be at least 1"),
    "share_range": ("{where}: {field} harus antara 0 dan 1, bukan {value}",
                    "{where}: {field} must be between 0 and 1, not {value}"),
    "unknown_reference": ('{where}: {field} menyebut id "{value}" yang tidak ada',
                          '{where}: {field} names id "{value}", which does not exist'),
    "self_reference": ("{where}: {field} tidak boleh menyebut usulan itu sendiri",
                       "{where}: {field} must not name the proposal itself"),
    "bad_lock": ('{where}: lock harus null, "in", "out" atau {{"units": n}}, bukan {value}',
                 '{where}: lock must be null, "in", "out" or {{"units": n}}, not {value}'),
    "lock_units_range": (
        "{where}: lock units ({value}) harus 0 atau antara min_units ({min_units}) dan "
        "max_units ({max_units})",
        "{where}: lock units ({value}) must be 0 or between min_units ({min_units}) and "
        "max_units ({max_units})"),
    "unknown_rule": ('{where}: aturan "{field}" tidak dikenal', '{where}: unknown rule "{field}"'),
    "bad_solver": ('solver "{value}" tidak dikenal atau tidak terpasang (pilihan: {choices})',
                   'solver "{value}" is unknown or not installed (choices: {choices})'),
    "bad_json": ("berkas rencana bukan JSON yang sah: {value}",
                 "the plan file is not valid JSON: {value}"),

    # ---- solve statuses ----
    "status_optimal": ("Rencana terbaik yang terbukti optimal.", "Proven optimal plan."),
    "status_optimal_tiebreak_unproven": (
        "Dampak dan biaya terbukti optimal; batas waktu {limit} detik tercapai saat memilih di "
        "antara rencana yang setara.",
        "Impact and cost are proven optimal; the time limit of {limit} s was reached while "
        "choosing among equally good plans."),
    "status_tiebreak_stopped": (
        "Dampak dan biaya terbukti optimal; solver berhenti ({detail}) saat memilih di antara "
        "rencana yang setara.",
        "Impact and cost are proven optimal; the solver stopped ({detail}) while choosing among "
        "equally good plans."),
    "status_feasible_time": (
        "Batas waktu {limit} detik tercapai: ini rencana sah terbaik yang ditemukan, belum "
        "terbukti optimal.",
        "Time limit of {limit} s reached: this is the best valid plan found, not proven optimal."),
    "status_feasible_cost": (
        "Dampak terbukti maksimal, tetapi batas waktu {limit} detik tercapai sebelum biaya "
        "terendah terbukti.",
        "Impact is proven maximal, but the time limit of {limit} s was reached before the least "
        "cost was proven."),
    "status_timeout": (
        "Batas waktu {limit} detik tercapai sebelum ditemukan rencana yang sah.",
        "Time limit of {limit} s reached before any valid plan was found."),
    "status_infeasible": (
        "Tidak ada rencana yang memenuhi semua kunci dan aturan.",
        "No plan satisfies every lock and rule."),
    "status_cost_unproven": (
        "Dampak terbaik terbukti; rencana termurah dengan dampak itu tidak bisa dibuktikan "
        "(solver: {detail}).",
        "The best impact is proven; the cheapest plan with that impact could not be proven "
        "(solver: {detail})."),
    "status_feasible_gap": (
        "Batas waktu {limit} detik tercapai: rencana ini paling jauh {gap_share} di bawah yang "
        "terbaik.",
        "The time limit of {limit} s was reached: this plan is at most {gap_share} below the "
        "best."),
    "status_feasible_stopped": (
        "Solver berhenti ({detail}): rencana ini paling jauh {gap_share} di bawah yang terbaik.",
        "The solver stopped ({detail}): this plan is at most {gap_share} below the best."),
    "status_error": ("Solver gagal: {detail}", "The solver failed: {detail}"),
    "status_numerics": (
        "Solver mengembalikan rencana yang melanggar aturan karena pembulatan: {detail}",
        "The solver returned a plan that breaks a rule through rounding: {detail}"),

    # ---- conflict items ----
    "conflict_budget": ("anggaran {budget_rp}", "the budget is {budget_rp}"),
    "conflict_lock_in": ("usulan {proposal} dikunci masuk (paling sedikit {units} unit, "
                         "{cost_rp})",
                         "proposal {proposal} is locked in (at least {units} units, {cost_rp})"),
    "conflict_lock_out": ("usulan {proposal} dikunci keluar",
                          "proposal {proposal} is locked out"),
    "conflict_lock_units": ("usulan {proposal} dikunci pada {units} unit ({cost_rp})",
                            "proposal {proposal} is locked at {units} units ({cost_rp})"),
    "conflict_category_min": (
        'paling sedikit {min_share} anggaran ({min_rp}) untuk kategori "{category}"',
        'at least {min_share} of the budget ({min_rp}) must go to category "{category}"'),
    "conflict_category_max": (
        'paling banyak {max_share} anggaran ({max_rp}) untuk kategori "{category}"',
        'at most {max_share} of the budget ({max_rp}) may go to category "{category}"'),
    "conflict_location_max": (
        'paling banyak {max_share} anggaran ({max_rp}) untuk satu lokasi ("{location}")',
        'at most {max_share} of the budget ({max_rp}) may go to one location ("{location}")'),
    "conflict_package": (
        'paket "{package}" harus punya paling sedikit satu usulan didanai ({count} usulan)',
        'package "{package}" needs at least one funded proposal (proposals in it: {count})'),
    "conflict_target_group": (
        'sasaran "{target_group}" harus punya paling sedikit satu usulan didanai '
        '({count} usulan)',
        'target group "{target_group}" needs at least one funded proposal '
        '(proposals for it: {count})'),
    "conflict_requires": ("{proposal} hanya boleh didanai jika {other} didanai",
                          "{proposal} may be funded only if {other} is funded"),
    "conflict_excludes": ("{proposal} dan {other} tidak boleh didanai bersama",
                          "{proposal} and {other} may not both be funded"),
    # summaries of a whole conflict set
    "summary_locks_budget": (
        "usulan yang dikunci masuk butuh {locked_rp}, padahal anggaran {budget_rp}",
        "locked-in proposals cost {locked_rp} but the budget is {budget_rp}"),
    "summary_generic": ("Hal berikut tidak bisa berlaku bersamaan: {conflicts_items}. Ubah atau "
                        "hapus salah satunya.",
                        "These cannot all hold together: {conflicts_items}. Change or drop one "
                        "of them."),
    "summary_single": ("Aturan ini tidak bisa dipenuhi: {conflicts_items}.",
                       "This rule cannot be met: {conflicts_items}."),

    # ---- explanations: funded ----
    "funded_locked": ("Didanai {units} unit ({cost_rp}) karena dikunci.",
                      "Funded with {units} units ({cost_rp}) because it is locked."),
    "funded_loss": (
        "Didanai {units} unit ({cost_rp}). Tanpa usulan ini, dampak terbaik turun "
        "{loss_impact} (dari {total_impact} menjadi {without_impact}).",
        "Funded with {units} units ({cost_rp}). Without it, the best achievable impact falls by "
        "{loss_impact} (from {total_impact} to {without_impact})."),
    "funded_no_loss": (
        "Didanai {units} unit ({cost_rp}). Tanpa usulan ini, dampak terbaik tidak turun (tetap "
        "{total_impact}): usulan lain dapat menggantikannya sepenuhnya.",
        "Funded with {units} units ({cost_rp}). Without it, the best achievable impact does not "
        "fall (it stays {total_impact}): other proposals can fully make up for it."),
    "funded_required": (
        "Didanai {units} unit ({cost_rp}) dan wajib: tanpa usulan ini, hal berikut tidak bisa "
        "berlaku bersamaan: {blocked_items}.",
        "Funded with {units} units ({cost_rp}) and required: without it, these cannot all hold "
        "together: {blocked_items}."),
    # ---- explanations: unfunded, reasons ----
    "reason_locked_out": ("Tidak didanai karena dikunci keluar.",
                          "Not funded because it is locked out."),
    "reason_excluded_by": ("Tidak boleh didanai bersama {other}, yang didanai.",
                           "It may not be funded together with {other}, which is funded."),
    "reason_requires": ("Hanya boleh didanai jika {other} didanai, dan {other} tidak didanai.",
                        "It may be funded only if {other} is funded, and {other} is not."),
    "reason_no_impact": ("Dampaknya nol.", "Its impact is zero."),
    "reason_budget": (
        "Paling sedikit butuh {need_rp}, sedangkan sisa anggaran {left_rp}; dananya dipakai "
        "untuk usulan yang berdampak lebih besar.",
        "It needs at least {need_rp} and only {left_rp} of the budget is left; the money goes to "
        "proposals with more impact."),
    "reason_location_cap": (
        'Lokasi "{location}" sudah memakai {used_rp} dari batas {cap_rp}; usulan ini butuh '
        "paling sedikit {need_rp}.",
        'Location "{location}" already uses {used_rp} of its cap of {cap_rp}; this proposal '
        "needs at least {need_rp}."),
    "reason_category_cap": (
        'Kategori "{category}" sudah memakai {used_rp} dari batas {cap_rp}; usulan ini butuh '
        "paling sedikit {need_rp}.",
        'Category "{category}" already uses {used_rp} of its cap of {cap_rp}; this proposal needs '
        "at least {need_rp}."),
    "reason_tie": (
        "Rencana dengan usulan ini tidak lebih baik: dampaknya sama atau lebih kecil.",
        "A plan with it is no better: its impact would be equal or lower."),
    # ---- explanations: unfunded, numbers ----
    "enter_cost_drop": (
        "Usulan ini akan didanai jika biayanya turun {drop_rp} (dari {cost_rp} menjadi "
        "{new_cost_rp} untuk {units} unit).",
        "It would be funded if its cost fell by {drop_rp} (from {cost_rp} to {new_cost_rp} for "
        "{units} units)."),
    "enter_budget_rise": (
        "Usulan ini masuk rencana terbaik bila anggaran stunting naik {rise_rp} (menjadi "
        "{budget_rp}, dengan {units} unit); dengan kenaikan yang lebih kecil, rencana tanpa "
        "usulan ini sama baik atau lebih baik.",
        "It enters the best plan if the stunting budget rises by {rise_rp} (to {budget_rp}, with "
        "{units} units); with a smaller rise, a plan without it is as good or better."),
    "enter_budget_not_within": (
        "Walaupun anggaran stunting naik sampai {budget_rp} (150%), usulan ini tidak masuk "
        "rencana terbaik.",
        "Even with the stunting budget raised to {budget_rp} (150%), it does not enter the best "
        "plan."),
    "enter_budget_unproven": (
        "Sampai anggaran stunting {budget_rp}, usulan ini pasti belum masuk rencana terbaik; "
        "anggaran yang lebih besar belum dihitung.",
        "Up to a stunting budget of {budget_rp} it certainly does not enter the best plan; larger "
        "budgets were not computed."),
    "enter_never": (
        "Bahkan jika gratis, usulan ini tidak akan didanai: rencana dengan usulan ini tidak bisa "
        "menyamai dampak {total_impact}.",
        "Even if it were free it would not be funded: no plan with it reaches the impact of "
        "{total_impact}."),
    "enter_blocked": (
        "Usulan ini sama sekali tidak bisa didanai: bersama usulan ini, hal berikut tidak bisa "
        "berlaku bersamaan: {blocked_items}.",
        "It cannot be funded at all: with it, these cannot all hold together: {blocked_items}."),
    "unfunded_loss": (
        "Dengan usulan ini, dampak terbaik turun {loss_impact} (dari {total_impact} menjadi "
        "{with_impact}).",
        "With it, the best achievable impact falls by {loss_impact} (from {total_impact} to "
        "{with_impact})."),
    "explanation_cut": (
        "Angka untuk usulan ini belum dihitung: batas waktu perhitungan habis.",
        "The figure for this proposal was not computed: the time limit ran out."),
    "efficiency": (
        "Dampak per Rp 1 juta: {per_million_impact} (usulan yang didanai: {funded_low_impact} "
        "sampai {funded_high_impact}).",
        "Impact per Rp 1 million: {per_million_impact} (funded proposals: {funded_low_impact} to "
        "{funded_high_impact})."),
    "efficiency_alone": ("Dampak per Rp 1 juta: {per_million_impact}.",
                         "Impact per Rp 1 million: {per_million_impact}."),
}

_AND = {"id": "dan", "en": "and"}


def format_rupiah(amount) -> str:
    """`Rp 1.250.000` (dots between thousands, same in both languages); negative: `-Rp 5.000`."""
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def format_number(value, lang: str = "id", decimals: int = 6) -> str:
    """A decimal number for people: at most `decimals` places, trailing zeros dropped.

    Indonesian writes 1.234,5; English writes 1,234.5.
    """
    if value is None:
        return "–"
    text = f"{float(round(Fraction(value), decimals)):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_share(value, lang: str = "id") -> str:
    """0.3 -> `30%`; 0.125 -> `12,5%` (id) / `12.5%` (en)."""
    return format_number(Fraction(value) * 100 if not isinstance(value, float)
                         else Fraction(repr(value)) * 100, lang, 2) + "%"


def join_words(items, lang: str = "id") -> str:
    """["a", "b", "c"] -> "a, b dan c" / "a, b and c"."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_AND.get(lang, 'and')} " + items[-1]


def render(code: str, params=None, lang: str = "id") -> str:
    """Render message `code` with `params` in `lang` ("id" or "en"; anything else -> "en")."""
    params = dict(params or {})
    templates = TEMPLATES.get(code)
    if templates is None:
        return code + (" " + repr(params) if params else "")
    template = templates[0] if lang == "id" else templates[1]
    shown = {}
    for key, value in params.items():
        if key.endswith("_rp"):
            shown[key] = format_rupiah(value) if value is not None else "–"
        elif key.endswith("_impact") and params.get("model") == "v2":
            # version 2: cases as the evidence carries them, ratios to three digits
            shown[key] = (formatting.format_impact(value, lang) if key.startswith(
                ("per_million", "funded_low", "funded_high")) else formatting.format_cases(value, lang))
        elif key.endswith("_impact"):
            shown[key] = format_number(value, lang)
        elif key.endswith("_share"):
            shown[key] = format_share(value, lang)
        elif key.endswith("_list"):
            shown[key] = join_words(value, lang)
        elif key.endswith("_items"):
            shown[key] = "; ".join(render(i["code"], i.get("params"), lang) for i in value)
        else:
            shown[key] = value
    try:
        return template.format(**shown)
    except (KeyError, IndexError):
        return template


def proposal_label(proposal) -> str:
    """How a proposal is named inside sentences: `"PMT lokal balita" (p1)` or `p1`."""
    return f'"{proposal.name}" ({proposal.id})' if proposal.name else proposal.id
