"""The optional interactive map: folium/Leaflet, inert until the reader asks for it.

A hidden button and a ``<template>`` that ``site_src/assets/interactive.js`` activates
after loading Leaflet from the site itself (``assets_url``). No tile server unless
``basemap`` (a URL template of the publisher's choice) is given; no external URL in the
fragment otherwise. Each area's tooltip gives its name and value.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from observatory.compute.geometry import rings

STROKE = "#4d4d4d"


def leaflet_html(
    features: Sequence[dict[str, Any]],
    styles: Mapping[str, Mapping[str, Any]],
    map_id: str,
    title: str,
    assets_url: str,
    basemap: str | None,
    basemap_attribution: str,
) -> str:
    import folium

    slug = "".join(ch if ch.isalnum() else "_" for ch in map_id)
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": f["properties"]["code"],
                    "nom": f["properties"].get("nom", ""),
                    "libelle": f["properties"]["libelle"],
                },
                "geometry": f["geometry"],
            }
            for f in features
        ],
    }
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
    default = {"color": STROKE, "weight": 1}
    folium.GeoJson(
        data,
        name=title,
        style_function=lambda f: {**default, **styles.get(f["properties"]["code"], {})},
        tooltip=folium.GeoJsonTooltip(
            fields=["nom", "libelle"], aliases=["Territoire", "Valeur"], sticky=True
        ),
    ).add_to(fmap)
    fmap.fit_bounds(
        [[round(min(lats), 5), round(min(lons), 5)], [round(max(lats), 5), round(max(lons), 5)]]
    )
    _stable_ids(fmap, slug)
    root: Any = fmap.get_root()
    root.render()
    name = fmap.get_name()
    body = root.html.render()
    # the data is ours, but a name must never be able to close the script element
    script = root.script.render().replace("</", "<\\/")
    template = (
        f"<style>#{name}{{position:relative;width:100%;height:28rem}}</style>"
        f"{body.strip()}<script>{script.strip()}</script>"
    )
    for old in ("<script>\n", "\n</script>"):
        template = template.replace(old, old.strip("\n"))
    return (
        f'<div class="obs-leaflet" data-obs-map="{map_id}"'
        f' data-leaflet-css="{html.escape(assets_url)}leaflet/leaflet.css"'
        f' data-leaflet-js="{html.escape(assets_url)}leaflet/leaflet.js">'
        '<button type="button" class="obs-interactive" hidden>'
        "Afficher la carte interactive</button>"
        f"<template>{template}</template></div>"
    )


def _stable_ids(element: Any, slug: str, counter: list[int] | None = None) -> None:
    """Folium names elements with random UUIDs: derive them from the map id instead."""
    counter = counter if counter is not None else [0]
    element._id = f"{slug}_{counter[0]}"
    counter[0] += 1
    for child in list(element._children.values()):
        _stable_ids(child, slug, counter)
