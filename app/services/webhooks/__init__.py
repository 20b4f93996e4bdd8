"""Signed webhooks to an organisation's own systems: endpoints, deliveries through an outbox, SSRF-safe sends."""
