"""Logo intake: valid files of each type, limits, damaged and disguised files, hostile SVGs, print maths."""

from __future__ import annotations

import builtins
import gzip
import hashlib
import io
import math
import socket
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageFile

import proofs.logo
from proofs.logo import (
    MAX_BYTES,
    NORMALISED_MAX_PX,
    Logo,
    LogoError,
    effective_dpi,
    intake_logo,
    low_resolution,
    prepare_logo,
    print_scaled,
    print_size,
    suggest_colours,
)
from proofs.logo import render as logo_render
from proofs.logo import svg as logo_svg
from tests.proofs import logo_corpus as corpus

FORMAT_MESSAGE = "We accept PNG, JPEG or SVG logos."


def decode(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def near(hex_colour: str, rgb: tuple[int, int, int], tolerance: int = 12) -> bool:
    value = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(value, rgb, strict=True))


@pytest.fixture
def small_svg(monkeypatch):
    """Draw SVGs at 300 px in tests that are not about the size, to keep the suite fast."""
    monkeypatch.setattr(logo_svg, "NORMALISED_MAX_PX", 300)


@pytest.fixture
def no_io(monkeypatch):
    """Hostile files must not reach the network, /etc/passwd or the renderer."""

    def refuse_connect(*args, **kwargs):
        raise AssertionError("a logo tried to open a network connection")

    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if "passwd" in str(file):
            raise AssertionError(f"a logo tried to read {file}")
        return real_open(file, *args, **kwargs)

    def refuse_render(*args, **kwargs):
        raise AssertionError("a refused SVG reached the renderer")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_connect)
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(proofs.logo, "rasterise", refuse_render)


# --- valid files ------------------------------------------------------------------------------


def test_png_is_normalised_with_its_colours():
    data = corpus.encode(corpus.badge((120, 80)))
    logo = intake_logo(data, "badge.png")
    img = decode(logo.png)
    assert (logo.original, logo.original_format) == (data, "png")
    assert (img.format, img.mode, img.size) == ("PNG", "RGBA", (120, 80))
    assert (logo.width_px, logo.height_px) == (120, 80)
    assert logo.colours == ("#1F7A7A", "#E9725C")
    assert logo.sha256 == hashlib.sha256(logo.png).hexdigest()


def test_transparency_is_kept_and_hidden_pixels_are_cleared():
    img = decode(intake_logo(corpus.encode(corpus.badge())).png)
    assert img.getpixel((0, 0)) == (0, 0, 0, 0)  # was (255, 0, 0, 0): invisible red is dropped
    assert img.getpixel((60, 40))[3] == 255


def test_metadata_is_stripped():
    source = corpus.with_metadata()
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"pHYs"} <= set(corpus.png_chunks(source))
    logo = intake_logo(source)
    assert set(corpus.png_chunks(logo.png)) == {b"IHDR", b"IDAT", b"IEND"}
    assert decode(logo.png).info == {}


def test_output_is_deterministic():
    data = corpus.encode(corpus.on_white(), "JPEG", quality=90)
    assert intake_logo(data) == intake_logo(data)


def test_jpeg_on_white_reports_the_logo_colours_not_the_background():
    logo = intake_logo(corpus.encode(corpus.on_white(), "JPEG", quality=95), "logo.jpeg")
    assert logo.original_format == "jpeg" and decode(logo.png).mode == "RGBA"
    assert len(logo.colours) == 2
    assert near(logo.colours[0], corpus.TEAL) and near(logo.colours[1], corpus.CORAL)


def test_opaque_coloured_background_is_ignored():
    img = Image.new("RGB", (100, 100), corpus.NAVY)
    img.paste(corpus.CORAL, (30, 30, 70, 70))
    assert intake_logo(corpus.encode(img)).colours == ("#E9725C",)


def test_cmyk_jpeg_becomes_rgb():
    logo = intake_logo(corpus.cmyk_jpeg())
    img = decode(logo.png)
    assert img.mode == "RGBA" and near(logo.colours[0], (255, 0, 0), tolerance=20)


