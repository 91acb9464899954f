"""The Berita Acara as a PDF (fpdf2, with the bundled DejaVu fonts so Indonesian text, “quotes”
and the Rupiah sign print everywhere). The hash and version are in every page's footer."""
from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent.parent / "fonts"


class _Document(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)

    def footer(self):
        self.set_y(-13)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_y(-13)
        self.cell(0, 4, _("Halaman %(n)s dari %(m)s", n=self.page_no(), m="{nb}"), align="R")
        self.set_text_color(0, 0, 0)


def berita_acara_pdf(doc) -> bytes:
    """`doc` is a planner.documents.berita_acara.BeritaAcara."""
    pdf = _Document(_("Komitmen versi %(v)s · kode isi SHA-256 %(h)s", v=doc.version, h=doc.content_hash))
    pdf.alias_nb_pages()
    pdf.set_title(doc.title)
    pdf.set_creator("planner")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 5, doc.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, doc.opening, align="L", new_x="LMARGIN", new_y="NEXT")
    for number, section in enumerate(doc.sections, start=1):
        _section(pdf, number, section)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 5, doc.closing, align="L", new_x="LMARGIN", new_y="NEXT")
    _signatures(pdf, doc)
    return bytes(pdf.output())


def _section(pdf, number, section):
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.multi_cell(0, 6, f"{number}. {section.title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    for paragraph in section.paragraphs if not section.rows else []:
        pdf.multi_cell(0, 4.8, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
    if section.rows or section.headers:
        aligns = ["RIGHT" if i in section.numeric else "LEFT" for i in range(len(section.headers))]
        heading = FontFace(emphasis="BOLD", fill_color=(230, 240, 232))
        pdf.set_font("DejaVu", "", 8)
        with pdf.table(col_widths=section.widths or None, text_align=aligns, headings_style=heading,
                       line_height=4.2, padding=1, v_align="TOP") as table:
            table.row(section.headers)
            for row in section.rows:
                table.row([str(cell) for cell in row])
            if section.footer:
                table.row([str(cell) for cell in section.footer], style=FontFace(emphasis="BOLD"))
        pdf.set_font("DejaVu", "", 9)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 4.8, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")


def _signatures(pdf, doc):
    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 9.5)
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.cell(0, 5, doc.place_date, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _signature_row(pdf, doc.signatures, width)
    if doc.participants:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.cell(0, 5, _("Wakil peserta"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9.5)
        for start in range(0, len(doc.participants), 2):
            if pdf.will_page_break(30):
                pdf.add_page()
            _signature_row(pdf, doc.participants[start:start + 2], width)


def _signature_row(pdf, people, width):
    top = pdf.get_y()
    for index, person in enumerate(people):
        x = pdf.l_margin + index * width
        pdf.set_xy(x, top)
        pdf.multi_cell(width, 5, person.role, align="C")
        pdf.set_xy(x, top + 22)
        pdf.multi_cell(width, 5, f"( {person.name or '.' * 30} )", align="C")
    pdf.set_y(top + 30)
