"""Where uploaded documents' content is kept: a small interface with two stores.

- LocalStorage (the default): a folder outside the web root (DOCUMENT_FOLDER, else
  `documents/` in the instance folder, never under crm/static), created on first use,
  readable by Hearth's user only.
- S3Storage: an S3-compatible bucket (DOCUMENT_STORAGE=s3, DOCUMENT_S3_BUCKET, and
  DOCUMENT_S3_ENDPOINT for a store that is not Amazon's), through boto3, imported only
  when it is chosen; credentials come from boto3's own chain (environment, instance
  role), never from Hearth's settings.

Keys are made here, random (`secrets`), so no key says whose file it is or can be
guessed from another; nothing is read or written by a name a user typed.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Protocol

from flask import current_app

KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_key() -> str:
    return secrets.token_urlsafe(32)


class Storage(Protocol):
    def put(self, key: str, content: bytes) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in one folder, each named by its key."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError("not a storage key")
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.folder / key

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.write_bytes(content)
        path.chmod(0o600)

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket, each named by its key (under `prefix`)."""

    def __init__(self, bucket: str, client, prefix: str = "documents/"):
        self.bucket, self.client, self.prefix = bucket, client, prefix

    @classmethod
    def from_config(cls, config) -> S3Storage:
        import boto3  # only when the S3 store is chosen: an optional dependency

        client = boto3.client(
            "s3",
            endpoint_url=config.get("DOCUMENT_S3_ENDPOINT") or None,
            region_name=config.get("DOCUMENT_S3_REGION") or None,
        )
        return cls(config["DOCUMENT_S3_BUCKET"], client, config.get("DOCUMENT_S3_PREFIX", ""))

    def _name(self, key: str) -> str:
        if not KEY.fullmatch(key):
            raise ValueError("not a storage key")
        return self.prefix + key

    def put(self, key: str, content: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._name(key), Body=content, ServerSideEncryption="AES256"
        )

    def get(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except Exception as error:  # botocore's NoSuchKey is a ClientError subclass
            if _missing(error):
                return None
            raise
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def _missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}


def document_storage() -> Storage:
    """The store the configuration names (local disk unless DOCUMENT_STORAGE=s3)."""
    config = current_app.config
    if config.get("DOCUMENT_STORAGE") == "s3":
        return S3Storage.from_config(config)
    folder = config.get("DOCUMENT_FOLDER")
    return LocalStorage(Path(folder) if folder else Path(current_app.instance_path) / "documents")
