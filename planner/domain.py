"""Vocabulary of the domain: the fixed lists the rest of the code speaks in.

Each list maps a stable code (stored in the database and in plan files) to an
Indonesian label. Labels are msgids for Flask-Babel, so the English catalogue
translates them. See ../shared/domain.md for where the lists come from.
"""
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

ROLES = {
    "admin": _l("Admin kabupaten"),
    "kecamatan": _l("Petugas kecamatan"),
    "desa": _l("Operator desa"),
}

LEVELS = {
    "kabupaten": _l("Kabupaten/Kota"),
    "kecamatan": _l("Kecamatan"),
    "desa": _l("Desa"),
}

CATEGORIES = {
    "spesifik": _l("Spesifik"),
    "sensitif": _l("Sensitif"),
}

# The five service packages (paket layanan) a KPM monitors.
PACKAGES = {
    "kia": _l("Kesehatan ibu dan anak"),
    "konseling_gizi": _l("Konseling gizi"),
    "air_sanitasi": _l("Air bersih dan sanitasi"),
    "perlindungan_sosial": _l("Perlindungan sosial"),
    "paud": _l("PAUD dan pengasuhan"),
}

# Target groups (sasaran) of Perpres 72/2021, plus families at risk of stunting
# (keluarga berisiko stunting) whom household water and sanitation reach.
TARGET_GROUPS = {
    "ibu_hamil": _l("Ibu hamil"),
    "ibu_nifas": _l("Ibu nifas/menyusui"),
    "baduta": _l("Baduta (0–23 bulan)"),
    "balita": _l("Balita (0–59 bulan)"),
    "catin": _l("Calon pengantin"),
    "remaja_putri": _l("Remaja putri"),
    "keluarga": _l("Keluarga berisiko stunting"),
}

PROPOSERS = {
    "posyandu": _l("Posyandu"),
    "pkk": _l("PKK"),
    "kader": _l("Kader"),
    "kpm": _l("KPM"),
    "bidan_desa": _l("Bidan desa"),
    "dusun": _l("Dusun"),
    "bpd": _l("BPD"),
    "lpm": _l("LPM"),
    "karang_taruna": _l("Karang taruna"),
    "paud": _l("Lembaga PAUD"),
    "pemdes": _l("Pemerintah desa"),
    "lainnya": _l("Lainnya"),
}

# Where an activity's money comes from (sumber dana). The stunting budget and the optimizer's
# rules are Dana Desa's; the other sources sit beside it (docs/rembuk.md, "Sources of money").
FUNDING_SOURCES = {
    "dd": _l("Dana Desa"),
    "add": _l("Alokasi Dana Desa (ADD)"),
    "pad": _l("Pendapatan Asli Desa (PAD)"),
    "bankeu": _l("Bantuan keuangan kabupaten/provinsi"),
    "csr": _l("CSR (tanggung jawab sosial perusahaan)"),
    "swadaya": _l("Swadaya masyarakat"),
}
# Short labels for tables and the Berita Acara's narrow column.
FUNDING_SOURCES_SHORT = {
    "dd": _l("DD"), "add": _l("ADD"), "pad": _l("PAD"), "bankeu": _l("Bankeu"), "csr": _l("CSR"),
    "swadaya": _l("Swadaya"),
}

# Who usually carries an activity out (pelaksana): a Kasi/Kaur as Pelaksana Kegiatan Anggaran with a
# TPK or an LKD. Suggestions only; the field is free text. Never the BPD, which oversees.
IMPLEMENTER_SUGGESTIONS = (
    "Kasi Kesejahteraan + TPK", "Kasi Pelayanan + Kader Posyandu", "Kaur Perencanaan + TPK", "PKK",
    "Posyandu", "KPM", "TPK", "Bidan desa", "Lembaga PAUD", "Kasi Pemerintahan",
)

PLAN_STATUSES = {
    "draft": _l("Draf"),
    "committed": _l("Disepakati"),
    "amending": _l("Perubahan disiapkan"),
}

# Who takes part in a rembuk stunting (shared/domain.md: "The rembuk stunting desa").
ATTENDEE_ROLES = {
    "kepala_desa": _l("Kepala desa"),
    "perangkat_desa": _l("Perangkat desa"),
    "bpd": _l("BPD"),
    "pkk": _l("PKK"),
    "kader_posyandu": _l("Kader posyandu"),
    "bidan_desa": _l("Bidan desa"),
    "kpm": _l("KPM"),
    "toma": _l("Tokoh masyarakat (TOMA)"),
    "toga": _l("Tokoh agama (TOGA)"),
    "plkb": _l("PLKB"),
    "pendamping_desa": _l("Pendamping desa"),
    "utusan_camat": _l("Utusan camat"),
    "puskesmas": _l("Puskesmas"),
    "guru_paud": _l("Guru PAUD"),
    "karang_taruna": _l("Karang taruna"),
    "lpm": _l("LPM"),
    "warga": _l("Warga"),
    "lainnya": _l("Lainnya"),
}

SEXES = {
    "P": _l("Perempuan"),
    "L": _l("Laki-laki"),
}

# What the room can decide about one proposal in the projector view.
DECISION_ACTIONS = {
    "in": _l("Wajib didanai"),
    "out": _l("Tidak didanai"),
    "units": _l("Jumlah unit ditetapkan"),
    "free": _l("Diserahkan ke pengoptimal"),
    "scenario": _l("Skenario dipakai"),
}

