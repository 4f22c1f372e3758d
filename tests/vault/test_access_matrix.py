"""Every route × every actor → expected status. A route missing from the table fails the test.

Amina (beneficiary_a) is followed by structure X: pro_x and the structure administrator (of X)
may act for her, pro_y (structure Y) gets 404 on every route that acts on a person.

Requests carry a valid CSRF token (forms) or header (API) and minimal data, so the status shows
the access decision (or a validation error for those allowed), without side effects except
on sacrificial objects. Object ids of others give 404, never the document.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.vault.conftest import add_account, csrf_token, login, pdf_bytes, upload
from vault_service import accounts, assisted_recovery, relationships, share_requests, shares
from vault_service.db import shares as shares_table

ACTORS = [
    "anonymous",
    "beneficiary_a",
    "beneficiary_b",
    "pro_x",
    "pro_y",
    "structure_admin",
    "platform_admin",
]


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ACTORS)
    return dict(zip(ACTORS, statuses, strict=True))


ALL = lambda status: row(*[status] * 7)  # noqa: E731
#            anon  A    B    PX   PY   SA   PA
BENEF = row(303, 200, 200, 403, 403, 403, 403)
BENEF_POST = row(303, 400, 400, 403, 403, 403, 403)
OWNER = row(303, 200, 404, 403, 403, 403, 403)
OWNER_POST = row(303, 400, 404, 403, 403, 403, 403)
SIGNED_IN = row(303, 200, 200, 200, 200, 200, 200)
SIGNED_IN_POST = row(303, 400, 400, 400, 400, 400, 400)
PRO = row(303, 403, 403, 200, 200, 200, 403)
PRO_POST = row(303, 403, 403, 400, 400, 400, 403)
SADMIN = row(303, 403, 403, 403, 403, 200, 403)
SADMIN_POST = row(303, 403, 403, 403, 403, 400, 403)
PADMIN = row(303, 403, 403, 403, 403, 403, 200)
PADMIN_POST = row(303, 403, 403, 403, 403, 403, 400)
API_BENEF = row(401, 200, 200, 403, 403, 403, 403)
# A person acted on by professionals: Amina is followed by structure X (pro_x, structure_admin),
# not by Y: an unrelated professional gets 404, exactly as for a person who does not exist.
FOLLOWED = row(303, 403, 403, 400, 404, 400, 403)
API_OWNER = row(401, 200, 404, 403, 403, 403, 403)
# beneficiary_a's document, shared with pro.x only (by name): everyone else gets 404.
SHARED = row(303, 403, 403, 200, 404, 404, 403)

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/"): row(200, 303, 303, 303, 303, 303, 303),
    ("GET", "/inscription"): ALL(200),
    ("POST", "/inscription"): ALL(400),
    ("GET", "/connexion"): row(200, 303, 303, 303, 303, 303, 303),
    ("POST", "/connexion"): ALL(401),
    ("GET", "/activation"): ALL(200),
    ("POST", "/activation"): ALL(400),
    ("GET", "/recuperation"): ALL(200),
    ("POST", "/recuperation"): ALL(400),
    ("GET", "/documents"): BENEF,
    ("GET", "/documents/depot"): BENEF,
    ("GET", "/documents/corbeille"): BENEF,
    ("POST", "/documents/depot"): BENEF_POST,
    ("GET", "/documents/{doc_id}"): OWNER,
    ("GET", "/documents/{doc_id}/telecharger"): OWNER,
    ("GET", "/documents/{doc_id}/voir"): OWNER,
    ("POST", "/documents/{doc_id}/modifier"): OWNER_POST,
    ("POST", "/documents/{doc_id}/version"): OWNER_POST,
    ("GET", "/documents/{doc_id}/supprimer"): OWNER,
    ("POST", "/documents/{doc_id}/supprimer"): OWNER_POST,
    ("GET", "/documents/{doc_id}/duplicata"): OWNER,
    ("POST", "/documents/{doc_id}/duplicata"): OWNER_POST,
    ("GET", "/documents/{doc_id}/duplicatas/{code}"): OWNER,
    ("POST", "/documents/{doc_id}/restaurer"): row(303, 404, 404, 403, 403, 403, 403),
    ("GET", "/verification"): ALL(200),
    ("POST", "/verification"): ALL(400),
    ("GET", "/cles-publiques"): ALL(200),
    ("GET", "/cles-publiques/{kid}.pem"): ALL(200),
    # {structure_id} is Y, which never signed a deposit: no key to show, for anyone.
    ("GET", "/cles-publiques/structures/{structure_id}"): ALL(404),
    ("GET", "/cles-publiques/structures/{structure_id}/{kid}.pem"): ALL(404),
    ("GET", "/partages"): BENEF,
    ("POST", "/partages"): BENEF_POST,
    ("GET", "/partages/nouveau"): BENEF,
    ("POST", "/partages/{share_id}/retirer"): row(303, 303, 404, 403, 403, 403, 403),
    ("GET", "/historique"): BENEF,
    ("GET", "/demandes"): BENEF,
    ("POST", "/demandes/{ask_id}/accepter"): row(303, 400, 404, 403, 403, 403, 403),
    ("POST", "/demandes/{ask_id}/refuser"): row(303, 303, 404, 403, 403, 403, 403),
    ("GET", "/documents/{doc_id}/origine"): row(303, 404, 404, 403, 403, 403, 403),
    ("GET", "/compte"): SIGNED_IN,
    ("POST", "/compte/mot-de-passe"): SIGNED_IN_POST,
    ("GET", "/compte/export"): BENEF,
    ("GET", "/compte/export.zip"): BENEF,
    ("GET", "/compte/fermeture"): BENEF,
    ("POST", "/compte/fermeture"): BENEF_POST,
    ("POST", "/compte/fermeture/annuler"): row(303, 303, 303, 403, 403, 403, 403),
    ("GET", "/informations"): ALL(200),
    ("GET", "/informations/{page}"): ALL(200),
    ("GET", "/compte/double-authentification"): BENEF,
    ("POST", "/compte/double-authentification"): BENEF_POST,
    ("POST", "/compte/double-authentification/desactiver"): BENEF_POST,
    ("POST", "/compte/feuille-de-secours"): SIGNED_IN_POST,
    ("GET", "/compte/avis"): SIGNED_IN,
    ("POST", "/compte/avis"): ALL(303),
    ("POST", "/compte/liens"): row(303, 200, 200, 403, 403, 403, 403),
    ("GET", "/pro"): PRO,
    ("POST", "/pro/recherche"): PRO_POST,
    ("POST", "/pro/liens"): PRO_POST,
    ("POST", "/pro/beneficiaires"): PRO_POST,
    ("POST", "/pro/beneficiaires/{account_id}/recuperation"): FOLLOWED,
    ("POST", "/pro/recuperations/{request_id}/approuver"): FOLLOWED,
    ("GET", "/pro/partages"): PRO,
    # beneficiary_a is followed by structure X (pro.x and its administrator), not by Y.
    ("GET", "/pro/personnes/{account_id}"): row(303, 403, 403, 200, 404, 200, 403),
    ("POST", "/pro/personnes/{account_id}/demandes"): row(303, 403, 403, 400, 404, 400, 403),
    ("POST", "/pro/personnes/{account_id}/depots"): row(303, 403, 403, 400, 404, 400, 403),
    ("GET", "/pro/documents/{doc_id}"): SHARED,
    ("GET", "/pro/documents/{doc_id}/voir"): SHARED,
    ("GET", "/pro/documents/{doc_id}/telecharger"): SHARED,
    ("POST", "/pro/documents/{doc_id}/transmettre"): row(303, 403, 403, 403, 404, 404, 403),
    ("GET", "/structure"): SADMIN,
    ("POST", "/structure/professionnels"): SADMIN_POST,
    ("POST", "/structure/professionnels/{account_id}/desactiver"): SADMIN,
    ("POST", "/structure/professionnels/{account_id}/reactiver"): SADMIN,
    ("GET", "/admin"): PADMIN,
    ("POST", "/admin/structures"): PADMIN_POST,
    ("POST", "/admin/structures/{structure_id}/plafond"): PADMIN_POST,
    ("POST", "/admin/structures/{structure_id}/administrateurs"): PADMIN_POST,
    ("GET", "/api/openapi.json"): ALL(200),
    ("GET", "/api/health"): ALL(200),
    ("GET", "/api/ready"): ALL(200),
    ("GET", "/metrics"): ALL(404),  # off unless VAULT_METRICS_TOKEN (test_operations.py)
    ("POST", "/api/session"): ALL(415),
    ("GET", "/api/me"): row(401, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/documents"): API_BENEF,
    ("GET", "/api/journal"): API_BENEF,
    ("POST", "/api/documents"): row(401, 400, 400, 403, 403, 403, 403),
    ("GET", "/api/documents/counts"): API_BENEF,
    ("GET", "/api/documents/{doc_id}"): API_OWNER,
    ("PATCH", "/api/documents/{doc_id}"): row(401, 415, 404, 403, 403, 403, 403),
    ("GET", "/api/documents/{doc_id}/content"): API_OWNER,
    ("GET", "/api/documents/{doc_id}/duplicates"): API_OWNER,
    ("POST", "/api/documents/{doc_id}/duplicates"): row(401, 415, 404, 403, 403, 403, 403),
    ("GET", "/api/verification"): ALL(400),
    ("POST", "/api/verification"): ALL(400),
    # Consent through the API. The share and the request were ended by the page rows above
    # (revoked, refused): hers are 404 now, like someone else's.
    ("GET", "/api/shares"): API_BENEF,
    ("POST", "/api/shares"): row(401, 415, 415, 403, 403, 403, 403),
    ("DELETE", "/api/shares/{share_id}"): row(401, 404, 404, 403, 403, 403, 403),
    ("GET", "/api/requests"): API_BENEF,
    ("POST", "/api/requests/{ask_id}/accept"): row(401, 415, 415, 403, 403, 403, 403),
    ("POST", "/api/requests/{ask_id}/refuse"): row(401, 404, 404, 403, 403, 403, 403),
    ("GET", "/api/pro/shares"): row(401, 403, 403, 200, 200, 200, 403),
    ("GET", "/api/pro/documents/{doc_id}/content"): row(401, 403, 403, 200, 404, 404, 403),
    ("POST", "/api/pro/people/{account_id}/requests"): row(401, 403, 403, 415, 404, 415, 403),
    ("POST", "/api/pro/people/{account_id}/deposits"): row(401, 403, 403, 400, 404, 400, 403),
    ("POST", "/api/documents/{doc_id}/versions"): row(401, 400, 404, 403, 403, 403, 403),
    ("GET", "/static/vault.css"): ALL(200),
    # Last: these end a link, end the session (the actor signs in again) or delete the document.
    ("POST", "/compte/liens/{link_id}/fin"): row(303, 303, 404, 403, 403, 403, 403),
    ("POST", "/deconnexion"): ALL(303),
    ("POST", "/deconnexion-partout"): ALL(303),
    ("DELETE", "/api/session"): row(401, 204, 204, 204, 204, 204, 204),
    ("POST", "/documents/{doc_id}/duplicatas/{code}/annuler"): row(
        303, 303, 404, 403, 403, 403, 403
    ),
    ("DELETE", "/api/documents/{doc_id}"): row(401, 204, 404, 403, 403, 403, 403),
}
ENDS_SESSION = {
    ("POST", "/deconnexion"),
    ("POST", "/deconnexion-partout"),
    ("DELETE", "/api/session"),
}


def app_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, Mount):
            found.add(("GET", "/static/vault.css"))
        elif isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, route.path))
        else:  # pragma: no cover
            raise AssertionError(f"route d'un type inattendu : {route!r}")
    return found


def test_an_unrelated_professional_gets_404_on_every_route_about_a_person():
    """Every professional route with an id in its path acts on a person or on something of
    hers: a professional whose structure does not follow her gets 404 (never 403, never
    200), like for an id that does not exist. A new /pro/… route must keep this."""
    about_a_person = {key: row for key, row in EXPECTED.items() if key[1].startswith("/pro/")}
    wrong = {
        f"{method} {path}": row["pro_y"]
        for (method, path), row in about_a_person.items()
        if "{" in path and row["pro_y"] != 404
    }
    assert wrong == {}
    assert sum("{" in path for _, path in about_a_person) >= 2


def test_every_route_is_in_the_matrix(app):
    routes = app_routes(app)
    assert sorted(routes - set(EXPECTED)) == [], "route absente de la matrice"
    assert sorted(set(EXPECTED) - routes) == [], "ligne de matrice sans route"


def request(client: TestClient, method: str, path: str, actor: str):
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if path.startswith("/api/"):
        return client.request(method, path, headers={"X-Vault-CSRF": "1"}, follow_redirects=False)
    token = csrf_token(client, "/inscription")
    return client.request(
        method,
        path,
        data={"csrf_token": token, "login": f"inconnu-{actor}"},
        follow_redirects=False,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


@pytest.mark.slow
def test_access_matrix(app, world, engine, settings):
    clients = {name: TestClient(app, base_url="http://testserver") for name in ACTORS}
    for name, client in clients.items():
        if name != "anonymous":
            login(client, world.actors[name])
    response = upload(clients["beneficiary_a"], pdf_bytes(3000))
    assert response.status_code == 303
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    sacrificial = add_account(engine, settings, "pro.x2", "professional", world.structure_x)
    token = csrf_token(clients["beneficiary_a"], f"/documents/{doc_id}/duplicata")
    issued = clients["beneficiary_a"].post(
        f"/documents/{doc_id}/duplicata",
        data={"csrf_token": token, "recipient": "CCAS", "purpose": "RSA"},
        follow_redirects=False,
    )
    assert issued.status_code == 303
    amina = world.actors["beneficiary_a"].id
    with engine.begin() as conn:
        # A recovery of Amina awaiting a second approval (asked by pro.x2), and a link of
        # Amina with a third structure, that she ends.
        requester = accounts.get(conn, sacrificial.id)
        assisted_recovery.request(conn, requester, amina, "cni", second_approval=True, days=5)
        (pending,) = assisted_recovery.pending_for(
            conn, accounts.get(conn, world.actors["pro_x"].id)
        )
        z = accounts.create_structure(conn, "Structure Z", 5, None)
        link_id = relationships.link(conn, amina, z, "link_code", None)
        grant = shares.Grant(world.structure_x, "rsa", "matrice", (doc_id,))
        shares.create(conn, world.actors["beneficiary_a"].id, grant)  # pro.x only, below
        conn.execute(update(shares_table).values(grantee_account_id=world.actors["pro_x"].id))
        sacrificial_share = shares.create(conn, world.actors["beneficiary_a"].id, grant)
        pro_x = accounts.get(conn, world.actors["pro_x"].id)
        ask_id = share_requests.create(conn, pro_x, amina, "rsa", "matrice", ["identite"])
    values = {
        "{doc_id}": doc_id,
        "{structure_id}": world.structure_y,
        "{code}": issued.headers["location"].rsplit("/", 1)[-1],
        "{kid}": "k1",
        "{page}": "partir",
        "{request_id}": pending["id"],
        "{link_id}": link_id,
        "{share_id}": sacrificial_share,
        "{ask_id}": ask_id,
    }
    failures = []
    for (method, template), expected in EXPECTED.items():
        path = template
        for key, value in values.items():
            path = path.replace(key, value)
        if "{account_id}" in path:
            target = (
                sacrificial.id if "professionnels" in path else world.actors["beneficiary_a"].id
            )
            path = path.replace("{account_id}", target)
        for actor in ACTORS:
            status = request(clients[actor], method, path, actor).status_code
            if status != expected[actor]:
                failures.append(
                    f"{method} {template} {actor}: {status} au lieu de {expected[actor]}"
                )
            if (method, template) in ENDS_SESSION and actor != "anonymous":
                login(clients[actor], world.actors[actor])
        if method == "GET" and template == "/documents/{doc_id}/telecharger":
            owner = clients["beneficiary_a"].get(path)
            other = clients["beneficiary_b"].get(path)
            assert owner.content.startswith(b"%PDF-") and b"%PDF" not in other.content
    assert failures == []
