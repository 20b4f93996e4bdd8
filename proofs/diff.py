"""A visual diff of two mockups: what changed between proof versions, highlighted.

Mockups are deterministic (same spec, same bytes), so any differing pixel is a real change.
The difference is thresholded, pooled into a coarse grid of cells, and neighbouring changed
cells are joined into rectangular regions; the output image shows the new mockup faded, with
changed pixels in their true colours and each region boxed and numbered to match the list on the page.
Pure Pillow: bytes in, bytes out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

MAX_PIXELS = 16_000_000
THRESHOLD = 24
"""Per-pixel difference (0-255, luminance of the RGB difference) below which we call it unchanged."""
CELL = 16
"""Pixels per grid cell when joining changed pixels into regions."""
GAP = 2
"""Changed cells this many cells apart still belong to one region (a letter's strokes, a ribbon's edges)."""
HIGHLIGHT = (214, 0, 110)


@dataclass(frozen=True)
class Region:
    number: int
    x: int
    y: int
    width: int
    height: int
    where: str
    """Where in the picture, in words: "top left", "centre", "bottom right"…"""
    share: float
    """Fraction of the whole picture this region's box covers."""

    def to_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
            "where": self.where,
            "share": round(self.share, 4),
        }


@dataclass(frozen=True)
class VisualDiff:
    png: bytes
    regions: tuple[Region, ...]
    changed_fraction: float
    """Fraction of pixels that differ at all (above the threshold)."""


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > MAX_PIXELS:
        raise ValueError("mockup is too large to compare")
    image.load()
    return image.convert("RGB")


def _where(cx: float, cy: float, width: int, height: int) -> str:
    col = ("left", "", "right")[min(2, int(3 * cx / width))]
    row = ("top", "", "bottom")[min(2, int(3 * cy / height))]
    return " ".join(p for p in (row, col) if p) or "centre"


def _components(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Join cells that lie within GAP of each other; return (x0, y0, x1, y1) boxes in cells."""
    boxes = []
    seen: set[tuple[int, int]] = set()
    for start in sorted(cells):
        if start in seen:
            continue
        seen.add(start)
        stack = [start]
        x0 = x1 = start[0]
        y0 = y1 = start[1]
        while stack:
            cx, cy = stack.pop()
            x0, x1, y0, y1 = min(x0, cx), max(x1, cx), min(y0, cy), max(y1, cy)
            for dx in range(-GAP, GAP + 1):
                for dy in range(-GAP, GAP + 1):
                    n = (cx + dx, cy + dy)
                    if n in cells and n not in seen:
                        seen.add(n)
                        stack.append(n)
        boxes.append((x0, y0, x1 + 1, y1 + 1))
    return boxes


def _merge_overlapping(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes of separate components can still overlap; one box per area reads better."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                a, b = merged[i], merged[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    merged[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return merged


def visual_diff(old_png: bytes, new_png: bytes) -> VisualDiff:
    """Compare two mockups: the new one faded, with changed areas in true colour, boxed and numbered."""
    old, new = _open(old_png), _open(new_png)
    if old.size != new.size:
        old = old.resize(new.size, Image.Resampling.LANCZOS)
    width, height = new.size
    mask = ImageChops.difference(old, new).convert("L").point(lambda v: 255 if v >= THRESHOLD else 0)
    histogram = mask.histogram()
    changed_fraction = histogram[255] / (width * height)

    grid_w, grid_h = -(-width // CELL), -(-height // CELL)
    padded = Image.new("L", (grid_w * CELL, grid_h * CELL), 0)
    padded.paste(mask, (0, 0))
    pooled = padded.reduce(CELL)  # mean of each cell; > 0 means at least one changed pixel
    data = pooled.tobytes()
    cells = {(i % grid_w, i // grid_w) for i, v in enumerate(data) if v > 0}
    boxes = sorted(_merge_overlapping(_components(cells)), key=lambda b: (b[1], b[0]))

    regions = []
    for number, (x0, y0, x1, y1) in enumerate(boxes, start=1):
        px0, py0 = x0 * CELL, y0 * CELL
        px1, py1 = min(width, x1 * CELL), min(height, y1 * CELL)
        regions.append(
            Region(
                number=number,
                x=px0,
                y=py0,
                width=px1 - px0,
                height=py1 - py0,
                where=_where((px0 + px1) / 2, (py0 + py1) / 2, width, height),
                share=(px1 - px0) * (py1 - py0) / (width * height),
            )
        )

    # Changed pixels keep their true colours (the buyer checks the new ribbon, not a tint of it);
    # everything unchanged fades back. The mask is widened a little so anti-aliased edges show whole.
    faded = Image.blend(new, Image.new("RGB", new.size, (255, 255, 255)), 0.6)
    out = Image.composite(new, faded, mask.filter(ImageFilter.MaxFilter(5)))
    draw = ImageDraw.Draw(out)
    stroke = max(3, width // 320)
    font = ImageFont.load_default(size=max(14, width // 45))
    for region in regions:
        pad = stroke * 2
        box = (
            max(0, region.x - pad),
            max(0, region.y - pad),
            min(width - 1, region.x + region.width + pad),
            min(height - 1, region.y + region.height + pad),
        )
        draw.rectangle(box, outline=HIGHLIGHT, width=stroke)
        label = str(region.number)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        tag_w, tag_h = right - left + 2 * pad, bottom - top + 2 * pad
        tx = box[0]
        ty = box[1] - tag_h if box[1] - tag_h >= 0 else box[1]
        draw.rectangle((tx, ty, tx + tag_w, ty + tag_h), fill=HIGHLIGHT)
        draw.text((tx + pad - left, ty + pad - top), label, fill=(255, 255, 255), font=font)

    buffer = io.BytesIO()
    out.save(buffer, format="PNG", optimize=False)
    return VisualDiff(png=buffer.getvalue(), regions=tuple(regions), changed_fraction=changed_fraction)
