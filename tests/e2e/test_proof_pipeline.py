"""The render pipeline in one process: render keys, reuse of stored files, and failures that
land on the proof with a reason staff can read while the worker carries on."""

from __future__ import annotations

import pytest

from tests.e2e.test_worker import render_files, store_logo, submitted_proof


@pytest.fixture
def app(tmp_path, monkeypatch):
    for key, value in {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pipeline.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "STORAGE_DIR": str(tmp_path / "files"),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CELERY_EAGER", raising=False)
    from flask_migrate import upgrade

    from app import create_app

    flask_app = create_app()
    with flask_app.app_context():
        upgrade()
        yield flask_app


def _render(proof_id: int):
    from app.extensions import db
    from app.models import Proof
    from app.services import proofs

    proofs.render(proof_id)
    db.session.expire_all()
    return db.session.get(Proof, proof_id)


def test_render_stores_files_under_the_render_key(app, tmp_path):
    proof = _render(submitted_proof().id)
    assert proof.status == "ready", proof.failure_reason
    assert [p.name for p in render_files(tmp_path / "files")] == [
        f"{proof.render_key}.pdf",
        f"{proof.render_key}.png",
    ]


def test_identical_input_reuses_stored_files(app, tmp_path, monkeypatch):
    from app.extensions import db
    from app.services import proofs

    proof = _render(submitted_proof().id)
    before = {p: p.stat().st_mtime_ns for p in render_files(tmp_path / "files")}
    # Same proof rendered again (e.g. the reconciler re-queued it after a lost acknowledgement).
    proof.status = "queued"
    db.session.commit()
    monkeypatch.setattr(proofs, "render_job_files", _must_not_render)
    again = _render(proof.id)
    assert again.status == "ready" and again.render_key == proof.render_key
    assert {p: p.stat().st_mtime_ns for p in render_files(tmp_path / "files")} == before


def _must_not_render(job):
    raise AssertionError("rendered although the files were stored")


def test_render_key_covers_logo_page_size_and_fonts(app):
    import dataclasses

    from app.services import proofs

    job = proofs.build_job(submitted_proof())
    keys = {
        job.key(),
        dataclasses.replace(job, logo_sha="a" * 64).key(),
        dataclasses.replace(job, page_size="A4").key(),
        dataclasses.replace(job, preflight=("Low resolution",)).key(),
        dataclasses.replace(job, spec=job.spec.replace(message="Other")).key(),
    }
    assert len(keys) == 5
    assert job.key() == dataclasses.replace(job).key()


def test_a_render_over_its_time_limit_fails_with_a_reason(app):
    app.config["PROOF_RENDER_SECONDS"] = 0.001
    proof = _render(submitted_proof().id)
    assert proof.status == "failed"
    assert "stopped after 0.001 seconds" in proof.failure_reason


def test_a_render_over_its_memory_limit_fails_with_a_reason(app):
    from app.storage import storage

    app.config["PROOF_RENDER_MEMORY_MB"] = 64
    from tests.e2e.test_worker import big_logo_png

    logo_id = store_logo(big_logo_png(5000))  # 100 MB once decoded
    proof = _render(submitted_proof(logo_id=logo_id).id)
    assert proof.status == "failed"
    # Either the limit itself or the logo decoder running out of room under it; never a traceback.
    assert proof.failure_reason.startswith("Rendering"), proof.failure_reason
    assert "Traceback" not in proof.failure_reason
    assert storage().exists(f"logos/{logo_id}.png")  # nothing else touched
    app.config["PROOF_RENDER_MEMORY_MB"] = 1024
    assert _render(submitted_proof().id).status == "ready"  # the worker carries on


def test_an_unreadable_logo_fails_the_proof_and_the_next_one_renders(app):
    proof = _render(submitted_proof(logo_id=store_logo(b"<svg><image href='file:///etc/passwd'/></svg>")).id)
    assert proof.status == "failed"
    assert "logo" in proof.failure_reason.lower()
    assert "Traceback" not in proof.failure_reason
    assert _render(submitted_proof().id).status == "ready"  # the worker carries on
