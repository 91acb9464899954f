"""The standard intervention catalogue every new kabupaten starts with.

Figures come from ../shared/domain.md. Every cost and every effect names its
source; where none was found the value is None and the text says so, so the
village or the admin enters their own instead of trusting an invented figure.
Admins edit their kabupaten's copy in the app; this file only seeds it.
"""

# Baseline risk when a village has not measured its children: SSGI 2024.
DEFAULT_IMPACT_SETTING = {
    "baseline_prevalence": 0.198,
    "baseline_source": "SSGI 2024 (prevalensi stunting nasional 19,8%)",
    "haz_sd": 1.1,
}

NO_COST = "Belum ada sumber biaya satuan: admin kabupaten atau desa mengisi harga setempat."
NO_EFFECT = "Belum ada bukti yang dapat diubah menjadi angka penurunan stunting: desa mengisi perkiraan sendiri."
WASH_NOTE = (
    "Nilai rendah yang sengaja dipilih (asumsi, bukan hasil uji): tiga uji besar air, sanitasi dan cuci "
    "tangan (WASH Benefits Bangladesh/Kenya, SHINE) tidak menemukan efek pada pertumbuhan linear "
    "(Pickering/Humphrey 2019). Manfaatnya terutama lewat penurunan diare. Dihitung seolah satu keluarga "
    "sasaran = satu anak berisiko (asumsi). Ubah bila ada bukti setempat."
)
# The SD itself is the kabupaten's setting (ImpactSetting.haz_sd), shown with every derivation:
# do not write its value here, or the note goes stale when an admin changes it.
HAZ_NOTE = (
    "Kenaikan rerata HAZ diubah menjadi penurunan prevalensi dengan asumsi HAZ berdistribusi normal; "
    "simpangan bakunya diatur di asumsi dampak kabupaten (bawaan 1,1)."
)
# Codes in the Permendagri 20/2018 list of the domain notes; where none fits, the code stays empty
# rather than borrowing an unrelated one.
NO_APBDES = "Kode kegiatan APBDes belum ditetapkan: tidak ada kode yang cocok di daftar acuan; admin kabupaten mengisinya (boleh kode lokal 90–99)."


def _item(code, name, category, package, target_group, unit, apbdes_code, *, cost=None, cost_source=NO_COST,
          effect_kind=None, effect_value=None, units_per_course=1, impact_source=NO_EFFECT, impact_note="",
          description=""):
    return {
        "code": code, "name": name, "category": category, "package": package, "target_group": target_group,
        "unit": unit, "apbdes_code": apbdes_code, "default_unit_cost": cost, "cost_source": cost_source,
        "effect_kind": effect_kind, "effect_value": effect_value, "units_per_course": units_per_course,
        "impact_source": impact_source, "impact_note": impact_note, "description": description,
    }


