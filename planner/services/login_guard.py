"""Log-in attempts: audited, and too many failures slow an address down and lock a name there.

Two counters, each one row of `login_throttle`, counted with one atomic upsert:

- **a name from one address** (`name:<name>|ip:<address>`): counted *before* the password is
  checked, so forty guesses sent at once check at most `LOGIN_MAX_FAILURES` passwords; past the
  limit that name is refused from that address until `LOGIN_WINDOW_MINUTES` after the first
  failure. The same name from another address (the real user at the village office) still works.
  A successful log-in clears it.
- **an address** (`ip:<address>`): after four times as many failures within the window (someone
  trying many names), the address is *throttled*, not locked: one attempt per
  `LOGIN_THROTTLE_SECONDS`, so other people behind the same address can still log in.

Unknown names cost the same time as real ones (the password is checked against a dummy hash),
so the answer's timing does not tell which names exist. Failures are written to the audit trail
(`auth.login_failed`, target: the name as typed, lower case; never the password).
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import LoginThrottle
from ..times import naive_utc, utcnow
from . import audit

_DUMMY_HASH = None


@dataclass
class Verdict:
    allowed: bool
    minutes: int = 0        # a name locked at this address: minutes until it may try again
    seconds: int = 0        # a throttled address: seconds until the next try


def _window():
    return timedelta(minutes=current_app.config.get("LOGIN_WINDOW_MINUTES", 15))


def _limit():
    return current_app.config.get("LOGIN_MAX_FAILURES", 5)



def _name(username: str) -> str:
    return (username or "").strip().lower()[:80]


def _name_key(username, ip):
    return f"name:{_name(username)}|ip:{ip}"[:200]


def _ip_key(ip):
    return f"ip:{ip}"[:200]


def _count(key: str) -> tuple[int, object]:
    """Add one failure to `key` in one atomic statement (a new window when the old one has passed);
    returns (failures in the window, window start)."""
    now = utcnow()
    cutoff = now - _window()
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(LoginThrottle)
    table = LoginThrottle.__table__
    expired = table.c.window_start < cutoff
    statement = insert.values(key=key, failures=1, window_start=now).on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((expired, 1), else_=table.c.failures + 1),
              "window_start": case((expired, now), else_=table.c.window_start)},
    ).returning(table.c.failures, table.c.window_start)
    failures, start = db.session.execute(statement).one()
    db.session.commit()
    return failures, start


def check(username: str, ip: str) -> Verdict:
    """Whether this attempt may check a password. Counts it against the name at this address."""
    now = utcnow()
    row = db.session.get(LoginThrottle, _ip_key(ip))
    if row is not None and row.failures >= 4 * _limit() and naive_utc(row.window_start) > naive_utc(now - _window()):
        gap = timedelta(seconds=current_app.config.get("LOGIN_THROTTLE_SECONDS", 10))
        table = LoginThrottle.__table__
        granted = db.session.execute(update(table).where(
            table.c.key == _ip_key(ip), (table.c.next_try_at.is_(None)) | (table.c.next_try_at <= now))
            .values(next_try_at=now + gap)).rowcount
        db.session.commit()
        if not granted:
            db.session.refresh(row)
            left = (naive_utc(row.next_try_at) - naive_utc(now)).total_seconds() if row.next_try_at else 1
            return Verdict(False, seconds=max(1, int(left + 0.999)))
    failures, start = _count(_name_key(username, ip))
    if failures > _limit():
        left = naive_utc(start) + _window() - naive_utc(now)
        return Verdict(False, minutes=max(1, int(left.total_seconds() // 60) + 1))
    return Verdict(True)


def password_matches(user, password: str) -> bool:
    """Check the password; for an unknown or inactive name spend the same time on a dummy hash."""
    global _DUMMY_HASH
    if user is None or not user.active:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")
        check_password_hash(_DUMMY_HASH, password or "")
        return False
    return user.check_password(password or "")


def record_failure(username: str, ip: str) -> None:
    name = _name(username)
    _count(_ip_key(ip))
    audit.record("auth.login_failed", target=name, login=name)
    db.session.commit()


def record_success(user, ip: str) -> None:
    """Clear the name's count at this address, note the log-in on the account, audit it."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == _name_key(user.username, ip)))
    user.last_login_at = utcnow()
    audit.record("auth.login", user=user, region=user.region)
    db.session.commit()

