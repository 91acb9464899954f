"""Forms of the catalogue: the filter (GET), an item (admin), the impact assumptions (admin).

The forms speak the user's units (percent for reductions of risk, of SGA and of prevalence); their
`values()` turn them into model units (fractions) for the services.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from .. import domain
from ..fields import DecimalNumberField, RupiahField, WholeNumberField
from ..impact import FRACTION_KINDS
from ..services.catalogue import EFFECT_FIELDS


class FilterForm(Form):
    """Filter of the catalogue page, read from the query string (no CSRF: it changes nothing)."""

    paket = SelectField(_l("Paket layanan"), choices=domain.choices(domain.PACKAGES, blank=_l("Semua paket")),
                        validators=[Optional()])
    kategori = SelectField(_l("Kategori"), choices=domain.choices(domain.CATEGORIES, blank=_l("Semua kategori")),
                           validators=[Optional()])

    def selected(self) -> dict:
        """The valid choices made; unknown values in the URL count as "all"."""
        package = self.paket.data if self.paket.data in domain.PACKAGES else None
        category = self.kategori.data if self.kategori.data in domain.CATEGORIES else None
        return {"package": package, "category": category}


def _length(maximum):
    return Length(max=maximum, message=_l("Paling banyak %(max)d huruf."))


class ItemForm(FlaskForm):
    """A catalogue item. On edit the view removes `code`: it stays as created."""

    code = StringField(_l("Kode (huruf kecil, tanpa spasi)"), validators=[_length(40)])
    name = StringField(_l("Nama kegiatan"), validators=[_length(200)])
    description = TextAreaField(_l("Keterangan"), validators=[Optional(), _length(2000)])
    category = SelectField(_l("Kategori"), choices=domain.choices(domain.CATEGORIES), validate_choice=False)
    package = SelectField(_l("Paket layanan"), choices=domain.choices(domain.PACKAGES), validate_choice=False)
    target_group = SelectField(_l("Kelompok sasaran"), choices=domain.choices(domain.TARGET_GROUPS), validate_choice=False)
    unit = StringField(_l("Satuan"), validators=[_length(40)])
    apbdes_code = StringField(_l("Kode kegiatan APBDes"), validators=[_length(20)])

    default_unit_cost = RupiahField(_l("Biaya satuan bawaan (Rp)"), required=False)
    cost_source = TextAreaField(_l("Sumber biaya satuan"), validators=[Optional(), _length(2000)])

    units_per_course = DecimalNumberField(_l("Satuan per kursus (program penuh satu orang)"))
    course_days = WholeNumberField(_l("Lama satu kursus (hari)"), required=False, minimum=1)
    whole_courses = BooleanField(_l("Hanya dalam kursus utuh (atau blok utuh, misalnya 12 bulan)"))
    targeted = BooleanField(_l("Sasaran terpilih: hanya sebagian kelompok yang memenuhi syarat"))

    effect_kind = SelectField(_l("Jenis bukti"), choices=domain.choices(domain.EFFECT_KINDS,
                                                                         blank=_l("Tidak ada bukti")), validate_choice=False)
    effect_low = DecimalNumberField(_l("Efek rendah"), required=False)
    effect_value = DecimalNumberField(_l("Efek tengah"), required=False)
    effect_high = DecimalNumberField(_l("Efek tinggi"), required=False)
    impact_source = TextAreaField(_l("Sumber efek tengah"), validators=[Optional(), _length(2000)])
    low_source = TextAreaField(_l("Sumber efek rendah"), validators=[Optional(), _length(2000)])
    high_source = TextAreaField(_l("Sumber efek tinggi"), validators=[Optional(), _length(2000)])
    evidence_min_days = WholeNumberField(_l("Kursus terpendek yang dibutuhkan bukti (hari)"), required=False,
                                         minimum=1)
    impact_note = TextAreaField(_l("Catatan perhitungan"), validators=[Optional(), _length(2000)])

    enabling = BooleanField(_l("Kegiatan pendukung: menjalankan platform, tanpa efek sendiri"))
    platform = SelectField(_l("Platform"), choices=domain.choices(domain.PLATFORMS, blank=_l("Tidak ada")),
                           validate_choice=False)
    national_programme = SelectField(_l("Program nasional yang sudah menjangkau"),
                                     choices=domain.choices(domain.NATIONAL_PROGRAMMES, blank=_l("Tidak ada")),
                                     validate_choice=False)
    national_note = TextAreaField(_l("Yang perlu diperiksa desa"), validators=[Optional(), _length(2000)])

    def values(self) -> dict:
        """Model values: a reduction typed in percent becomes a fraction."""
        values = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        kind = values.get("effect_kind") or None
        if kind in FRACTION_KINDS:
            for name in EFFECT_FIELDS:
                if values.get(name) is not None:
                    values[name] = values[name] / 100
        values["effect_kind"] = kind
        return values

    def load(self, item) -> None:
        """Fill the form from an item, in the form's units."""
        self.process(obj=item)
        if item.effect_kind in FRACTION_KINDS:
            for name in EFFECT_FIELDS:
                value = getattr(item, name)
                if value is not None:
                    self[name].data = round(value * 100, 6)
        self.effect_kind.data = item.effect_kind or ""
        self.platform.data = item.platform or ""
        self.national_programme.data = item.national_programme or ""


class AssumptionsForm(FlaskForm):
    """The kabupaten's impact assumptions; the prevalence is typed in percent."""

    baseline_prevalence = DecimalNumberField(_l("Prevalensi stunting acuan (%)"))
    baseline_source = StringField(_l("Sumber prevalensi acuan"), validators=[_length(200)])
    haz_sd = DecimalNumberField(_l("Simpangan baku HAZ (SD)"))
    plausibility_bound = DecimalNumberField(_l("Batas kewajaran dampak (% balita stunting per tahun)"),
                                            required=False)

    def values(self) -> dict:
        prevalence = self.baseline_prevalence.data
        bound = self.plausibility_bound.data
        values = {
            "baseline_prevalence": None if prevalence is None else prevalence / 100,
            "baseline_source": self.baseline_source.data or "",
            "haz_sd": self.haz_sd.data,
        }
        if bound is not None:           # left empty: the bound stays as it is (10% by default)
            values["plausibility_bound"] = bound / 100
        return values

    def load(self, assumptions) -> None:
        self.baseline_prevalence.data = round(assumptions.baseline_prevalence * 100, 6)
        self.baseline_source.data = assumptions.baseline_source
        self.haz_sd.data = assumptions.haz_sd
        self.plausibility_bound.data = round(assumptions.plausibility_bound * 100, 6)
