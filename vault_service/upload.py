"""Streaming multipart upload: the file part goes straight into the encrypting writer.

No plaintext temp file, no spooling: each chunk read from the socket is sniffed, hashed and
encrypted. The size limit is enforced while streaming (and up front from Content-Length), so
an oversized upload is refused with 413 before it is written out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol, TypeVar, runtime_checkable

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from vault_service.edge import BodyTooLarge
from vault_service.i18n import msg
from vault_service.receiving import TooLarge

MAX_FIELD = 4096
MAX_FIELDS = 20
OVERHEAD = 64 * 1024  # room for the other form fields and multipart framing


class Sink(Protocol):
    """Where the file part goes, chunk by chunk (receiving.Incoming, a duplicate verifier)."""

    def write(self, data: bytes) -> None: ...

    def abort(self) -> None: ...


S = TypeVar("S", bound=Sink)


@runtime_checkable
class Flushable(Protocol):
    """A sink with work to do off the event loop now and then (hashing, encrypting, writing,
    sending S3 parts): `flush` runs in a worker thread while the loop keeps receiving; at most
    one flush at a time, and the loop waits for it when `backlog` bytes pile up."""

    def needs_flush(self) -> bool: ...

    def flush(self) -> None: ...

    def backlog(self) -> int: ...


MAX_BACKLOG = 4 * 1024 * 1024  # received but not yet processed, per upload


class BadUpload(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _State:
    def __init__(
        self, begin: Callable[[str], Sink], photo: Callable[[str], Sink] | None = None
    ) -> None:
        self.begin = begin
        self.photo = photo
        self.part: Sink | None = None
        self.fields: dict[str, str] = {}
        self.incoming: Sink | None = None
        self.header_name = b""
        self.header_value = b""
        self.disposition = b""
        self.name = ""
        self.is_file = False
        self.buffer = bytearray()
        self.error: Exception | None = None

    def on_part_begin(self) -> None:
        self.disposition, self.name, self.is_file, self.part = b"", "", False, None
        self.buffer = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename", b"").decode("utf-8", "replace")
        if b"filename" in options and self.name == "file" and filename:
            if self.incoming is not None:
                raise BadUpload(msg("Un seul fichier par dépôt."))
            self.is_file = True
            self.incoming = self.part = self.begin(filename)
        elif b"filename" in options and self.name in ("file", "photos"):
            self.is_file = True  # a file input left empty, or a photo
            if self.name == "photos" and filename and self.photo is not None:
                self.part = self.photo(filename)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.is_file:
            if self.part is not None:
                self.part.write(data[start:end])
            return
        self.buffer += data[start:end]
        if len(self.buffer) > MAX_FIELD:
            raise BadUpload(msg("Le champ « {name} » est trop long.", name=self.name[:40]))

    def on_part_end(self) -> None:
        if not self.is_file and self.name:
            if len(self.fields) >= MAX_FIELDS:
                raise BadUpload(msg("Trop de champs dans le formulaire."))
            try:
                value = self.buffer.decode("utf-8")
            except UnicodeDecodeError:
                value = "\x00"
            if "\x00" in value:
                raise BadUpload(
                    msg(
                        "Le champ « {name} » contient un octet nul ou du texte qui n'est pas "
                        "de l'UTF-8 valide : corrigez-le et recommencez.",
                        name=self.name[:40],
                    )
                )
            self.fields[self.name] = value


async def receive(
    request: Request,
    begin: Callable[[str], S],
    max_bytes: int,
    photo: Callable[[str], Sink] | None = None,
) -> tuple[dict[str, str], S | None]:
    """Parse the multipart body; return (text fields, the received file or None). Parts named
    `photos` go to `photo(filename)` when given (several allowed), and are ignored otherwise.

    Raises TooLarge (→ 413) or BadUpload (→ 400); the partial file is removed in both cases.
    """
    content_type = request.headers.get("content-type", "")
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise BadUpload(
            msg(
                "Un dépôt s'envoie au format multipart/form-data (formulaire avec fichier) : "
                "rechargez la page de dépôt et recommencez."
            )
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes + OVERHEAD:
        raise TooLarge
    state = _State(begin, photo)
    callbacks = {
        name: getattr(state, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    received = 0
    flushing: asyncio.Future[None] | None = None  # the sink's work, overlapping the receive
    try:
        parser = MultipartParser(params[b"boundary"], callbacks)  # type: ignore[arg-type]
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes + OVERHEAD:
                raise TooLarge
            parser.write(chunk)
            sink = state.incoming
            if isinstance(sink, Flushable) and sink.needs_flush():
                if flushing is not None and not flushing.done():
                    if sink.backlog() < MAX_BACKLOG:
                        continue  # keep receiving while the previous batch is processed
                    await flushing
                if flushing is not None:
                    flushing.result()  # its error, if any, ends the upload
                flushing = asyncio.ensure_future(run_in_threadpool(sink.flush))
        if flushing is not None:
            await flushing
            flushing = None
        parser.finalize()
    except BaseException as error:
        if flushing is not None:  # never abort under a running flush
            with contextlib.suppress(BaseException):
                await asyncio.shield(flushing)
        if state.incoming is not None:
            state.incoming.abort()
        if isinstance(error, BodyTooLarge):
            raise TooLarge from None
        if isinstance(error, TooLarge | BadUpload):
            raise
        if isinstance(error, Exception):
            raise BadUpload(
                msg("Le formulaire envoyé est mal formé : rechargez la page et recommencez.")
            ) from error
        raise
    return state.fields, state.incoming  # type: ignore[return-value]  # made by `begin`
