"""What the Nu HTML checker refuses, kept out of the templates. The browser tests check every page they
visit with the checker itself (e2e/htmlcheck.py); these catch the same mistakes in pages no journey
reaches, without Java."""

import datetime
import re
import zoneinfo
from pathlib import Path

from django.template import Context, Template
from django.utils import timezone

import hramada

TEMPLATES = sorted(Path(hramada.__file__).parent.glob("**/templates/**/*.html"))


def offending_lines(pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [
        f"{path.relative_to(Path(hramada.__file__).parent)}:{n}"
        for path in TEMPLATES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if regex.search(line)
    ]


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 100


def test_htmx_attributes_carry_the_data_prefix():
    """htmx reads data-hx-* as well as hx-*; only the first is valid HTML."""
    assert offending_lines(r"(?<![\w-])hx-[a-z-]+=") == []


def test_time_elements_do_not_print_microseconds():
    """date:'c' prints microseconds, which a datetime attribute may not hold: use |datetime_attr."""
    assert offending_lines(r"""datetime="\{\{[^}]*\|date:['"]c['"]""") == []


def test_table_cells_have_no_aria_roles():
    """A <table> has its roles already; the checker refuses explicit ones on its parts."""
    assert offending_lines(r"<(table|thead|tbody|tfoot|tr|th|td)\b[^>]*\brole=") == []


def test_datetime_attr_is_local_time_to_the_second(settings):
    settings.TIME_ZONE = "Europe/Minsk"
    moment = datetime.datetime(2026, 3, 22, 7, 5, 7, 123456, tzinfo=datetime.UTC)
    day = datetime.date(2026, 3, 22)
    template = Template(
        '<time datetime="{{ moment|datetime_attr }}"></time><time datetime="{{ day|datetime_attr }}">'
    )
    with timezone.override(zoneinfo.ZoneInfo("Europe/Minsk")):
        html = template.render(Context({"moment": moment, "day": day}))
    assert html == '<time datetime="2026-03-22T10:05:07+03:00"></time><time datetime="2026-03-22">'
    assert Template("{{ nothing|datetime_attr }}").render(Context({"nothing": None})) == ""


def test_paragraphs_hold_no_blocks():
    """A <form>, list or table ends a <p> where it starts, so the </p> after it closes nothing."""
    blocks = re.compile(r"<(form|div|ul|ol|table|section|h[1-6]|fieldset|dl|pre|blockquote)\b")
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for opening in re.finditer(r"<p(\s[^>]*)?>", text):
            end = text.find("</p>", opening.end())
            if end != -1 and (block := blocks.search(text, opening.end(), end)):
                found.append(f"{path.name}:{text.count(chr(10), 0, opening.start()) + 1} <{block.group(1)}>")
    assert found == []


def test_date_inputs_show_an_iso_value_in_every_language():
    """<input type="date"> takes only YYYY-MM-DD; Russian's localised "31.12.2016" would show empty."""
    import datetime

    from django.utils import translation

    from hramada.core.widgets import DateInput

    with translation.override("ru"):
        html = DateInput().render("starts_on", datetime.date(2016, 12, 31))
    assert 'type="date"' in html and 'value="2016-12-31"' in html
