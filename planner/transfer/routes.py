"""Import proposals from CSV/XLSX (with a preview) and export them the same way."""
from flask import Blueprint

bp = Blueprint("transfer", __name__)
