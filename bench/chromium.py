"""The browser baseline: a warm headless Chromium printing the same proof HTML to PDF."""

from __future__ import annotations

import base64
import statistics
import time

from proofs import pdf
from tests.services import CHROMIUM_ARGS

TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}


def self_contained_html(doc: pdf.ProofPages) -> str:
    """The proof HTML with its stylesheet inlined and every asset: URL as a data: URL."""
    html = pdf.render_html(doc)
    for name, data in pdf.assets(doc).items():
        kind = TYPES[name.rsplit(".", 1)[-1]]
        html = html.replace(f"asset:{name}", f"data:{kind};base64,{base64.b64encode(data).decode()}")
    style = (
        f"<style>{pdf._stylesheet_text()}@page {{ size: {pdf.PAGE_SIZES[doc.request.page_size]}; }}</style>"
    )
    return html.replace("</head>", style + "</head>")


def median_print_ms(executable: str, html: str, n: int = 10) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        page = browser.new_page()
        samples = []
        for i in range(n + 2):
            started = time.perf_counter()
            page.set_content(html, wait_until="load")
            page.pdf(format="Letter", print_background=True, prefer_css_page_size=True)
            if i >= 2:  # two warm-up prints
                samples.append(time.perf_counter() - started)
        browser.close()
    return statistics.median(samples) * 1000
