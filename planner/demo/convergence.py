"""The demo's Scorecard Konvergensi Desa: four quarters of the year being carried out, per village.

Invented counts, varied so the kecamatan dashboard tells a story: in Peterongan, Bongkot improves
quarter by quarter, Dukuhklopo is stuck near half, Kepuhkembeng did not fill quarter II, Mancar
stays high and Morosunggingan climbs slowly; the Jombang villages vary around 60–75%. Some
services lag everywhere (monthly parenting classes, latrines), some rarely (immunisation, health
insurance), as KPM reports commonly show. A generator of its own keeps the rest of the demo as it was.
"""
import random

from ..models import ConvergenceIndicator, ConvergenceScorecard
from ..services.convergence import INDICATORS

SEED = 2323
# Overall level aimed at per quarter (None: the quarter was not filled in).
STORY = {
    "Bongkot": (0.42, 0.55, 0.68, 0.83),
    "Dukuhklopo": (0.51, 0.49, 0.52, 0.50),
    "Kepuhkembeng": (0.60, None, 0.64, 0.71),
    "Mancar": (0.84, 0.86, 0.85, 0.88),
    "Morosunggingan": (0.55, 0.58, 0.62, 0.66),
}
# How each service sits against the village's level (a share added to it).
OFFSETS = {
    "bumil_anc4": 0.12, "bumil_ttd90": -0.02, "bumil_nifas3": 0.05, "bumil_konseling4": -0.08,
    "bumil_kunjungan": -0.05, "bumil_air": 0.02, "bumil_jamban": -0.12, "bumil_jkn": 0.10,
    "baduta_imunisasi": 0.15, "baduta_timbang": 0.08, "baduta_ukur": 0.04, "baduta_konseling": -0.10,
    "baduta_kunjungan": -0.06, "baduta_air": 0.02, "baduta_jamban": -0.12, "baduta_akta": 0.06,
    "baduta_jkn": 0.10, "baduta_pengasuhan": -0.25, "paud_aktif": -0.04,
}


def _should(code, people):
    if code == "bumil_nifas3":
        return max(1, round(people["ibu_hamil"] * 0.35))       # births this quarter
    if code == "bumil_kunjungan":
        return people["ibu_hamil_kek"]
    if code == "baduta_kunjungan":
        return people["anak_0_23_gizi"]
    if code == "paud_aktif":
        return people["anak_2_6"]
    return people["ibu_hamil"] if code.startswith("bumil_") else people["anak_0_23"]


def load_scorecards(session, villages, year, users) -> int:
    """Add the demo scorecards of `year` for `villages` (Region objects); `users` {desa id: operator}.
    Returns how many quarters were added."""
    rng = random.Random(SEED)
    added = 0
    for desa in villages:
        levels = STORY.get(desa.name)
        if levels is None:
            base = rng.uniform(0.55, 0.68)
            levels = tuple(round(base + q * rng.uniform(0.0, 0.03), 2) for q in range(4))
        ibu_hamil, anak = rng.randint(22, 44), rng.randint(60, 110)
        for quarter, level in enumerate(levels, start=1):
            if level is None:
                continue
            people = {"ibu_hamil": ibu_hamil + rng.randint(-3, 3), "anak_0_23": anak + rng.randint(-4, 4),
                      "anak_2_6": rng.randint(110, 190)}
            people["ibu_hamil_kek"] = max(1, round(people["ibu_hamil"] * rng.uniform(0.10, 0.2)))
            people["anak_0_23_gizi"] = max(1, round(people["anak_0_23"] * rng.uniform(0.10, 0.2)))
            measured = round(people["anak_0_23"] * rng.uniform(0.85, 0.97))
            merah = round(measured * rng.uniform(0.04, 0.08))
            kuning = round(measured * rng.uniform(0.12, 0.2))
            card = ConvergenceScorecard(
                desa_id=desa.id, year=year, quarter=quarter, ibu_hamil=people["ibu_hamil"],
                ibu_hamil_kek=people["ibu_hamil_kek"], anak_0_23=people["anak_0_23"],
                anak_0_23_gizi=people["anak_0_23_gizi"], tikar_hijau=measured - merah - kuning,
                tikar_kuning=kuning, tikar_merah=merah, source="form",
                user_id=users[desa.id].id if desa.id in users else None)
            for indicator in INDICATORS:
                should = _should(indicator.code, people)
                share = min(max(level + OFFSETS[indicator.code] + rng.uniform(-0.04, 0.04), 0.0), 1.0)
                card.indicators.append(ConvergenceIndicator(code=indicator.code, should=should,
                                                            received=min(should, round(should * share))))
            session.add(card)
            added += 1
    return added
