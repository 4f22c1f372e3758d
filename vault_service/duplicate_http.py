"""Checking a duplicate over HTTP, shared by the public verification page and the JSON API:
what the request brings (the PDF uploaded, the QR code's content or the typed code) becomes a
verdict, with what the register knows. Public: no account needed.

- **Bounded.** Each address gets `VAULT_VERIFY_PER_HOUR` verifications an hour (counted in
  the database, shared by every instance: `ratelimit.spend`), then 429 with `Retry-After`;
  an uploaded file is at most `max_bytes` (one limit, for the page, the API and the edge).
- **Traced for her.** When the verdict is about one of her duplicates (its signed fields
  hold, so the code is hers, not one an attacker typed into a forged file), her journal gets
  `duplicate.verified`: the result and how it was checked (code, QR code or file). Not who
  checked it (a public page knows nobody), nor their address, nor what they sent.

Endpoint modules import this one; it imports no endpoint module.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request

from vault_service import audit, ratelimit, receiving
from vault_service import duplicates as dups
from vault_service.api_schemas import VERIFY_QUERY
from vault_service.db import now
from vault_service.i18n import msg, msg_plural
from vault_service.settings import Settings
from vault_service.upload import BadUpload, receive
from vault_service.web import HTTPError, client_ip, db_read, db_write, human_size, vault

UPLOAD_FACTOR = 2  # a duplicate carries the document, its stamp page and a band on each page
WINDOW = timedelta(hours=1)
# Verdicts whose fields' signature holds: the code is one the vault issued.
TRACED = {dups.AUTHENTIC, "annule", "ne_correspond_pas", "fichier_modifie"}


def max_bytes(settings: Settings) -> int:
    """The largest duplicate accepted for verification (app.UPLOADS declares the same)."""
    return UPLOAD_FACTOR * settings.max_upload_bytes


def too_many(seconds: int) -> str:
    return msg_plural(
        "Trop de vérifications de duplicata depuis votre réseau cette heure-ci : réessayez dans "
        "{count} minute.",
        "Trop de vérifications de duplicata depuis votre réseau cette heure-ci : réessayez dans "
        "{count} minutes.",
        max(1, math.ceil(seconds / 60)),
    )


async def _spend(request: Request) -> None:
    """One verification of this address's hour, or HTTPError 429 with Retry-After."""
    limit = vault(request).settings.verify_per_hour
    key = ratelimit.key("verify-ip", client_ip(request))
    ends = await db_write(request, ratelimit.spend, key, limit, WINDOW)
    if ends is not None:
        seconds = max(1, math.ceil((ends - now()).total_seconds()))
        raise HTTPError(
            429,
            "trop_de_verifications",
            too_many(seconds),
            {"retry_after": seconds},
            {"Retry-After": str(seconds)},
        )


class _Capped(dups.VerifierSink):
    """The verifier of an uploaded duplicate, refusing (413) the byte past `limit`."""

    def __init__(self, keys: list[bytes], limit: int) -> None:
        super().__init__(keys)
        self.limit = limit

    def write(self, data: bytes) -> None:
        if self.verifier.size + len(data) > self.limit:
            raise receiving.TooLarge
        super().write(data)


async def trusted(request: Request) -> list[bytes]:
    """Every published platform public key."""
    return list(await db_read(request, dups.trusted_keys, vault(request).signing))


def trace(conn: Connection, verdict: dups.Verdict, how: str) -> None:
    """Her journal: one of her duplicates was checked (`how`: code, qr, fichier)."""
    if verdict.status not in TRACED:
        return
    record = dups.find(conn, dups.normalise_code(str(verdict.fields.get("code", ""))))
    if record is None or not record.payload:  # unknown, or erased with her account
        return
    audit.record(
        conn,
        "duplicate.verified",
        actor_id=None,
        subject_id=record.issued_by,
        object_id=record.document_id,
        detail={"code": record.id, "result": verdict.status, "how": how},
    )


def _judged(conn: Connection, found: Any, how: str) -> dups.Verdict:
    """The register's word on a verdict (or a typed code), traced, in one transaction."""
    verdict = dups.lookup(conn, found) if how == "code" else dups.with_register(conn, found)
    trace(conn, verdict, how)
    return verdict


async def verdict(request: Request, missing: str) -> dups.Verdict | None:
    """POST: the multipart `file` (the PDF, read as a stream, at most `max_bytes`; `missing`
    is the French message when there is none); else `?d=` (a QR code's content), else `?code=`
    (typed). None when the request brings none of them (nothing counted then)."""
    query = request.query_params
    if request.method != "POST" and not query.get("d") and not query.get("code"):
        return None
    for name, longest in VERIFY_QUERY.items():
        if len(query.get(name, "")) > longest:
            raise HTTPError(
                400,
                "parametre",
                msg(
                    "Le paramètre « {name} » dépasse {longest} caractères : ce n'est pas un "
                    "duplicata du coffre-fort. Vérifiez le code ou scannez de nouveau le QR "
                    "code.",
                    name=name,
                    longest=longest,
                ),
            )
    await _spend(request)
    if request.method == "POST":
        keys = await trusted(request)
        limit = max_bytes(vault(request).settings)
        try:
            _, sink = await receive(request, lambda _name: _Capped(keys, limit), limit)
        except receiving.TooLarge:
            raise HTTPError(
                413,
                "trop_gros",
                msg(
                    "Le fichier dépasse la taille maximale d'un duplicata ({size}).",
                    size=human_size(limit),
                ),
            ) from None
        except BadUpload as error:
            raise HTTPError(400, "formulaire", error.message) from None
        if sink is None:
            raise HTTPError(400, "fichier_absent", missing)
        return await db_write(request, _judged, sink.verifier.verdict(), "fichier")
    if query.get("d"):
        found = dups.verify_qr(await trusted(request), query["d"])
        return await db_write(request, _judged, found, "qr")
    return await db_write(request, _judged, query["code"], "code")