# Budget areas (bidang) of the APBDes that the scorecard's table 5 reports on, by the first
# digit of the activity code (Permendagri 20/2018).
BUDGET_AREAS = {
    "2": _l("Pelaksanaan Pembangunan Desa"),
    "4": _l("Pemberdayaan Masyarakat Desa"),
}

# Kinds of evidence a catalogue item's effect can rest on (planner.impact converts each).
EFFECT_KINDS = {
    "relative_reduction": _l("Penurunan risiko stunting relatif"),
    "haz_smd": _l("Beda rerata terstandar HAZ/LAZ (SMD)"),
    "haz_shift": _l("Beda rerata HAZ/LAZ (skor-z)"),
    "sga_reduction": _l("Penurunan risiko bayi kecil masa kehamilan (KMK)"),
}

# Platforms that deliver services: enabling catalogue items keep one running, services name the
# one they are delivered through (CatalogueItem.platform).
PLATFORMS = {
    "posyandu": _l("Posyandu"),
    "kpm": _l("KPM dan Rumah Desa Sehat"),
    "tpk": _l("Tim Pendamping Keluarga (TPK)"),
}

# National programmes that already reach a catalogue item's people: a village must not buy twice.
NATIONAL_PROGRAMMES = {
    "pmt_lokal": _l("PMT lokal puskesmas (juknis Kemenkes, DAK non-fisik/BOK)"),
    "mbg": _l("Makan Bergizi Gratis (Badan Gizi Nasional)"),
    "mms": _l("MMS ibu hamil gratis dari Kemenkes"),
    "antropometri": _l("Kit antropometri Kemenkes untuk posyandu"),
}


# Audit Kasus Stunting: recommendations count people or households (planner.models.aks).
AKS_COUNT_UNITS = {
    "orang": _l("orang"),
    "keluarga": _l("keluarga"),
}
AKS_SEMESTERS = {1: _l("Semester I"), 2: _l("Semester II")}
# Common causes the audit names, offered on the findings form (free text is allowed).
AKS_CAUSE_SUGGESTIONS = (
    "KEK (kurang energi kronis)", "Anemia", "Hamil usia terlalu muda", "Jarak kehamilan terlalu dekat",
    "Tidak naik berat badan", "Gizi kurang", "Gizi buruk", "Tanpa jamban sehat", "Tanpa air minum layak",
    "Tidak ASI eksklusif", "Imunisasi tidak lengkap", "Tidak rutin ke posyandu", "Tanpa jaminan kesehatan",
)

# The village's TPPS (Tim Percepatan Penurunan Stunting desa): roles its members hold, kept per year.
TEAM_ROLES = {
    "kepala_desa": _l("Kepala desa"),
    "sekretaris_desa": _l("Sekretaris desa"),
    "kasi_kesejahteraan": _l("Kasi Kesejahteraan"),
    "bidan_desa": _l("Bidan desa"),
    "pkk": _l("Ketua TP PKK desa"),
    "kpm": _l("KPM (Kader Pembangunan Manusia)"),
    "kader_posyandu": _l("Kader posyandu"),
    "plkb": _l("PLKB/PKB"),
    "tpk": _l("TPK (Tim Pendamping Keluarga)"),
    "kader_kb": _l("Kader KB"),
    "rds": _l("Rumah Desa Sehat"),
    "babinsa": _l("Babinsa"),
    "bhabinkamtibmas": _l("Bhabinkamtibmas"),
    "bpd": _l("BPD"),
    "lainnya": _l("Lainnya"),
}
# Roles a village's team must not lack: the KPM presents the convergence scorecard at the rembuk,
# the TPK accompanies the families at risk.
KEY_TEAM_ROLES = ("kepala_desa", "bidan_desa", "kpm", "tpk")
# A team role as the rembuk's attendance role (domain.ATTENDEE_ROLES).
TEAM_ATTENDEE_ROLES = {
    "kepala_desa": "kepala_desa", "sekretaris_desa": "perangkat_desa", "kasi_kesejahteraan": "perangkat_desa",
    "bidan_desa": "bidan_desa", "pkk": "pkk", "kpm": "kpm", "kader_posyandu": "kader_posyandu", "plkb": "plkb",
    "tpk": "lainnya", "kader_kb": "lainnya", "rds": "lainnya", "babinsa": "lainnya", "bhabinkamtibmas": "lainnya",
    "bpd": "bpd", "lainnya": "lainnya",
}

# Community-based health efforts (UKBM) where an activity can take place, offered for a proposal's
# location beside the dusun and posyandu the plan already names.
UKBM_PLACES = ("Posyandu", "Posyandu remaja", "Posyandu lansia", "Polindes", "Poskesdes", "Pos gizi",
               "Rumah Desa Sehat", "PAUD", "Bina Keluarga Balita (BKB)")


def options(pairs, blank=None, optgroup=None) -> list:
    """WTForms options from (value, label) pairs, optionally with a blank first (WTForms 3.4
    accepts only `SelectChoice`, not tuples)."""
    items = [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]
    if blank is not None:
        items.insert(0, SelectChoice("", blank))
    return items


def choices(mapping, blank=None) -> list:
    """WTForms options from one of the mappings above, optionally with a blank first."""
    return options(mapping.items(), blank)
