"""schemathesis, an outside client, drives every operation of the OpenAPI document with a valid token.

It generates requests from the document itself (valid and invalid ones, some naming a real design
and proof) and checks each answer: never a server error, and status, content type, headers and
body all as the document says. The example count is modest, so this stays a unit-test-sized run.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import db
from tests.app.factories import ApiTokenFactory, DesignFactory, ready_proof

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 12


def test_every_operation_answers_as_its_document_says(app):
    app.config["RATELIMIT_API"] = "100000 per minute"  # schemathesis is not the limit's subject
    token = ApiTokenFactory()
    draft = DesignFactory(created_by=token.created_by)
    proof = ready_proof(DesignFactory(created_by=token.created_by))
    db.session.commit()
    real = {"design_id": draft.id, "proof_id": proof.id}
    auth = {"Authorization": f"Bearer {token.secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        strategies = [operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)]
        if names:
            strategies.append(operation.as_strategy(path_parameters={n: real[n] for n in names}))
            strategies.append(
                operation.as_strategy(GenerationMode.NEGATIVE, path_parameters={n: real[n] for n in names})
            )
        for strategy in strategies:

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case) -> None:
                case.call_and_validate(headers=auth, checks=CHECKS)

            run()
