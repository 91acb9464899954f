"""The Berita Acara Rembuk Stunting as plain data, read from a commitment's frozen snapshot only.

`berita_acara(content, commitment_hash)` resolves codes to labels and numbers to Indonesian
text once; the printable page (templates/commitments/berita_acara.html) and the PDF
(planner.documents.pdf) both draw this same structure, so they never disagree.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from ..domain import ATTENDEE_ROLES, CATEGORIES, PACKAGES, PROPOSERS, TARGET_GROUPS
from ..formatting import format_percent
from ..numerals import format_impact, format_rupiah, group_thousands


@dataclass
class Section:
    title: str
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)       # lists of cell text
    widths: list = field(default_factory=list)     # relative column widths
    numeric: set = field(default_factory=set)      # indexes of right-aligned columns
    paragraphs: list = field(default_factory=list)
    footer: list | None = None                     # a totals row


@dataclass
class Signature:
    role: str
    name: str


@dataclass
class BeritaAcara:
    title: str
    subtitle: str
    version: int
    content_hash: str
    opening: str
    sections: list
    closing: str
    place_date: str
    signatures: list
    participants: list


def _label(mapping, code):
    return str(mapping.get(code, code or "–"))


def long_date(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "EEEE, d MMMM y")


def berita_acara(content: dict, content_hash: str) -> BeritaAcara:
    village = content["village"]
    session = content["session"]
    version = content["commitment_version"]
    held_on = long_date(session["held_on"])
    title = _("BERITA ACARA REMBUK STUNTING DESA %(name)s", name=village["name"].upper())
    subtitle = _("Kecamatan %(kec)s, %(kab)s · Tahun Anggaran %(year)s · Komitmen versi %(v)s",
                 kec=village["kecamatan"], kab=village["kabupaten"], year=content["year"], v=version)
    opening = _("Pada hari ini, %(date)s, bertempat di %(place)s, telah dilaksanakan Rembuk Stunting Desa "
                "%(name)s yang dipimpin oleh %(chair)s%(fac)s, dengan hasil sebagai berikut.",
                date=held_on, place=session["place"], name=village["name"], chair=session["chair"] or "–",
                fac=(", " + _("difasilitasi oleh %(f)s", f=session["facilitator"])) if session["facilitator"] else "")
    sections = []
    if content.get("previous_version"):
        sections.append(Section(_("Perubahan komitmen"), paragraphs=[
            _("Rembuk ini mengubah komitmen versi %(v)s.", v=content["previous_version"]),
            _("Alasan perubahan: %(r)s", r=content.get("reason") or "–")]))
    if session.get("agenda"):
        sections.append(Section(_("Acara"), paragraphs=[line for line in session["agenda"].splitlines() if line.strip()]))
    sections.append(_attendance(content["attendance"]))
    sections.append(_data_summary(content))
    sections.append(_activities(content))
    sections.extend(_totals(content))
    sections.append(Section(_("Aturan pembagian yang dipakai"), paragraphs=rules_in_words(content.get("rules") or {},
                                                                                       content["budget"]["stunting_budget"])))
    sections.append(_changes(content))
    sections.append(Section(_("Kesepakatan pemantauan triwulanan"),
                            paragraphs=[line for line in (session.get("review") or "–").splitlines() if line.strip()]))
    closing = _("Demikian Berita Acara ini dibuat dengan sebenarnya untuk dipergunakan sebagai dasar penyusunan "
                "RKP Desa dan APB Desa. Kode isi (SHA-256) komitmen ini: %(h)s", h=content_hash)
    place_date = f"{village['name']}, {format_date(date.fromisoformat(session['held_on']), 'd MMMM y')}"
    signatures = [Signature(_("Kepala Desa %(name)s", name=village["name"]), _signer(content["attendance"], "kepala_desa")),
                  Signature(_("Ketua BPD"), _signer(content["attendance"], "bpd", prefer="ketua"))]
    participants = [Signature(_label(ATTENDEE_ROLES, a["role"]), a["name"]) for a in content["attendance"] if a.get("signs")]
    return BeritaAcara(title=title, subtitle=subtitle, version=version, content_hash=content_hash, opening=opening,
                       sections=sections, closing=closing, place_date=place_date, signatures=signatures,
                       participants=participants)


def _signer(attendance, role, prefer=None) -> str:
    people = [a for a in attendance if a["role"] == role]
    if prefer:
        people.sort(key=lambda a: prefer not in (a.get("institution") or "").lower())
    return people[0]["name"] if people else ""


def _attendance(attendance) -> Section:
    women = sum(1 for a in attendance if a["sex"] == "P")
    rows = [[str(i), a["name"], _label(ATTENDEE_ROLES, a["role"]), a.get("institution") or "", a["sex"], ""]
            for i, a in enumerate(attendance, start=1)]
    return Section(_("Daftar hadir"), headers=[_("No."), _("Nama"), _("Peran"), _("Lembaga / jabatan"), _("L/P"),
                                               _("Tanda tangan")],
                   rows=rows, widths=[6, 30, 22, 26, 6, 20], numeric={0},
                   paragraphs=[_("Hadir %(n)s orang, %(w)s di antaranya perempuan.", n=len(attendance), w=women)])


def _data_summary(content) -> Section:
    targets = content["targets"]
    rows = [[_label(TARGET_GROUPS, code), group_thousands(targets.get(code) or 0)] for code in TARGET_GROUPS]
    rows.append([_("Balita yang diukur di posyandu"), group_thousands(targets.get("balita_measured") or 0)])
    rows.append([_("Anak stunting hasil pengukuran"), group_thousands(targets.get("stunted_children") or 0)])
    if targets.get("prevalence") is not None:
        rows.append([_("Prevalensi stunting desa"), format_percent(targets["prevalence"])])
    budget = content["budget"]
    rows.append([_("Pagu Dana Desa"), format_rupiah(budget["pagu"])])
    rows.append([_("Anggaran pencegahan stunting"), format_rupiah(budget["stunting_budget"])])
    return Section(_("Ringkasan data desa"), headers=[_("Uraian"), _("Jumlah")], rows=rows, widths=[70, 30],
                   numeric={1})


def _activities(content) -> Section:
    rows = []
    for i, a in enumerate(content["activities"], start=1):
        rows.append([str(i), a["name"], _label(TARGET_GROUPS, a["target_group"]),
                     f"{group_thousands(a['units'])} {a.get('unit') or ''}".strip(), format_rupiah(a["cost"]),
                     a.get("funding_source") or "", _label(PROPOSERS, a.get("responsible")) if a.get("responsible") else "–",
                     a.get("apbdes_code") or "–"])
    total = content["totals"]["cost"]
    return Section(_("Kegiatan yang disepakati"),
                   headers=[_("No."), _("Kegiatan"), _("Sasaran"), _("Volume"), _("Biaya"), _("Sumber dana"),
                            _("Penanggung jawab"), _("Kode APBDes")],
                   rows=rows, widths=[5, 27, 14, 13, 14, 10, 11, 9], numeric={0, 3, 4},
                   footer=["", _("Jumlah"), "", "", format_rupiah(total), "", "", ""])


def _totals(content):
    totals = content["totals"]
    budget = content["budget"]["stunting_budget"]

    def share(amount):
        return format_percent(amount / budget) if budget else "–"

    packages = Section(_("Jumlah per paket layanan"), headers=[_("Paket layanan"), _("Biaya"), _("Porsi anggaran")],
                       rows=[[_label(PACKAGES, code), format_rupiah(totals["by_package"].get(code, 0)),
                              share(totals["by_package"].get(code, 0))] for code in PACKAGES],
                       widths=[50, 30, 20], numeric={1, 2})
    categories = Section(_("Jumlah intervensi spesifik dan sensitif"),
                         headers=[_("Kategori"), _("Biaya"), _("Porsi anggaran")],
                         rows=[[_label(CATEGORIES, code), format_rupiah(totals["by_category"].get(code, 0)),
                                share(totals["by_category"].get(code, 0))] for code in CATEGORIES],
                         widths=[50, 30, 20], numeric={1, 2},
                         paragraphs=[_("Perkiraan kasus stunting tercegah dari seluruh kegiatan: %(i)s.",
                                       i=format_impact(totals["impact"]))])
    return [packages, categories]


def rules_in_words(rules: dict, budget: int) -> list:
    lines = []
    for code, share in (rules.get("category_min_share") or {}).items():
        lines.append(_("Biaya kegiatan %(cat)s paling sedikit %(p)s dari anggaran stunting (%(rp)s).",
                       cat=_label(CATEGORIES, code).lower(), p=format_percent(share), rp=format_rupiah(round(share * budget))))
    for code, share in (rules.get("category_max_share") or {}).items():
        lines.append(_("Biaya kegiatan %(cat)s paling banyak %(p)s dari anggaran stunting (%(rp)s).",
                       cat=_label(CATEGORIES, code).lower(), p=format_percent(share), rp=format_rupiah(round(share * budget))))
    if rules.get("location_max_share") is not None:
        lines.append(_("Biaya di satu lokasi paling banyak %(p)s dari anggaran stunting.",
                       p=format_percent(rules["location_max_share"])))
    if rules.get("packages_required"):
        lines.append(_("Paket layanan yang wajib ada kegiatannya: %(list)s.",
                       list=", ".join(_label(PACKAGES, c) for c in rules["packages_required"])))
    if rules.get("target_groups_required"):
        lines.append(_("Kelompok sasaran yang wajib ada kegiatannya: %(list)s.",
                       list=", ".join(_label(TARGET_GROUPS, c) for c in rules["target_groups_required"])))
    lines.append(_("Jumlah biaya tidak melebihi anggaran stunting %(rp)s.", rp=format_rupiah(budget)))
    return lines


def _changes(content) -> Section:
    changes = content.get("changes_from_suggestion") or []
    suggestion = content.get("suggestion") or {}
    intro = _("Usulan pengoptimal tanpa keputusan rembuk: biaya %(c)s, perkiraan kasus tercegah %(i)s. "
              "Yang disepakati: biaya %(c2)s, perkiraan kasus tercegah %(i2)s.",
              c=format_rupiah(suggestion.get("total_cost") or 0), i=format_impact(suggestion.get("total_impact") or 0),
              c2=format_rupiah(content["totals"]["cost"]), i2=format_impact(content["totals"]["impact"]))
    if not changes:
        return Section(_("Perubahan dari usulan pengoptimal"),
                       paragraphs=[intro, _("Rembuk menyepakati usulan pengoptimal tanpa perubahan.")])
    decisions = [d for d in content.get("decisions", []) if not d.get("undone")]
    rows = [[c["name"], group_thousands(c["suggested_units"]), group_thousands(c["agreed_units"]),
             "; ".join(r["reason"] for r in c.get("reasons", []) if r.get("reason")) or _("akibat keputusan lain")]
            for c in changes]
    reasons = [decision_text(d) for d in decisions]
    return Section(_("Perubahan dari usulan pengoptimal"),
                   headers=[_("Kegiatan"), _("Unit usulan"), _("Unit disepakati"), _("Alasan")],
                   rows=rows, widths=[34, 13, 13, 40], numeric={1, 2},
                   paragraphs=[intro] + ([_("Keputusan rembuk:")] + reasons if reasons else []))


def decision_text(d: dict) -> str:
    if d["action"] == "scenario":
        text = _("memakai skenario “%(name)s”", name=d.get("scenario") or "–")
    elif d["action"] == "in":
        text = _("“%(name)s” wajib didanai", name=d["name"])
    elif d["action"] == "out":
        text = _("“%(name)s” tidak didanai", name=d["name"])
    elif d["action"] == "units":
        text = _("“%(name)s” sebanyak %(n)s unit", name=d["name"], n=d.get("units"))
    else:
        text = _("“%(name)s” diserahkan ke pengoptimal", name=d["name"])
    reason = (d.get("reason") or "").strip()
    return f"{text}: {reason}" if reason else f"{text} ({_('tanpa alasan tercatat')})"
