"""Tracking links are built only for carriers we know and numbers that are only letters and digits."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from configurator.tracking import TRACKING_PAGES, carrier_name, recognise, tracking_url
from configurator.vocabulary import Carrier


@pytest.mark.parametrize(
    ("carrier", "number", "url"),
    [
        ("UPS", "1Z 999 AA1 01 2345 6784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
        ("fedex", "1234-5678-9012", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
        (
            "USPS",
            "9400111899223856928499",
            "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223856928499",
        ),
        (
            "DHL Express",
            "1234567890",
            "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=1234567890",
        ),
        (
            "Postes Canada",
            "1234567890123456",
            "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=1234567890123456",
        ),
        (
            "royal mail",
            "AB123456789GB",
            "https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB",
        ),
    ],
)
def test_each_known_carrier_links_to_its_own_tracking_page(carrier, number, url):
    assert tracking_url(carrier, number) == url


def test_every_carrier_of_the_vocabulary_has_a_page():
    assert set(TRACKING_PAGES) == set(Carrier)
    assert all(urlsplit(page).scheme == "https" for page in TRACKING_PAGES.values())


@pytest.mark.parametrize("carrier", ["Bob's Couriers", "", "UPS Freight Partners Ltd"])
def test_an_unknown_carrier_gets_no_link(carrier):
    assert tracking_url(carrier, "1Z999AA10123456784") is None


@pytest.mark.parametrize(
    "number", ["", "12", "1Z9?x=1", "javascript:alert(1)", "1Z9/../evil", "1Z9#frag", "１２３４５"]
)
def test_an_odd_number_gets_no_link(number):
    assert tracking_url("UPS", number) is None


def test_staff_spellings_are_recognised_and_stored_the_carriers_own_way():
    assert recognise("Fed Ex") is Carrier.FEDEX and recognise("United Parcel Service") is Carrier.UPS
    assert carrier_name("  canada   post ") == "Canada Post"
    assert carrier_name("  Local   Courier ") == "Local Courier"


@given(st.sampled_from(list(Carrier)), st.text(max_size=60))
def test_a_link_always_goes_to_the_carriers_own_host(carrier, number):
    url = tracking_url(carrier, number)
    if url is not None:
        assert urlsplit(url).netloc == urlsplit(TRACKING_PAGES[carrier]).netloc
        assert url.startswith(TRACKING_PAGES[carrier].split("{")[0])
