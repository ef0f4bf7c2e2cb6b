"""gunicorn started for a benchmark as deploy/ runs it (its settings file), waited for, and signed
into over HTTP."""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.http import csrf_token_of  # noqa: E402


def start_gunicorn(app_target: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    """`app_target` as gunicorn takes it ("casework:create_app(...)"), on 127.0.0.1:`port`; `env`
    adds to this process's environment."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            app_target,
        ],
        cwd=ROOT,
        env={**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Until /healthz answers; exits the benchmark if gunicorn dies or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited before it answered")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz")


def signed_in(base: str, email: str, password: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """An opener signed in over HTTP (the CSRF token read from the sign-in page) and its cookies;
    exits the benchmark when the sign-in is refused."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/sign-in", timeout=10) as response:
        token = csrf_token_of(response.read().decode())
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    with opener.open(base + "/sign-in", data=data, timeout=10) as response:
        if response.url.rstrip("/").endswith("/sign-in"):
            sys.exit(f"Sign-in as {email} failed.")
    return opener, jar


def cookie_header(jar: http.cookiejar.CookieJar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar)
