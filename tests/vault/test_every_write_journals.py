"""Every state-changing route journals. The test enumerates the POST, PATCH and DELETE routes
of app.ROUTES; each must have a recipe here that succeeds (status below 400) and adds at least
one journal entry. On top, the `app` fixture (tests/vault/journal_watch.py) fails any request,
in any vault test, that changes a row without writing the journal in the same request."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.vault.conftest import PASSWORD, add_account, csrf_token, login, pdf_bytes, upload
from tests.vault.test_flows import totp_secret
from vault_service import accounts, codes, relationships, share_requests, shares, totp
from vault_service import documents as docs
from vault_service.app import ROUTES
from vault_service.db import audit_log

WRITES = {"POST", "PATCH", "DELETE", "PUT"}
# Routes that change nothing by design (checking a duplicate anyone may verify).
READ_ONLY = {("POST", "/verification"), ("POST", "/api/verification")}
API = {"X-Vault-CSRF": "1"}


class Scene:
    def __init__(self, app: Any, world: Any, engine: Any, settings: Any) -> None:
        self.app, self.world, self.engine, self.settings = app, world, engine, settings
        self.clients: dict[str, TestClient] = {}

    def client(self, name: str) -> TestClient:
        if name not in self.clients:
            self.clients[name] = TestClient(self.app, base_url="http://testserver")
            if name != "anonymous":
                login(self.clients[name], self.world.actors[name])
        return self.clients[name]

    def fresh(self, name: str) -> TestClient:
        self.clients.pop(name, None)
        return self.client(name)

    def post(self, who: str, path: str, page: str, **data: Any) -> Any:
        client = self.client(who)
        data["csrf_token"] = csrf_token(client, page)
        return client.post(path, data=data, follow_redirects=False)

    def id(self, name: str) -> str:
        return str(self.world.actors[name].id)

    def doc(self, title: str = "Pièce") -> str:
        location = upload(self.client("beneficiary_a"), pdf_bytes(1500), title=title)
        return str(location.headers["location"].rsplit("/", 1)[-1])

    def conn_do(self, work: Callable[..., Any], *args: Any) -> Any:
        with self.engine.begin() as conn:
            return work(conn, *args)


def _file(s: Scene, name: str, path: str, page: str, **data: Any) -> Any:
    client = s.client(name)
    data["csrf_token"] = csrf_token(client, page)
    files = {"file": ("piece.pdf", pdf_bytes(1500), "application/pdf")}
    return client.post(path, data=data, files=files, follow_redirects=False)


def _signup(s: Scene) -> Any:
    return s.post(
        "anonymous",
        "/inscription",
        "/inscription",
        given_name="Nouvelle",
        family_name="Personne",
        birth_date="1999-09-09",
        login="nouvelle.personne",
        password=PASSWORD,
        password2=PASSWORD,
    )


def _code(s: Scene, purpose: str) -> tuple[str, str]:
    def work(conn: Any) -> tuple[str, str]:
        if purpose == "activation":
            account_id = accounts.create_account(
                conn,
                role="beneficiary",
                person=accounts.Person("Sans", "Motdepasse", "1970-07-07"),
                login="sans.motdepasse",
                password_hash=None,
                structure_id=None,
                created_by=None,
            )
            return "sans.motdepasse", codes.issue_code(conn, account_id, purpose, 5, None)
        return "amina", codes.issue_code(conn, s.id("beneficiary_a"), purpose, 5, None)

    return s.conn_do(work)  # type: ignore[no-any-return]


def _redeem(s: Scene, page: str, purpose: str) -> Any:
    who, code = _code(s, purpose)
    anonymous = TestClient(s.app, base_url="http://testserver")
    data = {
        "csrf_token": csrf_token(anonymous, page),
        "login": who,
        "code": code,
        "password": "un autre mot de passe",
        "password2": "un autre mot de passe",
    }
    return anonymous.post(page, data=data, follow_redirects=False)


def _share(s: Scene, doc: str, **extra: Any) -> str:
    grant = shares.Grant(s.world.structure_x, "rsa", "recette", (doc,), **extra)
    return str(s.conn_do(shares.create, s.id("beneficiary_a"), grant))


def _ask(s: Scene) -> str:
    def work(conn: Any) -> str:
        pro = accounts.get(conn, s.id("pro_x"))
        return share_requests.create(conn, pro, s.id("beneficiary_a"), "rsa", "x", ["identite"])

    return str(s.conn_do(work))


def _link_code(s: Scene) -> str:
    return str(s.conn_do(relationships.issue_link_code, s.id("beneficiary_a")))


def _link_id(s: Scene) -> str:
    def work(conn: Any) -> str:
        return relationships.link(
            conn, s.id("beneficiary_a"), s.world.structure_y, "link_code", None
        )

    return str(s.conn_do(work))


def _totp_on(s: Scene) -> Any:
    client = s.client("beneficiary_b")
    page = client.get("/compte/double-authentification").text
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token
    return client.post(
        "/compte/double-authentification",
        data={
            "csrf_token": csrf_token(client, "/compte"),
            "token": token.group(1),
            "code": totp.code(totp_secret(page)),
            "current": PASSWORD,
        },
        follow_redirects=False,
    )


def _duplicate(s: Scene, doc: str) -> Any:
    return s.post(
        "beneficiary_a",
        f"/documents/{doc}/duplicata",
        f"/documents/{doc}/duplicata",
        recipient="CCAS",
        purpose="RSA",
    )


def _duplicate_code(s: Scene, doc: str) -> str:
    location = _duplicate(s, doc).headers["location"]
    return str(location.rsplit("/", 1)[-1])


def _binned(s: Scene) -> str:
    doc = s.doc("Corbeille")
    vault = s.app.state.vault
    docs.remove(vault.engine, vault.store, doc, s.id("beneficiary_a"), bin_days=30)
    return doc


def _recovery(s: Scene) -> Any:
    return s.post(
        "pro_x",
        f"/pro/beneficiaires/{s.id('beneficiary_a')}/recuperation",
        "/pro",
        id_document="cni",
    )


def _approve(s: Scene) -> Any:
    _recovery(s)
    page = s.client("structure_admin").get("/pro").text
    found = re.search(r'action="/pro/recuperations/([0-9a-f-]{36})/approuver"', page)
    assert found, "aucune récupération à valider"
    return s.post(
        "structure_admin",
        f"/pro/recuperations/{found.group(1)}/approuver",
        "/pro",
        id_document="passeport",
    )


def _api_login(s: Scene) -> Any:
    client = TestClient(s.app, base_url="http://testserver")
    return client.post("/api/session", json={"login": "amina", "password": PASSWORD}, headers=API)


def _api(s: Scene, method: str, path: str, **kwargs: Any) -> Any:
    return s.client("beneficiary_a").request(method, path, headers=API, **kwargs)


def _api_file(s: Scene, path: str) -> Any:
    return _api(
        s,
        "POST",
        path,
        data={"doc_type": "identite", "scheme": "rsa", "title": "API"},
        files={"file": ("piece.pdf", pdf_bytes(1500), "application/pdf")},
    )


RECIPES: dict[tuple[str, str], Callable[[Scene], Any]] = {
    ("POST", "/inscription"): _signup,
    ("POST", "/connexion"): lambda s: s.fresh("beneficiary_a") and _api_login(s),
    ("POST", "/deconnexion"): lambda s: s.post("beneficiary_b", "/deconnexion", "/compte"),
    ("POST", "/deconnexion-partout"): lambda s: s.post("pro_y", "/deconnexion-partout", "/compte"),
    ("POST", "/activation"): lambda s: _redeem(s, "/activation", "activation"),
    ("POST", "/recuperation"): lambda s: _redeem(s, "/recuperation", "recovery"),
    ("POST", "/documents/depot"): lambda s: _file(
        s,
        "beneficiary_a",
        "/documents/depot",
        "/documents/depot",
        title="Dépôt",
        doc_type="identite",
        scheme="rsa",
    ),
    ("POST", "/documents/{doc_id}/modifier"): lambda s: (
        d := s.doc(),
        s.post(
            "beneficiary_a",
            f"/documents/{d}/modifier",
            f"/documents/{d}",
            title="Renommé",
            doc_type="famille",
            scheme="rsa",
        ),
    )[1],
    ("POST", "/documents/{doc_id}/version"): lambda s: (
        d := s.doc(),
        _file(s, "beneficiary_a", f"/documents/{d}/version", f"/documents/{d}"),
    )[1],
    ("POST", "/documents/{doc_id}/supprimer"): lambda s: (
        d := s.doc(),
        s.post("beneficiary_a", f"/documents/{d}/supprimer", f"/documents/{d}", confirm="oui"),
    )[1],
    ("POST", "/documents/{doc_id}/duplicata"): lambda s: _duplicate(s, s.doc()),
    ("POST", "/documents/{doc_id}/duplicatas/{code}/annuler"): lambda s: (
        d := s.doc(),
        c := _duplicate_code(s, d),
        s.post("beneficiary_a", f"/documents/{d}/duplicatas/{c}/annuler", f"/documents/{d}"),
    )[2],
    ("POST", "/documents/{doc_id}/restaurer"): lambda s: (
        d := _binned(s),
        s.post("beneficiary_a", f"/documents/{d}/restaurer", "/documents"),
    )[1],
    ("POST", "/partages"): lambda s: s.post(
        "beneficiary_a",
        "/partages",
        "/partages/nouveau",
        structure_id=s.world.structure_x,
        scheme="rsa",
        purpose="recette",
        days="9",
        document=[s.doc()],
    ),
    ("POST", "/partages/{share_id}/retirer"): lambda s: s.post(
        "beneficiary_a", f"/partages/{_share(s, s.doc())}/retirer", "/partages"
    ),
    ("POST", "/demandes/{ask_id}/accepter"): lambda s: s.post(
        "beneficiary_a",
        f"/demandes/{_ask(s)}/accepter",
        "/demandes",
        document=[s.doc()],
        days="9",
    ),
    ("POST", "/demandes/{ask_id}/refuser"): lambda s: s.post(
        "beneficiary_a", f"/demandes/{_ask(s)}/refuser", "/demandes"
    ),
    ("POST", "/compte/mot-de-passe"): lambda s: s.post(
        "pro_y",
        "/compte/mot-de-passe",
        "/compte",
        current=PASSWORD,
        password=PASSWORD,
        password2=PASSWORD,
    ),
    ("POST", "/compte/fermeture"): lambda s: s.post(
        "beneficiary_b", "/compte/fermeture", "/compte", confirm="oui", current=PASSWORD
    ),
    ("POST", "/compte/fermeture/annuler"): lambda s: (
        s.post("beneficiary_b", "/compte/fermeture", "/compte", confirm="oui", current=PASSWORD),
        s.post("beneficiary_b", "/compte/fermeture/annuler", "/compte"),
    )[1],
    ("POST", "/compte/double-authentification"): _totp_on,
    ("POST", "/compte/double-authentification/desactiver"): lambda s: (
        _totp_on(s),
        s.post(
            "beneficiary_b",
            "/compte/double-authentification/desactiver",
            "/compte",
            current=PASSWORD,
        ),
    )[1],
    ("POST", "/compte/feuille-de-secours"): lambda s: s.post(
        "beneficiary_b", "/compte/feuille-de-secours", "/compte", current=PASSWORD
    ),
    ("POST", "/compte/avis"): lambda s: (
        _approve(s),
        s.fresh("beneficiary_a"),
        s.post("beneficiary_a", "/compte/avis", "/compte/avis"),
    )[2],
    ("POST", "/compte/liens"): lambda s: s.post("beneficiary_a", "/compte/liens", "/compte"),
    ("POST", "/compte/liens/{link_id}/fin"): lambda s: s.post(
        "beneficiary_a", f"/compte/liens/{_link_id(s)}/fin", "/compte"
    ),
    ("POST", "/pro/recherche"): lambda s: s.post(
        "pro_x",
        "/pro/recherche",
        "/pro",
        given_name="Amina",
        family_name="Test",
        birth_date="1990-01-01",
    ),
    ("POST", "/pro/liens"): lambda s: s.post("pro_y", "/pro/liens", "/pro", code=_link_code(s)),
    ("POST", "/pro/beneficiaires"): lambda s: s.post(
        "pro_x",
        "/pro/beneficiaires",
        "/pro",
        given_name="Assistée",
        family_name="Personne",
        birth_date="1960-06-06",
    ),
    ("POST", "/pro/beneficiaires/{account_id}/recuperation"): _recovery,
    ("POST", "/pro/recuperations/{request_id}/approuver"): _approve,
    ("POST", "/pro/personnes/{account_id}/demandes"): lambda s: s.post(
        "pro_x",
        f"/pro/personnes/{s.id('beneficiary_a')}/demandes",
        "/pro",
        scheme="rsa",
        purpose="recette",
        doc_type=["identite"],
    ),
    ("POST", "/pro/personnes/{account_id}/depots"): lambda s: _file(
        s,
        "pro_x",
        f"/pro/personnes/{s.id('beneficiary_a')}/depots",
        "/pro",
        title="Attestation",
        doc_type="residence",
        scheme="domiciliation",
    ),
    ("POST", "/pro/documents/{doc_id}/transmettre"): lambda s: (
        d := s.doc(),
        _share(s, d, forward_structure_id=s.world.structure_y),
        s.post(
            "pro_x", f"/pro/documents/{d}/transmettre", "/pro", structure_id=s.world.structure_y
        ),
    )[2],
    ("POST", "/structure/professionnels"): lambda s: s.post(
        "structure_admin",
        "/structure/professionnels",
        "/structure",
        given_name="Nouveau",
        family_name="Collègue",
        login="nouveau.collegue",
        role="professional",
    ),
    ("POST", "/structure/professionnels/{account_id}/desactiver"): lambda s: s.post(
        "structure_admin",
        f"/structure/professionnels/{_colleague(s)}/desactiver",
        "/structure",
    ),
    ("POST", "/structure/professionnels/{account_id}/reactiver"): lambda s: (
        c := _colleague(s),
        s.post("structure_admin", f"/structure/professionnels/{c}/desactiver", "/structure"),
        s.post("structure_admin", f"/structure/professionnels/{c}/reactiver", "/structure"),
    )[2],
    ("POST", "/admin/structures"): lambda s: s.post(
        "platform_admin", "/admin/structures", "/admin", name="Nouvelle structure", cap="3"
    ),
    ("POST", "/admin/structures/{structure_id}/plafond"): lambda s: s.post(
        "platform_admin", f"/admin/structures/{s.world.structure_y}/plafond", "/admin", cap="7"
    ),
    ("POST", "/admin/structures/{structure_id}/administrateurs"): lambda s: s.post(
        "platform_admin",
        f"/admin/structures/{s.world.structure_y}/administrateurs",
        "/admin",
        given_name="Admin",
        family_name="Y",
        login="admin.y",
    ),
    ("POST", "/api/session"): _api_login,
    ("DELETE", "/api/session"): lambda s: s.fresh("beneficiary_b").request(
        "DELETE", "/api/session", headers=API
    ),
    ("POST", "/api/documents"): lambda s: _api_file(s, "/api/documents"),
    ("PATCH", "/api/documents/{doc_id}"): lambda s: _api(
        s, "PATCH", f"/api/documents/{s.doc()}", json={"title": "Renommé par l'API"}
    ),
    ("DELETE", "/api/documents/{doc_id}"): lambda s: _api(s, "DELETE", f"/api/documents/{s.doc()}"),
    ("POST", "/api/documents/{doc_id}/duplicates"): lambda s: _api(
        s,
        "POST",
        f"/api/documents/{s.doc()}/duplicates",
        json={"recipient": "CCAS", "purpose": "RSA"},
    ),
    ("POST", "/api/documents/{doc_id}/versions"): lambda s: _api_file(
        s, f"/api/documents/{s.doc()}/versions"
    ),
    ("POST", "/api/shares"): lambda s: _api(s, "POST", "/api/shares", json=_share_body(s)),
    ("DELETE", "/api/shares/{share_id}"): lambda s: _api(
        s,
        "DELETE",
        "/api/shares/" + _api(s, "POST", "/api/shares", json=_share_body(s)).json()["id"],
    ),
    ("POST", "/api/requests/{ask_id}/accept"): lambda s: _api(
        s, "POST", f"/api/requests/{_asked(s)}/accept", json={"documents": [s.doc()]}
    ),
    ("POST", "/api/requests/{ask_id}/refuse"): lambda s: _api(
        s, "POST", f"/api/requests/{_asked(s)}/refuse"
    ),
    ("POST", "/api/pro/people/{account_id}/requests"): lambda s: s.client("pro_x").post(
        f"/api/pro/people/{s.id('beneficiary_a')}/requests",
        headers=API,
        json={"scheme": "rsa", "purpose": "dossier", "doc_types": ["identite"]},
    ),
    ("POST", "/api/pro/people/{account_id}/deposits"): lambda s: s.client("pro_x").post(
        f"/api/pro/people/{s.id('beneficiary_a')}/deposits",
        headers=API,
        data={"doc_type": "residence", "scheme": "domiciliation", "title": "Attestation"},
        files={"file": ("piece.pdf", pdf_bytes(1500), "application/pdf")},
    ),
}


def _share_body(s: Scene) -> dict[str, Any]:
    return {
        "structure_id": s.world.structure_x,
        "scheme": "rsa",
        "purpose": "dossier RSA",
        "documents": [s.doc()],
    }


def _asked(s: Scene) -> str:
    """A request of pro.x to Amina, made through the API."""
    made = s.client("pro_x").post(
        f"/api/pro/people/{s.id('beneficiary_a')}/requests",
        headers=API,
        json={"scheme": "rsa", "purpose": "dossier", "doc_types": ["identite"]},
    )
    return str(made.json()["id"])


def _colleague(s: Scene) -> str:
    actor = add_account(
        s.engine,
        s.settings,
        f"collegue.{len(s.clients)}{id(s) % 97}",
        "professional",
        s.world.structure_x,
    )
    return actor.id


def state_changing_routes() -> list[tuple[str, str]]:
    found = set()
    for route in ROUTES:
        if isinstance(route, Route):
            found |= {(m, route.path) for m in route.methods or () if m in WRITES}
    return sorted(found - READ_ONLY)


def test_every_state_changing_route_has_a_recipe():
    assert sorted(set(state_changing_routes()) - set(RECIPES)) == [], (
        "route qui modifie sans recette ici : ajoutez-en une qui réussit"
    )
    assert sorted(set(RECIPES) - set(state_changing_routes())) == []


@pytest.mark.slow
@pytest.mark.parametrize("route", sorted(RECIPES), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_state_changing_route_journals(app, world, engine, settings, route):
    scene = Scene(app, world, engine, settings)
    for name in ("beneficiary_a", "beneficiary_b", "pro_x", "pro_y", "structure_admin"):
        scene.client(name)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    response = RECIPES[route](scene)
    assert response.status_code < 400, response.text[:2000]
    with engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    assert after > before, f"{route} : aucune entrée de journal"


def test_the_watch_catches_a_silent_write(engine):
    """The rule itself: a request that changes a row without the journal is caught; one that
    journals, or whose write is rolled back, is not."""
    from sqlalchemy import update as sql_update
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route as StarletteRoute

    from tests.vault import journal_watch
    from vault_service import audit
    from vault_service.db import structures

    with engine.begin() as conn:
        accounts.create_structure(conn, "Surveillée", 3, None)

    def silent(request: Any) -> PlainTextResponse:
        with engine.begin() as conn:
            conn.execute(sql_update(structures).values(max_professionals=4))
        return PlainTextResponse("ok")

    def journaled(request: Any) -> PlainTextResponse:
        with engine.begin() as conn:
            conn.execute(sql_update(structures).values(max_professionals=5))
            audit.record(conn, "structure.cap", actor_id=None)
        return PlainTextResponse("ok")

    def rolled_back(request: Any) -> PlainTextResponse:
        try:
            with engine.begin() as conn:
                conn.execute(sql_update(structures).values(max_professionals=6))
                raise RuntimeError
        except RuntimeError:
            return PlainTextResponse("ok")

    inner = Starlette(
        routes=[
            StarletteRoute("/silent", silent, methods=["POST"]),
            StarletteRoute("/journaled", journaled, methods=["POST"]),
            StarletteRoute("/rolled-back", rolled_back, methods=["POST"]),
        ]
    )
    violations: list[str] = []
    client = TestClient(journal_watch.watch(inner, engine, violations))
    for path in ("/journaled", "/rolled-back", "/silent"):
        assert client.post(path).status_code == 200
    journal_watch.unwatch(inner)
    assert violations == ["POST /silent écrit ['structures'] sans journal"]
