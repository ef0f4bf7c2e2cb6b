"""The documents' bytes: sealed on the way into the storage, opened chunk by chunk on the way out,
and deleted from the storage only once the database agrees.

The storage and the database cannot share a transaction, so the order decides what a fault leaves:
a file is stored before its row is written (a rolled-back upload deletes it again; a crash leaves a
file without a row, which the daily sweep removes), and a file is deleted only after the deletion
of its row is committed (a failed delete leaves the same kind of orphan, never a row without its file).
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from casework.crypto import opened_chunks, seal_file
from casework.documents.storage import Storage, StorageUnavailable

log = logging.getLogger(__name__)

_STORED = "casework.documents.stored"  # keys stored in this transaction: deleted if it rolls back
_DISCARDED = "casework.documents.discarded"  # keys to delete once this transaction commits


def install(app: Flask, store: Storage) -> None:
    app.extensions["casework.documents.storage"] = store


def storage() -> Storage:
    return current_app.extensions["casework.documents.storage"]


def context_of(storage_key: str) -> str:
    """What a file's seal is bound to: its own key, so that files swapped in the storage do not open."""
    return f"documents:{storage_key}"


@contextmanager
def work_folder() -> Iterator[Path]:
    """A private folder for a file between the upload and the seal, removed whatever happens."""
    root = Path(current_app.instance_path) / "documents-work"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def keep(session: Session, plain: Path, folder: Path) -> tuple[str, str]:
    """Seal the file at `plain` into the storage; returns its storage key and its wrapped file key.
    Raises StorageUnavailable (nothing kept) when the storage cannot take it."""
    key = secrets.token_hex(16)
    sealed = folder / "sealed"
    try:
        with plain.open("rb") as source, sealed.open("wb") as target:
            wrapped = seal_file(source, target, context_of(key))
    except OSError as error:  # the work folder is full or gone
        raise StorageUnavailable(str(error)) from error
    with sealed.open("rb") as source:
        storage().put(key, source)
    session.info.setdefault(_STORED, []).append((storage(), key))
    return key, wrapped


def plain_chunks(storage_key: str, wrapped_key: str) -> Iterator[bytes]:
    """The plain content, read from the storage as it is sent. The file is opened and its first
    chunk checked here, so that a missing or altered file fails before a response begins
    (StoredFileMissing, StorageUnavailable, InvalidTag)."""
    stack = ExitStack()
    source = stack.enter_context(storage().open(storage_key))
    try:
        chunks = opened_chunks(source, wrapped_key, context_of(storage_key))
        first = next(chunks)
    except BaseException:
        stack.close()
        raise

    def rest() -> Iterator[bytes]:
        with stack:
            yield first
            yield from chunks

    return rest()


def discard_after_commit(session: Session, storage_key: str) -> None:
    session.info.setdefault(_DISCARDED, []).append((storage(), storage_key))


def _delete_quietly(files: list[tuple[Storage, str]]) -> None:
    for store, key in files:
        try:
            store.delete(key)
        except StorageUnavailable:
            log.warning("a document's file is left for the orphan sweep: the storage refused its deletion")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_STORED, None)
    _delete_quietly(session.info.pop(_DISCARDED, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint undone inside a transaction that goes on
    session.info.pop(_DISCARDED, None)
    _delete_quietly(session.info.pop(_STORED, []))
