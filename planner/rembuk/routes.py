"""The rembuk stunting: open a meeting, take attendance, drive the projector, commit.

Every view parses, calls services.rembuk / services.commitments and renders.
Only the village's operator changes a meeting, and only while it is open
(`get_meeting_or_404(..., write=True)`); kecamatan and kabupaten users follow it
read-only. A committed meeting answers every change with 403.
"""
from flask import Blueprint, Response, abort, current_app, flash, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import jobs
from ..access import can_run_meeting, get_plan_or_404, get_meeting_or_404
from ..extensions import db
from ..fields import record_id
from ..htmx import add_vary, is_htmx, see_other
from ..models import Proposal
from ..services import ServiceError, aks, commitments, convergence, rembuk, team
from ..services.rules import effective_rules
from .forms import (AlternativeForm, AttendeeForm, CommitForm, DecisionForm, PledgeForm, ScenarioForm,
                    MeetingForm, TakeScenarioForm)

bp = Blueprint("rembuk", __name__)


def _lang():
    return str(get_locale() or "id")


# --- Opening and details ---------------------------------------------------------------------------------

@bp.route("/rencana/<int:plan_id>/rembuk/baru", methods=["GET", "POST"])
def new(plan_id):
    """Open the rembuk for the plan's next version. 403 unless the operator of a draft/perubahan."""
    plan = get_plan_or_404(plan_id, write=True)
    if plan.open_meeting is not None:
        return see_other(url_for("rembuk.view", sid=plan.open_meeting.id))
    form = MeetingForm()
    if request.method == "GET":
        form.process(data=rembuk.default_meeting_values(plan))
    elif form.validate_on_submit():
        try:
            meeting = rembuk.open_meeting(plan, current_user, form.values())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Rembuk dibuka. Catat daftar hadir, lalu buka layar rembuk."), "success")
            return see_other(url_for("rembuk.view", sid=meeting.id))
    else:
        _check_the_rest(form, needs_reason=rembuk.next_version(plan) > 1)
    status = 422 if request.method == "POST" else 200
    return render_template("rembuk/form.html", form=form, plan=plan, meeting=None,
                           version=rembuk.next_version(plan)), status


def _check_the_rest(form, needs_reason):
    """A field the form could not read (a date typed wrong) stops the service; still tell the user
    at once about every other field, instead of one error per try."""
    for name, messages in rembuk.check_meeting_values(form.values(), needs_reason=needs_reason).items():
        field = getattr(form, name, None)
        if field is not None and not field.errors:
            field.errors = list(messages)


@bp.route("/rembuk/<int:sid>")
def view(sid):
    """The meeting page: details, attendance, scenarios, decisions and the way to commit."""
    meeting = get_meeting_or_404(sid)
    return render_template("rembuk/view.html", **_meeting_context(meeting))


def _meeting_context(meeting, attendee_form=None, scenario_form=None, pledge_form=None):
    editable = can_run_meeting(current_user, meeting)
    return dict(meeting=meeting, plan=meeting.plan, editable=editable,
                attendee_form=attendee_form or AttendeeForm(formdata=None),
                pledge_form=pledge_form or PledgeForm(formdata=None),
                scenario_form=scenario_form or ScenarioForm(formdata=None),
                take_form=TakeScenarioForm(formdata=None),
                problems=commitments.commit_problems(meeting) if meeting.status == "open" else [],
                lagging=convergence.lagging(meeting.plan),
                decisions=list(reversed(meeting.decisions)), **_team(meeting), **_aks(meeting))


def _aks(meeting):
    return {"aks_statuses": aks.plan_statuses(meeting.plan),
            "aks_rule_on": bool(effective_rules(meeting.plan).get("aks_first"))}


def _team(meeting):
    """`team`: the plan year's team members not in the attendance yet (by name), what "Isi dari tim
    desa" adds; `team_size`: the whole team."""
    members = team.members(meeting.plan.desa, meeting.plan.year)
    listed = {a.name.strip().casefold() for a in meeting.attendees}
    return {"team": [m for m in members if m.name.strip().casefold() not in listed], "team_size": len(members)}


