"""The history of a plan: audit events read back as sentences in the user's language.

services.audit writes the events; `sentence()` renders any event (the admin's review in
services.audit_review uses it too) and `plan_history()` reads a plan's events, newest first.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent
from ..formatting import format_date, format_rupiah

# One sentence per action, completed with the event's details (names, numbers).
SENTENCES = {
    "plan.create": _l("membuat rencana %(year)s"),
    "plan.update": _l("mengubah data rencana (%(fields)s)"),
    "rules.update": _l("mengubah aturan pengoptimal"),
    "proposal.create": _l("menambah usulan “%(name)s”"),
    "proposal.update": _l("mengubah usulan “%(name)s” (%(fields)s)"),
    "proposal.delete": _l("menghapus usulan “%(name)s”"),
    "aks.finding.add": _l("mencatat temuan AKS “%(cause)s”"),
    "aks.finding.delete": _l("menghapus temuan AKS “%(cause)s”"),
    "aks.recommendation.add": _l("mencatat rekomendasi AKS “%(intervention)s”"),
    "aks.recommendation.delete": _l("menghapus rekomendasi AKS “%(intervention)s”"),
    "aks.import": _l("mengimpor rekap AKS"),
    "aks.recommendation.update": _l("mengubah rekomendasi AKS “%(intervention)s”"),
    "aks.recommendation.unlinked": _l("rekomendasi AKS “%(intervention)s” dihapus kecamatan/kabupaten; usulan yang menjawabnya kini tanpa tautan"),
    "team.add": _l("menambah anggota tim desa “%(name)s”"),
    "team.delete": _l("menghapus anggota tim desa “%(name)s”"),
    "team.copy": _l("menyalin tim desa dari tahun sebelumnya"),
    "attendee.team": _l("mengisi daftar hadir dari tim desa (%(count)s orang)"),
    "proposal.import": _l("mengimpor %(count)s usulan dari berkas"),
    "plan.solve": _l("menghitung usulan alokasi: %(status)s, biaya %(cost)s"),
    "session.open": _l("membuka rembuk stunting (versi %(version)s) pada %(date)s"),
    "session.update": _l("mengubah data rembuk stunting"),
    "attendee.add": _l("mencatat kehadiran %(name)s (%(role)s)"),
    "attendee.remove": _l("menghapus kehadiran %(name)s"),
    "attendee.confirm": _l("mengonfirmasi kehadiran %(name)s"),
    "session.carry_over": _l("membawa daftar hadir, keputusan dan komitmen lembaga dari rembuk versi %(version)s"),
    "pledge.add": _l("mencatat komitmen %(name)s"),
    "pledge.remove": _l("menghapus komitmen %(name)s"),
    "decision.in": _l("rembuk menetapkan “%(name)s” wajib didanai"),
    "decision.out": _l("rembuk menetapkan “%(name)s” tidak didanai"),
    "decision.units": _l("rembuk menetapkan “%(name)s” sebanyak %(units)s unit"),
    "decision.free": _l("rembuk menyerahkan “%(name)s” kembali ke pengoptimal"),
    "decision.scenario": _l("rembuk memakai skenario “%(name)s”"),
    "decision.undo": _l("membatalkan keputusan terakhir: %(what)s"),
    "scenario.save": _l("menyimpan skenario “%(name)s”"),
    "commitment.create": _l("mengesahkan komitmen versi %(version)s (%(hash)s)"),
    "amendment.open": _l("membuka perubahan komitmen: %(reason)s"),
    "export": _l("mengunduh %(what)s"),
    "realisation.save": _l("mencatat realisasi triwulan %(quarter)s “%(name)s”: %(spent)s, %(units)s unit"),
    "realisation.report": _l("melaporkan realisasi triwulan %(quarter)s"),
    "comment.add": _l("memberi catatan tinjauan"),
    "comment.reply": _l("menjawab catatan tinjauan"),
    "plan.apbdes": _l("mengisi total APBDes per bidang (%(fields)s)"),
    "convergence.save": _l("menyimpan scorecard konvergensi triwulan %(quarter)s %(year)s dari %(source)s: "
                           "tingkat konvergensi %(level)s"),
    "settings.lokus_import": _l("mengimpor %(count)s desa lokus tahun %(year)s dari berkas"),
    "settings.save": _l("menyimpan pengaturan kabupaten tahun %(year)s (%(fields)s)"),
    "settings.copy": _l("menyalin pengaturan kabupaten tahun %(source)s ke tahun %(year)s"),
    "regions.import": _l("mengimpor daftar wilayah: %(new)s wilayah baru, %(renamed)s berganti nama"),
    "user.create": _l("membuat akun pengguna %(login)s"),
    "user.update": _l("mengubah akun pengguna %(login)s (%(fields)s)"),
    "user.password_reset": _l("mengganti kata sandi pengguna %(login)s"),
    "user.password_change": _l("mengganti kata sandinya sendiri"),
    "user.deactivate": _l("menonaktifkan akun pengguna %(login)s"),
    "user.activate": _l("mengaktifkan kembali akun pengguna %(login)s"),
    "user.bulk_create": _l("membuat %(count)s akun operator desa sekaligus"),
    "token.create": _l("membuat token API “%(name)s”"),
    "token.revoke": _l("mencabut token API “%(name)s”"),
    "auth.login": _l("masuk"),
    "auth.login_failed": _l("gagal masuk dengan nama pengguna %(login)s"),
    "access.denied": _l("ditolak membuka %(path)s (%(method)s)"),
    "catalogue.create": _l("menambah kegiatan katalog “%(name)s”"),
    "catalogue.update": _l("mengubah kegiatan katalog “%(name)s” (%(fields)s)"),
    "catalogue.deactivate": _l("menonaktifkan kegiatan katalog “%(name)s”"),
    "catalogue.activate": _l("mengaktifkan kembali kegiatan katalog “%(name)s”"),
    "catalogue.accept_defaults": _l("memakai bawaan katalog yang baru untuk “%(name)s” (%(fields)s)"),
    "catalogue.keep_own": _l("tetap memakai isian kabupaten untuk “%(name)s”, bukan bawaan baru (%(fields)s)"),
    "impact.update": _l("mengubah asumsi dampak kabupaten (%(fields)s)"),
}

STATUSES = {
    "optimal": _l("optimal"),
    "feasible": _l("layak, belum terbukti optimal"),
    "infeasible": _l("tidak ada alokasi yang memenuhi aturan"),
    "timeout": _l("waktu hitung habis"),
    "error": _l("gagal"),
}

# Names of the fields an edit can change, for "mengubah usulan … (biaya satuan, jumlah maksimal)".
FIELD_LABELS = {
    "name": _l("nama"), "category": _l("kategori"), "package": _l("paket layanan"),
    "target_group": _l("sasaran"), "location": _l("lokasi"), "proposer": _l("pengusul"), "unit": _l("satuan"),
    "unit_cost": _l("biaya satuan"), "fixed_cost": _l("biaya tetap"), "min_units": _l("jumlah minimal"),
    "max_units": _l("jumlah maksimal"), "impact_per_unit": _l("dampak per unit"), "apbdes_code": _l("kode APBDes"),
    "notes": _l("catatan"), "pagu": _l("pagu"), "earmark_koperasi": _l("alokasi koperasi"),
    "earmark_blt": _l("alokasi BLT"), "earmark_other": _l("alokasi lain"),
    "stunting_budget": _l("anggaran stunting"), "apbdes_pembangunan": _l("total bidang pembangunan"),
    "apbdes_pemberdayaan": _l("total bidang pemberdayaan"), "ibu_hamil": _l("ibu hamil"),
    "ibu_nifas": _l("ibu nifas"), "baduta": _l("baduta"), "balita": _l("balita"), "catin": _l("catin"),
    "remaja_putri": _l("remaja putri"), "keluarga": _l("keluarga berisiko"),
    "balita_measured": _l("balita diukur"), "stunted_children": _l("anak stunting"),
    "rules": _l("aturan"), "stunting_share_floor": _l("porsi stunting paling sedikit"),
    "commitment_deadline": _l("batas waktu komitmen"), "first_tranche_share": _l("porsi tahap pertama"),
    "legal_basis": _l("dasar hukum"), "priority_desa_ids": _l("desa lokus"), "money_rules": _l("aturan dana desa"),
    "earmark_pangan": _l("alokasi ketahanan pangan"), "earmark_operasional": _l("alokasi operasional"), "role": _l("peran"),
    # catalogue items and the kabupaten's impact assumptions
    "description": _l("keterangan"), "default_unit_cost": _l("biaya satuan bawaan"),
    "cost_source": _l("sumber biaya"), "effect_kind": _l("jenis bukti"), "effect_low": _l("efek rendah"),
    "effect_value": _l("efek tengah"), "effect_high": _l("efek tinggi"), "impact_source": _l("sumber efek tengah"),
    "low_source": _l("sumber efek rendah"), "high_source": _l("sumber efek tinggi"),
    "evidence_min_days": _l("lama kursus yang dibutuhkan bukti"), "impact_note": _l("catatan perhitungan"),
    "units_per_course": _l("satuan per kursus"), "course_days": _l("lama kursus"),
    "whole_courses": _l("kursus utuh"), "targeted": _l("sasaran terpilih"), "enabling": _l("kegiatan pendukung"),
    "platform": _l("platform"), "national_programme": _l("program nasional"),
    "national_note": _l("catatan program nasional"), "baseline_prevalence": _l("prevalensi acuan"),
    "baseline_source": _l("sumber prevalensi acuan"), "haz_sd": _l("simpangan baku HAZ"),
    "region": _l("wilayah"), "active": _l("status aktif"), "implementer": _l("pelaksana"),
    "funding_source": _l("sumber dana"), "pagu_add": _l("pagu ADD"),
    "aks_recommendation_id": _l("rekomendasi AKS"), "months": _l("waktu pelaksanaan"), "document_number": _l("nomor Berita Acara"),
}


@dataclass
class HistoryLine:
    at: datetime
    who: str
    text: str
    action: str
    reason: str = ""


def sentence(event: AuditEvent) -> str:
    """The event as a sentence in the user's language (its code when unknown)."""
    template = SENTENCES.get(event.action)
    if template is None:
        return event.action
    params = dict(event.details or {})
    for money in ("cost", "spent"):
        if isinstance(params.get(money), int):
            params[money] = format_rupiah(params[money])
    if isinstance(params.get("quarter"), int):
        params["quarter"] = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(params["quarter"], params["quarter"])
    if "fields" in params and isinstance(params["fields"], list):
        params["fields"] = ", ".join(str(FIELD_LABELS.get(f, f)) for f in params["fields"]) or "–"
    if "status" in params:
        params["status"] = str(STATUSES.get(params["status"], params["status"]))
    if isinstance(params.get("date"), str):
        params["date"] = _format_date(params["date"])
    params.setdefault("fields", "–")
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template).split("%")[0].strip() or event.action


def _format_date(text: str) -> str:
    return format_date(text, "long")


def plan_history(plan, limit: int | None = None, offset: int = 0) -> list[HistoryLine]:
    """The plan's events, newest first."""
    query = (select(AuditEvent).where(AuditEvent.plan_id == plan.id)
             .order_by(AuditEvent.id.desc()).offset(offset))
    if limit:
        query = query.limit(limit)
    return [HistoryLine(at=e.at, who=e.username or _("sistem"), text=sentence(e), action=e.action,
                        reason=str((e.details or {}).get("reason") or ""))
            for e in db.session.scalars(query)]


def history_count(plan) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.plan_id == plan.id))
