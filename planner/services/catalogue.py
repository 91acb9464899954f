"""The kabupaten's intervention catalogue."""
from sqlalchemy import select

from ..catalogue_defaults import CATALOGUE, DEFAULT_IMPACT_SETTING
from ..extensions import db
from ..models import CatalogueItem, ImpactSetting


def seed_catalogue(kabupaten, commit: bool = True) -> int:
    """Give a kabupaten the standard catalogue and impact assumptions; skip items it already has.

    Returns the number of items added. Safe to run again.
    """
    existing = set(db.session.scalars(select(CatalogueItem.code).where(CatalogueItem.region_id == kabupaten.id)))
    added = 0
    for entry in CATALOGUE:
        if entry["code"] in existing:
            continue
        db.session.add(CatalogueItem(region_id=kabupaten.id, **entry))
        added += 1
    if db.session.scalar(select(ImpactSetting.id).where(ImpactSetting.region_id == kabupaten.id)) is None:
        db.session.add(ImpactSetting(region_id=kabupaten.id, **DEFAULT_IMPACT_SETTING))
    if commit:
        db.session.commit()
    return added


def catalogue_items(kabupaten, active_only: bool = False):
    """The kabupaten's catalogue, ordered by package then name."""
    query = select(CatalogueItem).where(CatalogueItem.region_id == kabupaten.id)
    if active_only:
        query = query.where(CatalogueItem.active.is_(True))
    return db.session.scalars(query.order_by(CatalogueItem.package, CatalogueItem.name)).all()