@bp.route("/rembuk/<int:sid>/ubah", methods=["GET", "POST"])
def edit(sid):
    meeting = get_meeting_or_404(sid, write=True)
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        form.version_id.data = meeting.version_id
    elif form.validate_on_submit():
        try:
            rembuk.update_meeting(meeting, current_user, form.values(), expected_version=form.version_id.number())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Data rembuk tersimpan."), "success")
            return see_other(url_for("rembuk.view", sid=meeting.id))
    else:
        _check_the_rest(form, needs_reason=meeting.version > 1)
    status = 422 if request.method == "POST" else 200
    return render_template("rembuk/form.html", form=form, plan=meeting.plan, meeting=meeting,
                           version=meeting.version), status


# --- Attendance ----------------------------------------------------------------------------------------------

# A section of the meeting page (attendance, pledges) has its own form; htmx swaps the section whole.
SECTIONS = {"attendance": ("rembuk/_attendance.html", "attendee_form"),
            "pledges": ("rembuk/_pledges.html", "pledge_form")}


def _add_to_section(meeting, section, form, add):
    """Add a row to a meeting section from `form` with `add(meeting, user, values)`: the section again
    for htmx (422 with the form's messages), else back to the page (or the page with the messages)."""
    template, form_name = SECTIONS[section]
    status = 200
    if form.validate_on_submit():
        try:
            add(meeting, current_user, form.values())
        except ServiceError as error:
            error.apply_to(form)
            status = 422
        else:
            form = None
    else:
        status = 422
    if not is_htmx() and status == 200:
        return see_other(url_for("rembuk.view", sid=meeting.id) + "#" + section)
    context = _meeting_context(meeting, **{form_name: form})
    return add_vary(Response(render_template(template if is_htmx() else "rembuk/view.html", **context),
                             status=status))


def _change_in_section(meeting, section, rows, row_id, change):
    """Apply `change(meeting, user, row)` to the row of `rows` with id `row_id` (404 if none), then
    answer with the section (htmx) or the page."""
    row = next((r for r in rows if r.id == row_id), None)
    if row is None:
        abort(404)
    change(meeting, current_user, row)
    if is_htmx():
        return add_vary(Response(render_template(SECTIONS[section][0], **_meeting_context(meeting))))
    return see_other(url_for("rembuk.view", sid=meeting.id) + "#" + section)


@bp.route("/rembuk/<int:sid>/hadir", methods=["POST"])
def add_attendee(sid):
    meeting = get_meeting_or_404(sid, write=True)
    return _add_to_section(meeting, "attendance", AttendeeForm(), rembuk.add_attendee)


@bp.route("/rembuk/<int:sid>/hadir/<int:aid>/konfirmasi", methods=["POST"])
def confirm_attendee(sid, aid):
    """Someone carried over from the amended rembuk is present again."""
    meeting = get_meeting_or_404(sid, write=True)
    return _change_in_section(meeting, "attendance", meeting.attendees, aid, rembuk.confirm_attendee)


@bp.route("/rembuk/<int:sid>/hadir/<int:aid>/hapus", methods=["POST"])
def remove_attendee(sid, aid):
    meeting = get_meeting_or_404(sid, write=True)
    return _change_in_section(meeting, "attendance", meeting.attendees, aid, rembuk.remove_attendee)


@bp.route("/rembuk/<int:sid>/hadir/tim", methods=["POST"])
def attendance_from_team(sid):
    """Add the plan year's village team (TPPS desa) to the attendance, those not listed yet."""
    meeting = get_meeting_or_404(sid, write=True)
    status = 200
    try:
        added = team.prefill_attendance(meeting, current_user)
    except ServiceError as error:
        status = 422
        message = str(error)
    else:
        message = _("%(n)s anggota tim desa ditambahkan ke daftar hadir.", n=added)
    if not is_htmx():
        flash(message, "success" if status == 200 else "error")
        return see_other(url_for("rembuk.view", sid=meeting.id) + "#attendance")
    context = _meeting_context(meeting)
    context["team_message"] = message
    return add_vary(Response(render_template("rembuk/_attendance.html", **context), status=status))


# --- Pledges of other bodies ------------------------------------------------------------------------

