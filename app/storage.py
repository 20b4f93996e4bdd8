"""File storage behind a small interface: a local folder by default, S3-compatible object storage
when ``S3_BUCKET`` is set.

Keys are opaque paths such as ``renders/<hash>.pdf``. Every backend keeps the same contract
(tests/app/test_storage.py runs it against both): ``put`` is atomic (a reader sees the whole
file or none), ``get`` of a missing key raises ``FileNotFoundError``, and an unreachable store
raises an infrastructure fault (:mod:`app.faults`), so the work is retried rather than failed.

Files are served through our own authorised views, which read them here and stream them; never
from a public bucket, and not by pre-signed URLs: a URL handed to the browser keeps working
for whoever holds it after the user's access ends (a removed member, a revoked share link)
and leaks through history and referrers, and our files are proofs and documents of a few MB.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

from app.faults import InfrastructureFault

_KEY = re.compile(r"^[a-z0-9_-]+(/[a-zA-Z0-9_.-]+)+$")


def checked(key: str) -> str:
    """The key, if it is one of ours (no traversal, no absolute path, no odd characters)."""
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"bad storage key {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def probe(self) -> None:
        """Raise unless the store can be read and written (for /healthz)."""


class LocalStorage:
    """A folder on this machine: the embedded default, for one machine only."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file and a killed worker leaves none.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def probe(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"storage folder {self.root} is not writable")


class S3Storage:
    """A bucket of an S3-compatible service (AWS S3, MinIO, Ceph, R2...), through boto3.

    Every web and worker machine reads what any other wrote, which a local folder cannot give.
    An S3 PUT is atomic by itself (an object appears whole or not at all). boto3 retries
    throttling and dropped connections itself (``standard`` mode); what is still failing after
    that is an infrastructure fault for our callers, except a missing key.
    """

    def __init__(self, bucket: str, client: Any, prefix: str = "") -> None:
        self.bucket = bucket
        self.client = client
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> S3Storage:
        import boto3  # only deployments that use object storage load boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(
                retries={"mode": "standard", "max_attempts": 4},
                connect_timeout=5,
                read_timeout=30,
                # Path-style addressing works with every S3-compatible server; virtual hosts need DNS.
                s3={"addressing_style": "path"},
            ),
        )
        return cls(config["S3_BUCKET"], client, config.get("S3_PREFIX", ""))

    def _object(self, key: str) -> str:
        return self.prefix + checked(key)

    def _call(self, method: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"NoSuchKey", "404", "NotFound"}:
                raise FileNotFoundError(kwargs.get("Key", "")) from exc
            raise InfrastructureFault(f"object storage refused {method} ({code})") from exc
        except BotoCoreError as exc:  # endpoint unreachable, timeouts, credentials missing
            raise InfrastructureFault(f"object storage unreachable ({type(exc).__name__})") from exc

    def put(self, key: str, data: bytes) -> None:
        self._call("put_object", Key=self._object(key), Body=data)

    def get(self, key: str) -> bytes:
        body = self._call("get_object", Key=self._object(key))["Body"]
        try:
            return body.read()
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=self._object(key))
        except FileNotFoundError:
            return False
        return True

    def probe(self) -> None:
        self._call("head_bucket")


def init_storage(app: Flask) -> None:
    config = app.config
    app.extensions["storage"] = (
        S3Storage.from_config(config) if config.get("S3_BUCKET") else LocalStorage(config["STORAGE_DIR"])
    )


def storage() -> Storage:
    return current_app.extensions["storage"]
