"""The Berita Acara as a PDF (fpdf2, with the bundled DejaVu fonts so Indonesian text, “quotes”
and the Rupiah sign print everywhere).

Layout rules a village can sign:
- the letterhead and number on the first page, the content code only in every page's footer;
- the agreed activities (nine columns) on landscape pages of their own; a short table moves to
  the next page whole rather than leave a row or two behind;
- no word broken inside: each table column is at least as wide as its longest word (fpdf2
  breaks a word that does not fit letter by letter), the rest of the width shared by weight,
  and the type a little smaller when a table cannot fit otherwise;
- the closing sentence, place and date and the one signature block stay together: they move
  to a new page whole rather than leave a signature alone on a page.
"""
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
CELL_PADDING = 1.0          # mm, each side of a table cell
SIGNATURE_ROW = 34.0        # mm: role (up to two lines), room to sign, the name


class _Document(FPDF):
    def __init__(self, footer_text: str, page_words: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.page_words = page_words
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 15, 18)
        self.set_auto_page_break(True, margin=20)

    def footer(self):
        self.set_y(-15)
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font(FONT, "", 6.5)
        self.set_text_color(70, 70, 70)
        page = self.page_words % {"n": self.page_no(), "m": "{nb}"}
        width = self.w - self.l_margin - self.r_margin
        self.set_xy(self.l_margin, -14)
        self.multi_cell(width - 28, 3.2, self.footer_text, align="L")
        self.set_xy(self.w - self.r_margin - 28, -14)
        self.cell(28, 3.2, page, align="R")
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)

    @property
    def usable_width(self) -> float:
        return self.w - self.l_margin - self.r_margin


