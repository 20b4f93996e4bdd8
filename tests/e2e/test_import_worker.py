"""A recipient import checked by real Celery workers on Redis: a worker killed with SIGKILL in
the middle of a chunk is replaced (its lease lapses, the reconciler queues the import again)
and a second worker finishes the file from the last chunk committed, every row saved once."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.e2e.conftest import stop
from tests.e2e.workers import killed_worker, start_worker, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow]

ROWS = 1200


def imported_rows() -> tuple[int, int]:
    """A draft design and an import of ``ROWS`` good rows whose columns the buyer just matched."""
    from app.services import recipients
    from tests.app.factories import DesignFactory, box_spec

    design = DesignFactory(spec=box_spec(delivery="per_recipient"))
    buyer = design.created_by
    rows = "".join(f"Person {n},p{n}@example.com,{n} Main St,New York,NY,10001,US\r\n" for n in range(ROWS))
    data = ("Name,Email,Street,City,State,Zip,Country\r\n" + rows).encode()
    import_id = recipients.start_import(buyer, design.id, "big.csv", data)
    page = recipients.mapping_page(buyer, design.id, import_id)
    recipients.map_columns(buyer, design.id, import_id, page.version, page.mapping)  # sent to the broker
    return design.id, import_id


def read_import(import_id: int):
    from app.extensions import db
    from app.models import RecipientImport

    db.session.expire_all()
    found = db.session.get(RecipientImport, import_id)
    db.session.rollback()
    return found


def test_a_worker_killed_mid_check_is_replaced_and_every_row_is_saved_once(app, worker_env, tmp_path):
    from app.extensions import db
    from app.models import Recipient
    from app.services import recipients
    from configurator.states import ImportStatus

    design_id, import_id = imported_rows()
    marker = tmp_path / "second-chunk"
    with killed_worker({**worker_env, "HELD_IMPORT_MARKER": str(marker)}, tmp_path / "first.log"):
        wait_until(marker.exists, what="the second chunk being saved")
        held = read_import(import_id)
        assert (held.status, held.rows_checked, held.rows_saved) == (
            ImportStatus.CHECKING,
            recipients.CHUNK_ROWS,
            recipients.CHUNK_ROWS,
        )

    second = start_worker(worker_env, tmp_path / "second.log", "--beat")  # beat runs the reconciler
    try:
        wait_until(
            lambda: read_import(import_id).status in (ImportStatus.CHECKED, ImportStatus.FAILED),
            what="the check ending",
        )
    finally:
        stop(second)
    done = read_import(import_id)
    assert (done.status, done.failure_reason) == (ImportStatus.CHECKED, None)
    assert (done.rows_checked, done.rows_saved, done.lost_attempts) == (ROWS, ROWS, 1)
    names = Counter(db.session.scalars(db.select(Recipient.name).where(Recipient.design_id == design_id)))
    assert names == Counter(f"Person {n}" for n in range(ROWS))  # each once, none lost with the first worker
