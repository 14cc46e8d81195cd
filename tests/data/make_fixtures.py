"""Regenerate the tiny fixtures in tests/data from the official raw files.

Run ``python tests/data/make_fixtures.py`` from the repository root with
``../shared/data/raw`` present. It picks 19 real establishments that between
them cover every case the importer handles:

* Pershore High School and Red Hill CofE Primary (matched on their own URN);
* a school matched to its predecessor's census row (142673 -> 141865);
* an amalgamation with two predecessors (150054 -> 148887 + 149049);
* a school opened after January 2023 with no census row (138966);
* a special school whose ethnicity DfE marks ``z`` (100060) and one with no pupils
  counted (106022);
* schools in LAs re-coded in April 2023 (Cumberland 942, North Yorkshire 815,
  Somerset 933) and a name with a non-ASCII character (149557);
* a Welsh school and two independent schools, which must be left out;
* a City Technology College (Thomas Telford, 123627), which is state-funded although
  GIAS groups it with independent schools;
* splits (issue #12): Queen Elizabeth's Primary (148834) split from Queen Elizabeth's
  Grammar (141165), which is still open with its own record; EKC Sheppey Secondary and
  Leigh Academy Minster (150934, 150935) both split from Oasis Academy Isle of Sheppey
  (135721, closed). None of the three may take those records.

It writes the register both as the snake_case extract (UTF-8) and in DfE's
official layout (Windows-1252, official headers), plus the matching census rows,
register links, LA lookup rows and boundaries simplified to about 1 km.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.data.official import LA_CODE_CHANGES_2023

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "raw"
OUT = Path(__file__).resolve().parent

SCHOOL_URNS = [
    136925,
    116859,
    142673,
    150054,
    138966,
    100060,
    106022,
    112088,
    121267,
    123641,
    149557,
    400001,
    100001,
    101173,
    123627,
    141165,
    148834,
    150934,
    150935,
]
CENSUS_EXTRA_URNS = [141865, 148887, 149049, 135721]
OFFICIAL_HEADERS = {
    "urn": "URN",
    "la_code": "LA (code)",
    "la_name": "LA (name)",
    "establishment_number": "EstablishmentNumber",
    "establishment_name": "EstablishmentName",
    "establishment_type": "TypeOfEstablishment (name)",
    "establishment_type_group": "EstablishmentTypeGroup (name)",
    "education_phase": "PhaseOfEducation (name)",
    "number_of_pupils": "NumberOfPupils",
    "percentage_fsm": "PercentageFSM",
    "easting": "Easting",
    "northing": "Northing",
}


def main() -> None:
    """Write every fixture file."""
    register = pd.read_csv(RAW / "gias_open_establishments_20250524.csv.gz", dtype=str)
    register = register[register["urn"].astype(int).isin(SCHOOL_URNS)]
    register.to_csv(OUT / "register_extract.csv", index=False)

    census = pd.read_csv(RAW / "dfe_spc_school_level_202223.csv.gz", dtype=str)
    wanted = set(SCHOOL_URNS) | set(CENSUS_EXTRA_URNS)
    census = census[census["urn"].astype(int).isin(wanted)]
    # Year groups are kept (ages of pupils); the by-age columns are not needed.
    keep = [c for c in census.columns if not c.startswith(("part-time", "full-time"))]
    census[keep].to_csv(OUT / "census.csv", index=False)

    official = register[list(OFFICIAL_HEADERS)].rename(columns=OFFICIAL_HEADERS)
    denomination = census.set_index("urn")["denomination"]
    official["EstablishmentStatus (name)"] = "Open"
    official["ReligiousCharacter (name)"] = (
        register["urn"]
        .map(denomination)
        .fillna("Does not apply")
        .replace({"No religious character": "None"})
    )
    official["Postcode"] = register["urn"].map(census.set_index("urn")["school_postcode"])
    official["GOR (name)"] = register["urn"].map(census.set_index("urn")["region_name"])
    closed = official.iloc[[0]].assign(**{"URN": "999999", "EstablishmentStatus (name)": "Closed"})
    pd.concat([official, closed]).to_csv(
        OUT / "register_official.csv", index=False, encoding="cp1252"
    )

    links = pd.read_csv(RAW / "gias_links_20250422.csv.gz", dtype=str)
    links = links[links["URN"].astype(int).isin(wanted) | links["LinkURN"].astype(int).isin(wanted)]
    links.to_csv(OUT / "links.csv", index=False)

    lookup = pd.read_csv(RAW / "la_lookup_dfe_gss_region_from_spc202223.csv", dtype=str)
    codes = set(register["la_code"]) | {"909"}
    lookup[lookup["dfe_la_code"].isin(codes)].to_csv(OUT / "la_lookup.csv", index=False)

    boundaries = OUT / "boundaries"
    boundaries.mkdir(exist_ok=True)
    changes = {code: gss for code, (gss, _, _) in LA_CODE_CHANGES_2023.items()}
    gss = {
        changes.get(code, lookup.set_index("dfe_la_code")["gss_la_code"].get(code))
        for code in register["la_code"]
    }
    las = gpd.read_file(RAW / "boundaries" / "la_upper_tier_england_ctyua_dec2024.geojson")
    las = las[las["CTYUA24CD"].isin(gss)][["CTYUA24CD", "CTYUA24NM", "geometry"]]
    las["geometry"] = las.simplify(0.01)
    (boundaries / "las.geojson").write_text(_dump(las), "utf-8")
    regions = gpd.read_file(RAW / "boundaries" / "regions_england_ons_bsc.geojson")
    regions["geometry"] = regions.simplify(0.05)
    (boundaries / "regions.geojson").write_text(_dump(regions), "utf-8")


def _dump(gdf: gpd.GeoDataFrame) -> str:
    """Compact GeoJSON with coordinates rounded to 4 decimals."""
    data = json.loads(gdf.to_json(drop_id=True))
    for feature in data["features"]:
        feature["geometry"] = json.loads(
            json.dumps(feature["geometry"]), parse_float=lambda v: round(float(v), 4)
        )
    return json.dumps(data, separators=(",", ":"))


if __name__ == "__main__":
    main()
