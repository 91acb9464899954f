"""Forms for the Audit Kasus Stunting: counts only (no name, NIK or address field exists)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField

from .. import domain
from ..fields import DateField, WholeNumberField, record_id


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class YearField(WholeNumberField):
    """A year, shown without a thousands separator."""

    format = staticmethod(lambda value: str(value))


class _Period(FlaskForm):
    year = YearField(_l("Tahun audit"), minimum=2018, maximum=2100)
    semester = SelectField(_l("Semester"), choices=domain.options([("1", _l("Semester I")), ("2", _l("Semester II"))]),
                           validate_choice=False)
    target_group = SelectField(_l("Kelompok sasaran"), choices=domain.choices(domain.TARGET_GROUPS),
                               validate_choice=False)

    def _period_values(self) -> dict:
        return {"year": self.year.data, "semester": record_id(self.semester.data),
                "target_group": self.target_group.data}


class FindingForm(_Period):
    cause = StringField(_l("Penyebab"), filters=[_strip])
    count = WholeNumberField(_l("Jumlah kasus (orang)"), minimum=1, maximum=100_000)

    def values(self) -> dict:
        return {**self._period_values(), "cause": self.cause.data, "count": self.count.data}


class RecommendationForm(_Period):
    intervention = StringField(_l("Intervensi yang direkomendasikan"), filters=[_strip])
    catalogue_item = SelectField(_l("Kegiatan katalog (boleh kosong)"), choices=[], validate_choice=False)
    count = WholeNumberField(_l("Untuk berapa"), minimum=1, maximum=100_000)
    count_unit = SelectField(_l("Satuan"), choices=domain.choices(domain.AKS_COUNT_UNITS), validate_choice=False)
    responsible = StringField(_l("Oleh siapa"), filters=[_strip])
    due = DateField(_l("Paling lambat"))

    def set_catalogue(self, items) -> None:
        self.catalogue_item.choices = domain.options([(str(i.id), i.name) for i in items],
                                                      blank=_l("— tidak dari katalog —"))

    def values(self) -> dict:
        raw = self.catalogue_item.data
        item_id = record_id(raw) if raw else None
        return {**self._period_values(), "intervention": self.intervention.data,
                "catalogue_item_id": item_id if item_id else (-1 if raw else None),
                "count": self.count.data, "count_unit": self.count_unit.data, "responsible": self.responsible.data,
                "due": self.due.data}


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas rekap AKS (.xlsx)"), validators=[
        FileRequired(_l("Pilih berkas .xlsx.")),
        FileAllowed(["xlsx"], _l("Pilih berkas .xlsx yang dibuat dari templat rekap AKS.")),
    ], render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
