"""API authentication: a personal token (`Authorization: Bearer pln_…`, services/api_tokens.py)
or the browser session."""
from flask import request

from ..services.api_tokens import user_for_token


def user_from_header():
    """The user behind a valid, unrevoked bearer token in this request, or None."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return user_for_token(header[7:].strip())
