"""A solve that takes longer than the request: the panel shows a progress bar, and the answer replaces the bar by itself once a worker has run the job (the
fragment polls itself every second; no page load)."""
from planner.extensions import db
from planner.models import Plan

from .conftest import log_in, settled


def test_the_suggestion_arrives_by_itself(page, world, app):
    with app.app_context():
        db.session.get(Plan, world.plans["a1x"]).rules = {"target_groups_required": []}
        db.session.commit()
    huey = app.extensions["jobs"].huey
    app.config.update(JOB_CONSUMER="external", JOB_INLINE_WAIT=0)
    try:
        log_in(page, world.usernames["desa_a1"])
        page.goto(f"{page.base_url}/rencana/{world.plans['a1x']}")
        url_before = page.url
        page.click("#suggestion button:has-text('Hitung usulan alokasi')")
        page.wait_for_selector("#suggestion progress")
        assert "Menunggu giliran" in page.locator("#suggestion").inner_text()
        settled(page)
        page.wait_for_timeout(1500)                      # a poll or two while the job waits
        assert page.locator("#suggestion progress").count() == 1
        task = huey.dequeue()
        assert task is not None
        huey.execute(task)                               # a job worker takes it
        page.wait_for_selector("#suggestion .suggestion-table", timeout=10_000)
        assert page.locator("#suggestion progress").count() == 0
        assert page.url == url_before
        assert "Insentif kader posyandu" in page.locator("#suggestion").inner_text()
    finally:
        app.config.update(JOB_CONSUMER="immediate", JOB_INLINE_WAIT=1.0)
        huey.flush()
