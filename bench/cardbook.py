"""Card book benchmark: ``.venv/bin/python -m bench.cardbook`` (also part of ``make bench``).

1,000 cards, every one different (ten scripts, emoji, names and numbers), into one card book,
beside baselines measured in the same run, all as medians:

- the naive way: one WeasyPrint document per card, then merged with pypdf (timed on a sample
  of different cards; its cost per card does not depend on the book's length);
- a warm headless Chromium (Debian's, through Playwright) printing one 1,000-page document
  of the same pages;
- for reference, WeasyPrint laying out the 1,000 pages as one document, once.

The fast path runs in this process (1 process) and on a pool of 2 warm worker processes
sharing the book's chunks. The four are timed one after the other in each of three rounds
(the machine is shared; interleaving keeps a busy minute from favouring one). Then the
contact sheets, and the peak memory (VmHWM) of a fresh process rendering 1,000 and 5,000
cards, each in a subprocess.

Linux shares the CPU fairly between sessions (autogroups), however many processes each runs:
while other sessions keep both cores busy, 2 worker processes get no more CPU than 1. So the
CPU seconds each way are printed too: the same work, which 2 processes finish in about half
the time once a core is free.
"""

from __future__ import annotations

import argparse
import contextlib
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CARDS = 1000
NAIVE_SAMPLE = 60
ROUNDS = 3
CHUNK_CARDS = 500  # proofs.cardbook.request.CHUNK_CARDS, the default the app gets
SPEEDUP_NAIVE, SPEEDUP_CHROMIUM, MEMORY_GROWTH = 18.0, 1.6, 1.2


def _seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


class Contenders:
    """Every way of making the book, warm, so rounds can time them one after the other.

    The machine is shared: load comes and goes over minutes. Timing each contender once per
    round, interleaved, and taking medians keeps a busy minute from favouring one of them.
    """

    def __init__(self, stack: contextlib.ExitStack) -> None:
        from bench.cardbook_cards import make_request
        from proofs.cardbook.fast import assemble, render_card_book_pdf
        from proofs.cardbook.html import render_reference_pdf

        self.request = make_request(CARDS)
        self._naive_start = 0
        self._reference, self._book, self._assemble = render_reference_pdf, render_card_book_pdf, assemble
        # The pool forks before Chromium starts: a fork never copies a process with its threads.
        self.pool = stack.enter_context(multiprocessing.get_context("fork").Pool(2, initializer=_warm_worker))
        _warm_worker()
        self.page = self._browser(stack)
        self.size = 0
        self.cpu = 0.0

    def _browser(self, stack: contextlib.ExitStack) -> Any:
        executable = (
            os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
        )
        if not executable:
            print("  (chromium not installed: browser baseline skipped)")
            return None
        from playwright.sync_api import sync_playwright

        from proofs.cardbook import html
        from tests.services import CHROMIUM_ARGS

        page_html = html.render_html(self.request, list(self.request.cards))
        self._document = page_html.replace(
            "</head>", f"<style>{html.stylesheet_text(self.request)}</style></head>"
        )
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        stack.callback(browser.close)
        return browser.new_page()

    def naive(self) -> None:
        """One WeasyPrint document per card (warm process), merged with pypdf; new cards each round."""
        from pypdf import PdfWriter

        start, self._naive_start = self._naive_start, (self._naive_start + NAIVE_SAMPLE) % CARDS
        writer = PdfWriter()
        for i in range(start, start + NAIVE_SAMPLE):
            writer.append(io.BytesIO(self._reference(self.request, i, i + 1)))
        writer.write(io.BytesIO())

    def chromium(self) -> None:
        self.page.set_content(self._document, wait_until="load")
        pdf = self.page.pdf(print_background=True, prefer_css_page_size=True)
        assert len(pdf) > CARDS * 500

    def fast_1(self) -> None:
        started = time.process_time()
        self.size = len(self._book(self.request))
        self.cpu = time.process_time() - started

    def fast_2(self) -> None:
        started = time.process_time()
        ranges = [(self.request, start, stop) for start, stop in self.request.chunks()]
        done = self.pool.map(_chunk, ranges, chunksize=1)
        self.size = len(self._assemble([pdf for pdf, _ in done], title=self.request.title))
        self.cpu = time.process_time() - started + sum(cpu for _, cpu in done)


def _warm_worker() -> None:
    from bench.cardbook_cards import make_request
    from proofs.cardbook.fast import render_chunk

    render_chunk(make_request(CARDS), 0, 20)  # the frame and every script's fonts, as a warm worker has


