"""Rasterise a cleaned SVG with resvg in a child process with memory and time limits.

Cleaning bounds what an SVG may *contain*, but not what it costs to *draw*: in our measurements
200 blurred rectangles took 100 s at 3000 px, one ``feTurbulence`` 11 s, and a 100000-pixel
canvas made resvg abort the whole process on a failed allocation. A child process with
``RLIMIT_AS``/``RLIMIT_CPU`` and a wall-clock timeout turns all of these into a refusal, and an
abort there cannot take down the web or Celery worker. Starting it costs about 20 ms.

The child gets only the SVG text and our own font files (no system font scan, no resources
directory), so nothing is read from disk on the SVG's behalf.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

from proofs import fonts
from proofs.logo.errors import LogoError
from proofs.logo.svg import ADVICE, PreparedSvg

RENDER_TIMEOUT_S = 10
RENDER_MEMORY_BYTES = 512 * 1024 * 1024
"""Address space for the child: a 3000 px drawing with layers and blur needs under 128 MB."""
CHILD = Path(__file__).with_name("_resvg_child.py")
INVALID_SVG = 3

SANS = "Noto Sans"
SERIF = "Noto Serif"
_FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-Italic.ttf",
    "NotoSans-BoldItalic.ttf",
    "NotoSerif-Regular.ttf",
    "NotoSerif-Bold.ttf",
    "NotoSerif-Italic.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "DejaVuSans.ttf",
)


def rasterise(svg: PreparedSvg) -> bytes:
    """Return resvg's PNG for ``svg`` at its prepared size, or raise :class:`LogoError`."""
    request = {
        "svg": svg.text,
        "width": svg.width_px,
        "height": svg.height_px,
        "fonts": list(font_files()),
        "family": SANS,
        "serif": SERIF,
    }
    cpu_seconds = math.ceil(RENDER_TIMEOUT_S) + 1
    argv = [sys.executable, "-I", str(CHILD), str(int(RENDER_MEMORY_BYTES)), str(cpu_seconds)]
    try:
        done = subprocess.run(  # noqa: S603 - our own script, argv fixed, input on stdin
            argv,
            input=json.dumps(request).encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise _too_complex() from exc
    if done.returncode == INVALID_SVG:
        raise LogoError(
            f"We couldn't draw this SVG; it may be damaged or use features we don't support. {ADVICE}"
        )
    if done.returncode != 0 or not done.stdout:
        raise _too_complex()
    return done.stdout


def _child_environment() -> dict[str, str]:
    """Nothing from our environment (secrets live there) except what the interpreter may need to start."""
    return {key: value for key in ("LD_LIBRARY_PATH",) if (value := os.environ.get(key))}


def _too_complex() -> LogoError:
    return LogoError(
        "This SVG is too complex for us to draw (heavy effects or very many shapes). "
        "Please simplify it or upload a PNG of at least 2000 pixels across."
    )


@functools.cache
def font_files() -> tuple[str, ...]:
    """Our Noto faces, for logos that still contain live text (found once per process)."""
    found = (fonts.font_path(name) for name in _FONT_FILES)
    return tuple(str(path) for path in found if path is not None)
