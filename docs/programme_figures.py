"""Print each programme's outcome figures as the demo database holds them, beside the published
ones: the tables of docs/programmes/*.md.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python docs/programme_figures.py

Run it on a database filled by `manage.py load_demo_data`. The figures are computed by the
functions of tests/demo/test_fidelity.py (queries on the database, not the demo's constants),
so these pages and the fidelity test read the same thing."""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from demo import designs  # noqa: E402
from sessions.models import Group  # noqa: E402
from tests.demo import test_fidelity as fidelity  # noqa: E402


def percent(value: float) -> str:
    return f"{round(value * 100)} %"


def main() -> None:
    for code in fidelity.CODES:
        published = designs.for_code(code).published
        measured = fidelity.outcome_figures(code)
        gaps = fidelity.talk_gaps(code)
        spans = fidelity.level_spans(code)
        print(f"## {code}: {measured['exits']} trajectories ended\n")
        print("| figure | published (or assumed*) | demo |")
        print("| --- | --- | --- |")
        star = {name: "*" if name in published.assumed else "" for name in vars(published)}
        rows = [
            ("completed", percent(published.completed), percent(measured["completed"])),
            ("dropped out", percent(published.dropped_out), percent(measured["dropped_out"])),
            ("first drop-out reason", published.first_drop_out_reason,
             " or ".join(sorted(measured["reasons"]))),
            ("work-ready (of completers)", percent(published.work_ready),
             percent(measured["work_ready"])),
            ("average length (months)", f"{published.average_months:g}",
             f"{measured['average_months']:.1f}"),
        ]  # fmt: skip
        keys = ["completed", "dropped_out", "first_drop_out_reason", "work_ready", "average_months"]
        for (label, wanted, got), key in zip(rows, keys, strict=True):
            print(f"| {label} | {wanted}{star[key]} | {got} |")
        print(f"| median days between a person's talks | | {statistics.median(gaps):g} |")
        print(f"| intakes with an interpreter or mediator | | "
              f"{percent(fidelity.interpreter_share(code))} |")  # fmt: skip
        groups = Group.objects.filter(programme__code=code)
        print(f"| groups (largest level span at entry, CEFR steps) | | {groups.count()} "
              f"({max(spans.values(), default=0)}) |\n")  # fmt: skip


if __name__ == "__main__":
    main()
