"""Audit Kasus Stunting (AKS): findings and recommendations per village and semester, and what the
village's plan does with them.

Counts only, never a person: no name, NIK or address is stored (UU 27/2022, docs/privacy.md). The
forms take numbers; an import refuses a file with a name, NIK or address column, or a cell that
looks like a NIK (16 digits).

Which plan answers which audit: a plan for year Y answers the recommendations of both audits of year
Y−1 and of the first semester of Y (an audit feeds the next rembuk, usually May–September, for the
next year's plan; one of the first semester can still change the same year's plan through a
perubahan). The second semester of Y is for the plan of Y+1. A recommendation is

- `funded`: a proposal linked to it is funded in the plan's latest commitment;
- `not_funded`: proposals answer it, but the commitment funds none of them;
- `proposed`: proposals answer it and the plan is not committed yet;
- `none`: no proposal answers it.

The rule "dahulukan usulan yang menjawab rekomendasi AKS" (`aks_first` in the plan's rules, or the
kabupaten's rule set) locks the linked Dana Desa proposals in when the plan file is built
(services.plan_file_builder), so the optimizer funds them first (at their minimum units, more when they are
worth it) and names the lock in its explanations.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Select, and_, func, or_, select

from ..domain import AKS_COUNT_UNITS, TARGET_GROUPS
from ..extensions import db
from ..formatting import format_number
from ..models import AksFinding, AksRecommendation, CatalogueItem, Commitment, CommitmentActivity, Plan, Proposal
from . import ServiceError, audit, uploads
from .team import missing_by_village

MAX_COUNT = 100_000
TEXT_LIMITS = {"cause": 200, "intervention": 200, "responsible": 120}
MIN_YEAR, MAX_YEAR = 2018, 2100

STATUSES = {
    "funded": _l("didanai"),
    "not_funded": _l("diusulkan, tidak didanai"),
    "proposed": _l("diusulkan"),
    "none": _l("belum ada usulan"),
}


def answered_by(plan_year: int):
    """The SQL condition on AksRecommendation for the audits a plan for `plan_year` answers."""

    return or_(AksRecommendation.year == plan_year - 1,
               and_(AksRecommendation.year == plan_year, AksRecommendation.semester == 1))


def plan_recommendations(plan) -> list:
    """The recommendations a plan answers or should answer (see `answered_by`), newest first."""
    return list(db.session.scalars(select(AksRecommendation).where(
        AksRecommendation.desa_id == plan.desa_id, answered_by(plan.year))
        .order_by(AksRecommendation.year.desc(), AksRecommendation.semester.desc(), AksRecommendation.id)))


def semester_label(year: int, semester: int) -> str:
    return _("Semester %(s)s %(y)s", s="I" if semester == 1 else "II", y=year)


# --- Checking values ---------------------------------------------------------------------------------------

def _whole(value, errors, name, minimum, maximum=MAX_COUNT):
    if value is None or value == "":
        errors[name] = [_("Isi jumlahnya (angka bulat).")]
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = [_("Tulis angka bulat, misalnya 3.")]
        return None
    if value < minimum:
        errors[name] = [_("Paling sedikit %(n)s.", n=minimum)]
        return None
    if value > maximum:
        errors[name] = [_("Paling banyak %(n)s.", n=format_number(maximum))]
        return None
    return value


def _period(values, errors):
    year, semester = values.get("year"), values.get("semester")
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = [_("Isi tahun audit antara %(a)s dan %(b)s.", a=MIN_YEAR, b=MAX_YEAR)]
    if semester not in (1, 2):
        errors["semester"] = [_("Pilih semester I atau II.")]
    return year, semester


def _text(values, name, errors, required_message=None):
    text = (values.get(name) or "").strip() if isinstance(values.get(name), str) else ""
    if required_message and not text:
        errors[name] = [required_message]
    elif len(text) > TEXT_LIMITS[name]:
        errors[name] = [_("Paling banyak %(n)s huruf.", n=TEXT_LIMITS[name])]
    elif looks_personal(text):
        errors[name] = [_("Jangan menulis NIK atau nomor pribadi: AKS di aplikasi ini hanya mencatat jumlah.")]
    return text


_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


def looks_personal(text: str) -> bool:
    """True for text holding a 16-digit number (a NIK or a family card number)."""
    return bool(_NIK.search(re.sub(r"[\s.\-]", "", text or "")))


def check_finding(values: dict) -> dict:
    """Clean finding values, or raise ServiceError with messages per field."""
    errors = {}
    year, semester = _period(values, errors)
    group = values.get("target_group")
    if group not in TARGET_GROUPS:
        errors["target_group"] = [_("Pilih kelompok sasaran.")]
    cause = _text(values, "cause", errors, _("Tulis penyebabnya, misalnya KEK atau tanpa jamban sehat."))
    count = _whole(values.get("count"), errors, "count", 1)
    if errors:
        raise ServiceError(errors)
    return dict(year=year, semester=semester, target_group=group, cause=cause, count=count)


def check_recommendation(values: dict, kabupaten) -> dict:
    """Clean recommendation values (the catalogue item must be the kabupaten's), or raise ServiceError."""
    errors = {}
    year, semester = _period(values, errors)
    group = values.get("target_group")
    if group not in TARGET_GROUPS:
        errors["target_group"] = [_("Pilih kelompok sasaran.")]
    intervention = _text(values, "intervention", errors,
                         _("Tulis intervensi yang direkomendasikan, misalnya PMT ibu hamil KEK."))
    responsible = _text(values, "responsible", errors)
    count = _whole(values.get("count"), errors, "count", 1)
    unit = values.get("count_unit") or "orang"
    if unit not in AKS_COUNT_UNITS:
        errors["count_unit"] = [_("Pilih orang atau keluarga.")]
    due = values.get("due")
    if due is not None and not isinstance(due, date):
        errors["due"] = [_("Tanggal tidak dikenali; tulis seperti 30/06/2027.")]
    item_id = values.get("catalogue_item_id")
    item = None
    if item_id not in (None, "", 0):
        item = db.session.get(CatalogueItem, item_id) if isinstance(item_id, int) else None
        if item is None or item.region_id != kabupaten.id or not item.active:
            errors["catalogue_item_id"] = [_("Kegiatan katalog tidak dikenal di kabupaten ini.")]
    if not intervention and item is not None and "intervention" in errors:
        intervention = item.name
        errors.pop("intervention")
    if errors:
        raise ServiceError(errors)
    return dict(year=year, semester=semester, target_group=group, intervention=intervention,
                responsible=responsible, count=count, count_unit=unit, due=due,
                catalogue_item_id=item.id if item is not None else None)


# --- Changing -----------------------------------------------------------------------------------------------

def can_enter(user, desa) -> bool:
    """Kabupaten and kecamatan officers enter the audit's results for villages in their region."""
    return user.role in ("admin", "kecamatan") and user.region.contains(desa)


def add_finding(desa, user, values: dict) -> AksFinding:
    clean = check_finding(values)
    finding = AksFinding(desa_id=desa.id, **clean)
    db.session.add(finding)
    audit.record("aks.finding.add", region=desa, user=user, target=f"desa:{desa.code}",
                   count=clean["count"], cause=clean["cause"])
    db.session.commit()
    return finding


def add_recommendation(desa, user, values: dict) -> AksRecommendation:
    clean = check_recommendation(values, desa.kabupaten)
    recommendation = AksRecommendation(desa_id=desa.id, **clean)
    db.session.add(recommendation)
    audit.record("aks.recommendation.add", region=desa, user=user, target=f"desa:{desa.code}",
                   intervention=clean["intervention"], count=clean["count"])
    db.session.commit()
    return recommendation


def update_recommendation(recommendation, user, values: dict) -> AksRecommendation:
    """Correct a recommendation (a miscounted number, a later due date). Proposals stay linked; a
    committed plan's Berita Acara keeps the recommendation as it was when it was signed."""
    clean = check_recommendation(values, recommendation.desa.kabupaten)
    before = {name: getattr(recommendation, name) for name in clean}
    for name, value in clean.items():
        setattr(recommendation, name, value)
    changed = audit.changes(before, clean)
    if changed:
        audit.record("aks.recommendation.update", region=recommendation.desa, user=user,
                       target=f"desa:{recommendation.desa.code}", intervention=clean["intervention"],
                       fields=list(changed))
    db.session.commit()
    return recommendation


def delete_finding(finding, user) -> None:
    audit.record("aks.finding.delete", region=finding.desa, user=user, target=f"desa:{finding.desa.code}",
                   cause=finding.cause)
    db.session.delete(finding)
    db.session.commit()


def delete_recommendation(recommendation, user) -> None:
    """Delete a recommendation; proposals that answered it keep everything but the link."""
    audit.record("aks.recommendation.delete", region=recommendation.desa, user=user,
                   target=f"desa:{recommendation.desa.code}", intervention=recommendation.intervention)
    # Each plan whose proposals answered it says so in its own history (its commitments keep their
    # frozen Berita Acara as it was).
    for plan in {p.plan for p in recommendation.proposals}:
        audit.record("aks.recommendation.unlinked", plan=plan, user=user,
                       target=f"aks:{recommendation.id}", intervention=recommendation.intervention)
    db.session.execute(Proposal.__table__.update().where(Proposal.aks_recommendation_id == recommendation.id)
                       .values(aks_recommendation_id=None))
    db.session.delete(recommendation)
    db.session.commit()


# --- Reading ------------------------------------------------------------------------------------------------

def findings_of(desa, year: int | None = None) -> list:
    query = select(AksFinding).where(AksFinding.desa_id == desa.id)
    if year is not None:
        query = query.where(AksFinding.year == year)
    return list(db.session.scalars(query.order_by(AksFinding.year.desc(), AksFinding.semester.desc(),
                                                  AksFinding.target_group, AksFinding.id)))


def recommendations_of(desa, years=None) -> list:
    query = select(AksRecommendation).where(AksRecommendation.desa_id == desa.id)
    if years is not None:
        query = query.where(AksRecommendation.year.in_(list(years)))
    return list(db.session.scalars(query.order_by(AksRecommendation.year.desc(), AksRecommendation.semester.desc(),
                                                  AksRecommendation.id)))


def audit_periods(desa) -> list[tuple[int, int]]:
    """(year, semester) of every audit with findings or recommendations for the village, newest first."""
    periods = set(db.session.execute(select(AksFinding.year, AksFinding.semester)
                                     .where(AksFinding.desa_id == desa.id)).all())
    periods |= set(db.session.execute(select(AksRecommendation.year, AksRecommendation.semester)
                                      .where(AksRecommendation.desa_id == desa.id)).all())
    return sorted(((int(y), int(s)) for y, s in periods), reverse=True)


def get_recommendation(recommendation_id) -> AksRecommendation | None:
    return db.session.get(AksRecommendation, recommendation_id) if isinstance(recommendation_id, int) else None


def plan_choices(plan) -> list:
    """(id, label) of the recommendations a proposal of `plan` can answer."""
    return [(r.id, recommendation_label(r)) for r in plan_recommendations(plan)]


def recommendation_label(r) -> str:
    return _("%(what)s — %(n)s %(unit)s %(group)s (%(period)s)", what=r.intervention, n=format_number(r.count),
             unit=AKS_COUNT_UNITS.get(r.count_unit, r.count_unit), group=TARGET_GROUPS.get(r.target_group, ""),
             period=semester_label(r.year, r.semester))


def check_link(plan, raw) -> int | None:
    """The recommendation id a proposal of `plan` may answer, from a form value ("" = none).
    Raises ServiceError at the field for a recommendation of another village or period."""
    if raw in (None, "", "0", 0):
        return None
    try:
        rid = int(raw)
    except (TypeError, ValueError):
        rid = None
    if rid is None or rid not in {i for i, _label in plan_choices(plan)}:
        raise ServiceError({"aks_recommendation": [_("Rekomendasi AKS ini bukan untuk desa dan tahun rencana ini.")]})
    return rid


@dataclass
class RecommendationStatus:
    recommendation: AksRecommendation
    status: str
    proposals: list = field(default_factory=list)      # the plan's proposals answering it
    funded_units: int = 0
    funded_cost: int = 0

    @property
    def label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def answered(self) -> bool:
        return self.status != "none"


def funded_keys(commitment) -> dict:
    """{proposal id: (units, cost)} of the activities a commitment funds (every source)."""
    if commitment is None:
        return {}
    funded = {}
    for key, units, cost in db.session.execute(
            select(CommitmentActivity.key, CommitmentActivity.units, CommitmentActivity.cost)
            .where(CommitmentActivity.commitment_id == commitment.id)):
        if key.startswith("u") and key[1:].isdigit() and (units or 0) > 0:
            funded[int(key[1:])] = (int(units), int(cost or 0))
    return funded


def plan_statuses(plan) -> list[RecommendationStatus]:
    """Each recommendation the plan answers or should answer, with what the plan does about it."""
    recommendations = plan_recommendations(plan)
    if not recommendations:
        return []
    commitment = plan.latest_commitment
    funded = funded_keys(commitment)
    by_rec = {}
    for p in plan.proposals:
        if p.aks_recommendation_id is not None:
            by_rec.setdefault(p.aks_recommendation_id, []).append(p)
    result = []
    for r in recommendations:
        proposals = by_rec.get(r.id, [])
        units = sum(funded.get(p.id, (0, 0))[0] for p in proposals)
        cost = sum(funded.get(p.id, (0, 0))[1] for p in proposals)
        if not proposals:
            status = "none"
        elif commitment is None:
            status = "proposed"
        else:
            status = "funded" if units else "not_funded"
        result.append(RecommendationStatus(r, status, proposals, units, cost))
    return result


def snapshot(plan, funded_units: dict) -> list:
    """What the Berita Acara lists: each recommendation the plan should answer, the activities that
    answer it and whether the agreed plan funds them; the reason when it does not (not funded / no
    proposal). `funded_units`: {proposal id: units} of the commitment being built."""
    rows = []
    by_rec = {}
    for p in plan.proposals:
        if p.aks_recommendation_id is not None:
            by_rec.setdefault(p.aks_recommendation_id, []).append(p)
    for r in plan_recommendations(plan):
        proposals = by_rec.get(r.id, [])
        answering = [{"key": f"u{p.id}", "name": p.name, "location": p.location or "",
                      "units": int(funded_units.get(p.id, 0)), "unit": p.unit} for p in proposals]
        if not proposals:
            status = "none"
        elif any(a["units"] for a in answering):
            status = "funded"
        else:
            status = "not_funded"
        rows.append({"id": r.id, "year": r.year, "semester": r.semester, "intervention": r.intervention,
                     "target_group": r.target_group, "count": r.count, "count_unit": r.count_unit,
                     "responsible": r.responsible, "due": r.due.isoformat() if r.due else None,
                     "status": status, "activities": answering})
    return rows


@dataclass
class VillageCounts:
    total: int = 0
    answered: int = 0       # a proposal answers it (funded or not)
    funded: int = 0

    @property
    def not_yet(self) -> int:
        return self.total - self.answered


def village_counts(desa_ids, year: int) -> dict:
    """{desa id: VillageCounts} for the plans of `year`: recommendations of the audits a plan of that
    year answers, how many a proposal answers, how many the latest commitment funds. Four queries.
    `desa_ids`: ids, or a SELECT of them (a province's thousands of ids are not sent one by one)."""
    ids = desa_ids if isinstance(desa_ids, Select) else list(desa_ids)
    counts = {}
    if isinstance(ids, list) and not ids:
        return counts
    recs = {}
    for rid, desa_id in db.session.execute(select(AksRecommendation.id, AksRecommendation.desa_id).where(
            AksRecommendation.desa_id.in_(ids), answered_by(year))):
        recs[rid] = desa_id
        counts.setdefault(desa_id, VillageCounts()).total += 1
    if not recs:
        return counts
    linked = {}
    for pid, rid, plan_id in db.session.execute(
            select(Proposal.id, Proposal.aks_recommendation_id, Proposal.plan_id).join(Plan, Plan.id == Proposal.plan_id)
            .where(Proposal.aks_recommendation_id.in_(list(recs)), Plan.year == year)):
        linked.setdefault(rid, []).append((pid, plan_id))
    plan_ids = {plan_id for pairs in linked.values() for _pid, plan_id in pairs}
    funded = set()
    if plan_ids:

        latest = (select(Commitment.plan_id, func.max(Commitment.version).label("version"))
                  .where(Commitment.plan_id.in_(list(plan_ids))).group_by(Commitment.plan_id).subquery())
        for key, units in db.session.execute(
                select(CommitmentActivity.key, CommitmentActivity.units)
                .join(Commitment, Commitment.id == CommitmentActivity.commitment_id)
                .join(latest, (Commitment.plan_id == latest.c.plan_id) & (Commitment.version == latest.c.version))):
            if (units or 0) > 0 and key.startswith("u") and key[1:].isdigit():
                funded.add(int(key[1:]))
    for rid, pairs in linked.items():
        c = counts[recs[rid]]
        c.answered += 1
        if any(pid in funded for pid, _plan in pairs):
            c.funded += 1
    return counts


# --- The rule: fund the answering proposals first ------------------------------------------------------------

def rule_locks(plan, rules: dict) -> dict:
    """{proposal id: "in"} for the Dana Desa proposals answering a recommendation when the rule is on."""
    if not rules.get("aks_first"):
        return {}
    ids = {i for i, _label in plan_choices(plan)}
    return {p.id: "in" for p in plan.proposals
            if p.aks_recommendation_id in ids and p.from_dana_desa and p.aks_recommendation_id is not None}


# --- Import ------------------------------------------------------------------------------------------------

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
FINDING_SHEET = "Temuan"
RECOMMENDATION_SHEET = "Rekomendasi"
FINDING_COLUMNS = ("kode_desa", "tahun", "semester", "sasaran", "penyebab", "jumlah")
RECOMMENDATION_COLUMNS = ("kode_desa", "tahun", "semester", "intervensi", "kode_katalog", "sasaran", "jumlah",
                          "satuan", "pelaksana", "batas_waktu")
# Header words that mean a column of personal data: the whole file is refused.
PERSONAL_HEADERS = {"nama", "name", "nik", "alamat", "address", "kk", "no_kk", "nomor_kk", "nkk",
                    "tanggal_lahir", "tgl_lahir", "rt", "rw", "telepon", "hp", "no_hp"}
GROUP_CODES = {**{code: code for code in TARGET_GROUPS},
               **{str(label).lower(): code for code, label in TARGET_GROUPS.items()},
               "ibu nifas": "ibu_nifas", "remaja": "remaja_putri", "keluarga": "keluarga", "baduta": "baduta",
               "balita": "balita", "catin": "catin", "calon pengantin": "catin", "ibu hamil": "ibu_hamil"}


class AksImportError(Exception):
    """The file is refused as a whole; str() is the message."""


@dataclass
class ImportResult:
    findings: int = 0
    recommendations: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)     # "Lembar Temuan, baris 4, kolom jumlah: …"


