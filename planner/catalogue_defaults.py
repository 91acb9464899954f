"""The standard intervention catalogue every new kabupaten starts with.

Figures come from ../shared/domain.md and the LiST input reviews (docs/impact-model.md lists every
effect with its range, source and course length). Every cost and every effect names its source;
where none was found the value is None and the text says so, so the village or the admin enters
their own instead of trusting an invented figure. Admins edit their kabupaten's copy in the app;
this file only seeds it. Kabupaten that already have a catalogue get changes to these defaults
through a data migration (see migrations/versions/0005_catalogue_evidence.py), never silently.
"""

# Baseline risk when a village has not measured its children: SSGI 2024.
DEFAULT_IMPACT_SETTING = {
    "baseline_prevalence": 0.198,
    "baseline_source": "SSGI 2024 (prevalensi stunting nasional 19,8%)",
    "haz_sd": 1.1,
}

# The SGA route (planner.impact): how a smaller risk of small-for-gestational-age birth carries to
# the child's stunting risk, as LiST does.
SGA_ASSUMPTIONS = {
    "prevalence": 0.27,
    "prevalence_source": ("Lee et al. 2013, Lancet Glob Health: 27% kelahiran hidup di negara berpenghasilan rendah "
                          "dan menengah kecil masa kehamilan (KMK) pada 2010; angka nasional Indonesia tidak "
                          "ditemukan, jadi dipakai angka ini"),
    "stunting_or": 2.43,
    "stunting_or_source": ("Christian et al. 2013, Int J Epidemiol: anak KMK cukup bulan berpeluang stunting 2,43 kali "
                           "(selang kepercayaan 95% 2,22–2,66) pada umur 12–60 bulan"),
}

NO_COST = "Belum ada sumber biaya satuan: admin kabupaten atau desa mengisi harga setempat."
NO_EFFECT = "Belum ada bukti yang dapat diubah menjadi angka penurunan stunting: desa mengisi perkiraan sendiri."
# Codes in the Permendagri 20/2018 list of the domain notes; where none fits, the code stays empty
# rather than borrowing an unrelated one.
NO_APBDES = "Kode kegiatan APBDes belum ditetapkan: tidak ada kode yang cocok di daftar acuan; admin kabupaten mengisinya (boleh kode lokal 90–99)."
SAME_SOURCE = "Sama dengan sumber nilai tengah."

