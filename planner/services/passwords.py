"""The password rules, in one place (OWASP ASVS 2.1.1 and 2.1.7).

At least 12 characters (at most 200), not only digits, not containing the user name, and not a
common or breached password: the shipped list of 19,646 (planner/data/common-passwords.txt.gz,
see planner/data/README.md) plus Indonesian favourites, compared case-insensitively, also with
the user name taken out and with trailing digits and symbols taken off ("Bismillah2027!" is
"bismillah").
"""
import gzip
import re
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 200
LIST_PATH = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
# Chosen first in Indonesian offices and villages; the shipped list is mostly English.
INDONESIAN = frozenset({
    "rahasia", "katasandi", "sandi", "bismillah", "indonesia", "merdeka", "sayang", "sayangku", "cinta",
    "admin", "administrator", "desa", "desaku", "stunting", "posyandu", "kabupaten", "kecamatan", "jombang",
    "garuda", "pancasila", "alhamdulillah", "masukaja", "rahasiadesa", "operatordesa", "passworddesa",
    "qwertyuiop", "asdfghjkl", "password", "welcome", "letmein", "iloveyou", "bismillahirrahmanirrahim",
})
_TAIL = re.compile(r"[\d\W_]+$")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset:
    with gzip.open(LIST_PATH, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip()) | INDONESIAN


def is_common(password: str, username: str = "") -> bool:
    """True when the password is on the list, as typed or once its user name or trailing
    digits and symbols are taken away."""
    lowered = (password or "").strip().lower()
    listed = common_passwords()
    candidates = {lowered, _TAIL.sub("", lowered)}
    name = (username or "").strip().lower()
    if name:
        candidates |= {c.replace(name, "") for c in list(candidates)}
    return any(c in listed for c in candidates if c)


def problems(password: str, username: str = "") -> list[str]:
    """What is wrong with `password` for the account `username`, as sentences; empty when fine."""
    password = password or ""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(_("Kata sandi paling sedikit %(n)s karakter.", n=MIN_LENGTH))
    elif len(password) > MAX_LENGTH:
        found.append(_("Kata sandi paling banyak %(n)s karakter.", n=MAX_LENGTH))
    if password and password.isdigit():
        found.append(_("Kata sandi tidak boleh hanya angka."))
    name = (username or "").strip().lower()
    if name and name in password.lower():
        found.append(_("Kata sandi tidak boleh sama dengan atau memuat nama pengguna."))
    if is_common(password, username):
        found.append(_("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."))
    return found
