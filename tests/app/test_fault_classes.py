"""The one line between infrastructure faults (retried) and failures of the work (reported)."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.faults import InfrastructureFault, is_database_fault, is_infrastructure_fault
from proofs.logo import LogoError
from proofs.sandbox import RenderFailed


def _dbapi(kind, invalidated: bool = False):
    return kind("SELECT 1", {}, Exception("driver says no"), connection_invalidated=invalidated)


@pytest.mark.parametrize(
    "exc",
    [
        _dbapi(OperationalError),
        _dbapi(DBAPIError, invalidated=True),
        ConnectionResetError(),
        OSError(28, "No space left on device"),
        BrokerError("broker unreachable"),
        InfrastructureFault("wrapped"),
    ],
)
def test_infrastructure_faults(exc):
    assert is_infrastructure_fault(exc)


def test_failures_of_the_work_are_not_faults():
    logo = LogoError("This PNG file is damaged or incomplete.")
    logo.__cause__ = OSError("Pillow: truncated")  # decoders raise OSError; the buyer's message counts
    for exc in (_dbapi(IntegrityError), logo, RenderFailed("Rendering was stopped."), KeyError("x")):
        assert not is_infrastructure_fault(exc), exc
    assert not is_database_fault(_dbapi(IntegrityError))
