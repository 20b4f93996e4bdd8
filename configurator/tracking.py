"""Tracking links: the carrier's own page for a parcel, built from its name and number.

Pure and conservative: a link is made only for a carrier we know and a number of letters and
digits (spaces and dashes are dropped), so nothing typed can become another URL. Any other
carrier, or an odd number, is shown as the number alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import quote

from configurator.vocabulary import Carrier

TRACKING_PAGES: Mapping[Carrier, str] = MappingProxyType(
    {
        Carrier.UPS: "https://www.ups.com/track?tracknum={number}",
        Carrier.FEDEX: "https://www.fedex.com/fedextrack/?trknbr={number}",
        Carrier.USPS: "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
        Carrier.DHL: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={number}",
        Carrier.CANADA_POST: "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
        Carrier.ROYAL_MAIL: "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    }
)

# Other ways staff write the same carriers, squeezed as by ``_squeeze``.
_ALIASES: Mapping[str, Carrier] = MappingProxyType(
    {
        "unitedparcelservice": Carrier.UPS,
        "upsground": Carrier.UPS,
        "federalexpress": Carrier.FEDEX,
        "fedexground": Carrier.FEDEX,
        "fedexexpress": Carrier.FEDEX,
        "unitedstatespostalservice": Carrier.USPS,
        "dhlexpress": Carrier.DHL,
        "postescanada": Carrier.CANADA_POST,
        "royalmailtracked": Carrier.ROYAL_MAIL,
    }
)
_NUMBER = re.compile(r"[A-Za-z0-9]{4,40}")


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def recognise(carrier: str) -> Carrier | None:
    """The carrier named by what staff typed ("ups", "Fed Ex", "Canada Post"), or None."""
    squeezed = _squeeze(carrier)
    for member in Carrier:
        if squeezed == _squeeze(member.value):
            return member
    return _ALIASES.get(squeezed)


def carrier_name(carrier: str) -> str:
    """The name to store and show: a known carrier's own spelling, any other as typed."""
    known = recognise(carrier)
    return known.value if known else " ".join(carrier.split())


def tracking_number(number: str) -> str:
    """The number as the carriers read it: without spaces or dashes, upper case."""
    return re.sub(r"[\s-]+", "", number).upper()


def tracking_url(carrier: str, number: str) -> str | None:
    """The carrier's tracking page for the parcel, or None (unknown carrier, or an odd number)."""
    known = recognise(carrier)
    cleaned = tracking_number(number)
    if known is None or not _NUMBER.fullmatch(cleaned):
        return None
    return TRACKING_PAGES[known].format(number=quote(cleaned, safe=""))
