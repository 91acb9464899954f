"""The Berita Acara Rembuk Stunting as plain data, read from a commitment's frozen snapshot only.

`berita_acara(content, commitment_hash)` resolves codes to labels and numbers to text once;
the printable page (templates/commitments/berita_acara.html) and the PDF
(planner.documents.pdf) both draw this same structure, so they never disagree.

The document is a village's legal record, so it is always in Indonesian, whatever language the
person downloading it reads the application in (`force_locale("id")`): letterhead, number,
the standard closing sentence, one signature block (kepala desa and ketua BPD, then the
participants' representatives, nobody twice), and the content code only in the footer.
"""
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _

from ..activity_names import activity_labels
from ..domain import (ATTENDEE_ROLES, CATEGORIES, FUNDING_SOURCES, FUNDING_SOURCES_SHORT, PACKAGES,
                      TARGET_GROUPS)
from ..formatting import (format_cases, format_date, format_months, format_number, format_percent, format_rupiah,
                          impact_range)


@dataclass
class Section:
    title: str
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)       # lists of cell text
    widths: list = field(default_factory=list)     # relative column widths (the PDF widens columns
    numeric: set = field(default_factory=set)      #  whose longest word needs more); right-aligned columns
    paragraphs: list = field(default_factory=list)  # before the table
    notes: list = field(default_factory=list)       # after the table
    footer: list | None = None                     # totals rows (a list of rows)
    key: str = ""                                  # a stable name (tests, styles)
    wide: bool = False                             # printed on landscape pages of its own


@dataclass
class Signature:
    role: str
    name: str


@dataclass
class BeritaAcara:
    letterhead: list          # lines: PEMERINTAH KABUPATEN …, KECAMATAN …, DESA …
    title: list               # lines of the title
    number: str               # "Nomor: …"
    version: int
    content_hash: str
    opening: str
    sections: list
    closing: str
    place_date: str
    signatures: list          # Signature, kepala desa and ketua BPD first
    signatures_title: str
    footer: str               # what every page's footer says (the content code lives here only)
    words: dict = field(default_factory=dict)   # the few fixed words the layouts print

    @property
    def title_text(self) -> str:
        return " ".join(self.title)


def _label(mapping, code):
    return str(mapping.get(code, code or "–"))


def long_date(iso: str) -> str:
    return format_date(iso, "EEEE, d MMMM y")


def document_number(content: dict) -> str:
    """The number the village gave the Berita Acara, or one derived from village code, year and version."""
    given = (content["session"].get("document_number") or "").strip()
    if given:
        return given
    return f"{content['commitment_version']:02d}/BA-RSD/{content['village']['code']}/{content['year']}"


def berita_acara(content: dict, content_hash: str, scorecard=None) -> BeritaAcara:
    """The document in Indonesian, whatever the page's language. `scorecard`: the village's Dana Desa
    table (services.scorecard.plan_scorecard), printed once its bidang totals are entered."""
    with force_locale("id"):
        return _build(content, content_hash, scorecard)


