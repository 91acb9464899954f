"""A commitment's tables for the APBDes/RKPDes draft: the agreed activities, the scorecard's
"Penggunaan Dana Desa dalam Pencegahan Stunting", the pledges of other bodies and a summary —
from the snapshot only. Times are Jakarta's; words are the page's language."""
from datetime import date

from flask_babel import gettext as _

from ..activity_names import names_told_apart
from ..domain import CATEGORIES, FUNDING_SOURCES, PACKAGES, TARGET_GROUPS
from ..formatting import cases_digits, format_months, impact_range, parse_moment, spreadsheet_datetime
from ..services.commitments import activity_implementer, activity_source, scorecard
from .tables import COUNT_FORMAT, RUPIAH_FORMAT, SHARE_FORMAT, Table


def _label(mapping, code):
    return str(mapping.get(code, code or ""))


def activities_table(content: dict) -> Table:
    activities = sorted(content["activities"], key=lambda a: (a.get("apbdes_code") or "~", a["name"],
                                                              a.get("location") or ""))
    labels = names_told_apart(activities)
    rows = [[a.get("apbdes_code") or "", label, a.get("location") or "", _label(PACKAGES, a["package"]),
             _label(CATEGORIES, a["category"]), _label(TARGET_GROUPS, a["target_group"]), a["units"],
             a.get("unit") or "", a["unit_cost"], a["fixed_cost"], a["cost"], _label(FUNDING_SOURCES, activity_source(a)),
             activity_implementer(a), format_months(a.get("months")),
             int(a["people"]) if a.get("people") is not None else None,
             round(a.get("impact") or 0, cases_digits(a.get("impact") or 0))]
            for label, a in zip(labels, activities)]
    return Table(_("Kegiatan"), [_("Kode APBDes"), _("Kegiatan"), _("Lokasi"), _("Paket layanan"), _("Kategori"),
                                 _("Sasaran"), _("Volume"), _("Satuan"), _("Harga satuan"), _("Biaya tetap"),
                                 _("Jumlah biaya"), _("Sumber dana"), _("Pelaksana"), _("Waktu pelaksanaan"),
                                 _("Orang terjangkau"), _("Perkiraan kasus tercegah (model)")],
                 rows, formats={6: COUNT_FORMAT, 8: RUPIAH_FORMAT, 9: RUPIAH_FORMAT, 10: RUPIAH_FORMAT, 14: COUNT_FORMAT},
                 widths={1: 44, 2: 22, 3: 24, 5: 22, 11: 22, 12: 26, 13: 20, 15: 18})


def scorecard_table(content: dict) -> Table:
    rows = [[line.area or "–", line.label, line.total, line.stunting, line.share] for line in scorecard(content)]
    return Table(_("Penggunaan Dana Desa"), [_("Bidang"), _("Uraian"), _("Total alokasi APBDes"),
                                              _("Alokasi pencegahan stunting"), _("Porsi")],
                 rows, formats={2: RUPIAH_FORMAT, 3: RUPIAH_FORMAT, 4: SHARE_FORMAT}, widths={1: 45, 2: 22, 3: 26})


def pledges_table(content: dict) -> Table:
    rows = [[p["body"], p["what"], format_months(p.get("months"))] for p in content.get("pledges") or []]
    return Table(_("Komitmen lembaga lain"), [_("Lembaga"), _("Komitmen"), _("Waktu pelaksanaan")], rows,
                 widths={0: 28, 1: 70, 2: 20})


def summary_table(content: dict, content_hash: str) -> Table:
    village, totals = content["village"], content["totals"]
    rows = [[_("Desa"), f"{village['name']} ({village['code']})"], [_("Kecamatan"), village["kecamatan"]],
            [_("Kabupaten"), village["kabupaten"]], [_("Tahun anggaran"), content["year"]],
            [_("Versi komitmen"), content["commitment_version"]],
            [_("Tanggal rembuk"), _iso_date(content["session"]["held_on"])],
            [_("Disahkan (WIB)"), spreadsheet_datetime(parse_moment(content["committed_at"]))],
            [_("Kode pengaman dokumen"), content_hash],
            [_("Anggaran stunting (Dana Desa)"), content["budget"]["stunting_budget"]],
            [_("Jumlah biaya kegiatan Dana Desa"), totals["cost"]],
            [_("Perkiraan kasus stunting tercegah (perkiraan model)"),
             impact_range(totals["impact"], *_range(totals))]]
    for code, amount in (totals.get("by_source") or {}).items():
        if code != "dd":
            rows.append([_("Kegiatan dari %(source)s", source=_label(FUNDING_SOURCES, code)), amount])
    rows += [[_("Paket: %(p)s", p=_label(PACKAGES, code)), totals["by_package"].get(code, 0)] for code in PACKAGES]
    rows += [[_("Kategori: %(c)s", c=_label(CATEGORIES, code)), totals["by_category"].get(code, 0)] for code in CATEGORIES]
    return Table(_("Ringkasan"), [_("Uraian"), _("Nilai")], rows, formats={1: COUNT_FORMAT}, widths={0: 44, 1: 70})


def _range(totals) -> tuple:
    found = totals.get("impact_range") or {}
    return found.get("low"), found.get("high")


def _iso_date(text):
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return text
