"""Pictograms beside every action: small inline SVG (no file to fetch, nothing from another
host), drawn with the text colour, hidden from screen readers (the words say it all).

In a template: `{{ icon("download") }}Télécharger`. An unknown name fails the render, so a
typo cannot silently drop a pictogram.
"""

from __future__ import annotations

from markupsafe import Markup

SHAPES = {
    "add": '<path d="M12 5v14M5 12h14"/>',
    "back": '<path d="M20 12H5m6-6-6 6 6 6"/>',
    "close": '<path d="M14 4H5v16h9M10 12h10m-3-3 3 3-3 3"/>',
    "delete": '<path d="M4 7h16M9 7V4h6v3M7 7l1 13h8l1-13"/>',
    "download": '<path d="M12 3v12m-5-5 5 5 5-5M4 20h16"/>',
    "duplicate": '<path d="M8 8h12v12H8zM4 16V4h12"/>',
    "edit": '<path d="M4 20h4L20 8l-4-4L4 16z"/>',
    "export": '<path d="M4 9h16v11H4zM4 9l2-5h12l2 5M12 12v5m-3-3 3 3 3-3"/>',
    "history": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 3"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7v1"/>',
    "key": '<circle cx="8" cy="15" r="4"/><path d="m11 12 9-9m-4 4 3 3"/>',
    "lock": '<rect x="5" y="11" width="14" height="10"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "login": '<path d="M10 4h9v16h-9M4 12h10m-3-3 3 3-3 3"/>',
    "print": '<path d="M7 9V3h10v6M7 17H4V9h16v8h-3M7 14h10v7H7z"/>',
    "restore": '<path d="M9 14 4 9l5-5M4 9h11a5 5 0 0 1 0 10h-3"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>',
    "share": (
        '<circle cx="6" cy="12" r="3"/><circle cx="18" cy="6" r="3"/>'
        '<circle cx="18" cy="18" r="3"/><path d="m9 11 6-4m-6 6 6 4"/>'
    ),
    "upload": '<path d="M12 21V9m-5 5 5-5 5 5M4 4h16"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>',
    "verify": '<path d="M12 3 4 6v6c0 5 4 8 8 9 4-1 8-4 8-9V6z"/><path d="m8 12 3 3 5-6"/>',
    "view": (
        '<path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>'
    ),
}


def icon(name: str) -> Markup:
    """The pictogram `name` as inline SVG (KeyError for an unknown name)."""
    return Markup(  # noqa: S704 (constant SVG from SHAPES, nothing from the request)
        '<svg class="i" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
        f"{SHAPES[name]}</svg>"
    )
