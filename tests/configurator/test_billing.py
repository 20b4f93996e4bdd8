"""The PO number and cost-centre note an order carries, and an exemption certificate's number."""

from hypothesis import given
from hypothesis import strategies as st

from configurator.billing import PO_NUMBER_MAX, check_certificate, check_references
from configurator.vocabulary import PaymentTerms


def test_a_required_po_number_must_be_given_and_an_optional_one_may_be_left_out():
    assert "po_number" in check_references("  ", "", po_required=True).errors
    assert check_references("", "", po_required=False).errors == {}
    given_po = check_references("  PO 4471 ", " Marketing  EMEA ", po_required=True)
    assert (given_po.po_number, given_po.cost_centre, dict(given_po.errors)) == (
        "PO 4471",
        "Marketing EMEA",
        {},
    )


def test_too_long_or_hidden_characters_are_named_at_their_field():
    assert (
        "40 characters"
        in check_references("9" * (PO_NUMBER_MAX + 1), "", po_required=False).errors["po_number"]
    )
    assert "hidden character" in check_references("PO\u200b1", "", po_required=False).errors["po_number"]
    assert "cost_centre" in check_references("", "x" * 101, po_required=False).errors


@given(st.text(max_size=60), st.booleans())
def test_references_come_back_trimmed_and_a_clean_one_is_accepted(text, required):
    found = check_references(text, text, po_required=required)
    assert found.po_number == found.po_number.strip()
    if found.po_number and len(found.po_number) <= PO_NUMBER_MAX and "po_number" not in found.errors:
        assert check_references(found.po_number, "", po_required=True).errors == {}


def test_an_exempt_organisation_needs_a_certificate_number():
    assert check_certificate(" ", exempt=True)[1]
    assert check_certificate("", exempt=False) == ("", "")
    assert check_certificate(" EX-123 ", exempt=True) == ("EX-123", "")


def test_payment_terms_count_days_from_the_invoice():
    assert [t.days for t in PaymentTerms] == [0, 15, 30]
