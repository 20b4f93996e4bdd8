"""The domain vocabulary: one definition of each term, its label, and what stored specs look like."""

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.rules import TERMS, check
from configurator.spec import BoxSpec
from configurator.vocabulary import VOCABULARY, JobKind, LogoPlacement, Term

CATALOG = load_catalog()
ALL_TERMS = [term for kind in VOCABULARY for term in kind]

STORED = {
    "box_size": "medium",
    "box_colour": "kraft",
    "ribbon_colour": "navy",
    "tissue_colour": "ivory",
    "items": [
        {"product_id": "stitched-journal", "colour": "navy", "quantity": 1},
        {"product_id": "soy-candle", "colour": "ivory", "quantity": 2},
    ],
    "message": "Welcome aboard!",
    "sign_off": "The People team",
    "quantity": 25,
    "classic_id": None,
    "logo_id": "ab" * 32,
    "logo_placement": "tag",
    "logo_width_in": 1.5,
    "monogram": "JS",
    "monogram_style": "script",
    "card_style": "botanical",
    "card_size": "4x6",
    "needed_by": "2026-03-04",
    "delivery": "per_recipient",
    "schema": 1,
}
STORED_HASH = "d556f8d5ee9f0e66614fe0034a4f665f04089843fb3fb6ae7544f85b017c7045"
"""``content_hash`` of ``STORED`` as computed before the vocabulary and the date existed."""


@pytest.mark.parametrize("term", ALL_TERMS, ids=repr)
def test_every_term_has_a_label_and_is_its_stored_string(term):
    assert term.label.strip() and term.label == term.label.strip()
    assert type(term)(str(term)) is term
    assert json.dumps(term) == json.dumps(term.value)


@pytest.mark.parametrize("kind", VOCABULARY, ids=lambda kind: kind.__name__)
def test_labels_tell_the_terms_of_a_kind_apart(kind):
    labels = [term.label for term in kind]
    assert len(set(labels)) == len(labels)
    assert all(kind.has(term.value) for term in kind) and not kind.has("no such term")


def test_job_kinds_have_a_stage_a_unit_and_a_glyph():
    assert all(kind.stage >= 1 and kind.unit and kind.glyph for kind in JobKind)
    assert [kind.stage for kind in JobKind] == sorted(kind.stage for kind in JobKind)


def test_a_logo_is_printed_somewhere_and_only_the_card_needs_no_job_of_its_own():
    assert all(placement.printed for placement in LogoPlacement)
    assert [p for p in LogoPlacement if p.transferred_onto is None] == [LogoPlacement.CARD]


def test_a_stored_spec_keeps_its_hash_and_reads_its_date_once():
    spec = BoxSpec.from_dict(STORED)
    assert spec.needed_by == date(2026, 3, 4)
    assert spec.to_dict() == STORED
    assert spec.content_hash() == STORED_HASH


def test_a_spec_without_a_date_stores_none():
    spec = BoxSpec.from_dict({**STORED, "needed_by": None})
    assert spec.needed_by is None and spec.to_dict()["needed_by"] is None


def test_every_spec_field_of_a_term_is_checked_by_the_rules():
    term_fields = {field for field, _, _ in TERMS}
    defaults = BoxSpec(box_size="medium", box_colour="kraft", ribbon_colour="navy", tissue_colour="ivory")
    assert term_fields == {name for name, value in vars(defaults).items() if isinstance(value, Term)}


@settings(max_examples=60)
@given(st.sampled_from(TERMS), st.text(max_size=12) | st.sampled_from([str(term) for term in ALL_TERMS]))
def test_the_rules_refuse_a_value_outside_the_vocabulary_and_name_the_choices(entry, value):
    field, kind, _ = entry
    spec = BoxSpec.from_dict(STORED).replace(**{field: value})
    found = [v.message for v in check(spec, CATALOG) if v.field == field]
    if kind.has(value):
        assert found == []
    else:
        [message] = found
        assert all(term.label in message for term in kind)
