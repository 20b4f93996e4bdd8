"""Make an uploaded SVG safe to draw: parse it hardened, clean it, and size it for rasterising.

What we refuse, and why:

* entity declarations and external entities: they are how entity expansion ("billion laughs")
  and file reads get in. A plain DOCTYPE with no internal subset (Illustrator writes the SVG 1.1
  one into every export) is harmless: expat never fetches the external DTD, so it is accepted;
* scripts, ``on*`` event handlers and ``<foreignObject>``: we only draw shapes, and a file that
  carries code should be re-exported rather than silently changed;
* links to anything but a ``#fragment`` of the same file: resvg would read ``href="/etc/passwd"``
  or ``href="logo.png"`` from our disk, so an outside reference is never passed on. Embedded PNG
  and JPEG images (``data:`` URIs on ``<image>``) are allowed after the same header checks as an
  upload, and re-encoded so the renderer sees exactly the bytes we checked;
* more elements or deeper nesting than a logo needs, counting what ``<use>`` repeats, because
  each repeat is drawn again.

Editor data (Inkscape, Illustrator and RDF namespaces), metadata, animation and unknown
elements are dropped: the renderer ignores them anyway, and what is not passed on cannot surprise
it. Comments and processing instructions never reach the cleaned tree.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
import xml.etree.ElementTree as ET  # only to build and serialise the cleaned tree
from collections.abc import Iterator
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from proofs.logo.errors import ACCEPTED, MAX_PIXELS, NORMALISED_MAX_PX, LogoError
from proofs.logo.raster import open_checked
from proofs.logo.sniff import JPEG_SIGNATURE, PNG_SIGNATURE

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

MAX_SVG_ELEMENTS = 20_000
"""Elements after ``<use>`` expansion; real logos have tens to a few thousand."""
MAX_SVG_DEPTH = 64
MAX_EMBEDDED_IMAGES = 16
DEFAULT_SVG_SIZE = 100.0
"""User units assumed for a missing width/height without a viewBox (the SVG default size)."""

ADVICE = (
    "Please export a plain SVG (for example “Plain SVG” in Inkscape, or “SVG” with default "
    "settings in Illustrator) or upload a PNG."
)

_ALLOWED = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "switch", "a", "path", "rect", "circle", "ellipse",
        "line", "polyline", "polygon", "text", "tspan", "textPath", "style", "linearGradient",
        "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "image", "filter",
        "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
        "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
        "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge",
        "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
        "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip
_REFUSED = {
    "script": "a script",
    "handler": "a script",
    "listener": "a script",
    "foreignObject": "embedded web content (foreignObject)",
}
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|jpg);base64,([A-Za-z0-9+/=\s]*)", re.IGNORECASE)
_LENGTH = re.compile(r"\s*(\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|em|ex)?\s*")
_MAX_LENGTH_TEXT = 64
_UNIT_PX = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_UNIT_PX |= {"em": 16.0, "ex": 8.0}


@dataclass(frozen=True)
class PreparedSvg:
    """A cleaned SVG, sized so that its longest side renders at ``NORMALISED_MAX_PX``."""

    text: str
    width_px: int
    height_px: int


def prepare_svg(data: bytes) -> PreparedSvg:
    """Parse, clean, bound and size an uploaded SVG; raise :class:`LogoError` if it is unsafe."""
    root = parse_svg(data)
    _Cleaner(namespaced=_split(root.tag)[0] == SVG_NS).clean(root)
    check_expansion(root)
    width, height = _render_size(root)
    text = ET.tostring(root, encoding="unicode")
    return PreparedSvg(text, width, height)


def parse_svg(data: bytes) -> ET.Element:
    """Parse with DTDs, entities and external references forbidden, bounding size while parsing."""
    root: ET.Element | None = None
    depth = count = 0
    try:
        events = SafeET.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=False,  # entities are what is dangerous, and they stay forbidden
            forbid_entities=True,
            forbid_external=True,
        )
        for event, element in events:
            if event == "end":
                depth -= 1
                continue
            root = element if root is None else root
            depth, count = depth + 1, count + 1
            _check_counts(depth, count)
    except DTDForbidden as exc:
        raise LogoError(
            f"This SVG starts with a DOCTYPE declaration, which we don't accept for safety reasons. {ADVICE}"
        ) from exc
    except (EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise LogoError(
            f"This SVG defines XML entities, which we don't accept for safety reasons. {ADVICE}"
        ) from exc
    except ET.ParseError as exc:
        raise LogoError(
            f"This SVG file is damaged or is not valid XML (line {exc.position[0]}). "
            "Please export it again and upload the new file."
        ) from exc
    if root is None or _split(root.tag)[1] != "svg":
        raise LogoError(f"{ACCEPTED} This file looks like an XML document, not an SVG.")
    return root


def _check_counts(depth: int, count: int) -> None:
    if count > MAX_SVG_ELEMENTS:
        raise LogoError(
            f"This SVG has more than {MAX_SVG_ELEMENTS:,} elements, far more than a logo needs. "
            "Please simplify it or upload a PNG."
        )
    if depth > MAX_SVG_DEPTH:
        raise LogoError(
            f"This SVG nests its elements more than {MAX_SVG_DEPTH} levels deep. "
            "Please simplify it (ungroup) or upload a PNG."
        )


def _split(name: str) -> tuple[str, str]:
    """``{ns}local`` -> ``(ns, local)``; no namespace gives ``""``."""
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


class _Cleaner:
    """One pass over the tree: refuse what is dangerous, drop what is not drawing."""

    def __init__(self, namespaced: bool) -> None:
        # An SVG without xmlns is still an SVG to resvg; its unprefixed elements are SVG elements.
        self.svg_namespaces = {SVG_NS} if namespaced else {SVG_NS, ""}
        self.images = 0
        self.image_pixels = 0

    def clean(self, root: ET.Element) -> None:
        root.tag = "svg"
        self._clean_element(root, "svg")
        # Tags are written without a prefix under one default namespace: the plainest SVG there is.
        root.set("xmlns", SVG_NS)
        stack = [root]
        while stack:
            parent = stack.pop()
            for child in list(parent):
                local = self._keep(child)
                if local is None:
                    parent.remove(child)
                    continue
                child.tag = local
                self._clean_element(child, local)
                stack.append(child)

    def _keep(self, element: ET.Element) -> str | None:
        """The element's SVG name if it stays, ``None`` to drop it; raises for refused content."""
        if not isinstance(element.tag, str):
            return None
        ns, local = _split(element.tag)
        if local in _REFUSED:
            raise LogoError(f"This SVG contains {_REFUSED[local]}. We only accept plain drawings. {ADVICE}")
        if ns not in self.svg_namespaces or local not in _ALLOWED:
            return None
        return local

    def _clean_element(self, element: ET.Element, local: str) -> None:
        if local == "style":
            _check_css(element.text or "")
        for name, value in list(element.attrib.items()):
            del element.attrib[name]
            kept = self._clean_attribute(local, name, value)
            if kept is not None:
                element.set(*kept)

    def _clean_attribute(self, local: str, name: str, value: str) -> tuple[str, str] | None:
        """Return the attribute to keep (possibly rewritten), ``None`` to drop it."""
        ns, attr = _split(name)
        if attr.lower().startswith("on"):
            raise LogoError(f"This SVG contains event handlers ({attr}), which can run scripts. {ADVICE}")
        if attr == "href" and ns in ("", XLINK_NS):
            href = self._href(local, value)
            return None if href is None else ("href", href)
        if ns == XML_NS and attr == "space":
            return name, value
        if ns:
            return None  # editor data (inkscape:, sodipodi:, i:, xlink:title ...)
        _check_css(value)
        return name, value

    def _href(self, local: str, value: str) -> str | None:
        href = value.strip()
        if not href or local == "a":
            return None  # a link target is never fetched, so it is simply dropped
        if href.startswith("#"):
            return href
        if local == "image" and href[:5].lower() == "data:":
            return self._embedded_image(href)
        raise LogoError(
            f"This SVG links to an outside file ({_shorten(href)}). We only accept self-contained SVGs. {ADVICE}"
        )

    def _embedded_image(self, uri: str) -> str:
        """Check an embedded PNG/JPEG like an upload and re-encode its data URI canonically."""
        match = _DATA_IMAGE.fullmatch(uri)
        raw = b""
        if match:
            try:
                raw = base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
            except (binascii.Error, ValueError):
                raw = b""
        fmt = "png" if raw.startswith(PNG_SIGNATURE) else "jpeg" if raw.startswith(JPEG_SIGNATURE) else ""
        if not fmt:
            raise LogoError(f"This SVG embeds an image that is not a PNG or JPEG. {ADVICE}")
        try:
            width, height = open_checked(raw, fmt).size
        except LogoError as exc:
            raise LogoError(f"An image embedded in this SVG cannot be used: {exc}") from exc
        self.images += 1
        self.image_pixels += width * height
        if self.images > MAX_EMBEDDED_IMAGES or self.image_pixels > MAX_PIXELS:
            raise LogoError(f"This SVG embeds too many or too large images. {ADVICE}")
        return f"data:image/{fmt};base64,{base64.b64encode(raw).decode('ascii')}"


