"""Card book benchmark: ``.venv/bin/python -m bench.cardbook`` (also part of ``make bench``).

1,000 cards, every one different (ten scripts, emoji, names and numbers), into one card book,
beside baselines measured in the same run, all as medians:

- the naive way: one WeasyPrint document per card, then merged with pypdf (timed on a sample
  of different cards; its cost per card does not depend on the book's length);
- a warm headless Chromium (Debian's, through Playwright) printing one 1,000-page document
  of the same pages;
- for reference, WeasyPrint laying out the 1,000 pages as one document, once.

The fast path runs in this process (1 process) and on a pool of 2 warm worker processes
sharing the book's chunks, and the peak memory (RSS) of a fresh process rendering 1,000 and
5,000 cards is measured in subprocesses.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARDS = 1000
NAIVE_SAMPLE = 60
SPEEDUP_NAIVE, SPEEDUP_CHROMIUM, MEMORY_GROWTH = 18.0, 1.6, 1.2


def _median_s(fn: Callable[[], object], runs: int, warm: int = 1) -> float:
    for _ in range(warm):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def naive_cards_per_s(runs: int = 3) -> float:
    """One WeasyPrint document per card (warm process), merged with pypdf."""
    from pypdf import PdfWriter

    from bench.cardbook_cards import make_request
    from proofs.cardbook.html import render_reference_pdf

    request = make_request(CARDS)
    offset = iter(range(0, CARDS, NAIVE_SAMPLE))

    def book() -> None:
        start = next(offset, 0)  # every run renders cards not rendered before
        writer = PdfWriter()
        for i in range(start, start + NAIVE_SAMPLE):
            writer.append(io.BytesIO(render_reference_pdf(request, i, i + 1)))
        writer.write(io.BytesIO())

    return NAIVE_SAMPLE / _median_s(book, runs)


def weasyprint_one_document_s() -> float:
    from bench.cardbook_cards import make_request
    from proofs.cardbook.html import render_reference_pdf

    request = make_request(CARDS)
    started = time.perf_counter()
    render_reference_pdf(request)
    return time.perf_counter() - started


def chromium_s(runs: int = 3) -> float | None:
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        print("  (chromium not installed: browser baseline skipped)")
        return None
    from playwright.sync_api import sync_playwright

    from bench.cardbook_cards import make_request
    from proofs.cardbook import html
    from tests.services import CHROMIUM_ARGS

    request = make_request(CARDS)
    page_html = html.render_html(request, list(request.cards))
    document = page_html.replace("</head>", f"<style>{html.stylesheet_text(request)}</style></head>")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        page = browser.new_page()

        def print_book() -> None:
            page.set_content(document, wait_until="load")
            pdf = page.pdf(print_background=True, prefer_css_page_size=True)
            assert pdf.count(b"/Type /Page\n") >= CARDS or len(pdf) > CARDS * 500

        seconds = _median_s(print_book, runs)
        browser.close()
    return seconds


def _warm_worker() -> None:
    from bench.cardbook_cards import make_request
    from proofs.cardbook.fast import render_chunk

    render_chunk(make_request(CARDS), 0, 20)  # the frame and every script's fonts, as a warm worker has


def _chunk(args: tuple[object, int, int]) -> bytes:
    from proofs.cardbook.fast import render_chunk

    request, start, stop = args
    return render_chunk(request, start, stop)  # type: ignore[arg-type]


def fast_s(processes: int, runs: int = 5) -> tuple[float, int]:
    """Seconds for the whole book (chunks on ``processes`` warm workers, then assembled) and its size."""
    from bench.cardbook_cards import make_request
    from proofs.cardbook.fast import assemble, render_card_book_pdf

    request = make_request(CARDS)
    size = 0
    if processes == 1:
        _warm_worker()

        def book() -> None:
            nonlocal size
            size = len(render_card_book_pdf(request))

        return _median_s(book, runs), size
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_warm_worker) as pool:

        def pooled() -> None:
            nonlocal size
            chunks = pool.map(
                _chunk, [(request, start, stop) for start, stop in request.chunks()], chunksize=1
            )
            size = len(assemble(chunks, title=request.title))

        seconds = _median_s(pooled, runs)
    return seconds, size


def contact_sheet_cards_per_s(cards: int = 200) -> float:
    from bench.cardbook_cards import make_request
    from proofs.cardbook import contact_sheet_ranges, render_contact_sheet

    request = make_request(cards)
    render_contact_sheet(request, 0, 10)
    started = time.perf_counter()
    for start, stop in contact_sheet_ranges(request):
        render_contact_sheet(request, start, stop)
    return cards / (time.perf_counter() - started)


def peak_rss_mb(cards: int) -> float:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.cardbook", "--memory", str(cards)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(proc.stdout.strip().splitlines()[-1])


def _memory_child(cards: int) -> None:
    from bench.cardbook_cards import make_request
    from proofs.cardbook.fast import render_card_book_pdf

    pdf = render_card_book_pdf(make_request(cards))
    assert len(pdf) > cards
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent.
    status = Path("/proc/self/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    print(f"{peak_kb / 1024:.1f}")


def run() -> dict[str, float]:
    print(f"Card book, {CARDS:,} different cards (medians):")
    out: dict[str, float] = {}
    out["naive"] = naive_cards_per_s()
    print(f"  naive: a WeasyPrint document per card, pypdf merge  {out['naive']:8.1f} cards/s  baseline")
    browser = chromium_s()
    if browser is not None:
        out["chromium"] = CARDS / browser
        print(
            f"  warm headless Chromium, one {CARDS:,}-page document  {out['chromium']:8.1f} cards/s  baseline"
        )
    one_doc = weasyprint_one_document_s()
    out["weasyprint_one"] = CARDS / one_doc
    print(
        f"  WeasyPrint, one {CARDS:,}-page document (once)       {out['weasyprint_one']:8.1f} cards/s  "
        f"{out['weasyprint_one'] / out['naive']:.1f}x naive"
    )
    one, size = fast_s(1)
    out["fast_1"] = CARDS / one
    print(
        f"  fast path, 1 process                              {out['fast_1']:8.1f} cards/s  "
        f"{one:.2f} s, {size / 1e6:.1f} MB"
    )
    two, size = fast_s(2)
    out["fast_2"] = CARDS / two
    print(
        f"  fast path, 2 processes (chunks of 250, assembled) {out['fast_2']:8.1f} cards/s  "
        f"{two:.2f} s, {size / 1e6:.1f} MB"
    )
    out["sheets"] = contact_sheet_cards_per_s()
    print(
        f"  contact sheets (Pillow thumbnails), 1 process     {out['sheets']:8.1f} cards/s  not in the book's time"
    )
    rss_1000, rss_5000 = peak_rss_mb(1000), peak_rss_mb(5000)
    out["rss_1000"], out["rss_5000"] = rss_1000, rss_5000
    print(f"  peak RSS, fresh process, 1,000 cards              {rss_1000:8.1f} MB")
    print(f"  peak RSS, fresh process, 5,000 cards              {rss_5000:8.1f} MB")

    print("\nCard book ratios (higher is better, except memory):")
    best = max(out["fast_1"], out["fast_2"])
    print(
        f"  fast (2 processes) / naive        {out['fast_2'] / out['naive']:6.1f}x   (target >= {SPEEDUP_NAIVE:g}x)"
    )
    print(f"  fast (1 process) / naive          {out['fast_1'] / out['naive']:6.1f}x")
    if browser is not None:
        print(
            f"  fast (2 processes) / Chromium     {out['fast_2'] / out['chromium']:6.2f}x   "
            f"(target >= {SPEEDUP_CHROMIUM:g}x)"
        )
        print(f"  fast (1 process) / Chromium       {out['fast_1'] / out['chromium']:6.2f}x")
    print(f"  2 processes / 1 process           {out['fast_2'] / out['fast_1']:6.2f}x")
    print(f"  best fast / one WeasyPrint doc    {best / out['weasyprint_one']:6.1f}x")
    print(f"  RSS 5,000 / 1,000 cards           {rss_5000 / rss_1000:6.2f}x   (target <= {MEMORY_GROWTH:g}x)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        _memory_child(args.memory)
        return
    run()


if __name__ == "__main__":
    main()
