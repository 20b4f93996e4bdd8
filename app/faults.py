"""Which exceptions are faults of the infrastructure rather than of the work.

A lost database connection, an unreachable storage or broker says nothing about the proof or
the request that met it: the work is retried (a task with backoff, a person after a moment)
and never marked failed. Everything else is a real failure of the work. This module is the
one place that draws the line; services, tasks and error pages ask it.
"""

from __future__ import annotations

from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeout
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


class InfrastructureFault(Exception):
    """Work met an infrastructure fault (its cause); retry it later, it did not fail."""


def is_database_fault(exc: BaseException) -> bool:
    """The database was unreachable or dropped the connection (or the pool ran dry)."""
    if isinstance(exc, DBAPIError):
        # OperationalError: connection lost, admin shutdown, "database is locked", serialisation;
        # InterfaceError: the driver's connection is closed; any error that invalidated it.
        return isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated
    return isinstance(exc, DisconnectionError | PoolTimeout)


def is_infrastructure_fault(exc: BaseException) -> bool:
    """A database, storage (``OSError`` of a file or socket) or broker fault.

    Only ``exc`` itself counts, not its cause: a logo decoder that turns Pillow's ``OSError``
    into a message for the buyer has made a real failure of it.
    """
    kinds = (InfrastructureFault, OSError, BrokerError, RedisConnectionError, RedisTimeout)
    return isinstance(exc, kinds) or is_database_fault(exc)
