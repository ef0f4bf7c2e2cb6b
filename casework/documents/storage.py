"""Where documents' bytes live: local files under the instance folder, or S3-compatible object storage.

The bytes arrive already encrypted by the caller; a storage only keeps opaque blobs under keys the
caller made with `secrets.token_hex(16)`. Files stream in and out in chunks, never whole in memory.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

CHUNK_SIZE = 64 * 1024
_KEY = re.compile(r"[0-9a-f]{32}")  # used with fullmatch: `$` alone would let a trailing newline through
_INCOMING = ".incoming"


class StorageUnavailable(Exception):
    """The storage could not be reached or written (outage, full disk, permissions)."""


class StoredFileMissing(Exception):
    """No file under that key."""


class Storage(Protocol):
    def put(self, key: str, source: BinaryIO) -> None:
        """Stream `source` to `key`, atomically: no partial file is ever visible under the key."""
        ...

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A readable binary stream of the file; StoredFileMissing if there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file; an absent key is fine."""
        ...

    def exists(self, key: str) -> bool: ...

    def stored(self) -> Iterator[tuple[str, datetime]]:
        """Every stored key with its last modification, an aware UTC datetime (for the orphan sweep)."""
        ...


def check_key(key: str) -> str:
    """The key itself if it is 32 lower-case hex characters; ValueError otherwise (no path ever)."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"not a document storage key: {key!r}")
    return key


def is_key(name: str) -> bool:
    return bool(_KEY.fullmatch(name))


# --- Local files ------------------------------------------------------------------------------


class LocalStorage:
    """Files at root/key[:2]/key; writes go through root/.incoming and are renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, source: BinaryIO) -> None:
        final = self._path(key)
        incoming = self.root / _INCOMING
        temp: str | None = None
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            incoming.mkdir(mode=0o700, exist_ok=True)
            final.parent.mkdir(mode=0o700, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=incoming, prefix=key + ".")  # mode 0o600
            with os.fdopen(fd, "wb") as target:
                shutil.copyfileobj(source, target, CHUNK_SIZE)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temp, final)
            temp = None
            _fsync_directory(final.parent)
        except OSError as exc:
            raise StorageUnavailable(f"could not store the document: {exc}") from exc
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        path = self._path(key)
        try:
            return path.open("rb")
        except FileNotFoundError as exc:
            raise StoredFileMissing(key) from exc
        except OSError as exc:
            raise StorageUnavailable(f"could not read the document: {exc}") from exc

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"could not delete the document: {exc}") from exc

    def exists(self, key: str) -> bool:
        path = self._path(key)
        try:
            return path.is_file()
        except OSError as exc:  # is_file() swallows most errors, not all
            raise StorageUnavailable(f"could not check the document: {exc}") from exc

    def stored(self) -> Iterator[tuple[str, datetime]]:
        try:
            if not self.root.is_dir():
                return
            for shard in sorted(self.root.iterdir()):
                if len(shard.name) != 2 or not shard.is_dir():  # skips .incoming
                    continue
                for path in sorted(shard.iterdir()):
                    if not is_key(path.name) or path.name[:2] != shard.name:
                        continue
                    try:
                        stat = path.stat()
                    except FileNotFoundError:  # deleted while we walked
                        continue
                    yield path.name, datetime.fromtimestamp(stat.st_mtime, tz=UTC)
        except OSError as exc:
            raise StorageUnavailable(f"could not list the documents: {exc}") from exc


def _fsync_directory(path: Path) -> None:
    """Make the rename itself durable (best effort: not every platform opens directories)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- S3-compatible object storage -------------------------------------------------------------


def _error_code(exc: Any) -> str:
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code or str(status or "")


_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


class _S3Reader(io.RawIOBase):
    """A StreamingBody as a raw stream whose failures mid-read are StorageUnavailable."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        from botocore.exceptions import BotoCoreError  # type: ignore[import-untyped]

        view = memoryview(buffer).cast("B")
        try:
            data: bytes = self._body.read(len(view))
        except (BotoCoreError, OSError) as exc:
            raise StorageUnavailable(f"could not read the document: {exc}") from exc
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._body.close()
        super().close()


