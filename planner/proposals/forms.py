"""The proposal form: one form for adding (blank or from the catalogue) and editing.

Choices are checked by the proposals service (with Indonesian messages), not by
WTForms, whose own choice messages are English. Numbers are read the
Indonesian way by planner.fields and keep what the user typed.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .. import domain
from ..fields import DecimalNumberField, RupiahField, VersionField, WholeNumberField
from ..services.proposals import MAX_IMPACT_PER_UNIT, PROPOSAL_FIELDS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _length(maximum):
    return Length(max=maximum, message=_l("Paling banyak %(max)d huruf."))


class LinkField(SelectMultipleField):
    """Checkboxes of other proposals of the same plan; ids are checked by the service."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass


class MonthsField(SelectMultipleField):
    """Twelve month checkboxes; none ticked means "through the year". Values are month numbers."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, choices=month_choices(), **kwargs)

    def pre_validate(self, form):
        pass       # the service checks the numbers, in Indonesian

    def process_formdata(self, valuelist):
        try:
            self.data = [int(v) for v in valuelist]
        except ValueError:
            self.data = [0]     # refused by the service with a message at the field


def month_choices():
    names = (_l("Januari"), _l("Februari"), _l("Maret"), _l("April"), _l("Mei"), _l("Juni"), _l("Juli"),
             _l("Agustus"), _l("September"), _l("Oktober"), _l("November"), _l("Desember"))
    return domain.options(enumerate(names, start=1))


class ProposalForm(FlaskForm):
    version_id = VersionField()
    name = StringField(_l("Nama kegiatan"), filters=[_strip],
                       validators=[DataRequired(_l("Isi nama kegiatan.")), _length(200)])
    category = SelectField(_l("Kategori"), choices=domain.choices(domain.CATEGORIES), validate_choice=False)
    package = SelectField(_l("Paket layanan"), choices=domain.choices(domain.PACKAGES), validate_choice=False)
    target_group = SelectField(_l("Kelompok sasaran"), choices=domain.choices(domain.TARGET_GROUPS),
                               validate_choice=False)
    location = StringField(_l("Lokasi (dusun atau posyandu)"), filters=[_strip], validators=[_length(120)])
    proposer = SelectField(_l("Pengusul"), choices=domain.choices(domain.PROPOSERS, blank=_l("— belum dipilih —")),
                           validate_choice=False)
    unit = StringField(_l("Satuan"), filters=[_strip],
                       validators=[DataRequired(_l("Isi satuan, misalnya anak-hari.")), _length(40)])
    unit_cost = RupiahField(_l("Biaya satuan (Rp)"))
    fixed_cost = RupiahField(_l("Biaya tetap (Rp)"), required=False)
    min_units = WholeNumberField(_l("Unit minimum"))
    max_units = WholeNumberField(_l("Unit maksimum"), minimum=1)
    impact_per_unit = DecimalNumberField(_l("Dampak per unit (kasus stunting dicegah)"), required=False,
                                         minimum=0, maximum=MAX_IMPACT_PER_UNIT)
    apbdes_code = StringField(_l("Kode kegiatan APBDes"), filters=[_strip], validators=[_length(20)])
    implementer = StringField(_l("Pelaksana"), filters=[_strip], validators=[_length(120)])
    funding_source = SelectField(_l("Sumber dana"), choices=domain.choices(domain.FUNDING_SOURCES),
                                 validate_choice=False, default="dd")
    months = MonthsField(_l("Waktu pelaksanaan"))
    requires = LinkField(_l("Hanya didanai bila usulan ini juga didanai"), choices=[])
    excludes = LinkField(_l("Tidak boleh didanai bersama"), choices=[])
    notes = TextAreaField(_l("Catatan"), filters=[_strip], validators=[Optional(), _length(5000)])
    aks_recommendation = SelectField(_l("Menjawab rekomendasi AKS"), choices=[], validate_choice=False)

    def set_aks_choices(self, choices) -> None:
        """`choices`: (id, label) of the recommendations the plan's proposals can answer."""
        self.aks_recommendation.choices = [("", _l("— tidak menjawab rekomendasi AKS —"))] + [
            (str(i), label) for i, label in choices]

    def set_link_choices(self, choices) -> None:
        """`choices`: (id, name) of the plan's other proposals."""
        self.requires.choices = domain.options((str(i), name) for i, name in choices)
        self.excludes.choices = domain.options((str(i), name) for i, name in choices)

    def use_id_prefix(self, prefix: str) -> None:
        """Give every field a unique HTML id (`<prefix>-<name>`), keeping the submitted names.

        The plan page can hold several inline edit rows at once; ids must not repeat.
        """
        for f in self:
            f.id = f"{prefix}-{f.name}"
            f.label.field_id = f.id

    def keep_own_proposer(self, proposer: str) -> None:
        """A proposer the list does not know (an import kept "KUA" as text) stays choosable."""
        if proposer and proposer not in domain.PROPOSERS:
            self.proposer.choices = list(self.proposer.choices) + domain.options([(proposer, proposer)])

    def fill(self, values: dict, links: dict | None = None) -> None:
        for name, value in values.items():
            if name in self._fields:
                self[name].data = value
        if links is not None:
            self.requires.data = [str(i) for i in links.get("requires", [])]
            self.excludes.data = [str(i) for i in links.get("excludes", [])]

    def values(self) -> dict:
        """The proposal's values for the proposals service (model units)."""
        values = {name: self[name].data for name in PROPOSAL_FIELDS}
        values["fixed_cost"] = values["fixed_cost"] or 0
        values["months"] = values["months"] or None
        return values
