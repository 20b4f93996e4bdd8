"""Geometry and greyscale layers of the mockup scene: lid, ribbon and bow, box, tissue paper.

Everything is laid out in a 1600x1200 design space and rasterised by resvg straight at the
target scale, so a thumbnail is the same picture, not a blurry downscale. Layers are drawn in
greys and cached per (box size, scale); a render only tints them (see ``proofs.artwork``), so
changing a colour in the wizard does not pay for rasterising again.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass

import resvg_py
from PIL import Image

DESIGN_W, DESIGN_H = 1600, 1200
BOX_CENTRE = (700.0, 640.0)
LID_OFFSET = (250.0, -200.0)
LID_ANGLE = -5.0
RIM = 16.0
WALL = 34.0


@dataclass(frozen=True)
class Frame:
    """Maps design units onto pixels of a canvas of any size (centred, aspect kept)."""

    width: int
    height: int

    @property
    def scale(self) -> float:
        return min(self.width / DESIGN_W, self.height / DESIGN_H)

    def point(self, x: float, y: float) -> tuple[float, float]:
        s = self.scale
        return (self.width - DESIGN_W * s) / 2 + x * s, (self.height - DESIGN_H * s) / 2 + y * s

    def px(self, length: float) -> int:
        return max(1, round(length * self.scale))


@dataclass(frozen=True)
class BoxGeometry:
    """The box outline in design units, derived from its size in inches."""

    width: float
    depth: float

    @classmethod
    def for_inches(cls, inches: tuple[float, ...]) -> BoxGeometry:
        w, d = (float(inches[0]), float(inches[1])) if len(inches) >= 2 else (10.0, 8.0)
        w, d = max(2.0, min(w, 24.0)), max(2.0, min(d, 24.0))
        # Bigger boxes look bigger, but every box fills most of the picture.
        per_inch = 75.0 * (1 + (12 - min(w, 12)) * 0.06)
        per_inch = min(per_inch, 900 / w, 760 / d)
        return cls(w * per_inch, d * per_inch)

    @property
    def outer(self) -> tuple[float, float, float, float]:
        cx, cy = BOX_CENTRE
        return cx - self.width / 2, cy - self.depth / 2, cx + self.width / 2, cy + self.depth / 2

    @property
    def opening(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.outer
        return x0 + RIM, y0 + RIM, x1 - RIM, y1 - RIM

    @property
    def floor(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.opening
        return x0 + WALL, y0 + WALL, x1 - WALL, y1 - WALL

    @property
    def lid_centre(self) -> tuple[float, float]:
        return BOX_CENTRE[0] + LID_OFFSET[0], BOX_CENTRE[1] + LID_OFFSET[1]

    @property
    def bow_local(self) -> tuple[float, float]:
        """Where the ribbon bands cross, in lid coordinates (visible above and right of the box)."""
        return self.width / 2 - 140, -self.depth / 2 + 115

    @property
    def bow(self) -> tuple[float, float]:
        return rotate(self.bow_local, LID_ANGLE, self.lid_centre)


def rotate(p: tuple[float, float], degrees: float, about: tuple[float, float]) -> tuple[float, float]:
    a = math.radians(degrees)
    x, y = p
    return (
        about[0] + x * math.cos(a) - y * math.sin(a),
        about[1] + x * math.sin(a) + y * math.cos(a),
    )


@dataclass(frozen=True)
class Layer:
    """A greyscale+alpha raster and where its top-left corner sits on the canvas, in pixels."""

    image: Image.Image
    x: int
    y: int


def _rasterise(body: str, bbox: tuple[float, float, float, float], frame: Frame) -> Layer:
    """Render SVG ``body`` (design units) clipped to ``bbox`` at the frame's scale."""
    x0, y0 = frame.point(bbox[0], bbox[1])
    x1, y1 = frame.point(bbox[2], bbox[3])
    left, top = math.floor(x0), math.floor(y0)
    w, h = max(1, math.ceil(x1) - left), max(1, math.ceil(y1) - top)
    s = frame.scale
    # viewBox snapped to whole pixels so layers line up exactly at every size.
    vx, vy = bbox[0] - (x0 - left) / s, bbox[1] - (y0 - top) / s
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="{vx:.3f} {vy:.3f} {w / s:.3f} {h / s:.3f}">{body}</svg>'
    )
    png = resvg_py.svg_to_bytes(svg_string=svg, width=w, height=h, skip_system_fonts=True)
    with Image.open(io.BytesIO(bytes(png))) as img:
        rgba = img.convert("RGBA")
    return Layer(Image.merge("LA", (rgba.convert("L"), rgba.getchannel("A"))), left, top)


def _lid_group(geo: BoxGeometry, inner: str) -> str:
    cx, cy = geo.lid_centre
    return f'<g transform="translate({cx:.2f} {cy:.2f}) rotate({LID_ANGLE})">{inner}</g>'


