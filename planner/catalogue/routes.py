"""The intervention catalogue (menu kegiatan): everyone reads it, admins edit it."""
from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import CatalogueItem

bp = Blueprint("catalogue", __name__, url_prefix="/katalog")


@bp.route("/")
def index():
    """The catalogue of the user's kabupaten."""
    kabupaten = current_user.region.kabupaten
    items = db.session.scalars(
        select(CatalogueItem).where(CatalogueItem.region_id == kabupaten.id).order_by(CatalogueItem.package, CatalogueItem.name)
    ).all()
    return render_template("catalogue/index.html", items=items, kabupaten=kabupaten)