def _check_css(text: str) -> None:
    """Refuse CSS that points outside the file (``@import``, ``url(...)`` other than ``#id``)."""
    lowered = text.lower()
    if "@import" in lowered:
        raise LogoError(
            f"This SVG imports an outside style sheet. We only accept self-contained SVGs. {ADVICE}"
        )
    for target in _css_urls(text, lowered):
        if not target.startswith("#"):
            raise LogoError(
                f"This SVG links to an outside file ({_shorten(target)}). "
                f"We only accept self-contained SVGs. {ADVICE}"
            )


def _css_urls(text: str, lowered: str) -> Iterator[str]:
    """The targets of ``url(...)`` in one linear scan (a regex here could backtrack for minutes)."""
    pos = 0
    while (start := lowered.find("url(", pos)) != -1:
        end = text.find(")", start)
        inner = text[start + 4 : end if end != -1 else len(text)]
        yield inner.strip().strip("'\"").strip()
        if end == -1:
            return
        pos = end + 1


def _shorten(text: str, limit: int = 60) -> str:
    """Quote user text in a message without letting it run on."""
    flat = " ".join(text.split())
    return f"“{flat[:limit]}…”" if len(flat) > limit else f"“{flat}”"


def check_expansion(root: ET.Element) -> None:
    """Count elements as drawn, with every ``<use>`` expanded; refuse cycles and blow-ups.

    Ten ``<use>`` of a group of ten ``<use>`` ... is a billion laughs made of shapes, so the bound
    applies to the expanded count. Iterative, because chains of ``<use>`` can be long.
    """
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    sizes: dict[ET.Element, int] = {}
    on_path: set[ET.Element] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, children_done = stack.pop()
        if element in sizes:
            continue
        deps = _drawn_children(element, ids)
        if children_done:
            on_path.discard(element)
            sizes[element] = 1 + sum(sizes[d] for d in deps)
            if sizes[element] > MAX_SVG_ELEMENTS:
                raise LogoError(
                    f"This SVG repeats its shapes (with <use>) into more than {MAX_SVG_ELEMENTS:,} elements. "
                    "Please simplify it or upload a PNG."
                )
            continue
        if element in on_path:
            raise LogoError(f"This SVG has a shape that refers back to itself. {ADVICE}")
        on_path.add(element)
        stack.append((element, True))
        stack.extend((d, False) for d in deps if d not in sizes)