def _build(content: dict, content_hash: str, scorecard=None) -> BeritaAcara:
    village = content["village"]
    meeting = content["session"]
    version = content["commitment_version"]
    kabupaten = (village.get("kabupaten") or "").strip()
    letterhead = [_("PEMERINTAH %(kab)s", kab=kabupaten.upper()) if kabupaten else "",
                  _("KECAMATAN %(kec)s", kec=(village.get("kecamatan") or "").upper()),
                  _("DESA %(desa)s", desa=village["name"].upper())]
    title = [_("BERITA ACARA"), _("KOMITMEN BERSAMA PENCEGAHAN DAN PENURUNAN STUNTING"),
             _("REMBUK STUNTING DESA %(name)s TAHUN ANGGARAN %(year)s", name=village["name"].upper(),
               year=content["year"])]
    if content.get("previous_version"):
        title.append(_("(PERUBAHAN, KOMITMEN VERSI %(v)s)", v=version))
    facilitator = meeting.get("facilitator") or ""
    opening = _("Pada hari ini, %(date)s, bertempat di %(place)s, telah dilaksanakan Rembuk Stunting Desa "
                "%(name)s, Kecamatan %(kec)s, yang dipimpin oleh %(chair)s%(fac)s. Rembuk menyepakati hal-hal "
                "sebagai berikut.",
                date=long_date(meeting["held_on"]), place=meeting["place"] or "–", name=village["name"],
                kec=village.get("kecamatan") or "–", chair=meeting["chair"] or "–",
                fac=(" " + _("dan difasilitasi oleh %(f)s", f=facilitator)) if facilitator else "")
    sections = []
    if content.get("previous_version"):
        sections.append(_amendment(content))
    if meeting.get("agenda"):
        sections.append(Section(_("Acara"), paragraphs=[line for line in meeting["agenda"].splitlines()
                                                        if line.strip()], key="agenda"))
    sections.append(_attendance(content["attendance"]))
    sections.append(_data_summary(content))
    sections.append(_activities(content))
    sections.extend(_totals(content))
    sections.append(_impacts(content))
    if scorecard is not None and scorecard.entered:
        sections.append(_scorecard(scorecard))
    if content.get("aks"):
        sections.append(_aks(content["aks"]))
    sections.append(_pledges(content))
    sections.append(Section(_("Aturan pembagian anggaran stunting"),
                            paragraphs=rules_in_words(content.get("rules") or {},
                                                      content["budget"]["stunting_budget"]), key="rules"))
    sections.append(_changes(content))
    sections.append(Section(_("Kesepakatan pemantauan triwulanan"),
                            paragraphs=[line for line in (meeting.get("review") or "–").splitlines() if line.strip()],
                            key="review"))
    closing = _("Demikian Berita Acara ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana "
                "mestinya, sebagai dasar penyusunan RKP Desa dan APB Desa.")
    place_date = f"{village['name']}, {format_date(meeting['held_on'], 'd MMMM y')}"
    footer = _("Berita Acara Rembuk Stunting Desa %(name)s %(year)s, versi %(v)s · Kode pengaman dokumen: %(h)s",
               name=village["name"], year=content["year"], v=version, h=content_hash)
    return BeritaAcara(
        letterhead=[line for line in letterhead if line], title=title,
        number=_("Nomor: %(n)s", n=document_number(content)), version=version, content_hash=content_hash,
        opening=opening, sections=sections, closing=closing, place_date=place_date,
        signatures=signatures(content), signatures_title=_("Yang menandatangani,"), footer=footer,
        words={"page": _("Halaman %(n)s dari %(m)s"), "back": "", "signature": _("Tanda tangan")})


def signatures(content: dict) -> list:
    """Kepala desa and ketua BPD, then each participants' representative once (by name)."""
    village = content["village"]
    attendance = content["attendance"]
    people = [Signature(_("Kepala Desa %(name)s", name=village["name"]), _signer(attendance, "kepala_desa")),
              Signature(_("Ketua BPD"), _signer(attendance, "bpd", prefer="ketua"))]
    taken = {p.name.casefold() for p in people if p.name}
    for a in attendance:
        if not a.get("signs") or a["name"].casefold() in taken:
            continue
        taken.add(a["name"].casefold())
        role = _label(ATTENDEE_ROLES, a["role"])
        institution = (a.get("institution") or "").strip()
        people.append(Signature(f"{role}, {institution}" if institution else role, a["name"]))
    return people


def _signer(attendance, role, prefer=None) -> str:
    people = [a for a in attendance if a["role"] == role]
    if prefer:
        people.sort(key=lambda a: prefer not in ((a.get("institution") or "") + " " + a["name"]).lower())
    return people[0]["name"] if people else ""


