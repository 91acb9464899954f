from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..fields import RupiahField, VersionField, WholeNumberField
from ..services.plans import MAX_YEAR, MIN_YEAR


class PlanForm(FlaskForm):
    """Budget and target-group figures of a yearly plan."""

    version_id = VersionField()
    pagu = RupiahField(_l("Pagu Dana Desa"))
    earmark_koperasi = RupiahField(_l("Dialokasikan untuk Koperasi Desa Merah Putih"), required=False)
    earmark_blt = RupiahField(_l("Dialokasikan untuk BLT Desa"), required=False)
    earmark_pangan = RupiahField(_l("Dialokasikan untuk ketahanan pangan"), required=False)
    earmark_operasional = RupiahField(_l("Dialokasikan untuk operasional pemerintah desa"), required=False)
    earmark_other = RupiahField(_l("Dialokasikan untuk keperluan lain"), required=False)
    stunting_budget = RupiahField(_l("Anggaran pencegahan stunting"))
    pagu_add = RupiahField(_l("Pagu Alokasi Dana Desa (ADD)"), required=False)
    apbdes_pembangunan = RupiahField(_l("Total bidang Pelaksanaan Pembangunan Desa (APBDes)"), required=False)
    apbdes_pemberdayaan = RupiahField(_l("Total bidang Pemberdayaan Masyarakat Desa (APBDes)"), required=False)

    ibu_hamil = WholeNumberField(_l("Ibu hamil"), required=False)
    ibu_nifas = WholeNumberField(_l("Ibu nifas/menyusui"), required=False)
    baduta = WholeNumberField(_l("Baduta (0–23 bulan)"), required=False)
    balita = WholeNumberField(_l("Balita (0–59 bulan)"), required=False)
    catin = WholeNumberField(_l("Calon pengantin"), required=False)
    remaja_putri = WholeNumberField(_l("Remaja putri"), required=False)
    keluarga = WholeNumberField(_l("Keluarga berisiko stunting"), required=False)
    balita_measured = WholeNumberField(_l("Balita yang diukur di posyandu"), required=False)
    stunted_children = WholeNumberField(_l("Anak stunting hasil pengukuran"), required=False)
    notes = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=5000, message=_l("Paling banyak 5.000 huruf."))])

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "version_id")}

    def fill_from_rules(self, suggested: dict, only_empty: bool = False) -> list:
        """Put the rules' amounts (money_rules.suggested_earmarks) into the earmark fields; with
        `only_empty`, only where nothing was typed. Returns the fields filled."""
        filled = []
        for name, amount in suggested.items():
            field = getattr(self, name)
            if only_empty and field.data:
                continue
            field.data, field.raw = amount, None
            field.errors = []
            filled.append(name)
        return filled


class NewPlanForm(PlanForm):
    year = IntegerField(_l("Tahun anggaran"), validators=[
        InputRequired(_l("Isi tahun anggaran.")),
        NumberRange(MIN_YEAR, MAX_YEAR, message=_l("Tahun harus antara %(min)s dan %(max)s.")),
    ])
