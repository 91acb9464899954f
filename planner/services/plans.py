"""Creating and changing a village's yearly plan, and saying where each plan stands."""
from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..formatting import format_rupiah
from ..models import Plan, Suggestion
from ..models.plan import TARGET_FIELDS
from . import ServiceError, audit, commit, commit_or_conflict
from .plan_state import plan_state
from .scorecard import AREA_FIELDS, commitment_areas

EARMARKS = ("earmark_koperasi", "earmark_blt", "earmark_pangan", "earmark_operasional", "earmark_other")
PLAN_FIELDS = ("pagu", *EARMARKS, "stunting_budget", "pagu_add",
               "apbdes_pembangunan", "apbdes_pemberdayaan",
               *TARGET_FIELDS, "balita_measured", "stunted_children", "notes")
# Left empty (None) until the village knows them: the scorecard then says "belum diisi".
OPTIONAL_FIELDS = ("apbdes_pembangunan", "apbdes_pemberdayaan")
MIN_YEAR, MAX_YEAR = 2015, 2100


def plan_changed_message():
    """The message for an edit that lost the race against someone else's save."""
    return _("Rencana ini baru saja diubah pengguna lain. Muat ulang halaman untuk melihat perubahannya.")


def default_plan_year(today: date | None = None) -> int:
    """The year being planned: from June on, villages plan next year's budget (RKP Desa)."""
    today = today or date.today()
    return today.year + 1 if today.month >= 6 else today.year


def parse_year(text) -> int | None:
    """A year from a query string, or None if absent or implausible."""
    try:
        year = int(text)
    except (TypeError, ValueError):
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def check_plan_values(values: dict) -> dict:
    """Rules across fields. Returns {field: [messages]}; empty when consistent."""
    errors = {}
    pagu = values.get("pagu") or 0
    earmarked = sum(values.get(f) or 0 for f in EARMARKS)
    if earmarked > pagu:
        # The message goes to the largest earmark: the one most likely mistyped.
        largest = max(EARMARKS, key=lambda f: values.get(f) or 0)
        errors[largest] = [_("Jumlah dana yang sudah dialokasikan (%(e)s) melebihi pagu Dana Desa.",
                                     e=_rupiah(earmarked))]
    budget = values.get("stunting_budget") or 0
    if budget > pagu:
        errors["stunting_budget"] = [_("Anggaran stunting tidak boleh melebihi pagu Dana Desa (%(p)s).", p=_rupiah(pagu))]
    elif budget > pagu - earmarked:
        errors["stunting_budget"] = [_("Anggaran stunting melebihi sisa pagu setelah alokasi lain (%(s)s).",
                                       s=_rupiah(pagu - earmarked))]
    measured = values.get("balita_measured") or 0
    stunted = values.get("stunted_children") or 0
    if stunted > measured:
        errors["stunted_children"] = [_("Jumlah anak stunting tidak boleh melebihi jumlah balita yang diukur.")]
    baduta, balita = values.get("baduta") or 0, values.get("balita") or 0
    if baduta > balita and balita > 0:
        errors["baduta"] = [_("Baduta (0–23 bulan) adalah bagian dari balita: tidak boleh lebih banyak dari balita.")]
    return errors


def _rupiah(value):
    return format_rupiah(value)


def plan_for_year(desa, year: int) -> Plan | None:
    """The village's plan for `year`, if it has one."""
    return db.session.scalar(select(Plan).where(Plan.desa_id == desa.id, Plan.year == year))


def create_plan(desa, year: int, values: dict) -> Plan:
    """Create the village's plan for `year`. Raises ServiceError if it exists or values clash."""
    errors = check_plan_values(values)
    if plan_for_year(desa, year) is not None:
        errors.setdefault("year", []).append(_("Desa ini sudah punya rencana untuk tahun %(y)s.", y=year))
    if errors:
        raise ServiceError(errors)
    plan = Plan(desa=desa, year=year, status="draft", **{f: values.get(f) for f in PLAN_FIELDS if f in values})
    db.session.add(plan)
    duplicate = {"year": [_("Desa ini sudah punya rencana untuk tahun %(y)s.", y=year)]}
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(duplicate) from None
    audit.record("plan.create", plan=plan, year=year)
    commit(duplicate=duplicate)
    return plan


def update_plan(plan: Plan, values: dict, expected_version: int | None = None) -> Plan:
    """Change the plan's budget and target figures. Raises ServiceError; nothing changes on error.

    `expected_version` is the version the user's form was built from: if someone
    saved in between, the change is refused instead of silently overwriting theirs.
    """
    errors = check_plan_values(values)
    if errors:
        raise ServiceError(errors)
    if expected_version is not None and expected_version != plan.version_id:
        raise ServiceError(plan_changed_message())
    before = {field: getattr(plan, field) for field in PLAN_FIELDS}
    for field in PLAN_FIELDS:
        if field in values:
            value = values[field]
            if value is None and field not in OPTIONAL_FIELDS:
                value = "" if field == "notes" else 0
            setattr(plan, field, value)
    changed = audit.changes(before, {field: getattr(plan, field) for field in PLAN_FIELDS})
    if changed:
        audit.record("plan.update", plan=plan, fields=list(changed), changes=changed)
    commit_or_conflict(plan_changed_message())
    return plan


