"""Tell the format from the bytes, never from the name.

A PDF renamed ``logo.png`` is still a PDF, and a PNG saved as ``logo.jpg`` is still a fine PNG:
the file name only makes the refusal message friendlier.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from proofs.logo.errors import ACCEPTED, LogoError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

VECTOR_ADVICE = "Please export your logo as SVG or PNG and upload that."
RASTER_ADVICE = "Please save it as PNG or JPEG and upload it again."

# (leading bytes, what the buyer is told it looks like, advice)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "a PDF", VECTOR_ADVICE),
    (b"%!PS", "an EPS or PostScript file", VECTOR_ADVICE),
    (b"\xc5\xd0\xd3\xc6", "an EPS file", VECTOR_ADVICE),
    (b"II*\x00", "a TIFF image", RASTER_ADVICE),
    (b"MM\x00*", "a TIFF image", RASTER_ADVICE),
    (b"II+\x00", "a TIFF image", RASTER_ADVICE),
    (b"MM\x00+", "a TIFF image", RASTER_ADVICE),
    (b"GIF87a", "a GIF image", RASTER_ADVICE),
    (b"GIF89a", "a GIF image", RASTER_ADVICE),
    (b"8BPS", "a Photoshop (PSD) file", RASTER_ADVICE),
    (b"BM", "a BMP image", RASTER_ADVICE),
    (b"\x00\x00\x01\x00", "an icon (ICO) file", RASTER_ADVICE),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image", RASTER_ADVICE),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 image", RASTER_ADVICE),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "a JPEG XL image", RASTER_ADVICE),
    (b"\xff\x0a", "a JPEG XL image", RASTER_ADVICE),
    (b"PK\x03\x04", "a ZIP archive or an Office document", VECTOR_ADVICE),
    (b"\xd0\xcf\x11\xe0", "an Office document", VECTOR_ADVICE),
    (b"Rar!", "a RAR archive", VECTOR_ADVICE),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", VECTOR_ADVICE),
    (b"\x1f\x8b", "a compressed file (such as SVGZ)", "Please upload the plain, uncompressed SVG."),
    (b"{\\rtf", "a text document", VECTOR_ADVICE),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

_TEXT_HEAD = 256 * 1024
# Everything allowed before the root element: XML declaration, comments, processing
# instructions and a DOCTYPE (with or without an internal subset; the parser refuses those later).
# Possessive quantifiers: "<!DOCTYPE" and a quarter megabyte of spaces must not backtrack.
_PROLOG = re.compile(
    r"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*+(?:\[[^\]]*+\])?+\s*+>)*",
    re.DOTALL | re.IGNORECASE,
)
_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_NAMED_EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".svg": "svg"}


def sniff_format(data: bytes, filename: str = "") -> str:
    """Return ``"png"``, ``"jpeg"`` or ``"svg"``, or raise :class:`LogoError` naming what it is."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(JPEG_SIGNATURE):
        return "jpeg"
    kind, advice = _binary_kind(data) or _text_kind(data)
    if kind == "svg":
        return "svg"
    raise LogoError(f"{ACCEPTED} {_looks_like(kind, filename)} {advice}")


def _looks_like(kind: str, filename: str) -> str:
    """Say what the file looks like, and point out a misleading extension."""
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if extension in _NAMED_EXTENSIONS and kind:
        return f"This file looks like {kind}, even though its name ends in {extension}."
    if kind:
        return f"This file looks like {kind}."
    return "We couldn't recognise this file as an image."


def _binary_kind(data: bytes) -> tuple[str, str] | None:
    """Name well-known non-logo formats by their magic bytes."""
    for magic, kind, advice in _SIGNATURES:
        if data.startswith(magic):
            return kind, advice
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image", RASTER_ADVICE
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in _HEIF_BRANDS:
            return "a HEIC photo (the iPhone format)", "Please export it as JPEG or PNG and upload that."
        if brand in _AVIF_BRANDS:
            return "an AVIF image", RASTER_ADVICE
        return "a video", RASTER_ADVICE
    return None


def _text_kind(data: bytes) -> tuple[str, str]:
    """Classify markup by its root element; ``("svg", "")`` means hand it to the SVG parser."""
    text = _decode_head(data[:_TEXT_HEAD])
    if text is None:
        return "", RASTER_ADVICE
    prolog = _PROLOG.match(text)
    root = _ROOT.match(text, prolog.end() if prolog else 0)
    name = root.group(1).lower() if root else ""
    if name == "svg" or (not name and "<svg" in text.lower() and "<html" not in text.lower()):
        return "svg", ""
    if name == "html" or text.lstrip().lower().startswith("<!doctype html"):
        return "a web page (HTML)", VECTOR_ADVICE
    if name:
        return f"an XML document (<{name[:40]}>), not an SVG", VECTOR_ADVICE
    return "a text file", VECTOR_ADVICE


def _decode_head(head: bytes) -> str | None:
    """Decode the start of a text file; ``None`` for binary data."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")
