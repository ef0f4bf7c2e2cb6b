"""The main pages through gunicorn (2 workers, deploy/gunicorn.conf.py) under an HTTP load tool,
each as a ratio to the minimal page served by the same gunicorn in the same run; prints requests
per second, p50 and p99, and the workers' memory after the run. Not a test.

    apt-get install apache2-utils          # ab, the load tool
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/casework_bench casework seed --families 100000
    DATABASE_URL=... python benchmarks/http_pages.py [--requests 400] [--concurrency 4]

(Issue 17 names it benchmarks/http.py; a file of that name in this folder would stand in for the
standard library's http package in every script here.)

The pages and the account are benchmarks/pages.py's (the seeded program's case manager). Budget
(issue 17): every page within 3 times the minimal page; workers under 200 MB each after the run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pages import BUDGET, build_app, sample_queries  # noqa: E402
from benchmarks.serving import cookie_header, signed_in, start_gunicorn, wait_for  # noqa: E402
from casework.demo.seed import MANAGER_EMAIL, PASSWORD  # noqa: E402
from casework.families.services import search_token  # noqa: E402
from tests.fake_servers import free_port  # noqa: E402


def start_pages_server(url: str, port: int, workers: int) -> subprocess.Popen:
    metrics = tempfile.mkdtemp(prefix="casework-metrics-")
    return start_gunicorn(f"benchmarks.pages:build_app({url!r})", port, workers, {"PROMETHEUS_MULTIPROC_DIR": metrics})


def load(base: str, path: str, cookie: str, requests: int, concurrency: int) -> tuple[float, float, float, int]:
    """ab's requests per second, p50 and p99 in ms, and how many answers were not 200."""
    result = subprocess.run(
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-H", f"Cookie: {cookie}", base + path],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def number(pattern: str) -> float:
        match = re.search(pattern, out, re.M)
        return float(match.group(1)) if match else float("nan")

    return (
        number(r"^Requests per second:\s+([\d.]+)"),
        number(r"^\s+50%\s+(\d+)"),
        number(r"^\s+99%\s+(\d+)"),
        int(number(r"^Non-2xx responses:\s+(\d+)")) if "Non-2xx" in out else 0,
    )


def workers_rss_mb(master: int) -> list[float]:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    sizes = []
    for pid in children.split():
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--email", default=os.environ.get("BENCH_EMAIL", MANAGER_EMAIL))
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", PASSWORD))
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL to the seeded database.")
    if shutil.which("ab") is None:
        sys.exit("Install the load tool first: apt-get install apache2-utils")
    samples = sample_queries(build_app(url), args.email)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_pages_server(url, port, args.workers)
    try:
        wait_for(base, server)
        cookie = cookie_header(signed_in(base, args.email, args.password)[1])
        pages = [
            ("minimal page", "/_bench/minimal"),
            ("dashboard", "/dashboard"),
            ("family list", "/families"),
            ("search name", "/families?s=" + quote(search_token(samples["name"]))),
            ("search A-number", "/families?s=" + quote(search_token(samples["a_number"]))),
            ("family page", f"/families/{samples['family_id']}"),
            ("agenda", "/agenda"),
        ]
        results = []
        for label, path in pages:
            load(base, path, cookie, max(args.requests // 10, 10), args.concurrency)  # warm both workers
            results.append((label, *load(base, path, cookie, args.requests, args.concurrency)))
        memory = workers_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    base_rps, base_p50 = results[0][1], results[0][2]
    print(
        f"gunicorn, {args.workers} workers, ab -n {args.requests} -c {args.concurrency}, as {args.email}; "
        f"ratio: the minimal page's requests per second over the page's (budget {BUDGET:.0f}x)"
    )
    print(f"{'page':<20} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'non-200':>8}")
    worst = 0.0
    for label, rps, p50, p99, failed in results:
        ratio = base_rps / rps if rps else float("inf")
        worst = max(worst, ratio)
        flag = "" if ratio <= BUDGET else "  over budget"
        print(f"{label:<20} {rps:>8.1f} {p50:>7.0f} {p99:>7.0f} {ratio:>6.2f} {failed:>8}{flag}")
    print(
        f"minimal page p50 {base_p50:.0f} ms; workers' memory after the run: {', '.join(f'{m:.0f} MB' for m in memory)}"
    )
    sys.exit(0 if worst <= BUDGET and all(m < 200 for m in memory) else 1)


if __name__ == "__main__":
    main()
