""""Seberapa yakin?": how sure the suggestion is, given that every effect is a range.

The optimizer re-optimises the suggestion's own plan file with every effect at its low and at its
high value and under random draws within the ranges (`optimizer.robustness`, 200 draws, seed 0,
so the same plan gives the same answer). It runs as a background job (planner.jobs) so it never
blocks anyone, and its answer is kept with the suggestion (in its result JSON, beside the budget
rises), so the page reads it without solving again.

The optimizer's answer (docs/optimizer.md):
    {"draws": n, "funded_share": {id: share}, "stays_best": share,
     "low": {"impact", "units"}, "high": {"impact", "units"}, "incomplete": bool}
"""
import time
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _

from .. import jobs, optimizer
from ..activity_names import activity_labels
from ..extensions import db
from ..models import Suggestion
from . import ServiceError
from .plan_impact import units_of

KIND = "robustness"
DRAWS = 200
SEED = 0
# Of the job's time budget, the share kept for reading the plan and storing the answer.
STORE_RESERVE = 0.05


def subject(suggestion_id: int) -> str:
    return str(suggestion_id)


def check(plan, suggestion: Suggestion) -> None:
    """Raise ServiceError unless the suggestion is the plan's and holds a plan to test."""
    if suggestion.plan_id != plan.id:
        raise ServiceError(_("Perhitungan ini bukan milik rencana ini."))
    if suggestion.status not in ("optimal", "feasible"):
        raise ServiceError(_("Tidak ada usulan alokasi yang bisa diuji: hitung dulu usulan alokasi yang memenuhi aturan."))
    if not hasattr(optimizer, "robustness"):
        raise ServiceError(_("Pengoptimal yang terpasang belum bisa menguji rentang efek."))


def compute(suggestion: Suggestion, time_budget: float | None = None, progress=None) -> dict:
    """Run the analysis on the suggestion's own plan file and keep it with the suggestion."""
    check(suggestion.plan, suggestion)

    def report(fraction, *_rest):
        if progress is not None:
            progress(min(0.99, float(fraction)), KIND)

    answer = optimizer.robustness(suggestion.plan_file, draws=DRAWS, seed=SEED, time_budget=time_budget,
                                  progress=report)
    db.session.refresh(suggestion)          # another request may have kept something meanwhile
    stored = dict(suggestion.result)
    stored["robustness"] = answer
    suggestion.result = stored              # a new dict, so the JSON column sees the change
    db.session.commit()
    return answer


@jobs.handler(KIND)
def run(job, progress) -> dict:
    """The job: args {"suggestion_id"}."""
    suggestion = db.session.get(Suggestion, job.args.get("suggestion_id"))
    if suggestion is None:
        raise ServiceError(_("Perhitungan ini tidak ada lagi."))
    budget = float(current_app.config.get("JOB_TIME_BUDGET") or 60)
    used = time.monotonic() - getattr(job, "started_monotonic", time.monotonic())
    progress(0.0, KIND)
    answer = compute(suggestion, time_budget=max(0.05, budget * (1 - STORE_RESERVE) - used), progress=progress)
    return {"suggestion_id": suggestion.id, "draws": answer.get("draws")}


@dataclass
class RobustRow:
    key: str
    label: str
    chosen: bool               # funded in the suggestion
    share: float               # share of draws in which it is in the best plan


@dataclass
class RobustView:
    draws: int
    stays_best: float | None   # share of draws in which the suggestion stays the best plan
    same_at_low: bool          # the best plan with every effect at its low value is the suggestion's
    same_at_high: bool
    low_impact: float | None
    high_impact: float | None
    incomplete: bool
    rows: list = field(default_factory=list)

    @property
    def always_best(self) -> bool:
        return self.stays_best is not None and self.stays_best >= 1 and self.same_at_low and self.same_at_high


def _funded(units: dict) -> set:
    return {key for key, n in (units or {}).items() if n}


def view(suggestion: Suggestion) -> RobustView | None:
    """The kept answer as the page shows it (None when nobody asked yet): each activity with how
    often it is in the best plan, the suggestion's activities first, the surest first."""
    answer = (suggestion.result or {}).get("robustness")
    if not answer:
        return None
    data = suggestion.plan_file
    chosen = units_of(suggestion.result["result"])
    funded = _funded(chosen)
    shares = answer.get("funded_share") or {}
    labels = activity_labels(data["proposals"])
    rows = [RobustRow(p["id"], label, p["id"] in funded, float(shares.get(p["id"], 0.0)))
            for label, p in zip(labels, data["proposals"])]
    rows.sort(key=lambda r: (not r.chosen, -r.share, r.label))
    low, high = answer.get("low") or {}, answer.get("high") or {}
    return RobustView(
        draws=int(answer.get("draws") or 0), stays_best=answer.get("stays_best"),
        same_at_low=_nonzero(low.get("units") or {}) == _nonzero(chosen),
        same_at_high=_nonzero(high.get("units") or {}) == _nonzero(chosen),
        low_impact=low.get("impact"), high_impact=high.get("impact"), incomplete=bool(answer.get("incomplete")),
        rows=rows)


def _nonzero(units: dict) -> dict:
    return {key: n for key, n in units.items() if n}