def _chunk(args: tuple[object, int, int]) -> tuple[bytes, float]:
    """A chunk made in a worker, and the CPU seconds it took there."""
    from proofs.cardbook.fast import render_chunk

    request, start, stop = args
    started = time.process_time()
    pdf = render_chunk(request, start, stop)  # type: ignore[arg-type]
    return pdf, time.process_time() - started


def interleaved(rounds: int = ROUNDS) -> dict[str, float]:
    """Cards per second of each contender: the median of ``rounds`` interleaved rounds."""
    samples: dict[str, list[float]] = {
        "naive": [],
        "chromium": [],
        "fast_1": [],
        "fast_2": [],
        "cpu_1": [],
        "cpu_2": [],
    }
    with contextlib.ExitStack() as stack:
        contenders = Contenders(stack)
        if contenders.page is not None:
            contenders.chromium()  # a warm browser: one print before timing
        contenders.fast_2()
        for _ in range(rounds):
            samples["naive"].append(NAIVE_SAMPLE / _seconds(contenders.naive))
            if contenders.page is not None:
                samples["chromium"].append(CARDS / _seconds(contenders.chromium))
            samples["fast_1"].append(CARDS / _seconds(contenders.fast_1))
            samples["cpu_1"].append(contenders.cpu)
            samples["fast_2"].append(CARDS / _seconds(contenders.fast_2))
            samples["cpu_2"].append(contenders.cpu)
        size = contenders.size
    out = {name: statistics.median(values) for name, values in samples.items() if values}
    out["size_mb"] = size / 1e6
    return out


def weasyprint_one_document_s() -> float:
    from bench.cardbook_cards import make_request
    from proofs.cardbook.html import render_reference_pdf

    return _seconds(lambda: render_reference_pdf(make_request(CARDS)))


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
    print(f"Card book, {CARDS:,} different cards (medians of {ROUNDS} interleaved rounds):")
    out = interleaved()
    print(f"  naive: a WeasyPrint document per card, pypdf merge  {out['naive']:8.1f} cards/s  baseline")
    if "chromium" in out:
        print(
            f"  warm headless Chromium, one {CARDS:,}-page document   {out['chromium']:8.1f} cards/s  baseline"
        )
    print(
        f"  fast path, 1 process                                {out['fast_1']:8.1f} cards/s  {out['size_mb']:.1f} MB"
    )
    print(f"  fast path, 2 processes (chunks of {CHUNK_CARDS}, assembled)   {out['fast_2']:8.1f} cards/s")
    print(
        f"  CPU for the book: 1 process {out['cpu_1']:.2f} s, 2 processes {out['cpu_2']:.2f} s in all "
        "(the same work: with a core free, 2 processes take about half the time)"
    )
    out["weasyprint_one"] = CARDS / weasyprint_one_document_s()
    print(
        f"  WeasyPrint, one {CARDS:,}-page document (once)         {out['weasyprint_one']:8.1f} cards/s  "
        f"{out['weasyprint_one'] / out['naive']:.1f}x naive"
    )
    out["sheets"] = contact_sheet_cards_per_s()
    print(
        f"  contact sheets (Pillow thumbnails), 1 process       {out['sheets']:8.1f} cards/s  not in the book's time"
    )
    rss_1000, rss_5000 = peak_rss_mb(1000), peak_rss_mb(5000)
    out["rss_1000"], out["rss_5000"] = rss_1000, rss_5000
    print(f"  peak RSS (VmHWM), fresh process, 1,000 cards        {rss_1000:8.1f} MB")
    print(f"  peak RSS (VmHWM), fresh process, 5,000 cards        {rss_5000:8.1f} MB")

    print("\nCard book ratios (higher is better, except memory):")
    print(
        f"  fast (2 processes) / naive        {out['fast_2'] / out['naive']:6.1f}x   (target >= {SPEEDUP_NAIVE:g}x)"
    )
    print(f"  fast (1 process) / naive          {out['fast_1'] / out['naive']:6.1f}x")
    if "chromium" in out:
        print(
            f"  fast (2 processes) / Chromium     {out['fast_2'] / out['chromium']:6.2f}x   "
            f"(target >= {SPEEDUP_CHROMIUM:g}x)"
        )
        print(f"  fast (1 process) / Chromium       {out['fast_1'] / out['chromium']:6.2f}x")
    print(
        f"  2 processes / 1 process           {out['fast_2'] / out['fast_1']:6.2f}x   (wall clock, on a shared machine)"
    )
    print(f"  CPU per book, 2 / 1 processes     {out['cpu_2'] / out['cpu_1']:6.2f}x")
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
