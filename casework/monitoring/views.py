"""/healthz and /metrics: no sign-in, no personal data. /metrics answers only a request bearing
METRICS_TOKEN (and 404 when none is configured)."""

from __future__ import annotations

import hmac
import os

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess

from casework.db import db, utcnow
from casework.extensions import registry
from casework.monitoring import services

bp = Blueprint("monitoring", __name__)

# Per process; under gunicorn with PROMETHEUS_MULTIPROC_DIR set, the workers' counts are added up.
REQUESTS = Counter("casework_http_requests", "Requests answered, by status code.", ["status"])


def count_request(response: Response) -> Response:
    REQUESTS.labels(status=str(response.status_code)).inc()
    return response


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
def healthz():
    """200 when this process answers and its database does; 503 otherwise. Nothing else said."""
    if services.database_answers(db.session):
        return _no_store(jsonify(status="ok"))
    return _no_store(jsonify(status="database unavailable")), 503


def _bearer_matches() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@bp.route("/metrics")
def metrics():
    if not _bearer_matches():
        abort(404)  # as if there were nothing here
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    scrape = CollectorRegistry()
    sources = [services.scheduler_metrics, *registry(current_app).metrics]
    scrape.register(services.DatabaseCollector(db.session, sources, utcnow()))
    body = generate_latest(requests) + generate_latest(scrape)
    return _no_store(Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], content_type=CONTENT_TYPE_LATEST))
