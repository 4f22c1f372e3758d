"""Several phone photos of one paper (pages of a lease, both sides of an ID card) become one
PDF at upload, one page per photo, in the order chosen.

Each photo is checked like any upload (type decided by its content, start AND end: see
filetypes.py) while it streams in; the total is bounded by the upload limit. Photos stay in
memory only (never on disk in clear), are decoded by Pillow (orientation from EXIF applied,
long side reduced to 2000 px, JPEG quality 85) and written as a PDF; the PDF then takes the
ordinary path (sniffed, hashed, encrypted) as if it had been uploaded.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from vault_service.filetypes import Sniffer, with_fix
from vault_service.i18n import msg
from vault_service.upload import BadUpload

MAX_PHOTOS = 20
MAX_PIXELS = 50_000_000  # more than any phone camera; refuses decompression bombs
LONG_SIDE = 2000
MERGEABLE = {"image/jpeg", "image/png", "image/webp"}


class PhotoError(BadUpload):
    """A photo that cannot be merged (French, names the photo)."""


class Photo:
    """One photo part of the form (a `upload.Sink`)."""

    def __init__(self, number: int, filename: str) -> None:
        self.number = number
        self.filename = filename
        self.data = bytearray()
        self.sniffer = Sniffer()

    def write(self, data: bytes) -> None:
        self.data += data
        self.sniffer.feed(data)

    def abort(self) -> None:
        self.data = bytearray()


class Photos:
    """Collects the `photos` parts of an upload form."""

    def __init__(self) -> None:
        self.items: list[Photo] = []

    def begin(self, filename: str) -> Photo:
        if len(self.items) >= MAX_PHOTOS:
            raise PhotoError(
                msg(
                    "{count} photos au plus par document : déposez le reste à part.",
                    count=MAX_PHOTOS,
                )
            )
        photo = Photo(len(self.items) + 1, filename)
        self.items.append(photo)
        return photo

    def abort(self) -> None:
        for photo in self.items:
            photo.abort()
        self.items = []

    def to_pdf(self) -> bytes:
        """One PDF page per photo; PhotoError (French, names the photo) if one is refused."""
        pages = []
        for photo in self.items:
            name = photo.filename[:60]
            label = msg("Photo n° {number} ({name})", number=photo.number, name=name)
            verdict = photo.sniffer.verdict()
            if verdict.media_type is None:
                raise PhotoError(
                    msg("{photo} : {reason}", photo=label, reason=with_fix(verdict.reason))
                )
            if verdict.media_type not in MERGEABLE:
                raise PhotoError(
                    msg(
                        "{photo} : les photos HEIC ne peuvent pas être réunies en un PDF. "
                        "Déposez cette photo seule, ou réglez l'appareil photo du téléphone sur "
                        "« JPEG » (le plus compatible).",
                        photo=label,
                    )
                )
            pages.append(_page(bytes(photo.data), label))
        if not pages:
            raise PhotoError(msg("Choisissez au moins une photo."))
        out = io.BytesIO()
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=170.0)
        return out.getvalue()


def _page(data: bytes, label: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise PhotoError(
                    msg(
                        "{photo} : image trop grande ({width}×{height}).",
                        photo=label,
                        width=opened.width,
                        height=opened.height,
                    )
                )
            # JPEG: decode at a reduced scale straight away (a 50 MP photo never becomes
            # 150 MB of pixels); other formats are decoded whole, then reduced.
            opened.draft("RGB", (LONG_SIDE, LONG_SIDE))
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise PhotoError(
            msg("{photo} : la photo est abîmée et ne peut pas être lue.", photo=label)
        ) from None
    picture.thumbnail((LONG_SIDE, LONG_SIDE))
    # Re-encode as JPEG so that the PDF stays small (Pillow embeds the JPEG as is).
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return Image.open(io.BytesIO(buffer.getvalue()))
