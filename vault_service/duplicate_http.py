"""Checking a duplicate over HTTP, shared by the public verification page and the JSON API:
what the request brings (the PDF uploaded, the QR code's content or the typed code) becomes a
verdict, with what the register knows. Public: no account, nothing written.

Endpoint modules import this one; it imports no endpoint module.
"""

from __future__ import annotations

from starlette.requests import Request

from vault_service import duplicates as dups
from vault_service import receiving
from vault_service.upload import BadUpload, receive
from vault_service.web import HTTPError, db_read, vault


async def trusted(request: Request) -> list[bytes]:
    """Every published platform public key."""
    return list(await db_read(request, dups.trusted_keys, vault(request).signing))


async def verdict(request: Request, limit: int, missing: str) -> dups.Verdict | None:
    """POST: the multipart `file` (the PDF, read as a stream, at most `limit` bytes; `missing`
    is the French message when there is none); else `?d=` (a QR code's content), else `?code=`
    (typed). None when the request brings none of them."""
    if request.method == "POST":
        keys = await trusted(request)
        try:
            _, sink = await receive(request, lambda _name: dups.VerifierSink(keys), limit)
        except receiving.TooLarge:
            raise HTTPError(413, "trop_gros", "Fichier trop gros pour un duplicata.") from None
        except BadUpload as error:
            raise HTTPError(400, "formulaire", error.message) from None
        if sink is None:
            raise HTTPError(400, "fichier_absent", missing)
        return await db_read(request, dups.with_register, sink.verifier.verdict())
    if request.query_params.get("d"):
        found = dups.verify_qr(await trusted(request), request.query_params["d"])
        return await db_read(request, dups.with_register, found)
    if request.query_params.get("code"):
        return await db_read(request, dups.lookup, request.query_params["code"])
    return None
