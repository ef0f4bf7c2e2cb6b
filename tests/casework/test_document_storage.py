"""Documents' storages: the same behaviour from local files and from S3-compatible object storage
(moto's HTTP server on 127.0.0.1), then what is particular to each."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casework.documents.storage import (
    LocalStorage,
    S3Storage,
    Storage,
    StorageUnavailable,
    StoredFileMissing,
    storage_for,
)
from tests.fake_servers import free_port
from tests.s3_server import S3Server, s3_server  # noqa: F401

MB = 1024 * 1024


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "documents")
    server: S3Server = request.getfixturevalue("s3_server")
    return S3Storage(server.make_bucket(), server.endpoint_url, server.access_key, server.secret_key, server.region)


class ChunkedSource(io.RawIOBase):
    """A non-seekable source handing out `payload` a piece at a time, failing after `fail_after` bytes."""

    def __init__(self, payload: bytes, fail_after: int | None = None) -> None:
        self.payload = payload
        self.position = 0
        self.fail_after = fail_after
        self.reads: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads.append(size)
        if self.fail_after is not None and self.position >= self.fail_after:
            raise OSError(28, "No space left on device")
        end = len(self.payload) if size is None or size < 0 else self.position + size
        chunk = self.payload[self.position : end]
        self.position += len(chunk)
        return chunk


def sha256_of_stream(stream, chunk: int = 64 * 1024) -> tuple[str, int]:
    digest = hashlib.sha256()
    reads = 0
    while block := stream.read(chunk):
        assert len(block) <= chunk
        digest.update(block)
        reads += 1
    return digest.hexdigest(), reads


# --- Both storages ----------------------------------------------------------------------------


def test_round_trip_of_5_mb_streams(storage: Storage) -> None:
    payload = os.urandom(5 * MB)
    key = secrets.token_hex(16)
    assert not storage.exists(key)

    storage.put(key, ChunkedSource(payload))  # non-seekable, handed over piece by piece

    assert storage.exists(key)
    with storage.open(key) as stream:
        digest, reads = sha256_of_stream(stream)
    assert digest == hashlib.sha256(payload).hexdigest()
    assert reads >= 5 * MB // (64 * 1024)  # read in chunks, never whole
    assert stream.closed


def test_put_replaces_an_existing_file(storage: Storage) -> None:
    key = secrets.token_hex(16)
    storage.put(key, io.BytesIO(b"first"))
    storage.put(key, io.BytesIO(b"second"))
    with storage.open(key) as stream:
        assert stream.read() == b"second"


def test_empty_file(storage: Storage) -> None:
    key = secrets.token_hex(16)
    storage.put(key, io.BytesIO(b""))
    assert storage.exists(key)
    with storage.open(key) as stream:
        assert stream.read() == b""


def test_delete(storage: Storage) -> None:
    key = secrets.token_hex(16)
    storage.put(key, io.BytesIO(b"opaque encrypted bytes"))
    storage.delete(key)
    assert not storage.exists(key)
    with pytest.raises(StoredFileMissing):
        storage.open(key)
    storage.delete(key)  # again: fine


def test_delete_of_an_absent_key_is_fine(storage: Storage) -> None:
    storage.delete(secrets.token_hex(16))


def test_open_of_an_absent_key(storage: Storage) -> None:
    with pytest.raises(StoredFileMissing):
        storage.open(secrets.token_hex(16))


def test_keys_lists_what_was_put_with_aware_utc_times(storage: Storage) -> None:
    assert list(storage.stored()) == []
    put = {secrets.token_hex(16) for _ in range(3)}
    for key in put:
        storage.put(key, io.BytesIO(key.encode()))
    storage.delete(next(iter(put)))
    remaining = put - {next(iter(put))}

    listed = dict(storage.stored())

    assert set(listed) == remaining
    now = datetime.now(UTC)
    for modified in listed.values():
        assert modified.tzinfo is not None
        assert modified.utcoffset() == timedelta(0)
        assert now - timedelta(minutes=5) < modified <= now + timedelta(seconds=5)


@pytest.mark.parametrize("key", ["../etc", "ABC", "../" + "0" * 29, "A" * 32, "0" * 31, "0" * 33, "0" * 32 + "\n", ""])
def test_bad_keys_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        storage.put(key, io.BytesIO(b"x"))
    with pytest.raises(ValueError):
        storage.open(key)
    with pytest.raises(ValueError):
        storage.delete(key)
    with pytest.raises(ValueError):
        storage.exists(key)


# --- Local files ------------------------------------------------------------------------------


def test_local_layout_and_permissions(tmp_path: Path) -> None:
    root = tmp_path / "documents"
    storage = LocalStorage(root)
    key = secrets.token_hex(16)
    source = ChunkedSource(os.urandom(300 * 1024))

    storage.put(key, source)

    path = root / key[:2] / key
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (root, root / ".incoming", root / key[:2]):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert list((root / ".incoming").iterdir()) == []
    assert max(source.reads) <= 64 * 1024  # copied in 64 KB chunks


def test_local_put_failing_midway_leaves_nothing(tmp_path: Path) -> None:
    root = tmp_path / "documents"
    storage = LocalStorage(root)
    key = secrets.token_hex(16)

    with pytest.raises(StorageUnavailable):
        storage.put(key, ChunkedSource(os.urandom(MB), fail_after=256 * 1024))

    assert not (root / key[:2] / key).exists()
    assert list((root / ".incoming").iterdir()) == []
    assert not storage.exists(key)
    assert list(storage.stored()) == []


def test_local_failed_replacement_keeps_the_previous_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "documents")
    key = secrets.token_hex(16)
    storage.put(key, io.BytesIO(b"previous"))

    with pytest.raises(StorageUnavailable):
        storage.put(key, ChunkedSource(os.urandom(MB), fail_after=128 * 1024))

    with storage.open(key) as stream:
        assert stream.read() == b"previous"


def test_local_keys_ignore_incoming_and_strays(tmp_path: Path) -> None:
    root = tmp_path / "documents"
    storage = LocalStorage(root)
    key = secrets.token_hex(16)
    storage.put(key, io.BytesIO(b"x"))
    (root / ".incoming" / (secrets.token_hex(16) + ".tmp")).write_bytes(b"half")
    (root / key[:2] / "notes.txt").write_bytes(b"stray")
    misplaced = ("00" if key[:2] != "00" else "11") + secrets.token_hex(15)
    (root / key[:2] / misplaced).write_bytes(b"in the wrong shard")

    assert list(dict(storage.stored())) == [key]


def test_local_keys_of_a_missing_root(tmp_path: Path) -> None:
    assert list(LocalStorage(tmp_path / "nowhere").stored()) == []


# --- S3 ---------------------------------------------------------------------------------------


def test_s3_multipart_upload_round_trip(s3_server: S3Server) -> None:
    server = s3_server
    storage = S3Storage(server.make_bucket(), server.endpoint_url, server.access_key, server.secret_key, server.region)
    payload = os.urandom(17 * MB)  # above the 8 MB threshold: three parts
    key = secrets.token_hex(16)

    storage.put(key, ChunkedSource(payload))

    with storage.open(key) as stream:
        digest, _ = sha256_of_stream(stream)
    assert digest == hashlib.sha256(payload).hexdigest()


def test_s3_failed_source_stores_nothing(s3_server: S3Server) -> None:
    server = s3_server
    storage = S3Storage(server.make_bucket(), server.endpoint_url, server.access_key, server.secret_key, server.region)
    key = secrets.token_hex(16)

    with pytest.raises(StorageUnavailable):
        storage.put(key, ChunkedSource(os.urandom(MB), fail_after=256 * 1024))

    assert not storage.exists(key)


def test_s3_missing_bucket_is_unavailable(s3_server: S3Server) -> None:
    server = s3_server
    storage = S3Storage("no-such-bucket-here", server.endpoint_url, server.access_key, server.secret_key, server.region)
    with pytest.raises(StorageUnavailable):
        storage.put(secrets.token_hex(16), io.BytesIO(b"x"))
    with pytest.raises(StorageUnavailable):
        list(storage.stored())


def test_s3_keys_ignore_foreign_objects(s3_server: S3Server) -> None:
    server = s3_server
    bucket = server.make_bucket()
    server.client().put_object(Bucket=bucket, Key="backups/readme.txt", Body=b"not ours")
    storage = S3Storage(bucket, server.endpoint_url, server.access_key, server.secret_key, server.region)
    key = secrets.token_hex(16)
    storage.put(key, io.BytesIO(b"x"))

    assert list(dict(storage.stored())) == [key]


def test_s3_unreachable_is_unavailable_quickly() -> None:
    storage = S3Storage(
        "documents",
        f"http://127.0.0.1:{free_port()}",  # nobody listens there
        "testing",
        "testing",
        "us-east-1",
        connect_timeout=1,
        read_timeout=1,
        max_attempts=1,
    )
    key = secrets.token_hex(16)
    for action in (
        lambda: storage.put(key, io.BytesIO(b"x")),
        lambda: storage.open(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
        lambda: list(storage.stored()),
    ):
        started = time.monotonic()
        with pytest.raises(StorageUnavailable):
            action()
        assert time.monotonic() - started < 5


def test_s3_unreachable_with_default_retries_still_fails_in_seconds() -> None:
    storage = S3Storage("documents", f"http://127.0.0.1:{free_port()}", "testing", "testing", "us-east-1")
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        storage.open(secrets.token_hex(16))
    assert time.monotonic() - started < 10


# --- storage_for ------------------------------------------------------------------------------


def test_storage_for_local_by_default(tmp_path: Path) -> None:
    storage = storage_for({}, tmp_path)
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "documents"

    storage = storage_for({"DOCUMENT_STORAGE": "local", "DOCUMENT_DIR": str(tmp_path / "elsewhere")}, tmp_path)
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "elsewhere"


def test_storage_for_s3(s3_server: S3Server, tmp_path: Path) -> None:
    bucket = s3_server.make_bucket()
    storage = storage_for(
        {
            "DOCUMENT_STORAGE": "s3",
            "DOCUMENT_S3_BUCKET": bucket,
            "DOCUMENT_S3_ENDPOINT": s3_server.endpoint_url,
            "DOCUMENT_S3_ACCESS_KEY": s3_server.access_key,
            "DOCUMENT_S3_SECRET_KEY": s3_server.secret_key,
            "DOCUMENT_S3_REGION": s3_server.region,
        },
        tmp_path,
    )
    assert isinstance(storage, S3Storage)
    assert storage.bucket == bucket
    key = secrets.token_hex(16)
    storage.put(key, io.BytesIO(b"through the settings"))
    with storage.open(key) as stream:
        assert stream.read() == b"through the settings"


def test_storage_for_s3_needs_a_bucket(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="DOCUMENT_S3_BUCKET"):
        storage_for({"DOCUMENT_STORAGE": "s3"}, tmp_path)


def test_storage_for_unknown_value(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="DOCUMENT_STORAGE"):
        storage_for({"DOCUMENT_STORAGE": "ftp"}, tmp_path)


def test_local_root_that_is_not_a_directory_is_unavailable(tmp_path: Path) -> None:
    root = tmp_path / "documents"
    root.write_bytes(b"a file where the folder should be")
    storage = LocalStorage(root)
    with pytest.raises(StorageUnavailable):
        storage.put(secrets.token_hex(16), io.BytesIO(b"x"))
    with pytest.raises(StorageUnavailable):
        storage.open(secrets.token_hex(16))
