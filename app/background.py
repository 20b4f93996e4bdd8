"""Background work is sent when the transaction that asked for it commits, by mechanism.

A service calls :func:`send_after_commit` where the work arises, inside its transaction. The
message waits on the database session until that transaction commits, then goes to the broker;
a rollback (of the transaction, or of the savepoint it was asked in) drops it. A worker so never
looks for a row that is not there yet, and work is never sent for a change that did not happen.
Like pretix's transaction-aware task and Warehouse's after-commit hook.

A broker that cannot take the message is no error for the person who asked: the row waits in
the database and the lease reconciler (:mod:`app.services.leases`) sends it again.

Tasks are named, not imported: ``app.tasks`` imports the services, so a service names the task
it wakes (with a constant the task is registered under) and the name is looked up when sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.observability import task_headers

log = logging.getLogger(__name__)

PENDING = "background.pending"
"""Key in ``Session.info`` of the messages waiting for their transaction: (transaction, message)."""


@dataclass(frozen=True)
class Message:
    task: str
    args: tuple[object, ...]


def send_after_commit(task: str, *args: object) -> None:
    """Send ``task(*args)`` to a worker once the current transaction commits (now if none is open)."""
    if task not in current_app.extensions["celery"].tasks:
        raise LookupError(f"no task is registered as {task!r}")
    session = db.session()
    message = Message(task, args)
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        deliver(message)
    else:
        session.info.setdefault(PENDING, []).append((transaction, message))


def deliver(message: Message) -> None:
    """Hand one message to the broker; an outage is logged, the reconciler sends the work again."""
    try:
        task = current_app.extensions["celery"].tasks[message.task]
        task.apply_async(message.args, headers=task_headers())  # the request id rides along
    except Exception:  # the row is safe in the database; a broker outage only delays the work
        log.exception("could not send %s%s; the reconciler will send it again", message.task, message.args)


def _send_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the transaction itself has not committed
    pending = session.info.pop(PENDING, [])
    for _transaction, message in pending:
        deliver(message)


def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    """Forget the messages asked inside the transaction or savepoint that rolled back."""
    pending = session.info.get(PENDING)
    if pending:
        pending[:] = [(t, m) for t, m in pending if not _within(t, previous)]


def _drop_unfinished(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends without a commit (closed, or its session removed) sends nothing."""
    if transaction.parent is None and not transaction.nested:
        session.info.pop(PENDING, None)


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


_LISTENERS = {
    "after_commit": _send_pending,
    "after_soft_rollback": _drop_rolled_back,
    "after_transaction_end": _drop_unfinished,
}


def init_app(_app: Flask) -> None:
    """Listen to the sessions of ``db`` (once per process: the session class is shared by every app)."""
    listen(db.session)


def listen(target: object) -> None:
    """Attach the after-commit listeners to ``target`` (``db.session``, or a session class of its own)."""
    for name, listener in _LISTENERS.items():
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
