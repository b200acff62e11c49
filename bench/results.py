"""Benchmark results as data: each page's query budget, the file `make bench` writes per
database and scale (`bench/results/<database>-<scale>.json`), and the one-line-per-page
comparison with the previous file of the same database and scale.

Kept free of Django so that the runner and the tests can read it without a database."""

import datetime
import json
import os
from pathlib import Path

FORMAT = "parcours-bench/1"
RESULTS = Path(__file__).resolve().parent / "results"

# The most SQL queries each page may run, whatever the size of the data: the one place the
# budgets are stated. `make bench --check` (and CI at scale 5) fails when a page goes over or
# does not answer. Pages and API lists stay within 15 (issue 7); each budget is what the page
# costs today, so that any added query shows. The participant record PDF is a download, not a
# page: one query per section of the record, the same for any size of record. The participant
# file and the dashboard are back at 15 (issue 18): the file's co-coaches and module plan read
# with the enrolments, its languages with the person; the dashboard's caseloads in one query,
# its planned-vs-delivered hours with the groups, its phase overruns' rows with the
# memberships, and the programme select read with the list of programmes.
QUERY_BUDGETS = {
    "coach's agenda": 3,
    "session attendance page": 9,
    "participant file": 15,
    "caseload search": 7,
    "caseload (manager, whole organisation)": 7,
    "manager dashboard": 15,
    "manager dashboard (whole organisation, this year)": 15,
    "funder report HTML (one programme, a year)": 15,
    "portal home": 15,
    "API /api/participants/": 3,
    "API /api/enrolments/": 4,
    "API /api/sessions/": 4,
    "API /api/attendance/": 3,
    "API /api/evaluations/": 4,
    "API /api/placements/": 3,
    "API /api/referrals/": 3,
    "API /api/follow-up-calls/": 3,
    "API /api/language-assessments/": 3,
    "API /api/groups/": 4,
    "funder report PDF": 3,
    "participant record PDF (longest)": 29,
    "participant record PDF (about twenty pages)": 29,
}
PAGE_CAP = 15
# A page is marked as slower than before past both bounds: a quarter more time, and 10 ms
# (below that, the difference between two runs on a shared machine is noise).
SLOWER_RATIO = 1.25
SLOWER_MS = 10.0


def path_for(database: str, scale: int, directory: Path = RESULTS) -> Path:
    return directory / f"{database}-{scale}.json"


def document(*, database: str, scale: int, measured: dict, build: dict, commit: str = "") -> dict:
    """The file's content from one database's measurement (bench/measure.py's output, with
    the load test's figures under `load` when it ran)."""
    pages = {}
    for name, page in measured["pages"].items():
        pages[name] = {
            key: page.get(key) for key in ("status", "queries", "p50_ms", "p95_ms", "bytes")
        }
        if page.get("pages") is not None:
            pages[name]["pdf_pages"] = page["pages"]
        pages[name]["query_budget"] = QUERY_BUDGETS.get(name)
    floor = measured.get("funder_floor_ms")
    return {
        "format": FORMAT,
        "database": database,
        "scale": scale,
        "measured_at": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "commit": commit,
        # A busy machine makes every time longer: the load average before and after says so.
        "machine": {"cpus": os.cpu_count(), "load_average": measured.get("load_average")},
        "build_seconds": build.get("load_seconds"),
        "counts": measured.get("counts", {}),
        "pages": pages,
        "floors": {
            "funder report HTML (one programme, a year)": {
                "floor_ms": floor,
                "ratio": measured.get("funder_ratio"),
            }
        }
        if floor
        else {},
        "throughput": measured.get("load"),
    }


def over_budget(result: dict) -> list[str]:
    """Each page that did not answer 200, has no budget, or ran more queries than its budget."""
    problems = []
    for name, page in result["pages"].items():
        budget = QUERY_BUDGETS.get(name)
        if page.get("status") != 200:
            problems.append(f"{name}: answered {page.get('status')}")
        elif budget is None:
            problems.append(f"{name}: no query budget in bench/results.py")
        elif page["queries"] > budget:
            problems.append(f"{name}: {page['queries']} queries, budget {budget}")
    return problems


def compare(before: dict, after: dict) -> list[str]:
    """One line per page: p95 and queries before → after, with ▲ where it got worse (more
    queries, or slower past SLOWER_RATIO and SLOWER_MS) and ▼ where it got clearly faster."""
    lines = []
    width = max((len(name) for name in after["pages"]), default=0)
    for name, page in after["pages"].items():
        old = before.get("pages", {}).get(name)
        if old is None:
            lines.append(f"  {name:<{width}}  new: p95 {page['p95_ms']} ms, {page['queries']} q")
            continue
        marker = _marker(old, page)
        lines.append(
            f"{marker} {name:<{width}}  p95 {old['p95_ms']} → {page['p95_ms']} ms"
            f"{_change(old['p95_ms'], page['p95_ms'])}, queries {old['queries']} → "
            f"{page['queries']}"
        )
    gone = sorted(set(before.get("pages", {})) - set(after["pages"]))
    lines.extend(f"  {name}: no longer measured" for name in gone)
    old_ratio = before.get("floors", {}).get("funder report HTML (one programme, a year)", {})
    new_ratio = after.get("floors", {}).get("funder report HTML (one programme, a year)", {})
    if old_ratio.get("ratio") and new_ratio.get("ratio"):
        lines.append(f"  funder report / SQL floor ×{old_ratio['ratio']} → ×{new_ratio['ratio']}")
    return lines


def _marker(old: dict, new: dict) -> str:
    if (new.get("queries") or 0) > (old.get("queries") or 0) or new.get("status") != 200:
        return "▲"
    before, after = old.get("p95_ms"), new.get("p95_ms")
    if before is None or after is None:
        return " "
    if after > before * SLOWER_RATIO and after - before > SLOWER_MS:
        return "▲"
    if before > after * SLOWER_RATIO and before - after > SLOWER_MS:
        return "▼"
    return " "


def _change(before, after) -> str:
    if not before or after is None:
        return ""
    return f" ({(after - before) / before:+.0%})"


def save(result: dict, directory: Path = RESULTS) -> tuple[Path, dict | None]:
    """Write the result; return its path and the previous result of the same database and
    scale, if there was one."""
    path = path_for(result["database"], result["scale"], directory)
    previous = json.loads(path.read_text()) if path.exists() else None
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path, previous
