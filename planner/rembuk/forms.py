"""Forms of the rembuk stunting. Choices and limits are checked by services.rembuk, whose
messages are Indonesian; the forms only read what was typed."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .. import domain
from ..fields import DateField, VersionField, WholeNumberField
from ..proposals.forms import MonthsField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MeetingForm(FlaskForm):
    """When and where the rembuk is held, who leads it, its agenda and the agreed review."""

    version_id = VersionField()
    held_on = DateField(_l("Tanggal rembuk"))
    place = StringField(_l("Tempat"), filters=[_strip])
    chair = StringField(_l("Pemimpin rembuk"), filters=[_strip])
    facilitator = StringField(_l("Fasilitator"), filters=[_strip])
    agenda = TextAreaField(_l("Acara"), render_kw={"rows": 7})
    review = TextAreaField(_l("Kesepakatan pemantauan triwulanan"), render_kw={"rows": 3})
    reason = TextAreaField(_l("Alasan perubahan komitmen"), render_kw={"rows": 3})
    document_number = StringField(_l("Nomor Berita Acara"), filters=[_strip])

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "version_id")}


class AttendeeForm(FlaskForm):
    name = StringField(_l("Nama"), filters=[_strip])
    role = SelectField(_l("Peran"), choices=domain.choices(domain.ATTENDEE_ROLES, blank=_l("– pilih –")),
                       validate_choice=False)
    institution = StringField(_l("Lembaga / jabatan"), filters=[_strip])
    sex = RadioField(_l("Jenis kelamin"), choices=domain.choices(domain.SEXES), validate_choice=False)
    signs = BooleanField(_l("Ikut menandatangani Berita Acara sebagai wakil peserta"))

    def values(self) -> dict:
        return {"name": self.name.data, "role": self.role.data, "institution": self.institution.data,
                "sex": self.sex.data, "signs": self.signs.data}


class PledgeForm(FlaskForm):
    """What another body commits to, at no cost to the village."""

    body = StringField(_l("Lembaga"), filters=[_strip])
    what = TextAreaField(_l("Komitmen"), filters=[_strip], render_kw={"rows": 2})
    months = MonthsField(_l("Waktu pelaksanaan"))

    def values(self) -> dict:
        return {"body": self.body.data, "what": self.what.data, "months": self.months.data or []}


class DecisionForm(FlaskForm):
    """One choice of the room for one proposal; the pressed button gives the action."""

    proposal_id = IntegerField(validators=[Optional()])
    action = HiddenField()
    units = WholeNumberField(_l("Jumlah unit"), required=False)
    reason = StringField(_l("Alasan"), filters=[_strip])


class ScenarioForm(FlaskForm):
    name = StringField(_l("Nama skenario"), filters=[_strip])


class TakeScenarioForm(FlaskForm):
    reason = StringField(_l("Alasan memakai skenario ini"), filters=[_strip])


class AlternativeForm(FlaskForm):
    """Keep one of the offered alternatives as a scenario (it is found again on the server)."""

    index = IntegerField(validators=[Optional()])
    susut = StringField()
    name = StringField(_l("Nama skenario"), filters=[_strip])


class CommitForm(FlaskForm):
    plan_version = VersionField()
    confirm = BooleanField(_l("Pemimpin rembuk menyatakan alokasi ini sebagai kesepakatan rembuk"))