# --- The evidence, once each; items copy it (docs/impact-model.md has the same table) --------------------
EVIDENCE = {
    "pmba_education": dict(
        effect_kind="haz_smd", effect_low=0.01, effect_value=0.11, effect_high=0.22, evidence_min_days=180,
        impact_source="Panjwani & Heidkamp 2017, J Nutr (tinjauan masukan LiST): edukasi atau konseling makanan "
                      "pendamping ASI di wilayah cukup pangan, LAZ SMD +0,11",
        low_source="Batas bawah selang kepercayaan 95% tinjauan yang sama: +0,01",
        high_source="Batas atas selang kepercayaan 95% tinjauan yang sama: +0,22 (tinjauan LiST sebelumnya, "
                    "Lassi et al. 2013, memberi +0,23)",
        impact_note="SMD sudah dalam satuan simpangan baku, jadi tidak dibagi lagi dengan SD HAZ. Uji yang "
                    "ditinjau berjalan sedikitnya 6 bulan (syarat tinjauan LiST sebelumnya, Lassi et al. 2013, "
                    "titik awal tinjauan ini): kursus yang lebih pendek tidak dihitung punya efek."),
    "food_provision": dict(
        effect_kind="haz_smd", effect_low=0.04, effect_value=0.08, effect_high=0.13, evidence_min_days=180,
        impact_source="Panjwani & Heidkamp 2017, J Nutr (tinjauan masukan LiST): pemberian makanan pendamping "
                      "dengan atau tanpa edukasi di wilayah rawan pangan, LAZ SMD +0,08",
        low_source="Batas bawah selang kepercayaan 95% tinjauan yang sama: +0,04",
        high_source="Batas atas selang kepercayaan 95% tinjauan yang sama: +0,13",
        impact_note="Efeknya kecil dan diukur di wilayah rawan pangan; di desa yang cukup pangan bisa lebih kecil. "
                    "Uji berjalan sedikitnya 6 bulan: kursus yang lebih pendek tidak dihitung punya efek pada "
                    "panjang badan."),
    "short_supplement": dict(
        effect_kind="relative_reduction", effect_low=0.0, effect_value=0.0, effect_high=0.0, evidence_min_days=None,
        impact_source="Thakwalakwa et al. 2010, J Nutr (uji LNS/CSB di Malawi) dan Grellety et al. 2012, PLoS ONE "
                      "(kohort RUSF di Niger): suplemen 12 minggu untuk anak berat badan kurang menaikkan berat "
                      "badan, tetapi panjang badan tidak berbeda (pertambahan 2,7 cm lawan 2,8 cm di Niger)",
        low_source=SAME_SOURCE,
        high_source="Sama: uji tidak menemukan pertambahan panjang badan, jadi tidak ada angka untuk batas atas.",
        impact_note="Kursus pendek ini memulihkan berat badan (gizi kurang, berat tidak naik); manfaatnya nyata "
                    "tetapi bukan pencegahan stunting, dan model ini hanya menghitung stunting. Efek pada panjang "
                    "badan baru terlihat dari pemberian makanan 6 bulan atau lebih (Panjwani & Heidkamp 2017)."),
    "iycf_plus_supplement": dict(
        effect_kind="haz_shift", effect_low=0.13, effect_value=0.16, effect_high=0.25, evidence_min_days=365,
        impact_source="SHINE, Zimbabwe (Humphrey et al. 2019, Lancet Glob Health): konseling PMBA ditambah "
                      "suplemen gizi lipid umur 6–18 bulan, LAZ +0,16 pada umur 18 bulan",
        low_source="Nilai terendah dari tiga uji WASH Benefits dan SHINE (Pickering/Humphrey 2019, Lancet Glob "
                   "Health): LAZ +0,13",
        high_source="Nilai tertinggi dari tiga uji yang sama: LAZ +0,25",
        impact_note="Beda rerata LAZ dalam skor-z, bukan SMD: dibagi simpangan baku HAZ desa. Ketiga uji "
                    "berjalan 12 bulan atau lebih: kursus yang lebih pendek tidak dihitung punya efek."),
    "bep_pregnancy": dict(
        effect_kind="sga_reduction", effect_low=0.11, effect_value=0.34, effect_high=0.51, evidence_min_days=None,
        impact_source="Imdad & Bhutta 2012, Paediatr Perinat Epidemiol 26 Suppl 1: suplemen energi-protein seimbang "
                      "saat hamil, bayi kecil masa kehamilan (KMK) RR 0,66 (turun 34%)",
        low_source="Batas atas selang kepercayaan 95%: RR 0,89 (turun 11%). Tinjauan masukan LiST 2011 (Imdad & "
                   "Bhutta, BMC Public Health 11 Suppl 3:S17) memberi RR 0,69 (0,56–0,85).",
        high_source="Batas bawah selang kepercayaan 95%: RR 0,49 (turun 51%)",
        impact_note="Diubah menjadi risiko stunting anaknya lewat KMK, seperti LiST (lihat perhitungan). Dianggap "
                    "bahwa PMT lokal ibu hamil KEK setara suplemen energi-protein seimbang (protein kurang dari "
                    "25% energi); uji memberi suplemen sampai persalinan."),
    "mms_vs_ifa": dict(
        effect_kind="sga_reduction", effect_low=0.04, effect_value=0.09, effect_high=0.14, evidence_min_days=None,
        impact_source="Haider, Yakoob & Bhutta 2011, BMC Public Health 11 Suppl 3:S19 (tinjauan masukan LiST): "
                      "multi-mikronutrien (MMS) dibanding tablet besi-folat, KMK RR 0,91 (turun 9%)",
        low_source="Batas atas selang kepercayaan 95%: RR 0,96 (turun 4%)",
        high_source="Batas bawah selang kepercayaan 95%: RR 0,86 (turun 14%)",
        impact_note="Dihitung untuk ibu yang menghabiskan 180 tablet MMS berkat pendampingan desa. Ibu yang tetap "
                    "akan meminumnya tanpa pendampingan tidak mendapat manfaat tambahan: hitung hanya ibu yang "
                    "berisiko tidak minum."),
    "wash": dict(
        effect_kind="relative_reduction", effect_low=0.0, effect_value=0.0, effect_high=0.02, evidence_min_days=None,
        impact_source="Pickering/Humphrey 2019, Lancet Glob Health (uji WASH Benefits dan SHINE): air minum, "
                      "sanitasi dan cuci tangan tidak berpengaruh pada pertumbuhan linear di WASH Benefits "
                      "Bangladesh, WASH Benefits Kenya dan SHINE Zimbabwe",
        low_source=SAME_SOURCE,
        high_source="Asumsi, bukan hasil uji: risiko stunting turun 2% untuk anak di keluarga yang terjangkau, "
                    "sebagai batas atas manfaat yang mungkin tidak terdeteksi ketiga uji (misalnya lewat diare "
                    "yang berkurang).",
        impact_note="Ketiga uji besar tidak menemukan efek pada panjang badan, jadi nilai tengahnya 0. "
                    "Manfaat utamanya diare yang berkurang. Satu keluarga sasaran dihitung sebagai satu anak "
                    "berisiko (asumsi)."),
}

