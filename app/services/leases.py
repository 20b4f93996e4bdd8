"""Leases on background work that can die: a render, a send, later a webhook delivery.

A worker takes a row with one conditional UPDATE (waiting -> holding) that writes a fresh
token and an expiry; while the work runs a keeper thread renews the expiry; the outcome is
written only ``WHERE lease_token = <ours>``, so a holder that stalled past its lease and was
replaced writes nothing. A lease that lapsed (its worker died) makes the row eligible again;
work that counts such losses (:class:`GiveUp`) keeps them in ``lost_attempts``, apart from
real failures.

A table that takes leases has ``id``, ``status``, ``lease_token``, ``lease_expires_at`` and
``updated_at`` columns (and ``lost_attempts`` to be recovered by :meth:`Lease.recover`). Its
status machine has rows wait in ``initial`` (or the state the lease names: a recipient import
waits for its mapping first), moves them to holding by ``start`` and on by ``finish``, ``fail``
and ``requeue``; every status a lease writes comes from that machine.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Engine, or_, select, update

from app.extensions import db
from app.models import utcnow
from configurator.states import StateMachine

log = logging.getLogger(__name__)


MAX_LOST_RENDERS = 5
"""Runs of one piece of work lost to a dead worker before it fails: input that kills its worker every time."""


@dataclass(frozen=True)
class GiveUp:
    """When work lost again and again fails instead of being queued once more."""

    after: int
    """Lost attempts (work that kills its worker every time) before the row fails."""
    reason: str
    """The sentence people read about such a failure."""


@dataclass(frozen=True)
class Lease:
    """How the rows of one table are leased: by which status machine, and for how long."""

    model: Any
    """The mapped class (``Proof``, ``Document``, ``OutboxMessage``)."""
    machine: StateMachine
    """The rows' lifecycle: waiting in its initial state, held in the state ``start`` leads to."""
    seconds_setting: str
    """The config key of the lease's length; the keeper renews every third of it."""
    give_up: GiveUp | None = None
    """For :meth:`recover`: work that counts its lost attempts (a ``lost_attempts`` column)."""
    waits_in: str | None = None
    """Where rows wait for a worker, when that is not where the machine starts them."""

    @property
    def waiting(self) -> str:
        return self.waits_in or self.machine.initial

    @property
    def holding(self) -> str:
        return self.machine.next(self.waiting, "start")

    def after(self, action: str) -> str:
        """The status a held row moves to by ``action`` (``finish``, ``fail``, ``requeue``)."""
        return self.machine.next(self.holding, action)

    def duration(self) -> timedelta:
        return timedelta(seconds=current_app.config[self.seconds_setting])

    def take(self, row_id: int, **values: Any) -> str | None:
        """Move a waiting row to holding under a fresh lease; return its token, None if taken. Commits.

        Of two deliveries of the same row one gets the token, the other None.
        """
        token = secrets.token_hex(16)
        now = utcnow()
        model = self.model
        result = db.session.execute(
            update(model)
            .where(model.id == row_id, model.status == self.waiting)
            .values(
                status=self.holding,
                lease_token=token,
                lease_expires_at=now + self.duration(),
                updated_at=now,
                **values,
            )
        )
        db.session.commit()
        return token if result.rowcount == 1 else None

    def held(self, row_id: int, token: str) -> tuple[ColumnElement[bool], ...]:
        """The row is still held under ``token`` (nobody took it over)."""
        model = self.model
        return model.id == row_id, model.status == self.holding, model.lease_token == token

    def settle(self, row_id: int, token: str, action: str, **values: Any) -> bool:
        """Move the row on by ``action`` and end the lease, only while ``token`` holds it; the caller commits.

        False means a stale holder: the row was taken over and nothing was written.
        """
        result = db.session.execute(
            update(self.model)
            .where(*self.held(row_id, token))
            .values(
                status=self.after(action),
                lease_token=None,
                lease_expires_at=None,
                updated_at=utcnow(),
                **values,
            )
        )
        return result.rowcount == 1

    def keeper(self, row_id: int, token: str) -> LeaseKeeper:
        """Renew this lease from a thread while the ``with`` block runs the work."""
        return LeaseKeeper(self, db.engine, row_id, token, self.duration())

    def lapsed(self, now: datetime) -> ColumnElement[bool]:
        """Held rows whose holder stopped renewing (or never set an expiry)."""
        model = self.model
        expired = or_(model.lease_expires_at.is_(None), model.lease_expires_at < now)
        return (model.status == self.holding) & expired

    def recover(self) -> list[int]:
        """Queue again the rows whose lease lapsed, counting each as lost (not failed); commits.

        A row lost ``give_up.after`` times fails with ``give_up.reason``. Each move is conditional on the token read, so two reconcilers move a row
        once. Returns the ids queued again, for the caller to send to the workers.
        """
        model, give_up = self.model, self.give_up
        if give_up is None:
            raise TypeError(f"the lease of {self._name} counts no lost attempts")
        now = utcnow()
        lapsed = self.lapsed(now)
        rows = db.session.execute(
            select(model.id, model.lease_token, model.lost_attempts).where(lapsed)
        ).all()
        queued = []
        for row in rows:
            lost = row.lost_attempts + 1
            action = "fail" if lost >= give_up.after else "requeue"
            moved = db.session.execute(
                update(model)
                .where(model.id == row.id, model.lease_token == row.lease_token, lapsed)
                .values(
                    status=self.after(action),
                    lost_attempts=lost,
                    lease_token=None,
                    lease_expires_at=None,
                    updated_at=now,
                    failure_reason=give_up.reason if action == "fail" else None,
                )
            ).rowcount
            if moved:
                log.warning("%s %s: lease lapsed (lost %s times); %s", self._name, row.id, lost, action)
                if action == "requeue":
                    queued.append(row.id)
        db.session.commit()
        return queued

    def reconcile(self, send: Callable[[int], None], resend_seconds: float) -> list[int]:
        """:meth:`recover` lapsed leases and :meth:`resend_waiting` rows; ``send`` each to a worker.

        What a periodic reconciler of leased work does; returns the ids sent.
        """
        ids = [*self.recover(), *self.resend_waiting(resend_seconds)]
        for row_id in ids:
            send(row_id)
        return ids

    def resend_waiting(self, seconds: float) -> list[int]:
        """Ids of rows waiting longer than ``seconds`` (their message lost), touched so each is sent once a period; commits."""
        model = self.model
        now = utcnow()
        ids = db.session.scalars(
            update(model)
            .where(model.status == self.waiting, model.updated_at < now - timedelta(seconds=seconds))
            .values(updated_at=now)
            .returning(model.id)
        ).all()
        db.session.commit()
        return list(ids)

    @property
    def _name(self) -> str:
        return self.model.__tablename__


class LeaseKeeper:
    """Renews a lease from a thread while the work (one blocking call) runs.

    A renewal that finds the lease gone (taken over after a long stall) stops; the work's
    result is then dropped by :meth:`Lease.settle`. A renewal the database refuses is tried
    again at the next tick: the lease has room for two misses.
    """

    def __init__(self, lease: Lease, engine: Engine, row_id: int, token: str, length: timedelta) -> None:
        self.lease, self.engine, self.row_id, self.token, self.length = lease, engine, row_id, token, length
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{lease._name}-{row_id}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        name = self.lease._name
        while not self._stop.wait(self.length.total_seconds() / 3):
            try:
                with self.engine.begin() as connection:
                    renewed = connection.execute(
                        update(self.lease.model)
                        .where(*self.lease.held(self.row_id, self.token))
                        .values(lease_expires_at=utcnow() + self.length)
                    ).rowcount
            except Exception as exc:  # logged; the next tick tries again
                log.warning("could not renew the lease of %s %s: %s", name, self.row_id, exc)
                continue
            if not renewed:
                log.warning("%s %s: the lease was taken over; this result is dropped", name, self.row_id)
                return
