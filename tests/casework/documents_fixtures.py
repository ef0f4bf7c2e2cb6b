"""Fixtures for the documents' tests: the app's document storage swapped, for one test, for a local
folder or a bucket on the suite's S3-compatible server, so that each test runs on both storages."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from casework.documents import files
from casework.documents.storage import LocalStorage, S3Storage, Storage
from tests.s3_server import S3Server, s3_server  # noqa: F401 - the server fixture, used below


def s3_storage(server: S3Server, bucket: str | None = None) -> S3Storage:
    return S3Storage(
        bucket or server.make_bucket(), server.endpoint_url, server.access_key, server.secret_key, server.region
    )


@pytest.fixture(params=["local", "s3"])
def store(request, app, tmp_path) -> Iterator[Storage]:
    """The storage the app keeps documents in during this test: local, then S3."""
    if request.param == "local":
        chosen: Storage = LocalStorage(tmp_path / "documents")
    else:
        chosen = s3_storage(request.getfixturevalue("s3_server"))
    original = app.extensions["casework.documents.storage"]
    files.install(app, chosen)
    yield chosen
    files.install(app, original)


def stored_keys(storage: Storage) -> set[str]:
    return {key for key, _modified in storage.stored()}


def photo_with_location() -> bytes:
    """A JPEG as a phone takes it: GPS coordinates in its EXIF."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"
    exif[0x8825] = {1: "N", 2: (41.0, 51.0, 12.5), 3: "W", 4: (87.0, 39.0, 1.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
