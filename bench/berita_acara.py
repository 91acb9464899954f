"""Time the Berita Acara PDF for commitments of growing size (what a village waits for after "Unduh PDF").

    python bench/berita_acara.py [--activities 10,40,120] [--repeat 3]

Builds a snapshot like services.commitments.build_content writes (no database), then times
berita_acara() + berita_acara_pdf() and prints the median seconds, the pages and the size.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner import create_app  # noqa: E402
from planner.documents.berita_acara import berita_acara  # noqa: E402
from planner.documents.pdf import berita_acara_pdf  # noqa: E402

PLACES = ["Posyandu Melati 1", "Posyandu Melati 2", "Dusun Krajan", "Dusun Sumberejo", "Seluruh desa"]
UNITS = ["posyandu-bulan", "anak-hari", "peserta-pertemuan", "unit", "kader-bulan"]


def content(activities: int, attendees: int = 14) -> dict:
    rows = [{"key": f"u{i}", "name": f"Kegiatan pencegahan stunting nomor {i}", "category": "spesifik",
             "package": "kia", "target_group": "balita", "location": PLACES[i % len(PLACES)],
             "unit": UNITS[i % len(UNITS)], "unit_cost": 100_000 + i, "fixed_cost": 0, "units": 12,
             "cost": 12 * (100_000 + i), "impact": 0.01, "apbdes_code": "2.2.02",
             "funding_source": "dd" if i % 7 else "csr", "implementer": "Kasi Kesejahteraan + Kader Posyandu",
             "months": [4, 5, 6] if i % 2 else []} for i in range(activities)]
    cost = sum(r["cost"] for r in rows if r["funding_source"] == "dd")
    return {
        "commitment_version": 1, "previous_version": None, "year": 2027, "reason": "",
        "village": {"code": "35.17.09.2001", "name": "Bongkot", "kecamatan": "Peterongan", "kabupaten": "Kabupaten Jombang"},
        "session": {"held_on": "2026-08-12", "place": "Balai Desa Bongkot", "chair": "Kepala Desa", "facilitator": "KPM",
                    "agenda": "1. Pembukaan\n2. Pembahasan", "review": "Setiap triwulan", "document_number": ""},
        "attendance": [{"name": f"Peserta {n}", "role": "warga", "institution": "", "sex": "P" if n % 2 else "L",
                        "signs": n < 8} for n in range(attendees)],
        "pledges": [{"body": "Puskesmas Peterongan", "what": "MMS untuk semua ibu hamil", "months": []}],
        "targets": {"ibu_hamil": 40, "balita": 200, "balita_measured": 180, "stunted_children": 36, "prevalence": 0.2},
        "budget": {"pagu": 1_000_000_000, "stunting_budget": cost},
        "rules": {}, "activities": rows,
        "totals": {"cost": cost, "impact": 0.01 * activities, "by_package": {"kia": cost}, "by_category": {"spesifik": cost},
                   "by_area": {"2": cost}, "by_source": {"dd": cost, "csr": sum(r["cost"] for r in rows) - cost}},
        "decisions": [], "changes_from_suggestion": [], "suggestion": {"total_cost": cost, "total_impact": 0.01},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", default="10,40,120")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    print(f"{'activities':>10} {'seconds':>8} {'pages':>5} {'KB':>6}")
    with app.test_request_context():
        for count in (int(n) for n in args.activities.split(",")):
            data = content(count)
            times, body = [], b""
            for _ in range(args.repeat):
                start = time.perf_counter()
                body = berita_acara_pdf(berita_acara(data, "0" * 64))
                times.append(time.perf_counter() - start)
            pages = body.count(b"/Type /Page\n") or body.count(b"/Type /Page")
            print(f"{count:>10} {statistics.median(times):>8.2f} {pages:>5} {len(body) // 1024:>6}")


if __name__ == "__main__":
    main()
