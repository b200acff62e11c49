"""`make bench`: build (or reuse) the national demo dataset on SQLite and on PostgreSQL, then
measure each page and API list (queries, p50/p95), the funder report against its SQL floor,
the PDF, and the throughput of the portal home and the caseload under concurrent load on
gunicorn over loopback, each against a static "hello" view served in the same run. Prints a
table, writes `bench/results/<database>-<scale>.json` and compares it with the previous file of
the same database and scale (bench/results.py); docs/benchmarks.md keeps the story.

    python bench/run.py [--scale 250] [--db sqlite,postgres] [--rebuild] [--check]

`--check` (CI, at scale 5) fails when a page does not answer or runs more queries than its
budget (bench/results.py): the query counts, not the times, which a CI machine cannot keep.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import results

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The PostgreSQL database's name; {scale} is replaced (one database per scale).
POSTGRES_DB = os.environ.get("BENCH_POSTGRES_DB", "parcours_bench_{scale}")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
TARGET_P95_MS = 150


def database_url(vendor: str, scale: int) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{DATA / f'national-{scale}.sqlite3'}"
    return f"{POSTGRES}/{POSTGRES_DB.format(scale=scale)}"


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def build(vendor: str, scale: int, env: dict, rebuild: bool) -> dict:
    """The dataset, cached: by its file on SQLite, by its database on PostgreSQL."""
    marker = DATA / f"national-{scale}-{vendor}.json"
    if vendor == "postgres" and "BENCH_POSTGRES_DB" in os.environ:
        marker = DATA / f"{POSTGRES_DB.format(scale=scale)}-{vendor}.json"
    if marker.exists() and not rebuild:
        built = json.loads(marker.read_text())
        # A database named without its scale may hold another scale's data.
        if built.get("scale", scale) == scale:
            return built
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DATA / f'national-{scale}.sqlite3'}{suffix}").unlink(missing_ok=True)
    else:
        name = POSTGRES_DB.format(scale=scale)
        admin = POSTGRES + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(
            ["psql", POSTGRES + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True
        )
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    started = time.perf_counter()
    run(
        [PYTHON, "manage.py", "load_demo_data", "--scale", str(scale)],
        {**env, "DJANGO_LOG_LEVEL": "INFO"},
    )
    built = {"load_seconds": round(time.perf_counter() - started, 1), "scale": scale}
    marker.write_text(json.dumps(built))
    return built


def load_test(env: dict, cookies: dict, seconds: float = 10) -> dict:
    """Requests per second and p50/p95 under concurrent clients against gunicorn (2 workers ×
    4 threads on this 2-core machine): the portal home with 8 clients, the dashboard with 4
    managers, a coach's caseload with 8, and a static "hello" view through the same middleware
    with the same numbers of clients, in the same run, so each page reads as a share of what
    the server gives at all (`ratio`)."""
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "bench.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
            "--workers", "2", "--threads", "4", "--log-level", "warning",
        ],
        env=env, cwd=ROOT,
    )  # fmt: skip
    pages = {
        "portal home": ("/p/home/", cookies["portal"], 8),
        "dashboard (whole organisation, this year)": ("/reports/dashboard/", cookies["manager"], 4),
        "caseload": ("/participants/", cookies["coach"], 8),
    }
    try:
        _wait_for(PORT)
        measured, hello = {}, {}
        for name, (path, session, clients) in pages.items():
            if clients not in hello:
                hello[clients] = _hammer("/bench/hello/", "", seconds, clients)
            result = _hammer(path, f"sessionid={session}", seconds, clients)
            result["clients"] = clients
            result["hello_requests_per_second"] = hello[clients]["requests_per_second"]
            result["ratio"] = (
                round(result["requests_per_second"] / hello[clients]["requests_per_second"], 4)
                if hello[clients]["requests_per_second"]
                else None
            )
            measured[name] = result
        measured["hello"] = {f"{clients} clients": value for clients, value in hello.items()}
        return measured
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def _hammer(path: str, cookie: str, seconds: float, threads: int) -> dict:
    """A bounded load: each thread loops until the time is up, on loopback only."""
    deadline = time.perf_counter() + seconds
    times, errors, lock = [], [0], threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            with lock:
                if response.status == 200:
                    times.append((time.perf_counter() - started) * 1000)
                else:
                    errors[0] += 1

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    times.sort()
    return {
        "requests_per_second": round(len(times) / seconds, 1),
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 1) if times else None,
        "errors": errors[0],
    }


def table(found: dict) -> str:
    vendors = list(found)
    lines = [
        "| page or API list | budget | "
        + " | ".join(f"{v} queries | {v} p50 ms | {v} p95 ms" for v in vendors)
        + " |",
        "| --- | ---: |" + " ---: |" * (3 * len(vendors)),
    ]
    names = list(next(iter(found.values()))["pages"])
    for name in names:
        cells = []
        for vendor in vendors:
            page = found[vendor]["pages"].get(name, {})
            budget = results.QUERY_BUDGETS.get(name)
            over = budget is None or page.get("queries", 0) > budget
            slow = "PDF" not in name and (page.get("p95_ms") or 0) > TARGET_P95_MS
            flag = " ⚠" if over or slow else ""
            q, p50, p95 = (page.get(k, "—") for k in ("queries", "p50_ms", "p95_ms"))
            cells.append(f"{q} | {p50} | {p95}{flag}")
        lines.append(
            f"| {name} | {results.QUERY_BUDGETS.get(name, '—')} | " + " | ".join(cells) + " |"
        )
    lines.append("")
    for vendor, result in found.items():
        pages = result["pages"]
        floor = result["floors"].get("funder report HTML (one programme, a year)", {})
        pdfs = "".join(
            f"{name}: {page.get('pdf_pages')} pages in {page.get('p50_ms')} ms; "
            for name, page in pages.items()
            if "PDF" in name
        )
        lines.append(
            f"{vendor}: data {result['counts']}, built in {result['build_seconds']} s; "
            f"funder report vs SQL floor {floor.get('floor_ms')} ms (×{floor.get('ratio')}); "
            f"{pdfs}load average {result['machine']['load_average']}"
        )
        for name, load in (result.get("throughput") or {}).items():
            if name != "hello":
                lines.append(
                    f"  under load, {name}: {load['requests_per_second']}/s with "
                    f"{load['clients']} clients (p95 {load['p95_ms']} ms, {load['errors']} "
                    f"errors), ×{load['ratio']} of hello's {load['hello_requests_per_second']}/s"
                )
    return "\n".join(lines)


def _commit() -> str:
    """The commit measured, with "+ changes" when tracked files differ from it."""
    try:
        described = subprocess.run(
            ["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return ""
    described = described if len(described) <= 80 else described[:79] + "…"
    return described + (" + changes" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=250)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-load-test", action="store_true")
    parser.add_argument(
        "--check", action="store_true", help="fail when a page is over its query budget"
    )
    options = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    found, problems, comparisons = {}, [], []
    for vendor in options.db.split(","):
        env = {**os.environ, "DATABASE_URL": database_url(vendor, options.scale)}
        built = build(vendor, options.scale, env, options.rebuild)
        print(f"== {vendor}: measuring", file=sys.stderr)
        output = subprocess.run(
            [PYTHON, "bench/measure.py"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        sys.stderr.write(output.stderr)
        measured = json.loads(output.stdout.strip().splitlines()[-1])
        cookies = measured.pop("cookies")
        if not options.no_load_test:
            serve_env = {
                **env,
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": "bench-only",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                # What the production check (ops/checks.py) asks for; nothing is mailed.
                "PARCOURS_ALLOW_SQLITE": "true",
                "EMAIL_URL": f"file://{DATA}/mail",
                "PARCOURS_BASE_URL": f"http://127.0.0.1:{PORT}",
            }
            measured["load"] = load_test(serve_env, cookies)
        result = results.document(
            database=vendor, scale=options.scale, measured=measured, build=built, commit=_commit()
        )
        path, previous = results.save(result)
        if previous is not None:
            against = previous.get("commit") or "the previous run"
            comparisons.append(
                f"== {vendor}, scale {options.scale}: against {against} "
                f"({previous.get('measured_at')}); ▲ worse, ▼ better"
            )
            comparisons.extend(results.compare(previous, result))
        print(f"== {vendor}: results in {path.relative_to(ROOT)}", file=sys.stderr)
        problems.extend(f"{vendor}: {problem}" for problem in results.over_budget(result))
        found[vendor] = result
    print(table(found))
    if comparisons:
        print()
        print("\n".join(comparisons))
    if problems:
        print("\nOver budget or not answering:\n  " + "\n  ".join(problems))
        if options.check:
            sys.exit(1)


if __name__ == "__main__":
    main()
