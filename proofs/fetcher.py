"""A WeasyPrint URL fetcher that only serves our own in-memory assets.

Proof documents show user text, so the renderer must never read a file or open a socket on
anyone's behalf: every resource a proof needs is passed in as bytes and addressed as
``asset:<name>``. Anything else (file:, http:, data:, ftp:, unknown names) is refused, and the
refusal is fatal, so a template mistake fails the render instead of silently dropping an image.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping

from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "asset"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")
_TYPES = {".png": "image/png", ".css": "text/css", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


class AssetRefused(ValueError):
    """A URL outside our own asset scheme, or an asset we do not have."""


class AssetFetcher(URLFetcher):
    """Serve ``asset:<name>`` from a fixed mapping; refuse everything else.

    WeasyPrint 70 wants an instance of :class:`URLFetcher` (it reads its error policy from the
    instance), so this subclasses it and replaces :meth:`fetch`, never reaching urllib.
    """

    def __init__(self, assets: Mapping[str, bytes], fail_on_errors: bool = True) -> None:
        super().__init__(allowed_protocols=(SCHEME,), allow_redirects=False, fail_on_errors=fail_on_errors)
        self._assets = dict(assets)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme, _, name = url.partition(":")
        if scheme.lower() != SCHEME or not _NAME.fullmatch(name) or name not in self._assets:
            self.refused.append(url[:200])
            raise AssetRefused(f"refused to fetch {url[:200]!r}: only known {SCHEME}: names are served")
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        content_type = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        headers_out = {
            "Content-Type": content_type + ("; charset=utf-8" if content_type == "text/css" else "")
        }
        return URLFetcherResponse(url, self._assets[name], headers_out)


def make_url_fetcher(assets: Mapping[str, bytes], *, fail_on_errors: bool = True) -> AssetFetcher:
    """Return a fetcher for ``HTML(..., url_fetcher=...)`` serving ``asset:<name>`` from ``assets``."""
    for name in assets:
        if not _NAME.fullmatch(name):
            raise ValueError(f"asset name {name!r} is not a plain file name")
    return AssetFetcher(assets, fail_on_errors=fail_on_errors)
