"""A kecamatan's or kabupaten's recap to send upward, as XLSX or CSV.

The XLSX holds: a summary (title, period, the date the figures are as of, totals with spending
per quarter, and per kecamatan for a kabupaten); every village (status, money, spending per
quarter and the last quarter reported, packages, flags) with a totals row; for a kabupaten one
sheet per kecamatan with its villages; every committed activity with its location, volume, unit
price, fixed cost (volume × unit price + fixed cost = the row's cost), APBDes code and spending
per quarter; and the scorecard's Dana Desa table. A CSV holds one of them (`CSV_SHEETS`).

Villages come from the dashboard's rows (services.oversight: one row per village, read from
the plan summaries) so the recap's totals are the dashboard's and the API's. Activities are
read with one query and written as they arrive; the CSV streams and the XLSX is written to a
temporary file, so a province's recap does not sit in memory.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ..documents.tables import COUNT_FORMAT, RUPIAH_FORMAT, SHARE_FORMAT, Table, iter_csv, write_csv, xlsx_file
from ..domain import CATEGORIES, PACKAGES, TARGET_GROUPS
from ..extensions import db
from ..formatting import format_date, format_months
from ..models import Commitment, CommitmentActivity, Plan, Realisation, Region
from .oversight import QUARTER_NAMES, STATUSES, kecamatan_rows, latest_versions
from .oversight import today as oversight_today
from .oversight import totals
from .scorecard import region_scorecard

# Beyond this many committed activities (a province, not a kabupaten) the XLSX's activities sheet
# points to the CSV, which streams: openpyxl writes ≈14 µs per cell, so 120,000 activity rows
# would hold a web worker for half a minute or more (docs/performance.md).
XLSX_ACTIVITY_LIMIT = 30_000
CSV_SHEETS = ("desa", "kegiatan", "kecamatan")


def _title(region, year, what, context) -> list:
    level = {"kabupaten": _("Kabupaten/Kota"), "kecamatan": _("Kecamatan")}.get(region.level, "")
    return [_("%(what)s — %(level)s %(name)s (%(code)s), tahun anggaran %(year)s", what=what, level=level,
              name=region.name, code=region.code, year=year),
            _("Periode: 1 Januari–31 Desember %(year)s. Keadaan per %(date)s: realisasi dari triwulan yang sudah "
              "dilaporkan desa pada tanggal itu. Dibuat %(today)s.", year=year,
              date=format_date(context.as_of, "long"), today=format_date(oversight_today(), "long"))]


def _quarter_headers():
    return [_("Realisasi Tw %(q)s", q=QUARTER_NAMES[q]) for q in range(1, 5)]


# --- Villages --------------------------------------------------------------------------------------------------

VILLAGE_FORMATS = {4: RUPIAH_FORMAT, 5: RUPIAH_FORMAT, 6: SHARE_FORMAT, 7: RUPIAH_FORMAT, 8: RUPIAH_FORMAT,
                   9: RUPIAH_FORMAT, 10: RUPIAH_FORMAT, 11: RUPIAH_FORMAT, 12: RUPIAH_FORMAT, 13: SHARE_FORMAT,
                   16: COUNT_FORMAT, 20: RUPIAH_FORMAT, 21: RUPIAH_FORMAT, 22: SHARE_FORMAT}


def _village_headers():
    return [_("Kode desa"), _("Desa"), _("Kecamatan"), _("Status"), _("Pagu Dana Desa"), _("Anggaran stunting"),
            _("Porsi anggaran stunting"), _("Komitmen"), *_quarter_headers(), _("Realisasi"), _("Porsi realisasi"),
            _("Triwulan terakhir dilaporkan"), _("Paket layanan"), _("Anak stunting"), _("Desa lokus"),
            _("Perlu perhatian"), _("Tanda"), _("Pagu ADD"), _("Komitmen stunting dari ADD"),
            _("Porsi stunting ADD")]


def _add_share(pagu_add, committed_add):
    return committed_add / pagu_add if pagu_add else None


def _village_row(r) -> list:
    quarters = [r.quarters[q] if r.committed else None for q in range(4)]
    return [r.code, r.name, r.kecamatan_name, str(STATUSES[r.status]), r.pagu if r.plan_id else None,
            r.stunting_budget if r.plan_id else None, r.stunting_share, r.committed, *quarters,
            r.spent if r.committed else None, r.spent_share,
            QUARTER_NAMES[r.last_reported] if r.last_reported else "", f"{r.packages_count}/5",
            r.stunted_children if r.plan_id else None, _("ya") if r.priority else "",
            _("ya") if r.needs_attention else "",
            "; ".join(f"{f.label} ({f.severity_label})" + (f": {f.detail}" if f.detail else "") for f in r.flags),
            r.pagu_add if r.plan_id else None, r.add_committed if r.committed else None,
            _add_share(r.pagu_add, r.add_committed) if r.committed else None]


def _village_totals(rows) -> list:
    t = totals(rows)
    return [_("Jumlah"), _("%(n)s desa", n=t.villages), "", _("%(n)s berkomitmen", n=t.committed_villages), t.pagu,
            t.stunting_budget, t.stunting_share, t.committed, *t.quarters, t.spent, t.spent_share, "", "",
            t.stunted_children, "", str(t.attention_villages), "", sum(r.pagu_add for r in rows),
            sum(r.add_committed for r in rows),
            _add_share(sum(r.pagu_add for r in rows if r.committed), sum(r.add_committed for r in rows))]


def villages_table(region, year, rows, context, title=None, kecamatan=None, lines=None) -> Table:
    """Every village (or those of one kecamatan), with a totals row. `lines`: {desa id: its line}
    already written (a kabupaten's workbook shows each village twice; its flags are worded once)."""
    shown = [r for r in rows if kecamatan is None or r.kecamatan_id == kecamatan.id]
    name = title or _("Desa")
    what = _("Rekap desa") if kecamatan is None else _("Rekap desa Kecamatan %(name)s", name=kecamatan.name)
    data = [lines[r.desa_id] if lines is not None else _village_row(r) for r in shown]
    return Table(name, _village_headers(), data, formats=VILLAGE_FORMATS,
                 widths={0: 16, 1: 22, 2: 18, 18: 50}, title_lines=_title(region, year, what, context),
                 totals=_village_totals(shown))


# --- Summary and kecamatan ---------------------------------------------------------------------------------------

def kecamatan_table(region, year, rows, context) -> Table:
    data = [[k.code, k.name, k.villages, k.with_plan, k.committed_villages, k.pagu, k.stunting_budget, k.committed,
             *k.quarters, k.spent, k.spent_share, k.attention_villages] for k in kecamatan_rows(rows)]
    t = totals(rows)
    return Table(_("Kecamatan"), [_("Kode kecamatan"), _("Kecamatan"), _("Desa"), _("Ada rencana"), _("Berkomitmen"),
                                  _("Pagu Dana Desa"), _("Anggaran stunting"), _("Komitmen"), *_quarter_headers(),
                                  _("Realisasi"), _("Porsi realisasi"), _("Desa perlu perhatian")],
                 data, formats={5: RUPIAH_FORMAT, 6: RUPIAH_FORMAT, 7: RUPIAH_FORMAT, 8: RUPIAH_FORMAT,
                                9: RUPIAH_FORMAT, 10: RUPIAH_FORMAT, 11: RUPIAH_FORMAT, 12: RUPIAH_FORMAT,
                                13: SHARE_FORMAT}, widths={1: 22},
                 title_lines=_title(region, year, _("Rekap per kecamatan"), context),
                 totals=[_("Jumlah"), "", t.villages, t.with_plan, t.committed_villages, t.pagu, t.stunting_budget,
                         t.committed, *t.quarters, t.spent, t.spent_share, t.attention_villages])


def summary_table(region, year, rows, context) -> Table:
    t = totals(rows)
    lines = [[_("Desa"), t.villages], [_("Desa dengan rencana"), t.with_plan],
             [_("Desa berkomitmen"), t.committed_villages], [_("Pagu Dana Desa"), t.pagu],
             [_("Anggaran stunting"), t.stunting_budget], [_("Komitmen"), t.committed],
             [_("Pagu ADD"), sum(r.pagu_add for r in rows)],
             [_("Komitmen stunting dari ADD"), sum(r.add_committed for r in rows)]]
    lines += [[_("Realisasi triwulan %(q)s (%(n)s desa melapor)", q=QUARTER_NAMES[q + 1], n=t.reported[q]),
               t.quarters[q]] for q in range(4)]
    lines += [[_("Realisasi"), t.spent], [_("Desa perlu perhatian"), t.attention_villages],
              [_("Desa bertanda"), t.flagged_villages]]
    return Table(_("Ringkasan"), [_("Uraian"), _("Nilai")], lines, formats={1: COUNT_FORMAT}, widths={0: 44, 1: 24},
                 title_lines=_title(region, year, _("Rekap rencana stunting desa"), context))


# --- Activities ----------------------------------------------------------------------------------------------------

def _activity_rows(region, year, rows):
    """Every Dana Desa activity of the region's latest commitments, in village and code order, with
    what was spent per quarter (blank for a quarter the village had not reported by the date).
    Activities paid from other sources stay on the village's own documents: the recap's totals are
    the Dana Desa's, as the dashboard's are."""
    reported = {r.plan_id: r.quarters for r in rows if r.plan_id is not None}
    latest = latest_versions(region, year)
    spent = (select(Realisation.plan_id, Realisation.activity_key,
                    *(func.sum(case((Realisation.quarter == q, Realisation.spent), else_=0)).label(f"q{q}")
                      for q in range(1, 5)))
             .where(Realisation.plan_id.in_(select(latest.c.plan_id)))
             .group_by(Realisation.plan_id, Realisation.activity_key).subquery())
    query = (select(Region.code, Region.name, Commitment.plan_id, Commitment.version, CommitmentActivity.apbdes_code,
                    CommitmentActivity.name, CommitmentActivity.package, CommitmentActivity.category,
                    CommitmentActivity.target_group, CommitmentActivity.location, CommitmentActivity.units,
                    CommitmentActivity.unit, CommitmentActivity.unit_cost, CommitmentActivity.cost,
                    CommitmentActivity.implementer, CommitmentActivity.months, spent.c.q1, spent.c.q2, spent.c.q3, spent.c.q4)
             .join(Commitment, Commitment.id == CommitmentActivity.commitment_id)
             .join(latest, (Commitment.plan_id == latest.c.plan_id) & (Commitment.version == latest.c.version))
             .join(Plan, Plan.id == Commitment.plan_id).join(Region, Region.id == Plan.desa_id)
             .outerjoin(spent, (spent.c.plan_id == Commitment.plan_id) & (spent.c.activity_key == CommitmentActivity.key))
             .where(CommitmentActivity.funding_source == "dd")
             .order_by(Region.code, CommitmentActivity.apbdes_code, CommitmentActivity.id)
             .execution_options(yield_per=2000))
    labels = ({k: str(v) for k, v in PACKAGES.items()}, {k: str(v) for k, v in CATEGORIES.items()},
              {k: str(v) for k, v in TARGET_GROUPS.items()})
    for (code, name, plan_id, version, apbdes, activity, package, category, group, location, units, unit, unit_cost,
         cost, implementer, months, *quarters) in db.session.execute(query):
        counted = reported.get(plan_id) or [None] * 4
        by_quarter = [int(quarters[q] or 0) if counted[q] is not None else None for q in range(4)]
        fixed = cost - units * unit_cost
        yield [code, name, version, apbdes or _("(tanpa kode)"), activity, labels[0].get(package, package),
               labels[1].get(category, category), labels[2].get(group, group), location or "", units, unit, unit_cost,
               fixed, cost, *by_quarter, sum(v for v in by_quarter if v is not None), implementer or "",
               format_months(months)]


def activities_table(region, year, rows, context) -> Table:
    t = totals(rows)
    return Table(_("Kegiatan"), [_("Kode desa"), _("Desa"), _("Versi komitmen"), _("Kode APBDes"), _("Kegiatan"),
                                 _("Paket layanan"), _("Kategori"), _("Sasaran"), _("Lokasi"), _("Volume"), _("Satuan"),
                                 _("Harga satuan"), _("Biaya tetap"), _("Jumlah biaya"), *_quarter_headers(),
                                 _("Realisasi"), _("Pelaksana"), _("Waktu pelaksanaan")],
                 _activity_rows(region, year, rows),
                 formats={9: COUNT_FORMAT, 11: RUPIAH_FORMAT, 12: RUPIAH_FORMAT, 13: RUPIAH_FORMAT, 14: RUPIAH_FORMAT,
                          15: RUPIAH_FORMAT, 16: RUPIAH_FORMAT, 17: RUPIAH_FORMAT, 18: RUPIAH_FORMAT},
                 widths={1: 20, 4: 40, 5: 24, 8: 22, 19: 26, 20: 18},
                 title_lines=_title(region, year, _("Kegiatan Dana Desa yang disepakati (komitmen terakhir tiap desa)"), context)
                 + [_("Volume × harga satuan + biaya tetap = jumlah biaya pada setiap baris.")],
                 totals=[_("Jumlah"), "", "", "", "", "", "", "", "", None, "", None, None, t.committed,
                         *[t.quarters[q] for q in range(4)], t.spent, "", ""])


# --- The Dana Desa table -------------------------------------------------------------------------------------------

def scorecard_table(region, year, card, context=None) -> Table:
    """The scorecard's "Penggunaan Dana Desa dalam Pencegahan Stunting" for the region: a line per
    village or kecamatan and bidang, then the region's own lines."""
    data = []
    for name, code, lines, _count in card.rows:
        for line in lines:
            data.append([code, name, line.area or "–", line.label, line.total, line.stunting, line.share])
    for line in card.lines:
        data.append([region.code, region.name, line.area or "–", line.label, line.total, line.stunting, line.share])
    title = [_("Penggunaan Dana Desa dalam Pencegahan Stunting — %(name)s (%(code)s), tahun anggaran %(year)s",
               name=region.name, code=region.code, year=year),
             _("Porsi wilayah dihitung dari desa yang sudah mengisi total bidang APBDes.")]
    return Table(_("Penggunaan Dana Desa"), [_("Kode"), _("Wilayah"), _("Bidang"), _("Uraian"),
                                              _("Total alokasi APBDes"), _("Alokasi pencegahan stunting"), _("Porsi")],
                 data, formats={4: RUPIAH_FORMAT, 5: RUPIAH_FORMAT, 6: SHARE_FORMAT}, widths={1: 24, 3: 40, 4: 22, 5: 26},
                 title_lines=title)


# --- Files -----------------------------------------------------------------------------------------------------------

def _tables(region, year, rows, context) -> list:
    lines = {r.desa_id: _village_row(r) for r in rows} if region.level == "kabupaten" else None
    tables = [summary_table(region, year, rows, context), villages_table(region, year, rows, context, lines=lines)]
    if region.level == "kabupaten":
        tables.append(kecamatan_table(region, year, rows, context))
        used = set()
        by_kecamatan = {}
        for r in rows:
            by_kecamatan.setdefault(r.kecamatan_id, []).append(r)
        for k in kecamatan_rows(rows):
            title = f"{k.code[-2:]} {k.name}"[:31]
            while title in used:
                title = title[:28] + f"~{len(used) % 100:02d}"
            used.add(title)
            kec = SimpleNamespace(id=k.id, code=k.code, name=k.name)
            tables.append(villages_table(region, year, by_kecamatan.get(k.id, []), context, title=title,
                                         kecamatan=kec, lines=lines))
    activity_count = sum(r.activity_count for r in rows)
    if activity_count <= XLSX_ACTIVITY_LIMIT:
        tables.append(activities_table(region, year, rows, context))
    else:
        tables.append(Table(_("Kegiatan"), [_("Catatan")], [[_(
            "%(n)s kegiatan: terlalu banyak untuk lembar XLSX ini. Unduh \"CSV kegiatan\" dari dasbor (berkas yang "
            "sama, dialirkan).", n=activity_count)]], widths={0: 100},
            title_lines=_title(region, year, _("Kegiatan Dana Desa yang disepakati (komitmen terakhir tiap desa)"), context)))
    card = region_scorecard(rows, by="desa" if region.level == "kecamatan" else "kecamatan")
    tables.append(scorecard_table(region, year, card, context))
    return tables


def recap_xlsx_file(region, year, rows, context):
    """The whole recap as an XLSX in a temporary file (rewound)."""
    return xlsx_file(_tables(region, year, rows, context))


def recap_csv_stream(region, year, rows, context, sheet="desa"):
    """One sheet of the recap as CSV bytes, streamed."""
    if sheet == "kegiatan":
        table = activities_table(region, year, rows, context)
    elif sheet == "kecamatan":
        table = kecamatan_table(region, year, rows, context)
    else:
        table = villages_table(region, year, rows, context)
    return iter_csv(table)


def csv_bytes(table) -> bytes:
    return write_csv(table)