@bp.route("/rembuk/<int:sid>/komitmen-lembaga", methods=["POST"])
def add_pledge(sid):
    """What the puskesmas, PKK, TPK… commit to, at no cost to the village."""
    meeting = get_meeting_or_404(sid, write=True)
    return _add_to_section(meeting, "pledges", PledgeForm(), rembuk.add_pledge)


@bp.route("/rembuk/<int:sid>/komitmen-lembaga/<int:pid>/hapus", methods=["POST"])
def remove_pledge(sid, pid):
    meeting = get_meeting_or_404(sid, write=True)
    return _change_in_section(meeting, "pledges", meeting.pledges, pid, rembuk.remove_pledge)


# --- The projector -------------------------------------------------------------------------------------------

@bp.route("/rembuk/<int:sid>/layar")
def board(sid):
    """The projector view; htmx asks for the board fragment alone (followers refresh it)."""
    meeting = get_meeting_or_404(sid)
    return add_vary(_render_board(meeting, page=not is_htmx()))


def _render_board(meeting, page=False, error=None, row_error=None, status=200, scenario_form=None, notice=None):
    context = dict(meeting=meeting, plan=meeting.plan, board=rembuk.board(meeting, _lang()),
                   editable=can_run_meeting(current_user, meeting), error=error, row_error=row_error or {},
                   scenario_form=scenario_form or ScenarioForm(formdata=None), notice=notice)
    if page:
        context["lagging"] = convergence.lagging(meeting.plan)
    template = "rembuk/board.html" if page else "rembuk/_board.html"
    return Response(render_template(template, **context), status=status)


def _board_answer(meeting, error=None, row_error=None):
    """After a change: the board fragment for htmx, otherwise back to the projector page.

    A re-solve the change started runs as a job; waiting up to JOB_INLINE_WAIT for it lets a
    village-sized solve answer at once, else the board shows its progress and polls."""
    job = jobs.active(rembuk.RESOLVE_JOB, meeting.plan, rembuk.resolve_subject(meeting))
    if job is not None:
        job = jobs.wait(job, current_app.config.get("JOB_INLINE_WAIT", 1.0))
        if job.status == "failed" and not error:
            error = job.error
    status = 422 if (error or row_error) else 200
    if is_htmx() or status != 200:
        return add_vary(_render_board(meeting, page=not is_htmx(), error=error, row_error=row_error,
                                      status=status))
    return see_other(url_for("rembuk.board", sid=meeting.id))


@bp.route("/rembuk/<int:sid>/hitung", methods=["POST"])
def compute(sid):
    """Solve again with the room's decisions as they are (e.g. after a proposal was edited)."""
    meeting = get_meeting_or_404(sid, write=True)
    try:
        rembuk.request_resolve(meeting, current_user)
    except ServiceError as exc:
        return _board_answer(meeting, error=str(exc))
    return _board_answer(meeting)


@bp.route("/rembuk/<int:sid>/keputusan", methods=["POST"])
def decide(sid):
    """The room's choice for one proposal (wajib, coret, units, bebas) with a reason; re-solves."""
    meeting = get_meeting_or_404(sid, write=True)
    form = DecisionForm()
    proposal = None
    if form.validate_on_submit():
        key = record_id(form.proposal_id.data)
        proposal = db.session.get(Proposal, key) if key else None
        try:
            rembuk.decide(meeting, current_user, proposal, form.action.data or "", units=form.units.data,
                          reason=form.reason.data or "")
        except ServiceError as error:
            messages = [str(m) for ms in error.errors.values() for m in ms]
            if proposal is None or proposal.plan_id != meeting.plan_id:
                return _board_answer(meeting, error=" ".join(messages))
            return _board_answer(meeting, row_error=_row_error(form, proposal.id, messages))
        return _board_answer(meeting)
    messages = [str(m) for ms in form.errors.values() for m in ms]
    if form.proposal_id.data:
        return _board_answer(meeting, row_error=_row_error(form, form.proposal_id.data, messages))
    return _board_answer(meeting, error=" ".join(messages) or _("Pilih usulan dan keputusannya."))


