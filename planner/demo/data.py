"""The demo data set: one kabupaten, two kecamatan, ten villages, plans, proposals, users.

Names and codes follow Kemendagri's scheme; figures are plausible for a village
of 2,000–5,000 people but invented, and the demo says so on its plans' notes.
Everything is drawn from a seeded random generator: every load gives the same data
(for the same planning year).

Where the catalogue has no cost, a demo proposal uses a plausible local price and
says "harga setempat (contoh demo)"; where it has no evidence, the proposal
carries a village estimate marked "perkiraan desa (contoh demo)". Neither is
evidence, and the notes say so.
"""
import math
import random
from datetime import date, datetime, timezone
from dataclasses import dataclass, field

from sqlalchemy import select

from .. import money_rules
from ..extensions import db
from ..models import CatalogueItem, Plan, Proposal, ProposalLink, Region, User, YearSettings
from ..services.catalogue import seed_catalogue
from ..services.plans import default_plan_year
from ..services.scorecard import commitment_areas
from .aks import add_aks_and_teams
from .convergence import load_scorecards
from .meetings import carry_out_last_year, hold_meetings

DEMO_PASSWORD = "demo12345"
SEED = 2027

KABUPATEN = ("35.17", "Kabupaten Jombang (demo)")
KECAMATAN = [
    ("35.17.09", "Peterongan", [
        ("35.17.09.2001", "Bongkot"), ("35.17.09.2002", "Dukuhklopo"), ("35.17.09.2003", "Kepuhkembeng"),
        ("35.17.09.2004", "Mancar"), ("35.17.09.2005", "Morosunggingan"),
    ]),
    ("35.17.10", "Jombang", [
        ("35.17.10.2001", "Banjardowo"), ("35.17.10.2002", "Candimulyo"), ("35.17.10.2003", "Denanyar"),
        ("35.17.10.2004", "Jabon"), ("35.17.10.2005", "Jombatan"),
    ]),
]

# The logins the README lists: (username, role, region). All share DEMO_PASSWORD.
DEMO_LOGINS = (
    [("admin", "admin", KABUPATEN[1])]
    + [(f"kec.{kec.lower()}", "kecamatan", f"Kecamatan {kec}") for _, kec, _ in KECAMATAN]
    + [(f"desa.{desa.lower()}", "desa", f"Desa {desa}") for _, _, villages in KECAMATAN for _, desa in villages]
)

# PMK 7/2026: 58.03% of every village's 2026 Dana Desa goes to the Koperasi Desa Merah Putih.
# No rule for later years was found; the demo applies the same share and says so.
KOPERASI_SHARE = 0.5803
# BLT Desa: Rp300.000 per family and month (Permendes 13/2023, 2/2024).
BLT_PER_FAMILY_MONTH = 300_000
# Realistic stunting budgets: 10–20% of the regular Dana Desa after KDMP (../shared/domain.md: Desa
# Kesetnana 2023 put 12.6% of a pre-KDMP pagu into PMT). Operations: at most 3% of the regular Dana Desa.
STUNTING_SHARE = (0.10, 0.20)
OPERATIONS_SHARE = (0.02, 0.03)
# The demo's oversight story (plans for the year being planned): villages whose figures an officer
# would question. Kepuhkembeng puts 4.5% of its regular Dana Desa into operations (the cap is 3%),
# Morosunggingan budgets 7% for stunting under the demo kabupaten's 8% floor, and Candimulyo left the
# cooperative's share out of its earmarks, which overstates what it can spend.
STORY = {"Kepuhkembeng": "operations", "Morosunggingan": "below_floor", "Candimulyo": "no_kdmp"}

DUSUN = ["Dusun Krajan", "Dusun Kidul", "Dusun Lor", "Dusun Wetan", "Dusun Kulon", "Dusun Tengah",
         "Dusun Sumberejo", "Dusun Ngemplak"]
POSYANDU_FLOWERS = ["Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Cempaka", "Flamboyan", "Teratai"]

