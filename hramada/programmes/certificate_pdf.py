"""A certificate as a one-page PDF (A4 landscape) in the holder's language (be, ru or en): name,
programme, cohort, dates, issuer, the verification address and a QR code of it.

fpdf2 draws it with Noto Sans, vendored in ``fonts/`` (from the npm package
``@expo-google-fonts/noto-sans`` 0.4.2, SIL Open Font License in ``fonts/OFL.txt``): it has the
Cyrillic letters, and nothing is looked up on the system or downloaded at run time. The QR code is
drawn by segno as a PNG in memory.
"""

import io
from pathlib import Path

import segno
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from . import credentials

FONTS = Path(__file__).resolve().parent / "fonts"


def _date(value) -> str:
    return formats.date_format(value, "j E Y")


def render(certificate) -> bytes:
    """The certificate's PDF, in the language it was issued in."""
    participant = certificate.participant
    cohort = participant.cohort
    programme = cohort.programme
    url = credentials.verification_url(certificate.code)
    with translation.override(certificate.language):
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_title(_("Certificate") + f" {certificate.code}")
        pdf.set_author(str(programme.organisation))
        pdf.set_creator("Hramada")
        pdf.add_font("Noto", "", str(FONTS / "NotoSans-Regular.ttf"))
        pdf.add_font("Noto", "B", str(FONTS / "NotoSans-Bold.ttf"))
        pdf.set_auto_page_break(False)
        pdf.add_page()
        width = pdf.w - 40
        pdf.set_draw_color(40, 90, 140)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

        pdf.set_xy(20, 40)
        pdf.set_font("Noto", "B", 30)
        pdf.cell(width, 14, _("Certificate"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(20)
        pdf.set_font("Noto", "", 13)
        pdf.cell(width, 9, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(20)
        pdf.set_font("Noto", "B", 24)
        pdf.multi_cell(width, 13, participant.person.display_name, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(20)
        pdf.set_font("Noto", "", 13)
        pdf.cell(width, 9, _("has completed the programme"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(20)
        pdf.set_font("Noto", "B", 18)
        pdf.multi_cell(width, 10, programme.title, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(20)
        pdf.set_font("Noto", "", 13)
        pdf.multi_cell(
            width,
            8,
            f"{cohort.title} · {_date(cohort.starts_on)} – {_date(cohort.ends_on)}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(4)
        pdf.set_x(20)
        pdf.set_font("Noto", "", 12)
        pdf.multi_cell(
            width,
            7,
            _("Issued by %(issuer)s on %(date)s.")
            % {"issuer": programme.organisation, "date": _date(certificate.issued_at.date())},
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )

        qr = io.BytesIO()
        segno.make(url, error="m").save(qr, kind="png", scale=8, border=2)
        qr.seek(0)
        size = 38
        pdf.image(qr, x=pdf.w - 20 - size, y=pdf.h - 22 - size, w=size, h=size, link=url)
        pdf.set_xy(20, pdf.h - 38)
        pdf.set_font("Noto", "", 10)
        pdf.multi_cell(
            width - size - 6,
            6,
            _("Check this certificate at %(url)s (code %(code)s).") % {"url": url, "code": certificate.code},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return bytes(pdf.output())
