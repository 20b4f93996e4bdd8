"""File storage behind a small interface: a local folder by default.

Keys are opaque paths such as ``renders/<hash>.pdf``; an S3-compatible implementation only
needs the same three methods.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

_KEY = re.compile(r"^[a-z0-9_-]+(/[a-zA-Z0-9_.-]+)+$")


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...


class LocalStorage:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key:
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key

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


def init_storage(app: Flask) -> None:
    app.extensions["storage"] = LocalStorage(app.config["STORAGE_DIR"])


def storage() -> Storage:
    return current_app.extensions["storage"]