LOCAL_PRICE = "Harga satuan: harga setempat (contoh demo), katalog belum punya sumber biaya."
WHOLE_VILLAGE = "Seluruh desa"
VILLAGE_ESTIMATE = "Dampak per unit: perkiraan desa (contoh demo), bukan hasil penelitian."


@dataclass
class Village:
    """What the demo knows about one village while it builds the plan."""

    plan: Plan
    dusun: list
    posyandu: list
    at_risk: int        # children the posyandu flag for PMT: stunted plus those not gaining weight
    kek: int            # pregnant women with chronic energy deficiency
    rng: random.Random

    def per_posyandu(self, total: int) -> int:
        return max(1, math.ceil(total / len(self.posyandu)))


@dataclass(frozen=True)
class Template:
    """A kind of demo proposal: which catalogue item, where, by whom, how many.

    quantity(village) gives (min units, max units). `price` is the local price used
    when the catalogue has no cost; `estimate` the village's impact per unit used
    when the catalogue has no evidence.
    """

    code: str
    where: str                      # "posyandu", "dusun" or "desa"
    proposers: tuple
    quantity: object
    price: int | None = None
    estimate: float | None = None
    fixed_cost: int = 0
    extra: dict = field(default_factory=dict)
    implementer: str = "Kasi Kesejahteraan + TPK"
    months: tuple = ()              # () = through the year
    funding_source: str = "dd"


def _q(minimum, maximum):
    minimum, maximum = int(minimum), int(maximum)
    return max(0, min(minimum, maximum)), max(1, maximum)


