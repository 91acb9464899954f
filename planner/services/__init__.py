"""Service functions: the application's operations, called by thin views.

A service takes plain values or model objects, applies a change or computes a
result, and raises `ServiceError` with `(field, message)` pairs that a view puts
back on its form. Services commit, through `commit()`, which turns what the database
refuses into a message; views never touch the session directly.
"""
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db


class ServiceError(Exception):
    """A change that cannot be applied; `errors` maps field names to messages."""

    def __init__(self, errors):
        if isinstance(errors, str):
            errors = {None: [errors]}
        elif isinstance(errors, (list, tuple)):   # several messages for no one field
            errors = {None: list(errors)}
        self.errors = {field: list(messages) if isinstance(messages, (list, tuple)) else [messages]
                       for field, messages in errors.items()}
        super().__init__("; ".join(str(m) for ms in self.errors.values() for m in ms))

    def apply_to(self, form):
        """Put the messages on the form's fields; messages for no field go to `form.form_errors`."""
        for field, messages in self.errors.items():
            target = getattr(form, field, None) if field else None
            if target is not None:
                target.errors = list(target.errors) + [str(m) for m in messages]
            else:
                form.form_errors.extend(str(m) for m in messages)


def commit(conflict=None, duplicate=None, busy=None):
    """Commit the session. When the database refuses, roll back (nothing half-saved stays) and
    raise ServiceError with the message for what happened, so the view shows it at its field:

    - `conflict`: a version check failed, someone saved in between (StaleDataError);
    - `duplicate`: a unique constraint refused a row, someone added the same at the same
      moment (IntegrityError);
    - `busy`: the database refused the write, e.g. SQLite locked by another writer
      (OperationalError).

    A message is text, `{field: [messages]}` or a ServiceError. A failure without a message
    is re-raised after the rollback: it is a bug, not something the user did.
    """
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError, OperationalError) as error:
        db.session.rollback()
        message = {StaleDataError: conflict, IntegrityError: duplicate, OperationalError: busy}[
            next(kind for kind in (StaleDataError, IntegrityError, OperationalError) if isinstance(error, kind))]
        if message is None:
            raise
        raise (message if isinstance(message, ServiceError) else ServiceError(message)) from None


def commit_or_conflict(message):
    """Commit; a failed version check becomes ServiceError(message) (see `commit`)."""
    commit(conflict=message)