def _amendment(content) -> Section:
    changes = content.get("changes_from_previous") or []
    labels = activity_labels(changes)
    rows = []
    for label, c in zip(labels, changes):
        if not c["units_before"]:
            what = _("ditambahkan")
        elif not c["units_after"]:
            what = _("dihapus")
        else:
            what = _("diubah")
        rows.append([label, what, f"{format_number(c['units_before'])} → {format_number(c['units_after'])}",
                     f"{format_rupiah(c['cost_before'])} → {format_rupiah(c['cost_after'])}", c.get("reason") or "–"])
    paragraphs = [_("Rembuk ini mengubah komitmen versi %(v)s.", v=content["previous_version"]),
                  _("Alasan perubahan: %(r)s", r=content.get("reason") or "–")]
    if not changes and "changes_from_previous" in content:
        paragraphs.append(_("Kegiatan dan biayanya sama dengan versi sebelumnya."))
    return Section(_("Perubahan komitmen"), headers=[_("Kegiatan"), _("Perubahan"), _("Volume"), _("Biaya"),
                                                     _("Alasan")] if rows else [],
                   rows=rows, widths=[30, 11, 14, 23, 22], paragraphs=paragraphs, key="amendment")


def _attendance(attendance) -> Section:
    women = sum(1 for a in attendance if a["sex"] == "P")
    rows = [[str(i), a["name"], _label(ATTENDEE_ROLES, a["role"]), a.get("institution") or "", a["sex"], ""]
            for i, a in enumerate(attendance, start=1)]
    return Section(_("Daftar hadir"), headers=[_("No."), _("Nama"), _("Peran"), _("Lembaga / jabatan"), _("L/P"),
                                               _("Tanda tangan")],
                   rows=rows, widths=[6, 28, 20, 26, 6, 20], numeric={0},
                   notes=[_("Hadir %(n)s orang, %(w)s di antaranya perempuan.", n=len(attendance), w=women)],
                   key="attendance")


def _data_summary(content) -> Section:
    targets = content["targets"]
    rows = [[_label(TARGET_GROUPS, code), format_number(targets.get(code) or 0)] for code in TARGET_GROUPS]
    rows.append([_("Balita yang diukur di posyandu"), format_number(targets.get("balita_measured") or 0)])
    rows.append([_("Anak stunting hasil pengukuran"), format_number(targets.get("stunted_children") or 0)])
    if targets.get("prevalence") is not None:
        rows.append([_("Prevalensi stunting desa"), format_percent(targets["prevalence"])])
    budget = content["budget"]
    rows.append([_("Pagu Dana Desa"), format_rupiah(budget["pagu"])])
    rows.append([_("Anggaran pencegahan stunting dari Dana Desa"), format_rupiah(budget["stunting_budget"])])
    # Two figures to a line: half as many rows, so the summary keeps to one page beside the attendance.
    half = (len(rows) + 1) // 2
    paired = [rows[i] + (rows[half + i] if half + i < len(rows) else ["", ""]) for i in range(half)]
    return Section(_("Ringkasan data desa"), headers=[_("Uraian"), _("Jumlah"), _("Uraian"), _("Jumlah")],
                   rows=paired, widths=[33, 17, 33, 17], numeric={1, 3}, key="data")


def _source(activity) -> str:
    code = activity.get("funding_source") or "dd"
    return code if code in FUNDING_SOURCES else "dd"


