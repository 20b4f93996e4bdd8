"""The render pipeline in one process: render keys, reuse of stored files, and failures that
land on the proof with a reason staff can read while the worker carries on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.workers import assert_sentence, render_files, store_logo, submitted_proof


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
    monkeypatch.setattr(proofs, "render_files", _must_not_render)
    again = _render(proof.id)
    assert again.status == "ready" and again.render_key == proof.render_key
    assert {p: p.stat().st_mtime_ns for p in render_files(tmp_path / "files")} == before


def _must_not_render(request):
    raise AssertionError("rendered although the files were stored")


def test_render_key_covers_logo_page_size_and_fonts(app):
    import dataclasses

    from app.services import proofs

    request = proofs.build_request(submitted_proof())
    keys = {
        request.render_key,
        dataclasses.replace(request, spec=request.spec.replace(logo_id="a" * 64)).render_key,
        dataclasses.replace(request, page_size="A4").render_key,
        dataclasses.replace(request, preflight=("Low resolution",)).render_key,
        dataclasses.replace(request, spec=request.spec.replace(message="Other")).render_key,
    }
    assert len(keys) == 5
    assert request.render_key == dataclasses.replace(request, logo_png=b"not needed for the key").render_key


def test_the_review_link_is_the_one_the_emails_use(app):
    from app.services import proofs

    proof = submitted_proof()
    app.config["PUBLIC_URL"] = "https://gifts.example.org/shop"  # a path too, as behind a proxy
    review_url = proofs.build_request(proof).review_url
    assert review_url == f"https://gifts.example.org/shop/designs/{proof.design_id}/review"


def test_a_render_over_its_time_limit_fails_with_a_reason(app):
    app.config["PROOF_RENDER_SECONDS"] = 0.001
    proof = _render(submitted_proof().id)
    assert proof.status == "failed"
    assert "stopped after 0.001 seconds" in proof.failure_reason
    assert_sentence(proof.failure_reason)


def test_a_render_over_its_memory_limit_fails_with_a_reason(app):
    from app.storage import storage

    app.config["PROOF_RENDER_MEMORY_MB"] = 64
    from tests.e2e.workers import big_logo_png

    logo_id = store_logo(big_logo_png(5000))  # 100 MB once decoded
    proof = _render(submitted_proof(logo_id=logo_id).id)
    assert proof.status == "failed"
    # Either the limit itself or the logo decoder running out of room under it; a sentence either way.
    assert_sentence(proof.failure_reason)
    assert storage().exists(f"logos/{logo_id}.png")  # nothing else touched
    app.config["PROOF_RENDER_MEMORY_MB"] = 1024
    assert _render(submitted_proof().id).status == "ready"  # the worker carries on


def test_an_unreadable_logo_fails_the_proof_and_the_next_one_renders(app):
    proof = _render(submitted_proof(logo_id=store_logo(b"<svg><image href='file:///etc/passwd'/></svg>")).id)
    assert proof.status == "failed"
    assert "logo" in proof.failure_reason.lower()
    assert_sentence(proof.failure_reason)
    assert _render(submitted_proof().id).status == "ready"  # the worker carries on


class _Flaky:
    """Fails its first ``times`` calls with ``error``, then behaves like ``real``."""

    def __init__(self, real, error: Exception, times: int = 1) -> None:
        self.real, self.error, self.left = real, error, times

    def __call__(self, *args, **kwargs):
        if self.left:
            self.left -= 1
            raise self.error
        return self.real(*args, **kwargs)


def _dropped_connection():
    from sqlalchemy.exc import OperationalError

    return OperationalError("UPDATE proof ...", {}, Exception("server closed the connection unexpectedly"))


@pytest.mark.parametrize("fault", ["storage", "database"])
def test_an_infrastructure_fault_leaves_the_proof_queued_for_a_retry(app, monkeypatch, fault):
    from app.faults import InfrastructureFault
    from app.services import notifications
    from app.storage import storage

    proof = submitted_proof()
    if fault == "storage":
        monkeypatch.setattr(storage(), "put", _Flaky(storage().put, OSError(28, "No space left on device")))
    else:
        monkeypatch.setattr(notifications, "notify", _Flaky(notifications.notify, _dropped_connection()))
    with pytest.raises(InfrastructureFault):
        _render(proof.id)
    again = _reload(proof.id)
    assert (again.status, again.failure_reason, again.lease_token) == ("queued", None, None)
    assert _render(proof.id).status == "ready"  # the retry


def test_the_render_task_retries_an_infrastructure_fault_until_the_proof_is_ready(app, monkeypatch):
    from app.storage import storage
    from app.tasks import render_proof

    proof = submitted_proof()
    monkeypatch.setattr(storage(), "exists", _Flaky(storage().exists, ConnectionResetError(), times=2))
    render_proof.apply(args=[proof.id])
    again = _reload(proof.id)
    assert again.status == "ready", again.failure_reason
    assert (again.attempts, again.lost_attempts) == (3, 0)


def test_an_error_inside_the_renderer_fails_the_proof_with_a_sentence(app, monkeypatch):
    from app.services import proofs

    def broken(request):
        raise KeyError("glyph 0x1f600 missing from font table")

    monkeypatch.setattr(proofs, "render_files", broken)
    proof = _render(submitted_proof().id)
    assert proof.status == "failed"
    assert proof.failure_reason == proofs.RENDER_FAILED
    assert_sentence(proof.failure_reason)


def _reload(proof_id: int):
    from app.extensions import db
    from app.models import Proof

    db.session.expire_all()
    return db.session.get(Proof, proof_id)


def _lapse(proof_id: int) -> None:
    """The lease ran out, as it does when its worker died: set it in the past."""
    from app.extensions import db
    from app.models import Proof, utcnow

    with db.engine.begin() as connection:
        connection.execute(
            db.update(Proof)
            .where(Proof.id == proof_id)
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )


def test_a_render_renews_its_lease_while_it_draws(app, monkeypatch):
    from app.extensions import db
    from app.models import Proof
    from app.services import proofs

    app.config["PROOF_LEASE_SECONDS"] = 0.6  # renewed every 0.2 s
    real = proofs.render_files
    seen = []

    def slow(request):
        with db.engine.connect() as connection:
            read = db.select(Proof.lease_expires_at).where(Proof.status == "rendering")
            seen.append(connection.execute(read).scalar_one())
            while connection.execute(read).scalar_one() == seen[0]:  # until the keeper renews it
                connection.rollback()
        return real(request)

    monkeypatch.setattr(proofs, "render_files", slow)
    proof = _render(submitted_proof().id)
    assert proof.status == "ready" and proof.lease_expires_at is None


def test_a_stale_holder_cannot_finish_a_proof_taken_over_by_another_render(app, monkeypatch):
    from app.services import proofs

    real = proofs.render_files
    proof = submitted_proof()

    def taken_over(request):
        _lapse(proof.id)  # this worker stalled past its lease...
        assert proofs.reconcile() == [proof.id]  # ...the reconciler gave the proof to someone else
        return real(request)

    monkeypatch.setattr(proofs, "render_files", taken_over)
    again = _render(proof.id)
    assert (again.status, again.lost_attempts, again.render_key) == ("queued", 1, None)
    monkeypatch.setattr(proofs, "render_files", real)
    again = _render(proof.id)  # the new holder (here: the message the reconciler sent)
    assert (again.status, again.attempts, again.lost_attempts) == ("ready", 2, 1)


def test_a_proof_that_kills_its_worker_every_time_fails_with_a_sentence(app):
    from app.extensions import db
    from app.models import Proof
    from app.services import proofs

    proof = submitted_proof()
    for _ in range(proofs.MAX_LOST_RENDERS):
        assert proofs._claim(proof.id)
        _lapse(proof.id)
        proofs.reconcile()
    again = _reload(proof.id)
    assert (again.status, again.lost_attempts) == ("failed", proofs.MAX_LOST_RENDERS)
    assert again.failure_reason == proofs.LOST_TOO_OFTEN
    assert db.session.scalar(db.select(db.func.count()).select_from(Proof)) == 1


def test_a_queued_proof_whose_message_was_lost_is_sent_again(app, monkeypatch):
    from app.extensions import db
    from app.models import Proof, utcnow
    from app.services import proofs

    fresh, forgotten = submitted_proof(), submitted_proof()
    sent = []
    monkeypatch.setattr(proofs, "enqueue_render", sent.append)
    long_ago = utcnow() - timedelta(seconds=app.config["PROOF_RESEND_SECONDS"] + 1)
    with db.engine.begin() as connection:
        connection.execute(db.update(Proof).where(Proof.id == forgotten.id).values(updated_at=long_ago))
    assert proofs.reconcile() == [forgotten.id] and sent == [forgotten.id]
    assert proofs.reconcile() == []  # sent once per period, not every round
    assert _reload(fresh.id).status == "queued"
