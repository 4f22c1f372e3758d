"""The OpenAPI document is valid and complete, and the service keeps to it: schemathesis with
every check, positive and negative data, signed in as each role (and anonymous), on SQLite
and PostgreSQL, a bounded number of examples per operation: no server error, no violation.

Operations are read from the document, so a route added to the API is tested here as soon
as it is declared in openapi.py (and test_every_api_route_is_declared fails until it is)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode, auths, checks
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.vault.conftest import csrf_token, login, pdf_bytes
from vault_service import sessions
from vault_service.app import ROUTES
from vault_service.openapi import OPENAPI, path_parameters

EXAMPLES = 6  # per operation, per generation mode, per role: keeps the run to ~2 minutes
ROLES = ["anonymous", "beneficiary_a", "pro_x", "structure_admin", "platform_admin"]


def test_the_document_is_valid_openapi():
    validate(OPENAPI)  # raises on the first rule of the OpenAPI specification it breaks
    assert OPENAPI["openapi"].startswith("3.")
    assert "/api/shares" in OPENAPI["paths"] and "/api/verification" in OPENAPI["paths"]


def test_every_api_route_is_declared():
    routes = {
        (method.lower(), route.path)
        for route in ROUTES
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in route.methods or ()
        if method != "HEAD"
    }
    declared = {(m, p) for p, item in OPENAPI["paths"].items() for m in item}
    assert sorted(routes - declared) == [], "route de l'API absente de openapi.py"
    assert sorted(declared - routes) == [], "opération de openapi.py sans route"
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(path_parameters(path)), (method, path)
            success = [s for s in operation["responses"] if s.startswith("2")]
            assert len(success) == 1, (method, path)
            if success[0] != "204":
                assert operation["responses"][success[0]].get("content"), (method, path)


def _all_checks() -> list[Any]:
    checks.load_all_checks()
    return list(checks.CHECKS.get_all())


def _session_cookie(app: Any, actor: Any) -> str:
    service = app.state.vault
    with service.engine.begin() as conn:
        cookie, _ = sessions.open_session(conn, actor.id, service.settings)
    return cookie


def _a_document(app: Any, actor: Any) -> str:
    """A fresh document of Amina (the fuzzer may rename, replace or delete it)."""
    client = TestClient(app)
    login(client, actor)
    token = csrf_token(client, "/documents/depot")
    response = client.post(
        "/documents/depot",
        data={"csrf_token": token, "title": "Pièce", "doc_type": "identite", "scheme": "rsa"},
        files={"file": ("piece.pdf", pdf_bytes(3000), "application/pdf")},
        follow_redirects=False,
    )
    location: str = response.headers["location"]
    return location.rsplit("/", 1)[-1]


@pytest.mark.parametrize("role", ROLES)
def test_the_service_keeps_to_its_openapi_document(app, world, settings, role):
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    every_check = _all_checks()
    owner = world.actors["beneficiary_a"]
    actor = world.actors.get(role)
    cookie_name = sessions.cookie_name(settings)
    failures: list[str] = []
    tested = 0
    storage: auths.AuthStorage[str] = auths.AuthStorage()
    if actor is not None:

        class Session:
            """A fresh session per case (the fuzzer may log out with DELETE /api/session)."""

            def get(self, case: Any, context: Any) -> str:
                return _session_cookie(app, actor)

            def set(self, case: Any, data: str, context: Any) -> None:
                case.cookies = {**(case.cookies or {}), cookie_name: data}

        storage.auth(refresh_interval=None)(Session)

    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        # Rules a schema cannot say (a file is accepted for what it contains…), declared in
        # the document itself: valid-looking data may then be refused, rightly.
        beyond = bool(operation.definition.raw.get("x-beyond-schema"))
        run_checks = [
            c for c in every_check if not (beyond and c is checks.positive_data_acceptance)
        ]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(
                case=operation.as_strategy(
                    generation_mode=mode, auth_storage=storage if actor else None
                )
            )
            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                nonlocal tested
                tested += 1
                params = case.path_parameters or {}
                if "doc_id" in params and tested % 2:
                    params["doc_id"] = _a_document(app, owner)  # a real one, half the time
                try:
                    case.call_and_validate(checks=run_checks)  # noqa: B023 (run at once)
                except (Exception, BaseExceptionGroup) as error:  # collect all, report at the end
                    failures.append(f"{case.method} {case.path} : {error}"[:1500])

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid (no parameter, no body)
                assert mode is GenerationMode.NEGATIVE, (operation.method, operation.path)
    assert tested > 20 * EXAMPLES
    assert failures == [], "\n\n".join(failures[:10])
