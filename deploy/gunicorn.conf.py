"""gunicorn settings for a Casework web host (deploy/README.md). Read by
`gunicorn -c deploy/gunicorn.conf.py "casework:create_app()"`; each setting may be overridden by
the environment variable named beside it."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter), which bounds slow memory growth.
max_requests = 2000
max_requests_jitter = 200
# The reverse proxy in front terminates TLS and sets X-Forwarded-*; trust only it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# The access log line names no query string: search tokens and filters stay out of the logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


def on_starting(server):
    """Request counters of the last run's workers must not be added to this run's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """The objects the app made at start (models, mappers, catalogs, the court list) live as long as
    the worker: frozen, the collector's full passes no longer walk them, which otherwise cost tens
    of milliseconds to whichever request triggers one every few dozen requests."""
    import gc

    gc.freeze()