@pytest.mark.parametrize(("orientation", "size", "red_at"), [(6, (20, 40), (10, 5)), (3, (40, 20), (35, 10))])
def test_exif_orientation_is_applied_then_stripped(orientation, size, red_at):
    logo = intake_logo(corpus.exif_rotated_jpeg(orientation))
    img = decode(logo.png)
    assert img.size == size and (logo.width_px, logo.height_px) == size
    r, _, b, _ = img.getpixel(red_at)
    assert r > 200 and b < 60
    assert b"eXIf" not in corpus.png_chunks(logo.png) and not img.getexif()


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (Image.new("I;16", (4, 4), 32896), (128, 128, 128, 255)),  # 16-bit grey is scaled, not clipped
        (Image.new("L", (4, 4), 90), (90, 90, 90, 255)),
        (Image.new("LA", (4, 4), (90, 200)), (90, 90, 90, 200)),
        (Image.new("1", (4, 4), 1), (255, 255, 255, 255)),
        (
            Image.new("RGB", (4, 4), corpus.TEAL).convert("P", palette=Image.Palette.ADAPTIVE),
            (*corpus.TEAL, 255),
        ),
    ],
    ids=["16-bit", "grey", "grey+alpha", "1-bit", "palette"],
)
def test_other_png_modes_become_rgba(image, expected):
    img = decode(intake_logo(corpus.encode(image)).png)
    assert img.mode == "RGBA" and img.getpixel((1, 1)) == expected


def test_palette_transparency_becomes_alpha():
    img = Image.new("P", (4, 4), 1)
    img.putpalette([255, 0, 0, 0, 0, 255])
    img.putpixel((0, 0), 0)
    out = decode(intake_logo(corpus.encode(img, transparency=0)).png)
    assert out.getpixel((0, 0))[3] == 0 and out.getpixel((1, 1)) == (0, 0, 255, 255)


def test_animated_png_uses_the_first_frame():
    logo = intake_logo(corpus.apng())
    assert logo.colours == ("#1F7A7A",) and decode(logo.png).getpixel((5, 5)) == (*corpus.TEAL, 255)


def test_large_raster_is_downscaled_to_the_normalised_size():
    logo = intake_logo(corpus.encode(Image.new("RGB", (3600, 400), corpus.CORAL)))
    assert (logo.width_px, logo.height_px) == (NORMALISED_MAX_PX, 333)


def test_svg_is_rasterised_at_the_normalised_size():
    logo = intake_logo(corpus.PLAIN_SVG, "logo.svg")
    img = decode(logo.png)
    assert logo.original_format == "svg" and logo.original == corpus.PLAIN_SVG
    assert img.size == (NORMALISED_MAX_PX, NORMALISED_MAX_PX // 2) == (logo.width_px, logo.height_px)
    assert logo.colours == ("#1F7A7A", "#E9725C")
    assert img.getpixel((2999, 0))[3] == 0  # the corner outside the circle stays transparent
    assert logo.is_vector and not logo.low_resolution_at(12.0)


@pytest.mark.parametrize(
    ("attrs", "size"),
    [
        ('width="40mm" height="20mm"', (300, 150)),  # no viewBox: one is added so it scales
        ('width="100%" viewBox="0 0 50 100"', (150, 300)),
        ("", (300, 300)),  # no size at all: the SVG default square
        ('width="100000" height="100000"', (300, 300)),  # a giant canvas is drawn at our size
    ],
)
def test_svg_size_comes_from_viewbox_or_width_and_height(small_svg, attrs, size):
    logo = intake_logo(corpus.svg('<rect width="100%" height="100%" fill="#1F2F4F"/>', attrs))
    assert (logo.width_px, logo.height_px) == size
    assert logo.colours == ("#1F2F4F",)


def test_svg_without_namespace_and_with_an_embedded_png(small_svg):
    embedded = corpus.data_uri(corpus.encode(Image.new("RGB", (8, 8), corpus.CORAL)))
    data = f'<svg viewBox="0 0 10 10"><image href="{embedded}" width="10" height="10"/></svg>'.encode()
    assert intake_logo(data).colours == ("#E9725C",)


def test_live_svg_text_is_drawn_with_our_fonts(small_svg):
    logo = intake_logo(corpus.svg('<text x="5" y="60" font-size="40" font-family="Brand Sans">Acme</text>'))
    box = decode(logo.png).getchannel("A").getbbox()
    assert box is not None and box[2] - box[0] > 50 and logo.colours == ("#000000",)


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [
        (corpus.encode(corpus.badge()), "logo.jpg", "png"),
        (corpus.encode(corpus.on_white(), "JPEG"), "logo.png", "jpeg"),
        (corpus.encode(corpus.on_white(), "JPEG"), "logo.svg", "jpeg"),
        (corpus.PLAIN_SVG, "logo.png", "svg"),
        (corpus.encode(corpus.badge()), "", "png"),
    ],
)
def test_format_comes_from_the_bytes_not_the_name(small_svg, data, name, fmt):
    assert intake_logo(data, name).original_format == fmt


