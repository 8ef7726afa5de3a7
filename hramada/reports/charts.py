"""Bar charts as server-rendered SVG: the geometry here, the markup in ``reports/_chart.html`` (a
title, a description and the table beneath, so that a screen reader and a printout lose nothing)."""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 22
GAP = 8
VALUE_SPACE = 60


@dataclass
class Bar:
    label: str
    value: object  # a number, or "<5"/"hidden" (drawn without a bar)
    y: int
    width: int
    text_x: int


@dataclass
class Chart:
    key: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    bars: list[Bar]


def bar_chart(table) -> Chart | None:
    """A horizontal bar chart of ``table``'s chart column (None when it has no chart or no rows)."""
    if table.chart_column is None or not table.rows:
        return None
    values = [row[table.chart_column] for row in table.rows]
    numbers = [v for v in values if isinstance(v, int | float)]
    top = max(numbers, default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_SPACE
    bars = []
    for i, row in enumerate(table.rows):
        value = row[table.chart_column]
        width = round(room * value / top) if isinstance(value, int | float) else 0
        bars.append(Bar(str(row[0]), value, i * (BAR_HEIGHT + GAP), width, LABEL_WIDTH + width + 6))
    shown = ", ".join(f"{b.label}: {b.value}" for b in bars)
    description = f"{table.columns[table.chart_column]} — {shown}"
    return Chart(
        key=table.key,
        title=table.title,
        description=description,
        width=WIDTH,
        height=len(bars) * (BAR_HEIGHT + GAP),
        label_width=LABEL_WIDTH,
        bars=bars,
    )