T = {t.code + ("@" + t.where if t.where != "desa" else ""): t for t in [
    # per posyandu
    # platforms: whole courses of 12 months, no effect of their own (services require them)
    Template("operasional_posyandu", "posyandu", ("posyandu", "kader"), lambda v: _q(12, 12)),
    Template("insentif_kader", "posyandu", ("kader", "posyandu"), lambda v: _q(12, 5 * 12)),
    Template("pmt_lokal_balita", "posyandu", ("posyandu", "kader", "bidan_desa"),
             lambda v: _q(56, v.per_posyandu(v.at_risk) * 56)),
    Template("alat_antropometri", "posyandu", ("posyandu", "bidan_desa"), lambda v: _q(1, 1), estimate=0.02),
    Template("sarpras_posyandu", "posyandu", ("posyandu", "dusun"), lambda v: _q(1, 1), price=15_000_000,
             estimate=0.02),
    # per dusun
    Template("jamban_sehat", "dusun", ("dusun", "kpm", "lpm"), lambda v: _q(1, v.rng.randint(4, 15))),
    Template("sambungan_air", "dusun", ("dusun", "lpm"), lambda v: _q(5, v.rng.randint(12, 40))),
    Template("sumber_air", "dusun", ("dusun", "lpm", "bpd"), lambda v: _q(1, 1), price=120_000_000, estimate=0.15),
    Template("ctps", "dusun", ("pkk", "dusun"), lambda v: _q(5, v.rng.randint(10, 30)), price=750_000),
    Template("mck_umum", "dusun", ("dusun", "lpm"), lambda v: _q(1, 1), price=75_000_000, estimate=0.05),
    # for the whole village
    Template("pmt_pemulihan_baduta", "desa", ("bidan_desa", "posyandu"),
             lambda v: _q(90, max(2, round(v.plan.stunted_children * 0.4)) * 90)),
    Template("pmt_bumil_kek", "desa", ("bidan_desa", "kpm"), lambda v: _q(120, max(1, v.kek) * 120),
             price=20_000),
    Template("pendampingan_mms", "desa", ("bidan_desa", "kpm"), lambda v: _q(6, max(1, v.plan.ibu_hamil) * 6),
             price=25_000),
    Template("protein_hewani_baduta", "desa", ("posyandu", "pkk"),
             lambda v: _q(180, max(2, round(v.plan.baduta * 0.3)) * 180), price=3_000),
    Template("insentif_kpm", "desa", ("pemdes", "kpm"), lambda v: _q(12, 12), price=750_000),
    # PMBA classes for the caregivers of children 6–23 months (about 3 in 5 baduta), 12 meetings each
    Template("konseling_pmba", "desa", ("kpm", "kader", "pkk"),
             lambda v: _q(12, round(v.plan.baduta * 0.6) * 12), price=15_000),
    Template("konseling_pmba_plus", "desa", ("bidan_desa", "kpm"),
             lambda v: _q(12, max(2, round(v.plan.stunted_children * 0.3)) * 12), price=150_000),
    Template("kelas_ibu_hamil", "desa", ("bidan_desa", "pkk"), lambda v: _q(v.plan.ibu_hamil, v.plan.ibu_hamil * 4),
             price=25_000, estimate=0.0005, fixed_cost=500_000),
    Template("kunjungan_rumah", "desa", ("kpm", "kader"),
             lambda v: _q(12, (v.kek + max(1, round(v.plan.stunted_children * 0.4))) * 12), price=20_000,
             estimate=0.0003),
    Template("ttd_remaja", "desa", ("pkk", "karang_taruna"),
             lambda v: _q(v.plan.remaja_putri * 3, v.plan.remaja_putri * 12), price=5_000, estimate=0.00005),
    Template("pelatihan_kader", "desa", ("kpm", "pemdes"), lambda v: _q(5, len(v.posyandu) * 5), price=300_000,
             estimate=0.002, fixed_cost=1_500_000),
    Template("polindes", "desa", ("bidan_desa",), lambda v: _q(6, 12), price=1_500_000, estimate=0.003),
    Template("desa_siaga", "desa", ("pemdes", "bidan_desa"), lambda v: _q(6, 12), price=1_000_000, estimate=0.003),
    Template("paud_operasional", "desa", ("paud",), lambda v: _q(12, v.rng.randint(1, 2) * 12), price=1_500_000,
             estimate=0.002),
    Template("paud_ape", "desa", ("paud",), lambda v: _q(1, v.rng.randint(1, 2)), price=5_000_000, estimate=0.01),
    Template("bkb", "desa", ("pkk", "paud"), lambda v: _q(v.plan.baduta, round(v.plan.baduta * 0.5) * 12),
             price=15_000, estimate=0.0002),
    Template("fasilitasi_jkn", "desa", ("kpm", "pemdes"),
             lambda v: _q(5, max(5, round((v.plan.ibu_hamil + v.plan.baduta) * 0.2))), price=25_000, estimate=0.001),
    Template("akta_kelahiran", "desa", ("pemdes", "kpm"), lambda v: _q(5, max(5, round(v.plan.baduta * 0.15))),
             price=25_000, estimate=0.0005),
    Template("konseling_catin", "desa", ("pkk", "kpm"), lambda v: _q(1, max(2, v.plan.catin)), price=50_000,
             estimate=0.001),
    Template("pangan_keluarga", "desa", ("pkk", "kpm", "dusun"),
             lambda v: _q(5, max(5, round(v.plan.keluarga * 0.5))), price=500_000, estimate=0.002),
]}