def _activities(content) -> Section:
    """Every agreed activity with where, who, when and from which money: Dana Desa first."""
    activities = sorted(content["activities"], key=lambda a: (_source(a) != "dd", list(FUNDING_SOURCES).index(_source(a))))
    labels = activity_labels(activities)
    rows = []
    for i, (label, a) in enumerate(zip(labels, activities), start=1):
        rows.append([str(i), label, _label(TARGET_GROUPS, a["target_group"]),
                     f"{format_number(a['units'])} {a.get('unit') or ''}".strip(), format_rupiah(a["cost"]),
                     str(FUNDING_SOURCES_SHORT.get(_source(a), _source(a))),
                     a.get("implementer") or "–", format_months(a.get("months")), a.get("apbdes_code") or "–"])
    by_source = content["totals"].get("by_source") or {"dd": content["totals"]["cost"]}
    footer = [["", _("Jumlah Dana Desa"), "", "", format_rupiah(by_source.get("dd", 0)), "", "", "", ""]]
    for code, amount in by_source.items():
        if code != "dd" and amount:
            footer.append(["", _("Jumlah %(source)s", source=_label(FUNDING_SOURCES, code)), "", "",
                           format_rupiah(amount), "", "", "", ""])
    sources = [f"{FUNDING_SOURCES_SHORT[code]} = {FUNDING_SOURCES[code]}" for code in FUNDING_SOURCES
               if code in by_source or code == "dd"]
    notes = [_("Sumber dana: %(list)s. Anggaran stunting dan aturannya berlaku untuk Dana Desa; kegiatan dari "
               "sumber lain dicatat di sampingnya.", list="; ".join(str(s) for s in sources)),
             _("Pelaksana adalah perangkat desa sebagai pelaksana kegiatan anggaran bersama TPK atau lembaga "
               "kemasyarakatan desa; BPD mengawasi pelaksanaannya.")]
    return Section(_("Kegiatan yang disepakati"),
                   headers=[_("No."), _("Kegiatan dan lokasi"), _("Sasaran"), _("Volume"), _("Biaya"),
                            _("Sumber dana"), _("Pelaksana"), _("Waktu"), _("Kode APBDes")],
                   rows=rows, widths=[1, 40, 10, 8, 8, 4, 14, 8, 4], numeric={0, 3, 4},
                   footer=footer, notes=notes, key="activities", wide=True)


def _totals(content):
    totals = content["totals"]
    budget = content["budget"]["stunting_budget"]

    def share(amount):
        return format_percent(amount / budget) if budget else "–"

    packages = Section(_("Jumlah Dana Desa per paket layanan"),
                       headers=[_("Paket layanan"), _("Biaya"), _("Porsi anggaran stunting")],
                       rows=[[_label(PACKAGES, code), format_rupiah(totals["by_package"].get(code, 0)),
                              share(totals["by_package"].get(code, 0))] for code in PACKAGES],
                       widths=[50, 30, 20], numeric={1, 2}, key="packages")
    categories = Section(_("Jumlah Dana Desa untuk intervensi spesifik dan sensitif"),
                         headers=[_("Kategori"), _("Biaya"), _("Porsi anggaran stunting")],
                         rows=[[_label(CATEGORIES, code), format_rupiah(totals["by_category"].get(code, 0)),
                                share(totals["by_category"].get(code, 0))] for code in CATEGORIES],
                         widths=[50, 30, 20], numeric={1, 2}, key="categories",
                         notes=[_("Perkiraan kasus stunting tercegah dari kegiatan Dana Desa: %(i)s. Angka ini "
                                  "perkiraan model dari bukti penelitian, bukan target.",
                                  i=impact_range(totals["impact"], *_range(totals)))])
    return [packages, categories]


def _scorecard(scorecard) -> Section:
    """Table 5 of the Scorecard Konvergensi Desa: per APBDes bidang its total, the Dana Desa agreed for
    stunting prevention in it, and the share. The bidang totals are the village's (entered on the plan,
    also after the commitment); the stunting amounts are this commitment's."""
    rows = [[line.label, format_rupiah(line.total) if line.total is not None else "–",
             format_rupiah(line.stunting), format_percent(line.share) if line.share is not None else "–"]
            for line in scorecard.lines]
    return Section(_("Penggunaan Dana Desa dalam Pencegahan Stunting"),
                   headers=[_("Bidang APBDes"), _("Jumlah anggaran bidang"), _("Untuk pencegahan stunting"),
                            _("Porsi")],
                   rows=rows, widths=[40, 22, 22, 16], numeric={1, 2, 3}, key="scorecard",
                   notes=[_("Tabel 5 Scorecard Konvergensi Desa. Jumlah anggaran bidang menurut APBDes desa; "
                            "jumlah untuk pencegahan stunting menurut komitmen ini (Dana Desa).")])


