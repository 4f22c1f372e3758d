from __future__ import annotations

import struct
import zlib

import pytest

from tests.vault.conftest import pdf_bytes
from vault_service.filetypes import Sniffer


def sniff(data: bytes, step: int = 4096):
    sniffer = Sniffer()
    for i in range(0, len(data), step):
        sniffer.feed(data[i : i + step])
    return sniffer.verdict()


def png_bytes() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + b"\x11" * 200 + b"\xff\xd9"


def webp_bytes() -> bytes:
    body = b"WEBP" + b"VP8 " + struct.pack("<I", 10) + b"\x00" * 10
    return b"RIFF" + struct.pack("<I", len(body)) + body


def heic_bytes() -> bytes:
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    return (
        box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
        + box(b"meta", b"m" * 50)
        + box(b"mdat", b"d" * 5000)
    )


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (pdf_bytes(5000), "application/pdf"),
        (png_bytes(), "image/png"),
        (jpeg_bytes(), "image/jpeg"),
        (webp_bytes(), "image/webp"),
        (heic_bytes(), "image/heic"),
    ],
)
@pytest.mark.parametrize("step", [1, 7, 4096])
def test_accepted_types(data, media_type, step):
    assert sniff(data, step).media_type == media_type


ZIP = b"PK\x03\x04" + b"\x00" * 26 + b"PK\x01\x02" + b"\x00" * 42 + b"PK\x05\x06" + b"\x00" * 18


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "Le fichier est vide (0 octet)."),
        (b"MZ\x90\x00" + b"\x00" * 100, "Ce fichier est un programme exécutable : refusé."),
        (b"\x7fELF\x02\x01" + b"\x00" * 100, "Ce fichier est un programme exécutable : refusé."),
        (b"#!/bin/sh\nrm -rf /\n", "Ce fichier est un programme exécutable : refusé."),
        (ZIP, "Le fichier contient une archive ZIP cachée : refusé."),
        (png_bytes() + ZIP, "Le fichier contient une archive ZIP cachée : refusé."),
        (
            png_bytes() + b"MZ" + b"\x00" * 64,
            "L'image PNG est incomplète ou suivie de données étrangères.",
        ),
        (jpeg_bytes() + b"\x7fELF", "L'image JPEG est incomplète ou suivie de données étrangères."),
        (pdf_bytes(3000) + b"MZ\x90\x00", "Le PDF est incomplet ou suivi de données étrangères."),
        (pdf_bytes(3000)[:-10], "Le PDF est incomplet ou suivi de données étrangères."),
        (webp_bytes() + b"extra", "L'image WebP est incomplète ou suivie de données étrangères."),
        (b"MZ" + pdf_bytes(3000), "Ce fichier est un programme exécutable : refusé."),
        (
            b"GIF89a" + b"\x00" * 20,
            "Type de fichier non accepté : déposez un PDF, une photo JPEG, PNG, WebP ou HEIC.",
        ),
    ],
    ids=[
        "empty",
        "pe",
        "elf",
        "script",
        "zip",
        "png+zip",
        "png+pe",
        "jpeg+elf",
        "pdf+pe",
        "pdf-truncated",
        "webp+extra",
        "pe+pdf",
        "gif",
    ],
)
def test_refused(data, reason):
    verdict = sniff(data)
    assert verdict.media_type is None
    assert verdict.reason == reason


def test_zip_hidden_in_pdf_comment_is_refused():
    # A ZIP whose comment ends with %%EOF would pass the PDF end test alone.
    data = pdf_bytes(2000) + ZIP[:-2] + struct.pack("<H", 7) + b"\n%%EOF\n"
    assert sniff(data).reason == "Le fichier contient une archive ZIP cachée : refusé."


def test_heic_with_trailing_data_is_refused():
    assert sniff(heic_bytes() + b"MZ\x00\x00").media_type is None
