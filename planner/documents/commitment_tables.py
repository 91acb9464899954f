"""A commitment's tables for the APBDes/RKPDes draft: the agreed activities, the scorecard's
"Penggunaan Dana Desa dalam Pencegahan Stunting", and a summary — from the snapshot only."""
from flask_babel import gettext as _

from ..domain import CATEGORIES, PACKAGES, PROPOSERS, TARGET_GROUPS
from .tables import COUNT_FORMAT, RUPIAH_FORMAT, SHARE_FORMAT, Table


def _label(mapping, code):
    return str(mapping.get(code, code or ""))


def activities_table(content: dict) -> Table:
    rows = [[a.get("apbdes_code") or "", a["name"], _label(PACKAGES, a["package"]), _label(CATEGORIES, a["category"]),
             _label(TARGET_GROUPS, a["target_group"]), a.get("location") or "", a["units"], a.get("unit") or "",
             a["unit_cost"], a["fixed_cost"], a["cost"], a.get("funding_source") or "",
             _label(PROPOSERS, a.get("responsible")) if a.get("responsible") else ""]
            for a in sorted(content["activities"], key=lambda a: (a.get("apbdes_code") or "~", a["name"]))]
    return Table(_("Kegiatan"), [_("Kode APBDes"), _("Kegiatan"), _("Paket layanan"), _("Kategori"), _("Sasaran"),
                                 _("Lokasi"), _("Volume"), _("Satuan"), _("Harga satuan"), _("Biaya tetap"),
                                 _("Jumlah biaya"), _("Sumber dana"), _("Penanggung jawab")],
                 rows, formats={6: COUNT_FORMAT, 8: RUPIAH_FORMAT, 9: RUPIAH_FORMAT, 10: RUPIAH_FORMAT},
                 widths={1: 40, 2: 24, 4: 22, 5: 20, 12: 20})


def scorecard_table(content: dict) -> Table:
    from ..services.commitments import scorecard

    rows = [[line.area or "–", line.label, line.total, line.stunting, line.share] for line in scorecard(content)]
    return Table(_("Penggunaan Dana Desa"), [_("Bidang"), _("Uraian"), _("Total alokasi APBDes"),
                                              _("Alokasi pencegahan stunting"), _("Porsi")],
                 rows, formats={2: RUPIAH_FORMAT, 3: RUPIAH_FORMAT, 4: SHARE_FORMAT}, widths={1: 45, 2: 22, 3: 26})


def summary_table(content: dict, content_hash: str) -> Table:
    village, totals = content["village"], content["totals"]
    rows = [[_("Desa"), f"{village['name']} ({village['code']})"], [_("Kecamatan"), village["kecamatan"]],
            [_("Kabupaten"), village["kabupaten"]], [_("Tahun anggaran"), content["year"]],
            [_("Versi komitmen"), content["commitment_version"]], [_("Tanggal rembuk"), content["session"]["held_on"]],
            [_("Disahkan"), content["committed_at"]], [_("Kode isi (SHA-256)"), content_hash],
            [_("Anggaran stunting"), content["budget"]["stunting_budget"]], [_("Jumlah biaya kegiatan"), totals["cost"]],
            [_("Perkiraan kasus stunting tercegah"), round(totals["impact"], 4)]]
    rows += [[_("Paket: %(p)s", p=_label(PACKAGES, code)), totals["by_package"].get(code, 0)] for code in PACKAGES]
    rows += [[_("Kategori: %(c)s", c=_label(CATEGORIES, code)), totals["by_category"].get(code, 0)] for code in CATEGORIES]
    return Table(_("Ringkasan"), [_("Uraian"), _("Nilai")], rows, formats={1: COUNT_FORMAT}, widths={0: 36, 1: 70})
