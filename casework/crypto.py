"""Identifiers encrypted in the application (AES-GCM) and found again through a keyed blind index.

A raw dump of the database shows neither A-numbers nor anything that reveals them: the column
holds `key-id:base64(nonce + ciphertext + tag)`, and search goes through HMAC-SHA256 of the
normalized value under a separate key. Keys come from settings; the first encryption key is the
current one, the others only decrypt until `casework keys rotate` has re-encrypted every row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app, has_app_context
from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator

NONCE_BYTES = 12


class FieldKeys:
    def __init__(self, encryption_keys: list[tuple[str, bytes]], index_key: bytes) -> None:
        if not encryption_keys:
            raise ValueError("at least one encryption key is needed")
        for key_id, key in encryption_keys:
            if ":" in key_id or len(key) != 32:
                raise ValueError(f"encryption key {key_id!r} must be 32 bytes with an id without ':'")
        self.current_id, _current = encryption_keys[0]
        self._ciphers = {key_id: AESGCM(key) for key_id, key in encryption_keys}
        self._current = self._ciphers[self.current_id]
        self._index_key = index_key

    def encrypt(self, plaintext: str, context: bytes) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._current.encrypt(nonce, plaintext.encode(), context)
        return f"{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, context: bytes) -> str:
        key_id, _, payload = stored.partition(":")
        if not payload:
            return stored  # written before encryption existed; `casework keys rotate` seals it
        raw = base64.urlsafe_b64decode(payload)
        return self._ciphers[key_id].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context).decode()

    def key_id_of(self, stored: str) -> str | None:
        key_id, _, payload = stored.partition(":")
        return key_id if payload else None

    def blind_index(self, normalized: str) -> str:
        return hmac.new(self._index_key, normalized.encode(), hashlib.sha256).hexdigest()


def _decode_key(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def load_field_keys(instance_path: Path, production: bool, encryption: str | None, index: str | None) -> FieldKeys:
    """From FIELD_ENCRYPTION_KEYS ("id:base64key,id:base64key", current first) and BLIND_INDEX_KEY;
    outside production, keys generated once into instance/field_keys.json when those are unset."""
    if not (encryption and index):
        if production:
            raise RuntimeError("set FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY in production")
        stored = _instance_keys(instance_path)
        encryption = encryption or stored["encryption"]
        index = index or stored["index"]
    pairs = []
    for item in encryption.split(","):
        key_id, _, key = item.strip().partition(":")
        pairs.append((key_id, _decode_key(key)))
    return FieldKeys(pairs, _decode_key(index))


def _instance_keys(instance_path: Path) -> dict[str, str]:
    path = instance_path / "field_keys.json"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"encryption": f"k1:{_new_key()}", "index": _new_key()}))
        path.chmod(0o600)
    return json.loads(path.read_text())


_process_keys: FieldKeys | None = None


def install(app: Flask, keys: FieldKeys) -> None:
    """The app's keys; also the process's, for work outside an app context (one app per process)."""
    global _process_keys
    app.extensions["casework.field_keys"] = keys
    _process_keys = keys


def field_keys() -> FieldKeys:
    if has_app_context():
        return current_app.extensions["casework.field_keys"]
    if _process_keys is None:
        raise RuntimeError("no field encryption keys: create the app first")
    return _process_keys


class EncryptedString(TypeDecorator):
    """A string column stored encrypted under the app's current key; `context` binds the
    ciphertext to its column so that it cannot be moved to another one."""

    impl = String(200)
    cache_ok = True

    def __init__(self, context: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else field_keys().encrypt(value, self.context.encode())

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else field_keys().decrypt(value, self.context.encode())


class EncryptedText(EncryptedString):
    """An EncryptedString without a length, for longer values (a file name, a row of cells)."""

    impl = Text()
    cache_ok = True


# Files: envelope encryption. Each file has its own random key; the key is kept wrapped by the
# current field key, so rotating field keys re-wraps keys without rewriting files. The file is
# sealed in chunks (AES-GCM each, the chunk's number and whether it is the last in its nonce), so
# that files stream through in bounded memory and a truncated or reordered file does not open.
FILE_CHUNK = 64 * 1024
_TAG = 16
_PREFIX = 7


def _chunk_nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def seal_file(source: BinaryIO, target: BinaryIO, context: str) -> str:
    """Write `source` sealed to `target`; returns the file key, wrapped, to store beside it."""
    key = AESGCM.generate_key(bit_length=256)
    cipher = AESGCM(key)
    prefix = secrets.token_bytes(_PREFIX)
    target.write(prefix)
    index, chunk = 0, source.read(FILE_CHUNK)
    while True:
        following = source.read(FILE_CHUNK)
        target.write(cipher.encrypt(_chunk_nonce(prefix, index, not following), chunk, context.encode()))
        if not following:
            break
        index, chunk = index + 1, following
    return field_keys().encrypt(base64.urlsafe_b64encode(key).decode(), b"file-key:" + context.encode())


def open_file(source: BinaryIO, target: BinaryIO, wrapped_key: str, context: str) -> None:
    """Write the plain content of a file `seal_file` sealed; InvalidTag if it was altered."""
    for chunk in opened_chunks(source, wrapped_key, context):
        target.write(chunk)


def opened_chunks(source: BinaryIO, wrapped_key: str, context: str) -> Iterator[bytes]:
    """The plain content of a sealed file, chunk by chunk (a download streams it); InvalidTag if it
    was altered, before the altered chunk is given out."""
    key = base64.urlsafe_b64decode(field_keys().decrypt(wrapped_key, b"file-key:" + context.encode()))
    cipher = AESGCM(key)
    prefix = source.read(_PREFIX)
    index, chunk = 0, source.read(FILE_CHUNK + _TAG)
    while True:
        following = source.read(FILE_CHUNK + _TAG)
        yield cipher.decrypt(_chunk_nonce(prefix, index, not following), chunk, context.encode())
        if not following:
            break
        index, chunk = index + 1, following


def rewrap_file_key(wrapped_key: str, context: str) -> str:
    """The same file key wrapped by the current field key (for `casework keys rotate`)."""
    purpose = b"file-key:" + context.encode()
    keys = field_keys()
    return keys.encrypt(keys.decrypt(wrapped_key, purpose), purpose)
