"""reports.charts.bar_chart: every bar's text fits inside the picture."""

import re

from reports.charts import BAR_WIDTH, LABEL_WIDTH, bar_chart


def width(svg: str) -> int:
    return int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))


def test_a_short_count_keeps_the_usual_width():
    assert width(bar_chart([("Referred", 12, "12"), ("Admitted", 9, "9")], "Funnel")) == (
        LABEL_WIDTH + BAR_WIDTH + 60
    )


def test_a_long_text_after_the_longest_bar_widens_the_picture():
    text = "2.1 → 2.6 · 52 % improved"
    svg = bar_chart([("Social network", 52, text), ("Autonomy", 54, text)], "Progress")
    assert width(svg) >= LABEL_WIDTH + BAR_WIDTH + 4 + len(text) * 6
    assert text in svg
