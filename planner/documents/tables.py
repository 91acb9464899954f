"""Writing tables as CSV (UTF-8 with BOM, `;`, as Excel in Indonesian expects) and XLSX, with
text that a spreadsheet would run as a formula neutralised (CSV injection)."""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from ..services.proposal_sheet import neutralise, plain_decimal

RUPIAH_FORMAT = '"Rp" #,##0'
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
# Dates and times are written as Jakarta wall-clock values (formatting.spreadsheet_datetime).
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


@dataclass
class Table:
    title: str
    headers: list
    rows: list
    formats: dict = field(default_factory=dict)    # column index -> number format
    widths: dict = field(default_factory=dict)     # column index -> width


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
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(tables: list) -> bytes:
    """One sheet per table: bold frozen header, widths, Rupiah/count/share formats; text never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E6F4EA")
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers):
            width = table.widths.get(index) or max(10, min(45, len(str(header)) + 4))
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        header_cells = []
        for header in table.headers:
            cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
            cell.font, cell.fill = bold, fill
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in table.rows:
            cells = []
            for index, value in enumerate(row):
                if isinstance(value, str):
                    value = neutralise(value)
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                elif isinstance(value, datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, date):
                    cell.number_format = DATE_FORMAT
                elif index in table.formats and value is not None:
                    cell.number_format = table.formats[index]
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