# Who carries each kind of activity out and when (waktu pelaksanaan): feeding in the second and third
# quarters, building in the dry season (June–September), services through the year. A kabupaten's
# bantuan keuangan builds the public MCK and the community (swadaya) runs handwashing promotion: they
# sit beside the Dana Desa stunting budget (docs/rembuk.md).
DRY_SEASON = (6, 7, 8, 9)
PMT_SEASON = (4, 5, 6, 7, 8, 9)
CARRIED_OUT = {
    "operasional_posyandu": ("Kasi Kesejahteraan + Kader Posyandu", (), "dd"),
    "insentif_kader": ("Kasi Kesejahteraan", (), "dd"),
    "pmt_lokal_balita": ("Kasi Kesejahteraan + Kader Posyandu", PMT_SEASON, "dd"),
    "alat_antropometri": ("Kasi Kesejahteraan + Bidan desa", (3,), "dd"),
    "sarpras_posyandu": ("Kaur Perencanaan + TPK", DRY_SEASON, "dd"),
    "jamban_sehat": ("Kaur Perencanaan + TPK", DRY_SEASON, "dd"),
    "sambungan_air": ("Kaur Perencanaan + TPK", DRY_SEASON, "dd"),
    "sumber_air": ("Kaur Perencanaan + TPK", DRY_SEASON, "dd"),
    "ctps": ("TP PKK", (2, 5, 8, 11), "swadaya"),
    "mck_umum": ("Kaur Perencanaan + TPK", DRY_SEASON, "bankeu"),
    "pmt_pemulihan_baduta": ("Kasi Kesejahteraan + Bidan desa", PMT_SEASON, "dd"),
    "pmt_bumil_kek": ("Kasi Kesejahteraan + Bidan desa", (4, 5, 6, 7), "dd"),
    "pendampingan_mms": ("TPK + Bidan desa", (), "dd"),
    "protein_hewani_baduta": ("Kasi Kesejahteraan + Kader Posyandu", PMT_SEASON, "dd"),
    "insentif_kpm": ("Kasi Kesejahteraan", (), "dd"),
    "konseling_pmba": ("KPM + Kader Posyandu", (), "dd"),
    "konseling_pmba_plus": ("Bidan desa + KPM", (), "dd"),
    "kelas_ibu_hamil": ("Bidan desa + TP PKK", (), "dd"),
    "kunjungan_rumah": ("TPK + KPM", (), "dd"),
    "ttd_remaja": ("TP PKK + Karang Taruna", (), "dd"),
    "pelatihan_kader": ("Kasi Kesejahteraan + KPM", (2, 3), "dd"),
    "polindes": ("Kasi Pelayanan + Bidan desa", (), "dd"),
    "desa_siaga": ("Kasi Pelayanan", (), "dd"),
    "paud_operasional": ("Lembaga PAUD", (), "dd"),
    "paud_ape": ("Lembaga PAUD", (7, 8), "dd"),
    "bkb": ("TP PKK + Kader BKB", (), "dd"),
    "fasilitasi_jkn": ("Kasi Pemerintahan + KPM", (1, 2, 3), "dd"),
    "akta_kelahiran": ("Kasi Pemerintahan", (), "dd"),
    "konseling_catin": ("TP PKK + KUA", (), "dd"),
    "pangan_keluarga": ("TP PKK + Kelompok Wanita Tani", (3, 4, 5, 9, 10), "dd"),
}


def database_is_empty() -> bool:
    return db.session.scalar(select(Region.id).limit(1)) is None


def _user(username, name, role, region):
    user = User(username=username, name=name, role=role, region=region)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user


def _round_to(value, step):
    return int(round(value / step)) * step


