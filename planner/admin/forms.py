"""Forms of the kabupaten settings: the year's settings, the region import, the user accounts.

The forms speak the admin's units (percent); their `values()` turn them into
what the services take (shares in [0, 1], ids as integers).
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from .. import domain
from ..fields import DateField, DecimalNumberField, VersionField, WholeNumberField, record_id
from ..money_rules import MoneyRules
from ..suggestions.forms import RulesForm
from ..services.audit_review import GROUPS


class IdCheckboxesField(SelectMultipleField):
    """Checkboxes whose values are record ids; the service checks that each id may be chosen."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            self.data = [int(value) for value in valuelist]
            if any(record_id(value) is None for value in self.data):
                raise ValueError
        except ValueError:
            self.data = []
            raise ValueError(_l("Pilihan tidak sah.")) from None

    def pre_validate(self, form):
        pass


BASE_CHOICES = domain.options([("pagu", _l("dari pagu Dana Desa")),
                               ("regular", _l("dari Dana Desa reguler (setelah KDMP)"))])
MONTH_CHOICES = domain.options((str(m), name) for m, name in enumerate(
    [_l("Januari"), _l("Februari"), _l("Maret"), _l("April"), _l("Mei"), _l("Juni"), _l("Juli"), _l("Agustus"),
     _l("September"), _l("Oktober"), _l("November"), _l("Desember")], start=1))


def _base_field(label):
    return SelectField(label, choices=BASE_CHOICES, default="pagu", validate_choice=False)


def _share_field(label):
    return DecimalNumberField(label, required=False, minimum=0, maximum=100)


class YearSettingsForm(RulesForm):
    """The rule set villages start from (the rules form's fields), plus the kabupaten's figures for the
    year and its Dana Desa money rules (planner.money_rules)."""

    version_id = VersionField()
    stunting_share_floor = DecimalNumberField(_l("Porsi stunting paling sedikit (%)"), required=False,
                                              minimum=0, maximum=100)
    floor_base = _base_field(_l("Porsi stunting diukur"))
    kdmp_share = _share_field(_l("Koperasi Desa Merah Putih (% pagu, disisihkan sebelum sampai ke desa)"))
    blt_max = _share_field(_l("BLT Desa paling banyak (%)"))
    blt_base = _base_field(_l("BLT Desa diukur"))
    food_min = _share_field(_l("Ketahanan pangan paling sedikit (%)"))
    food_base = _base_field(_l("Ketahanan pangan diukur"))
    ops_max = _share_field(_l("Operasional pemerintah desa paling banyak (%)"))
    ops_base = _base_field(_l("Operasional diukur"))
    first_tranche_month = SelectField(_l("Tahap I biasanya cair pada bulan"), choices=MONTH_CHOICES, default="3",
                                      validate_choice=False)
    second_tranche_month = SelectField(_l("Tahap II biasanya cair pada bulan"), choices=MONTH_CHOICES, default="7",
                                       validate_choice=False)
    report_days = WholeNumberField(_l("Laporan realisasi triwulan paling lambat (hari setelah triwulan berakhir)"),
                                   maximum=90, required=False)
    first_tranche_share = DecimalNumberField(_l("Porsi penyaluran tahap pertama (% komitmen)"), minimum=0,
                                             maximum=100)
    commitment_deadline = DateField(_l("Batas waktu komitmen (rembuk stunting)"))
    legal_basis = TextAreaField(_l("Dasar hukum"), validators=[
        Length(max=2000, message=_l("Paling banyak %(max)d huruf."))], render_kw={"rows": 3})
    priority_desa_ids = IdCheckboxesField(_l("Desa lokus (prioritas penurunan stunting)"), choices=[])

    MONEY_SHARES = ("kdmp_share", "blt_max", "food_min", "ops_max")
    MONEY_BASES = ("blt_base", "food_base", "ops_base", "floor_base")

    def fill(self, values: dict) -> None:
        """Show stored settings (as services.settings.as_values gives them) in percent."""
        super().fill(values["rules"])
        money = MoneyRules.from_dict(values.get("money_rules"))
        for name in self.MONEY_SHARES:
            getattr(self, name).data = _pct(getattr(money, name))
        for name in self.MONEY_BASES:
            getattr(self, name).data = getattr(money, name)
        self.first_tranche_month.data = str(money.tranche_months[0])
        self.second_tranche_month.data = str(money.tranche_months[1])
        self.report_days.data = money.report_days
        self.stunting_share_floor.data = _pct(values["stunting_share_floor"])
        self.first_tranche_share.data = _pct(values["first_tranche_share"])
        self.commitment_deadline.data = values["commitment_deadline"]
        self.legal_basis.data = values["legal_basis"]
        self.priority_desa_ids.data = list(values["priority_desa_ids"])

    def values(self) -> dict:
        values = super().values()
        values["stunting_share_floor"] = _share(self.stunting_share_floor.data)
        values["first_tranche_share"] = _share(self.first_tranche_share.data)
        values["commitment_deadline"] = self.commitment_deadline.data
        values["legal_basis"] = self.legal_basis.data or ""
        values["priority_desa_ids"] = list(self.priority_desa_ids.data or [])
        money = {name: _share(getattr(self, name).data) for name in self.MONEY_SHARES}
        money.update({name: getattr(self, name).data for name in self.MONEY_BASES})
        money["tranche_months"] = [_month(self.first_tranche_month.data), _month(self.second_tranche_month.data)]
        money["report_days"] = self.report_days.data
        values["money_rules"] = money
        return values


