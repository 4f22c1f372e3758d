"""Document type from the content (magic bytes), never from the name; polyglots refused.

Rule: the file must START with the magic of an accepted format at offset 0 and END the way
that format ends, with nothing after it:

- PDF: `%PDF-` at 0, and `%%EOF` in the last 1 KiB followed only by whitespace;
- PNG: signature at 0, last chunk is IEND (`IEND\\xaeB`\\x82` are the final 8 bytes);
- JPEG: `FF D8 FF` at 0, `FF D9` (end of image) as the last two bytes;
- WebP: `RIFF....WEBP`, the RIFF size covers exactly the whole file;
- HEIC/HEIF: ISO-BMFF `ftyp` box with a HEIF brand, top-level boxes tile the file exactly.

Executables (MZ/PE, ELF, Mach-O, scripts `#!`) and archives (ZIP `PK`) have their own magic at
offset 0, so they fail the first test whatever their name. A ZIP, JAR or PE appended to an
image (the usual polyglot) breaks the end test; and because a ZIP is read from its end
(end-of-central-directory record `PK\\x05\\x06`), any such record in the last 64 KiB + 22 bytes
is refused too, even when a crafted ZIP comment ends with `%%EOF`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from vault_service.i18n import joined, msg

HEAD_BYTES = 64
TAIL_BYTES = 65536 + 22

ACCEPTED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
}

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


@dataclass(frozen=True)
class Verdict:
    media_type: str | None
    reason: str  # French, shown to the person when media_type is None


UNKNOWN = msg("Type de fichier non accepté : déposez un PDF, une photo JPEG, PNG, WebP ou HEIC.")
# What to do about any other refusal (damaged, hidden archive, program), said after it.
RETRY = msg(
    "Vérifiez que c'est le bon fichier, enregistrez-le de nouveau depuis l'original (PDF ou "
    "photo JPEG, PNG, WebP, HEIC) puis déposez-le."
)


def with_fix(reason: str) -> str:
    """The reason of a refusal followed by what to do, for the person who uploaded."""
    return reason if reason == UNKNOWN else joined([reason, RETRY])


def _heif_ok(head: bytes, tail: bytes, size: int, boxes: list[tuple[int, bytes]]) -> bool:
    if len(head) < 12 or head[4:8] != b"ftyp" or head[8:12] not in HEIF_BRANDS:
        return False
    return sum(length for length, _ in boxes) == size and bool(boxes)


def detect(head: bytes, tail: bytes, size: int, boxes: list[tuple[int, bytes]]) -> Verdict:
    """Decide from the first bytes, the last bytes and the file size (and ISO-BMFF boxes)."""
    if size == 0:
        return Verdict(None, "Le fichier est vide (0 octet).")
    if b"PK\x05\x06" in tail:
        return Verdict(None, msg("Le fichier contient une archive ZIP cachée : refusé."))
    if head.startswith(b"%PDF-"):
        end = tail[-1024:].rstrip(b" \t\r\n\x00")
        if end.endswith(b"%%EOF"):
            return Verdict("application/pdf", "")
        return Verdict(None, msg("Le PDF est incomplet ou suivi de données étrangères."))
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if tail.endswith(b"IEND\xaeB`\x82"):
            return Verdict("image/png", "")
        return Verdict(None, msg("L'image PNG est incomplète ou suivie de données étrangères."))
    if head.startswith(b"\xff\xd8\xff"):
        if tail.endswith(b"\xff\xd9"):
            return Verdict("image/jpeg", "")
        return Verdict(None, msg("L'image JPEG est incomplète ou suivie de données étrangères."))
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        (riff_size,) = struct.unpack("<I", head[4:8])
        if riff_size + 8 == size:
            return Verdict("image/webp", "")
        return Verdict(None, msg("L'image WebP est incomplète ou suivie de données étrangères."))
    if _heif_ok(head, tail, size, boxes):
        return Verdict("image/heic", "")
    if head.startswith((b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        return Verdict(None, msg("Ce fichier est un programme exécutable : refusé."))
    return Verdict(None, UNKNOWN)


class Sniffer:
    """Fed the stream chunk by chunk; keeps the head, a bounded tail and the ISO-BMFF boxes."""

    def __init__(self) -> None:
        self.head = b""
        self.tail = b""
        self.size = 0
        self.boxes: list[tuple[int, bytes]] = []
        self._next_box = 0  # offset of the next top-level ISO-BMFF box
        self._pending = b""  # bytes needed to read the next box header

    def feed(self, data: bytes) -> None:
        start = self.size
        self.size += len(data)
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        self.tail = (self.tail + data)[-TAIL_BYTES:]
        if self._next_box >= 0 and (len(self.head) < 8 or self.head[4:8] == b"ftyp"):
            self._walk_boxes(start, data)

    def _walk_boxes(self, start: int, data: bytes) -> None:
        # Read box headers (size u32, type) as they come; stop tracking on nonsense.
        if len(self.boxes) > 10000:
            return
        buffer_start = start - len(self._pending)
        buffer = self._pending + data
        while self._next_box >= buffer_start and self._next_box + 8 <= buffer_start + len(buffer):
            at = self._next_box - buffer_start
            (length,) = struct.unpack(">I", buffer[at : at + 4])
            kind = buffer[at + 4 : at + 8]
            if length < 8:  # 0 (to end) and 1 (64-bit) are not supported: refuse
                self.boxes.append((-1, kind))
                self._next_box = -1
                return
            self.boxes.append((length, kind))
            self._next_box += length
        at = self._next_box - buffer_start
        self._pending = buffer[at:] if 0 <= at < len(buffer) else b""

    def verdict(self) -> Verdict:
        return detect(self.head, self.tail, self.size, self.boxes)