def _plan(desa, year, rng, story: str = "") -> Village:
    """The village's plan: budget with earmarks, target groups, posyandu measurement.

    The cooperative's share comes off the pagu first; BLT, operations and food security come out of
    the regular Dana Desa that is left, and the stunting budget is 10–20% of it. `story` bends one
    figure for the oversight story (STORY)."""
    population = rng.randint(2000, 5000)
    births = round(population * rng.uniform(0.014, 0.018))
    balita = round(births * rng.uniform(4.5, 4.9))
    baduta = round(births * rng.uniform(1.8, 2.0))
    measured = round(balita * rng.uniform(0.82, 0.95))
    stunted = round(measured * rng.uniform(0.11, 0.29))
    pagu = _round_to(rng.uniform(600e6, 1_700e6), 1_000_000)
    koperasi = round(pagu * KOPERASI_SHARE)
    regular = pagu - koperasi
    blt_families = rng.randint(5, 15)
    blt = blt_families * BLT_PER_FAMILY_MONTH * 12
    operations = _round_to(regular * rng.uniform(*OPERATIONS_SHARE), 100_000)
    food = _round_to(regular * rng.uniform(0.03, 0.08), 1_000_000)
    share = rng.uniform(*STUNTING_SHARE)
    if story == "operations":
        operations = _round_to(regular * 0.045, 100_000)
    elif story == "below_floor":
        share = 0.07
    budget = _round_to(regular * share, 1_000_000)
    if story == "no_kdmp":
        koperasi = 0
    n_dusun = rng.randint(3, 5)
    dusun = ["Dusun Krajan"] + rng.sample(DUSUN[1:], n_dusun - 1)
    flower = rng.choice(POSYANDU_FLOWERS)
    posyandu = [f"Posyandu {flower} {i}" for i in range(1, n_dusun + 1)]
    kdmp = f"{KOPERASI_SHARE * 100:.2f}".replace(".", ",")
    notes = (
        "Data contoh (demo): angka dikarang agar masuk akal, bukan data desa sebenarnya. "
        f"Koperasi Desa Merah Putih: {kdmp}% dari pagu seperti aturan 2026 (PMK 7/2026); untuk tahun {year} "
        f"ini asumsi karena aturannya belum ditemukan. BLT Desa: {blt_families} keluarga × Rp300.000 × 12 bulan. "
        "Anggaran stunting 10–20% Dana Desa reguler (setelah KDMP)."
    )
    plan = Plan(
        desa=desa, year=year, status="draft", pagu=pagu, earmark_koperasi=koperasi, earmark_blt=blt,
        earmark_pangan=food, earmark_operasional=operations, earmark_other=0, stunting_budget=budget,
        ibu_hamil=births, ibu_nifas=round(births * 0.8), baduta=baduta, balita=balita,
        catin=round(population * rng.uniform(0.006, 0.009)), remaja_putri=round(population * rng.uniform(0.07, 0.09)),
        keluarga=round(population / 3.6 * rng.uniform(0.06, 0.12)),
        balita_measured=measured, stunted_children=stunted, notes=notes,
    )
    db.session.add(plan)
    return Village(plan=plan, dusun=dusun, posyandu=posyandu, at_risk=round(stunted * rng.uniform(1.0, 1.5)),
                   kek=max(1, round(births * rng.uniform(0.1, 0.2))), rng=rng)


def _proposal(village, template, item, location, position) -> Proposal:
    rng = village.rng
    minimum, maximum = template.quantity(village)
    notes = []
    cost = item.default_unit_cost
    if cost is None:
        cost = template.price
        notes.append(LOCAL_PRICE)
    impact = None
    if not item.has_effect and not item.enabling:      # a platform has no effect of its own
        impact = template.estimate
        notes.append(VILLAGE_ESTIMATE)
    proposal = Proposal(
        plan=village.plan, catalogue_item=item, position=position, name=item.name, category=item.category,
        package=item.package, target_group=item.target_group, location=location,
        proposer=rng.choice(template.proposers), unit=item.unit, unit_cost=cost, fixed_cost=template.fixed_cost,
        min_units=minimum, max_units=maximum, impact_per_unit=impact, apbdes_code=item.apbdes_code,
        notes=" ".join(notes),
    )
    implementer, months, source = CARRIED_OUT.get(template.code, (template.implementer, template.months,
                                                                  template.funding_source))
    proposal.implementer, proposal.months, proposal.funding_source = implementer, list(months) or None, source
    db.session.add(proposal)
    return proposal