# --- limits, damage and the wrong kind of file -----------------------------------------------------


def test_empty_file_is_refused():
    with pytest.raises(LogoError, match="empty"):
        intake_logo(b"")


@pytest.mark.parametrize(("size", "shown"), [(MAX_BYTES + 1, "10.1"), (int(14.2 * 1024 * 1024), "14.2")])
def test_too_many_bytes_is_refused_before_reading(size, shown):
    data = corpus.encode(corpus.badge()).ljust(size, b"\0")
    with pytest.raises(LogoError) as err:
        intake_logo(data)
    assert str(err.value) == f"The logo is {shown} MB; the limit is 10 MB."


@pytest.mark.parametrize(
    "data",
    [
        corpus.png_header_only(100_000, 100_000),
        corpus.png_header_only(10_000, 10_000),  # over Pillow's own bomb warning threshold
        corpus.png_header_only(7_000, 7_000),  # under Pillow's threshold, over ours
        corpus.png_header_only(20_001, 10),  # few pixels, but too long a side
        corpus.jpeg_claiming(65_000, 65_000),
    ],
    ids=["png-100000", "png-10000", "png-7000", "png-side", "jpeg-65000"],
)
def test_pixel_bombs_are_refused_from_the_header(monkeypatch, data):
    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(LogoError, match="megapixels"):
        intake_logo(data, "bomb.png")


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (corpus.encode(corpus.badge((200, 200)))[:600], "PNG"),
        (corpus.encode(corpus.badge((200, 200)))[:33], "PNG"),
        (corpus.encode(corpus.on_white((200, 200)), "JPEG")[:900], "JPEG"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 40, "JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "PNG"),
    ],
    ids=["png-half", "png-header", "jpeg-half", "jpeg-junk", "png-junk"],
)
def test_damaged_files_are_refused(monkeypatch, data, label):
    # WeasyPrint sets this globally on import; truncation must be caught regardless.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(LogoError, match=f"This {label} file is damaged or incomplete"):
        intake_logo(data)


def test_fully_transparent_image_is_refused():
    with pytest.raises(LogoError, match="nothing visible"):
        intake_logo(corpus.encode(Image.new("RGBA", (10, 10), (0, 0, 0, 0))))


WRONG_TYPES = [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "a PDF"),
    (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "an EPS"),
    (corpus.encode(corpus.badge(), "GIF"), "a GIF image"),
    (corpus.encode(corpus.on_white(), "TIFF"), "a TIFF image"),
    (corpus.encode(corpus.on_white(), "BMP"), "a BMP image"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "a WebP image"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "a HEIC photo"),
    (corpus.zip_bytes(), "a ZIP archive"),
    (gzip.compress(corpus.PLAIN_SVG), "a compressed file (such as SVGZ)"),
    (b"<!DOCTYPE html><html><body><svg></svg></body></html>", "a web page (HTML)"),
    (b'<?xml version="1.0"?><note><svg/></note>', "an XML document"),
    (b"Just some text about our logo", "a text file"),
    (b"\x00\x01\x02\x03binary", "We couldn't recognise this file"),
]


@pytest.mark.parametrize(("data", "kind"), WRONG_TYPES, ids=[kind for _, kind in WRONG_TYPES])
def test_other_formats_are_refused_naming_what_works(data, kind):
    with pytest.raises(LogoError) as err:
        intake_logo(data, "logo")
    assert str(err.value).startswith(FORMAT_MESSAGE) and kind in str(err.value)


def test_pdf_renamed_png_is_refused_and_the_name_is_called_out():
    with pytest.raises(LogoError) as err:
        intake_logo(b"%PDF-1.4\n...", "company-logo.png")
    assert str(err.value).startswith(
        f"{FORMAT_MESSAGE} This file looks like a PDF, even though its name ends in .png."
    )


# --- hostile SVGs ----------------------------------------------------------------------------------

