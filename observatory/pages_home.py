"""Page producer (in progress)."""

from __future__ import annotations

from collections.abc import Iterator

from observatory.plan import Output, Page, Site


def produce(site: Site) -> Iterator[Page | Output]:
    yield from ()