def _row_error(form, proposal_key, messages):
    """What the board shows at one proposal's row: the messages and what the user typed."""
    return {"key": f"u{proposal_key}", "messages": messages, "units": form.units.raw,
            "reason": form.reason.data or ""}


@bp.route("/rembuk/<int:sid>/urungkan", methods=["POST"])
def undo(sid):
    """Undo the latest decision still in force (it stays in the record, marked undone)."""
    meeting = get_meeting_or_404(sid, write=True)
    try:
        rembuk.undo_last(meeting, current_user)
    except ServiceError as exc:
        return _board_answer(meeting, error=str(exc))
    return _board_answer(meeting)


# --- Scenarios and alternatives -----------------------------------------------------------------------------

@bp.route("/rembuk/<int:sid>/skenario", methods=["POST"])
def save_scenario(sid):
    """Keep the current answer as a named scenario."""
    meeting = get_meeting_or_404(sid, write=True)
    form = ScenarioForm()
    if form.validate_on_submit():
        try:
            rembuk.save_scenario(meeting, current_user, form.name.data or "")
        except ServiceError as error:
            error.apply_to(form)
        else:
            message = _("Skenario “%(name)s” tersimpan.", name=form.name.data)
            if is_htmx():
                return add_vary(_render_board(meeting, notice=message))
            flash(message, "success")
            return see_other(url_for("rembuk.view", sid=meeting.id) + "#scenarios")
    if is_htmx():
        return add_vary(_render_board(meeting, scenario_form=form, status=422))
    return render_template("rembuk/view.html", **_meeting_context(meeting, scenario_form=form)), 422


@bp.route("/rembuk/<int:sid>/skenario/banding")
def compare(sid):
    """Two scenarios side by side: what differs, cost and impact."""
    meeting = get_meeting_or_404(sid)
    by_id = {s.id: s for s in meeting.scenarios}
    a, b = by_id.get(request.args.get("a", type=int)), by_id.get(request.args.get("b", type=int))
    error = None
    comparison = None
    if a is None or b is None:
        error = _("Pilih dua skenario yang tersimpan untuk dibandingkan.")
    elif a.id == b.id:
        error = _("Pilih dua skenario yang berbeda.")
    else:
        comparison = rembuk.compare_scenarios(meeting, a, b)
    return render_template("rembuk/compare.html", meeting=meeting, plan=meeting.plan, comparison=comparison,
                           error=error, editable=can_run_meeting(current_user, meeting),
                           take_form=TakeScenarioForm(formdata=None)), 422 if error else 200


@bp.route("/rembuk/<int:sid>/skenario/<int:scid>/pakai", methods=["POST"])
def take_scenario(sid, scid):
    """Take a saved scenario as the decision: its units become the locks."""
    meeting = get_meeting_or_404(sid, write=True)
    scenario = next((s for s in meeting.scenarios if s.id == scid), None)
    if scenario is None:
        abort(404)
    form = TakeScenarioForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rembuk.take_scenario(meeting, current_user, scenario, reason=form.reason.data or "")
    except ServiceError as exc:
        flash(str(exc), "error")
        return see_other(url_for("rembuk.view", sid=meeting.id) + "#scenarios")
    flash(_("Skenario “%(name)s” dipakai sebagai keputusan rembuk.", name=scenario.name), "success")
    return see_other(url_for("rembuk.board", sid=meeting.id))


@bp.route("/rembuk/<int:sid>/alternatif")
def alternatives(sid):
    """The best few allocations that fund other activities and lose at most `susut` % of impact."""
    meeting = get_meeting_or_404(sid)
    text = request.args.get("susut", "2")
    form = AlternativeForm(formdata=None, susut=text)
    options, error, job = [], None, None
    try:
        max_loss = rembuk.parse_max_loss(text)
    except ServiceError as exc:
        form.susut.errors = [str(m) for ms in exc.errors.values() for m in ms]
        max_loss = None
    if max_loss is not None:
        latest = rembuk.meeting_suggestion(meeting)
        if latest is None or not rembuk.is_current(meeting, latest):
            error = _("Hitung ulang di layar rembuk dulu: alternatif dicari dari alokasi terbaru.")
        elif latest.status != "optimal":
            error = _("Alternatif hanya dicari bila alokasi sekarang terbukti terbaik.")
        else:
            options, job, error = _alternatives_job(meeting, latest, max_loss, text)
    status = 422 if form.susut.errors else 200
    return render_template("rembuk/alternatives.html", meeting=meeting, plan=meeting.plan, options=options,
                           form=form, error=error, latest=rembuk.meeting_suggestion(meeting), job=job,
                           editable=can_run_meeting(current_user, meeting), min_swap=rembuk.MIN_SWAP_SHARE), status