def _lid_bbox(geo: BoxGeometry, margin: float) -> tuple[float, float, float, float]:
    w, d = geo.width / 2 + 7 + margin, geo.depth / 2 + 7 + margin
    corners = [rotate((sx * w, sy * d), LID_ANGLE, geo.lid_centre) for sx in (-1, 1) for sy in (-1, 1)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


@functools.lru_cache(maxsize=48)
def lid_layer(geo: BoxGeometry, frame: Frame) -> Layer:
    """The lid, lying upside up behind the box."""
    w, d = geo.width + 14, geo.depth + 14
    x, y = -w / 2, -d / 2
    inner = (
        f'<rect x="{x}" y="{y}" width="{w}" height="{d}" rx="10" fill="#b4b4b4"/>'
        f'<rect x="{x}" y="{y}" width="{w - 6}" height="{d - 8}" rx="10" fill="#d0d0d0"/>'
        f'<path d="M{x + 10} {y + 4} H{x + w - 16} M{x + 4} {y + 10} V{y + d - 18}" '
        'stroke="#e6e6e6" stroke-width="4" stroke-linecap="round"/>'
    )
    return _rasterise(_lid_group(geo, inner), _lid_bbox(geo, 4), frame)


@functools.lru_cache(maxsize=48)
def ribbon_layer(geo: BoxGeometry, frame: Frame) -> Layer:
    """Two bands across the lid and a bow where they cross."""
    w, d = geo.width + 14, geo.depth + 14
    bx, by = geo.bow_local
    band = 54
    bands = (
        f'<rect x="{bx - band / 2}" y="{-d / 2}" width="{band}" height="{d - 8}" fill="#d0d0d0"/>'
        f'<rect x="{-w / 2}" y="{by - band / 2}" width="{w - 6}" height="{band}" fill="#d0d0d0"/>'
        f'<path d="M{bx - band / 2 + 3} {-d / 2} V{d / 2 - 8} M{bx + band / 2 - 3} {-d / 2} V{d / 2 - 8} '
        f'M{-w / 2} {by - band / 2 + 3} H{w / 2 - 6} M{-w / 2} {by + band / 2 - 3} H{w / 2 - 6}" '
        'stroke="#b0b0b0" stroke-width="3"/>'
        f'<path d="M{bx - 8} {-d / 2} V{d / 2 - 8} M{-w / 2} {by - 8} H{w / 2 - 6}" '
        'stroke="#eaeaea" stroke-width="6" opacity="0.7"/>'
    )
    bow = (
        f'<g transform="translate({bx} {by}) scale(1.3)">'
        # tails first, so the loops sit on top of them
        '<path d="M-6 10 L-70 120 L-52 116 L-46 134 L12 16 Z" fill="#b8b8b8"/>'
        '<path d="M6 10 L58 128 L66 112 L84 116 L18 4 Z" fill="#c4c4c4"/>'
        '<path d="M0 0 C-40 -70 -130 -64 -118 -8 C-110 30 -50 26 0 0 Z" fill="#d0d0d0"/>'
        '<path d="M0 0 C40 -70 130 -64 118 -8 C110 30 50 26 0 0 Z" fill="#d0d0d0"/>'
        '<path d="M-8 -4 C-40 -40 -92 -40 -96 -10 C-70 -14 -38 -8 -8 -4 Z" fill="#a4a4a4"/>'
        '<path d="M8 -4 C40 -40 92 -40 96 -10 C70 -14 38 -8 8 -4 Z" fill="#a4a4a4"/>'
        '<path d="M-20 -40 C-50 -54 -90 -50 -104 -26" stroke="#ececec" stroke-width="5" '
        'fill="none" stroke-linecap="round" opacity="0.8"/>'
        '<path d="M20 -40 C50 -54 90 -50 104 -26" stroke="#ececec" stroke-width="5" '
        'fill="none" stroke-linecap="round" opacity="0.8"/>'
        '<rect x="-20" y="-18" width="40" height="36" rx="12" fill="#c0c0c0"/>'
        '<rect x="-14" y="-12" width="20" height="12" rx="6" fill="#e2e2e2"/>'
        "</g>"
    )
    x0, y0, x1, y1 = _lid_bbox(geo, 4)
    gx, gy = geo.bow
    bbox = (min(x0, gx - 180), min(y0, gy - 120), max(x1, gx + 180), max(y1, gy + 200))
    return _rasterise(_lid_group(geo, bands + bow), bbox, frame)


@functools.lru_cache(maxsize=48)
def box_layer(geo: BoxGeometry, frame: Frame) -> Layer:
    """The open box from above: rim, inner walls in light and shade, floor."""
    x0, y0, x1, y1 = geo.outer
    o0, p0, o1, p1 = geo.opening
    f0, g0, f1, g1 = geo.floor
    body = (
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="8" fill="#d0d0d0"/>'
        f'<path d="M{x0 + 6} {y0 + 3} H{x1 - 8} M{x0 + 3} {y0 + 6} V{y1 - 8}" stroke="#ececec" '
        'stroke-width="4" stroke-linecap="round"/>'
        f'<path d="M{x0 + 8} {y1 - 2} H{x1 - 3} V{y0 + 8}" stroke="#a8a8a8" stroke-width="4" fill="none"/>'
        f'<rect x="{o0}" y="{p0}" width="{o1 - o0}" height="{p1 - p0}" fill="#b8b8b8"/>'
        f'<path d="M{o0} {p0} H{o1} L{f1} {g0} H{f0} Z" fill="#8a8a8a"/>'
        f'<path d="M{o0} {p0} L{f0} {g0} V{g1} L{o0} {p1} Z" fill="#9a9a9a"/>'
        f'<path d="M{o1} {p0} L{f1} {g0} V{g1} L{o1} {p1} Z" fill="#c8c8c8"/>'
        f'<path d="M{o0} {p1} L{f0} {g1} H{f1} L{o1} {p1} Z" fill="#dadada"/>'
    )
    return _rasterise(body, (x0 - 2, y0 - 2, x1 + 2, y1 + 2), frame)


def _tissue_outline(geo: BoxGeometry) -> str:
    """A crumpled sheet edge: a wave along the inner walls, the same for every render."""
    o0, p0, o1, p1 = geo.opening
    inset = WALL * 0.45
    x0, y0, x1, y1 = o0 + inset, p0 + inset, o1 - inset, p1 - inset
    pts: list[tuple[float, float]] = []
    for side, (ax, ay, bx, by) in enumerate(
        ((x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0))
    ):
        length = math.hypot(bx - ax, by - ay)
        steps = max(6, int(length / 56))
        nx, ny = (by - ay) / length, -(bx - ax) / length  # outward normal
        for i in range(steps):
            t = i / steps
            wave = 8 * math.sin(i * 2.1 + side) + 6 * math.sin(i * 5.3 + side * 2)
            pts.append((ax + (bx - ax) * t + nx * wave, ay + (by - ay) * t + ny * wave))
    # Quadratic curves through the midpoints make soft bumps instead of a saw edge.
    mids = [((x + pts[i - 1][0]) / 2, (y + pts[i - 1][1]) / 2) for i, (x, y) in enumerate(pts)]
    path = [f"M{mids[0][0]:.1f} {mids[0][1]:.1f}"]
    for i in range(len(pts)):
        nxt = mids[(i + 1) % len(pts)]
        path.append(f"Q{pts[i][0]:.1f} {pts[i][1]:.1f} {nxt[0]:.1f} {nxt[1]:.1f}")
    return " ".join(path) + " Z"


@functools.lru_cache(maxsize=48)
def tissue_layer(geo: BoxGeometry, frame: Frame) -> Layer:
    """Tissue paper filling the box, with a few soft folds."""
    o0, p0, o1, p1 = geo.opening
    w, h = o1 - o0, p1 - p0
    folds = []
    for i, (fx, fy, shade) in enumerate(
        ((0.18, 0.3, "#e4e4e4"), (0.55, 0.15, "#bdbdbd"), (0.8, 0.62, "#e4e4e4"), (0.35, 0.78, "#c0c0c0"))
    ):
        cx, cy = o0 + w * fx, p0 + h * fy
        r = min(w, h) * (0.32 + 0.05 * i)
        folds.append(
            f'<path d="M{cx:.1f} {cy:.1f} L{cx + r:.1f} {cy - r * 0.35:.1f} L{cx + r * 0.6:.1f} {cy + r * 0.55:.1f} Z" '
            f'fill="{shade}" opacity="0.55"/>'
        )
        folds.append(
            f'<path d="M{cx:.1f} {cy:.1f} Q{cx + r * 0.4:.1f} {cy + r * 0.1:.1f} {cx + r * 0.9:.1f} {cy + r * 0.3:.1f}" '
            'stroke="#ececec" stroke-width="3" fill="none" opacity="0.8"/>'
        )
    clip = f'<clipPath id="t"><path d="{_tissue_outline(geo)}"/></clipPath>'
    body = (
        f"<defs>{clip}</defs>"
        f'<path d="{_tissue_outline(geo)}" fill="#d0d0d0" stroke="#b4b4b4" stroke-width="3"/>'
        f'<g clip-path="url(#t)">{"".join(folds)}</g>'
    )
    return _rasterise(body, (o0 - 4, p0 - 4, o1 + 4, p1 + 4), frame)
