"""Each person chooses the e-mails they receive, except those their role must get; staff hear of
waiting proofs as one digest, sent once even by two workers at the same instant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, Role, utcnow
from app.services import digest, notifications, preferences, reviews
from configurator.vocabulary import NotificationKind
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, ready_proof
from tests.app.journeys import Browser
from tests.app.racing import race, racing_app


def _mails(event: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)))


def test_every_kind_is_offered_to_someone_and_required_only_of_its_audience() -> None:
    for kind in NotificationKind:
        assert kind.audience and kind.required_for <= kind.audience
    assert set(notifications.EVENTS) | {NotificationKind.PROOF_WAITING} == set(NotificationKind)


def test_a_buyer_who_turned_proof_ready_off_gets_no_such_email(app):
    buyer = UserFactory()
    preferences.save(buyer, [])
    proof = ready_proof(DesignFactory(created_by=buyer, status="submitted"))
    assert notifications.notify("proof_ready", proof_id=proof.id) == 0
    preferences.save(buyer, ["proof_ready"])
    assert notifications.notify("proof_ready", proof_id=proof.id) == 1


def test_what_a_role_must_get_cannot_be_turned_off(app):
    approver = UserFactory(role=Role.APPROVER)
    preferences.save(approver, [])
    choices = {c.kind: c for c in preferences.choices(approver)}
    assert (
        choices[NotificationKind.APPROVAL_NEEDED].required
        and choices[NotificationKind.APPROVAL_NEEDED].receive
    )
    assert not choices[NotificationKind.PROOF_READY].receive
    assert NotificationKind.PROOF_WAITING not in choices
    assert preferences.receivers(NotificationKind.APPROVAL_NEEDED, [approver]) == [approver]


def test_the_settings_page_saves_the_choices(app, client):
    buyer = UserFactory()
    browser = Browser(client)
    browser.login(buyer.email)
    page = browser.get("/account/notifications").text
    assert "Your order is confirmed" in page and "cannot be turned off" in page
    assert browser.post("/account/notifications", {"kind": ["shipped"]}).status_code == 302
    receive = {c.kind: c.receive for c in preferences.choices(buyer)}
    assert receive[NotificationKind.SHIPPED] and not receive[NotificationKind.PROOF_READY]
    assert receive[NotificationKind.ORDER_CONFIRMED]  # required of buyers


def _waiting_proof():
    buyer = UserFactory()
    proof = ready_proof(DesignFactory(created_by=buyer, status="submitted"))
    reviews.decide(buyer, proof, 1, "approve", "")
    return proof


def test_staff_get_one_digest_of_all_waiting_proofs_and_no_repeat_without_a_new_one(app):
    staff, quiet = StaffFactory(), StaffFactory(role=Role.ADMIN)
    preferences.save(quiet, [])
    _waiting_proof(), _waiting_proof()
    assert digest.send_staff_digest() == 1  # the admin turned it off; staff must get it
    (mail,) = _mails("proof_waiting")
    assert mail.to_addr == staff.email and "2 proofs wait" in mail.subject
    later = utcnow() + timedelta(hours=1)
    assert digest.send_staff_digest(later) == 0  # nothing new since: no repeat
    assert digest.send_staff_digest() == 0  # within the interval


@pytest.mark.real_commits  # racers on connections of their own
def test_two_workers_sending_the_digest_at_once_send_it_once(app):
    StaffFactory()
    _waiting_proof()
    db.session.commit()
    with racing_app(app, 2) as racers:
        results = race(racers, digest.send_staff_digest, digest.send_staff_digest)
    assert sorted(r for r in results if isinstance(r, int)) == [0, 1], results
    db.session.expire_all()
    assert (
        db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.event == "proof_waiting"))
        == 1
    )
