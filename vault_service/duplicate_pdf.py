"""The duplicate's pages: a stamp page (fields, QR code, how to verify) followed by the
original, every page of it stamped « DUPLICATA ». reportlab draws, pypdf merges the stamp onto
the pages of an original PDF; the QR code (segno) is drawn as vector squares.

Nothing here signs or reads the database: `duplicates.py` gives the lines to print and the QR
text, and appends the signature after the returned bytes.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence

import segno
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

Image.MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb raises instead of eating memory
MARGIN = 48


def printable(text: str) -> str:
    """What the PDF's standard fonts (WinAnsi) can print: the signed fields use the same text,
    so what is printed is exactly what is signed."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return "".join(c if c.encode("cp1252", "ignore") else "?" for c in text)


def _canvas(buffer: io.BytesIO, size: tuple[float, float] = A4) -> Canvas:
    canvas = Canvas(buffer, pagesize=size, invariant=True, pageCompression=1)
    canvas.setCreator("Coffre-fort numérique de Mayotte")
    canvas.setTitle("Duplicata")
    return canvas


def _qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    # Level L, raised by segno to the best level that fits the same size.
    matrix = segno.make(text, error="l", micro=False).matrix
    cell = size / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                canvas.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell, 0, 1)


def _wrapped(canvas: Canvas, text: str, x: float, y: float, width: float, size: int) -> float:
    """Draw `text` wrapped to `width`; return the y below it."""
    words, line = text.split(), ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if canvas.stringWidth(candidate, "Helvetica", size) > width and line:
            canvas.drawString(x, y, line)
            y -= size * 1.35
            line = word
        else:
            line = candidate
    if line:
        canvas.drawString(x, y, line)
        y -= size * 1.35
    return y


def _stamp_page(canvas: Canvas, lines: Sequence[tuple[str, str]], qr: str, how: str) -> None:
    width, height = A4
    canvas.setFont("Helvetica-Bold", 30)
    canvas.drawString(MARGIN, height - MARGIN - 30, "DUPLICATA")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(MARGIN, height - MARGIN - 50, "Copie certifiée par le coffre-fort numérique")
    y = height - MARGIN - 90
    for label, value in lines:
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(MARGIN, y, label)
        canvas.setFont("Helvetica", 11)
        y = _wrapped(canvas, value, MARGIN + 150, y, width - 2 * MARGIN - 150, 11) - 4
    size = 220.0
    _qr(canvas, qr, MARGIN, y - size - 10, size)
    canvas.setFont("Helvetica", 10)
    _wrapped(canvas, how, MARGIN + size + 20, y - 20, width - 2 * MARGIN - size - 20, 10)
    canvas.showPage()


def _band(canvas: Canvas, text: str, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(0, height - 22, width, 22, 0, 1)
    canvas.setFillColorRGB(0.55, 0, 0)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(12, height - 15, text[:150])
    canvas.setFillColorRGB(0.6, 0.6, 0.6)
    canvas.setFont("Helvetica-Bold", 60)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.setFillAlpha(0.18)
    canvas.drawCentredString(0, 0, "DUPLICATA")
    canvas.restoreState()


def _image_page(canvas: Canvas, original: bytes, band: str) -> bool:
    try:
        with Image.open(io.BytesIO(original)) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    width, height = A4
    box_w, box_h = width - 2 * MARGIN, height - 2 * MARGIN - 30
    scale = min(box_w / picture.width, box_h / picture.height)
    w, h = picture.width * scale, picture.height * scale
    canvas.drawImage(ImageReader(picture), (width - w) / 2, MARGIN + (box_h - h) / 2, w, h)
    _band(canvas, band, width, height)
    canvas.showPage()
    return True


def _note_page(canvas: Canvas, band: str, media_type: str) -> None:
    width, height = A4
    canvas.setFont("Helvetica", 12)
    _wrapped(
        canvas,
        f"L'original ({media_type}) ne peut pas être reproduit dans ce duplicata. Son empreinte "
        "SHA-256, signée en première page, permet de vérifier le fichier original.",
        MARGIN,
        height - MARGIN - 60,
        width - 2 * MARGIN,
        12,
    )
    _band(canvas, band, width, height)
    canvas.showPage()


def _overlay(band: str, width: float, height: float) -> PdfReader:
    buffer = io.BytesIO()
    canvas = _canvas(buffer, (width, height))
    _band(canvas, band, width, height)
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def render(
    lines: Sequence[tuple[str, str]],
    qr: str,
    how: str,
    band: str,
    original: bytes,
    media_type: str,
) -> bytes:
    """The duplicate PDF (without its signature trailer)."""

    def stamp_then(add: Callable[[Canvas], None] | None) -> bytes:
        buffer = io.BytesIO()
        canvas = _canvas(buffer)
        _stamp_page(canvas, lines, qr, how)
        if add is not None:
            add(canvas)
        canvas.save()
        return buffer.getvalue()

    def note(canvas: Canvas) -> None:
        _note_page(canvas, band, media_type)

    if media_type != "application/pdf":

        def picture(canvas: Canvas) -> None:
            if not _image_page(canvas, original, band):
                note(canvas)

        return stamp_then(picture)
    try:
        stamped = _stamped_pages(stamp_then(None), original, band)
    except Exception:  # a PDF pypdf cannot take apart gets the note page
        stamped = None
    return stamped if stamped is not None else stamp_then(note)


def _stamped_pages(stamp: bytes, original: bytes, band: str) -> bytes | None:
    """The stamp page followed by every page of `original` with the band; None if it has no
    readable page."""
    reader = PdfReader(io.BytesIO(original))
    if reader.is_encrypted:
        reader.decrypt("")
    if not reader.pages:
        return None
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(stamp)))
    for page in reader.pages:
        added = writer.add_page(page)
        added.transfer_rotation_to_content()  # the band goes on top as people see the page
        box = added.mediabox
        overlay = _overlay(band, float(box.width), float(box.height)).pages[0]
        added.merge_transformed_page(
            overlay, Transformation().translate(float(box.left), float(box.bottom))
        )
    writer.add_metadata({"/Title": "Duplicata", "/Producer": "Coffre-fort numérique"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
