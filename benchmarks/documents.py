"""Upload and download a large document through gunicorn and measure the worker's memory; prints
seconds, MB/s and the worker's RSS. Not a test: nothing here asserts a timing.

    python benchmarks/documents.py [--size-mb 20] [--storage local|s3] [--database-url URL]

The app runs in a subprocess, as in production: gunicorn with deploy/gunicorn.conf.py and one worker
(`casework:create_app({...})` with an instance folder of its own). Without --database-url (or
DATABASE_URL) the database is a fresh SQLite file in a temporary folder; with one, the database is
migrated and a program of its own is added to it. `--storage s3` serves moto's S3 server on
127.0.0.1 in this process (as tests/s3_server.py does) and points DOCUMENT_STORAGE=s3 at a new
bucket. The script signs in over HTTP with the CSRF token read from the page, POSTs a PDF of
--size-mb MB (10^6 bytes; random bytes after a %PDF-1.4 header) streamed from disk in a multipart
body written in 64 KB chunks to /families/<id>/documents/new, then GETs /files/<id>/download to
disk in chunks and compares the SHA-256 of both files.

Memory: VmRSS and VmHWM of the gunicorn worker (the master's child) from /proc/<pid>/status, before
and after each request. Before each request the worker's peak is reset (`5` written to
/proc/<pid>/clear_refs, Linux 4.0+) so that VmHWM is the peak of that request alone; when the
kernel refuses, VmHWM is the peak since the worker started and the script says so. Budget: the
peak growth (VmHWM after - VmRSS before) under 50 MB for each request, whatever the file's size,
since the bytes stream through the worker rather than sit in it.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import http.cookiejar
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serving import cookie_header, signed_in, start_gunicorn, wait_for  # noqa: E402
from tests.fake_servers import free_port  # noqa: E402
from tests.http import csrf_token_of  # noqa: E402

BUDGET_MB = 50
CHUNK = 64 * 1024
MB = 1_000_000
DEFAULT_MAX_BYTES = 20 * MB  # DOCUMENT_MAX_BYTES when the environment names none


def setup(url: str | None, instance: Path) -> tuple[str, str, str, int]:
    """A migrated database with a program, a case manager and a family: (url, email, password, family id)."""
    from casework import create_app
    from casework.accounts.models import Role
    from casework.db import Database
    from casework.migrate import upgrade
    from tests.conftest import fresh_database_url
    from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data

    if url:
        upgrade(url)
    else:
        url = fresh_database_url(instance, "documents-bench")
    stamp = uuid.uuid4().hex[:8]
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SCHEDULER_ENABLED": False})
    with app.app_context():
        session = Database.state(app).sessionmaker()
        program = make_organization(session, name=f"Documents Benchmark {stamp}", timezone="America/Chicago")
        user = make_user(session, program, Role.CASE_MANAGER, email=f"documents-bench-{stamp}@example.org")
        family = make_family(session, user, member_data(given="Rosa Elena", first="Tzul", second="Cux"))
        session.commit()
        email, family_id = user.email, family.id
        session.close()
    Database.state(app).engine.dispose()
    return url, email, PASSWORD, family_id


def latest_document_id(url: str, family_id: int) -> int | None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT max(id) FROM documents WHERE family_id = :f"), {"f": family_id}
            ).scalar()
    finally:
        engine.dispose()


def start_documents_server(url: str, instance: Path, port: int, env_extra: dict[str, str]) -> subprocess.Popen:
    overrides = {"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SCHEDULER_ENABLED": False}
    return start_gunicorn(
        f"casework:create_app({overrides!r})", port, 1, {**env_extra, "SECRET_KEY": "documents-benchmark"}
    )


def worker_pid(master: int, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{master}$", status, re.M):
                return int(entry.name)
        time.sleep(0.2)
    sys.exit("no gunicorn worker found")


def memory_mb(pid: int) -> tuple[float, float]:
    """The process's VmRSS and VmHWM in MB (2^20 bytes, as ps and top count)."""
    status = Path(f"/proc/{pid}/status").read_text()

    def field(name: str) -> float:
        match = re.search(rf"^{name}:\s+(\d+) kB", status, re.M)
        return int(match.group(1)) / 1024 if match else float("nan")

    return field("VmRSS"), field("VmHWM")


def reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def signed_in_with_form(base: str, email: str, password: str, form_path: str) -> tuple[str, str]:
    """Sign in, open the upload form; the Cookie header and the form's CSRF token."""
    opener, jar = signed_in(base, email, password)
    with opener.open(base + form_path, timeout=10) as response:
        page = response.read().decode()
    return cookie_header(jar), csrf_token_of(page)


def write_pdf(path: Path, size: int) -> str:
    """A PDF header then random bytes, `size` bytes in all, written in chunks; its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        handle.write(head)
        digest.update(head)
        left = size - len(head)
        while left > 0:
            chunk = os.urandom(min(CHUNK * 16, left))
            handle.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def upload(base: str, path: str, cookie: str, fields: dict[str, str], file: Path) -> tuple[int, str, str]:
    """POST the form with the file streamed from disk; (status, Location, body's start)."""
    boundary = "----casework-bench-" + uuid.uuid4().hex
    preamble = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    preamble += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file.name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    epilogue = f"\r\n--{boundary}--\r\n".encode()
    length = len(preamble) + file.stat().st_size + len(epilogue)
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(length))
        connection.putheader("Cookie", cookie)
        connection.endheaders()
        connection.send(preamble)
        with file.open("rb") as source:
            while chunk := source.read(CHUNK):
                connection.send(chunk)
        connection.send(epilogue)
        response = connection.getresponse()
        body = response.read()
        return response.status, response.getheader("Location") or "", body[:4000].decode(errors="replace")
    finally:
        connection.close()


