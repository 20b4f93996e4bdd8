"""The pure rooms stay pure: configurator/ and proofs/ never import web, database or queue code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "celery",
    "kombu",
    "app",
    "werkzeug",
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["configurator", "proofs"])
def test_pure_packages_import_no_web_db_or_queue(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offenders = {str(f.relative_to(ROOT)): imported_roots(f) & FORBIDDEN for f in files}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_proofs_import_only_configurator_from_the_project():
    for f in (ROOT / "proofs").rglob("*.py"):
        assert "worker" not in imported_roots(f), f


def test_the_checker_would_catch_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom flask import Flask\nfrom sqlalchemy.orm import Session\n")
    assert imported_roots(bad) & FORBIDDEN == {"flask", "sqlalchemy"}