def _alternatives_job(meeting, latest, max_loss, text):
    """The search runs as a background job (planner.jobs), once per answer and share: the options it
    kept, else the job still running (the page refreshes itself), else a new job waited on briefly.
    Returns (options, job or None, error or None)."""
    found = rembuk.kept_alternatives(meeting, max_loss)
    if found is not None:
        return rembuk.alternative_options(meeting, max_loss, found=found), None, None
    subject = rembuk.alternatives_subject(latest.id, max_loss)
    job = jobs.active(rembuk.ALTERNATIVES_JOB, meeting.plan, subject) or jobs.enqueue(
        rembuk.ALTERNATIVES_JOB, {"session_id": meeting.id, "max_loss": max_loss, "susut": text},
        user=current_user, plan=meeting.plan, subject=subject)
    job = jobs.wait(job, current_app.config.get("JOB_INLINE_WAIT", 1.0))
    if job.status == "failed":
        return [], None, job.error
    if job.status == "done":
        found = (job.result or {}).get("found") or []
        return rembuk.alternative_options(meeting, max_loss, found=found), None, None
    return [], job, None


@bp.route("/rembuk/<int:sid>/alternatif/simpan", methods=["POST"])
def save_alternative(sid):
    meeting = get_meeting_or_404(sid, write=True)
    form = AlternativeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        max_loss = rembuk.parse_max_loss(form.susut.data)
        scenario = rembuk.save_alternative(meeting, current_user, max_loss, form.index.data, form.name.data or "")
    except ServiceError as exc:
        flash(str(exc), "error")
        return see_other(url_for("rembuk.alternatives", sid=meeting.id, susut=form.susut.data))
    flash(_("Skenario “%(name)s” tersimpan.", name=scenario.name), "success")
    return see_other(url_for("rembuk.view", sid=meeting.id) + "#scenarios")


# --- Commit ---------------------------------------------------------------------------------------------------------

@bp.route("/rembuk/<int:sid>/sahkan", methods=["GET", "POST"])
def commit(sid):
    """The chair commits the decided allocation: a frozen, numbered commitment version."""
    meeting = get_meeting_or_404(sid, write=request.method == "POST")
    if meeting.status != "open":
        commitment = meeting.plan.latest_commitment
        if commitment is not None and commitment.session_id == meeting.id:
            return see_other(url_for("commitments.view", commitment_id=commitment.id))
        abort(404)
    form = CommitForm()
    if request.method == "GET":
        form.plan_version.data = meeting.plan.version_id
    elif form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors = [_("Centang pernyataan ini bila rembuk sudah menyepakati alokasi.")]
        else:
            try:
                commitment = commitments.commit_meeting(meeting, current_user,
                                                        expected_plan_version=form.plan_version.number())
            except ServiceError as error:
                error.apply_to(form)
            else:
                flash(_("Komitmen versi %(n)s disahkan.", n=commitment.version), "success")
                return see_other(url_for("commitments.view", commitment_id=commitment.id))
    board = rembuk.board(meeting, _lang())
    status = 422 if request.method == "POST" else 200
    return render_template("rembuk/commit.html", meeting=meeting, plan=meeting.plan, form=form, board=board,
                           problems=commitments.commit_problems(meeting),
                           editable=can_run_meeting(current_user, meeting)), status


@bp.app_template_global("rembuk_sentence")
def _rembuk_sentence(decision):
    """A decision as a sentence ("“PMT lokal” wajib didanai"), for templates."""
    return rembuk.decision_sentence(decision)


@bp.app_template_global("lock_label")
def _lock_label(lock):
    return rembuk.lock_label(lock)