HOSTILE = {
    "billion-laughs": (corpus.BILLION_LAUGHS, "entities"),
    "external-entity": (corpus.EXTERNAL_ENTITY, "entities"),
    "image-http": (
        corpus.svg('<image href="http://127.0.0.1:1/x.png" width="9" height="9"/>'),
        "outside file",
    ),
    "image-file": (
        corpus.svg('<image xlink:href="file:///etc/passwd" width="9" height="9"/>'),
        "outside file",
    ),
    "image-absolute-path": (corpus.svg('<image href="/etc/passwd"/>'), "outside file"),
    "image-relative-path": (corpus.svg('<image href="logo.png"/>'), "outside file"),
    "use-other-file": (corpus.svg('<use href="other.svg#shape"/>'), "outside file"),
    "feimage-file": (corpus.svg('<filter id="f"><feImage href="/etc/passwd"/></filter>'), "outside file"),
    "data-svg": (
        corpus.svg(f'<image href="{corpus.data_uri(corpus.PLAIN_SVG, "image/svg+xml")}"/>'),
        "not a PNG or JPEG",
    ),
    "data-bomb": (
        corpus.svg(f'<image href="{corpus.data_uri(corpus.png_header_only(100_000, 100_000))}"/>'),
        "megapixels",
    ),
    "css-import": (corpus.svg("<style>@import url(http://127.0.0.1:1/a.css);</style>"), "style sheet"),
    "css-url": (corpus.svg('<rect style="fill: url(http://127.0.0.1:1/p.svg#g)"/>'), "outside file"),
    "fill-url": (corpus.svg("<rect fill=\"url('file:///etc/passwd#x')\"/>"), "outside file"),
    "script": (corpus.svg("<script>alert(1)</script>"), "a script"),
    "xhtml-script": (
        corpus.svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
        "a script",
    ),
    "onload": (corpus.svg("", 'viewBox="0 0 9 9" onload="alert(1)"'), "event handlers (onload)"),
    "onclick-deep": (corpus.svg('<g><rect onclick="alert(1)"/></g>'), "event handlers (onclick)"),
    "foreign-object": (corpus.svg("<foreignObject><p>hi</p></foreignObject>"), "foreignObject"),
    "deep-nesting": (corpus.nested_groups(10_000), "levels deep"),
    "100k-elements": (corpus.many_elements(100_000), "more than 20,000 elements"),
    "use-bomb": (corpus.use_bomb(), "repeats its shapes"),
    "use-cycle": (corpus.svg('<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>'), "refers back"),
    "broken-xml": (b"<svg xmlns='http://www.w3.org/2000/svg'><g>", "not valid XML"),
}


