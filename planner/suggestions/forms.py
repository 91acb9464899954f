from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain import PACKAGES, TARGET_GROUPS, choices
from ..fields import DecimalNumberField


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # Unknown codes are reported by the rules service in Indonesian.
        pass


def _percent(label):
    return DecimalNumberField(label, required=False, minimum=0, maximum=100)


class RulesForm(FlaskForm):
    """The optimizer's rules, entered as percentages of the stunting budget."""

    min_spesifik = _percent(_l("Spesifik: paling sedikit (% anggaran)"))
    max_spesifik = _percent(_l("Spesifik: paling banyak (% anggaran)"))
    min_sensitif = _percent(_l("Sensitif: paling sedikit (% anggaran)"))
    max_sensitif = _percent(_l("Sensitif: paling banyak (% anggaran)"))
    location_max_share = _percent(_l("Satu lokasi paling banyak (% anggaran)"))
    packages_required = CheckboxesField(_l("Paket layanan yang wajib ada kegiatannya"), choices=choices(PACKAGES))
    target_groups_required = CheckboxesField(_l("Kelompok sasaran yang wajib ada kegiatannya"),
                                             choices=choices(TARGET_GROUPS))
    aks_first = BooleanField(_l("Dahulukan usulan yang menjawab rekomendasi AKS"))

    PERCENT_FIELDS = ("min_spesifik", "max_spesifik", "min_sensitif", "max_sensitif", "location_max_share")

    def fill(self, rules: dict) -> None:
        """Show stored rules (shares) as percentages."""
        def pct(value):
            return None if value is None else round(value * 100, 4)
        self.min_spesifik.data = pct(rules["category_min_share"].get("spesifik"))
        self.max_spesifik.data = pct(rules["category_max_share"].get("spesifik"))
        self.min_sensitif.data = pct(rules["category_min_share"].get("sensitif"))
        self.max_sensitif.data = pct(rules["category_max_share"].get("sensitif"))
        self.location_max_share.data = pct(rules["location_max_share"])
        self.packages_required.data = list(rules["packages_required"])
        self.target_groups_required.data = list(rules["target_groups_required"])
        self.aks_first.data = bool(rules.get("aks_first"))

    def values(self) -> dict:
        """Rules as shares in [0, 1] for the rules service."""
        values = {name: (None if getattr(self, name).data is None else getattr(self, name).data / 100)
                  for name in self.PERCENT_FIELDS}
        values["packages_required"] = self.packages_required.data or []
        values["target_groups_required"] = self.target_groups_required.data or []
        values["aks_first"] = bool(self.aks_first.data)
        return values
