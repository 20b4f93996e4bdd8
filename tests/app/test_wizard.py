"""The design wizard through the Flask test client: every step, its rules and its messages."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.models import Design, Proof
from tests.app.factories import DesignFactory, UserFactory
from tests.app.journeys import (
    latest_proof,
    revision,
    save_step,
    set_quantity,
    start_blank,
    start_classic,
    submit,
    write_card,
)


def spec_of(design_id: int) -> dict:
    db.session.expire_all()
    return db.session.get(Design, design_id).spec


def png_bytes(size: tuple[int, int], colour: str = "#1F7A7A") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_start_page_offers_classics_own_box_and_earlier_designs(browser):
    buyer = UserFactory()
    DesignFactory(created_by=buyer, status="ordered", name="Holiday 2025")
    browser.login(buyer.email)
    page = browser.get("/designs/new")
    assert page.status_code == 200
    for text in ("Warm Welcome", "Cosy Winter", "Build your own box", "Holiday 2025", "Copy this design"):
        assert text in page.text
    thumb = page.text.split('class="thumb" src="')[1].split('"')[0]
    image = browser.get(thumb)
    assert image.status_code == 200 and Image.open(io.BytesIO(image.data)).size == (480, 360)


def test_duplicate_copies_an_earlier_design(browser):
    buyer = UserFactory()
    source = DesignFactory(created_by=buyer, status="ordered", name="Holiday 2025")
    browser.login(buyer.email)
    response = browser.post("/designs/new", {"from_design": source.id})
    copy_id = int(response.location.split("/designs/")[1].split("/")[0])
    copy = db.session.get(Design, copy_id)
    assert copy.name == "Holiday 2025 (copy)" and copy.status == "draft"
    assert copy.spec["items"] == source.spec["items"]


def test_contents_step_enforces_capacity_and_combinations(browser):
    browser.login(UserFactory().email)
    design_id = start_blank(browser)
    full = save_step(
        browser, design_id, "contents", {"box_size": "small", "qty_infinity-scarf": 2, "qty_tote-bag": 1}
    )
    assert full.status_code == 422 and "This box is full" in full.text
    assert spec_of(design_id)["items"] == []  # nothing half-saved

    apart = save_step(
        browser, design_id, "contents", {"box_size": "large", "qty_soy-candle": 1, "qty_knit-beanie": 1}
    )
    assert apart.status_code == 422 and "Soy candle" in apart.text

    ok = save_step(
        browser,
        design_id,
        "contents",
        {"box_size": "medium", "qty_infinity-scarf": 1, "qty_zip-pouch": 2},
        nav="next",
    )
    assert ok.status_code == 302 and ok.location.endswith("/edit/colours")
    items = {i["product_id"]: i for i in spec_of(design_id)["items"]}
    assert items["zip-pouch"]["quantity"] == 2 and items["infinity-scarf"]["colour"] == "teal"


def test_colours_step_explains_a_colour_a_product_is_not_made_in(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser, "desk-companion")
    data = {
        "box_colour": "navy",
        "ribbon_colour": "gold",
        "tissue_colour": "ivory",
        "colour_zip-pouch": "gold",
    }
    bad = save_step(browser, design_id, "colours", data)
    assert bad.status_code == 422 and "Zip pouch is not made in Gold" in bad.text
    good = save_step(browser, design_id, "colours", {**data, "colour_zip-pouch": "teal"})
    assert good.status_code == 302
    spec = spec_of(design_id)
    assert spec["box_colour"] == "navy"
    assert {i["product_id"]: i["colour"] for i in spec["items"]}["zip-pouch"] == "teal"


def test_swatches_carry_their_names_as_text(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    page = browser.get(f"/designs/{design_id}/edit/colours")
    assert "Forest green" in page.text and "Kraft brown" in page.text


def test_message_fit_uses_real_layout(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    fits = write_card(browser, design_id, "谢谢你们一年来的辛勤工作！" * 4)
    assert fits.status_code == 302
    too_long = write_card(browser, design_id, "\n".join(["Line"] * 30))  # short text, too many lines
    assert too_long.status_code == 422 and "Too long for the card by about" in too_long.text
    assert spec_of(design_id)["message"].startswith("谢谢")


def test_invisible_controls_are_refused_at_their_field_and_joiners_kept(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    refused = write_card(browser, design_id, "Thanks\u202e for all your live work", sign_off="Acme\u200bteam")
    assert refused.status_code == 422
    assert "right-to-left override (U+202E) at character 7" in refused.text
    assert "zero width space (U+200B) at character 5" in refused.text
    assert 'id="message-error"' in refused.text and 'id="sign_off-error"' in refused.text
    assert "for all your live work</textarea>" in refused.text  # nothing typed is lost
    assert spec_of(design_id)["message"] == ""

    joined = "Thank you 👩\u200d💻 می\u200cخواهم 🏳\ufe0f\u200d🌈"
    assert write_card(browser, design_id, joined).status_code == 302
    assert spec_of(design_id)["message"] == joined

    monogram = save_step(browser, design_id, "branding", {"monogram": "A\u2060B", "logo_placement": "lid"})
    assert monogram.status_code == 422 and "word joiner (U+2060) at character 2" in monogram.text


def test_any_script_and_markup_are_kept_as_text(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    message = "Ευχαριστούμε · Спасибо · شكرا · תודה · ありがとう 🎁 {{7*7}} <b>bold</b>"
    assert write_card(browser, design_id, message).status_code == 302
    assert spec_of(design_id)["message"] == message
    page = browser.get(f"/designs/{design_id}/edit/review")
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text and "{{7*7}}" in page.text


def test_delivery_step_checks_dates(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    past = set_quantity(browser, design_id, 20, needed_by=yesterday)
    assert past.status_code == 422 and "after today" in past.text
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert set_quantity(browser, design_id, 20, needed_by=tomorrow).status_code == 302
    review = browser.get(f"/designs/{design_id}/edit/review")
    assert "We cannot deliver by" in review.text
    write_card(browser, design_id, "Hello")
    refused = submit(browser, design_id)
    assert refused.status_code == 422 and "We cannot deliver by" in refused.text
    assert db.session.scalar(select(func.count()).select_from(Proof)) == 0


def test_rush_fee_appears_when_the_date_needs_it(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    write_card(browser, design_id, "Hello")
    far = (datetime.now(UTC).date() + timedelta(days=120)).isoformat()
    set_quantity(browser, design_id, 20, needed_by=far)
    assert "Rush production" not in browser.get(f"/designs/{design_id}/edit/review").text


def test_logo_upload_warns_about_low_resolution_and_refuses_bad_files(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    small = save_step(
        browser,
        design_id,
        "branding",
        {
            "logo": (io.BytesIO(png_bytes((300, 120))), "logo.png"),
            "logo_placement": "lid",
            "logo_width_in": "2.0",
            "monogram_style": "serif",
        },
        nav="upload",
    )
    assert small.status_code == 302
    logo_id = spec_of(design_id)["logo_id"]
    assert logo_id and len(logo_id) == 64
    page = browser.get(f"/designs/{design_id}/edit/branding")
    assert "150 DPI" in page.text and "Remove logo" in page.text
    assert browser.get(f"/designs/{design_id}/logo.png").mimetype == "image/png"

    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    refused = save_step(
        browser,
        design_id,
        "branding",
        {
            "logo": (io.BytesIO(hostile), "evil.svg"),
            "logo_placement": "lid",
            "logo_width_in": "2.0",
            "monogram_style": "serif",
        },
        nav="upload",
    )
    assert refused.status_code == 422
    assert spec_of(design_id)["logo_id"] == logo_id  # the good logo is still there

    pdf = save_step(
        browser,
        design_id,
        "branding",
        {
            "logo": (io.BytesIO(b"%PDF-1.4\n%...."), "logo.png"),
            "logo_placement": "lid",
            "logo_width_in": "2.0",
            "monogram_style": "serif",
        },
        nav="upload",
    )
    assert pdf.status_code == 422 and "PNG, JPEG or SVG" in pdf.text

    removed = save_step(
        browser,
        design_id,
        "branding",
        {"logo_placement": "lid", "logo_width_in": "2.0", "monogram_style": "serif"},
        nav="remove_logo",
    )
    assert removed.status_code == 302 and spec_of(design_id)["logo_id"] is None


def test_a_logo_on_the_card_is_judged_at_the_size_the_card_prints_it(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    warning = "below the 300 DPI we recommend"
    for placement, expected in (("lid", "at 200 DPI at 3 in wide"), ("card", None)):
        fields = {
            "logo": (io.BytesIO(png_bytes((600, 240))), "logo.png"),
            "logo_placement": placement,
            "logo_width_in": "3.0",
            "monogram_style": "serif",
        }
        assert save_step(browser, design_id, "branding", fields, nav="upload").status_code == 302
        assert spec_of(design_id)["logo_placement"] == placement
        page = browser.get(f"/designs/{design_id}/edit/branding").text
        if expected:
            assert expected in page and warning in page
        else:  # the card's header band prints it 1.05 in wide, as the proof shows: 571 DPI
            assert warning not in page


def test_monogram_takes_one_to_three_letters(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    base = {"logo_placement": "lid", "logo_width_in": "2.0", "monogram_style": "script"}
    assert save_step(browser, design_id, "branding", {**base, "monogram": "A1"}).status_code == 422
    assert save_step(browser, design_id, "branding", {**base, "monogram": "ABCD"}).status_code == 422
    assert save_step(browser, design_id, "branding", {**base, "monogram": "ém"}).status_code == 302
    assert spec_of(design_id)["monogram"] == "ÉM"


def test_live_endpoint_prices_and_previews_unsaved_choices(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    rev = revision(design_id)
    state = browser.post(
        f"/designs/{design_id}/live?step=colours",
        {"revision": rev, "box_colour": "black", "ribbon_colour": "red", "tissue_colour": "blush"},
    ).get_json()
    assert state["ok"] and state["total"].startswith("$")
    preview = browser.get(state["preview"])
    assert preview.mimetype == "image/png" and Image.open(io.BytesIO(preview.data)).size == (800, 600)
    assert revision(design_id) == rev and spec_of(design_id)["box_colour"] == "kraft"  # nothing saved
    saved_preview = (
        browser.get(f"/designs/{design_id}/edit/colours")
        .text.split('id="live-preview" src="')[1]
        .split('"')[0]
    )
    assert saved_preview != state["preview"]  # a different colour is a different picture


def test_back_keeps_entries_and_resume_goes_to_the_next_step(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    assert browser.get(f"/designs/{design_id}/edit").location.endswith(
        "/edit/message"
    )  # classics lack only a message
    back = save_step(
        browser,
        design_id,
        "message",
        {"message": "Keep me", "card_style": "modern", "card_size": "4x6"},
        nav="back",
    )
    assert back.location.endswith("/edit/branding")
    page = browser.get(f"/designs/{design_id}/edit/message")
    assert "Keep me" in page.text and page.headers["Cache-Control"] == "no-store"
    assert browser.get(f"/designs/{design_id}/edit").location.endswith("/edit/review")


def test_custom_box_from_start_to_submitted(browser):
    browser.login(UserFactory().email)
    design_id = start_blank(browser)
    save_step(
        browser,
        design_id,
        "contents",
        {"box_size": "large", "qty_tote-bag": 1, "qty_stitched-journal": 1, "qty_key-fob": 2},
        nav="next",
    )
    save_step(
        browser,
        design_id,
        "colours",
        {
            "box_colour": "navy",
            "ribbon_colour": "gold",
            "tissue_colour": "ivory",
            "colour_tote-bag": "navy",
            "colour_stitched-journal": "red",
            "colour_key-fob": "black",
        },
        nav="next",
    )
    save_step(
        browser,
        design_id,
        "branding",
        {"logo_placement": "tag", "logo_width_in": "1.5", "monogram": "GH", "monogram_style": "block"},
        nav="next",
    )
    write_card(browser, design_id, "Welcome aboard!")
    set_quantity(browser, design_id, 60)
    review = browser.get(f"/designs/{design_id}/edit/review")
    assert "Monogram" in review.text and "5% volume discount" in review.text
    response = submit(browser, design_id)
    assert response.status_code == 302 and response.location.endswith(f"/designs/{design_id}#proof")
    proof = latest_proof(design_id)
    assert proof.version == 1 and proof.quote["boxes"] == 60 and proof.delivery_estimate is not None
    assert browser.get(f"/designs/{design_id}/edit/colours").status_code == 302  # submitted: no more edits


def test_other_organisations_cannot_reach_wizard_pages(browser):
    owner = UserFactory()
    design = DesignFactory(created_by=owner)
    browser.login(UserFactory().email)
    for url in (
        f"/designs/{design.id}/edit/contents",
        f"/designs/{design.id}/edit",
        f"/designs/{design.id}/logo.png",
    ):
        assert browser.get(url).status_code == 404, url
    assert browser.post(f"/designs/{design.id}/live?step=colours", {"revision": 1}).status_code == 404
    assert browser.post("/designs/new", {"from_design": design.id}).status_code == 404


def test_stale_tab_on_a_step_is_refused(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    old = revision(design_id)
    write_card(browser, design_id, "From tab one")
    stale = save_step(
        browser,
        design_id,
        "message",
        {"message": "From tab two", "card_style": "classic", "card_size": "5x7"},
        rev=old,
    )
    assert stale.status_code == 302
    assert "changed in another tab" in browser.get(stale.location).text
    assert spec_of(design_id)["message"] == "From tab one"


def test_an_organisation_admin_chooses_a4_and_the_next_proof_prints_on_it(browser):
    from pypdf import PdfReader

    from app.models import Role
    from app.services.proofs import file_key
    from app.storage import storage

    buyer = UserFactory()
    approver = UserFactory(organisation=buyer.organisation, role=Role.APPROVER)
    admin = UserFactory(organisation=buyer.organisation, role=Role.ORGANISATION_ADMIN)
    for member in (buyer, approver):
        browser.login(member.email)
        assert browser.post("/organisation/settings/paper-size", {"page_size": "A4"}).status_code == 403
        browser.client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(admin.email)
    old_address = browser.post("/organisation/paper-size", {"page_size": "A4"})
    assert old_address.status_code == 308  # the form posted to the old address follows it
    assert old_address.headers["Location"] == "/organisation/settings/paper-size"
    saved = browser.post("/organisation/settings/paper-size", {"page_size": "A4"}, follow_redirects=True)
    assert "New proofs print on A4 paper" in saved.text
    assert (
        "Choose Letter or A4"
        in browser.post(
            "/organisation/settings/paper-size", {"page_size": "Legal"}, follow_redirects=True
        ).text
    )

    design_id = start_classic(browser)
    write_card(browser, design_id, "Bonjour !")
    submit(browser, design_id)
    proof = latest_proof(design_id)
    page = PdfReader(io.BytesIO(storage().get(file_key(proof, "pdf")))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_logo_colours_are_suggested_and_applied_in_one_click(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    branding = {"logo_placement": "lid", "logo_width_in": "1.0", "monogram_style": "serif"}
    save_step(
        browser,
        design_id,
        "branding",
        {**branding, "logo": (io.BytesIO(png_bytes((900, 300), "#1F2F4F")), "navy.png")},
        nav="upload",
    )
    page = browser.get(f"/designs/{design_id}/edit/branding")
    # A navy lid would hide the navy logo printed on it; the ribbon carries no logo, so it matches.
    assert "Use Kraft brown box and Navy ribbon" in page.text and "Navy box" not in page.text
    applied = save_step(browser, design_id, "branding", branding, nav="use_logo_colours")
    assert applied.status_code == 302 and applied.location.endswith("/edit/branding")
    spec = spec_of(design_id)
    assert (spec["box_colour"], spec["ribbon_colour"]) == ("kraft", "navy")


def test_a_navy_logo_on_a_navy_lid_is_flagged_to_buyer_staff_and_on_the_proof(browser):
    from pypdf import PdfReader

    from app.services.proofs import file_key
    from app.storage import storage
    from tests.app.factories import StaffFactory

    warning = (
        "Your navy logo will be hard to see on a Navy lid; "
        "choose a lighter box colour or a logo with a light outline."
    )
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    colours = {"box_colour": "navy", "ribbon_colour": "gold", "tissue_colour": "ivory"}
    colours |= {f"colour_{i['product_id']}": i["colour"] for i in spec_of(design_id)["items"]}
    assert save_step(browser, design_id, "colours", colours).status_code == 302
    branding = {"logo_placement": "lid", "logo_width_in": "1.0", "monogram_style": "serif"}
    logo = {"logo": (io.BytesIO(png_bytes((900, 300), "#1F2F4F")), "navy.png")}
    save_step(browser, design_id, "branding", {**branding, **logo}, nav="upload")
    assert warning in browser.get(f"/designs/{design_id}/edit/branding").text
    write_card(browser, design_id, "Welcome!")
    submit(browser, design_id)
    proof = latest_proof(design_id)
    pdf = PdfReader(io.BytesIO(storage().get(file_key(proof, "pdf"))))
    assert "hard to see on a Navy lid" in " ".join(pdf.pages[0].extract_text().split())
    browser.client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(StaffFactory().email)
    review = browser.get(f"/designs/{design_id}/review").text
    assert warning in review and "No print problems found" not in review


def test_odd_digits_in_hidden_fields_are_refused_not_a_server_error(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    assert browser.post("/designs/new", {"from_design": "²"}).status_code == 404
    assert browser.post("/designs/new", {"from_design": "9" * 30}).status_code == 404
    odd = save_step(
        browser, design_id, "message", {"message": "Hi", "card_style": "classic", "card_size": "5x7"}, rev="²"
    )
    assert odd.status_code == 422
    assert spec_of(design_id)["message"] == ""


def test_a_design_name_with_a_hidden_character_is_refused(app):
    from app.services import designs
    from app.services.errors import Invalid

    design = DesignFactory()
    try:
        designs.rename(design.created_by, design, design.name, "Gift\u202e box")
    except Invalid as refused:
        assert "right-to-left override (U+202E) at character 5" in refused.violations["name"]
    else:
        raise AssertionError("a hidden character in the design name was accepted")
    db.session.expire_all()
    assert db.session.get(Design, design.id).name == "Warm Welcome"


def test_every_step_explains_its_price_and_a_monogram_shows_up_as_its_line(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    for slug in ("contents", "colours", "branding", "message", "delivery"):
        page = browser.get(f"/designs/{design_id}/edit/{slug}").text
        assert "How the price is made" in page and 'id="live-breakdown"' in page, slug
    state = browser.post(
        f"/designs/{design_id}/live?step=branding",
        {
            "revision": revision(design_id),
            "monogram": "AB",
            "monogram_style": "serif",
            "logo_placement": "lid",
        },
    ).get_json()
    assert any(label.startswith("Monogram “AB”") for label, _, _ in state["breakdown"]), state["breakdown"]
