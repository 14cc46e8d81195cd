"""Folium maps of schools, LAs and links, built for 21,975 schools.

Large data never goes into the map's HTML: the school points and boundaries are
static JSON files (see :mod:`dashboard.map_data`) that the browser fetches once
and caches. The map script only carries which schools to show (a bit mask), the
measure to colour by and the colour scale, so it stays a few kilobytes and each
Streamlit rerun is cheap. Points are drawn as circle markers on one canvas.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import folium.elements
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from dashboard import config, map_data

# st_folium renders maps in an iframe at /component/<name>/index.html; Streamlit
# serves ./static at /app/static. Relative, so a base URL path still works.
COMPONENT_STATIC_URL = "../../app/static"

# folium's CDN links -> files vendored from npm by scripts/vendor_assets.py.
LOCAL_ASSETS: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "vendor/leaflet@1.9.3/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": (
        "vendor/leaflet@1.9.3/leaflet.css"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery@3.7.1/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "vendor/bootstrap@5.2.2/js/bootstrap.bundle.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "vendor/bootstrap@5.2.2/css/bootstrap.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.js": "vendor/leaflet.awesome-markers@2.0.5/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.css": (
        "vendor/leaflet.awesome-markers@2.0.5/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "vendor/fontawesome-free@6.2.0/css/all.min.css"
    ),
    # Glyphicons and folium's rotation CSS only serve icon styles these maps never use.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": None,
}

_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
_LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"

# Viridis in five classes, lightest for the lowest values: colour-blind safe and
# still ordered when printed in greyscale.
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
NO_DATA_COLOUR = "#bdbdbd"
MEASURE_BINS = config.MEASURE_BINS
# Link lines: one colour, told apart by dash pattern (not by colour alone).
LINK_COLOUR = "#d7301f"
LINK_DASHES: dict[str, str | None] = {
    "ethnicity": None,
    "faith": "8 6",
    "socio-economic": "2 6",
    "other": "12 4 2 4",
}
TILES_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)
ENGLAND_CENTRE = (52.8, -1.6)


@dataclass(frozen=True)
class ColourScale:
    """Five classes of one measure, each with a colour and a label."""

    measure: str
    bins: tuple[float, ...]
    colours: tuple[str, ...] = PALETTE

    def colour_for(self, value: float | None) -> str:
        """Colour of the class ``value`` falls in (grey when missing).

        Examples
        --------
        >>> scale = scale_for("white_british_pct")
        >>> scale.colour_for(91.2), scale.colour_for(5), scale.colour_for(None)
        ('#440154', '#fde725', '#bdbdbd')
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOUR
        index = sum(value >= edge for edge in self.bins)
        return self.colours[index]

    def labels(self) -> list[str]:
        """Plain labels of the classes, lowest first."""
        unit = " %" if self.measure.endswith("_pct") else ""
        fmt = (lambda v: f"{v:g}{unit}") if unit else (lambda v: f"{v:.1f}")
        edges = list(self.bins)
        labels = [f"under {fmt(edges[0])}"]
        labels += [f"{fmt(lo)} to under {fmt(hi)}" for lo, hi in itertools.pairwise(edges)]
        labels.append(f"{fmt(edges[-1])} or more")
        return labels


def scale_for(measure: str) -> ColourScale:
    """The colour scale used for ``measure`` (one of :data:`config.MEASURES`).

    Parameters
    ----------
    measure : str
        Column name, e.g. ``"white_british_pct"``.

    Returns
    -------
    ColourScale

    Raises
    ------
    ValueError
        If the measure is unknown.
    """
    if measure not in MEASURE_BINS:
        raise ValueError(f"unknown measure {measure!r}; choose one of {sorted(MEASURE_BINS)}")
    return ColourScale(measure, MEASURE_BINS[measure])


