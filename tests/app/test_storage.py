"""The storage contract, run against the local folder and against a real S3-protocol server."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import boto3
import pytest

from app.faults import is_infrastructure_fault
from app.services.proofs import file_key
from app.storage import LocalStorage, S3Storage, Storage
from tests.services import s3_server

S3_KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "eu-west-1"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as url:
        yield url


def bucket_at(endpoint: str) -> dict[str, str]:
    """A new bucket on the server, as the app's configuration names it."""
    config = {**S3_KEYS, "S3_ENDPOINT_URL": endpoint, "S3_BUCKET": f"goh-{uuid.uuid4().hex[:12]}"}
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=config["S3_REGION"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=config["S3_BUCKET"], CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return config


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path)
    return S3Storage.from_config({**bucket_at(request.getfixturevalue("s3_endpoint")), "S3_PREFIX": "env1"})


def test_what_is_put_is_got_back_byte_for_byte(store: Storage):
    data = bytes(range(256)) * 1000
    store.put("renders/ab/cd.pdf", data)
    assert store.exists("renders/ab/cd.pdf")
    assert store.get("renders/ab/cd.pdf") == data


def test_a_missing_key_is_not_found_and_not_an_outage(store: Storage):
    assert not store.exists("renders/none.pdf")
    with pytest.raises(FileNotFoundError):
        store.get("renders/none.pdf")


def test_a_second_put_replaces_the_first(store: Storage):
    store.put("logos/x.png", b"first")
    store.put("logos/x.png", b"second")
    assert store.get("logos/x.png") == b"second"


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/path", "renders/../../x", "Renders/x", "renders"])
def test_keys_that_could_escape_are_refused(store: Storage, key: str):
    with pytest.raises(ValueError):
        store.put(key, b"x")
    with pytest.raises(ValueError):
        store.get(key)


def test_readers_never_see_half_a_file(store: Storage):
    """Readers racing a writer that keeps replacing a file see one whole version or the other."""
    versions = [bytes([n]) * 300_000 for n in range(2)]
    store.put("renders/race.pdf", versions[0])
    seen: list[bytes] = []
    done = threading.Event()

    def write() -> None:
        for n in range(10):
            store.put("renders/race.pdf", versions[n % 2])
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    while not done.is_set() or not seen:
        seen.append(store.get("renders/race.pdf"))
    writer.join()
    assert all(data in versions for data in seen)


def test_the_probe_passes_on_a_working_store(store: Storage):
    store.probe()


def test_an_unreachable_bucket_is_an_infrastructure_fault(tmp_path):
    with s3_server() as endpoint:
        store = S3Storage.from_config(bucket_at(endpoint))
        store.put("renders/a.pdf", b"a")
    # The server has gone: every call is an outage to retry, never a missing file or a crash.
    for call in (lambda: store.get("renders/a.pdf"), lambda: store.put("renders/b.pdf", b"b"), store.probe):
        with pytest.raises(Exception) as caught:
            call()
        assert is_infrastructure_fault(caught.value) and not isinstance(caught.value, FileNotFoundError)


def test_prefixes_keep_environments_apart(s3_endpoint: str):
    config = bucket_at(s3_endpoint)
    staging = S3Storage.from_config({**config, "S3_PREFIX": "staging"})
    live = S3Storage.from_config({**config, "S3_PREFIX": "live/"})
    staging.put("renders/a.pdf", b"staging")
    assert not live.exists("renders/a.pdf")
    live.put("renders/a.pdf", b"live")
    assert staging.get("renders/a.pdf") == b"staging"


def test_a_proof_rendered_into_the_bucket_is_served_from_it(app, browser, s3_endpoint: str, monkeypatch):
    """With object storage configured, the worker writes the proof there and the page reads it back."""
    from tests.app.factories import UserFactory
    from tests.app.journeys import latest_proof, set_quantity, start_classic, submit, write_card

    bucket = S3Storage.from_config(bucket_at(s3_endpoint))
    monkeypatch.setitem(app.extensions, "storage", bucket)
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    write_card(browser, design_id, "Welcome!")
    set_quantity(browser, design_id, 25)
    submit(browser, design_id)
    proof = latest_proof(design_id)
    assert proof.status == "ready", proof.failure_reason
    status = browser.get(f"/designs/{design_id}/status.json").get_json()
    pdf = browser.get(status["proof"]["pdf"])
    assert pdf.data.startswith(b"%PDF")
    assert bucket.get(file_key(proof, "pdf")) == pdf.data
    assert browser.get("/healthz").get_json()["storage"] == "ok"
