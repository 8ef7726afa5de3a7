"""Calendar files: organisers' texts cannot break out of their property."""

from datetime import UTC, datetime

from hramada.events import ics


def test_line_breaks_of_every_kind_stay_inside_the_property():
    """A bare carriage return is a line break to many calendar readers: it must be escaped like LF and
    CRLF, or a session title could add properties (or whole events) to a participant's calendar."""
    start = datetime(2027, 3, 22, 9, tzinfo=UTC)
    text = ics.calendar(
        [
            {
                "uid": "x1",
                "title": "Human Library\rBEGIN:VEVENT\nSUMMARY:fake\r\nLOCATION:elsewhere",
                "starts_at": start,
                "ends_at": start,
                "description": "a\x00b\x1bc\td; e, f\\g",
            }
        ],
        name="Forum\r2027",
    )
    lines = text.split("\r\n")
    assert "\r" not in "".join(lines) and "\n" not in "".join(lines)  # no break but the CRLF separators
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 1
    assert "SUMMARY:Human Library\\nBEGIN:VEVENT\\nSUMMARY:fake\\nLOCATION:elsewhere" in text.replace(
        "\r\n ", ""
    )
    assert "DESCRIPTION:abc\td\\; e\\, f\\\\g" in lines
    assert "X-WR-CALNAME:Forum\\n2027" in lines
