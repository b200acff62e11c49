"""The slowest SQL of each benchmarked page, with the database's plan: where an index is
missing, the plan says so (a scan of a large table, a sort of many rows). Run against a
benchmark database after `make bench` built it:

    DATABASE_URL=sqlite:///bench/.data/national-250.sqlite3 .venv/bin/python bench/explain.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_250 \
        .venv/bin/python bench/explain.py
"""

import sys
import time

import measure  # sets Django up as the benchmark does
from django.db import connection
from django.test.utils import CaptureQueriesContext

SLOW_MS = 20


def main() -> None:
    shown = 0
    for name, (client, url) in measure.setup().pages.items():
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        timings = sorted(
            ((_time(query["sql"]), query["sql"]) for query in captured.captured_queries),
            reverse=True,
        )
        print(f"== {name}: {len(timings)} queries, slowest {timings[0][0]:.1f} ms")
        for elapsed, sql in timings[:3]:
            if elapsed < SLOW_MS:
                break
            shown += 1
            print(f"-- {elapsed:.1f} ms\n{sql[:600]}\n{_plan(sql)}\n")
    print(f"{shown} queries over {SLOW_MS} ms", file=sys.stderr)


def _time(sql: str) -> float:
    """Best of three, rows fetched (SQLite runs most of a query while its rows are read)."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return 0.0
    best = None
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return best


def _plan(sql: str) -> str:
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql)
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())


if __name__ == "__main__":
    main()
