"""Commitments: the frozen versions, their documents and exports, and opening a perubahan.

Every document is rendered from the commitment's snapshot (`content`) alone. No
route here changes a commitment; `amend` only opens the plan for version n+1.
"""
import json

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import force_locale
from flask_login import current_user

from ..access import get_commitment_or_404, get_plan_or_404
from ..documents import commitment_tables, tables
from ..documents.berita_acara import berita_acara, decision_text
from ..documents.pdf import berita_acara_pdf
from ..downloads import send_download
from ..htmx import see_other
from ..services import ServiceError, audit, commitments, rembuk
from ..services.scorecard import plan_scorecard
from .forms import AmendForm

bp = Blueprint("commitments", __name__)


def _previous(commitment):
    return commitment.previous


@bp.route("/komitmen/<int:commitment_id>")
def view(commitment_id):
    """A committed version: what was agreed, its hash, its documents, and what changed from the version before."""
    commitment = get_commitment_or_404(commitment_id)
    content = commitment.content
    previous = _previous(commitment)
    changes = commitments.version_changes(previous.content, content) if previous else []
    return render_template("commitments/view.html", commitment=commitment, plan=commitment.plan, content=content,
                           valid=commitments.verify(commitment), changes=changes, previous=previous,
                           scorecard=commitments.scorecard(content),
                           decisions=[decision_text(d) for d in content.get("decisions", []) if not d.get("undone")])


@bp.route("/rencana/<int:plan_id>/komitmen")
def index(plan_id):
    plan = get_plan_or_404(plan_id)
    return render_template("commitments/index.html", plan=plan, versions=list(reversed(plan.commitments)))


def _filename(commitment, suffix):
    village = commitment.content["village"]["code"]
    return f"komitmen-{village}-{commitment.content['year']}-v{commitment.version}-{suffix}"


def _download(body, filename, commitment):
    audit.record_download(filename, plan=commitment.plan, target=f"version:{commitment.version}")
    return send_download(body, filename)


def _scorecard_id(commitment):
    """The scorecard table for the Berita Acara, its bidang names in Indonesian whatever the
    interface language (the document always is)."""
    with force_locale("id"):
        return plan_scorecard(commitment.plan, commitment)


@bp.route("/komitmen/<int:commitment_id>/berita-acara")
def berita_acara_page(commitment_id):
    """The Berita Acara as a printable page (A4 print styles)."""
    commitment = get_commitment_or_404(commitment_id)
    doc = berita_acara(commitment.content, commitment.content_hash, _scorecard_id(commitment))
    return render_template("commitments/berita_acara.html", commitment=commitment, doc=doc, plan=commitment.plan)


@bp.route("/komitmen/<int:commitment_id>/berita-acara.pdf")
def berita_acara_download(commitment_id):
    commitment = get_commitment_or_404(commitment_id)
    body = berita_acara_pdf(berita_acara(commitment.content, commitment.content_hash, _scorecard_id(commitment)))
    return _download(body, _filename(commitment, "berita-acara.pdf"), commitment)


@bp.route("/komitmen/<int:commitment_id>/kegiatan.xlsx")
def activities_xlsx(commitment_id):
    commitment = get_commitment_or_404(commitment_id)
    content = commitment.content
    body = tables.write_xlsx([commitment_tables.activities_table(content), commitment_tables.scorecard_table(content),
                              commitment_tables.pledges_table(content),
                              commitment_tables.summary_table(content, commitment.content_hash)])
    return _download(body, _filename(commitment, "kegiatan.xlsx"), commitment)


@bp.route("/komitmen/<int:commitment_id>/kegiatan.csv")
def activities_csv(commitment_id):
    commitment = get_commitment_or_404(commitment_id)
    body = tables.write_csv(commitment_tables.activities_table(commitment.content))
    return _download(body, _filename(commitment, "kegiatan.csv"), commitment)


@bp.route("/komitmen/<int:commitment_id>/penggunaan-dana-desa.csv")
def scorecard_csv(commitment_id):
    commitment = get_commitment_or_404(commitment_id)
    body = tables.write_csv(commitment_tables.scorecard_table(commitment.content))
    return _download(body, _filename(commitment, "penggunaan-dana-desa.csv"), commitment)


@bp.route("/komitmen/<int:commitment_id>/rencana.json")
def plan_file(commitment_id):
    """The plan file with every proposal locked to its committed units: it re-solves to the commitment."""
    commitment = get_commitment_or_404(commitment_id)
    body = json.dumps(commitments.committed_plan_file(commitment), ensure_ascii=False, indent=2)
    return _download(body, _filename(commitment, "rencana.json"), commitment)


@bp.route("/rencana/<int:plan_id>/perubahan", methods=["GET", "POST"])
def amend(plan_id):
    """Open a perubahan of a committed plan, with a reason. Only the village's own operator."""
    plan = get_plan_or_404(plan_id)
    if current_user.role != "desa" or current_user.region_id != plan.desa_id:
        abort(403)
    if plan.status != "committed":
        if plan.status == "amending":
            flash(_("Perubahan sudah dibuka untuk rencana ini."), "success")
            return see_other(url_for("plans.view", plan_id=plan.id) + "#rembuk")
        abort(403)
    form = AmendForm()
    if request.method == "GET":
        form.version_id.data = plan.version_id
    elif form.validate_on_submit():
        try:
            rembuk.open_amendment(plan, current_user, form.reason.data or "",
                                  expected_version=form.version_id.number())
        except ServiceError as error:
            error.apply_to(form)
        else:
            flash(_("Perubahan dibuka. Ubah usulan bila perlu, lalu adakan rembuk untuk komitmen versi %(n)s.",
                    n=plan.latest_commitment.version + 1), "success")
            return see_other(url_for("plans.view", plan_id=plan.id) + "#rembuk")
    status = 422 if request.method == "POST" else 200
    return render_template("commitments/amend.html", plan=plan, form=form), status
