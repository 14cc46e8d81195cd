"""Map builders on tiny GeoDataFrames (issue #3)."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard import config
from dashboard.data import embedded, map_files
from dashboard.maps import assets, scales, school_map


@pytest.fixture
def schools_gdf() -> gpd.GeoDataFrame:
    """Three schools, one with a hostile name."""
    return gpd.GeoDataFrame(
        {
            "urn": [100001, 100002, 100003],
            "school_name": ["Alpha School", "<script>alert(1)</script> Academy", "Gamma & Co"],
            "la_name": ["Worcestershire", "Worcestershire", "Birmingham"],
            "phase": ["Primary", "Primary", "Secondary"],
            "white_british_pct": [91.2, 15.0, None],
            "diversity_index": [0.15, 0.8, None],
            "fsm_pct": [12.0, 35.0, None],
            "eal_pct": [2.0, 60.0, None],
        },
        geometry=[
            shapely.Point(-2.07, 52.12),
            shapely.Point(-1.9, 52.48),
            shapely.Point(-1.8, 52.5),
        ],
        crs="EPSG:4326",
    )


@pytest.fixture
def links_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "link_id": [1, 2, 3],
            "school_urn": [100001, 100001, 100003],
            "partner_urn": [100002, None, 100002],
            "link_types": [["ethnicity"], ["international"], ["faith", "other"]],
            "status": ["active", "proposed", "active"],
        }
    )


# Issue #12: classes at 50, 80, 90 and 95 %, darkest for the fewest White British pupils.
@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (96.0, "#fde725"),
        (91.2, "#5ec962"),
        (80.0, "#21918c"),
        (79.9, "#3b528b"),
        (5.0, "#440154"),
        (None, "#bdbdbd"),
    ],
)
def test_colours_for_known_values(value, colour):
    assert scales.scale_for("white_british_pct").colour_for(value) == colour


def test_the_white_british_scale_resolves_the_top_half():
    """Issue #12: the schools at least 80 % White British fall in three classes, not one."""
    schools = embedded.read_schools()
    shares = scales.scale_for("white_british_pct").shares(schools["white_british_pct"])
    assert max(shares) < 30  # no class holds half of England's schools
    assert sum(shares[2:]) > 45  # the predominantly white half, split in three


def test_dark_classes_are_drawn_last_for_every_measure():
    for measure in config.MEASURES:
        scale = scales.scale_for(measure)
        order = scale.draw_order()
        assert order[0] == len(scale.colours)  # no data at the bottom
        assert scale.colours[order[-1]] == config.PALETTE[-1]  # the darkest on top


def test_link_lines_say_status_by_pattern_and_type_by_colour():
    styles = {
        (t, s): scales.link_style({"properties": {"type": t, "status": s}})
        for t in ("ethnicity", "faith")
        for s in config.STATUSES
    }
    assert styles["ethnicity", "active"]["dashArray"] is None
    assert styles["ethnicity", "proposed"]["dashArray"] != styles["ethnicity", "ended"]["dashArray"]
    assert styles["ethnicity", "ended"]["opacity"] < styles["ethnicity", "active"]["opacity"]
    assert styles["faith", "active"]["color"] != styles["ethnicity", "active"]["color"]


def test_legend_lists_only_the_drawn_link_types_and_statuses():
    text = scales.legend_html(
        "white_british_pct", link_types={"faith": 2}, link_statuses={"proposed": 1, "ended": 1}
    )
    assert "faith link" in text
    assert "ethnicity link" not in text
    assert "proposed (dashed line)" in text
    assert "ended (faint dotted line)" in text


def test_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="unknown measure"):
        scales.scale_for("height")


def test_legend_states_measure_unit_date_and_threshold():
    text = scales.legend_html("fsm_pct", threshold_pct=75)
    assert "Free school meals" in text
    assert "% of pupils eligible" in text
    assert "School census, January 2023" in text
    assert "at least 75 %" in text


def test_legend_marks_demo_links():
    assert "not real links" in scales.legend_html("eal_pct", show_links=True, links_are_demo=True)


def test_links_are_drawn_between_schools_in_england_only(links_df, schools_gdf):
    collection = school_map.links_to_geojson(links_df, schools_gdf)
    assert len(collection["features"]) == 2
    assert {f["properties"]["type"] for f in collection["features"]} == {"ethnicity", "faith"}


def test_school_names_are_escaped_in_link_labels(links_df, schools_gdf):
    labels = " ".join(
        f["properties"]["label"]
        for f in school_map.links_to_geojson(links_df, schools_gdf)["features"]
    )
    assert "<script>" not in labels
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in labels


def test_rendered_map_has_no_school_names_and_no_cdn(links_df, schools_gdf):
    """Names reach the browser only via the static JSON, drawn with textContent."""
    m = school_map.build_base_map()
    for group in school_map.build_school_layers(
        measure="white_british_pct",
        mask=map_files.encode_mask([0, 2], 3),
        la_values={"E10000034": 88.0},
        white_las=["E10000034"],
        links_geojson=school_map.links_to_geojson(links_df, schools_gdf),
    ):
        group.add_to(m)
    page = m.get_root().render()
    assert "<script>alert(1)" not in page
    assert "cdn.jsdelivr" not in page
    assert "code.jquery.com" not in page
    assert "../../map-assets/vendor/leaflet@1.9.3/leaflet.js?v=" in page


def test_map_layers_and_location():
    m = school_map.build_base_map()
    groups = school_map.build_school_layers(
        measure="diversity_index", mask=None, la_values={}, white_las=[], selected=(52.1, -2.0)
    )
    assert m.location == list(school_map.ENGLAND_CENTRE)
    assert [g.layer_name for g in groups] == ["Local authorities", "Schools", "Selected school"]


def test_assets_without_a_local_copy_are_refused():
    m = folium.Map(tiles=None)
    m.default_js = [*m.default_js, ("new_plugin", "https://example.org/plugin.js")]
    with pytest.raises(ValueError, match="no local copy"):
        assets.localise_assets(m)


def test_mask_round_trip():
    positions = [0, 7, 8, 21_974]
    assert (
        map_files.decode_mask(map_files.encode_mask(positions, 21_975), 21_975).tolist()
        == positions
    )


def test_points_payload_keeps_order_and_nulls(schools_gdf):
    payload = map_files.build_points_payload(schools_gdf)
    labels = map_files.build_labels_payload(schools_gdf)
    assert payload["urn"] == [100001, 100002, 100003]
    assert payload["white_british_pct"] == [912, 150, None]
    assert labels["name"][1] == "<script>alert(1)</script> Academy"  # raw: shown with textContent


def test_links_carry_their_status_and_ended_ones_come_first(links_df, schools_gdf):
    links = links_df.assign(status=["active", "proposed", "ended"])
    features = school_map.links_to_geojson(links, schools_gdf)["features"]
    assert [f["properties"]["status"] for f in features] == ["ended", "active"]