@dataclass
class PlanStep:
    """Where a plan stands and what comes next, in the village's words (the village home page)."""

    plan: object
    state: str           # the one status every page shows (services.plan_state): "committed", …
    detail: str          # what the status leaves out, e.g. "versi 2" or "3 usulan"
    next_step: str       # e.g. "Catat realisasi triwulan ini."
    url: str             # where that step is done
    action: str          # the link's words


def plan_steps(desa, editable: bool) -> list:
    """Every plan of `desa`, newest year first, with its status and next step. `editable`: the
    user runs the village's plans (else the next step names who acts, and links to the plan)."""

    plans = db.session.scalars(select(Plan).where(Plan.desa_id == desa.id).order_by(Plan.year.desc())).all()
    steps = []
    for plan in plans:
        page = url_for("plans.view", plan_id=plan.id)
        meeting = plan.open_meeting
        latest = plan.latest_commitment
        if plan.status == "committed":
            detail = _("versi %(n)s", n=latest.version if latest else 1)
            if plan.year > date.today().year:
                step = (_("Masukkan kegiatan yang disepakati ke RKP Desa dan APB Desa; Berita Acara siap diunduh."),
                        url_for("commitments.view", commitment_id=latest.id) if latest else page,
                        _("Lihat komitmen dan Berita Acara"))
            else:
                step = (_("Catat realisasi kegiatan setiap triwulan."),
                        url_for("oversight.realisation_sheet", plan_id=plan.id), _("Catat realisasi"))
        elif meeting is not None:
            detail = (_("perubahan menuju versi %(n)s", n=meeting.version) if plan.status == "amending"
                      else "")
            step = (_("Lanjutkan rembuk di layar rembuk, lalu sahkan kesepakatannya."),
                    url_for("rembuk.board", sid=meeting.id), _("Buka layar rembuk"))
        elif plan.status == "amending":
            detail = _("menuju versi %(n)s", n=(latest.version + 1) if latest else 2)
            step = (_("Ubah usulan bila perlu, lalu adakan rembuk perubahan."),
                    url_for("rembuk.new", plan_id=plan.id) if editable else page, _("Adakan rembuk perubahan"))
        elif not plan.proposals:
            detail = _("belum ada usulan")
            step = (_("Tambahkan usulan kegiatan dari katalog atau usulan sendiri."), page + "#proposals",
                    _("Tambah usulan"))
        elif db.session.scalar(select(Suggestion.id).where(Suggestion.plan_id == plan.id).limit(1)) is None:
            detail = _("%(n)s usulan", n=len(plan.proposals))
            step = (_("Hitung usulan alokasi untuk melihat pembagian anggaran terbaik."), page + "#suggestion",
                    _("Hitung usulan alokasi"))
        else:
            detail = _("usulan alokasi sudah dihitung")
            step = (_("Bawa usulan alokasi ke rembuk stunting desa."),
                    url_for("rembuk.new", plan_id=plan.id) if editable else page, _("Adakan rembuk stunting"))
        next_step, url, action = step
        if not editable and plan.status != "committed":
            next_step = _("Menunggu desa: %(step)s", step=next_step)
            url, action = page, _("Lihat rencana")
        steps.append(PlanStep(plan, plan_state(plan), detail, next_step, url, action))
    return steps


APBDES_FIELDS = ("apbdes_pembangunan", "apbdes_pemberdayaan")


def update_apbdes_totals(plan: Plan, values: dict, expected_version: int | None = None) -> Plan:
    """Enter the APBDes totals of the two bidang (the scorecard's Dana Desa table). Allowed in any
    status, also after the commitment: they change no commitment. Recorded in the plan's history.
    Raises ServiceError when a total is smaller than the stunting money committed in its bidang."""
    areas = commitment_areas(plan.latest_commitment) if plan.latest_commitment is not None else {}
    errors = {}
    for area, name in AREA_FIELDS.items():
        total = values.get(name)
        if total is not None and total < areas.get(area, 0):
            errors[name] = [_("Lebih kecil dari Dana Desa untuk stunting yang sudah disepakati di bidang ini (%(s)s).",
                              s=_rupiah(areas[area]))]
    if errors:
        raise ServiceError(errors)
    if expected_version is not None and expected_version != plan.version_id:
        raise ServiceError(plan_changed_message())
    before = {name: getattr(plan, name) for name in APBDES_FIELDS}
    for name in APBDES_FIELDS:
        setattr(plan, name, values.get(name))
    changed = audit.changes(before, {name: getattr(plan, name) for name in APBDES_FIELDS})
    if changed:
        audit.record("plan.apbdes", plan=plan, fields=list(changed), changes=changed)
    commit_or_conflict(plan_changed_message())
    return plan
