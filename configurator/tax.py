"""Sales tax by where the boxes go, from configuration in ``data/tax_rates.yaml``.

Pure: a place and the table in, a rate out. The rates are configuration the business sets with
its accountant (the data file says so), not tax advice. This module only finds the rate; the
quote (:func:`configurator.pricing.quote`) applies it and rounds the amount, as it rounds all money.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("data") / "tax_rates.yaml"
ZERO = Decimal("0")


@dataclass(frozen=True)
class TaxRate:
    """The rate a quote applies, with the words its line shows."""

    percent: Decimal
    label: str
    """"Sales tax (NY)", "VAT (GB)", "Tax exempt (certificate EX-9)"."""
    exempt: bool = False


@dataclass(frozen=True)
class CountryTax:
    label: str
    rate: Decimal
    regions: Mapping[str, Decimal]


@dataclass(frozen=True)
class TaxTable:
    default: Decimal
    countries: Mapping[str, CountryTax]

    def rate_for(self, country: str, region: str = "") -> TaxRate:
        """The rate at a ship-to place: its region's, else its country's, else the default."""
        code, area = country.strip().upper(), region.strip().upper()
        if not code:
            return TaxRate(self.default, "Tax (worked out once the delivery address is known)")
        found = self.countries.get(code)
        if found is None:
            return TaxRate(self.default, f"Tax ({code})")
        if area in found.regions:
            return TaxRate(found.regions[area], f"{found.label} ({code}-{area})")
        return TaxRate(found.rate, f"{found.label} ({code})")


def exempt(certificate: str) -> TaxRate:
    """No tax, and the line says why."""
    return TaxRate(ZERO, f"Tax exempt (certificate {certificate})", exempt=True)


def _percent(value: Any, where: str) -> Decimal:
    rate = Decimal(str(value))
    if not rate.is_finite() or not ZERO <= rate < 100:
        raise ValueError(f"tax rate of {where} must be from 0 up to 100 percent, not {value!r}")
    return rate


def _code(key: Any) -> str:
    if not isinstance(key, str):  # YAML reads a bare ON (Ontario) or NO (Norway) as a boolean
        raise ValueError(f"quote the place code {key!r} in the tax data")
    return key.upper()


def parse_tax_table(raw: Mapping[str, Any]) -> TaxTable:
    """The table from the data file's mapping; a rate out of range or an unquoted code stops loading."""
    countries = {}
    for code, entry in (raw.get("countries") or {}).items():
        regions = {_code(r): _percent(v, f"{code}-{r}") for r, v in (entry.get("regions") or {}).items()}
        countries[_code(code)] = CountryTax(
            str(entry.get("label") or "Tax"),
            _percent(entry.get("rate", "0"), code),
            MappingProxyType(regions),
        )
    return TaxTable(_percent(raw.get("default", "0"), "default"), MappingProxyType(countries))


@functools.cache
def load_tax_table(path: Path = DEFAULT_PATH) -> TaxTable:
    """The table; read once per process, like the catalog."""
    with open(path, encoding="utf-8") as fh:
        return parse_tax_table(yaml.safe_load(fh))
