"""Demo AKS recommendations (counts only) and village teams, so the dashboards tell a story: some
villages answer every recommendation, some part of them, some none; a few teams lack a KPM or a TPK."""
from ..extensions import db
from ..models import AksFinding, AksRecommendation, TeamMember

# village name -> how it answers its recommendations: "all", "part" or "none".
AKS_STORIES = {"Dukuhklopo": "all", "Jabon": "part", "Mancar": "none", "Bongkot": "part", "Denanyar": "all"}
RECOMMENDATIONS = (
    # (intervention, target group, count, unit, responsible, catalogue item code)
    ("PMT pemulihan ibu hamil KEK", "ibu_hamil", 3, "orang", "Bidan desa + PKK", "pmt_bumil_kek"),
    ("PMT pemulihan baduta tidak naik berat badan", "baduta", 4, "orang", "Kader posyandu + TPK",
     "pmt_pemulihan_baduta"),
    ("Jamban sehat keluarga berisiko", "keluarga", 2, "keluarga", "Kasi Kesejahteraan + TPK", "jamban_sehat"),
    ("Posyandu remaja: pendampingan remaja putri anemia", "remaja_putri", 6, "orang", "Bidan desa + Karang taruna",
     "posyandu_remaja"),
)
FINDINGS = (("ibu_hamil", "KEK (kurang energi kronis)", 3), ("baduta", "Tidak naik berat badan", 4),
            ("keluarga", "Tanpa jamban sehat", 2), ("baduta", "Imunisasi tidak lengkap", 1))
TEAM = (("kepala_desa", "L"), ("bidan_desa", "P"), ("pkk", "P"), ("kpm", "P"), ("kader_posyandu", "P"),
        ("tpk", "P"), ("plkb", "L"), ("babinsa", "L"))
FIRST_NAMES = ("Siti", "Sri", "Wahyuni", "Endang", "Yuli", "Sutrisno", "Bambang", "Agus", "Slamet", "Rini")
# Villages whose team lacks a key role, to be seen on the kecamatan dashboard.
TEAM_GAPS = {"Mancar": ("kpm", "tpk"), "Jabon": ("tpk",)}


def add_aks_and_teams(plans: dict, year: int, items: dict | None = None) -> int:
    """Recommendations of the audit of semester II of `year` − 1 for the story villages, linked to the
    plans' proposals as the story says; teams for every village for `year` − 1 and `year`. Returns the
    number of recommendations."""

    count = 0
    for i, (name, plan) in enumerate(sorted(plans.items())):
        gaps = TEAM_GAPS.get(name, ())
        for team_year in (year - 1, year):
            for j, (role, sex) in enumerate(TEAM):
                if role in gaps:
                    continue
                person = FIRST_NAMES[(i + j) % len(FIRST_NAMES)]
                title = {"bidan_desa": ", A.Md.Keb.", "kepala_desa": ", S.Sos."}.get(role, "")
                db.session.add(TeamMember(desa_id=plan.desa_id, year=team_year, role=role, sex=sex,
                                          name=f"{person} {name[:1]}.{title}",
                                          place="Posyandu remaja" if role == "kader_posyandu" and i % 2 else ""))
        story = AKS_STORIES.get(name)
        if story is None:
            continue
        for group, cause, n in FINDINGS:
            db.session.add(AksFinding(desa_id=plan.desa_id, year=year - 1, semester=2, target_group=group,
                                      cause=cause, count=n))
        for k, (what, group, n, unit, who, code) in enumerate(RECOMMENDATIONS):
            item = (items or {}).get(code)
            rec = AksRecommendation(desa_id=plan.desa_id, year=year - 1, semester=2, intervention=what,
                                    target_group=group, count=n, count_unit=unit, responsible=who,
                                    catalogue_item_id=item.id if item is not None else None)
            db.session.add(rec)
            db.session.flush()
            count += 1
            if story == "none" or (story == "part" and k > 0):
                continue
            answer = next((p for p in plan.proposals if p.target_group == group and p.aks_recommendation_id is None),
                          None)
            if answer is not None:
                answer.aks_recommendation_id = rec.id
    db.session.commit()
    return count
