"""Service functions: the application's operations, called by thin views.

A service takes plain values or model objects, applies a change or computes a
result, and raises `ServiceError` with `(field, message)` pairs that a view puts
back on its form. Services commit; views never touch the session directly.
"""


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


def commit_or_conflict(message):
    """Commit the session; if a version check failed (someone saved in between), roll back and
    raise ServiceError(message) so the user is told instead of overwriting their change."""
    from sqlalchemy.orm.exc import StaleDataError

    from ..extensions import db

    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ServiceError(message)
