"""`flask --app planner backup [PATH]`: a consistent copy of the database while the app runs.

- SQLite: the sqlite3 online-backup API copies the database page by page under a read
  transaction, so writers may keep working and the copy is one consistent moment (the WAL
  included). Restore: stop the app, copy the backup over `instance/planner.db` (remove any
  `planner.db-wal` and `-shm` beside it), start the app.
- PostgreSQL: `pg_dump --format=custom` (from the PostgreSQL client tools) writes a consistent
  snapshot. Restore: `pg_restore --clean --if-exists --no-owner -d DATABASE_URL FILE`.

Without PATH the copy goes to `instance/backups/planner-<UTC time>.<db|dump>`.
"""
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url


def default_path(kind: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(current_app.instance_path) / "backups" / f"planner-{stamp}.{kind}"


def backup_sqlite(database: str, target: Path) -> Path:
    """Copy the SQLite database at `database` to `target` with the online-backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")   # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"The copy failed its integrity check: {ok}")
    partial.replace(target)        # never leave a half-written file under the final name
    return target


def backup_postgresql(url, target: Path) -> Path:
    if shutil.which("pg_dump") is None:
        raise click.ClickException("pg_dump was not found: install the PostgreSQL client tools "
                                   "(Debian: apt-get install postgresql-client).")
    target.parent.mkdir(parents=True, exist_ok=True)
    # The password goes to pg_dump through its environment (PGPASSWORD), never on its command
    # line, where any user of the machine could read it in the process list.
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query).render_as_string(hide_password=False)
    partial = target.with_name(target.name + ".partial")
    done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", plain],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"pg_dump failed: {done.stderr.strip()}")
    partial.replace(target)
    return target


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path):
    """Write a consistent copy of the database (safe while the app runs)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise click.ClickException("An in-memory database cannot be backed up.")
        written = backup_sqlite(url.database, path or default_path("db"))
    elif url.get_backend_name() == "postgresql":
        written = backup_postgresql(url, path or default_path("dump"))
    else:
        raise click.ClickException(f"No backup method for {url.get_backend_name()}.")
    click.echo(f"Backup written: {written} ({written.stat().st_size:,} bytes)")