def localise_assets(m: folium.Map, static_url: str = COMPONENT_STATIC_URL) -> folium.Map:
    """Point every folium script and stylesheet at the app's own copies.

    Parameters
    ----------
    m : folium.Map
        Any folium map; its elements are changed in place.
    static_url : str
        URL of the app's ``static`` folder as seen from the page the map runs in.

    Returns
    -------
    folium.Map
        The same map.

    Raises
    ------
    ValueError
        If an element asks for a CDN file that has no local copy, so a new
        plugin cannot silently reach out to the internet.
    """
    elements = [m, *_descendants(m)]
    for element in elements:
        if not isinstance(element, folium.elements.JSCSSMixin):
            continue
        for attribute in ("default_js", "default_css"):
            local = []
            for name, url in getattr(element, attribute):
                if url.startswith(static_url):
                    local.append((name, url))
                    continue
                if url not in LOCAL_ASSETS:
                    raise ValueError(f"no local copy of {url}; add it to scripts/vendor_assets.py")
                if LOCAL_ASSETS[url] is not None:
                    local.append((name, f"{static_url}/{LOCAL_ASSETS[url]}"))
            # An instance attribute, so other maps keep folium's class defaults.
            setattr(element, attribute, local)
    return m


def _descendants(element: Element) -> list[Element]:
    """Every child element, depth first."""
    out: list[Element] = []
    for child in element._children.values():
        out.append(child)
        out.extend(_descendants(child))
    return out