def _proposals(village, items) -> list:
    """10–40 proposals: a core every village has, then a seeded sample of the rest.

    The core holds the links: each kader incentive requires its posyandu's
    operations (for every posyandu that has both), and in one dusun a new water source excludes house connections
    (two alternative water options). Proposals are added until they ask for more
    than the budget, so the optimizer has something to choose.
    """
    rng = village.rng
    water_dusun = rng.choice(village.dusun)
    core = []
    for name in village.posyandu[:2]:
        core += [("operasional_posyandu@posyandu", name), ("insentif_kader@posyandu", name)]
    core += [("pmt_lokal_balita@posyandu", village.posyandu[0]), ("sumber_air@dusun", water_dusun),
             ("sambungan_air@dusun", water_dusun), ("jamban_sehat@dusun", village.dusun[0]),
             ("pmt_pemulihan_baduta", "Desa"), ("konseling_pmba", "Desa"), ("pendampingan_mms", "Desa")]
    optional = []
    for key, template in T.items():
        places = {"posyandu": village.posyandu, "dusun": village.dusun, "desa": ["Desa"]}[template.where]
        optional += [(key, place) for place in places if (key, place) not in core]
    # the other dusun's water stays with house connections or nothing: only one exclusion pair
    optional = [(k, p) for k, p in optional if not (k == "sumber_air@dusun" and p != water_dusun)]
    # one public MCK (the kabupaten's bantuan keuangan builds it) in one dusun, not one in every dusun
    mck_dusun = rng.choice(village.dusun)
    optional = [(k, p) for k, p in optional if not (k == "mck_umum@dusun" and p != mck_dusun)]
    rng.shuffle(optional)
    target = rng.randint(max(12, len(core)), min(40, len(core) + len(optional)))
    chosen = core + optional[: target - len(core)]

    created, by_key = [], {}
    for position, (key, place) in enumerate(chosen):
        template = T[key]
        location = WHOLE_VILLAGE if place == "Desa" else place
        proposal = _proposal(village, template, items[template.code], location, position)
        created.append(proposal)
        by_key[(key, place)] = proposal
    rest = optional[target - len(core):]
    while sum(p.max_cost for p in created) <= village.plan.stunting_budget * 1.2 and rest and len(created) < 40:
        key, place = rest.pop(0)
        location = WHOLE_VILLAGE if place == "Desa" else place
        proposal = _proposal(village, T[key], items[T[key].code], location, len(created))
        created.append(proposal)
        by_key[(key, place)] = proposal
    db.session.flush()
    for name in village.posyandu:
        kader, ops = by_key.get(("insentif_kader@posyandu", name)), by_key.get(("operasional_posyandu@posyandu", name))
        if kader is not None and ops is not None:
            db.session.add(ProposalLink(proposal_id=kader.id, other_id=ops.id, kind="requires"))
    source, connections = by_key[("sumber_air@dusun", water_dusun)], by_key[("sambungan_air@dusun", water_dusun)]
    db.session.add(ProposalLink(proposal_id=source.id, other_id=connections.id, kind="excludes"))
    return created