# A national programme may already reach these people: what the village should check first.
PMT_LOKAL_NOTE = (
    "PMT lokal menurut juknis Kemenkes dibiayai puskesmas dari DAK non-fisik (BOK), dan sejak 2025 Makan "
    "Bergizi Gratis juga menjangkau ibu hamil, ibu menyusui dan balita lewat posyandu. Tanyakan ke puskesmas "
    "siapa yang sudah menerima sebelum desa membeli untuk orang yang sama.")
MBG_NOTE = (
    "Sejak 2025 Makan Bergizi Gratis (Perpres 115/2025) menjangkau ibu hamil, ibu menyusui dan balita non-PAUD "
    "lewat posyandu. Jangan membeli makanan untuk orang yang sama dua kali: hitung yang sudah menerima MBG.")
MMS_NOTE = (
    "Tablet MMS (180 tablet untuk satu kehamilan) gratis dari Kemenkes dan menggantikan tablet tambah darah: "
    "desa tidak membeli tablet. Kegiatan desa adalah pendampingan minum (kunjungan, pengingat).")
ANTHROPOMETRY_NOTE = (
    "Kemenkes membagikan kit antropometri (sekitar Rp10,2 juta) ke setiap posyandu pada 2023–2024: tanyakan dulu "
    "ke puskesmas apakah posyandu sudah menerimanya sebelum membeli.")


def _item(code, name, category, package, target_group, unit, apbdes_code, *, cost=None, cost_source=NO_COST,
          evidence=None, units_per_course=1, course_days=None, whole_courses=True, targeted=False, enabling=False,
          platform="", national_programme="", national_note="", impact_source=None, impact_note="", description=""):
    entry = {
        "code": code, "name": name, "category": category, "package": package, "target_group": target_group,
        "unit": unit, "apbdes_code": apbdes_code, "default_unit_cost": cost, "cost_source": cost_source,
        "effect_kind": None, "effect_low": None, "effect_value": None, "effect_high": None,
        "impact_source": NO_EFFECT, "low_source": "", "high_source": "", "evidence_min_days": None,
        "impact_note": impact_note, "units_per_course": units_per_course, "course_days": course_days,
        "whole_courses": whole_courses, "targeted": targeted, "enabling": enabling, "platform": platform,
        "national_programme": national_programme, "national_note": national_note, "description": description,
    }
    if evidence is not None:
        entry.update(EVIDENCE[evidence])
        if impact_note:
            entry["impact_note"] = f"{EVIDENCE[evidence]['impact_note']} {impact_note}"
    elif impact_source is not None:
        entry["impact_source"] = impact_source
    return entry


