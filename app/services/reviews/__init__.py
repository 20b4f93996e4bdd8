"""Proof review: decisions by the buyer's side and by staff, and everything around them.

One module per job: ``decisions`` (approve or ask for changes; both approvals make an order),
``comments`` (the thread), ``rules`` (the organisation's approval threshold and paper size),
``guests`` (share-link guests), ``openness`` (when a proof is open for decision), ``page``
(the review and guest pages as page objects), ``progress`` (where a design stands), ``queue`` (the staff's
queue and logo preflight) and ``record`` (the approval record's data). ``common`` holds what
several of them share. Callers use the names below, as ``reviews.<name>``.
"""

from app.services.reviews.comments import ThreadEntry, add_comment, add_guest_comment, thread
from app.services.reviews.common import COLLEAGUE, COMMENT_MAX, approvals, get_proof, side_of
from app.services.reviews.decisions import decide, guest_approve
from app.services.reviews.guests import Guest, clean_guest, guest_may_approve
from app.services.reviews.openness import Closed, why_closed
from app.services.reviews.page import (
    GuestReviewPage,
    MayDecide,
    ReviewPage,
    guest_review_page,
    proof_by_version,
    review_page,
)
from app.services.reviews.progress import (
    Approvals,
    SentBack,
    Standing,
    approved_by,
    decision_summary,
    sent_back,
    standing,
)
from app.services.reviews.queue import logo_facts, pending_staff_review, preflight, staff_queue
from app.services.reviews.record import approval_record
from app.services.reviews.rules import (
    may_approve_for_buyer,
    needs_approver,
    parse_threshold,
    proof_total,
    set_page_size,
    set_threshold,
)

__all__ = [
    "COLLEAGUE",
    "COMMENT_MAX",
    "Approvals",
    "Closed",
    "Guest",
    "GuestReviewPage",
    "MayDecide",
    "ReviewPage",
    "SentBack",
    "Standing",
    "ThreadEntry",
    "add_comment",
    "add_guest_comment",
    "approval_record",
    "approvals",
    "approved_by",
    "clean_guest",
    "decide",
    "decision_summary",
    "get_proof",
    "guest_approve",
    "guest_may_approve",
    "guest_review_page",
    "logo_facts",
    "may_approve_for_buyer",
    "needs_approver",
    "parse_threshold",
    "pending_staff_review",
    "preflight",
    "proof_by_version",
    "proof_total",
    "review_page",
    "sent_back",
    "set_page_size",
    "set_threshold",
    "side_of",
    "staff_queue",
    "standing",
    "thread",
    "why_closed",
]