def load_demo(year: int | None = None) -> str:
    """Create the demo data set with plans for `year` (default: the year being planned).

    Returns a short summary. Call it on an empty database (see `database_is_empty`).
    """
    year = year or default_plan_year()
    rng = random.Random(SEED)
    kabupaten = Region(code=KABUPATEN[0], name=KABUPATEN[1], level="kabupaten")
    db.session.add(kabupaten)
    _user("admin", "Admin Kabupaten", "admin", kabupaten)
    villages = []
    for kec_code, kec_name, desa_list in KECAMATAN:
        kecamatan = Region(code=kec_code, name=kec_name, level="kecamatan", parent=kabupaten)
        db.session.add(kecamatan)
        _user(f"kec.{kec_name.lower()}", f"Petugas Kecamatan {kec_name}", "kecamatan", kecamatan)
        for desa_code, desa_name in desa_list:
            desa = Region(code=desa_code, name=desa_name, level="desa", parent=kecamatan)
            db.session.add(desa)
            _user(f"desa.{desa_name.lower()}", f"Operator Desa {desa_name}", "desa", desa)
            villages.append(desa)
    db.session.flush()
    # The kabupaten's regions were on its list long before this year's deadlines.
    established = datetime(year - 3, 1, 2, tzinfo=timezone.utc)
    for region in [kabupaten, *villages, *{desa.parent for desa in villages}]:
        region.created_at = established
    seed_catalogue(kabupaten, commit=False)
    db.session.flush()
    items = {item.code: item for item in db.session.scalars(
        select(CatalogueItem).where(CatalogueItem.region_id == kabupaten.id))}
    proposals = 0
    plans = {}
    for desa in villages:
        village = _plan(desa, year, rng, STORY.get(desa.name, ""))
        plans[desa.name] = village.plan
        proposals += len(_proposals(village, items))
    db.session.commit()

    recommendations = add_aks_and_teams(plans, year, items)

    committed = hold_meetings(plans, year)
    # Last year, being carried out: its plans, the commitments and the quarters reported so far.
    last_year = []
    for desa in villages:
        village = _plan(desa, year - 1, rng)
        _proposals(village, items)
        last_year.append(village.plan)
    db.session.commit()
    _year_settings(kabupaten, (year - 1, year), [d.id for d in villages if d.name in PRIORITY_VILLAGES])
    last_committed, quarters = carry_out_last_year(last_year, year - 1, date.today())
    _apbdes_totals(list(plans.values()) + last_year)

    operators = {user.region_id: user for user in db.session.scalars(select(User).where(User.role == "desa"))}
    scorecards = load_scorecards(db.session, villages, year - 1, operators)
    db.session.commit()
    return (f"Demo loaded: 1 kabupaten, {len(KECAMATAN)} kecamatan, {len(villages)} desa, "
            f"{len(villages)} plans for {year}, {proposals} proposals, {committed} committed after a rembuk; "
            f"for {year - 1}: {last_committed} commitments with {quarters} quarters of realisation, "
            f"{scorecards} quarters of convergence scorecards; {recommendations} AKS recommendations.")


# The demo kabupaten's own settings. The floor and the desa lokus are examples, and say so: a real
# kabupaten sets them in its Perbup (../shared/domain.md).
PRIORITY_VILLAGES = ("Dukuhklopo", "Jabon", "Mancar", "Bongkot", "Denanyar")
DEMO_FLOOR = 0.08


def _year_settings(kabupaten, years, priority_ids):

    for year in years:
        rules, source = money_rules.default_for(year)
        assumed = "" if source == year else f" Aturan dana desa {year}: asumsi, memakai aturan {source}."
        db.session.add(YearSettings(
            kabupaten_id=kabupaten.id, year=year, rules=None, stunting_share_floor=DEMO_FLOOR,
            commitment_deadline=date(year - 1, 12, 15), first_tranche_share=0.4, priority_desa_ids=priority_ids,
            money_rules={**rules.as_dict(), "legal_basis": ""},
            legal_basis=(f"{rules.legal_basis}; Perbup contoh. Contoh untuk data demo: porsi stunting paling sedikit "
                         f"8% Dana Desa reguler dan desa lokus ini bukan aturan nyata; kabupaten menetapkannya dalam "
                         f"Perbup.{assumed}")))
    db.session.commit()


def _apbdes_totals(plans):
    """The APBDes bidang totals of the committed villages (entered after the commitment, as villages
    do once the APBDes is drafted); one committed village has not entered them yet."""

    rng = random.Random(SEED + 1)
    for plan in plans:
        commitment = plan.latest_commitment
        if commitment is None or plan.desa.name == "Dukuhklopo":
            continue
        areas = commitment_areas(commitment)
        regular = plan.pagu - plan.earmark_koperasi
        plan.apbdes_pembangunan = areas.get("2", 0) + _round_to(regular * rng.uniform(0.35, 0.55), 1_000_000)
        plan.apbdes_pemberdayaan = areas.get("4", 0) + _round_to(regular * rng.uniform(0.08, 0.15), 1_000_000)
    db.session.commit()


def logins_text() -> str:
    """The demo logins as lines for the terminal."""
    lines = [f"Logins (password {DEMO_PASSWORD}):"]
    lines += [f"  {username:<22} {role:<10} {region}" for username, role, region in DEMO_LOGINS]
    return "\n".join(lines)
