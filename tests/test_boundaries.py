"""The pure rooms stay pure: configurator/ and proofs/ never import web, database or queue code.

The rooms also form a line: ``configurator`` (rules) knows nothing of the project, ``proofs``
(rendering) knows only ``configurator``, and ``app`` may use both.
"""

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
# Every top-level package or module of this repository, found rather than listed, so that a new
# one (say ``api/``) is covered without editing this test.
PROJECT = {p.parent.name for p in ROOT.glob("*/__init__.py")} | {p.stem for p in ROOT.glob("*.py")}
# What each pure room may import of the project, besides itself.
ALLOWED = {"configurator": set(), "proofs": {"configurator"}}


def imported_roots(path: Path, package: str | None = None) -> set[str]:
    """The top-level names a module imports; a relative import counts as ``package``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
            elif node.level and package:
                roots.add(package)
    return roots


def modules(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    return files


@pytest.mark.parametrize("package", ["configurator", "proofs"])
def test_pure_packages_import_no_web_db_or_queue(package):
    offenders = {str(f.relative_to(ROOT)): imported_roots(f, package) & FORBIDDEN for f in modules(package)}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_pure_packages_import_only_what_lies_below_them(package):
    allowed = ALLOWED[package] | {package}
    offenders = {
        str(f.relative_to(ROOT)): (imported_roots(f, package) & PROJECT) - allowed for f in modules(package)
    }
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_the_project_is_found():
    assert {"app", "configurator", "proofs", "tests", "worker"} <= PROJECT


def test_the_checker_would_catch_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom flask import Flask\nfrom sqlalchemy.orm import Session\n")
    assert imported_roots(bad) & FORBIDDEN == {"flask", "sqlalchemy"}


def test_the_checker_would_catch_a_lazy_or_relative_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from . import spec\n\ndef f():\n    import proofs.pdf\n    from worker import celery\n")
    assert imported_roots(bad, "configurator") & PROJECT == {"configurator", "proofs", "worker"}