def _drawn_children(element: ET.Element, ids: dict[str | None, ET.Element]) -> list[ET.Element]:
    children = list(element)
    if _split(element.tag)[1] == "use":
        target = ids.get((element.get("href") or "")[1:])
        if target is not None:
            children.append(target)
    return children


def _render_size(root: ET.Element) -> tuple[int, int]:
    """Fix the root's pixel size to NORMALISED_MAX_PX on the longest side, keeping its aspect ratio.

    A missing viewBox is added from the width and height, so the drawing scales instead of
    staying at its original size in the corner of a larger canvas.
    """
    width, height = _intrinsic_size(root)
    if _viewbox(root.get("viewBox")) is None:
        root.set("viewBox", f"0 0 {width:.6g} {height:.6g}")
    scale = NORMALISED_MAX_PX / max(width, height)
    width_px, height_px = max(1, round(width * scale)), max(1, round(height * scale))
    root.set("width", str(width_px))
    root.set("height", str(height_px))
    return width_px, height_px


def _intrinsic_size(root: ET.Element) -> tuple[float, float]:
    """The SVG's own size in user units (px), as a browser would show it."""
    viewbox = _viewbox(root.get("viewBox"))
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return width, height
    if viewbox:
        vb_width, vb_height = viewbox[2], viewbox[3]
        if width:
            return width, width * vb_height / vb_width
        if height:
            return height * vb_width / vb_height, height
        return vb_width, vb_height
    return width or DEFAULT_SVG_SIZE, height or DEFAULT_SVG_SIZE


def _length(value: str | None) -> float | None:
    """An absolute length in px; percentages and nonsense give ``None``."""
    if value is None or len(value) > _MAX_LENGTH_TEXT:
        return None
    match = _LENGTH.fullmatch(value)
    if not match:
        return None
    px = float(match.group(1)) * _UNIT_PX[match.group(2) or ""]
    return px if math.isfinite(px) and px > 0 else None


def _viewbox(value: str | None) -> tuple[float, float, float, float] | None:
    parts = (value or "").replace(",", " ").split()
    if len(parts) != 4:
        return None
    try:
        x, y, width, height = (float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (x, y, width, height)) or width <= 0 or height <= 0:
        return None
    return x, y, width, height
