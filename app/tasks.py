"""Celery tasks: thin wrappers that take ids and call a service."""

from celery import shared_task

from app.faults import InfrastructureFault
from app.services import digest, documents, notifications, proofs, recipients
from app.services.webhooks import deliveries as webhooks

RENDER_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 120,
    "soft_time_limit": 90,
    # A database, storage or broker fault is retried with backoff (a few minutes in all); the
    # reconciler stands behind it, so the work is never failed for it.
    "autoretry_for": (InfrastructureFault,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 10,
}
"""Options of every task that draws something (a proof, a document)."""


@shared_task(name=proofs.RENDER_TASK_NAME, **RENDER_TASK)
def render_proof(proof_id: int) -> None:
    proofs.render(proof_id)
    documents.diff_for_new_proof(proof_id)  # what changed since the version before, made now


@shared_task(time_limit=60, soft_time_limit=50)
def reconcile_renders() -> None:
    """Queue again the proofs, documents and recipient imports whose lease lapsed or whose message
    was lost, and send the webhook deliveries whose time came."""
    proofs.reconcile()
    documents.reconcile()
    recipients.reconcile()
    webhooks.reconcile()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def send_outbox() -> int:
    """Deliver due emails. Retries live in the outbox rows (with backoff), not in Celery."""
    return notifications.send_pending()


@shared_task(name=documents.RENDER_TASK_NAME, **RENDER_TASK)
def render_document(document_id: int) -> None:
    documents.render(document_id)


@shared_task(time_limit=60, soft_time_limit=50)
def send_staff_digest() -> int:
    """Tell staff which proofs wait for their check (at most one digest per STAFF_DIGEST_SECONDS)."""
    return digest.send_staff_digest()


@shared_task(name=recipients.CHECK_TASK_NAME, **{**RENDER_TASK, "time_limit": 600, "soft_time_limit": 540})
def check_recipient_import(import_id: int) -> None:
    """Check an import's rows (up to 5,000: the addresses, each card's fit, duplicates) in chunks."""
    recipients.check_import(import_id)


@shared_task(
    name=webhooks.SEND_TASK_NAME,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=60,
    soft_time_limit=45,
    autoretry_for=(InfrastructureFault,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def send_webhook(delivery_id: int) -> bool:
    """One attempt at a webhook delivery; its retries live in the row (with backoff), not in Celery."""
    return webhooks.send(delivery_id)