def build_base_map(
    *,
    static_url: str = COMPONENT_STATIC_URL,
    data_version: str = "",
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
    data_version : str
        Appended to data URLs so browsers refetch when the data changes.
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
    # another) for nothing on these maps.
    prefetch = ",".join(
        [map_data.POINTS_FILE, map_data.LA_GEOJSON_FILE, map_data.REGIONS_GEOJSON_FILE]
    )
    m.default_js = [
        ("atlas_map", f"{static_url}/js/atlas-map.js?v={data_version}&files={prefetch}"),
        ("leaflet", f"{static_url}/{LOCAL_ASSETS[_LEAFLET_JS]}"),
    ]
    m.default_css = [("leaflet_css", f"{static_url}/{LOCAL_ASSETS[_LEAFLET_CSS]}")]
    m.get_root().header.add_child(Element(_BASE_CSS))
    RegionOutlines(f"{static_url}/data/{map_data.REGIONS_GEOJSON_FILE}?v={data_version}").add_to(m)
    return localise_assets(m, static_url)


_BASE_CSS = """
<style>
  /* Without tiles (offline, blocked) the map must still read: pale sea, white land. */
  .leaflet-container { background: #dfe9f2; font: 13px/1.4 "Source Sans Pro", Arial, sans-serif; }
  .atlas-legend { background: rgba(255,255,255,0.94); padding: 6px 8px; border: 1px solid #888;
                  border-radius: 4px; max-width: 220px; color: #111; font-size: 12px;
                  line-height: 1.35; }
  .atlas-legend h4 { margin: 2px 0 2px; font-size: 12.5px; }
  .atlas-legend summary { cursor: pointer; }
  .atlas-legend .swatch { display: inline-block; width: 11px; height: 11px;
                          border: 1px solid #333; margin-right: 5px; vertical-align: -1px; }
  .atlas-legend svg { margin-right: 5px; vertical-align: middle; }
  .atlas-legend small { color: #333; display: block; margin-bottom: 3px; }
  .atlas-tooltip b { display: block; }
</style>
"""


class _Script(MacroElement):
    """A map element that is a script template plus the values it reads."""

    def __init__(self, name: str, **values: object) -> None:
        super().__init__()
        self._name = name
        for key, value in values.items():
            setattr(self, key, value)


class RegionOutlines(_Script):
    """The nine regions as dark outlines, fetched from a static GeoJSON file."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          // Land sits under the tiles (z 150 < 200): hidden when tiles load, shown when they fail.
          map.createPane("atlasLand"); map.getPane("atlasLand").style.zIndex = 150;
          map.createPane("atlasRegions"); map.getPane("atlasRegions").style.zIndex = 390;
          map.getPane("atlasRegions").style.pointerEvents = "none";
          atlasMap.fetchOnce({{ this.url|tojson }}).then(function (data) {
              L.geoJSON(data, {pane: "atlasLand", interactive: false,
                style: {stroke: false, fillColor: "#ffffff", fillOpacity: 1}}).addTo(map);
              L.geoJSON(data, {pane: "atlasRegions", interactive: false,
                style: {color: "#222", weight: 1.6, fill: false}}).addTo(map);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, url: str) -> None:
        super().__init__("RegionOutlines", url=url)


class LocalAuthorityShading(_Script):
    """LA polygons shaded by a pupil-weighted measure; predominantly white LAs outlined."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var group = {{ this._parent.get_name() }};
          var o = {{ this.options|tojson }};
          var load = atlasMap.fetchOnce(o.url);
          function colour(v) {
            var k = atlasMap.classOf(v, o.bins);
            return k < o.colours.length ? o.colours[k] : o.noData;
          }
          load.then(function (data) {
            var layer = L.geoJSON(data, {
              style: function (f) {
                var code = f.properties.la_gss_code;
                var white = o.white.indexOf(code) >= 0;
                return {fillColor: colour(o.values[code]), fillOpacity: o.opacity,
                        color: white ? "#000" : "#666", weight: white ? 3 : 0.6,
                        dashArray: white ? "6 3" : null};
              }
            });
            layer.bindTooltip(function (l) {
              var p = l.feature.properties, d = document.createElement("div");
              var v = o.values[p.la_gss_code];
              d.textContent = p.la_name + ": " + (v === undefined || v === null ? "no data"
                : v.toFixed(o.decimals) + o.unit) + (o.white.indexOf(p.la_gss_code) >= 0
                ? " (predominantly white)" : "");
              return d;
            }, {sticky: true});
            group.addLayer(layer);
            layer.bringToBack();
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, options: dict) -> None:
        super().__init__("LocalAuthorityShading", options=options)


class SchoolPoints(_Script):
    """Schools as dots drawn on one canvas in a single pass, coloured in the browser.

    The points file is fetched once per page and cached; ``mask`` (base64 bits)
    picks the schools to draw. One canvas instead of 21,975 Leaflet markers is
    what makes England draw in about a second. Hovering shows a tooltip; a click
    is reported to st_folium as a click on the feature group whose tooltip text
    starts with the school's URN.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var group = {{ this._parent.get_name() }};
          var o = {{ this.options|tojson }};
          var load = atlasMap.fetchOnce(o.url).then(function (d) {
            if (!d.latDeg) {  // decode the integer positions once per page
              d.latDeg = new Float64Array(d.n); d.lonDeg = new Float64Array(d.n);
              for (var i = 0; i < d.n; i++) {
                d.latDeg[i] = d.origin[0] + d.lat[i] / d.scale;
                d.lonDeg[i] = d.origin[1] + d.lon[i] / d.scale;
              }
            }
            return d;
          });
          var labels = null;
          function value(d, i) {
            var v = d[o.measure][i];
            return v === null ? null : v / d.divisors[o.measure];
          }
          function shown(n) {
            var out = [];
            if (o.mask === null) { for (var k = 0; k < n; k++) { out.push(k); } return out; }
            var bytes = atob(o.mask);
            for (var b = 0; b < bytes.length; b++) {
              var byte = bytes.charCodeAt(b);
              if (byte === 0) { continue; }
              for (var bit = 0; bit < 8; bit++) { if (byte & (1 << bit)) { out.push(b * 8 + bit); } }
            }
            return out;
          }
          function line(text, bold) {
            var el = document.createElement(bold ? "b" : "div"); el.textContent = text; return el;
          }
          // The tooltip as DOM nodes with textContent only: names from data never run as HTML.
          function describe(target) {
            var box = document.createElement("div");
            if (!target || !target.options || !target.options.atlasData) { return box; }
            var d = target.options.atlasData, i = target.options.atlasIndex, v = value(d, i);
            box.className = "atlas-tooltip";
            box.appendChild(line("URN " + d.urn[i] + " — " + (labels ? labels.name[i] : ""), true));
            if (labels) {
              box.appendChild(line(labels.las[labels.la[i]] + " · " + labels.phases[labels.phase[i]]));
            }
            box.appendChild(line(o.label + ": " + (v === null ? "no data" : v + o.unit)));
            return box;
          }
          // st_folium reads a clicked object's text through its group's tooltip function.
          // The tooltip is attached without bindTooltip so Leaflet never opens it itself
          // (hover tooltips come from the dots layer below).
          group._tooltip = L.tooltip({}, group).setContent(describe);

          var Dots = L.Layer.extend({
            initialize: function (d, idx) {
              this._d = d; this._idx = idx;
              this._cls = new Uint8Array(idx.length);
              for (var j = 0; j < idx.length; j++) {
                this._cls[j] = Math.min(atlasMap.classOf(value(d, idx[j]), o.bins), o.colours.length);
              }
              this._x = new Float32Array(idx.length); this._y = new Float32Array(idx.length);
              this._r = idx.length > 5000 ? 2.5 : (idx.length > 1000 ? 3.5 : 5);
              this._hover = -1;
            },
            onAdd: function (map) {
              if (!map.getPane("atlasPoints")) {
                map.createPane("atlasPoints").style.zIndex = 450;
                map.getPane("atlasPoints").style.pointerEvents = "none";
              }
              this._canvas = L.DomUtil.create("canvas", "atlas-points", map.getPane("atlasPoints"));
              this._canvas.setAttribute("aria-hidden", "true");
              this._tip = L.tooltip({direction: "top", offset: [0, -this._r - 2]});
              map.on("moveend resize zoomend viewreset", this._redraw, this);
              map.on("zoomstart", this._hide, this);
              map.on("mousemove", this._onMove, this);
              map.on("click", this._onClick, this);
              this._redraw();
            },
            onRemove: function (map) {
              map.off("moveend resize zoomend viewreset", this._redraw, this);
              map.off("zoomstart", this._hide, this);
              map.off("mousemove", this._onMove, this);
              map.off("click", this._onClick, this);
              map.closeTooltip(this._tip);
              L.DomUtil.remove(this._canvas);
            },
            getBounds: function () {
              var b = L.latLngBounds([]);
              for (var j = 0; j < this._idx.length; j++) {
                b.extend([this._d.latDeg[this._idx[j]], this._d.lonDeg[this._idx[j]]]);
              }
              return b;
            },
            _hide: function () { this._canvas.style.visibility = "hidden"; },
            _redraw: function () {
              var map = this._map; if (!map) { return; }
              var size = map.getSize(), ratio = window.devicePixelRatio || 1;
              var c = this._canvas, ctx = c.getContext("2d"), r = this._r;
              c.width = size.x * ratio; c.height = size.y * ratio;
              c.style.width = size.x + "px"; c.style.height = size.y + "px";
              L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
              ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
              var d = this._d, idx = this._idx, n = idx.length, colours = o.colours.concat([o.noData]);
              for (var j = 0; j < n; j++) {
                var p = map.latLngToContainerPoint([d.latDeg[idx[j]], d.lonDeg[idx[j]]]);
                this._x[j] = p.x; this._y[j] = p.y;
              }
              var stroke = n <= 5000; ctx.lineWidth = 0.8; ctx.strokeStyle = "#222";
              // One path per colour class: a few fills instead of thousands.
              for (var k = 0; k < colours.length; k++) {
                ctx.beginPath();
                for (var m = 0; m < n; m++) {
                  if (this._cls[m] !== k) { continue; }
                  var x = this._x[m], y = this._y[m];
                  if (x < -r || y < -r || x > size.x + r || y > size.y + r) { continue; }
                  ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 6.2832);
                }
                ctx.fillStyle = colours[k]; ctx.fill(); if (stroke) { ctx.stroke(); }
              }
              c.style.visibility = "visible";
            },
            _hit: function (pt) {
              var best = -1, bestD = (this._r + 3) * (this._r + 3);
              for (var j = 0; j < this._idx.length; j++) {
                var dx = this._x[j] - pt.x, dy = this._y[j] - pt.y, dd = dx * dx + dy * dy;
                if (dd <= bestD) { best = j; bestD = dd; }
              }
              return best;
            },
            pointOf: function (urn) {  // container pixel of a drawn school, or null
              for (var j = 0; j < this._idx.length; j++) {
                if (this._d.urn[this._idx[j]] === urn) { return [this._x[j], this._y[j]]; }
              }
              return null;
            },
            _target: function (j) {
              var i = this._idx[j];
              return {options: {atlasIndex: i, atlasData: this._d},
                      latlng: L.latLng(this._d.latDeg[i], this._d.lonDeg[i])};
            },
            _onMove: function (e) {
              var j = this._hit(e.containerPoint), map = this._map;
              if (j === this._hover) { return; }
              this._hover = j;
              map.getContainer().style.cursor = j < 0 ? "" : "pointer";
              if (j < 0) { map.closeTooltip(this._tip); return; }
              var t = this._target(j);
              this._tip.setLatLng(t.latlng).setContent(describe(t));
              map.openTooltip(this._tip);
            },
            _onClick: function (e) {
              var j = this._hit(e.containerPoint);
              if (j < 0) { return; }
              var t = this._target(j);
              this.fire("click", {latlng: t.latlng, sourceTarget: t, originalEvent: e.originalEvent}, true);
            }
          });

          load.then(function (d) {
            var idx = shown(d.n), dots = new Dots(d, idx);
            group.addLayer(dots);
            window.__atlasDots = dots;  // lets browser tests find a school's pixel position
            var map = group._map;
            if (o.fit && map && idx.length) {
              var bounds = dots.getBounds(), fit = function () {
                map.invalidateSize({animate: false});
                map.fitBounds(bounds, {maxZoom: 12, padding: [20, 20], animate: false});
              };
              fit();
              // The component sets its frame height after the map is made: fit again then.
              map.once("resize", fit);
              setTimeout(function () { map.off("resize", fit); }, 3000);
            }
            // Two frames later the canvas is on screen: that is "drawn" for the benchmarks.
            requestAnimationFrame(function () { requestAnimationFrame(function () {
              window.__atlasDrawn = {count: idx.length, at: performance.now()};
              document.body.setAttribute("data-schools-drawn", String(idx.length));
            }); });
            // Names are only needed for tooltips: fetch them once the dots are up.
            atlasMap.fetchOnce(o.labelsUrl).then(function (l) { labels = l; });
          }).catch(function (err) {
            document.body.setAttribute("data-schools-error", String(err));
            var note = L.control({position: "topright"});
            note.onAdd = function () {
              var box = document.createElement("div"); box.className = "atlas-legend";
              box.textContent = "School points could not be loaded (" + err + "). Reload the page.";
              return box;
            };
            if (group._map) { note.addTo(group._map); }
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, options: dict) -> None:
        super().__init__("SchoolPoints", options=options)


class FitBounds(_Script):
    """Fit the map to bounds now, and again once st_folium has given the frame its height."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var fit = function () {
            map.invalidateSize({animate: false});
            map.fitBounds({{ this.bounds|tojson }}, {padding: [30, 30], maxZoom: 13, animate: false});
          };
          fit();
          map.once("resize", fit);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__("FitBounds", bounds=bounds)


class Legend(_Script):
    """A legend control that lives and dies with its feature group."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var group = {{ this._parent.get_name() }};
          var legend = L.control({position: "topright"});
          legend.onAdd = function () {
            var d = L.DomUtil.create("div", "atlas-legend");
            d.setAttribute("role", "region");
            d.setAttribute("aria-label", "Map legend");
            // A <details> box: open by default, folds away on small screens.
            d.innerHTML = "<details open><summary><b>Legend</b></summary>" +
              {{ this.html|tojson }} + "</details>";
            L.DomEvent.disableClickPropagation(d);
            return d;
          };
          group.on("add", function () { legend.addTo(group._map); });
          group.on("remove", function () { legend.remove(); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str) -> None:
        super().__init__("Legend", html=legend_html)


def legend_html(
    measure: str,
    *,
    threshold_pct: float = config.PREDOMINANTLY_WHITE_PCT,
    show_links: bool = False,
    links_are_demo: bool = False,
) -> str:
    """Legend text: the measure, its unit and date, classes, LA outlines and links.

    Parameters
    ----------
    measure : str
        Key of :data:`config.MEASURES`.
    threshold_pct : float
        The "predominantly white" threshold shown in the legend.
    show_links : bool
        Add the link line styles.
    links_are_demo : bool
        Say that the drawn links are illustrative.

    Returns
    -------
    str
        Safe HTML (all text is escaped).

    Examples
    --------
    >>> "White British pupils" in legend_html("white_british_pct")
    True
    """
    label, unit, higher = config.MEASURES[measure]
    scale = scale_for(measure)
    rows = [
        f"<h4>{html.escape(label)}</h4>",
        f"<small>{html.escape(unit)}; higher = {html.escape(higher)}. "
        f"School census, {html.escape(config.CENSUS_DATE)}.</small><br>",
    ]
    for colour, text in zip(scale.colours, scale.labels(), strict=True):
        rows.append(
            f'<span class="swatch" style="background:{colour}"></span>{html.escape(text)}<br>'
        )
    rows.append(f'<span class="swatch" style="background:{NO_DATA_COLOUR}"></span>no data<br>')
    rows.append(
        '<span class="swatch" style="background:#fff;border:2px dashed #000"></span>'
        f"Dashed outline: predominantly white LA, at least {threshold_pct:g} % of its "
        "pupils White British. LA shading is for all its pupils.<br>"
    )
    if show_links:
        for link_type, dash in LINK_DASHES.items():
            pattern = f' stroke-dasharray="{dash}"' if dash else ""
            rows.append(
                f'<svg width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" '
                f'stroke="{LINK_COLOUR}" stroke-width="2.5"{pattern}/></svg>'
                f"{html.escape(link_type)} link<br>"
            )
        if links_are_demo:
            rows.append("<b>Links shown are illustrative demo data, not real links.</b>")
    return "".join(rows)


def build_school_layers(
    *,
    measure: str,
    mask: str | None,
    la_values: Mapping[str, float],
    white_las: Sequence[str],
    threshold_pct: float = config.PREDOMINANTLY_WHITE_PCT,
    links_geojson: dict | None = None,
    links_are_demo: bool = False,
    selected: tuple[float, float] | None = None,
    fit: bool = False,
    static_url: str = COMPONENT_STATIC_URL,
    data_version: str = "",
) -> list[folium.FeatureGroup]:
    """The map's changing layers: LA shading, school points, links, legend, selection.

    Parameters
    ----------
    measure : str
        Column to colour by (a key of :data:`config.MEASURES`).
    mask : str or None
        Base64 bit mask of schools to draw (:func:`map_data.encode_mask`);
        None draws every school.
    la_values : mapping of str to float
        LA ONS code -> pupil-weighted value of the measure.
    white_las : sequence of str
        ONS codes of predominantly white LAs (outlined).
    threshold_pct : float
        Threshold used for ``white_las``, for the legend.
    links_geojson : dict or None
        FeatureCollection of link lines (see :func:`links_to_geojson`).
    links_are_demo : bool
        Whether the links are illustrative demo data.
    selected : (lat, lon) or None
        A school to ring.
    fit : bool
        Zoom the map to the drawn schools.
    static_url, data_version : str
        Where the static files are and their version tag.

    Returns
    -------
    list of folium.FeatureGroup
        Pass to ``st_folium(..., feature_group_to_add=...)``.
    """
    label = config.MEASURES[measure][0]
    scale = scale_for(measure)
    is_pct = measure.endswith("_pct")
    shading = folium.FeatureGroup(name="Local authorities", control=False)
    LocalAuthorityShading(
        {
            "url": f"{static_url}/data/{map_data.LA_GEOJSON_FILE}?v={data_version}",
            "values": {k: (None if pd.isna(v) else float(v)) for k, v in la_values.items()},
            "white": list(white_las),
            "bins": list(scale.bins),
            "colours": list(scale.colours),
            "noData": NO_DATA_COLOUR,
            "opacity": 0.25,
            "unit": " % White British"
            if measure == "white_british_pct"
            else (" %" if is_pct else ""),
            "decimals": 1 if is_pct else 2,
        }
    ).add_to(shading)
    points = folium.FeatureGroup(name="Schools", control=False)
    SchoolPoints(
        {
            "url": f"{static_url}/data/{map_data.POINTS_FILE}?v={data_version}",
            "labelsUrl": f"{static_url}/data/{map_data.LABELS_FILE}?v={data_version}",
            "mask": mask,
            "measure": measure,
            "label": label,
            "unit": " %" if is_pct else "",
            "bins": list(scale.bins),
            "colours": list(scale.colours),
            "noData": NO_DATA_COLOUR,
            "fit": fit,
        }
    ).add_to(points)
    Legend(
        legend_html(
            measure,
            threshold_pct=threshold_pct,
            show_links=bool(links_geojson and links_geojson["features"]),
            links_are_demo=links_are_demo,
        )
    ).add_to(points)
    groups = [shading, points]
    if links_geojson is not None and links_geojson["features"]:
        lines = folium.FeatureGroup(name="Links", control=False)
        folium.GeoJson(
            links_geojson,
            style_function=_link_style,
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(lines)
        groups.append(lines)
    if selected is not None:
        ring = folium.FeatureGroup(name="Selected school", control=False)
        folium.CircleMarker(
            location=selected, radius=11, color="#000", weight=3, fill=False, interactive=False
        ).add_to(ring)
        groups.append(ring)
    return groups


def _link_style(feature: dict) -> dict:
    """Style of one link line: dash pattern by its main type."""
    dash = LINK_DASHES.get(feature["properties"].get("type", "other"))
    return {"color": LINK_COLOUR, "weight": 2.5, "opacity": 0.85, "dashArray": dash}


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
        ``type`` (main link type) and ``label`` (escaped text).
    """
    located = schools_df.set_index("urn")
    features = []
    for link in links_df.itertuples(index=False):
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
                    "type": types[0] if types[0] in LINK_DASHES else "other",
                    "label": html.escape(label),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def data_version(manifest: Mapping[str, Mapping[str, object]]) -> str:
    """Short tag of the static map files' checksums, for cache busting.

    Parameters
    ----------
    manifest : mapping
        From :func:`dashboard.readers.read_manifest`.

    Returns
    -------
    str
        Eight hex characters.
    """
    static = {k: v["sha256"] for k, v in manifest.items() if k.startswith("static/")}
    return hashlib.sha256(json.dumps(static, sort_keys=True).encode()).hexdigest()[:8]


def _school_marker(
    target: folium.Map | folium.FeatureGroup,
    lat: float,
    lon: float,
    text: str,
    *,
    colour: str,
    radius: float = 7,
    label: str | None = None,
) -> None:
    """One school as a circle with an escaped tooltip (and an optional number label)."""
    folium.CircleMarker(
        location=(lat, lon),
        radius=radius,
        color="#111",
        weight=1.5,
        fill=True,
        fill_color=colour,
        fill_opacity=0.95,
        tooltip=folium.Tooltip(html.escape(text)),
    ).add_to(target)
    if label is not None:
        folium.Marker(
            location=(lat, lon),
            icon=folium.DivIcon(
                html=f'<div class="atlas-rank">{html.escape(label)}</div>',
                icon_size=(18, 18),
                icon_anchor=(-6, 18),
            ),
        ).add_to(target)


_RANK_CSS = """
<style>
  .atlas-rank { font: bold 12px/18px Arial, sans-serif; color: #111; background: #fff;
                border: 1px solid #111; border-radius: 9px; width: 18px; text-align: center; }
</style>
"""


def build_partner_map(
    school: pd.Series,
    candidates_df: pd.DataFrame,
    schools_gdf: pd.DataFrame,
    *,
    static_url: str = COMPONENT_STATIC_URL,
    data_version: str = "",
) -> folium.Map:
    """One school (black ring) and its ranked candidates (numbered, coloured by White British %).

    Parameters
    ----------
    school : pandas.Series
        The school looking for partners (row of the schools table).
    candidates_df : pandas.DataFrame
        Ranked candidates with ``urn``, ``school_name``, ``white_british_pct`` and
        ``distance_km``.
    schools_gdf : DataFrame
        The schools table (for coordinates).
    static_url, data_version : str
        As for :func:`build_base_map`.

    Returns
    -------
    folium.Map
        Zoomed to the school and its candidates.
    """
    m = build_base_map(static_url=static_url, data_version=data_version, height_px=520)
    m.get_root().header.add_child(Element(_RANK_CSS))
    points = schools_gdf.set_index("urn").geometry
    scale = scale_for("white_british_pct")
    home = points.loc[int(school["urn"])]
    bounds = [[home.y, home.x]]
    for rank, row in enumerate(candidates_df.itertuples(index=False), start=1):
        where = points.loc[int(row.urn)]
        folium.PolyLine(
            [(home.y, home.x), (where.y, where.x)],
            color="#555",
            weight=1.2,
            dash_array="4 4",
            interactive=False,
        ).add_to(m)
        _school_marker(
            m,
            where.y,
            where.x,
            f"{rank}. {row.school_name} — {row.white_british_pct:.0f} % White British, "
            f"{row.distance_km:.0f} km",
            colour=scale.colour_for(row.white_british_pct),
            label=str(rank),
        )
        bounds.append([where.y, where.x])
    _school_marker(
        m, home.y, home.x, f"{school['school_name']} (your school)", colour="#ffffff", radius=10
    )
    FitBounds(bounds).add_to(m)
    return m


def build_plan_map(
    pairs_df: pd.DataFrame,
    schools_gdf: pd.DataFrame,
    *,
    static_url: str = COMPONENT_STATIC_URL,
    data_version: str = "",
) -> folium.Map:
    """A pairing plan: each school (white) joined by a line to its proposed partner.

    Parameters
    ----------
    pairs_df : pandas.DataFrame
        From :func:`dashboard.pairing.plan_pairings` (``urn``, ``school_name``,
        ``partner_urn``, ``partner_name``, ``partner_white_british_pct``).
    schools_gdf : DataFrame
        The schools table (for coordinates).
    static_url, data_version : str
        As for :func:`build_base_map`.

    Returns
    -------
    folium.Map
    """
    m = build_base_map(static_url=static_url, data_version=data_version, height_px=560)
    points = schools_gdf.set_index("urn").geometry
    scale = scale_for("white_british_pct")
    bounds = []
    for row in pairs_df.itertuples(index=False):
        a, b = points.loc[int(row.urn)], points.loc[int(row.partner_urn)]
        folium.PolyLine(
            [(a.y, a.x), (b.y, b.x)],
            color=LINK_COLOUR,
            weight=2,
            tooltip=folium.Tooltip(html.escape(f"{row.school_name} ↔ {row.partner_name}")),
        ).add_to(m)
        _school_marker(
            m, a.y, a.x, f"{row.school_name} (needs a partner)", colour="#ffffff", radius=5
        )
        _school_marker(
            m,
            b.y,
            b.x,
            f"{row.partner_name} — {row.partner_white_british_pct:.0f} % White British",
            colour=scale.colour_for(row.partner_white_british_pct),
            radius=6,
        )
        bounds += [[a.y, a.x], [b.y, b.x]]
    if bounds:
        FitBounds(bounds).add_to(m)
    return m
