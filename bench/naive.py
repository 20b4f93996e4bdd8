"""The naive baseline, run in a fresh interpreter: no warm-up, no caches, no logo pre-scaling.

The logo goes into the mockup and the PDF at its uploaded size, the mockup is embedded as a
PNG (which WeasyPrint decodes and re-encodes), and every import, font and artwork raster is
loaded cold. Prints the milliseconds the render took, imports included.
"""

from __future__ import annotations

import io
import sys
import time


def main(side: int) -> None:
    from bench.common import logo_png

    raw = logo_png(side, side if side >= 6000 else side * 2 // 5)
    started = time.perf_counter()
    from PIL import Image

    from bench.common import typical_request
    from configurator.catalog import load_catalog
    from proofs import mockup, pdf
    from proofs.logo import PrintLogo

    catalog = load_catalog()
    request = typical_request(catalog, logo=raw)
    with Image.open(io.BytesIO(raw)) as img:
        logo = img.convert("RGBA")
    canvas = mockup.compose(request.spec, catalog, (1600, 1200), logo)
    png = mockup.encode_png(canvas)
    pdf.render_proof_pdf(pdf.ProofPages(request, mockup=png, logo=PrintLogo(png=raw, source_px=logo.size)))
    print(f"{(time.perf_counter() - started) * 1000:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
