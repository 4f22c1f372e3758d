"""Account takeover by a professional (A1, A7) and the relationships that close it.

Each attack is played over HTTP as the attacker would; each failed on the code before
relationships existed (any professional found anyone and printed a sheet that worked).
Amina (beneficiary_a) is followed by structure X; Bacar (beneficiary_b) by nobody.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from starlette.testclient import TestClient

from tests.vault.conftest import PASSWORD, csrf_token, login, pdf_bytes, upload
from tests.vault.test_flows import CODE_RE, NEW, found, redeem, sign_in
from vault_service.db import audit_log, now, one_time_codes
from vault_service.relationship_pages import AWAITING, BAD_CODE, NO_CODE
from vault_service.relationships import NOT_FOLLOWED
from vault_service.staff_pages import UNRELATED_DUPLICATE

AMINA = {"given_name": "Amina", "family_name": "Test", "birth_date": "1990-01-01"}
LINK_CODE_RE = re.compile(r'aria-label="Code de lien">([0-9A-Z]{4}-[0-9A-Z]{4})<')


class Page:
    """A response with its HTML entities decoded, so French messages compare as written."""

    def __init__(self, response: Any) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.text = html.unescape(response.text)


def get(client: TestClient, path: str) -> Page:
    return Page(client.get(path))


def signed_in(app, world, name: str) -> TestClient:
    client = TestClient(app)
    login(client, world.actors[name])
    return client


def post(client: TestClient, path: str, page: str = "/pro", **data: str) -> Page:
    return Page(client.post(path, data={"csrf_token": csrf_token(client, page), **data}))


def search(client: TestClient, person: dict[str, str] = AMINA):
    return post(client, "/pro/recherche", **person)


def ask_recovery(client: TestClient, person_id: str, id_document: str = "cni"):
    return post(client, f"/pro/beneficiaires/{person_id}/recuperation", id_document=id_document)


def without_second_approval(app) -> None:
    service = app.state.vault
    service.settings = service.settings.__class__(
        **{**service.settings.__dict__, "recovery_second_approval": False}
    )


def journal(engine, subject_id: str) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.actor_id)
            .where(audit_log.c.subject_id == subject_id)
            .order_by(audit_log.c.seq)
        ).all()
    return [(row.action, row.actor_id) for row in rows]


def own_sheet(client: TestClient) -> str:
    sheet = post(client, "/compte/feuille-de-secours", page="/compte", current=PASSWORD)
    return found(CODE_RE, sheet.text)


def link_code(client: TestClient) -> str:
    page = post(client, "/compte/liens", page="/compte")
    assert page.status_code == 200
    return found(LINK_CODE_RE, page.text)


def test_takeover_by_an_unrelated_professional_fails(app, world, engine):
    """A1 as reported: search her, print a sheet, reset her password, read her papers."""
    amina = world.actors["beneficiary_a"]
    owner = signed_in(app, world, "beneficiary_a")
    doc = upload(owner, pdf_bytes(3000)).headers["location"]
    intruder = signed_in(app, world, "pro_y")
    result = search(intruder)
    assert result.status_code == 200
    assert amina.id not in result.text and "<strong>amina</strong>" not in result.text
    assert "Aucune personne suivie par votre structure ne correspond." in result.text
    sheet = ask_recovery(intruder, amina.id)
    nobody = ask_recovery(intruder, str(uuid.uuid4()))
    assert sheet.status_code == nobody.status_code == 404
    assert NOT_FOLLOWED in sheet.text and NOT_FOLLOWED in nobody.text
    assert not CODE_RE.search(sheet.text)
    with engine.connect() as conn:
        codes = conn.execute(
            select(one_time_codes).where(one_time_codes.c.account_id == amina.id)
        ).all()
    assert codes == []
    # Her session, password and documents are untouched.
    assert owner.get(doc + "/telecharger").content.startswith(b"%PDF-")
    assert sign_in(TestClient(app), "amina", PASSWORD).headers["location"] == "/documents"


def test_unrelated_professional_cannot_find_her(app, world, engine):
    intruder = signed_in(app, world, "pro_y")
    exists = search(intruder)
    missing = search(intruder, {**AMINA, "birth_date": "1990-01-02"})
    assert exists.status_code == missing.status_code == 200
    assert exists.text.replace("1990-01-01", "X") == missing.text.replace("1990-01-02", "X")
    # Not even her journal says a stranger's search matched her.
    assert ("account.search", world.actors["pro_y"].id) not in journal(
        engine, world.actors["beneficiary_a"].id
    )
    follower = signed_in(app, world, "pro_x")
    assert world.actors["beneficiary_a"].id in search(follower).text


def test_duplicate_reveals_nothing_to_an_unrelated_structure(app, world):
    amina = world.actors["beneficiary_a"]
    intruder = signed_in(app, world, "pro_y")
    refused = post(intruder, "/pro/beneficiaires", **AMINA)
    assert refused.status_code == 400
    assert UNRELATED_DUPLICATE in refused.text
    assert amina.id not in refused.text and "<strong>amina</strong>" not in refused.text
    follower = signed_in(app, world, "pro_x")
    offered = post(follower, "/pro/beneficiaires", **AMINA)
    assert offered.status_code == 400
    assert f"/pro/beneficiaires/{amina.id}/recuperation" in offered.text


def test_assisted_creation_links_the_structure(app, world, engine):
    pro = signed_in(app, world, "pro_y")
    person = {"given_name": "Fatima", "family_name": "Ali", "birth_date": "1970-01-15"}
    assert post(pro, "/pro/beneficiaires", **person).status_code == 200
    page = search(pro, person)
    assert "Personne suivie par votre structure" in page.text
    assert "Fatima Ali" in get(pro, "/pro").text
    assert "Personne suivie" not in search(signed_in(app, world, "pro_x"), person).text


def test_link_code_creates_a_relationship(app, world, engine):
    bacar = world.actors["beneficiary_b"]
    person = signed_in(app, world, "beneficiary_b")
    code = link_code(person)
    pro = signed_in(app, world, "pro_y")
    bacar_query = {"given_name": "Bacar", "family_name": "Test", "birth_date": "1985-02-02"}
    assert bacar.id not in search(pro, bacar_query).text
    linked = post(pro, "/pro/liens", code=code.lower())
    assert linked.status_code == 200
    assert "Votre structure suit désormais Bacar Test." in linked.text
    assert bacar.id in search(pro, bacar_query).text
    account = get(person, "/compte").text
    assert "Structure Y" in account and "code de lien que vous avez donné" in account
    assert ("relationship.create", world.actors["pro_y"].id) in journal(engine, bacar.id)


def test_link_code_is_single_use_expires_and_is_limited(app, world, engine):
    person = signed_in(app, world, "beneficiary_b")
    pro = signed_in(app, world, "pro_y")
    assert post(pro, "/pro/liens", code="").text.count(NO_CODE) == 1
    old = link_code(person)
    code = link_code(person)  # a new code cancels the previous one
    assert BAD_CODE in post(pro, "/pro/liens", code=old).text
    assert post(pro, "/pro/liens", code=code).status_code == 200
    again = post(signed_in(app, world, "pro_x"), "/pro/liens", code=code)
    assert again.status_code == 400 and BAD_CODE in again.text
    expired = link_code(person)
    with engine.begin() as conn:
        conn.execute(
            update(one_time_codes)
            .where(one_time_codes.c.purpose == "link", one_time_codes.c.used_at.is_(None))
            .values(expires_at=now() - timedelta(seconds=1))
        )
    assert post(pro, "/pro/liens", code=expired).status_code == 400
    # Guessing: after the limit the professional is locked out, even with a valid code.
    guesser = signed_in(app, world, "structure_admin")
    for _ in range(5):
        assert post(guesser, "/pro/liens", code="AAAA-AAAA").status_code == 400
    valid = link_code(person)
    locked = post(guesser, "/pro/liens", code=valid)
    assert locked.status_code == 429 and "Trop de tentatives" in locked.text


def test_she_ends_a_link_and_the_structure_loses_access(app, world, engine):
    amina = world.actors["beneficiary_a"]
    person = signed_in(app, world, "beneficiary_a")
    page = get(person, "/compte").text
    (link_id,) = re.findall(r'action="/compte/liens/([0-9a-f-]+)/fin"', page)
    other = signed_in(app, world, "beneficiary_b")
    stolen = post(other, f"/compte/liens/{link_id}/fin", page="/compte")
    assert stolen.status_code == 404
    ended = person.post(
        f"/compte/liens/{link_id}/fin",
        data={"csrf_token": csrf_token(person, "/compte")},
        follow_redirects=False,
    )
    assert ended.status_code == 303
    assert "Aucune structure ne vous suit." in get(person, "/compte").text
    pro = signed_in(app, world, "pro_x")
    assert amina.id not in search(pro).text
    assert ask_recovery(pro, amina.id).status_code == 404
    assert ("relationship.end", amina.id) in journal(engine, amina.id)


def test_assisted_recovery_requires_an_identity_check(app, world, engine):
    amina = world.actors["beneficiary_a"]
    without_second_approval(app)
    pro = signed_in(app, world, "pro_x")
    for bad in ("", "carte-de-bus"):
        refused = ask_recovery(pro, amina.id, bad)
        assert refused.status_code == 400
        assert "Indiquez la pièce d'identité que vous avez vue" in refused.text
        assert not CODE_RE.search(refused.text)
    sheet = ask_recovery(pro, amina.id, "titre_sejour")
    assert sheet.status_code == 200 and CODE_RE.search(sheet.text)
    with engine.connect() as conn:
        entry = conn.execute(
            select(audit_log).where(audit_log.c.action == "recovery.request")
        ).one()
    assert entry.actor_id == world.actors["pro_x"].id and entry.subject_id == amina.id
    assert '"id_document": "titre_sejour"' in entry.detail
    assert f'"checked_by": "{world.actors["pro_x"].id}"' in entry.detail


def test_second_approval_by_another_colleague(app, world, engine):
    amina = world.actors["beneficiary_a"]
    pro = signed_in(app, world, "pro_x")
    asked = ask_recovery(pro, amina.id, "cni")
    assert asked.status_code == 200 and AWAITING in asked.text
    assert not CODE_RE.search(asked.text)
    colleague = signed_in(app, world, "structure_admin")
    page = get(colleague, "/pro").text
    (request_id,) = re.findall(r'action="/pro/recuperations/([0-9a-f-]+)/approuver"', page)
    path = f"/pro/recuperations/{request_id}/approuver"
    own = post(pro, path, id_document="cni")
    assert own.status_code == 403 and "doit venir d'un·e autre professionnel·le" in own.text
    assert post(signed_in(app, world, "pro_y"), path, id_document="cni").status_code == 404
    assert post(colleague, path).status_code == 400  # the approver records what they saw too
    sheet = post(colleague, path, id_document="passeport")
    assert sheet.status_code == 200
    code = found(CODE_RE, sheet.text)
    assert post(colleague, path, id_document="passeport").status_code == 409
    assert redeem(TestClient(app), "amina", code, page="/recuperation").status_code == 200
    entries = journal(engine, amina.id)
    assert ("recovery.request", world.actors["pro_x"].id) in entries
    assert ("recovery.approve", world.actors["structure_admin"].id) in entries
    assert ("code.issue.assisted", world.actors["structure_admin"].id) in entries


def test_pending_recovery_is_shown_to_colleagues_only(app, world):
    amina = world.actors["beneficiary_a"]
    pro = signed_in(app, world, "pro_x")
    ask_recovery(pro, amina.id, "cni")
    assert "Récupérations à valider" in get(signed_in(app, world, "structure_admin"), "/pro").text
    assert "Récupérations à valider" not in get(pro, "/pro").text
    assert "Récupérations à valider" not in get(signed_in(app, world, "pro_y"), "/pro").text


def test_ended_link_cancels_a_pending_recovery(app, world, engine):
    amina = world.actors["beneficiary_a"]
    ask_recovery(signed_in(app, world, "pro_x"), amina.id, "cni")
    colleague = signed_in(app, world, "structure_admin")
    (request_id,) = re.findall(
        r'action="/pro/recuperations/([0-9a-f-]+)/approuver"', get(colleague, "/pro").text
    )
    person = signed_in(app, world, "beneficiary_a")
    (link_id,) = re.findall(r'action="/compte/liens/([0-9a-f-]+)/fin"', get(person, "/compte").text)
    post(person, f"/compte/liens/{link_id}/fin", page="/compte")
    approval = post(colleague, f"/pro/recuperations/{request_id}/approuver", id_document="cni")
    assert approval.status_code == 404 and not CODE_RE.search(approval.text)
    assert "Récupérations à valider" not in get(colleague, "/pro").text


def test_professional_sheet_does_not_cancel_hers(app, world):
    """A7: printing a sheet for her used to cancel the one she keeps at home."""
    amina = world.actors["beneficiary_a"]
    without_second_approval(app)
    person = signed_in(app, world, "beneficiary_a")
    hers = own_sheet(person)
    theirs = found(CODE_RE, ask_recovery(signed_in(app, world, "pro_x"), amina.id).text)
    assert redeem(TestClient(app), "amina", theirs, page="/recuperation").status_code == 200
    assert redeem(TestClient(app), "amina", hers, page="/recuperation").status_code == 200
    assert sign_in(TestClient(app), "amina").status_code == 303


def test_assisted_recovery_notifies_her(app, world):
    amina = world.actors["beneficiary_a"]
    without_second_approval(app)
    pro = world.actors["pro_x"]
    code = found(CODE_RE, ask_recovery(signed_in(app, world, "pro_x"), amina.id).text)
    redeem(TestClient(app), "amina", code, page="/recuperation")
    person = TestClient(app)
    first = sign_in(person, "amina")
    assert first.headers["location"] == "/compte/avis"
    notice = get(person, "/compte/avis").text
    name = f"{pro.name.title()} Test"
    assert f"{name} (Structure X) a imprimé une feuille de récupération" in notice
    assert f"remise par {name} (Structure X)" in notice
    read = person.post(
        "/compte/avis",
        data={"csrf_token": csrf_token(person, "/compte/avis")},
        follow_redirects=False,
    )
    assert read.headers["location"] == "/documents"
    assert "Actes faits par d'autres sur mon compte" in get(person, "/compte").text
    assert sign_in(TestClient(app), "amina").headers["location"] == "/documents"


def test_assisted_recovery_is_journaled_under_the_professional(app, world, engine):
    amina = world.actors["beneficiary_a"]
    pro = world.actors["pro_x"]
    without_second_approval(app)
    code = found(CODE_RE, ask_recovery(signed_in(app, world, "pro_x"), amina.id).text)
    redeem(TestClient(app), "amina", code, page="/recuperation")
    entries = journal(engine, amina.id)
    acts = [entry for entry in entries if entry[0] in {"code.issue.assisted", "auth.recovered"}]
    assert acts == [("code.issue.assisted", pro.id), ("auth.recovered", pro.id)]


def test_ending_the_link_or_changing_her_password_cancels_a_printed_sheet(app, world):
    """Told that a structure printed a sheet she never asked for, she ends the link (or
    changes her password): that sheet no longer opens her account."""
    amina = world.actors["beneficiary_a"]
    without_second_approval(app)
    pro = signed_in(app, world, "pro_x")
    first = found(CODE_RE, ask_recovery(pro, amina.id).text)
    person = signed_in(app, world, "beneficiary_a")
    changed = post(
        person,
        "/compte/mot-de-passe",
        page="/compte",
        current=PASSWORD,
        password=NEW,
        password2=NEW,
    )
    assert changed.status_code == 200
    assert redeem(TestClient(app), "amina", first, page="/recuperation").status_code == 400
    second = found(CODE_RE, ask_recovery(pro, amina.id).text)
    (link_id,) = re.findall(r'action="/compte/liens/([0-9a-f-]+)/fin"', get(person, "/compte").text)
    post(person, f"/compte/liens/{link_id}/fin", page="/compte")
    assert redeem(TestClient(app), "amina", second, page="/recuperation").status_code == 400
    assert sign_in(TestClient(app), "amina", NEW).status_code == 303


def test_request_of_a_departed_professional_cannot_be_approved(app, world):
    amina = world.actors["beneficiary_a"]
    ask_recovery(signed_in(app, world, "pro_x"), amina.id, "cni")
    colleague = signed_in(app, world, "structure_admin")
    (request_id,) = re.findall(
        r'action="/pro/recuperations/([0-9a-f-]+)/approuver"', get(colleague, "/pro").text
    )
    gone = post(
        colleague,
        f"/structure/professionnels/{world.actors['pro_x'].id}/desactiver",
        page="/structure",
    )
    assert gone.status_code == 200
    assert "Récupérations à valider" not in get(colleague, "/pro").text
    approval = post(colleague, f"/pro/recuperations/{request_id}/approuver", id_document="cni")
    assert approval.status_code == 409 and "n'a plus de compte actif" in approval.text
    assert not CODE_RE.search(approval.text)


def test_the_professional_page_never_lists_everyone_followed(app, world, engine, settings):
    from tests.vault.conftest import add_account
    from vault_service import relationships

    for n in range(12):
        person = add_account(
            engine, settings, f"suivi.{n:02d}", "beneficiary", None, f"1960-01-{n + 1:02d}"
        )
        with engine.begin() as conn:
            relationships.link(conn, person.id, world.structure_x, "link_code", None)
    page = get(signed_in(app, world, "pro_x"), "/pro").text
    assert "Votre structure suit 13 personnes." in page
    listed = page.split("Les dernières arrivées", 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == 10 and "Suivi.11 Test" in listed