CATALOGUE = [
    # --- Spesifik: feeding -------------------------------------------------------------------------
    _item("pmt_lokal_balita", "PMT lokal balita berisiko (makanan matang)", "spesifik", "konseling_gizi",
          "balita", "anak-hari", "2.2.02", cost=16_500, cost_source="Dinkes Kota Banjarmasin 2025",
          effect_kind="haz_shift", effect_value=0.41, units_per_course=90,
          impact_source="Bhutta et al., Lancet 2008: makanan tambahan ± edukasi di wilayah rawan pangan, HAZ +0,41",
          impact_note=HAZ_NOTE + " Efek diukur di wilayah rawan pangan; di desa yang cukup pangan efeknya bisa lebih "
                      "kecil (lihat edukasi MP-ASI, HAZ +0,25). Satu unit = satu anak satu hari dari program 90 hari.",
          description="Makanan tambahan berbahan pangan lokal untuk balita gizi kurang atau berat badan tidak naik."),
    _item("pmt_pemulihan_baduta", "PMT pemulihan baduta 90 hari", "spesifik", "konseling_gizi", "baduta",
          "anak-hari", "2.2.02", cost=17_000, cost_source="Desa Krajan, Banyumas 2023 (±Rp17.000)",
          effect_kind="relative_reduction", effect_value=0.12, units_per_course=90,
          impact_source="Dewey et al. 2021, AJCN (meta-analisis suplemen lipid anak 6–24 bulan): stunting −12% (PR 0,88)",
          impact_note="Bukti berasal dari suplemen lipid dosis kecil (SQ-LNS) untuk anak 6–24 bulan, bukan dari makanan "
                      "matang; dipakai sebagai pendekatan terdekat untuk PMT pemulihan. Satu unit = satu anak satu "
                      "hari dari program 90 hari."),
    _item("pmt_bumil_kek", "PMT ibu hamil KEK", "spesifik", "kia", "ibu_hamil", "ibu-hari", "2.2.02",
          units_per_course=90,
          impact_source="Tidak langsung: suplemen energi-protein saat hamil menurunkan bayi kecil masa kehamilan "
                        "(RR 0,66; Imdad & Bhutta 2011), belum diubah menjadi angka stunting.",
          description="Makanan tambahan untuk ibu hamil kurang energi kronis (KEK), 90 hari."),
    _item("mmn_ibu_hamil", "Suplemen multi-mikronutrien ibu hamil", "spesifik", "kia", "ibu_hamil", "ibu-hari",
          "2.2.02", units_per_course=90,
          impact_note="Satu program = 90 hari, mengikuti indikator Scorecard Konvergensi Desa (tablet tambah darah "
                      "≥90 hari selama hamil).",
          impact_source="Tidak langsung: berat badan lahir rendah RR 0,84 (Bhutta et al., Lancet 2008), belum "
                        "diubah menjadi angka stunting."),
    _item("konseling_pmba", "Kelas ibu balita: konseling PMBA", "spesifik", "konseling_gizi", "baduta",
          "peserta-pertemuan", "2.2.03", effect_kind="haz_shift", effect_value=0.25, units_per_course=12,
          impact_source="Bhutta et al., Lancet 2008: edukasi makanan pendamping ASI di wilayah cukup pangan, HAZ +0,25",
          impact_note=HAZ_NOTE + " Satu unit = satu pengasuh satu pertemuan dari 12 pertemuan bulanan.",
          description="Konseling pemberian makan bayi dan anak (PMBA) untuk pengasuh baduta, bulanan."),
    _item("konseling_pmba_plus", "Konseling PMBA disertai suplemen gizi", "spesifik", "konseling_gizi", "baduta",
          "anak-bulan", "2.2.02", effect_kind="haz_shift", effect_value=0.13, units_per_course=12,
          impact_source="WASH Benefits dan SHINE (Lancet Glob Health 2019): konseling PMBA + suplemen, LAZ +0,13 "
                        "sampai +0,25 (dipakai batas bawah)",
          impact_note=HAZ_NOTE + " Satu unit = satu anak satu bulan dari 12 bulan."),
    _item("kelas_ibu_hamil", "Kelas ibu hamil", "spesifik", "kia", "ibu_hamil", "peserta-pertemuan", "2.2.02",
          units_per_course=4, description="Minimal empat pertemuan per ibu hamil (indikator Scorecard Konvergensi)."),
    _item("kunjungan_rumah", "Kunjungan rumah ibu hamil KEK/risti dan baduta gizi kurang", "spesifik",
          "konseling_gizi", "baduta", "kunjungan", "2.2.02", units_per_course=12,
          description="Kunjungan bulanan kader/KPM ke rumah sasaran berisiko."),
    _item("ttd_remaja", "Pendampingan minum tablet tambah darah remaja putri", "spesifik", "kia", "remaja_putri",
          "remaja-bulan", "2.2.03", units_per_course=12,
          impact_note="Satu program = pendampingan bulanan selama setahun (asumsi katalog, bukan dari sumber)."),
    # --- Spesifik: posyandu and services ------------------------------------------------------------
    _item("insentif_kader", "Insentif kader posyandu", "spesifik", "kia", "balita", "kader-bulan", "2.2.02",
          cost=100_000, cost_source="Sukabumi 2025 (Rp100.000); terlihat Rp50.000–250.000 (Kapuas 2024, Karanganyar 2021)",
          units_per_course=12, description="Belanja insentif (5.2.2.03) untuk kader yang menjalankan posyandu."),
    _item("operasional_posyandu", "Operasional posyandu", "spesifik", "kia", "balita", "posyandu-bulan", "2.2.02",
          cost=300_000, cost_source="Rp200.000–400.000 per posyandu per bulan (Labuhanbatu 2022, Kukar 2023); dipakai nilai tengah",
          units_per_course=12),
    _item("alat_antropometri", "Alat antropometri posyandu", "spesifik", "kia", "balita", "set", "2.2.09",
          cost=8_000_000, cost_source="Rp6.000.000–10.000.000 per set (Jepara 2023, Wonogiri 2023); dipakai nilai tengah",
          description="Timbangan, alat ukur panjang/tinggi badan terstandar untuk pemantauan pertumbuhan."),
    _item("pelatihan_kader", "Pelatihan kader posyandu dan KPM", "spesifik", "konseling_gizi", "balita", "peserta",
          "2.2.03"),
    _item("polindes", "Penyelenggaraan PKD/Polindes", "spesifik", "kia", "ibu_hamil", "bulan", "2.2.01",
          units_per_course=12),
    _item("desa_siaga", "Desa Siaga: ambulans desa dan rujukan ibu hamil", "spesifik", "kia", "ibu_hamil",
          "bulan", "2.2.04", units_per_course=12),
    _item("sarpras_posyandu", "Rehabilitasi sarana posyandu", "spesifik", "kia", "balita", "posyandu", "2.2.09"),
    # --- Sensitif: water and sanitation -------------------------------------------------------------
    _item("jamban_sehat", "Jamban sehat rumah tangga", "sensitif", "air_sanitasi", "keluarga", "unit", "2.4.14",
          description="Kode 2.4.14 (jamban umum/MCK) adalah kode terdekat di daftar acuan; kabupaten boleh memakai "
                      "kode lokal untuk jamban rumah tangga.",
          cost=9_750_000, cost_source="Rp9.500.000–10.000.000 per unit (DAK Purworejo 2024; Bolaang Mongondow Selatan)",
          effect_kind="relative_reduction", effect_value=0.02,
          impact_source="Asumsi rendah. Pembuangan tinja aman: diare −36% (Cairncross 2010, LiST)",
          impact_note=WASH_NOTE + " Satu unit melayani satu keluarga."),
    _item("sambungan_air", "Sambungan air bersih ke rumah tangga", "sensitif", "air_sanitasi", "keluarga",
          "sambungan", "2.4.12", cost=2_250_000,
          cost_source="Rp1.500.000–3.000.000 per sambungan (Perumda Air Minum Purworejo 2023); dipakai nilai tengah",
          effect_kind="relative_reduction", effect_value=0.02,
          impact_source="Asumsi rendah. Kualitas air: diare −17% (Cairncross 2010, LiST)",
          impact_note=WASH_NOTE + " Satu sambungan melayani satu keluarga."),
    _item("sumber_air", "Pembangunan sumber air bersih desa", "sensitif", "air_sanitasi", "keluarga", "unit",
          "2.4.11"),
    _item("mck_umum", "Pembangunan MCK umum", "sensitif", "air_sanitasi", "keluarga", "unit", "2.4.14"),
    _item("ctps", "Sarana cuci tangan pakai sabun (CTPS) rumah tangga", "sensitif", "air_sanitasi", "keluarga",
          "unit", "2.4.14", effect_kind="relative_reduction", effect_value=0.02,
          impact_source="Asumsi rendah. Cuci tangan pakai sabun: diare −48% (Cairncross 2010, LiST)",
          impact_note=WASH_NOTE),
    # --- Sensitif: early childhood, parenting, social protection, food -------------------------------
    _item("paud_operasional", "Penyelenggaraan PAUD desa (honor dan operasional)", "sensitif", "paud", "balita",
          "lembaga-bulan", "2.1.01", units_per_course=12),
    _item("paud_ape", "Alat permainan edukatif dan sarana PAUD", "sensitif", "paud", "balita", "paket", "2.1.02"),
    _item("bkb", "Kelas pengasuhan Bina Keluarga Balita (BKB)", "sensitif", "paud", "baduta", "peserta-pertemuan",
          "2.2.06", units_per_course=12),
    _item("fasilitasi_jkn", "Fasilitasi kepesertaan JKN ibu hamil dan baduta", "sensitif", "perlindungan_sosial",
          "ibu_hamil", "orang", "", description=NO_APBDES),
    _item("akta_kelahiran", "Fasilitasi akta kelahiran baduta", "sensitif", "perlindungan_sosial", "baduta",
          "dokumen", "", description=NO_APBDES),
    _item("konseling_catin", "Penyuluhan gizi dan kesehatan calon pengantin", "sensitif", "konseling_gizi", "catin",
          "peserta", "2.2.03"),
    _item("pangan_keluarga", "Pekarangan pangan bergizi keluarga berisiko stunting", "sensitif",
          "perlindungan_sosial", "keluarga", "keluarga", "4.2.03"),
]