def _header(value) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(value or "").strip().lower()).strip("_")


def personal_column(headers) -> str | None:
    """The first header naming personal data (a name, NIK, address…), else None."""
    for raw in headers:
        key = _header(raw)
        if not key:
            continue
        words = set(key.split("_"))
        if key in PERSONAL_HEADERS or words & {"nama", "name", "nik", "alamat", "address"}:
            return str(raw).strip()
    return None


def template_workbook() -> bytes:
    """The documented template: two sheets with their headers, one example row each, and a guide."""


    book = Workbook()
    guide = book.active
    guide.title = "Petunjuk"
    lines = [
        "Rekap hasil Audit Kasus Stunting (AKS) per desa — templat impor",
        "Hanya JUMLAH. Jangan menulis nama, NIK, nomor KK atau alamat siapa pun (UU 27/2022 tentang "
        "Pelindungan Data Pribadi): berkas dengan kolom nama, NIK atau alamat ditolak seluruhnya.",
        "Lembar Temuan: kode_desa (kode Kemendagri, mis. 35.17.09.2001), tahun, semester (1 atau 2), sasaran "
        "(ibu_hamil, ibu_nifas, baduta, balita, catin, remaja_putri, keluarga), penyebab, jumlah (orang).",
        "Lembar Rekomendasi: kode_desa, tahun, semester, intervensi, kode_katalog (boleh kosong), sasaran, "
        "jumlah, satuan (orang atau keluarga), pelaksana (mis. Bidan desa + PKK), batas_waktu (tanggal, boleh kosong).",
        "Baris yang sama (desa, tahun, semester, sasaran dan penyebab / intervensi) yang diimpor lagi memperbarui "
        "jumlahnya, tidak menggandakan.",
    ]
    for number, line in enumerate(lines, start=1):
        guide.cell(row=number, column=1, value=line)
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 120
    findings = book.create_sheet(FINDING_SHEET)
    findings.append(list(FINDING_COLUMNS))
    findings.append(["35.17.09.2001", 2026, 2, "ibu_hamil", "KEK (kurang energi kronis)", 3])
    recs = book.create_sheet(RECOMMENDATION_SHEET)
    recs.append(list(RECOMMENDATION_COLUMNS))
    recs.append(["35.17.09.2001", 2026, 2, "PMT ibu hamil KEK", "", "ibu_hamil", 3, "orang", "Bidan desa + PKK",
                 "30/06/2027"])
    for sheet in (findings, recs):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in "ABCDEFGHIJ":
            sheet.column_dimensions[column].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _int_cell(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value or "").strip().replace(".", "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def _date_cell(value):
    if value in (None, ""):
        return None, True
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date(), True
        except ValueError:
            continue
    return None, False


def read_import(region, data: bytes) -> tuple[list, list, list]:
    """Read a recap XLSX for villages inside `region`: (findings, recommendations, errors), each value
    row a (desa, values) pair; errors name the sheet, row and column. Raises AksImportError for a
    file refused whole (not XLSX, too big, personal-data column, no known sheet)."""

    not_xlsx = _("Berkas ini bukan XLSX yang bisa dibaca. Unduh templat rekap AKS dan isi di sana.")
    if len(data) > MAX_BYTES:
        raise AksImportError(_("Berkas terlalu besar: paling besar %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
    try:
        book = uploads.open_xlsx(data, not_xlsx)
    except uploads.UploadRefused as error:
        raise AksImportError(str(error)) from None
    too_many = _("Berkas berisi lebih dari %(max)s baris.", max=format_number(MAX_ROWS))
    sheets = {}
    try:
        for sheet in book.worksheets:
            rows = []
            for number, cells in uploads.rows(sheet, MAX_ROWS, 30, too_many, not_xlsx):
                rows.append((number, list(cells)))
            sheets[sheet.title.strip()] = rows
    except uploads.UploadRefused as error:
        raise AksImportError(str(error)) from None
    finally:
        book.close()
    for title, rows in sheets.items():
        header = next((cells for _n, cells in rows if any(c not in (None, "") for c in cells)), [])
        personal = personal_column(header)
        if personal:
            raise AksImportError(_("Berkas ditolak: lembar “%(sheet)s” punya kolom “%(col)s”. Aplikasi ini hanya "
                                   "menyimpan jumlah, tidak pernah nama, NIK atau alamat (UU 27/2022). Hapus kolom "
                                   "itu dan unggah lagi.", sheet=title, col=personal))
        for number, cells in rows:
            if any(looks_personal(str(c)) for c in cells if c is not None and not isinstance(c, (datetime, date))):
                raise AksImportError(_("Berkas ditolak: lembar “%(sheet)s” baris %(row)s berisi angka 16 digit "
                                       "seperti NIK atau nomor KK. Aplikasi ini hanya menyimpan jumlah (UU 27/2022).",
                                       sheet=title, row=number))
    known = {name.lower(): name for name in sheets}
    if FINDING_SHEET.lower() not in known and RECOMMENDATION_SHEET.lower() not in known:
        raise AksImportError(_("Lembar “Temuan” atau “Rekomendasi” tidak ditemukan. Pakai templat rekap AKS."))
    villages = _villages_in(region)
    kabupaten = region.kabupaten
    catalogue = {item.code: item for item in db.session.scalars(
        select(CatalogueItem).where(CatalogueItem.region_id == kabupaten.id, CatalogueItem.active.is_(True)))}
    errors, findings, recommendations = [], [], []
    for kind, columns in ((FINDING_SHEET, FINDING_COLUMNS), (RECOMMENDATION_SHEET, RECOMMENDATION_COLUMNS)):
        rows = sheets.get(known.get(kind.lower(), ""), [])
        if not rows:
            continue
        position, header_row = _columns(rows, columns)
        missing = [c for c in columns if c not in position and c not in ("kode_katalog", "pelaksana", "batas_waktu")]
        if missing:
            errors.append(_("Lembar %(sheet)s: kolom %(cols)s tidak ada di baris judul.", sheet=kind,
                            cols=", ".join(missing)))
            continue
        for number, cells in rows:
            if number <= header_row or all(c in (None, "") for c in cells):
                continue

            def cell(name):
                i = position.get(name)
                return cells[i] if i is not None and i < len(cells) else None

            where = _("Lembar %(sheet)s, baris %(row)s", sheet=kind, row=number)
            code = str(cell("kode_desa") or "").strip()
            desa = villages.get(code)
            if desa is None:
                errors.append(_("%(where)s, kolom kode_desa: desa %(code)s tidak ada di wilayah Anda.",
                                where=where, code=code or "–"))
                continue
            values = {"year": _int_cell(cell("tahun")), "semester": _int_cell(cell("semester")),
                      "target_group": GROUP_CODES.get(str(cell("sasaran") or "").strip().lower()),
                      "count": _int_cell(cell("jumlah"))}
            if kind == FINDING_SHEET:
                values["cause"] = str(cell("penyebab") or "").strip()
            else:
                values["intervention"] = str(cell("intervensi") or "").strip()
                values["responsible"] = str(cell("pelaksana") or "").strip()
                unit = str(cell("satuan") or "orang").strip().lower()
                values["count_unit"] = unit
                due, ok = _date_cell(cell("batas_waktu"))
                values["due"] = due if ok else "?"
                item_code = str(cell("kode_katalog") or "").strip()
                if item_code:
                    item = catalogue.get(item_code)
                    values["catalogue_item_id"] = item.id if item is not None else -1
            try:
                clean = check_finding(values) if kind == FINDING_SHEET else check_recommendation(values, kabupaten)
            except ServiceError as error:
                for name, messages in error.errors.items():
                    for message in messages:
                        errors.append(_("%(where)s, kolom %(col)s: %(msg)s", where=where,
                                        col=_IMPORT_COLUMN.get(name, name), msg=message))
                continue
            (findings if kind == FINDING_SHEET else recommendations).append((desa, clean))
    return findings, recommendations, errors


_IMPORT_COLUMN = {"year": "tahun", "semester": "semester", "target_group": "sasaran", "count": "jumlah",
                  "cause": "penyebab", "intervention": "intervensi", "responsible": "pelaksana",
                  "count_unit": "satuan", "due": "batas_waktu", "catalogue_item_id": "kode_katalog"}


def _columns(rows, columns) -> tuple[dict, int]:
    for number, cells in rows:
        keys = [_header(c) for c in cells]
        if "kode_desa" in keys:
            return {key: i for i, key in enumerate(keys) if key in columns}, number
    return {}, 0


def _villages_in(region) -> dict:
    if region.level == "desa":
        return {region.code: region}
    if region.level == "kecamatan":
        return {d.code: d for d in region.children if d.level == "desa"}
    return {d.code: d for k in region.children for d in k.children if d.level == "desa"}


def import_recap(region, user, data: bytes) -> ImportResult:
    """Import a recap: all or nothing. Bad cells: nothing saved, every message returned. A row that
    repeats one already stored (same village, period, group and cause or intervention) updates it."""
    findings, recommendations, errors = read_import(region, data)
    result = ImportResult(errors=errors)
    if errors:
        return result
    if not findings and not recommendations:
        result.errors.append(_("Berkas tidak berisi baris data."))
        return result
    for desa, clean in findings:
        existing = db.session.scalar(select(AksFinding).where(
            AksFinding.desa_id == desa.id, AksFinding.year == clean["year"], AksFinding.semester == clean["semester"],
            AksFinding.target_group == clean["target_group"], AksFinding.cause == clean["cause"]))
        if existing is not None:
            existing.count = clean["count"]
            result.updated += 1
        else:
            db.session.add(AksFinding(desa_id=desa.id, **clean))
            result.findings += 1
    for desa, clean in recommendations:
        existing = db.session.scalar(select(AksRecommendation).where(
            AksRecommendation.desa_id == desa.id, AksRecommendation.year == clean["year"],
            AksRecommendation.semester == clean["semester"], AksRecommendation.target_group == clean["target_group"],
            AksRecommendation.intervention == clean["intervention"]))
        if existing is not None:
            for name, value in clean.items():
                setattr(existing, name, value)
            result.updated += 1
        else:
            db.session.add(AksRecommendation(desa_id=desa.id, **clean))
            result.recommendations += 1
        db.session.flush()
    audit.record("aks.import", region=region, user=user, target=f"region:{region.code}",
                   findings=result.findings, recommendations=result.recommendations, updated=result.updated)
    db.session.commit()
    return result



@dataclass
class DashboardLine:
    row: object                 # the dashboard's VillageRow
    counts: VillageCounts
    missing_roles: list         # key team roles nobody holds (services.team)


def dashboard_lines(rows, year: int, with_team: bool = True, only_with_recommendations: bool = False,
                    villages=None) -> list:
    """Per village of a dashboard: recommendations answered / funded / not yet, and (kecamatan) the
    team's empty key roles. Villages with recommendations not yet answered come first. `villages`:
    a SELECT of the rows' desa ids (a region's), to query by instead of the ids themselves."""

    ids = [r.desa_id for r in rows]
    counts = village_counts(villages if villages is not None else ids, year)
    missing = missing_by_village(ids, year) if with_team else {}
    if only_with_recommendations:
        rows = [r for r in rows if r.desa_id in counts and counts[r.desa_id].total]
    lines = [DashboardLine(r, counts.get(r.desa_id, VillageCounts()), missing.get(r.desa_id, [])) for r in rows]
    return sorted(lines, key=lambda line: (-line.counts.not_yet, -(line.counts.answered - line.counts.funded),
                                           line.row.name))
