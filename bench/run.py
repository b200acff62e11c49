"""`make bench`: build (or reuse) the national demo dataset on SQLite and on PostgreSQL, then
measure each page and API list (queries, p50/p95), the funder report against its SQL floor,
the PDF, and the throughput of the portal home and the caseload under concurrent load on
gunicorn over loopback. Prints a table; docs/benchmarks.md keeps the results.

    python bench/run.py [--scale 250] [--db sqlite,postgres] [--rebuild]
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

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
TARGET_QUERIES, TARGET_P95_MS = 15, 150


def database_url(vendor: str, scale: int) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{DATA / f'national-{scale}.sqlite3'}"
    return f"{POSTGRES}/parcours_bench_{scale}"


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def build(vendor: str, scale: int, env: dict, rebuild: bool) -> dict:
    """The dataset, cached: by its file on SQLite, by its database on PostgreSQL."""
    marker = DATA / f"national-{scale}-{vendor}.json"
    if marker.exists() and not rebuild:
        return json.loads(marker.read_text())
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DATA / f'national-{scale}.sqlite3'}{suffix}").unlink(missing_ok=True)
    else:
        name = f"parcours_bench_{scale}"
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
    built = {"load_seconds": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(built))
    return built


def load_test(env: dict, cookies: dict, seconds: float = 10, threads: int = 8) -> dict:
    """Requests per second and p95 of the portal home and the caseload, `threads` clients at
    once for `seconds`, against gunicorn (2 workers × 4 threads on this 2-core machine)."""
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
            "--workers", "2", "--threads", "4", "--log-level", "warning",
        ],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        _wait_for(PORT)
        return {
            "portal home": _hammer("/p/home/", f"sessionid={cookies['portal']}", seconds, threads),
            "caseload": _hammer(
                "/participants/", f"sessionid={cookies['coach']}", seconds, threads
            ),
        }
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


def table(results: dict) -> str:
    vendors = list(results)
    lines = [
        "| page or API list | "
        + " | ".join(f"{v} queries | {v} p50 ms | {v} p95 ms" for v in vendors)
        + " |",
        "| --- |" + " ---: |" * (3 * len(vendors)),
    ]
    names = list(next(iter(results.values()))["pages"])
    for name in names:
        cells = []
        for vendor in vendors:
            page = results[vendor]["pages"].get(name, {})
            flag = (
                " ⚠"
                if page.get("queries", 0) > TARGET_QUERIES or page.get("p95_ms", 0) > TARGET_P95_MS
                else ""
            )
            q, p50, p95 = (page.get(k, "—") for k in ("queries", "p50_ms", "p95_ms"))
            cells.append(f"{q} | {p50} | {p95}{flag}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for vendor, result in results.items():
        pdf = result["pages"].get("funder report PDF", {})
        records = [(name, page) for name, page in result["pages"].items() if "record PDF" in name]
        funder = result["pages"]["funder report HTML (one programme, a year)"]["p50_ms"]
        lines.append(
            f"{vendor}: data {result['counts']}, built in {result['build'].get('load_seconds')} s; "
            f"funder report {funder} ms "
            f"vs SQL floor {result['funder_floor_ms']} ms (×{result['funder_ratio']}); "
            f"funder PDF {pdf.get('pages')} pages in {pdf.get('p50_ms')} ms; "
            + "".join(
                f"{name}: {page.get('pages')} pages in {page.get('p50_ms')} ms; "
                for name, page in records
            )
            + f"under load: {result.get('load')}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=250)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-load-test", action="store_true")
    options = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    results = {}
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
        result = json.loads(output.stdout.strip().splitlines()[-1])
        result["build"] = built
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
            result["load"] = load_test(serve_env, result.pop("cookies"))
        results[vendor] = result
    (DATA / f"results-{options.scale}.json").write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
