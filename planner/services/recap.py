"""A kecamatan's or kabupaten's recap: one sheet of villages, one of committed activities with
their APBDes codes — XLSX (both sheets) or CSV (one). Built from the dashboard rows and one query
for the activities of every village's latest commitment, so it stays fast for thousands of villages."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..documents.tables import COUNT_FORMAT, RUPIAH_FORMAT, SHARE_FORMAT, Table, write_csv, write_xlsx
from ..domain import CATEGORIES, FUNDING_SOURCES, PACKAGES, TARGET_GROUPS
from ..formatting import format_months
from ..extensions import db
from ..models import Commitment, CommitmentActivity, Plan, Region
from .oversight import STATUSES, _desa_query


def villages_table(rows) -> Table:
    data = [[r.code, r.name, r.kecamatan_name, str(STATUSES[r.status]), r.pagu if r.plan_id else None,
             r.stunting_budget if r.plan_id else None, r.stunting_share, r.committed, r.spent if r.committed else None,
             r.spent_share, f"{r.packages_count}/5",
             ", ".join(str(TARGET_GROUPS.get(g, g)) for g in sorted(r.groups)),
             r.stunted_children if r.plan_id else None, _("ya") if r.priority else "",
             "; ".join(f"{f.label}" + (f" ({f.detail})" if f.detail else "") for f in r.flags)]
            for r in rows]
    return Table(_("Desa"), [_("Kode desa"), _("Desa"), _("Kecamatan"), _("Status"), _("Pagu Dana Desa"),
                             _("Anggaran stunting"), _("Porsi dari pagu"), _("Komitmen"), _("Realisasi"),
                             _("Porsi realisasi"), _("Paket layanan"), _("Sasaran tercakup"), _("Anak stunting"),
                             _("Desa lokus"), _("Tanda")],
                 data, formats={4: RUPIAH_FORMAT, 5: RUPIAH_FORMAT, 6: SHARE_FORMAT, 7: RUPIAH_FORMAT, 8: RUPIAH_FORMAT,
                                9: SHARE_FORMAT, 12: COUNT_FORMAT},
                 widths={0: 16, 1: 24, 2: 20, 11: 40, 14: 60})


def activities_table(region, year) -> Table:
    desa_ids = _desa_query(region).scalar_subquery()
    latest = (select(Commitment.plan_id, func.max(Commitment.version).label("version"))
              .join(Plan, Plan.id == Commitment.plan_id)
              .where(Plan.desa_id.in_(desa_ids), Plan.year == year).group_by(Commitment.plan_id).subquery())
    query = (select(Region.code, Region.name, Commitment.version, CommitmentActivity.apbdes_code,
                    CommitmentActivity.name, CommitmentActivity.location, CommitmentActivity.package,
                    CommitmentActivity.category, CommitmentActivity.target_group, CommitmentActivity.units,
                    CommitmentActivity.unit, CommitmentActivity.unit_cost, CommitmentActivity.cost,
                    CommitmentActivity.funding_source, CommitmentActivity.implementer, CommitmentActivity.months)
             .join(Commitment, Commitment.id == CommitmentActivity.commitment_id)
             .join(latest, (Commitment.plan_id == latest.c.plan_id) & (Commitment.version == latest.c.version))
             .join(Plan, Plan.id == Commitment.plan_id).join(Region, Region.id == Plan.desa_id)
             .order_by(Region.code, CommitmentActivity.apbdes_code, CommitmentActivity.id))
    data = [[code, name, version, apbdes or "", activity, location or "", str(PACKAGES.get(package, package)),
             str(CATEGORIES.get(category, category)), str(TARGET_GROUPS.get(group, group)), units, unit, unit_cost, cost,
             str(FUNDING_SOURCES.get(source or "dd", source)), implementer or "", format_months(months)]
            for (code, name, version, apbdes, activity, location, package, category, group, units, unit, unit_cost,
                 cost, source, implementer, months) in db.session.execute(query)]
    return Table(_("Kegiatan"), [_("Kode desa"), _("Desa"), _("Versi komitmen"), _("Kode APBDes"), _("Kegiatan"),
                                 _("Lokasi"), _("Paket layanan"), _("Kategori"), _("Sasaran"), _("Volume"), _("Satuan"),
                                 _("Harga satuan"), _("Jumlah biaya"), _("Sumber dana"), _("Pelaksana"),
                                 _("Waktu pelaksanaan")],
                 data, formats={9: COUNT_FORMAT, 11: RUPIAH_FORMAT, 12: RUPIAH_FORMAT},
                 widths={1: 24, 4: 40, 5: 22, 6: 24, 13: 22, 14: 26, 15: 18})


def recap_xlsx(region, year, rows) -> bytes:
    return write_xlsx([villages_table(rows), activities_table(region, year)])


def recap_csv(region, year, rows, sheet="desa") -> bytes:
    return write_csv(activities_table(region, year) if sheet == "kegiatan" else villages_table(rows))
