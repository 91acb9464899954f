"""`GET /tugas/<id>`: a background job's progress as a plain page that refreshes itself (for
browsers without JavaScript, or a link to keep); once it has finished, 303 to its answer.
404 unless the user may see the job's plan or region (planner.jobs.get_job_or_404)."""
from flask import Blueprint, render_template

from . import jobs
from .htmx import see_other
from .services.solve_jobs import next_url

bp = Blueprint("jobs", __name__)


@bp.route("/tugas/<job_id>")
def view(job_id):
    job = jobs.get_job_or_404(job_id)
    if job.finished:
        return see_other(next_url(job))
    return render_template("jobs/view.html", job=job, refresh=2)
