"""Write broken copies of the official input fixtures, one per defect class, with expected verdicts.

Run ``python tests/data/make_official_corpus.py`` from the repository root (after
``make_fixtures.py``). Each file in ``tests/data/official_corpus/`` is one of the
tiny fixtures (real DfE and ONS rows) with one kind of defect; ``cases.json`` says
which input it replaces (a key of ``dashboard.data.build.RAW_FILES``) and what the
build must do:

* ``refused``: the build stops, ``data/`` stays as it was, and every phrase in
  ``messages`` is in what it prints (several bad rows are all named);
* ``accepted``: the build succeeds and prints every phrase in ``warnings``.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely import affinity

HERE = Path(__file__).resolve().parent
OUT = HERE / "official_corpus"
CASES: list[dict] = []
INDIAN = "number of pupils classified as Indian ethnic origin"
WHITE_BRITISH = "number of pupils classified as white British ethnic origin"
WHITE_BRITISH_PCT = "% of pupils classified as white British ethnic origin"
CHINESE = "number of pupils classified as Chinese ethnic origin"
FSM = "number of pupils known to be eligible for free school meals"


def case(key: str, name: str, defect: str, verdict: str, **expected: object) -> Callable:
    """Register the builder of one broken input file."""

    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        suffix = ".geojson" if "boundaries" in key else ".csv"
        entry = {"input": key, "file": f"{key}__{name}{suffix}", "defect": defect}
        CASES.append({**entry, "verdict": verdict, **expected, "_b": build})
        return build

    return register


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(HERE / name, dtype=str, keep_default_na=False)


def _bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode()


def _register() -> pd.DataFrame:
    """The register extract; row i of the frame is row i + 2 of the file."""
    return _csv("register_extract.csv")


# --- The DfE register of schools ----------------------------------------------------------


@case(
    "register",
    "negative_pupils",
    "negative pupil numbers",
    "refused",
    messages=["row 7, 10: a number of pupils cannot be negative"],
)
def _negative_pupils() -> bytes:
    frame = _register()
    frame.loc[[5, 8], "number_of_pupils"] = ["-5", "-1138"]
    return _bytes(frame)


@case(
    "register",
    "fsm_over_100",
    "a free-school-meals percentage over 100",
    "refused",
    messages=["column 'percentage_fsm', row 7: a percentage must lie between 0 and 100"],
)
def _fsm() -> bytes:
    frame = _register()
    frame.loc[5, "percentage_fsm"] = "112.6"
    return _bytes(frame)


@case(
    "register",
    "duplicate_urns",
    "two URNs each appearing twice",
    "refused",
    messages=[
        "URN 116859 appears more than once (rows 7, 21)",
        "URN 123641 appears more than once (rows 10, 22)",
    ],
)
def _duplicates() -> bytes:
    frame = _register()
    return _bytes(pd.concat([frame, frame.iloc[[5, 8]]]))


@case(
    "register",
    "text_in_numbers",
    "text in two number columns",
    "refused",
    messages=[
        "column 'easting', row 8: 'E503626' is not a number",
        "column 'northing', row 5: 'north-ish' is not a number",
    ],
)
def _text_numbers() -> bytes:
    frame = _register()
    frame.loc[3, "northing"] = "north-ish"
    frame.loc[6, "easting"] = "E503626"
    return _bytes(frame)


@case("register", "no_urn", "a row without a URN", "refused", messages=["row 6 has no URN"])
def _no_urn() -> bytes:
    frame = _register()
    frame.loc[4, "urn"] = ""
    return _bytes(frame)


@case(
    "register",
    "bad_locations",
    "coordinates 0/0, a negative northing, a missing easting",
    "refused",
    messages=[
        "URN 116859 (Red Hill CofE Primary School): easting and northing are both 0",
        "URN 123641 (Coxley Primary School): northing -5 is negative",
        "URN 138966 (Shooters Hill Sixth Form College): no easting",
    ],
)
def _locations() -> bytes:
    frame = _register()
    frame.loc[5, ["easting", "northing"]] = ["0", "0"]
    frame.loc[8, "northing"] = "-5"
    frame.loc[10, "easting"] = ""
    return _bytes(frame)


@case(
    "register",
    "outside_england",
    "two schools placed outside England",
    "refused",
    messages=[
        "URN 116859 (Red Hill CofE Primary School): easting 100000",
        "URN 123641 (Coxley Primary School): easting 100000",
        "km outside England",
    ],
)
def _outside() -> bytes:
    frame = _register()
    frame.loc[[5, 8], ["easting", "northing"]] = ["100000", "900000"]
    return _bytes(frame)


@case(
    "register",
    "census_given",
    "the census file given as the register",
    "refused",
    messages=["this looks like the school census file"],
)
def _census_given() -> bytes:
    return (HERE / "census.csv").read_bytes()


@case(
    "register",
    "missing_column",
    "a required column missing",
    "refused",
    messages=["missing column(s) 'easting'"],
)
def _missing_column() -> bytes:
    return _bytes(_register().drop(columns="easting"))


@case("register", "empty", "an empty file", "refused", messages=["the file is empty"])
def _empty() -> bytes:
    return b""


# --- The school census ----------------------------------------------------------------------


def _census() -> pd.DataFrame:
    """The census fixture; 116859 is row 11 and 136925 row 12 of the file."""
    return _csv("census.csv")


@case(
    "census",
    "negative_counts",
    "negative pupil counts in two rows",
    "refused",
    messages=[f"column '{INDIAN}', row 11-12: a count of pupils cannot be negative"],
)
def _negative_counts() -> bytes:
    frame = _census()
    frame.loc[[9, 10], INDIAN] = ["-2", "-1"]
    return _bytes(frame)


@case(
    "census",
    "groups_over_headcount",
    "groups adding up to more than the headcount",
    "refused",
    messages=[
        "row 12: the ethnic groups and unclassified pupils add up to more than the headcount",
        "URN 136925: 1,604 of a headcount of 1,188",
        "row 11: pupils eligible for free school meals add up to more than the headcount",
    ],
)
def _over_headcount() -> bytes:
    frame = _census()
    frame.loc[10, WHITE_BRITISH] = "1500"
    frame.loc[9, FSM] = "400"
    return _bytes(frame)


@case(
    "census",
    "percentages_140",
    "ethnic percentages adding up to 140",
    "refused",
    messages=[
        "row 12: the ethnic-group percentages add up to more than 100 (URN 136925: 140.1 %)",
        f"column '{WHITE_BRITISH_PCT}', row 12: a percentage must lie between 0 and 100",
    ],
)
def _percentages() -> bytes:
    frame = _census()
    frame.loc[10, WHITE_BRITISH_PCT] = "131.2"
    return _bytes(frame)


@case(
    "census",
    "suppression_codes",
    "DfE suppression codes c and x in counts",
    "accepted",
    warnings=["'c' (confidential, suppressed) in 1 cells", "'x' (not available) in 1 cells"],
)
def _codes() -> bytes:
    frame = _census()
    frame.loc[[9, 10], CHINESE] = ["c", "x"]
    return _bytes(frame)


@case(
    "census",
    "duplicate_urn",
    "a URN appearing twice",
    "refused",
    messages=["URN 136925 appears more than once (rows 12, 18)"],
)
def _census_duplicate() -> bytes:
    frame = _census()
    return _bytes(pd.concat([frame, frame.iloc[[10]]]))


@case(
    "census",
    "register_given",
    "the register given as the census",
    "refused",
    messages=["this looks like the school register"],
)
def _register_given() -> bytes:
    return (HERE / "register_official.csv").read_bytes()


# --- Register links and the LA lookup -------------------------------------------------------


@case(
    "register_links",
    "text_urns",
    "text in both URN columns",
    "refused",
    messages=["column 'URN', row 3: '12x'", "column 'LinkURN', row 2, 4: 'abc', 'n/a'"],
)
def _links_text() -> bytes:
    frame = _csv("links.csv")
    frame.loc[[0, 2], "LinkURN"] = ["abc", "n/a"]
    frame.loc[1, "URN"] = "12x"
    return _bytes(frame)


@case(
    "register_links",
    "missing_column",
    "no LinkType column",
    "refused",
    messages=["missing column(s) 'LinkType'"],
)
def _links_column() -> bytes:
    return _bytes(_csv("links.csv").drop(columns="LinkType"))


@case(
    "la_lookup",
    "missing_la",
    "an LA the register uses is missing",
    "refused",
    messages=["code(s) ['885'] that are not in the LA lookup"],
)
def _lookup_missing() -> bytes:
    frame = _csv("la_lookup.csv")
    return _bytes(frame[frame["dfe_la_code"] != "885"])


@case(
    "la_lookup",
    "missing_column",
    "no region column",
    "refused",
    messages=["missing column(s) 'region_name'"],
)
def _lookup_column() -> bytes:
    return _bytes(_csv("la_lookup.csv").drop(columns="region_name"))


# --- ONS boundaries ---------------------------------------------------------------------------


def _features(name: str) -> dict:
    return json.loads((HERE / "boundaries" / name).read_text("utf-8"))


def _geojson(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _map_coordinates(data: dict, change: Callable[[shapely.Geometry], shapely.Geometry]) -> dict:
    frame = gpd.read_file(io.BytesIO(_geojson(data)))
    out = copy.deepcopy(data)
    for feature, geometry in zip(out["features"], frame.geometry, strict=True):
        feature["geometry"] = json.loads(shapely.to_geojson(change(geometry)))
    return out


def _to_bng(geometry: shapely.Geometry) -> shapely.Geometry:
    moved = gpd.GeoSeries([geometry], crs="EPSG:4326").to_crs("EPSG:27700").iloc[0]
    return shapely.transform(moved, lambda xy: xy.round(0))


def _swap(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, lambda xy: xy[:, ::-1])


for _key, _file, _code in (
    ("la_boundaries", "las.geojson", "CTYUA24CD"),
    ("region_boundaries", "regions.geojson", "areacd"),
):

    @case(
        _key,
        "metres_without_crs",
        "British National Grid metres, no crs declared",
        "refused",
        messages=[
            "look like British National Grid metres (EPSG:27700), but the file "
            "declares no coordinate system"
        ],
    )
    def _metres(file: str = _file) -> bytes:
        return _geojson(_map_coordinates(_features(file), _to_bng))

    @case(
        _key,
        "lat_lon_swapped",
        "latitude and longitude swapped",
        "refused",
        messages=["latitude and longitude are swapped"],
    )
    def _swapped(file: str = _file) -> bytes:
        return _geojson(_map_coordinates(_features(file), _swap))


@case(
    "la_boundaries",
    "metres_with_crs",
    "British National Grid metres with the crs declared",
    "accepted",
    warnings=[],
)
def _declared() -> bytes:
    data = _map_coordinates(_features("las.geojson"), _to_bng)
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    return _geojson(data)


@case(
    "la_boundaries",
    "self_crossing_polygon",
    "a polygon whose outline crosses itself (as in the ONS generalised files)",
    "accepted",
    warnings=[
        "1 polygon(s) were not valid (they cross themselves)",
        "repaired with shapely.make_valid: E10000034 Worcestershire",
    ],
)
def _self_crossing() -> bytes:
    data = _features("las.geojson")
    feature = _feature(data, "E10000034")
    ring = feature["geometry"]["coordinates"][0]
    ring[10], ring[11] = ring[11], ring[10]  # two neighbouring corners swapped: a small bow-tie
    polygon = shapely.geometry.shape(feature["geometry"])
    assert not polygon.is_valid
    return _geojson(data)


@case(
    "la_boundaries",
    "overlapping_parts",
    "a multipolygon whose parts overlap (repairing it would punch a hole)",
    "refused",
    messages=["area E10000034 (Worcestershire) is not a valid polygon, and repairing it"],
)
def _overlapping() -> bytes:
    data = _features("las.geojson")
    feature = _feature(data, "E10000034")
    polygon = shapely.geometry.shape(feature["geometry"])
    overlapping = shapely.MultiPolygon([polygon, affinity.translate(polygon, 0.002, 0.0)])
    feature["geometry"] = json.loads(shapely.to_geojson(overlapping))
    return _geojson(data)


def _feature(data: dict, code: str) -> dict:
    return next(f for f in data["features"] if f["properties"]["CTYUA24CD"] == code)


@case(
    "la_boundaries",
    "no_geometry",
    "an area without a geometry",
    "refused",
    messages=["area E09000001 has no geometry"],
)
def _no_geometry() -> bytes:
    data = _features("las.geojson")
    next(f for f in data["features"] if f["properties"]["CTYUA24CD"] == "E09000001")["geometry"] = (
        None
    )
    return _geojson(data)


@case(
    "la_boundaries",
    "duplicate_code",
    "an area twice",
    "refused",
    messages=["area code E10000034 appears more than once"],
)
def _duplicate_area() -> bytes:
    data = _features("las.geojson")
    data["features"].append(
        next(f for f in data["features"] if f["properties"]["CTYUA24CD"] == "E10000034")
    )
    return _geojson(data)


@case(
    "la_boundaries",
    "outside_britain",
    "areas moved 20 degrees east",
    "refused",
    messages=["outside Great Britain"],
)
def _moved() -> bytes:
    return _geojson(
        _map_coordinates(_features("las.geojson"), lambda g: affinity.translate(g, 20.0, 0.0))
    )


def main() -> None:
    """Write every broken file and cases.json."""
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    manifest = []
    for entry in CASES:
        build = entry.pop("_b")
        (OUT / entry["file"]).write_bytes(build())
        manifest.append(entry)
    (OUT / "cases.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