def _impacts(content) -> Section:
    """Per Dana Desa activity: people reached and cases averted (model estimate), and what the
    estimate rests on; the evidence sources are listed once, numbered, under the table."""
    totals = content["totals"]
    activities = [a for a in content["activities"] if _source(a) == "dd"]
    labels = activity_labels(activities)
    sources, rows = [], []
    for label, a in zip(labels, activities):
        evidence = a.get("evidence") or ""
        if evidence == "own":
            basis = _("perkiraan desa sendiri")
        elif evidence == "enabling":
            basis = _("pendukung layanan (tanpa efek sendiri)")
        elif evidence:
            if evidence not in sources:
                sources.append(evidence)
            basis = _("bukti [%(n)s]", n=sources.index(evidence) + 1)
        else:
            basis = "–"
        people = a.get("people")
        rows.append([label, format_number(int(people)) if people is not None else "–",
                     "–" if evidence == "enabling" else format_cases(a.get("impact") or 0), basis])
    low, high = _range(totals)
    notes = [_("Perkiraan model dari bukti penelitian, bukan target: seluruh kegiatan Dana Desa %(i)s. Angka dalam "
               "kurung adalah rentang bila efek setiap kegiatan serendah atau setinggi buktinya. Efek kegiatan untuk "
               "kelompok sasaran yang sama digabung, sehingga kasus satu kelompok tidak melebihi jumlah orangnya.",
               i=impact_range(totals["impact"], low, high))]
    stunted = totals.get("stunted_children")
    if stunted:
        if totals.get("stunted_children_source") == "measured":
            notes.append(_("Balita stunting desa menurut pengukuran posyandu: %(n)s.", n=format_cases(stunted)))
        else:
            notes.append(_("Balita stunting desa diperkirakan %(n)s (jumlah balita × prevalensi acuan).",
                           n=format_cases(stunted)))
    notes += [f"[{n}] {text}" for n, text in enumerate(sources, start=1)]
    return Section(_("Perkiraan dampak per kegiatan"),
                   headers=[_("Kegiatan dan lokasi"), _("Orang terjangkau"), _("Kasus tercegah"), _("Dasar perkiraan")],
                   rows=rows, widths=[46, 16, 14, 24], numeric={1, 2}, notes=notes, key="impacts")


def _range(totals):
    found = totals.get("impact_range") or {}
    return found.get("low"), found.get("high")


AKS_REASONS = {
    "funded": "dijawab dan didanai",
    "not_funded": "ditinggalkan: usulan tidak didanai",
    "none": "ditinggalkan: tidak ada usulan",
}


def _aks(recommendations) -> Section:
    """The AKS recommendations the plan answers and those it leaves, with the reason."""
    rows = []
    for i, r in enumerate(recommendations, start=1):
        unit = "keluarga" if r.get("count_unit") == "keluarga" else "orang"
        what = f"{r['intervention']} ({_label(TARGET_GROUPS, r.get('target_group'))}, " \
               f"semester {'I' if r.get('semester') == 1 else 'II'} {r.get('year')})"
        activities = "; ".join(
            f"{a['name']}{' · ' + a['location'] if a.get('location') else ''}"
            + (f": {format_number(a['units'])} {a.get('unit') or ''}".rstrip() if a.get("units") else ": tidak didanai")
            for a in r.get("activities") or []) or "–"
        rows.append([str(i), what, f"{format_number(r['count'])} {unit}", activities,
                     AKS_REASONS.get(r.get("status"), r.get("status") or "–")])
    answered = sum(1 for r in recommendations if r.get("status") == "funded")
    return Section(_("Tindak lanjut rekomendasi Audit Kasus Stunting"),
                   headers=[_("No."), _("Rekomendasi"), _("Untuk"), _("Kegiatan yang menjawab"), _("Keterangan")],
                   rows=rows, widths=[5, 33, 12, 32, 18], numeric={0},
                   paragraphs=[_("%(a)s dari %(n)s rekomendasi AKS dijawab dengan kegiatan yang didanai.",
                                 a=answered, n=len(recommendations))], key="aks")


