"""Every route that names a region, plan, proposal, meeting, commitment, account or catalogue item
refuses users of another region, whatever their role: 403 or 404, never the data, never a change."""
import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import CatalogueItem, Job, User

from .test_commitment_frozen import FORM, _meeting, _snapshot

# Routes that name nothing of a region (the user's own pages, public pages).
UNSCOPED = ("static", "auth.", "main.home", "health.", "tokens.index", "account.", "catalogue.index",
            "catalogue.new_form", "catalogue.create", "catalogue.assumptions", "api.", "aks.template")


def _targets(app, world, ids):
    with app.app_context():
        item = db.session.scalar(select(CatalogueItem.id).where(CatalogueItem.region_id == world.region_ids["kab_a"]))
        user = db.session.scalar(select(User.id).where(User.username == world.usernames["desa_a1y"]))
        job = Job(id="a" * 32, kind="suggestion", args={"plan_id": ids["plan"]}, plan_id=ids["plan"],
                  region_id=world.region_ids["a1x"], subject="")
        db.session.add(job)
        from datetime import date

        from planner.models import AksFinding, AksRecommendation, TeamMember

        a1x = world.region_ids["a1x"]
        finding = AksFinding(desa_id=a1x, year=2026, semester=2, target_group="baduta", cause="Gizi kurang", count=2)
        recommendation = AksRecommendation(desa_id=a1x, year=2026, semester=2, intervention="PMT", count=2,
                                           target_group="baduta", due=date(2027, 6, 30))
        member = TeamMember(desa_id=a1x, year=2027, role="kpm", name="Wati", sex="P")
        db.session.add_all([finding, recommendation, member])
        db.session.commit()
        aks_ids = dict(finding_id=finding.id, recommendation_id=recommendation.id, member_id=member.id)
    return dict(**aks_ids,job_id="a" * 32, plan_id=ids["plan"], proposal_id=ids["proposal"], sid=ids["session"], session_id=ids["session"],
                aid=ids["attendee"], attendee_id=ids["attendee"], scid=ids["scenario"], scenario_id=ids["scenario"],
                commitment_id=ids["commitment"], item_id=item, user_id=user, token_id=1, fmt="csv", year=2027,
                suggestion_id=1, key="u1", pid=1, quarter=1)


def _code_for(rule):
    if "/kabupaten/" in rule.rule:
        return "35.17"
    if "/kecamatan/" in rule.rule:
        return "35.17.09"
    return "35.17.09.2001"


def _routes(app, values):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(UNSCOPED) or rule.endpoint in UNSCOPED:
            continue
        args = {a: (_code_for(rule) if a == "code" else values[a]) for a in rule.arguments}
        yield rule, app.url_map.bind("localhost").build(rule.endpoint, args)


@pytest.mark.parametrize("who", ["desa_b", "kec_b", "admin_b", "desa_a2", "kec_a2"])
def test_users_of_another_region_get_nothing_from_any_route(app, world, login, who):
    ids = _meeting(app, world)
    values = _targets(app, world, ids)
    with app.app_context():
        before = _snapshot(ids["plan"])
    client = login(who)
    checked = []
    for rule, url in _routes(app, values):
        if who in ("desa_a2", "kec_a2") and url.startswith(("/kabupaten/35.17/", "/katalog/")):
            continue        # kabupaten A's own pages: other roles there are refused by role (tests/test_admin_*)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code in (403, 404), (rule.endpoint, url, response.status_code)
            assert "Desa A1X" not in response.get_data(as_text=True), rule.endpoint
        if "POST" in rule.methods:
            for send in (client.post, lambda u, data: client.htmx("POST", u, data=data)):
                response = send(url, data=FORM)
                assert response.status_code in (403, 404), (rule.endpoint, url, response.status_code)
        checked.append(rule.endpoint)
    assert {"plans.view", "proposals.edit", "rembuk.decide", "commitments.view", "oversight.kecamatan",
            "oversight.realisation_sheet", "convergence.quarter", "convergence.upload"} <= set(checked)
    with app.app_context():
        assert _snapshot(ids["plan"]) == before
