"""Writing tables as CSV (UTF-8 with BOM, `;`, as Excel in Indonesian expects) and XLSX, with
text that a spreadsheet would run as a formula neutralised (CSV injection).

A table may carry title lines (written above its header: what it is, for which region and
period) and a totals row (written last, in bold). Its rows may be any iterable, so a large
table can be streamed: `iter_csv` yields the CSV a line at a time, and `xlsx_file` writes the
workbook to a temporary file (openpyxl's write-only mode keeps only the current row in memory)
that the view sends in chunks. This is the one table writer: the recap, the commitment's
files, the audit trail and the village's proposal sheet (`services/proposal_sheet.py`, with
its coloured headers, notes and drop-downs) all write through it.
"""
import csv
import io
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

RUPIAH_FORMAT = '"Rp" #,##0'
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
# Dates and times are written as Jakarta wall-clock values (formatting.spreadsheet_datetime).
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "E6F4EA"
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass
class Table:
    title: str
    headers: list
    rows: list
    formats: dict = field(default_factory=dict)    # column index -> number format
    widths: dict = field(default_factory=dict)     # column index -> width
    title_lines: list = field(default_factory=list)   # lines written above the header
    totals: list | None = None                         # a last row, in bold
    header_fills: dict = field(default_factory=dict)   # column index -> header colour (else HEADER_FILL)
    header_notes: dict = field(default_factory=dict)   # column index -> a note on the header cell (XLSX)
    dropdowns: dict = field(default_factory=dict)      # column index -> allowed values, offered in XLSX
    dropdown_rows: int = 1000                          # rows below the header the drop-downs cover at least


def neutralise(text: str) -> str:
    """Prefix `'` to text a spreadsheet would run as a formula (and to text already starting with `'`)."""
    if text and (text[0] in FORMULA_STARTS or text[0] == "'"):
        return "'" + text
    return text


def plain_decimal(value: float) -> str:
    """A float written in full without exponent, exactly as Python reads it back: 4e-05 → `0.00004`."""
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return plain_decimal(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(table: Table) -> bytes:
    return b"".join(iter_csv(table))


def iter_csv(table: Table, chunk_rows: int = 500):
    """The table as CSV bytes, a few hundred rows at a time (the first chunk starts with the BOM)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for line in table.title_lines:
        writer.writerow([neutralise(str(line))])
    if table.title_lines:
        writer.writerow([])
    writer.writerow([neutralise(str(h)) for h in table.headers])
    first, count = True, 0

    def flush():
        nonlocal first
        text = out.getvalue()
        out.seek(0)
        out.truncate(0)
        data = text.encode("utf-8-sig" if first else "utf-8")
        first = False
        return data

    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
        count += 1
        if count % chunk_rows == 0:
            yield flush()
    if table.totals is not None:
        writer.writerow([_csv_cell(cell) for cell in table.totals])
    yield flush()


def write_xlsx(tables: list) -> bytes:
    """One sheet per table: bold frozen header, widths, Rupiah/count/share formats; text never a formula."""
    handle = xlsx_file(tables)
    return handle.read()


def xlsx_file(tables) -> tempfile.SpooledTemporaryFile:
    """The workbook (one sheet per table, as `write_xlsx`) in a temporary file, rewound for reading:
    large workbooks go to disk, not memory."""
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    _write_book(tables, handle)
    handle.seek(0)
    return handle


def _write_book(tables, target):
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    title_font = Font(bold=True, size=13)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        offset = len(table.title_lines) + (1 if table.title_lines else 0)
        sheet.freeze_panes = f"A{offset + 2}"
        for index, header in enumerate(table.headers):
            width = table.widths.get(index) or max(10, min(45, len(str(header)) + 4))
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        for number, line in enumerate(table.title_lines):
            cell = WriteOnlyCell(sheet, value=neutralise(str(line)))
            cell.data_type = "s"
            if number == 0:
                cell.font = title_font
            sheet.append([cell])
        if table.title_lines:
            sheet.append([])
        header_cells = []
        for index, header in enumerate(table.headers):
            cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor=table.header_fills.get(index, HEADER_FILL))
            if index in table.header_notes:
                cell.comment = Comment(str(table.header_notes[index]), "planner")
            header_cells.append(cell)
        sheet.append(header_cells)
        count = 0
        for row in table.rows:
            sheet.append(_cells(sheet, table, row, WriteOnlyCell))
            count += 1
        if table.totals is not None:
            cells = _cells(sheet, table, table.totals, WriteOnlyCell)
            for cell in cells:
                cell.font = bold
            sheet.append(cells)
        first = offset + 2
        last = offset + 1 + max(count, 1, table.dropdown_rows)
        for index, allowed in table.dropdowns.items():
            validation = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"',
                                        allow_blank=True, showErrorMessage=False)
            letter = get_column_letter(index + 1)
            validation.add(f"{letter}{first}:{letter}{last}")
            sheet.data_validations.append(validation)
    book.save(target)


def _cells(sheet, table, row, cell_class) -> list:
    cells = []
    for index, value in enumerate(row):
        if isinstance(value, str):
            value = neutralise(value)
        cell = cell_class(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        elif isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif index in table.formats and value is not None:
            cell.number_format = table.formats[index]
        cells.append(cell)
    return cells
