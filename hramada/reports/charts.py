"""Bar charts as server-rendered SVG: the geometry here, the markup in ``reports/_chart.html`` (a
title, a description and the table beneath, so that a screen reader and a printout lose nothing).

Each bar has its label on the line above it, so the chart is narrow (``WIDTH``) and its text stays
readable when a phone scales it to the screen's width (labels beside the bars needed 640 units, and
the text shrank to 6 px on a phone)."""

from dataclasses import dataclass

WIDTH = 400
LABEL_LINE = 18  # the label's line above its bar
BAR_HEIGHT = 16
GAP = 10
VALUE_SPACE = 56  # room right of the longest bar for its value
ROW = LABEL_LINE + BAR_HEIGHT + GAP
ROOM = WIDTH - VALUE_SPACE  # the longest bar's width
TEXT_BASELINE = 13  # a 13-unit font's baseline from the top of its line


@dataclass
class Bar:
    label: str
    value: object  # a number, or "<5"/"hidden" (drawn without a bar)
    y: int  # the top of the label's line; the bar starts LABEL_LINE below
    width: int

    @property
    def label_y(self) -> int:
        return self.y + TEXT_BASELINE

    @property
    def bar_y(self) -> int:
        return self.y + LABEL_LINE

    @property
    def value_x(self) -> int:
        return self.width + 6

    @property
    def value_y(self) -> int:
        return self.bar_y + TEXT_BASELINE


@dataclass
class Chart:
    key: str
    title: str
    description: str
    bars: list[Bar]
    width: int = WIDTH
    room: int = ROOM
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * ROW


def bar_chart(table) -> Chart | None:
    """A horizontal bar chart of ``table``'s chart column (None when it has no chart or no rows)."""
    if table.chart_column is None or not table.rows:
        return None
    values = [row[table.chart_column] for row in table.rows]
    numbers = [v for v in values if isinstance(v, int | float)]
    top = max(numbers, default=0) or 1
    bars = []
    for i, row in enumerate(table.rows):
        value = row[table.chart_column]
        width = round(ROOM * value / top) if isinstance(value, int | float) else 0
        bars.append(Bar(str(row[0]), value, i * ROW, width))
    shown = ", ".join(f"{b.label}: {b.value}" for b in bars)
    description = f"{table.columns[table.chart_column]} — {shown}"
    return Chart(key=table.key, title=table.title, description=description, bars=bars)
