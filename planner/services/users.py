"""User accounts of a kabupaten: listing, creating, changing, password rules and resets.

A kabupaten admin manages every account whose region lies in the kabupaten
(admins at the kabupaten, officers at a kecamatan, operators at a village).
Every change is written to the audit trail (never a password or its hash).
`password_problems` is the one place the password rules live, for the admin's
forms here and for a user's own change-password form.
"""
import re
import secrets
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import ApiToken, Region, User
from ..models.base import utcnow
from ..models.user import ROLE_LEVEL
from . import ServiceError, audit, commit, passwords, sessions
from .settings import kabupaten_villages

PASSWORD_MIN_LENGTH = passwords.MIN_LENGTH
PASSWORD_MAX_LENGTH = passwords.MAX_LENGTH
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,79}$")
NAME_MAX = 120


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with `password` for the account `username`, as sentences (services.passwords)."""
    return passwords.problems(password, username)


def check_password(password: str, username: str = "", field: str = "password") -> None:
    """Raise ServiceError({field: problems}) unless `password` follows the rules."""
    problems = password_problems(password, username)
    if problems:
        raise ServiceError({field: problems})


# --- Reading ---------------------------------------------------------------------------------------------

def region_ids_in(kabupaten):
    """A select of the ids of the kabupaten itself, its kecamatan and its villages."""
    kecamatan = select(Region.id).where(Region.parent_id == kabupaten.id)
    return select(Region.id).where(or_(Region.id == kabupaten.id, Region.parent_id == kabupaten.id,
                                       Region.parent_id.in_(kecamatan)))


def kabupaten_users(kabupaten) -> list[User]:
    """The accounts of the kabupaten, ordered by role (admin, kecamatan, desa), region code, user name."""
    role_order = {"admin": 0, "kecamatan": 1, "desa": 2}
    users = db.session.scalars(select(User).join(Region, User.region_id == Region.id)
                               .where(User.region_id.in_(region_ids_in(kabupaten)))
                               .order_by(Region.code, User.username)).all()
    return sorted(users, key=lambda u: role_order.get(u.role, 3))


def get_user(kabupaten, user_id: int) -> User | None:
    """The account if it belongs to the kabupaten, else None (the view answers 404)."""
    user = db.session.get(User, user_id)
    if user is None or user.region is None or not kabupaten.contains(user.region):
        return None
    return user


def regions_for_roles(kabupaten) -> dict:
    """The regions each role may be placed in: {"admin": [kabupaten], "kecamatan": [...], "desa": [...]}."""
    regions = db.session.scalars(select(Region).where(Region.id.in_(region_ids_in(kabupaten)))
                                 .order_by(Region.code)).all()
    by_level = {level: [r for r in regions if r.level == level] for level in ("kabupaten", "kecamatan", "desa")}
    return {role: by_level[level] for role, level in ROLE_LEVEL.items()}


# --- Changing --------------------------------------------------------------------------------------------

def _clean_account(kabupaten, values: dict, errors: dict) -> dict:
    name = " ".join((values.get("name") or "").split())
    if not name:
        errors["name"] = [_("Isi nama lengkap.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("Paling banyak %(max)s huruf.", max=NAME_MAX)]
    role = values.get("role")
    if role not in ROLE_LEVEL:
        errors["role"] = [_("Pilih peran: admin kabupaten, petugas kecamatan atau operator desa.")]
    region = None
    region_id = values.get("region_id")
    if region_id is not None:
        region = db.session.get(Region, region_id)
        if region is None or not kabupaten.contains(region):
            region = None
            errors["region_id"] = [_("Pilih wilayah di kabupaten ini.")]
    else:
        errors["region_id"] = [_("Pilih wilayah.")]
    if region is not None and role in ROLE_LEVEL and region.level != ROLE_LEVEL[role]:
        errors["region_id"] = [{
            "admin": _("Admin kabupaten ditempatkan di kabupaten itu sendiri."),
            "kecamatan": _("Petugas kecamatan ditempatkan di sebuah kecamatan."),
            "desa": _("Operator desa ditempatkan di sebuah desa."),
        }[role]]
    return {"name": name, "role": role, "region": region}


def _username_taken(username: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.username) == username.lower())
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def create_user(kabupaten, values: dict, actor=None) -> User:
    """Add an account in the kabupaten. `values`: username, name, role, region_id, password.

    Raises ServiceError at the fields; nothing saved on error.
    """
    errors = {}
    username = (values.get("username") or "").strip()
    if not USERNAME_PATTERN.match(username):
        errors["username"] = [_("Nama pengguna 3–80 karakter: huruf, angka, titik, garis bawah atau tanda "
                                "hubung, diawali huruf atau angka.")]
    elif _username_taken(username):
        errors["username"] = [_("Nama pengguna ini sudah dipakai.")]
    account = _clean_account(kabupaten, values, errors)
    problems = password_problems(values.get("password") or "", username)
    if problems:
        errors["password"] = problems
    if errors:
        raise ServiceError(errors)
    user = User(username=username, name=account["name"], role=account["role"], region=account["region"],
                active=True)
    user.set_password(values["password"])
    db.session.add(user)
    audit.record("user.create", user=actor, region=kabupaten, target=username, login=username,
                   role=account["role"], region_code=account["region"].code)
    commit(duplicate={"username": [_("Nama pengguna ini sudah dipakai.")]})
    return user


def update_user(kabupaten, user: User, values: dict, actor) -> User:
    """Change an account's name, role, region and whether it is active. `values`: name, role, region_id, active.

    An admin cannot demote or deactivate their own account (they would lock themselves out).
    """
    errors = {}
    account = _clean_account(kabupaten, values, errors)
    active = bool(values.get("active"))
    if actor is not None and user.id == actor.id:
        if account["role"] is not None and account["role"] != user.role:
            errors["role"] = [_("Anda tidak dapat mengubah peran akun Anda sendiri.")]
        if not active:
            errors["active"] = [_("Anda tidak dapat menonaktifkan akun Anda sendiri.")]
    if errors:
        raise ServiceError(errors)
    before = {"name": user.name, "role": user.role, "region": user.region.code, "active": user.active}
    if before["active"] and not active:
        sessions.end_all(user, "deactivated")    # reactivating later revives none of them
    user.name, user.role, user.region, user.active = account["name"], account["role"], account["region"], active
    after = {"name": user.name, "role": user.role, "region": user.region.code, "active": user.active}
    changed = audit.changes(before, after)
    if changed:
        audit.record("user.update", user=actor, region=kabupaten, target=user.username, login=user.username,
                       fields=list(changed), changes=changed)
    db.session.commit()
    return user


def reset_password(kabupaten, user: User, password: str, actor=None) -> User:
    """Set a new password the admin typed. Raises ServiceError({"password": …}) when it breaks the rules.

    Ends all the user's sessions and revokes their API tokens (whoever had them must not keep
    them), and the user must choose a new password at the next log-in."""
    check_password(password, user.username)
    user.set_password(password)
    user.must_change_password = True
    ended = sessions.end_all(user, "reset")
    revoked = _revoke_tokens(user)
    audit.record("user.password_reset", user=actor, region=kabupaten, target=user.username, login=user.username,
                   sessions_ended=ended, tokens_revoked=revoked)
    db.session.commit()
    return user


def _revoke_tokens(user) -> int:
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = utcnow()
    return len(tokens)


def set_active(kabupaten, user: User, active: bool, actor=None) -> User:
    """Deactivate (cannot log in, kept for the history) or reactivate an account; never one's own."""
    if actor is not None and user.id == actor.id and not active:
        raise ServiceError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.active != active:
        user.active = active
        if not active:
            sessions.end_all(user, "deactivated")    # reactivating later revives none of them
        audit.record("user.activate" if active else "user.deactivate", user=actor, region=kabupaten,
                       target=user.username, login=user.username)
        db.session.commit()
    return user


