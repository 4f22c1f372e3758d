"""Which file (and line) a check is working on, so that an internal error can name it.

Checks call ``mark`` when they start on a file; ``run_checks`` reads ``last()`` when a
check fails with an unexpected exception. It is a plain record, never reset on exit:
the exception leaves the generators of the checks before it is caught.
"""

from __future__ import annotations

_LAST: dict[str, object] = {"file": "datapackages", "row": None}


def mark(file: str, row: int | None = None) -> None:
    _LAST["file"] = file
    _LAST["row"] = row


def last() -> tuple[str, int | None]:
    file, row = _LAST["file"], _LAST["row"]
    return str(file), row if isinstance(row, int) else None