def _pledges(content) -> Section:
    pledges = content.get("pledges") or []
    title = _("Komitmen lembaga lain (tanpa biaya desa)")
    if not pledges:
        return Section(title, paragraphs=[_("Tidak ada komitmen lembaga lain yang dicatat dalam rembuk ini.")],
                       key="pledges")
    rows = [[str(i), p["body"], p["what"], format_months(p.get("months"))] for i, p in enumerate(pledges, start=1)]
    return Section(title, headers=[_("No."), _("Lembaga"), _("Komitmen"), _("Waktu")], rows=rows,
                   widths=[5, 25, 55, 15], numeric={0}, key="pledges")


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
    lines.append(_("Jumlah biaya kegiatan Dana Desa tidak melebihi anggaran stunting %(rp)s.", rp=format_rupiah(budget)))
    return lines


def _changes(content) -> Section:
    changes = content.get("changes_from_suggestion") or []
    suggestion = content.get("suggestion") or {}
    intro = _("Usulan alokasi tanpa keputusan rembuk: biaya %(c)s, perkiraan kasus tercegah %(i)s. "
              "Yang disepakati: biaya %(c2)s, perkiraan kasus tercegah %(i2)s.",
              c=format_rupiah(suggestion.get("total_cost") or 0),
              i=impact_range(suggestion.get("total_impact") or 0, *_range(suggestion)),
              c2=format_rupiah(content["totals"]["cost"]), i2=impact_range(content["totals"]["impact"], *_range(content["totals"])))
    title = _("Perubahan dari usulan alokasi")
    if not changes:
        return Section(title, paragraphs=[intro, _("Rembuk menyepakati usulan alokasi tanpa perubahan.")],
                       key="changes")
    decisions = [d for d in content.get("decisions", []) if not d.get("undone")]
    labels = activity_labels(changes)
    rows = [[label, format_number(c["suggested_units"]), format_number(c["agreed_units"]),
             "; ".join(r["reason"] for r in c.get("reasons", []) if r.get("reason")) or _("akibat keputusan lain")]
            for label, c in zip(labels, changes)]
    reasons = [decision_text(d) for d in decisions]
    return Section(title, headers=[_("Kegiatan"), _("Unit usulan"), _("Unit disepakati"), _("Alasan")],
                   rows=rows, widths=[36, 12, 12, 40], numeric={1, 2},
                   paragraphs=[intro], notes=([_("Keputusan rembuk:")] + reasons if reasons else []), key="changes")


def decision_text(d: dict) -> str:
    if d["action"] == "scenario":
        text = _("memakai skenario “%(name)s”", name=d.get("scenario") or "–")
    elif d["action"] == "in":
        text = _("“%(name)s” wajib didanai", name=d["name"])
    elif d["action"] == "out":
        text = _("“%(name)s” tidak didanai", name=d["name"])
    elif d["action"] == "units":
        text = _("“%(name)s” sebanyak %(n)s unit", name=d["name"], n=format_number(d.get("units")))
    else:
        text = _("“%(name)s” diserahkan ke pengoptimal", name=d["name"])
    if d.get("carried"):
        text += " " + _("(dari rembuk versi sebelumnya)")
    reason = (d.get("reason") or "").strip()
    return f"{text}: {reason}" if reason else f"{text} ({_('tanpa alasan tercatat')})"
