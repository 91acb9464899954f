"""Every file the app sends to be saved goes out through `send_download`: one set of headers
(an attachment with a safe file name; `security.py` adds `Cache-Control: no-store` to every
attachment), its type from the file name's extension.

Writers stay pure (documents/, services/ return bytes, a file or an iterator of bytes); the
view records the download in the audit trail where it must, then returns `send_download(...)`.
"""
import io

from flask import Response, send_file, stream_with_context

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": XLSX_MIMETYPE,
    "pdf": "application/pdf",
    "json": "application/json",
}


def send_download(body, filename: str):
    """Send `body` as the file `filename`.

    `body` is bytes or text (sent at once), a binary file object (sent in chunks, closed
    afterwards: a large workbook spooled to disk), or an iterator of bytes (streamed while the
    request's context lives: the recap CSV). Raises KeyError for an extension not in MIMETYPES.
    """
    mimetype = MIMETYPES[filename.rsplit(".", 1)[-1]]
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, bytes):
        body = io.BytesIO(body)
    if hasattr(body, "read"):
        return send_file(body, mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0)
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
