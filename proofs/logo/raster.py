"""Decode uploaded PNG and JPEG logos into upright sRGB RGBA, and encode PNGs reproducibly.

Every image is opened with the plugin for the sniffed format (so a file cannot pick its own
decoder) and its header size is checked before a single pixel is decoded. Pillow's own
decompression-bomb check lives in ``Image.open``, which we do not use, so its warning and error
can never escape from here.

Completeness is checked here too, not left to the decoder: WeasyPrint sets Pillow's global
``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when it is imported, and in a worker that has it
loaded a half-uploaded file would otherwise decode "successfully" with a grey or empty bottom.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
import zlib
from collections.abc import Iterator

from PIL import ExifTags, Image, ImageCms, JpegImagePlugin, PngImagePlugin

from proofs.logo.errors import NORMALISED_MAX_PX, LogoError, check_dimensions

_OPENERS = {"png": PngImagePlugin.PngImageFile, "jpeg": JpegImagePlugin.JpegImageFile}
_LABELS = {"png": "PNG", "jpeg": "JPEG", "svg": "SVG"}
# EXIF orientation -> the transpose that makes the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_RESAMPLABLE = {"RGB", "RGBA", "L", "LA", "CMYK"}
PNG_COMPRESS_LEVEL = 6
INFLATE_STEP = 1 << 20


def damaged(fmt: str) -> LogoError:
    label = _LABELS.get(fmt, "image")
    return LogoError(
        f"This {label} file is damaged or incomplete. Please export it again and upload the new file."
    )


@contextlib.contextmanager
def damaged_as_logo_error(fmt: str) -> Iterator[None]:
    """Turn any decoder failure into the buyer's message; decoders raise many exception types."""
    try:
        yield
    except LogoError:
        raise
    except Exception as exc:
        raise damaged(fmt) from exc


def check_complete(data: bytes, fmt: str) -> None:
    """Refuse a PNG or JPEG that stops early, whatever Pillow's global truncation setting is."""
    if not (png_complete(data) if fmt == "png" else jpeg_complete(data)):
        raise damaged(fmt)


def png_complete(data: bytes) -> bool:
    """Every chunk whole with a valid CRC, up to an IEND, and the image data a finished zlib stream."""
    view = memoryview(data)
    pos, image_data = 8, []
    while pos + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data):
            return False
        body = view[pos + 8 : end - 4]
        if zlib.crc32(body, zlib.crc32(kind)) != struct.unpack_from(">I", data, end - 4)[0]:
            return False
        if kind == b"IDAT":
            image_data.append(body)
        if kind == b"IEND":
            return _zlib_stream_ends(image_data)
        pos = end
    return False


def _zlib_stream_ends(parts: list[memoryview]) -> bool:
    """Inflate in bounded steps, keeping nothing: zlib checks the Adler-32 and sees the end."""
    inflater = zlib.decompressobj()
    try:
        for part in parts:
            pending: bytes | memoryview = part
            while pending and not inflater.eof:
                inflater.decompress(pending, INFLATE_STEP)
                pending = inflater.unconsumed_tail
    except zlib.error:
        return False
    return inflater.eof


def jpeg_complete(data: bytes) -> bool:
    """The main image's scan data is followed by an end-of-image marker.

    Markers are walked from the start so that an EXIF thumbnail (a whole JPEG inside APP1,
    with its own end marker) cannot stand in for the end of the main image. Inside scan data
    0xFF is always escaped, so the first FF D9 after the first scan is the real end.
    """
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if 0xD0 <= marker <= 0xD8 or marker == 0x01:
            pos += 2
            continue
        if marker == 0xDA:
            return data.find(b"\xff\xd9", pos) != -1
        (length,) = struct.unpack_from(">H", data, pos + 2)
        pos += 2 + length
    return False


def open_checked(data: bytes, fmt: str) -> Image.Image:
    """Read only the header of a PNG or JPEG and refuse it if it claims too many pixels."""
    with damaged_as_logo_error(fmt):
        img = _OPENERS[fmt](io.BytesIO(data))
    check_dimensions(*img.size)
    return img


def fit_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """Scale ``size`` so its longest side is at most ``longest``, keeping the aspect ratio."""
    width, height = size
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def decode_raster(data: bytes, fmt: str) -> Image.Image:
    """Decode to an upright sRGB RGBA image whose longest side is at most ``NORMALISED_MAX_PX``."""
    img = open_checked(data, fmt)
    check_complete(data, fmt)
    with damaged_as_logo_error(fmt):
        if fmt == "jpeg":
            # Let libjpeg decode a big photo at 1/2, 1/4 or 1/8 scale: less memory, same result.
            img.draft(None, fit_size(img.size, NORMALISED_MAX_PX))
        img.load()
        orientation = _orientation(img)
        icc = img.info.get("icc_profile")
        img = _eight_bit(img)
        if max(img.size) > NORMALISED_MAX_PX:
            img = img.resize(fit_size(img.size, NORMALISED_MAX_PX), Image.Resampling.LANCZOS)
        img = _to_srgb_rgba(img, icc)
    if orientation in _UPRIGHT:
        img = img.transpose(_UPRIGHT[orientation])
    return img


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation (1 = upright); broken EXIF is ignored rather than refused."""
    try:
        value = img.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) else 1


def _eight_bit(img: Image.Image) -> Image.Image:
    """Bring palette, 1-bit and 16-bit images to a mode that resizes and converts cleanly."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Pillow clips 16-bit grey to 255 when converting; scale it down instead.
        return img.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if img.mode not in _RESAMPLABLE or "transparency" in img.info:
        return img.convert("RGBA")
    return img


def _to_srgb_rgba(img: Image.Image, icc: bytes | None) -> Image.Image:
    """Apply an embedded colour profile (CMYK and wide-gamut RGB) and return RGBA."""
    alpha = img.getchannel("A") if img.mode in ("RGBA", "LA") else None
    colour = img.convert("RGB") if img.mode in ("RGBA", "LA", "L") else img
    if icc and colour.mode in ("RGB", "CMYK"):
        colour = _apply_profile(colour, icc)
    rgba = colour.convert("RGBA")
    if alpha is not None:
        rgba.putalpha(alpha)
    return rgba


def _apply_profile(img: Image.Image, icc: bytes) -> Image.Image:
    """Convert to sRGB through the file's own profile; a broken profile falls back to a plain convert."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(img, source, _srgb(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return img.convert("RGB")
    return converted if converted is not None else img.convert("RGB")


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def clear_hidden_pixels(img: Image.Image) -> Image.Image:
    """Zero the colour of fully transparent pixels: nothing hides there, and equal looks give equal bytes."""
    visible = img.getchannel("A").point(lambda a: 255 if a else 0)
    blank = Image.new("RGBA", img.size, (0, 0, 0, 0))
    return Image.composite(img, blank, visible)


def encode_png(img: Image.Image) -> bytes:
    """Encode RGBA as PNG with fixed settings and no metadata chunks, so equal pixels give equal bytes."""
    clean = img.convert("RGBA") if img.mode != "RGBA" else img.copy()
    clean.info = {}
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG", optimize=False, compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def open_png(png: bytes) -> Image.Image:
    """Decode a PNG we are handed back (e.g. a stored normalised logo), with the same size limits."""
    img = open_checked(png, "png")
    check_complete(png, "png")
    with damaged_as_logo_error("png"):
        img.load()
        return _to_srgb_rgba(_eight_bit(img), None)
