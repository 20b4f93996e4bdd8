#!/usr/bin/env python3
"""Create a design from a classic box, write its card, submit it, wait for its proof and print the PDF's URL.

Standard library only, so any machine with Python runs it:

    GOH_TOKEN=goh_… python3 scripts/api_example.py [--url http://127.0.0.1:5000] [--classic warm-welcome]

The token comes from Settings → API tokens (scopes read and design). Each POST carries an
Idempotency-Key, so running a step again after a dropped connection never makes a second design.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from email.message import Message
from typing import Any


def call(
    base: str, token: str, method: str, path: str, body: Any = None, **extra: str
) -> tuple[dict[str, Any], Message]:
    """One API request; a problem answer is printed (with each field's problem) and ends the script."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", **extra}
    data = None
    if method == "POST":
        headers["Idempotency-Key"] = str(uuid.uuid4())
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)  # noqa: S310 - main() allows http(s) only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - as above
            return json.load(response), response.headers
    except urllib.error.HTTPError as error:
        problem = json.load(error)
        print(f"{method} {path}: {problem['status']} {problem['detail']}", file=sys.stderr)
        for entry in problem.get("errors", []):
            print(f"  {entry['field']}: {entry['detail']}", file=sys.stderr)
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("GOH_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--classic", default="warm-welcome", help="a classic box id from GET /api/v1/catalog")
    parser.add_argument("--message", default="Welcome aboard! We are glad you are here.")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for the proof")
    args = parser.parse_args()
    token = os.environ.get("GOH_TOKEN") or sys.exit("Set GOH_TOKEN to an API token (Settings → API tokens).")
    base = args.url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        sys.exit("--url must be an http:// or https:// address.")

    design, headers = call(base, token, "POST", "/api/v1/designs", {"classic_id": args.classic})
    print(f"Design {design['id']} “{design['name']}” created (revision {design['revision']}).")
    # A change names the revision it was made on (If-Match: the ETag); a stale one is refused with 412.
    change = {"spec": {"message": args.message}}
    design, _ = call(
        base, token, "PATCH", f"/api/v1/designs/{design['id']}", change, **{"If-Match": headers["ETag"]}
    )
    check, _ = call(base, token, "POST", f"/api/v1/designs/{design['id']}/validate")
    for violation in check["violations"]:
        print(f"  to fix before submitting: {violation['field']}: {violation['message']}")
    proof, _ = call(base, token, "POST", f"/api/v1/designs/{design['id']}/submit")
    print(f"Submitted: proof {proof['version']} is {proof['status']}.")

    deadline = time.monotonic() + args.wait
    while proof["status"] in ("queued", "rendering") and time.monotonic() < deadline:
        time.sleep(1)
        proof, _ = call(base, token, "GET", f"/api/v1/proofs/{proof['id']}")
    if proof["status"] != "ready":
        sys.exit(f"The proof is {proof['status']}: {proof['text']}")
    print(proof["pdf"])


if __name__ == "__main__":
    main()
