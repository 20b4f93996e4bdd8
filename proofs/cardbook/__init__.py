"""The card book: every recipient's card at actual size, one per page, and contact sheets.

The app calls :func:`render_card_book` for a small book, or splits a large one into
``request.chunks()``, has workers run :func:`render_chunk` on each (any order, any process;
a finished chunk is stored under ``request.chunk_key(start, stop)`` and reused when a book is
resumed) and joins them with :func:`assemble`. Contact sheets are drawn per
:func:`contact_sheet_ranges` with :func:`render_contact_sheet`.
"""

from __future__ import annotations

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
]


def render_card_book(request: CardBookRequest) -> RenderedCardBook:
    """The whole book and its contact sheets, in this process."""
    return RenderedCardBook(
        pdf=render_card_book_pdf(request),
        contact_sheets=tuple(render_contact_sheet(request, a, b) for a, b in contact_sheet_ranges(request)),
    )
