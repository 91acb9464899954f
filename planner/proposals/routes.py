"""Proposals (usulan kegiatan) of a plan: add, edit inline, delete, totals, import and export."""
from flask import Blueprint

bp = Blueprint("proposals", __name__)
