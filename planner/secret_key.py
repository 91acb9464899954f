"""The key that signs sessions and CSRF tokens: never a default that anyone could read in the source.

- `SECRET_KEY` in the environment (or the app's config) wins.
- Otherwise, outside production, a random key is created once in `instance/secret_key` (readable
  by its owner only) and reused on every start, so `make run` needs no setting and sessions
  survive a restart.
- In production (`PLANNER_ENV=production`, which `make serve` sets) the app refuses to start
  without `SECRET_KEY`: a key made on one machine would differ between web servers.
"""
import os
import secrets
from pathlib import Path

MIN_LENGTH = 16


class MissingSecretKey(RuntimeError):
    pass


def ensure(app) -> None:
    """Set `app.config["SECRET_KEY"]`, creating the instance key if allowed. Raises MissingSecretKey."""
    key = app.config.get("SECRET_KEY")
    if key:
        if app.config.get("ENV_NAME") == "production" and len(str(key)) < MIN_LENGTH:
            raise MissingSecretKey(f"SECRET_KEY is too short: use at least {MIN_LENGTH} random characters.")
        return
    if app.config.get("ENV_NAME") == "production":
        raise MissingSecretKey("SECRET_KEY is not set. In production set it to a long random value "
                               "(see docs/deploy.md); the app does not start without it.")
    app.config["SECRET_KEY"] = _instance_key(Path(app.instance_path) / "secret_key")


def _instance_key(path: Path) -> str:
    try:
        key = path.read_text().strip()
        if len(key) >= MIN_LENGTH:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    try:
        os.link(partial, path)          # first writer wins when several processes start at once
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        partial.unlink(missing_ok=True)
    return key
