"""Thin folium elements: each renders one call into ``static/js/atlas-map.js``.

The JavaScript lives in that file (linted, unit-tested with Node's test runner);
an element here only names its parent map or group and passes its options as
JSON, e.g. ``atlasMap.schoolPoints(feature_group_1, {...});``.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template


class AtlasCall(MacroElement):
    """A call ``atlasMap.<function>(<parent>, <argument>)`` in the map's script.

    Parameters
    ----------
    function : str
        Name of a function exported by ``atlas-map.js``.
    argument : object
        Its second argument; anything ``tojson`` can write.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        atlasMap.{{ this.function }}({{ this._parent.get_name() }}, {{ this.argument|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, argument: object) -> None:
        super().__init__()
        self._name = "AtlasCall"
        self.function = function
        self.argument = argument


def region_outlines(url: str) -> AtlasCall:
    """The nine regions: white land under the tiles and dark outlines (add to a map)."""
    return AtlasCall("regionOutlines", url)


def la_shading(options: dict) -> AtlasCall:
    """LA polygons shaded by a measure; predominantly white LAs outlined (add to a group)."""
    return AtlasCall("laShading", options)


def school_points(options: dict) -> AtlasCall:
    """Every shown school as a dot on one canvas (add to a feature group)."""
    return AtlasCall("schoolPoints", options)


def fit_bounds(bounds: list[list[float]], *, padding_px: int = 30, max_zoom: int = 13) -> AtlasCall:
    """Fit the map to ``[[lat, lon], …]`` now, and again once the frame has its height."""
    return AtlasCall(
        "fitTo", {"bounds": bounds, "padding": [padding_px, padding_px], "maxZoom": max_zoom}
    )
