from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField

from .. import domain


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MemberForm(FlaskForm):
    role = SelectField(_l("Peran"), choices=domain.choices(domain.TEAM_ROLES), validate_choice=False)
    name = StringField(_l("Nama dan gelar (seperti saat menandatangani)"), filters=[_strip])
    sex = RadioField(_l("Jenis kelamin"), choices=domain.choices(domain.SEXES), validate_choice=False)
    place = StringField(_l("Tempat bertugas (boleh kosong)"), filters=[_strip])

    def values(self) -> dict:
        return {"role": self.role.data, "name": self.name.data, "sex": self.sex.data, "place": self.place.data}
