"""Every word of every document we print lies on its page and can be found by pdftotext.

Long item lists, 120-character words (design, organisation, message) and Japanese and Arabic
lines are where layouts break: a column runs off the page, a cell clips the end of a line.
"""

from __future__ import annotations

from datetime import date

from configurator.catalog import Catalog
from configurator.spec import ItemLine
from proofs.approval_record import render_approval_record
from proofs.documents import write_pdf
from proofs.mockup import render_mockup
from proofs.packing_slip import PackingSlip, SlipLine, render_packing_slip
from tests.proofs.conftest import make_spec, render_pdf
from tests.proofs.pdfwords import missing_words, outside, pages

LONG_WORD = "Supercalifragilistic" * 6  # 120 characters, no break opportunity
assert len(LONG_WORD) == 120
JAPANESE = "ご入社おめでとうございます。皆さまと一緒に働けることを心から楽しみにしています。どうぞよろしくお願いいたします。"
ARABIC = "شكرا لكم على عام رائع من العمل معا."
DESIGN = f"Welcome {LONG_WORD} box"
ORGANISATION = f"Acme {LONG_WORD} Ltd"
MESSAGE = f"Dear team,\n{LONG_WORD}\n{JAPANESE}\n{ARABIC}"


def _all_items(catalog: Catalog) -> tuple[ItemLine, ...]:
    return tuple(ItemLine(p.id, p.colours[0], 2) for p in catalog.products.values())


def _expected(catalog: Catalog) -> list[str]:
    names = [p.name for p in catalog.products.values()]
    return [DESIGN, ORGANISATION, LONG_WORD, JAPANESE, ARABIC, *names]


def _check(pdf: bytes, expected: list[str]) -> None:
    doc = pages(pdf)
    assert not outside(doc), "\n".join(outside(doc))
    assert not missing_words(doc, expected), missing_words(doc, expected)


def test_proof_keeps_every_word_on_its_pages(catalog):
    spec = make_spec(catalog, items=_all_items(catalog), message=MESSAGE, sign_off=f"{LONG_WORD} 团队")
    pdf = render_pdf(
        catalog, spec, organisation=ORGANISATION, design_name=DESIGN, created=date(2026, 3, 4)
    ).pdf
    _check(pdf, _expected(catalog))


def _record(catalog: Catalog) -> dict:
    contents = "; ".join(f"2 × {p.name}, {p.colours[0]}" for p in catalog.products.values())
    return {
        "reference": "GOH-000042",
        "organisation": ORGANISATION,
        "design_name": DESIGN,
        "proof_reference": "GOH-D00007-v2",
        "version": 2,
        "ordered_at": "2026-03-04 10:15 UTC",
        "threshold": "$2,500.00",
        "spec": [
            ("Box", "Medium gift box, kraft"),
            ("Ribbon", "Navy"),
            ("Tissue paper", "Ivory"),
            ("In every box", contents),
            ("Card message", MESSAGE),
            ("Sign-off", f"{LONG_WORD} 团队"),
            ("Boxes", "250"),
        ],
        "quote": {
            "lines": [
                {
                    "label": f"{p.name}, {LONG_WORD}",
                    "quantity": 500,
                    "unit_price": "$6.00",
                    "amount": "$3,000.00",
                }
                for p in catalog.products.values()
            ],
            "discount": "−$100.00",
            "discount_label": "Volume discount",
            "total": "$38,900.00",
        },
        "decisions": [
            {
                "at": "2026-03-04 10:00 UTC",
                "version": v,
                "who": f"Priya {LONG_WORD} <priya@example.com>",
                "role": "guest via link from Ada Buyer",
                "decision": "Approved",
                "comment": f"{JAPANESE} {LONG_WORD}",
            }
            for v in range(1, 8)
        ],
        "events": [
            {
                "at": f"2026-03-04 10:{i:02d}:01 UTC",
                "who": "Ada Buyer <ada@acme.test> (buyer)",
                "action": "proof.approve",
                "subject": f"proof:{i}",
                "address": "2001:db8:85a3:0000:0000:8a2e:0370:7334",
                "detail": f"side=buyer, version=2, note={LONG_WORD}",
            }
            for i in range(60)
        ],
    }


def test_approval_record_keeps_every_word_on_its_pages(catalog):
    mockup = render_mockup(make_spec(catalog, items=_all_items(catalog)), catalog, size=(800, 600))
    _check(render_approval_record(_record(catalog), mockup), _expected(catalog))


def test_packing_slip_keeps_every_word_on_its_pages(catalog):
    slip = PackingSlip(
        reference="GOH-000042",
        organisation=ORGANISATION,
        design_name=DESIGN,
        boxes=40,
        boxes_in_order=250,
        box="Medium gift box, kraft",
        ribbon="Navy",
        tissue="Ivory",
        lines=tuple(
            SlipLine(f"{p.name} {LONG_WORD}", p.colours[0], catalog.colour_hex(p.colours[0]), 2, 80)
            for p in catalog.products.values()
        ),
        personalisation=(f"Monogram {LONG_WORD}", f"Logo on the lid: {JAPANESE}", ARABIC),
        card=f"Message card: {LONG_WORD} {JAPANESE}",
        needed_by="2026-04-01",
        delivery="All boxes to one address",
        carrier=f"Carrier {LONG_WORD}",
        tracking=LONG_WORD,
        printed="2026-03-04 10:15 UTC",
    )
    _check(render_packing_slip(slip), [DESIGN, ORGANISATION, LONG_WORD, JAPANESE, ARABIC])


def test_the_check_sees_a_word_past_the_page_edge():
    pdf = write_pdf(
        f'<p style="margin-left: 7in; white-space: nowrap">{LONG_WORD}</p>', "approval_record.css"
    )
    assert outside(pages(pdf)), "the check must catch a word off the page"


def test_approval_record_of_a_typical_order_keeps_the_item_list_and_japanese(catalog):
    """The reported case: 13 items beside the mockup and a Japanese message ran off page 1."""
    record = _record(catalog)
    record["organisation"], record["design_name"] = "Acme Events Ltd", "Welcome box"
    record["spec"][4] = ("Card message", JAPANESE)
    record["quote"]["lines"] = record["quote"]["lines"][:1]
    record["decisions"], record["events"] = record["decisions"][:1], record["events"][:3]
    mockup = render_mockup(make_spec(catalog, items=_all_items(catalog)), catalog, size=(800, 600))
    names = [w for p in catalog.products.values() for w in p.name.split()]
    _check(render_approval_record(record, mockup), [JAPANESE, *names, "Crochet cup cozy"])
