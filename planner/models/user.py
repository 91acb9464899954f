"""Users: one role, scoped to one region."""
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import TimestampMixin

# The region level each role is scoped to.
ROLE_LEVEL = {"admin": "kabupaten", "kecamatan": "kecamatan", "desa": "desa"}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(12), nullable=False)
    region_id = db.Column(db.Integer, db.ForeignKey("region.id"), nullable=False, index=True)
    locale = db.Column(db.String(5))
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Set by an admin's reset and for accounts made in bulk: the next log-in must choose a new password.
    must_change_password = db.Column(db.Boolean, nullable=False, default=False)
    last_login_at = db.Column(db.DateTime(timezone=True))

    region = db.relationship("Region")

    __table_args__ = (
        db.CheckConstraint("role in ('admin', 'kecamatan', 'desa')", name="role"),
    )

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard KDF.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self):
        return self.active

    def __repr__(self):
        return f"<User {self.username} {self.role}>"
