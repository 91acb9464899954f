"""Indonesian by default; English is complete (every message in the code and templates has a
translation) and keeps every placeholder; a user who picks English reads English pages."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from .conftest import text_of

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "planner" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def _extracted_msgids(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "--no-location", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="en")


def test_translations_keep_placeholders():
    wrong = []
    for m in _catalogue():
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for source, target in zip(ids, strings):
            if target and sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                wrong.append(f"{source!r} -> {target!r}")
    assert not wrong, "\n".join(wrong)


def test_indonesian_is_the_default(client, world):
    page = client.get("/masuk")
    assert 'lang="id"' in page.get_data(as_text=True)
    assert "Nama pengguna" in text_of(page)


def test_every_message_has_an_english_translation(tmp_path):
    translated = {}
    for m in _catalogue():
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        translated[key] = bool(strings) and all(strings) and not m.fuzzy
    missing = sorted(msgid for msgid in _extracted_msgids(tmp_path) if not translated.get(msgid))
    assert not missing, f"{len(missing)} messages without English (run `make translations-update`):\n" + \
        "\n".join(missing[:20])


def test_a_user_who_picks_english_reads_english(client, world):
    client.post("/bahasa/en", data={"next": "/masuk"})
    page = client.get("/masuk")
    assert 'lang="en"' in page.get_data(as_text=True)
    assert "Nama pengguna" not in text_of(page)
    client.login(world.usernames["desa_a1"])
    plan = text_of(client.get(f"/rencana/{world.plans['a1x']}"))
    assert "Proposals" in plan or "proposals" in plan
    assert "Usulan kegiatan" not in plan


def test_decimals_read_the_indonesian_way_and_a_rounded_zero_has_no_minus():
    """The comparison's "Selisih" of an optimum equal to the spreadsheet's used to read -0,00."""
    from planner.formatting import format_decimal as format_decimal_id
    assert format_decimal_id(-1e-12) == "0,00"
    assert format_decimal_id(-0.004) == "0,00"
    assert format_decimal_id(-1234.567) == "-1.234,57"
    assert format_decimal_id(1234.5, 1) == "1.234,5"
    assert format_decimal_id(None) == "–"