class S3Storage:
    """Objects named by key in one bucket of any S3-compatible service."""

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str | None,
        *,
        connect_timeout: float = 5,
        read_timeout: float = 30,
        max_attempts: int = 3,
    ) -> None:
        import boto3  # type: ignore[import-untyped]  # optional extra: casework[s3]
        from boto3.s3.transfer import TransferConfig  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        self.bucket = bucket
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(
                retries={"max_attempts": max_attempts, "mode": "standard"},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
            ),
        )
        # Multipart above 8 MB, parts read 8 MB at a time, two in flight and two read ahead at most
        # (boto3 reads ten ahead by default: 80 MB of a large file in a web worker's memory).
        self._transfer: Any = TransferConfig(
            multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=2
        )
        self._transfer.max_in_memory_upload_chunks = 2

    @contextlib.contextmanager
    def _unavailable(self, action: str) -> Iterator[None]:
        from boto3.exceptions import Boto3Error  # type: ignore[import-untyped]
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except (ClientError, BotoCoreError, Boto3Error) as exc:
            raise StorageUnavailable(f"could not {action} the document: {exc}") from exc

    def put(self, key: str, source: BinaryIO) -> None:
        check_key(key)
        with self._unavailable("store"):
            try:
                self._client.upload_fileobj(source, self.bucket, key, Config=self._transfer)
            except OSError as exc:  # the source failed: as for local files, nothing was stored
                raise StorageUnavailable(f"could not store the document: {exc}") from exc

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        from botocore.exceptions import ClientError

        check_key(key)
        with self._unavailable("read"):
            try:
                body = self._client.get_object(Bucket=self.bucket, Key=key)["Body"]
            except ClientError as exc:
                if _error_code(exc) in _MISSING_CODES:
                    raise StoredFileMissing(key) from exc
                raise
        stream: BinaryIO = io.BufferedReader(_S3Reader(body), CHUNK_SIZE)
        return stream

    def delete(self, key: str) -> None:
        from botocore.exceptions import ClientError

        check_key(key)
        with self._unavailable("delete"):
            try:
                self._client.delete_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if _error_code(exc) not in _MISSING_CODES:
                    raise

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        check_key(key)
        with self._unavailable("check"):
            try:
                self._client.head_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if _error_code(exc) in _MISSING_CODES:
                    return False
                raise
        return True

    def stored(self) -> Iterator[tuple[str, datetime]]:
        with self._unavailable("list"):
            paginator = self._client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket):
                for item in page.get("Contents", []):
                    key = str(item["Key"])
                    if not is_key(key):
                        continue
                    modified: datetime = item["LastModified"]
                    yield key, modified.astimezone(UTC)


# --- Configuration ----------------------------------------------------------------------------


def storage_for(config: Mapping[str, Any], instance_path: Path) -> Storage:
    """DOCUMENT_STORAGE = "local" (default; root DOCUMENT_DIR or instance_path/"documents") or "s3"
    (DOCUMENT_S3_BUCKET required, DOCUMENT_S3_ENDPOINT, DOCUMENT_S3_ACCESS_KEY, DOCUMENT_S3_SECRET_KEY,
    DOCUMENT_S3_REGION optional). Anything else: ValueError naming the setting."""
    kind = config.get("DOCUMENT_STORAGE") or "local"
    if kind == "local":
        root = config.get("DOCUMENT_DIR") or Path(instance_path) / "documents"
        return LocalStorage(Path(root))
    if kind == "s3":
        bucket = config.get("DOCUMENT_S3_BUCKET")
        if not bucket:
            raise ValueError("DOCUMENT_STORAGE is 's3' but DOCUMENT_S3_BUCKET is not set")
        return S3Storage(
            bucket=str(bucket),
            endpoint_url=config.get("DOCUMENT_S3_ENDPOINT") or None,
            access_key=config.get("DOCUMENT_S3_ACCESS_KEY") or None,
            secret_key=config.get("DOCUMENT_S3_SECRET_KEY") or None,
            region=config.get("DOCUMENT_S3_REGION") or None,
        )
    raise ValueError(f"DOCUMENT_STORAGE must be 'local' or 's3', not {kind!r}")