def download(base: str, path: str, cookie: str, target: Path) -> tuple[int, str, int]:
    """GET to disk in chunks; (status, SHA-256, bytes)."""
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    digest = hashlib.sha256()
    size = 0
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        with target.open("wb") as handle:
            while chunk := response.read(CHUNK):
                handle.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        return response.status, digest.hexdigest(), size
    finally:
        connection.close()


def s3_environment(stack: list) -> dict[str, str]:
    """moto's S3 server on 127.0.0.1 in this process, a new bucket, and the settings that name it."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs each request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    stack.append(server.stop)
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = f"casework-bench-{uuid.uuid4().hex[:12]}"
    boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    return {
        "DOCUMENT_STORAGE": "s3",
        "DOCUMENT_S3_BUCKET": bucket,
        "DOCUMENT_S3_ENDPOINT": endpoint,
        "DOCUMENT_S3_ACCESS_KEY": "testing",
        "DOCUMENT_S3_SECRET_KEY": "testing",
        "DOCUMENT_S3_REGION": "us-east-1",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20, help="the PDF's size in MB of 10^6 bytes (default 20)")
    parser.add_argument("--storage", choices=("local", "s3"), default="local")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    size = int(args.size_mb * MB)
    max_bytes = int(os.environ.get("DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    cleanup: list = []
    with tempfile.TemporaryDirectory(prefix="casework-documents-bench-") as folder:
        work = Path(folder)
        instance = work / "instance"
        instance.mkdir()
        env_extra = {"DOCUMENT_STORAGE": "local", "DOCUMENT_DIR": str(work / "stored")}
        if size > max_bytes:  # the app would refuse the file: raise its limit for this run
            max_bytes = size
            env_extra["DOCUMENT_MAX_BYTES"] = str(size)
        try:
            if args.storage == "s3":
                env_extra.update(s3_environment(cleanup))
            url, email, password, family_id = setup(args.database_url, instance)
            source = work / "large-scan.pdf"
            sent_sha = write_pdf(source, size)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_documents_server(url, instance, port, env_extra)
            cleanup.append(lambda: (server.send_signal(signal.SIGTERM), server.wait(timeout=30)))
            wait_for(base, server)
            worker = worker_pid(server.pid)
            form_path = f"/families/{family_id}/documents/new"
            cookie, token = signed_in_with_form(base, email, password, form_path)
            fields = {
                "csrf_token": token,
                "document_type": "work_permit",
                "attached": f"family:{family_id}",
                "member_id": "0",
                "document_date": "",
                "expires_on": "",
            }

            peaks_reset = reset_peak(worker)
            up_before, _ = memory_mb(worker)
            started = time.perf_counter()
            status, location, body = upload(base, form_path, cookie, fields, source)
            up_seconds = time.perf_counter() - started
            up_after, up_peak = memory_mb(worker)
            if status != 302 or f"/families/{family_id}" not in location:
                errors = re.findall(r'<p class="error"[^>]*>(.*?)</p>', body, re.S)
                sys.exit(f"The upload was not kept: HTTP {status} {location} {' '.join(errors)}")
            document_id = latest_document_id(url, family_id)

            reset_peak(worker)
            down_before, _ = memory_mb(worker)
            started = time.perf_counter()
            status, received_sha, received = download(base, f"/files/{document_id}/download", cookie, work / "back.pdf")
            down_seconds = time.perf_counter() - started
            down_after, down_peak = memory_mb(worker)
            if status != 200:
                sys.exit(f"The download answered HTTP {status}")
        finally:
            for stop in reversed(cleanup):
                stop()

    print(
        f"documents through gunicorn (1 worker, gthread), storage {args.storage}, "
        f"{'SQLite in a temporary folder' if not args.database_url else 'the given database'}; "
        f"file {size / MB:.1f} MB ({size:,} bytes), DOCUMENT_MAX_BYTES {max_bytes:,}"
    )
    print(f"{'':<10} {'seconds':>8} {'MB/s':>7} {'RSS before':>11} {'RSS after':>10} {'peak':>7} {'growth':>7}")
    worst = 0.0
    for label, seconds, before, after, peak in (
        ("upload", up_seconds, up_before, up_after, up_peak),
        ("download", down_seconds, down_before, down_after, down_peak),
    ):
        growth = peak - before
        worst = max(worst, growth)
        flag = "" if growth < BUDGET_MB else "  over budget"
        print(
            f"{label:<10} {seconds:>8.2f} {size / MB / seconds:>7.1f} {before:>8.1f} MB {after:>7.1f} MB "
            f"{peak:>4.1f} MB {growth:>4.1f} MB{flag}"
        )
    same = received_sha == sent_sha and received == size
    print(f"sha256 {'identical' if same else 'DIFFERENT'} ({received:,} bytes back)")
    print(
        f"worker memory in MB of 2^20 bytes; peak: VmHWM "
        f"{'of the request alone (reset before it)' if peaks_reset else 'since the worker started (reset refused)'}; "
        f"growth: peak - RSS before; budget under {BUDGET_MB} MB growth: "
        f"{'within' if worst < BUDGET_MB else 'over'} (worst {worst:.1f} MB, {worst / (size / 2**20):.2f}x the file)"
    )


if __name__ == "__main__":
    main()