def _month(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _pct(share):
    return None if share is None else round(share * 100, 4)


def _share(percent):
    return None if percent is None else percent / 100


class CopyYearForm(FlaskForm):
    """The "copy from the previous year" button: only the CSRF token and the version it replaces."""

    version_id = VersionField()


class RegionUploadForm(FlaskForm):
    file = FileField(_l("Berkas daftar wilayah (.csv atau .xlsx)"), validators=[
        FileRequired(_l("Pilih berkas .csv atau .xlsx.")),
        FileAllowed(["csv", "xlsx"], _l("Pilih berkas .csv (kode;nama) atau .xlsx (kode di kolom A, nama di kolom B).")),
    ], render_kw={"accept": ".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


class LokusUploadForm(FlaskForm):
    file = FileField(_l("Berkas desa lokus (.csv)"), validators=[
        FileRequired(_l("Pilih berkas .csv.")),
        FileAllowed(["csv"], _l("Pilih berkas .csv: satu kode desa per baris.")),
    ], render_kw={"accept": ".csv,text/csv"})


class RegionConfirmForm(FlaskForm):
    """The preview's checked changes, signed for this kabupaten and user (services.region_import)."""

    rows = HiddenField()


def _password_fields():
    password = PasswordField(_l("Kata sandi"), validators=[InputRequired(_l("Isi kata sandi."))],
                             render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Ulangi kata sandi"), validators=[
        InputRequired(_l("Ulangi kata sandi.")), EqualTo("password", _l("Kedua kata sandi tidak sama."))],
        render_kw={"autocomplete": "new-password"})
    return password, repeat


def _name_field():
    return StringField(_l("Nama lengkap"), validators=[
        InputRequired(_l("Isi nama lengkap.")), Length(max=120, message=_l("Paling banyak %(max)d huruf."))])


def _role_field():
    return SelectField(_l("Peran"), choices=domain.choices(domain.ROLES), validate_choice=False)


def _region_field():
    # Choices (grouped by level) are set by the view from the kabupaten's regions.
    return SelectField(_l("Wilayah"), choices=[], validate_choice=False)


def region_choices(regions_by_role: dict) -> list:
    """Options (id, "name (code)") for the region select, grouped: kabupaten, kecamatan, desa."""
    labels = {"admin": domain.LEVELS["kabupaten"], "kecamatan": domain.LEVELS["kecamatan"],
              "desa": domain.LEVELS["desa"]}
    return [option for role, regions in regions_by_role.items()
            for option in domain.options(((str(r.id), f"{r.name} ({r.code})") for r in regions),
                                         optgroup=str(labels[role]))]


def _region_id(text):
    return record_id(text)


class UserCreateForm(FlaskForm):
    username = StringField(_l("Nama pengguna (untuk masuk)"), validators=[
        InputRequired(_l("Isi nama pengguna.")), Length(max=80, message=_l("Paling banyak %(max)d huruf."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none"})
    name = _name_field()
    role = _role_field()
    region_id = _region_field()
    password, password_repeat = _password_fields()

    def values(self) -> dict:
        return {"username": self.username.data or "", "name": self.name.data or "", "role": self.role.data,
                "region_id": _region_id(self.region_id.data), "password": self.password.data or ""}


class UserEditForm(FlaskForm):
    name = _name_field()
    role = _role_field()
    region_id = _region_field()
    active = BooleanField(_l("Aktif (dapat masuk)"))

    def values(self) -> dict:
        return {"name": self.name.data or "", "role": self.role.data, "region_id": _region_id(self.region_id.data),
                "active": bool(self.active.data)}


class PasswordResetForm(FlaskForm):
    password, password_repeat = _password_fields()


class UserActiveForm(FlaskForm):
    """The deactivate / reactivate buttons: only the CSRF token."""


class AuditFilterForm(FlaskForm):
    """The audit trail's filters (GET, no CSRF): kind of event, user name, from and to dates."""

    kind = SelectField(_l("Jenis kejadian"), choices=[], validate_choice=False)
    who = StringField(_l("Nama pengguna"), validators=[Length(max=80, message=_l("Paling banyak %(max)d huruf."))])
    since = DateField(_l("Dari tanggal"))
    until = DateField(_l("Sampai tanggal"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = domain.options(((key, label) for key, (label, _prefixes) in GROUPS.items()),
                                           blank=_l("Semua"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.since.data and self.until.data and self.until.data < self.since.data:
            self.until.errors.append(_l("Tanggal akhir sebelum tanggal awal."))
            return False
        return ok


class BulkUsersForm(FlaskForm):
    """Accounts in bulk: the CSRF token (the ticked regions are read from `region_id`)."""