def berita_acara_pdf(doc) -> bytes:
    """`doc` is a planner.documents.berita_acara.BeritaAcara."""
    pdf = _Document(doc.footer, doc.words["page"])
    pdf.alias_nb_pages()
    pdf.set_title(doc.title_text)
    pdf.set_lang("id")
    pdf.set_creator("planner")
    pdf.add_page()
    _letterhead(pdf, doc)
    pdf.set_font(FONT, "B", 11.5)
    for line in doc.title:
        pdf.multi_cell(0, 5.6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(0, 5, doc.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, doc.opening, align="L", new_x="LMARGIN", new_y="NEXT")
    for number, section in enumerate(doc.sections, start=1):
        _section(pdf, number, section)
    _closing_and_signatures(pdf, doc)
    return bytes(pdf.output())


def _letterhead(pdf, doc):
    pdf.set_font(FONT, "B", 12)
    for line in doc.letterhead:
        pdf.multi_cell(0, 5.8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 1.5
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + 1.2, pdf.w - pdf.r_margin, y + 1.2)
    pdf.set_y(y + 4)


def _paragraphs(pdf, paragraphs):
    pdf.set_font(FONT, "", 9)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 4.6, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")


def _section(pdf, number, section):
    # A wide table (the agreed activities) gets landscape pages of its own; the next section
    # goes back to portrait. A heading never ends a page: it goes with a few lines of what follows.
    if section.wide:
        pdf.add_page(orientation="L")
    elif pdf.w > pdf.h:        # still on a landscape page
        pdf.add_page(orientation="P")
    elif pdf.will_page_break(max(22, _short_table_height(section))):
        pdf.add_page()
    pdf.ln(2.5)
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(0, 6, f"{number}. {section.title}", new_x="LMARGIN", new_y="NEXT")
    _paragraphs(pdf, section.paragraphs)
    if section.headers:
        _table(pdf, section)
    _paragraphs(pdf, section.notes)


def _keep_together(cell) -> str:
    """`Rp 1.250.000` never splits between the sign and the amount (a no-break space)."""
    return str(cell).replace("Rp ", "Rp\u00a0")


def _short_table_height(section) -> float:
    """The height (mm) a short table needs with its heading, so that it moves to the next page whole
    instead of leaving a row or two behind; 0 for a table long enough to split anyway."""
    if not section.headers:
        return 0
    lines = sum(max((len(str(cell)) // 40 + 1 for cell in row), default=1)
                for row in section.rows + (section.footer or [])) + 1
    height = 10 + lines * 5.5 + 5 * len(section.paragraphs)
    return height if height < 70 else 0


def _table(pdf, section):
    rows = [[_keep_together(cell) for cell in row] for row in section.rows]
    footer_rows = [[_keep_together(cell) for cell in row] for row in section.footer or []]
    for size in (8, 7.5, 7, 6.5, 6, 5.5):
        widths = column_widths(pdf, section.headers, rows, section.widths, pdf.usable_width, size,
                               bold_rows=footer_rows)
        if widths is not None:
            break
    else:       # even 5.5 pt cannot hold the longest words side by side: share the width by weight
        size = 5.5
        total = sum(section.widths or [1] * len(section.headers))
        widths = [pdf.usable_width * w / total for w in (section.widths or [1] * len(section.headers))]
    aligns = ["RIGHT" if i in section.numeric else "LEFT" for i in range(len(section.headers))]
    heading = FontFace(emphasis="BOLD", fill_color=(230, 240, 232))
    pdf.set_font(FONT, "", size)
    with pdf.table(col_widths=widths, width=pdf.usable_width, text_align=aligns, headings_style=heading,
                   line_height=size * 0.5, padding=CELL_PADDING, v_align="TOP") as table:
        table.row(section.headers)
        for row in rows:
            table.row(row)
        for row in footer_rows:
            table.row([str(cell) for cell in row], style=FontFace(emphasis="BOLD"))
    pdf.ln(1)


def _words(text) -> list:
    """What fpdf2 never breaks inside: runs between plain spaces (a no-break space joins)."""
    return [word for word in str(text).split(" ") if word]


def column_widths(pdf, headers, rows, weights, total, size, bold_rows=()):
    """Column widths (mm) summing to `total`, each at least as wide as the widest word in it (headers and
    `bold_rows` in bold), the rest shared by `weights`; None when the longest words cannot fit side by
    side at `size`."""
    count = len(headers)
    weights = list(weights or [1] * count)
    need = []
    for index in range(count):
        pdf.set_font(FONT, "B", size)
        widest = 0.0
        for text in [headers[index]] + [row[index] for row in bold_rows]:
            for word in _words(text):
                widest = max(widest, pdf.get_string_width(word))
        pdf.set_font(FONT, "", size)
        for row in rows:
            for word in _words(row[index]):
                widest = max(widest, pdf.get_string_width(word))
        need.append(widest + 2 * CELL_PADDING + 0.6)
    if sum(need) > total:
        return None
    widths = [0.0] * count
    free = set(range(count))
    remaining = total
    while True:
        share = sum(weights[i] for i in free) or 1
        fixed = [i for i in free if remaining * weights[i] / share < need[i]]
        if not fixed:
            for i in free:
                widths[i] = remaining * weights[i] / share
            return widths
        for i in fixed:
            widths[i] = need[i]
            remaining -= need[i]
            free.discard(i)


def _closing_and_signatures(pdf, doc):
    """The closing sentence, place and date and the signature block, kept on one page together."""
    width = pdf.usable_width
    pdf.set_font(FONT, "", 9.5)
    closing_lines = len(pdf.multi_cell(0, 5, doc.closing, dry_run=True, output="LINES"))
    rows = _signature_rows(doc.signatures)
    height = 4 + closing_lines * 5 + 4 + 5 + 6 + len(rows) * SIGNATURE_ROW
    page_room = pdf.h - pdf.t_margin - pdf.b_margin
    if pdf.will_page_break(min(height, page_room)):
        pdf.add_page()
    pdf.ln(4)
    pdf.multi_cell(0, 5, doc.closing, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 5, doc.place_date, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(0, 6, doc.signatures_title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for people in rows:
        if pdf.will_page_break(SIGNATURE_ROW):
            pdf.add_page()
        _signature_row(pdf, people, width / max(2, len(people)))


def _signature_rows(people):
    """Kepala desa and ketua BPD side by side, then the representatives three to a row (a last row
    of one joins the row before it when that keeps rows at most four wide)."""
    head, rest = people[:2], people[2:]
    rows = [head] if head else []
    for start in range(0, len(rest), 3):
        rows.append(rest[start:start + 3])
    if len(rows) > 2 and len(rows[-1]) == 1:
        rows[-2] = rows[-2] + rows.pop()
    return rows


def _signature_row(pdf, people, width):
    top = pdf.get_y()
    for index, person in enumerate(people):
        x = pdf.l_margin + index * width
        pdf.set_xy(x, top)
        pdf.multi_cell(width, 4.4, person.role, align="C")
        pdf.set_xy(x, top + 25)
        pdf.multi_cell(width, 4.4, f"( {person.name or '.' * 30} )", align="C")
    pdf.set_y(top + SIGNATURE_ROW)
