"""The officers' map of England: base map, school points, LA shading and links.

Large data never goes into the map's HTML: the school points and boundaries are
static JSON files (see :mod:`dashboard.data.map_files`) that the browser fetches
once and caches. The map script only carries which schools to show (a bit mask),
the measure to colour by and the colour scale, so it stays a few kilobytes and
each Streamlit rerun is cheap. Points are drawn as circle markers on one canvas.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Mapping, Sequence

import folium
import pandas as pd

from dashboard import config
from dashboard.data import map_files
from dashboard.maps import assets, elements, scales

TILES_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)
ENGLAND_CENTRE = (52.8, -1.6)


def build_base_map(
    *,
    static_url: str = assets.COMPONENT_STATIC_URL,
    tiles: bool = True,
    height_px: int = 620,
) -> folium.Map:
    """The England base map: light tiles, region outlines and a plain background.

    Everything that changes with filters goes into feature groups built by
    :func:`build_school_layers`, so this part is sent to the browser once.

    Parameters
    ----------
    static_url : str
        Where the app's static folder is, as seen from the map's page.
    tiles : bool
        Draw the CARTO light basemap (needs internet in the user's browser).
    height_px : int
        Map height, used for the no-tiles background box.

    Returns
    -------
    folium.Map
        Centred on England at zoom 6, EPSG:3857 display.
    """
    m = folium.Map(
        location=ENGLAND_CENTRE,
        zoom_start=6,
        min_zoom=5,
        max_zoom=16,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        height=height_px,
    )
    if tiles:
        folium.TileLayer(
            tiles=TILES_URL,
            attr=TILES_ATTRIBUTION,
            name="Light basemap",
            subdomains="abcd",
            max_zoom=19,
        ).add_to(m)
    # Only Leaflet: folium's jQuery, Bootstrap and icon fonts would load (one after
    # another) for nothing on these maps. The atlas script comes first and starts
    # fetching the data files named in its URL while Leaflet loads.
    leaflet_js, leaflet_css = (str(assets.LOCAL_ASSETS[u]) for u in assets.LEAFLET_FILES)
    m.default_js = [
        ("atlas_map", atlas_script_url(static_url)),
        ("leaflet", assets.static_file_url(leaflet_js, static_url)),
    ]
    m.default_css = [
        ("leaflet_css", assets.static_file_url(leaflet_css, static_url)),
        ("atlas_css", assets.static_file_url(assets.ATLAS_CSS, static_url)),
    ]
    elements.region_outlines(data_file_url(map_files.REGIONS_GEOJSON_FILE, static_url)).add_to(m)
    return assets.localise_assets(m, static_url)


def atlas_script_url(static_url: str = assets.COMPONENT_STATIC_URL) -> str:
    """URL of ``atlas-map.js``, naming the data files it should start fetching at once.

    Parameters
    ----------
    static_url : str
        Where the static folder is, as seen from the map's page.

    Returns
    -------
    str
        E.g. ``…/js/atlas-map.js?v=1a2b3c4d&prefetch=..%2Fdata%2Fschool_points.json…``.
    """
    # Relative to the script (static/js/), whatever static_url is.
    prefetch = ",".join(data_file_url(name, "..") for name in map_files.FIRST_DRAW_FILES)
    script = assets.static_file_url(assets.ATLAS_JS, static_url)
    return f"{script}&prefetch={urllib.parse.quote(prefetch, safe='')}"


def data_file_url(name: str, static_url: str = assets.COMPONENT_STATIC_URL) -> str:
    """URL of one of the map's data files in ``static/data``, tagged with its content hash."""
    return assets.static_file_url(f"data/{name}", static_url)


def build_school_layers(
    *,
    measure: str,
    mask: str | None,
    la_values: Mapping[str, float],
    white_las: Sequence[str],
    threshold_pct: float = config.PREDOMINANTLY_WHITE_PCT,
    links_geojson: dict | None = None,
    selected: tuple[float, float] | None = None,
    fit: bool = False,
    static_url: str = assets.COMPONENT_STATIC_URL,
    test_hooks: bool = config.TEST_HOOKS,
) -> list[folium.FeatureGroup]:
    """The map's changing layers: LA shading, school points, links and the selection.

    The legend is not drawn on the map, where it would hide schools: the page shows
    :func:`dashboard.maps.scales.legend_html` beside it.

    Parameters
    ----------
    measure : str
        Column to colour by (a key of :data:`config.MEASURES`).
    mask : str or None
        Base64 bit mask of schools to draw (:func:`dashboard.data.map_files.encode_mask`);
        None draws every school.
    la_values : mapping of str to float
        LA ONS code -> pupil-weighted value of the measure.
    white_las : sequence of str
        ONS codes of predominantly white LAs (outlined).
    threshold_pct : float
        Threshold used for ``white_las`` (kept so the inputs also feed the legend).
    links_geojson : dict or None
        FeatureCollection of link lines (see :func:`links_to_geojson`).
    selected : (lat, lon) or None
        A school to ring.
    fit : bool
        Zoom the map to the drawn schools.
    static_url : str
        Where the static files are, as seen from the map's page.
    test_hooks : bool
        Let browser tests find drawn schools (see :data:`dashboard.config.TEST_HOOKS`).

    Returns
    -------
    list of folium.FeatureGroup
        Pass to ``st_folium(..., feature_group_to_add=...)``.
    """
    label = config.MEASURES[measure][0]
    scale = scales.scale_for(measure)
    is_pct = measure.endswith("_pct")
    shading = folium.FeatureGroup(name="Local authorities", control=False)
    elements.la_shading(
        {
            "url": data_file_url(map_files.LA_GEOJSON_FILE, static_url),
            "values": {k: (None if pd.isna(v) else float(v)) for k, v in la_values.items()},
            "white": list(white_las),
            "bins": list(scale.bins),
            "colours": list(scale.colours),
            "noData": config.NO_DATA_COLOUR,
            "opacity": 0.25,
            "unit": " % White British"
            if measure == "white_british_pct"
            else (" %" if is_pct else ""),
            "decimals": 1 if is_pct else 2,
        }
    ).add_to(shading)
    points = folium.FeatureGroup(name="Schools", control=False)
    elements.school_points(
        {
            "url": data_file_url(map_files.POINTS_FILE, static_url),
            "labelsUrl": data_file_url(map_files.LABELS_FILE, static_url),
            "mask": mask,
            "measure": measure,
            "label": label,
            "unit": " %" if is_pct else "",
            "bins": list(scale.bins),
            "colours": list(scale.colours),
            "noData": config.NO_DATA_COLOUR,
            "order": scale.draw_order(),
            "fit": fit,
            "testHooks": test_hooks,
        }
    ).add_to(points)
    groups = [shading, points]
    if links_geojson is not None and links_geojson["features"]:
        lines = folium.FeatureGroup(name="Links", control=False)
        # Lines take no clicks: a line ends on its school's dot, and a tap there (with a
        # finger's tolerance) went to the line, so the school did not open. Each school's
        # links are listed in its details instead.
        folium.GeoJson(links_geojson, style_function=scales.link_style, interactive=False).add_to(
            lines
        )
        groups.append(lines)
    if selected is not None:
        ring = folium.FeatureGroup(name="Selected school", control=False)
        folium.CircleMarker(
            location=selected, radius=11, color="#000", weight=3, fill=False, interactive=False
        ).add_to(ring)
        groups.append(ring)
    return groups


def links_to_geojson(links_df: pd.DataFrame, schools_df: pd.DataFrame) -> dict:
    """Lines between linked schools in England (international links are not drawn).

    Parameters
    ----------
    links_df : pandas.DataFrame
        With ``link_id``, ``school_urn``, ``partner_urn`` (missing for partners
        abroad), ``link_types`` (list of str) and ``status``.
    schools_df : pandas.DataFrame
        With ``urn``, ``school_name`` and point ``geometry`` in EPSG:4326.

    Returns
    -------
    dict
        GeoJSON FeatureCollection of LineStrings with properties ``link_id``,
        ``type`` (main link type), ``status`` and ``label`` (escaped text). Ended
        links come first, so live ones are drawn over them.
    """
    located = schools_df.set_index("urn")
    features = []
    ended_first = links_df.sort_values("status", key=lambda s: s != "ended", kind="stable")
    for link in ended_first.itertuples(index=False):
        if pd.isna(link.partner_urn):
            continue
        a, b = int(link.school_urn), int(link.partner_urn)
        if a not in located.index or b not in located.index:
            continue
        pa, pb = located.at[a, "geometry"], located.at[b, "geometry"]
        types = [t for t in link.link_types if t != "international"] or ["other"]
        label = (
            f"{located.at[a, 'school_name']} ↔ {located.at[b, 'school_name']} "
            f"({', '.join(types)}; {link.status})"
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [
                        [round(pa.x, 5), round(pa.y, 5)],
                        [round(pb.x, 5), round(pb.y, 5)],
                    ],
                },
                "properties": {
                    "link_id": int(link.link_id),
                    "type": types[0] if types[0] in scales.LINK_COLOURS else "other",
                    "status": str(link.status),
                    "label": html.escape(label),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
