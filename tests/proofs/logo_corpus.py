"""Logo files made at test time: valid images of every kind, damaged ones, bombs and hostile SVGs."""

from __future__ import annotations

import base64
import io
import struct
import zipfile
import zlib

from PIL import Image, ImageCms, ImageDraw, PngImagePlugin

TEAL = (0x1F, 0x7A, 0x7A)
CORAL = (0xE9, 0x72, 0x5C)
NAVY = (0x1F, 0x2F, 0x4F)
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def encode(img: Image.Image, fmt: str = "PNG", **params) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **params)
    return buf.getvalue()


def badge(size: tuple[int, int] = (120, 80), mode: str = "RGBA") -> Image.Image:
    """Transparent background, a teal disc (the main colour) and a smaller coral square."""
    img = Image.new("RGBA", size, (255, 0, 0, 0))  # red but invisible: must never count
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.ellipse((w * 0.05, h * 0.05, w * 0.95, h * 0.95), fill=(*TEAL, 255))
    draw.rectangle((w * 0.4, h * 0.4, w * 0.6, h * 0.6), fill=(*CORAL, 255))
    return img if mode == "RGBA" else img.convert(mode)


def on_white(size: tuple[int, int] = (120, 80)) -> Image.Image:
    flat = Image.new("RGB", size, (255, 255, 255))
    flat.paste(badge(size), mask=badge(size))
    return flat


def halves(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    img = Image.new("RGB", size, (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    return img


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, in order."""
    pos, types = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        types.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return types


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A valid-looking PNG whose header claims ``width`` x ``height`` but whose data is tiny."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG with its frame header rewritten to claim another size."""
    data = bytearray(encode(Image.new("RGB", (16, 16), CORAL), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def with_metadata() -> bytes:
    """A PNG carrying text, compressed text, international text, EXIF, a colour profile and DPI."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Someone Private")
    info.add_text("Comment", "x" * 200, zip=True)
    info.add_itxt("Description", "secret ünïcode", lang="en")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(badge(), pnginfo=info, exif=exif, icc_profile=icc, dpi=(72, 72))


def apng() -> bytes:
    first = Image.new("RGBA", (20, 20), (*TEAL, 255))
    second = Image.new("RGBA", (20, 20), (*CORAL, 255))
    return encode(first, save_all=True, append_images=[second], duration=100, loop=0)


def exif_rotated_jpeg(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(halves(), "JPEG", quality=95, exif=exif)


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (32, 24), (0, 255, 255, 0)), "JPEG", quality=95)


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("logo.svg", "<svg/>")
    return buf.getvalue()


# --- SVG -------------------------------------------------------------------------------------

PLAIN_SVG = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: a design tool -->\n'
    f'<svg {SVG_NS} viewBox="0 0 200 100" width="200" height="100">'
    f'<rect x="0" y="0" width="120" height="100" fill="#1F7A7A"/>'
    f'<circle cx="160" cy="50" r="30" fill="#E9725C"/></svg>'
).encode()

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + f"]><svg {SVG_NS}><text>&lol9;</text></svg>".encode()
)
EXTERNAL_ENTITY = (
    f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f"<svg {SVG_NS}><text>&xxe;</text></svg>"
).encode()
SVG11_DOCTYPE = (
    '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    f'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg {SVG_NS}><rect width="5" height="5"/></svg>'
).encode()


def svg(body: str, attrs: str = 'viewBox="0 0 100 100"') -> bytes:
    return f"<svg {SVG_NS} {XLINK} {attrs}>{body}</svg>".encode()


def nested_groups(depth: int) -> bytes:
    return svg("<g>" * depth + '<rect width="1" height="1"/>' + "</g>" * depth)


def many_elements(count: int) -> bytes:
    return svg('<rect width="1" height="1"/>' * count)


def use_bomb(levels: int = 5, fan_out: int = 10) -> bytes:
    defs = '<path id="a0" d="M0 0h1v1z"/>'
    for level in range(1, levels + 1):
        defs += f'<g id="a{level}">' + f'<use href="#a{level - 1}"/>' * fan_out + "</g>"
    return svg(f'<defs>{defs}</defs><use href="#a{levels}"/>')


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