def change_own_password(user: User, current: str, password: str) -> User:
    """A user's own change: the current password must be right, the new one follow the rules and differ."""
    if not user.check_password(current or ""):
        raise ServiceError({"current": [_("Kata sandi sekarang salah.")]})
    check_password(password, user.username)
    if user.check_password(password):
        raise ServiceError({"password": [_("Kata sandi baru sama dengan yang sekarang.")]})
    user.set_password(password)
    user.must_change_password = False
    ended = sessions.end_all(user, "password", keep_current=True)   # other browsers must log in again
    audit.record("user.password_change", user=user, region=user.region, target=user.username,
                   login=user.username, sessions_ended=ended)
    db.session.commit()
    return user


# --- Accounts in bulk from the region list (issue 21 item 9) ------------------------------------------------

# Words for first passwords that are read off paper and typed on a phone: short, unambiguous, Indonesian.
FIRST_PASSWORD_WORDS = (
    "padi", "jagung", "kopi", "kelapa", "mangga", "pisang", "nanas", "salak", "durian", "rambutan", "jambu",
    "melati", "mawar", "anggrek", "kenanga", "cempaka", "teratai", "bambu", "jati", "beringin", "cemara",
    "sawah", "ladang", "kebun", "sungai", "danau", "gunung", "bukit", "lembah", "pantai", "telaga", "mata",
    "elang", "merpati", "kenari", "bangau", "rusa", "kancil", "gajah", "harimau", "penyu", "lumba", "kerbau",
    "pelangi", "embun", "fajar", "senja", "bintang", "bulan", "angin", "hujan", "awan", "petir", "ombak",
    "batik", "wayang", "gamelan", "angklung", "perahu", "layang", "kendi", "tampah", "lumbung", "pendopo",
)