ENABLING_NOTE = "Kegiatan pendukung: tidak punya efek sendiri, tetapi layanan yang dijalankan lewat {platform} membutuhkannya."

CATALOGUE = [
    # --- Spesifik: feeding, targeted per the Kemenkes juknis PMT lokal 2023–2025 --------------------------
    _item("pmt_lokal_balita", "PMT lokal balita gizi kurang (56 hari)", "spesifik", "konseling_gizi", "balita",
          "anak-hari", "2.2.02", cost=16_500, cost_source="Dinkes Kota Banjarmasin 2025",
          evidence="short_supplement", units_per_course=56, course_days=56, targeted=True, platform="posyandu",
          national_programme="pmt_lokal", national_note=PMT_LOKAL_NOTE,
          impact_note="Satu kursus = 56 hari makanan matang untuk satu balita gizi kurang (juknis PMT lokal).",
          description="Makanan tambahan berbahan pangan lokal selama 56 hari untuk balita gizi kurang, sesuai juknis "
                      "PMT lokal Kemenkes; hanya untuk balita yang memenuhi syarat, bukan semua balita."),
    _item("pmt_lokal_bb_tidak_naik", "PMT lokal balita berat badan kurang / tidak naik (14 hari)", "spesifik",
          "konseling_gizi", "balita", "anak-hari", "2.2.02", cost=16_500, cost_source="Dinkes Kota Banjarmasin 2025",
          evidence="short_supplement", units_per_course=14, course_days=14, targeted=True, platform="posyandu",
          national_programme="pmt_lokal", national_note=PMT_LOKAL_NOTE,
          impact_note="Satu kursus = 14 hari untuk satu balita yang berat badannya kurang atau tidak naik (juknis PMT lokal).",
          description="Makanan tambahan lokal 14 hari untuk balita dengan berat badan kurang atau tidak naik, sesuai "
                      "juknis PMT lokal Kemenkes."),
    _item("pmt_pemulihan_baduta", "PMT pemulihan baduta 90 hari", "spesifik", "konseling_gizi", "baduta",
          "anak-hari", "2.2.02", cost=17_000, cost_source="Desa Krajan, Banyumas 2023 (±Rp17.000)",
          evidence="food_provision", units_per_course=90, course_days=90, targeted=True, platform="posyandu",
          national_programme="mbg", national_note=MBG_NOTE,
          impact_note="Kursus 90 hari lebih pendek dari 6 bulan yang dibutuhkan bukti: efek pada stunting dihitung 0. "
                      "Kursus 180 hari makanan pendamping (lihat protein hewani baduta) memenuhi syarat itu.",
          description="Makanan tambahan pemulihan untuk baduta gizi kurang selama 90 hari."),
    _item("protein_hewani_baduta", "Protein hewani harian baduta 6–23 bulan (telur atau ikan, 6 bulan)", "spesifik",
          "konseling_gizi", "baduta", "anak-hari", "2.2.02", evidence="food_provision", units_per_course=180,
          course_days=180, platform="posyandu", national_programme="mbg", national_note=MBG_NOTE,
          impact_note="Satu kursus = 180 hari (6 bulan) lauk hewani harian untuk satu anak. Uji telur sehari satu "
                      "butir memberi hasil berbeda-beda, jadi dipakai efek gabungan pemberian makanan pendamping.",
          description="Lauk hewani (telur, ikan) setiap hari selama 6 bulan untuk anak umur 6–23 bulan, dibagikan lewat posyandu."),
    _item("pmt_bumil_kek", "PMT lokal ibu hamil KEK (120 hari)", "spesifik", "kia", "ibu_hamil", "ibu-hari",
          "2.2.02", evidence="bep_pregnancy", units_per_course=120, course_days=120, targeted=True,
          platform="posyandu", national_programme="pmt_lokal", national_note=PMT_LOKAL_NOTE,
          impact_note="Satu kursus = 120 hari untuk satu ibu hamil KEK (juknis PMT lokal).",
          description="Makanan tambahan lokal 120 hari untuk ibu hamil kurang energi kronis (KEK), sesuai juknis PMT lokal."),
    _item("pendampingan_mms", "Pendampingan minum MMS ibu hamil (tablet gratis dari Kemenkes)", "spesifik", "kia",
          "ibu_hamil", "ibu-bulan", "2.2.02", evidence="mms_vs_ifa", units_per_course=6, course_days=180,
          platform="tpk", national_programme="mms", national_note=MMS_NOTE,
          impact_note="Satu kursus = 6 bulan pendampingan (kunjungan dan pengingat) sampai 180 tablet habis.",
          description="Kunjungan dan pengingat agar ibu hamil meminum tablet MMS dari puskesmas setiap hari."),
    # --- Spesifik: counselling and services ----------------------------------------------------------------
    _item("konseling_pmba", "Kelas ibu balita: konseling PMBA", "spesifik", "konseling_gizi", "baduta",
          "peserta-pertemuan", "2.2.03", evidence="pmba_education", units_per_course=12, course_days=365,
          platform="posyandu",
          impact_note="Satu kursus = 12 pertemuan bulanan untuk satu pengasuh baduta.",
          description="Konseling pemberian makan bayi dan anak (PMBA) untuk pengasuh baduta, bulanan."),
    _item("konseling_pmba_plus", "Konseling PMBA disertai suplemen gizi", "spesifik", "konseling_gizi", "baduta",
          "anak-bulan", "2.2.02", evidence="iycf_plus_supplement", units_per_course=12, course_days=365,
          platform="posyandu",
          impact_note="Satu kursus = 12 bulan konseling dan suplemen untuk satu anak."),
    _item("kelas_ibu_hamil", "Kelas ibu hamil", "spesifik", "kia", "ibu_hamil", "peserta-pertemuan", "2.2.02",
          units_per_course=4, course_days=None, platform="posyandu",
          description="Minimal empat pertemuan per ibu hamil (indikator Scorecard Konvergensi)."),
    _item("kunjungan_rumah", "Kunjungan rumah ibu hamil KEK/risti dan baduta gizi kurang", "spesifik",
          "konseling_gizi", "baduta", "kunjungan", "2.2.02", units_per_course=12, targeted=True, platform="posyandu",
          description="Kunjungan bulanan kader/KPM ke rumah sasaran berisiko."),
    _item("kunjungan_nifas", "Kunjungan nifas dan konseling menyusui", "spesifik", "kia", "ibu_nifas", "kunjungan",
          "2.2.02", units_per_course=3, platform="tpk",
          impact_note="Satu kursus = 3 kunjungan nifas (indikator Scorecard Konvergensi Desa: sedikitnya 3 kali). "
                      "Bukti yang ada menyangkut praktik menyusui, belum diubah menjadi angka stunting.",
          description="Kunjungan rumah ibu nifas oleh bidan atau TPK, dengan konseling menyusui eksklusif."),
    _item("ttd_remaja", "Pendampingan minum tablet tambah darah remaja putri", "spesifik", "kia", "remaja_putri",
          "remaja-bulan", "2.2.03", units_per_course=12,
          impact_note="Satu program = pendampingan bulanan selama setahun (asumsi katalog, bukan dari sumber)."),
    _item("posyandu_remaja", "Posyandu remaja", "spesifik", "kia", "remaja_putri", "pertemuan", "2.2.02",
          units_per_course=12, whole_courses=False,
          impact_note="Satu tahun = 12 pertemuan bulanan.",
          description="Pertemuan bulanan remaja: penimbangan, cek Hb, tablet tambah darah, konseling gizi."),
    _item("pemeriksaan_catin", "Pemeriksaan kesehatan calon pengantin (Hb, LiLA, IMT)", "spesifik", "kia", "catin",
          "orang", "", platform="tpk",
          description="Pendampingan dan transport catin untuk pemeriksaan di puskesmas tiga bulan sebelum menikah. "
                      + NO_APBDES),
    # --- Spesifik: platforms (enabling items) ----------------------------------------------------------------
    _item("insentif_kader", "Insentif kader posyandu", "spesifik", "kia", "balita", "kader-bulan", "2.2.02",
          cost=100_000, cost_source="Sukabumi 2025 (Rp100.000); terlihat Rp50.000–250.000 (Kapuas 2024, Karanganyar 2021)",
          units_per_course=12, enabling=True, platform="posyandu",
          impact_note=ENABLING_NOTE.format(platform="posyandu") + " Dibeli per blok 12 kader-bulan.",
          description="Belanja insentif (5.2.2.03) untuk kader yang menjalankan posyandu."),
    _item("operasional_posyandu", "Operasional posyandu", "spesifik", "kia", "balita", "posyandu-bulan", "2.2.02",
          cost=300_000, cost_source="Rp200.000–400.000 per posyandu per bulan (Labuhanbatu 2022, Kukar 2023); dipakai nilai tengah",
          units_per_course=12, enabling=True, platform="posyandu",
          impact_note=ENABLING_NOTE.format(platform="posyandu") + " Dibeli per blok 12 posyandu-bulan."),
    _item("insentif_kpm", "Insentif Kader Pembangunan Manusia (KPM)", "spesifik", "konseling_gizi", "keluarga",
          "KPM-bulan", "", units_per_course=12, enabling=True, platform="kpm",
          impact_note=ENABLING_NOTE.format(platform="KPM") + " Dibeli per blok 12 KPM-bulan.",
          description="Insentif KPM yang memantau lima paket layanan dan mengisi scorecard konvergensi. " + NO_APBDES),
    _item("operasional_kpm", "Operasional KPM (pendataan, transport, scorecard)", "spesifik", "konseling_gizi",
          "keluarga", "bulan", "", units_per_course=12, enabling=True, platform="kpm",
          impact_note=ENABLING_NOTE.format(platform="KPM") + " Dibeli per blok 12 bulan.",
          description=NO_APBDES),
    _item("rumah_desa_sehat", "Rumah Desa Sehat (operasional)", "spesifik", "konseling_gizi", "keluarga", "bulan",
          "", units_per_course=12, enabling=True, platform="kpm",
          impact_note=ENABLING_NOTE.format(platform="Rumah Desa Sehat dan KPM") + " Dibeli per blok 12 bulan.",
          description="Sekretariat bersama layanan sosial dasar desa tempat KPM dan kader bekerja. " + NO_APBDES),
    _item("transport_tpk", "Transport Tim Pendamping Keluarga (TPK)", "spesifik", "kia", "keluarga", "tim-bulan",
          "", units_per_course=12, enabling=True, platform="tpk",
          impact_note=ENABLING_NOTE.format(platform="TPK") + " Dibeli per blok 12 tim-bulan.",
          description="Transport bidan, kader PKK dan kader KB yang mendampingi catin, ibu hamil, ibu nifas dan baduta. "
                      + NO_APBDES),
    _item("alat_antropometri", "Alat antropometri posyandu", "spesifik", "kia", "balita", "set", "2.2.09",
          cost=8_000_000, cost_source="Rp6.000.000–10.000.000 per set (Jepara 2023, Wonogiri 2023); dipakai nilai tengah",
          platform="posyandu", national_programme="antropometri", national_note=ANTHROPOMETRY_NOTE,
          description="Timbangan, alat ukur panjang/tinggi badan terstandar untuk pemantauan pertumbuhan."),
    _item("pelatihan_kader", "Pelatihan kader posyandu dan KPM", "spesifik", "konseling_gizi", "balita", "peserta",
          "2.2.03"),
    _item("polindes", "Penyelenggaraan PKD/Polindes", "spesifik", "kia", "ibu_hamil", "bulan", "2.2.01",
          units_per_course=12, whole_courses=False),
    _item("desa_siaga", "Desa Siaga: ambulans desa dan rujukan ibu hamil", "spesifik", "kia", "ibu_hamil",
          "bulan", "2.2.04", units_per_course=12, whole_courses=False),
    _item("sarpras_posyandu", "Rehabilitasi sarana posyandu", "spesifik", "kia", "balita", "posyandu", "2.2.09",
          platform="posyandu"),
    # --- Sensitif: water and sanitation -------------------------------------------------------------------
    _item("jamban_sehat", "Jamban sehat rumah tangga", "sensitif", "air_sanitasi", "keluarga", "unit", "2.4.14",
          description="Kode 2.4.14 (jamban umum/MCK) adalah kode terdekat di daftar acuan; kabupaten boleh memakai "
                      "kode lokal untuk jamban rumah tangga.",
          cost=6_500_000, cost_source="Rp5.000.000–10.000.000 per unit (DAK Buleleng Rp5 juta per KK; DAK Purworejo "
                                      "2024 mendekati Rp10 juta); dipakai sekitar Rp6.500.000",
          evidence="wash",
          impact_note="Pembuangan tinja yang aman menurunkan diare 36% (Cairncross 2010, LiST). Satu unit melayani "
                      "satu keluarga."),
    _item("sambungan_air", "Sambungan air bersih ke rumah tangga", "sensitif", "air_sanitasi", "keluarga",
          "sambungan", "2.4.12", cost=2_250_000,
          cost_source="Rp1.500.000–3.000.000 per sambungan (Perumda Air Minum Purworejo 2023); dipakai nilai tengah",
          evidence="wash",
          impact_note="Kualitas air menurunkan diare 17% (Cairncross 2010, LiST). Satu sambungan melayani satu keluarga."),
    _item("sumber_air", "Pembangunan sumber air bersih desa", "sensitif", "air_sanitasi", "keluarga", "unit",
          "2.4.11"),
    _item("mck_umum", "Pembangunan MCK umum", "sensitif", "air_sanitasi", "keluarga", "unit", "2.4.14"),
    _item("ctps", "Sarana cuci tangan pakai sabun (CTPS) rumah tangga", "sensitif", "air_sanitasi", "keluarga",
          "unit", "2.4.14", evidence="wash",
          impact_note="Cuci tangan pakai sabun menurunkan diare 48% (Cairncross 2010, LiST)."),
    # --- Sensitif: early childhood, parenting, social protection, food -------------------------------
    _item("paud_operasional", "Penyelenggaraan PAUD desa (honor dan operasional)", "sensitif", "paud", "balita",
          "lembaga-bulan", "2.1.01", units_per_course=12, whole_courses=False),
    _item("paud_ape", "Alat permainan edukatif dan sarana PAUD", "sensitif", "paud", "balita", "paket", "2.1.02"),
    _item("bkb", "Kelas pengasuhan Bina Keluarga Balita (BKB)", "sensitif", "paud", "baduta", "peserta-pertemuan",
          "2.2.06", units_per_course=12),
    _item("fasilitasi_jkn", "Fasilitasi kepesertaan JKN ibu hamil dan baduta", "sensitif", "perlindungan_sosial",
          "ibu_hamil", "orang", "", description=NO_APBDES),
    _item("akta_kelahiran", "Fasilitasi akta kelahiran baduta", "sensitif", "perlindungan_sosial", "baduta",
          "dokumen", "1.3.01",
          description="Kode 1.3.01 (pelayanan administrasi umum dan kependudukan) mencakup akta kelahiran."),
    _item("konseling_catin", "Penyuluhan gizi dan kesehatan calon pengantin", "sensitif", "konseling_gizi", "catin",
          "peserta", "2.2.03"),
    _item("pangan_keluarga", "Pekarangan pangan bergizi keluarga berisiko stunting", "sensitif",
          "perlindungan_sosial", "keluarga", "keluarga", "4.2.03"),
]

# Shipped items withdrawn from the defaults: a new kabupaten does not get them, and the data
# migration deactivates them where an admin has not edited them (proposals keep referring to them).
RETIRED = {
    "mmn_ibu_hamil": "pendampingan_mms",
}