@pytest.mark.parametrize(("data", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_svgs_are_refused_without_touching_disk_network_or_renderer(no_io, data, message):
    with pytest.raises(LogoError) as err:
        intake_logo(data, "logo.svg")
    assert message in str(err.value)


@pytest.mark.parametrize(
    "data",
    [b"<!DOCTYPE" + b" " * 250_000, corpus.svg("<style>" + "url(" * 200_000 + "</style>")],
    ids=["doctype-spaces", "css-url-run"],
)
def test_pathological_text_is_refused(no_io, data):
    """How fast is for ``bench/`` (``logo intake``); here: refused, with nothing touched."""
    with pytest.raises(LogoError):
        intake_logo(data)


def test_a_pathological_size_attribute_is_ignored():
    prepared = logo_svg.prepare_svg(corpus.svg("", 'viewBox="0 0 9 9" width="' + "1" * 200_000 + 'x"'))
    assert (prepared.width_px, prepared.height_px) == (NORMALISED_MAX_PX, NORMALISED_MAX_PX)


@pytest.mark.parametrize(
    ("body", "gone"),
    [
        ('<a href="https://example.com/"><rect width="5" height="5"/></a>', "example.com"),
        ("<metadata><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/></metadata>", "RDF"),
        ('<set attributeName="href" to="/etc/passwd"/>', "passwd"),
        ('<rect xmlns:i="http://ns.adobe.com/x" i:knockout="Off" width="5" height="5"/>', "knockout"),
        ("<title>Secret project</title><desc>internal</desc>", "Secret"),
    ],
)
def test_harmless_extras_are_stripped(body, gone):
    cleaned = logo_svg.prepare_svg(corpus.svg(body)).text
    assert gone not in cleaned and 'xmlns="http://www.w3.org/2000/svg"' in cleaned


def test_local_references_and_styles_survive_cleaning():
    body = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#1F7A7A"/></linearGradient>'
        '<path id="p" d="M0 0h5v5z"/></defs><style>.c { fill: url(#g) }</style>'
        '<use xlink:href="#p" class="c"/><rect fill="url( \'#g\' )" width="5" height="5"/>'
    )
    cleaned = logo_svg.prepare_svg(corpus.svg(body)).text
    assert 'href="#p"' in cleaned and "url(#g)" in cleaned and "url( '#g' )" in cleaned


def test_expensive_drawing_is_stopped_by_the_sandbox(monkeypatch):
    monkeypatch.setattr(logo_render, "RENDER_TIMEOUT_S", 0.3)
    turbulence = corpus.svg(
        '<filter id="t" x="0" y="0" width="1" height="1"><feTurbulence baseFrequency="0.05" numOctaves="10"/>'
        '</filter><rect width="100" height="100" filter="url(#t)"/>'
    )
    with pytest.raises(LogoError, match="too complex"):
        intake_logo(turbulence)


def test_a_crash_in_the_renderer_does_not_take_the_process_down(monkeypatch):
    # 48 MB cannot hold a 3000 x 3000 canvas: resvg aborts its process on the failed allocation.
    monkeypatch.setattr(logo_render, "RENDER_MEMORY_BYTES", 48 * 1024 * 1024)
    with pytest.raises(LogoError, match="too complex"):
        intake_logo(corpus.PLAIN_SVG)


# --- print maths --------------------------------------------------------------------------------


def test_effective_dpi_and_the_300_dpi_line():
    assert effective_dpi(600, 2.0) == 300.0
    assert not low_resolution(600, 2.0)
    assert not low_resolution(1200, 4.0)
    assert not low_resolution(336, 1.12)  # 299.99999999999994 in floating point: still 300 DPI
    assert low_resolution(598, 2.0)
    for bad in (0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError):
            effective_dpi(600, bad)


@given(
    width_px=st.integers(1, 20_000),
    print_width_in=st.floats(0.1, 24.0),
    factor=st.floats(1.01, 10.0),
)
def test_dpi_scales_inversely_with_print_width(width_px, print_width_in, factor):
    dpi = effective_dpi(width_px, print_width_in)
    assert math.isclose(effective_dpi(width_px, print_width_in * factor), dpi / factor, rel_tol=1e-9)
    assert effective_dpi(width_px, print_width_in * factor) < dpi
    assert low_resolution(width_px, print_width_in) == (round(dpi) < 300)
    if not low_resolution(width_px, print_width_in * factor):
        assert not low_resolution(width_px, print_width_in)


@given(
    width_px=st.integers(1, 20_000),
    hundredths_in=st.integers(1, 1200),
    placement=st.sampled_from(["lid", "tag", "card"]),
)
def test_a_logo_at_300_dpi_is_never_low_resolution_and_the_flag_matches_the_figure(
    width_px, hundredths_in, placement
):
    """At the boundary, in exact arithmetic: 300 DPI or more is fine, under 299.5 is low."""
    width_in = hundredths_in / 100
    exact = Fraction(width_px) / Fraction(hundredths_in, 100)
    if exact >= 300:
        assert not low_resolution(width_px, width_in)
    if exact < Fraction(599, 2):
        assert low_resolution(width_px, width_in)
    printed = print_size((width_px, width_px // 2 + 1), width_in, placement)
    assert printed.low_resolution == (printed.dpi < 300)  # never "prints at 300 DPI ... may look soft"
    assert not print_size((width_px, 1), width_in, placement, vector=True).low_resolution


def test_the_card_header_limits_the_print_size():
    lid = print_size((1200, 400), 4.0, "lid")
    assert (lid.width_in, lid.dpi, lid.low_resolution) == (4.0, 300, False)
    card = print_size((600, 200), 4.0, "card")  # the header band is 2.4 x 0.42 in
    assert card.width_in == pytest.approx(1.26) and card.height_in == pytest.approx(0.42)
    assert card.dpi == 476 and not card.low_resolution
    assert print_size((600, 60), 4.0, "card").width_in == 2.4
    assert lid.finding is None and card.finding is None
    assert print_size((420, 140), 3.0, "lid").finding == (
        "The logo will print at 140 DPI at 3 in wide, below the 300 DPI we recommend: it may look soft. "
        "Upload a larger file or an SVG, or print it smaller."
    )


def test_prepare_logo_scales_to_print_width_and_keeps_the_source_size():
    png = intake_logo(corpus.encode(corpus.badge((1200, 600)))).png
    logo = prepare_logo(png, 2.0)
    assert decode(logo.png).size == (600, 300) and logo.source_px == (1200, 600)
    assert prepare_logo(png, 2.0) is logo  # once per (logo, width)
    with pytest.raises(LogoError, match="not a readable image"):
        prepare_logo(b"\x89PNG\r\n\x1a\nnot really", 2.0)
    with pytest.raises(ValueError):
        prepare_logo(png, 13.0)


@pytest.mark.parametrize(("source", "print_width_in", "dpi", "expected"), [
    ((600, 300), 1.5, 300, (450, 225)),
    ((600, 300), 1.0, 150, (150, 75)),
    ((601, 301), 1.111, 300, (333, 167)),
])  # fmt: skip
def test_print_scaled_hits_the_print_width_when_the_source_is_larger(source, print_width_in, dpi, expected):
    png = corpus.encode(corpus.badge(source))
    scaled = print_scaled(png, print_width_in, dpi)
    assert decode(scaled).size == expected and expected[0] == round(print_width_in * dpi)
    assert scaled == print_scaled(png, print_width_in, dpi)
    assert set(corpus.png_chunks(scaled)) == {b"IHDR", b"IDAT", b"IEND"}


@pytest.mark.parametrize("print_width_in", [2.0, 4.0, 10.0])
def test_print_scaled_never_upscales(print_width_in):
    png = intake_logo(corpus.encode(corpus.badge((500, 250)))).png
    assert decode(print_scaled(png, print_width_in)).size == (500, 250)


def test_print_scaled_refuses_a_bomb_and_a_bad_width():
    with pytest.raises(LogoError, match="megapixels"):
        print_scaled(corpus.png_header_only(100_000, 100_000), 2.0)
    with pytest.raises(ValueError):
        print_scaled(intake_logo(corpus.encode(corpus.badge())).png, 0)


def test_a_raster_logo_knows_it_is_low_resolution():
    logo = intake_logo(corpus.encode(corpus.badge((500, 250))))
    assert not logo.is_vector and logo.low_resolution_at(2.0) and not logo.low_resolution_at(1.0)


# --- colour suggestions ----------------------------------------------------------------------------


def test_exact_catalog_colour_comes_first(catalog):
    # On the card the logo is printed on paper, so the box may match it exactly (on the lid it
    # may not: tests/proofs/test_logo_colours.py).
    for colour_id in (*catalog.box_colours, *catalog.ribbon_colours):
        suggestion = suggest_colours([catalog.colour_hex(colour_id)], catalog, placement="card")
        if colour_id in catalog.box_colours:
            assert suggestion["box_colours"][0] == colour_id
        if colour_id in catalog.ribbon_colours:
            assert suggestion["ribbon_colours"][0] == colour_id


def test_suggestions_are_valid_catalog_ids_at_most_three(catalog):
    suggestion = suggest_colours(["#E9725C", "#1F7A7A", "#FFFF00", "not a colour"], catalog)
    assert set(suggestion) == {"box_colours", "ribbon_colours"}
    assert 1 <= len(suggestion["box_colours"]) <= 3 and 1 <= len(suggestion["ribbon_colours"]) <= 3
    assert set(suggestion["box_colours"]) <= set(catalog.box_colours)
    assert set(suggestion["ribbon_colours"]) <= set(catalog.ribbon_colours)
    assert suggestion["ribbon_colours"][0] == "coral"  # the logo's main colour
    assert len(set(suggestion["ribbon_colours"])) == len(suggestion["ribbon_colours"])


def test_no_colours_no_suggestions(catalog):
    assert suggest_colours([], catalog) == {"box_colours": [], "ribbon_colours": []}


def test_logo_colours_feed_the_suggestions(catalog):
    navy_logo = corpus.encode(Image.new("RGB", (50, 50), (0x1F, 0x2F, 0x4F)).convert("RGBA"))
    logo = intake_logo(navy_logo)
    assert isinstance(logo, Logo) and logo.colours == ("#1F2F4F",)
    assert suggest_colours(logo.colours, catalog, placement="tag")["box_colours"][0] == "navy"
    assert "navy" not in suggest_colours(logo.colours, catalog)["box_colours"]  # on the lid it would vanish


def test_the_svg_1_1_doctype_that_illustrator_writes_is_accepted(small_svg, monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", lambda *a: pytest.fail("the external DTD was fetched"))
    logo = intake_logo(corpus.SVG11_DOCTYPE, "illustrator-export.svg")
    assert logo.original_format == "svg" and logo.is_vector
