"""The optimizer's sentences in a kepala desa's words.

The optimizer (planner.optimizer) explains each proposal with sentences as data: a `code` and its
`params` (exact figures, internal ids). The command line prints them as they are. The village's
pages say the same things the way a rembuk reads them: cases averted rounded as the evidence allows
(planner.formatting.format_cases), "biaya per kasus tercegah" in Rupiah instead of impact per
million, activities by name without ids, ties said as ties, never a negative cost. The exact
figures stay on the page under "Angka lengkap".

    sentence(message, names, lang)   one sentence (a dict {"code", "params"}) in the user's language
    explanation(messages, names, lang)   the sentences of one proposal, joined

`names` maps proposal ids to what the page calls them (activity and location). A code this module
has no words for is rendered from the optimizer's own template with the figures formatted here.
"""
import re

from flask_babel import force_locale
from flask_babel import gettext as _

from .. import optimizer
from ..formatting import cases_digits, format_cases, format_number, format_percent, format_rupiah, significant

# `"PMT lokal balita" (p3)` as the optimizer labels a proposal inside a sentence.
_LABEL = re.compile(r'^"(?P<name>.*)" \((?P<id>[^()]*)\)$')
#: A cost cut this small (Rupiah) only breaks a tie: the proposal is as good as one that is funded.
TIE_RUPIAH = 1


def _name(value, names) -> str:
    """A proposal's name for the page: the village's label for its id, else the optimizer's name."""
    if not isinstance(value, str):
        return str(value)
    if value in names:
        return names[value]
    match = _LABEL.match(value)
    if match:
        return names.get(match["id"], match["name"] or match["id"])
    return value


def _cases(value) -> str:
    return format_cases(float(value)) if value is not None else "–"


def _per_case(per_million) -> str:
    """Impact per Rp 1 million as Rupiah per case averted, to two significant figures."""
    if not per_million or per_million <= 0:
        return _("tanpa dampak")
    return format_rupiah(significant(1_000_000 / float(per_million)))


def _generic(code, params, names, lang) -> str:
    """The optimizer's own template for `code`, its figures formatted for people."""
    template = optimizer.messages.TEMPLATES.get(code)
    if template is None:
        return ""
    shown = {}
    for key, value in params.items():
        if key.endswith("_rp"):
            shown[key] = format_rupiah(value) if value is not None else "–"
        elif key.endswith("_impact"):
            shown[key] = _cases(value)
        elif key.endswith("_share"):
            shown[key] = format_percent(float(value), 1, trim=True) if value is not None else "–"
        elif key.endswith("_list"):
            shown[key] = ", ".join(_name(item, names) for item in value)
        elif key.endswith("_items"):
            shown[key] = "; ".join(sentence(item, names, lang) for item in value)
        elif key in ("proposal", "other"):
            shown[key] = f'"{_name(value, names)}"'
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            shown[key] = format_number(value) if float(value).is_integer() else format_cases(value)
        else:
            shown[key] = value
    try:
        return template[0 if lang == "id" else 1].format(**shown)
    except (KeyError, IndexError, ValueError):
        return ""


def _units(params) -> str:
    units = params.get("units")
    return format_number(units) if isinstance(units, (int, float)) else str(units or "")


def _worded(code, p, names):
    """The sentence for the codes a village reads most, or None for the generic rendering."""
    if code == "funded_loss":
        loss = float(p.get("loss_impact") or 0)
        if round(loss, cases_digits(loss)) == 0:
            return _("Didanai %(units)s unit (%(cost)s). Tanpa kegiatan ini, perkiraan kasus tercegah hampir "
                     "tidak berubah (tetap sekitar %(total)s).",
                     units=_units(p), cost=format_rupiah(p.get("cost_rp") or 0), total=_cases(p.get("total_impact")))
        return _("Didanai %(units)s unit (%(cost)s). Tanpa kegiatan ini, perkiraan kasus tercegah turun sekitar "
                 "%(loss)s (dari %(total)s menjadi %(without)s).",
                 units=_units(p), cost=format_rupiah(p.get("cost_rp") or 0), loss=_cases(loss),
                 total=_cases(p.get("total_impact")), without=_cases(p.get("without_impact")))
    if code == "funded_no_loss":
        return _("Didanai %(units)s unit (%(cost)s). Kegiatan lain dapat menggantikannya: tanpa kegiatan ini "
                 "perkiraan kasus tercegah tetap sekitar %(total)s.",
                 units=_units(p), cost=format_rupiah(p.get("cost_rp") or 0), total=_cases(p.get("total_impact")))
    if code == "reason_tie":
        return _("Sama baiknya dengan rencana yang dipilih, tetapi tidak lebih baik; rencana yang dipilih lebih "
                 "murah atau sama.")
    if code == "reason_no_impact":
        return _("Tidak ada perkiraan dampak untuk kegiatan ini, jadi perhitungan tidak memilihnya.")
    if code == "enter_cost_drop":
        drop, new_cost = p.get("drop_rp") or 0, p.get("new_cost_rp")
        if new_cost is not None and new_cost <= 0:
            return _("Kegiatan ini baru akan didanai jika tanpa biaya.")
        if drop <= TIE_RUPIAH:
            return _("Sama baiknya dengan kegiatan yang didanai: sedikit lebih murah saja, kegiatan ini akan "
                     "didanai.")
        return _("Kegiatan ini akan didanai jika biayanya turun %(drop)s (dari %(cost)s menjadi %(new)s untuk "
                 "%(units)s unit).", drop=format_rupiah(drop), cost=format_rupiah(p.get("cost_rp") or 0),
                 new=format_rupiah(new_cost or 0), units=_units(p))
    if code == "enter_never":
        return _("Walaupun gratis, kegiatan ini tidak akan didanai: rencana dengannya tidak mencapai perkiraan "
                 "%(total)s kasus tercegah.", total=_cases(p.get("total_impact")))
    if code in ("efficiency", "efficiency_alone"):
        own = p.get("per_million_impact")
        if not own or own <= 0:
            return _("Menurut model, kegiatan ini sendiri tidak mencegah kasus stunting.")
        low, high = p.get("funded_low_impact"), p.get("funded_high_impact")
        if code == "efficiency_alone" or not high or high <= 0:
            return _("Biaya per kasus tercegah: %(cost)s.", cost=_per_case(own))
        if not low or low <= 0:
            return _("Biaya per kasus tercegah: %(cost)s (kegiatan yang didanai paling hemat: %(cheap)s).",
                     cost=_per_case(own), cheap=_per_case(high))
        return _("Biaya per kasus tercegah: %(cost)s (kegiatan yang didanai: %(cheap)s sampai %(dear)s).",
                 cost=_per_case(own), cheap=_per_case(high), dear=_per_case(low))
    return None


def sentence(message, names=None, lang: str = "id") -> str:
    """One optimizer sentence ({"code", "params"}) in the user's words, in `lang`."""
    if not message:
        return ""
    names = names or {}
    code, params = message.get("code"), dict(message.get("params") or {})
    with force_locale(lang):
        text = _worded(code, params, names)
        if text is None:
            text = _generic(code, params, names, lang)
    return text or message.get("text", {}).get(lang) or message.get("text", {}).get("id", "")


def explanation(messages, names=None, lang: str = "id") -> str:
    """The sentences explaining one proposal, joined."""
    return " ".join(filter(None, (sentence(m, names, lang) for m in messages or ())))