def by_username(username: str) -> User | None:
    """The account with this exact user name, active or not, or None."""
    return db.session.scalar(select(User).where(User.username == username))


def save_locale(user: User, code: str) -> None:
    """Remember the user's interface language (`code`, one the app offers)."""
    user.locale = code
    commit()


def first_password() -> str:
    """A random first password like "melati-sungai-4821": two of 65 words and four digits
    (about 25 bits), read easily off a printed sheet; it must be changed at the first log-in."""
    while True:
        words = [secrets.choice(FIRST_PASSWORD_WORDS) for _ in range(2)]
        candidate = f"{words[0]}-{words[1]}-{secrets.randbelow(10_000):04d}"
        if words[0] != words[1] and not password_problems(candidate):
            return candidate


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", plain)[:60] or "wilayah"


def accounts_missing(kabupaten) -> list[dict]:
    """The kecamatan and villages of the kabupaten with no active account of their role yet, each with
    a proposed user name (`desa.<name>`, `kec.<name>`; made unique) and account name."""
    covered = set(db.session.scalars(select(User.region_id).where(User.active.is_(True),
                                                                  User.region_id.in_(region_ids_in(kabupaten)))))
    taken = {name.lower() for name in db.session.scalars(select(User.username))}
    rows = []

    def propose(prefix, region, parent=None):
        base = f"{prefix}.{_slug(region.name)}"
        name = base
        if name.lower() in taken and parent is not None:
            name = f"{base}.{_slug(parent.name)}"
        n = 2
        while name.lower() in taken:
            name, n = f"{base}{n}", n + 1
        taken.add(name.lower())
        return name

    for kecamatan, villages in kabupaten_villages(kabupaten):
        if kecamatan.id not in covered:
            rows.append({"region": kecamatan, "role": "kecamatan", "username": propose("kec", kecamatan),
                         "name": _("Petugas Kecamatan %(name)s", name=kecamatan.name)})
        for desa in villages:
            if desa.id not in covered:
                rows.append({"region": desa, "role": "desa", "username": propose("desa", desa, kecamatan),
                             "name": _("Operator Desa %(name)s", name=desa.name), "kecamatan": kecamatan})
    return rows


# Each password is hashed with scrypt (~0.2 s here): one run makes at most this many accounts,
# so a request stays within a few seconds (one kecamatan at a time).
MAX_BULK = 40


def create_bulk(kabupaten, region_ids: list[int], actor) -> list[dict]:
    """Create one account for each chosen kecamatan or village still without one, each with a
    random first password that must be changed at the first log-in. Returns
    [{"user", "password", "region"}] for the printable sheet: the passwords exist nowhere else.
    All or nothing; the audit trail names the accounts, never a password."""
    chosen = set(region_ids)
    rows = [row for row in accounts_missing(kabupaten) if row["region"].id in chosen]
    if not rows:
        raise ServiceError(_("Pilih paling sedikit satu wilayah yang belum punya akun."))
    if len(rows) > MAX_BULK:
        raise ServiceError(_("Paling banyak %(n)s akun sekaligus. Pilih lebih sedikit wilayah (misalnya satu "
                             "kecamatan), lalu ulangi untuk sisanya.", n=MAX_BULK))
    made = []
    for row in rows:
        password = first_password()
        user = User(username=row["username"], name=row["name"], role=row["role"], region=row["region"],
                    active=True, must_change_password=True)
        user.set_password(password)
        db.session.add(user)
        made.append({"user": user, "password": password, "region": row["region"],
                     "kecamatan": row.get("kecamatan")})
    audit.record("user.bulk_create", user=actor, region=kabupaten, target=f"{len(made)} akun", count=len(made),
                   logins=[m["user"].username for m in made])
    commit(duplicate=_("Sebagian nama pengguna baru saja dipakai. Muat ulang halaman lalu coba lagi."))
    return made
