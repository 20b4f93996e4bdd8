"""Two admins acting on one member, two admins demoting each other, an invitation accepted twice:
at the same instant, on both databases.

Each membership change is one conditional UPDATE on the role the admin saw that also keeps an
admin; on PostgreSQL the organisation's row is locked first, since two admins demoting each
other change two different rows. Exactly one side wins each round, the other is told why, and
the organisation always keeps an admin.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Role, User
from app.services import members
from app.services.errors import Conflict, Forbidden, Invalid
from app.services.share_links import LinkClosed
from tests.app.factories import OrganisationAdminFactory, UserFactory
from tests.app.racing import race, racing_app

ROUNDS = 8
PASSPHRASE = "a long enough passphrase"


def _admins(organisation_id: int) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organisation_id == organisation_id,
            User.role == Role.ORGANISATION_ADMIN,
            User.active.is_(True),
        )
    )


def _as(user_id: int) -> User:
    return db.session.get(User, user_id)


@pytest.mark.real_commits  # racers on connections of their own
def test_two_admins_acting_on_one_member_one_wins_and_the_other_is_told(app):
    with racing_app(app, 2) as racers:
        for _ in range(ROUNDS):
            first = OrganisationAdminFactory()
            second = UserFactory(organisation=first.organisation, role=Role.ORGANISATION_ADMIN)
            member = UserFactory(organisation=first.organisation, display_name="Kim")
            ids = first.id, second.id, member.id
            db.session.remove()

            promoted, removed = race(
                racers,
                lambda ids=ids: members.change_role(_as(ids[0]), ids[2], "buyer", "approver"),
                lambda ids=ids: members.remove_member(_as(ids[1]), ids[2], "buyer"),
            )
            outcomes = [not isinstance(r, Exception) for r in (promoted, removed)]
            assert outcomes.count(True) == 1, (promoted, removed)
            kim = _as(ids[2])
            if outcomes[0]:
                assert (kim.role, kim.active) == (Role.APPROVER, True)
                assert isinstance(removed, Conflict) and "Kim is now approver" in str(removed)
            else:
                assert kim.active is False
                assert isinstance(promoted, Conflict) and "Kim was removed a moment ago" in str(promoted)
            db.session.remove()


@pytest.mark.real_commits
def test_two_admins_stepping_each_other_down_at_once_leave_one_admin(app):
    with racing_app(app, 2) as racers:
        for _ in range(ROUNDS):
            first = OrganisationAdminFactory()
            second = UserFactory(organisation=first.organisation, role=Role.ORGANISATION_ADMIN)
            a, b, organisation = first.id, second.id, first.organisation_id
            db.session.remove()

            results = race(
                racers,
                lambda a=a, b=b: members.change_role(_as(a), b, "organisation_admin", "buyer"),
                lambda a=a, b=b: members.remove_member(_as(b), a, "organisation_admin"),
            )
            won = [r for r in results if not isinstance(r, Exception)]
            assert len(won) == 1, results
            assert all(isinstance(r, User | Forbidden | Invalid | Conflict) for r in results), results
            assert _admins(organisation) == 1
            db.session.remove()


@pytest.mark.real_commits
def test_an_invitation_accepted_twice_at_once_makes_one_account(app):
    with racing_app(app, 2) as racers:
        for n in range(ROUNDS):
            token = members.invite(OrganisationAdminFactory(), f"twice{n}@example.test", "buyer").token
            db.session.remove()

            results = race(
                racers,
                lambda token=token: members.accept_invitation(token, "First tab", PASSPHRASE),
                lambda token=token: members.accept_invitation(token, "Second tab", PASSPHRASE),
            )
            joined = [r for r in results if isinstance(r, User)]
            assert len(joined) == 1, results
            loser = next(r for r in results if not isinstance(r, User))
            assert isinstance(loser, LinkClosed | Conflict), loser
            count = db.session.scalar(
                select(func.count(User.id)).where(User.email == f"twice{n}@example.test")
            )
            assert count == 1
            db.session.remove()
