"""Regions: kabupaten → kecamatan → desa, keyed by Kemendagri codes."""
import re

from ..extensions import db
from .base import utcnow

# PP.KK (kabupaten), PP.KK.CC (kecamatan), PP.KK.CC.DDDD (desa/kelurahan).
CODE_PATTERNS = {
    "kabupaten": re.compile(r"^\d{2}\.\d{2}$"),
    "kecamatan": re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    "desa": re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
}
PARENT_LEVEL = {"kecamatan": "kabupaten", "desa": "kecamatan"}


def level_of_code(code: str):
    """The region level a Kemendagri code has the shape of, or None."""
    for level, pattern in CODE_PATTERNS.items():
        if pattern.match(code):
            return level
    return None


class Region(db.Model):
    __tablename__ = "region"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(20), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    level = db.Column(db.String(12), nullable=False, index=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("region.id"), index=True)
    # When the region was added (NULL: before migration 0005 recorded it). A village added after a
    # commitment deadline is not flagged for missing it (services.oversight).
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow)

    parent = db.relationship("Region", remote_side=[id], back_populates="children")
    children = db.relationship("Region", back_populates="parent", order_by="Region.code")

    __table_args__ = (
        db.CheckConstraint("level in ('kabupaten', 'kecamatan', 'desa')", name="level"),
    )

    @property
    def kabupaten(self):
        """The kabupaten this region belongs to (itself for a kabupaten)."""
        region = self
        while region.level != "kabupaten" and region.parent is not None:
            region = region.parent
        return region

    def contains(self, other) -> bool:
        """True if `other` is this region or lies inside it."""
        region = other
        while region is not None:
            if region.id == self.id:
                return True
            region = region.parent
        return False

    def __repr__(self):
        return f"<Region {self.code} {self.name}>"
