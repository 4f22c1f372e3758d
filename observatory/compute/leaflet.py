"""The optional interactive map: folium/Leaflet, inert until the reader asks for it.

A hidden button and a ``<template>`` that ``site_src/assets/interactive.js`` activates
after loading Leaflet from the site itself (``assets_url``). No tile server unless
``basemap`` (a URL template of the publisher's choice) is given; no external URL in the
fragment otherwise. Each area's tooltip gives its name, value, year and source; a click
(or Enter on a focused area) opens the territory's portrait (``url``, named ``lien``).

One interactive map serves every year of an indicator: ``leaflet_year`` writes what one
year changes (each area's style and value, the year, the source, the circles of a count)
as JSON; each year's static map carries it and the script restyles the Leaflet layer when
the reader picks that year. The fragment names the folium map and layer variables
(``data-leaflet-map``, ``data-leaflet-layer``) so that the script can find them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from observatory.compute.geometry import label_point, rings

STROKE = "#4d4d4d"
DEFAULT_STYLE = {"color": STROKE, "weight": 1}


def _script_safe(text: str) -> str:
    """The data is ours, but a name must never be able to close the script element."""
    return text.replace("</", "<\\/")


def leaflet_year(
    features: Sequence[Mapping[str, Any]],
    styles: Mapping[str, Mapping[str, Any]],
    radii: Mapping[str, float],
    when: str,
    source: str,
    phrase: str = "",
) -> str:
    """What the interactive map shows for one year, as JSON (script-safe): by code, the
    area's style and value label, and for a count the circle's centre and radius; ``when``
    the year or period (« 2012-2017 »), ``phrase`` it after a value (« sur la période
    2012-2017 »)."""
    areas: dict[str, dict[str, Any]] = {}
    for f in features:
        props = f["properties"]
        code = str(props["code"])
        area: dict[str, Any] = {
            "style": {**DEFAULT_STYLE, **styles.get(code, {})},
            "valeur": props.get("valeur", ""),
        }
        if code in radii:
            lon, lat = label_point(f["geometry"])
            area["cercle"] = [round(lat, 5), round(lon, 5), round(radii[code], 1)]
        areas[code] = area
    data = {
        "annee": when,
        "quand": phrase or f"en {when}",
        "source": source or "non précisée",
        "zones": areas,
    }
    return _script_safe(json.dumps(data, ensure_ascii=False, sort_keys=True))


def leaflet_html(
    features: Sequence[dict[str, Any]],
    styles: Mapping[str, Mapping[str, Any]],
    map_id: str,
    title: str,
    assets_url: str,
    basemap: str | None,
    basemap_attribution: str,
    *,
    portrait_url: str = "",
    when: str = "",
    source: str = "",
    link_label: Callable[[str], str] = lambda name: f"Portrait de {name}",
) -> str:
    import folium

    slug = "".join(ch if ch.isalnum() else "_" for ch in map_id)
    data = _collection(features, portrait_url, when, source, link_label)
    lons = [pt[0] for f in features for ring in rings(f["geometry"]) for pt in ring] or [0.0]
    lats = [pt[1] for f in features for ring in rings(f["geometry"]) for pt in ring] or [0.0]
    tiles: Any = None
    if basemap:
        tiles = folium.TileLayer(basemap, attr=basemap_attribution or " ", name="Fond de carte")
    fmap = folium.Map(
        location=[round((min(lats) + max(lats)) / 2, 5), round((min(lons) + max(lons)) / 2, 5)],
        zoom_start=10,
        tiles=tiles,
        attribution_control=bool(basemap),
    )
    layer = folium.GeoJson(
        data,
        name=title,
        style_function=lambda f: {**DEFAULT_STYLE, **styles.get(f["properties"]["code"], {})},
        tooltip=folium.GeoJsonTooltip(
            fields=["nom", "valeur", "annee", "source"],
            aliases=[
                "Territoire",
                "Valeur",
                "Période" if when and not when.isdigit() else "Année",
                "Source",
            ],
            sticky=True,
        ),
    )
    layer.add_to(fmap)
    fmap.fit_bounds(
        [[round(min(lats), 5), round(min(lons), 5)], [round(max(lats), 5), round(max(lons), 5)]]
    )
    _stable_ids(fmap, slug)
    root: Any = fmap.get_root()
    root.render()
    name = fmap.get_name()
    body = root.html.render()
    script = _script_safe(root.script.render())
    template = (
        f"<style>#{name}{{position:relative;width:100%;height:28rem}}</style>"
        f"{body.strip()}<script>{script.strip()}</script>"
    )
    for old in ("<script>\n", "\n</script>"):
        template = template.replace(old, old.strip("\n"))
    return (
        f'<div class="obs-leaflet" data-obs-map="{map_id}"'
        f' data-leaflet-map="{name}" data-leaflet-layer="{layer.get_name()}"'
        f' data-leaflet-css="{html.escape(assets_url)}leaflet/leaflet.css"'
        f' data-leaflet-js="{html.escape(assets_url)}leaflet/leaflet.js">'
        '<button type="button" class="obs-interactive" hidden>'
        "Afficher la carte interactive</button>"
        f"<template>{template}</template></div>"
    )


def _collection(
    features: Sequence[dict[str, Any]],
    portrait_url: str,
    when: str,
    source: str,
    link_label: Callable[[str], str],
) -> dict[str, Any]:
    """The GeoJSON of the Leaflet layer: each area's name, value, year, source and the
    address and name of its portrait."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": f["properties"]["code"],
                    "nom": f["properties"].get("nom", ""),
                    "valeur": f["properties"].get("valeur", ""),
                    "annee": when,
                    "source": source or "non précisée",
                    "url": f"{portrait_url}{f['properties']['code']}/" if portrait_url else "",
                    "lien": link_label(str(f["properties"].get("nom", ""))),
                },
                "geometry": f["geometry"],
            }
            for f in features
        ],
    }


def _stable_ids(element: Any, slug: str, counter: list[int] | None = None) -> None:
    """Folium names elements with random UUIDs: derive them from the map id instead."""
    counter = counter if counter is not None else [0]
    element._id = f"{slug}_{counter[0]}"
    counter[0] += 1
    for child in list(element._children.values()):
        _stable_ids(child, slug, counter)
