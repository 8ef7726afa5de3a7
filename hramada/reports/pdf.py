"""A donor project's report as a PDF (A4 portrait) in be, ru or en: a cover with the grant's facts,
then every table of the indicators page with its description and its bar chart, then the definitions.

The same ``indicators.report`` the page shows, so the PDF cannot disagree with it (small groups are
already "<5" or hidden). fpdf2 draws it with the Noto Sans fonts the certificates use (vendored, with
the Cyrillic letters; nothing is looked up on the system). The bars are drawn as rectangles from
``charts.bar_chart``'s geometry, scaled to the page, with the values written beside them.
"""

from collections.abc import Callable

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from hramada.programmes.certificate_pdf import FONTS

from .charts import bar_chart

MARGIN = 18
BAR_COLOUR = (40, 90, 140)


def _cell_text(value) -> str:
    return _("hidden") if value == "hidden" else str(value)


class _Pdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font("Noto", "", str(FONTS / "NotoSans-Regular.ttf"))
        self.add_font("Noto", "B", str(FONTS / "NotoSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)

    def footer(self):
        self.set_y(-12)
        self.set_font("Noto", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _cover(pdf: _Pdf, project, report):
    pdf.add_page()
    width = pdf.epw
    pdf.set_y(60)
    pdf.set_font("Noto", "", 12)
    pdf.set_text_color(*BAR_COLOUR)
    pdf.cell(width, 8, _("Report to the donor"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Noto", "B", 24)
    pdf.multi_cell(width, 11, project.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    facts = [
        (_("Lead organisation"), project.organisation.name),
        (_("Donor"), project.donor.name),
        (_("Grant reference"), project.grant_reference),
        (_("IATI activity identifier"), project.iati_identifier),
        (
            _("Dates"),
            f"{formats.date_format(project.starts_on)} – {formats.date_format(project.ends_on)}",
        ),
        (_("Countries"), ", ".join(str(c.name) for c in project.countries.all())),
        (_("Period of the figures"), str(report.period.label)),
        (_("Made on"), formats.date_format(timezone.localdate())),
    ]
    if project.budget_amount is not None:
        facts.insert(5, (_("Budget"), f"{project.budget_amount} {project.budget_currency}"))
    for label, value in facts:
        if not value:
            continue
        pdf.set_font("Noto", "B", 11)
        pdf.cell(55, 7, label)
        pdf.set_font("Noto", "", 11)
        pdf.multi_cell(width - 55, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Noto", "", 9)
    pdf.multi_cell(
        width,
        5,
        _(
            "Every figure is computed from the records; groups of 1 to 4 people are shown as “<5”, and "
            "“hidden” marks a group hidden so that a small one cannot be found by subtraction."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _chart(pdf: _Pdf, table):
    chart = bar_chart(table)
    if chart is None:
        return
    label_w, value_w, bar_h, gap = 60, 18, 5, 1.6
    room = pdf.epw - label_w - value_w
    scale = room / chart.room
    needed = len(chart.bars) * (bar_h + gap) + 4
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y() + 2
    pdf.set_font("Noto", "", 8)
    for i, bar in enumerate(chart.bars):
        y = top + i * (bar_h + gap)
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_w - 2, bar_h, pdf_label(bar.label, pdf, label_w - 2), align="R")
        w = bar.width * scale
        if w > 0:
            pdf.set_fill_color(*BAR_COLOUR)
            pdf.rect(MARGIN + label_w, y + 0.5, w, bar_h - 1, style="F")
        pdf.set_xy(MARGIN + label_w + w + 1.5, y)
        pdf.cell(value_w, bar_h, _cell_text(bar.value))
    pdf.set_y(top + needed)


def pdf_label(text: str, pdf: FPDF, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _table(pdf: _Pdf, table):
    pdf.set_font("Noto", "B", 14)
    pdf.ln(4)
    pdf.multi_cell(pdf.epw, 8, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 9)
    pdf.multi_cell(pdf.epw, 5, table.description, new_x="LMARGIN", new_y="NEXT")
    _chart(pdf, table)
    pdf.set_font("Noto", "", 9)
    first = max(0.4, 1 - 0.17 * (len(table.columns) - 1))
    rest = (1 - first) / max(1, len(table.columns) - 1)
    widths = [first] + [rest] * (len(table.columns) - 1)
    with pdf.table(
        col_widths=[round(w * 100) for w in widths],
        text_align=["LEFT"] + ["RIGHT"] * (len(table.columns) - 1),
        cell_fill_color=(240, 244, 248),
        cell_fill_mode=TableCellFillMode.ROWS,
        line_height=5.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=(214, 226, 238)),
    ) as grid:
        heading = grid.row()
        for column in table.columns:
            heading.cell(str(column))
        if not table.rows:
            grid.row().cell(_("Nothing recorded."), colspan=len(table.columns))
        for row in table.rows:
            line = grid.row()
            for value in row:
                line.cell(_cell_text(value))


def _definitions(pdf: _Pdf, report):
    pdf.add_page()
    pdf.set_font("Noto", "B", 16)
    pdf.cell(pdf.epw, 10, _("Definitions"), new_x="LMARGIN", new_y="NEXT")
    for term, definition in report.definitions:
        pdf.set_font("Noto", "B", 10)
        pdf.multi_cell(pdf.epw, 6, str(term), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Noto", "", 9)
        pdf.multi_cell(pdf.epw, 5, str(definition), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def render(project, report, *, progress: Callable[[int], None] = lambda pct: None) -> bytes:
    """The PDF of ``report`` (a donor project's indicators) in the active language. ``progress`` is
    told how far the drawing is (0-100) after each part."""
    pdf = _Pdf(footer_text=f"{project.title} — {report.period.label}")
    pdf.set_title(f"{project.title} — {_('Report to the donor')}")
    pdf.set_author(project.organisation.name)
    pdf.set_creator("Hramada")
    _cover(pdf, project, report)
    pdf.add_page()
    for i, table in enumerate(report.tables):
        _table(pdf, table)
        progress(round(100 * (i + 1) / (len(report.tables) + 1)))
    _definitions(pdf, report)
    progress(100)
    return bytes(pdf.output())
