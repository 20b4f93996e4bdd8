"""The card book: every recipient's card at actual size, one per page, and contact sheets.

The app calls :func:`render_card_book` for a small book, or splits a large one into
``request.chunks()``, has workers run :func:`render_chunk` on each (any order, any process;
a finished chunk is stored under ``request.chunk_key(start, stop)`` and reused when a book is
resumed) and joins them with :func:`assemble`. Contact sheets are drawn per
:func:`contact_sheet_ranges` with :func:`render_contact_sheet`.
"""

from __future__ import annotations

import dataclasses
import time

from proofs.cardbook.fast import assemble, render_card_book_pdf, render_chunk
from proofs.cardbook.request import BookCard, CardBookRequest, CardLogo, RenderedCardBook
from proofs.cardbook.sheet import contact_sheet_ranges, render_contact_sheet

__all__ = [
    "BookCard",
    "CardBookRequest",
    "CardLogo",
    "RenderedCardBook",
    "assemble",
    "contact_sheet_ranges",
    "render_card_book",
    "render_card_book_pdf",
    "render_chunk",
    "render_contact_sheet",
    "warm_up",
]

# One line of every script a card may use (the proof's warm-up sample), so every font is opened.
_SAMPLE = BookCard(
    1, "Warm-up", "Zoë", "Καλώς ήρθατε. Добро пожаловать. مرحبا. שלום. 欢迎。ようこそ。환영합니다 🎁"
)


def warm_up(request: CardBookRequest | None = None) -> float:
    """Lay out a frame and open every script's fonts before the first book; returns the seconds taken.

    A worker that renders card books can call this at start (as ``proofs.warmup`` does for
    proofs), so the first chunk after a deploy costs what the next one does.
    """
    started = time.perf_counter()
    base = request or CardBookRequest(cards=(_SAMPLE,))
    render_chunk(dataclasses.replace(base, cards=(_SAMPLE,)), 0, 1)
    return time.perf_counter() - started


def render_card_book(request: CardBookRequest) -> RenderedCardBook:
    """The whole book and its contact sheets, in this process."""
    return RenderedCardBook(
        pdf=render_card_book_pdf(request),
        contact_sheets=tuple(render_contact_sheet(request, a, b) for a, b in contact_sheet_ranges(request)),
    )
