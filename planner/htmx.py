"""Everything the app knows about htmx request and response headers lives here."""
from flask import make_response, redirect, request


def is_htmx() -> bool:
    """True when htmx sent the request (it wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"


def add_vary(response):
    """Responses differ for htmx and plain requests: tell caches so."""
    response.vary.add("HX-Request")
    return response


def see_other(url):
    """Redirect after a non-GET: 303 for plain forms, HX-Redirect for htmx (it cannot see 3xx)."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
