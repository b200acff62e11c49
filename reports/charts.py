"""Horizontal bar charts as inline SVG, drawn on the server so the page and the PDF show the
same picture. Hand-written rather than a charting library: one kind of chart, a few lines,
no script and no external reference in the output (WeasyPrint and a strict CSP both like it).
The numbers are always in a table beside the chart too."""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 230
BAR_WIDTH = 260
VALUE_WIDTH = 60


def bar_chart(rows: list[tuple[str, float, str]], title: str) -> SafeString:
    """rows: (label, length, text shown at the end of the bar)."""
    if not rows:
        return mark_safe("")
    longest = max(length for _label, length, _text in rows) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    # Room after the longest bar for the longest text ("2.1 → 2.6 · 52 % improved"), at
    # about 6.5 px a character of 11 px type: cut off at the edge otherwise.
    longest_text = max(len(str(text)) for _label, _length, text in rows)
    width = LABEL_WIDTH + BAR_WIDTH + max(VALUE_WIDTH, round(longest_text * 6.5) + 8)
    parts = [
        format_html(
            '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
            'viewBox="0 0 {} {}" width="{}" height="{}"><title>{}</title>',
            width,
            height,
            width,
            height,
            title,
        )
    ]
    for index, (label, length, text) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = round(BAR_WIDTH * max(length, 0) / longest, 1)
        middle = y + BAR_HEIGHT / 2 + 4
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#222">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f6690"></rect>'
                '<text x="{}" y="{}" font-size="11" fill="#222">{}</text>',
                LABEL_WIDTH - 6,
                middle,
                _shorten(label),
                LABEL_WIDTH,
                y,
                bar,
                BAR_HEIGHT,
                LABEL_WIDTH + bar + 4,
                middle,
                text,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))


def _shorten(label: str, limit: int = 34) -> str:
    """What fits left of the bars at 11 px type (38 characters ran past the picture's edge)."""
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"
