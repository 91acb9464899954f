"""services.commit: what the database refuses becomes the service's message; nothing half-saved stays."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner.extensions import db
from planner.models import Region
from planner.services import ServiceError, commit


def _regions():
    return db.session.scalar(select(func.count()).select_from(Region))


def test_a_duplicate_becomes_the_message_at_its_field_and_nothing_is_saved(app_ctx, world):
    before = _regions()
    existing = db.session.scalars(select(Region)).first()
    db.session.add(Region(code="99.99", name="Baru", level="kabupaten"))
    db.session.add(Region(code=existing.code, name="Kembar", level=existing.level))
    with pytest.raises(ServiceError) as refused:
        commit(duplicate={"code": ["Kode ini sudah dipakai."]})
    assert refused.value.errors == {"code": ["Kode ini sudah dipakai."]}
    assert _regions() == before          # rolled back: the first new row is gone too


def test_a_failure_without_a_message_is_raised_after_the_rollback(app_ctx, world):
    existing = db.session.scalars(select(Region)).first()
    db.session.add(Region(code=existing.code, name="Kembar", level=existing.level))
    with pytest.raises(IntegrityError):
        commit(conflict="not this one")
    assert _regions() > 0                # the session is usable again


def test_a_service_error_is_raised_as_it_is(app_ctx, world):
    existing = db.session.scalars(select(Region)).first()
    db.session.add(Region(code=existing.code, name="Kembar", level=existing.level))
    error = ServiceError({"name": ["sudah ada"]})
    with pytest.raises(ServiceError) as refused:
        commit(duplicate=error)
    assert refused.value is error
