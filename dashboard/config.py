"""Constants shared by the library: paths, coordinate systems, column names, dates."""

from __future__ import annotations

import os
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT_DIR / "data"
STATIC_DIR = ROOT_DIR / "static"
STATIC_DATA_DIR = STATIC_DIR / "data"
# The raw official files live beside the repository; only the build reads them.
RAW_DIR = Path(os.environ.get("ATLAS_RAW_DIR", ROOT_DIR.parent / "shared" / "data" / "raw"))

SCHOOLS_FILE = DATA_DIR / "schools.parquet"
LA_FILE = DATA_DIR / "local_authorities.parquet"
REGIONS_FILE = DATA_DIR / "regions.parquet"
MANIFEST_FILE = DATA_DIR / "manifest.json"

# British National Grid for distances and areas; WGS84 for display only.
BNG_CRS = "EPSG:27700"
WGS84_CRS = "EPSG:4326"

REGISTER_DATE = "24 May 2025"
CENSUS_DATE = "January 2023"
BOUNDARIES_DATE = "December 2024"
REGISTER_SOURCE = f"DfE Get Information About Schools, {REGISTER_DATE}"
CENSUS_SOURCE = f"DfE school census, {CENSUS_DATE}"
OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government "
    "Licence v3.0 (Department for Education). Source: Office for National "
    "Statistics licensed under the Open Government Licence v.3.0. Contains OS "
    "data © Crown copyright and database right 2024."
)

# Ethnic groups in the order DfE publishes them, as (tidy name, label).
ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("white_british", "White British"),
    ("white_irish", "Irish"),
    ("traveller_irish", "Traveller of Irish heritage"),
    ("white_other", "Any other White background"),
    ("gypsy_roma", "Gypsy/Roma"),
    ("mixed_white_black_caribbean", "White and Black Caribbean"),
    ("mixed_white_black_african", "White and Black African"),
    ("mixed_white_asian", "White and Asian"),
    ("mixed_other", "Any other Mixed background"),
    ("indian", "Indian"),
    ("pakistani", "Pakistani"),
    ("bangladeshi", "Bangladeshi"),
    ("asian_other", "Any other Asian background"),
    ("black_caribbean", "Black Caribbean"),
    ("black_african", "Black African"),
    ("black_other", "Any other Black background"),
    ("chinese", "Chinese"),
    ("other_ethnic_group", "Any other ethnic group"),
)
ETHNIC_GROUP_LABELS = dict(ETHNIC_GROUPS)
ETHNIC_COUNT_COLUMNS = tuple(f"n_{name}" for name, _ in ETHNIC_GROUPS)
# Measures a user can colour the map by: column -> (label, unit, higher means).
MEASURES: dict[str, tuple[str, str, str]] = {
    "white_british_pct": ("White British pupils", "% of pupils", "more White British"),
    "diversity_index": (
        "Ethnic diversity index",
        "0 = one group, 0.94 = evenly mixed",
        "more mixed",
    ),
    "fsm_pct": ("Free school meals", "% of pupils eligible", "more disadvantaged"),
    "eal_pct": (
        "English as an additional language",
        "% of pupils",
        "more pupils with another first language",
    ),
}

# "Predominantly white": pupil-weighted White British share at or above this.
PREDOMINANTLY_WHITE_PCT = 80.0
# Briefing measures for predominantly white areas.
DIVERSE_SCHOOL_MAX_WB_PCT = 50.0  # a "diverse school": at most half its pupils White British
VERY_WHITE_SCHOOL_PCT = 90.0  # pupils in schools at least this White British
ALMOST_ALL_WHITE_PCT = 95.0

# Class edges for colouring and banding each measure (five classes). Half of England's
# schools are at least 80 % White British (January 2023: quartiles 53, 80 and 90 %,
# 93 % at the ninth decile), so equal 20-point classes put half the schools in the top
# one. The White British edges are the atlas's own thresholds, which sit near those
# quantiles: diverse (under 50 %), mixed, predominantly white, very white (90 %) and
# almost all White British (95 %): about 23, 27, 25, 17 and 7 % of schools.
MEASURE_BINS: dict[str, tuple[float, ...]] = {
    "white_british_pct": (
        DIVERSE_SCHOOL_MAX_WB_PCT,
        PREDOMINANTLY_WHITE_PCT,
        VERY_WHITE_SCHOOL_PCT,
        ALMOST_ALL_WHITE_PCT,
    ),
    "diversity_index": (0.2, 0.4, 0.6, 0.8),
    "fsm_pct": (10, 20, 30, 40),
    "eal_pct": (10, 25, 50, 75),
}

PHASES = (
    "Nursery",
    "Primary",
    "Secondary",
    "All-through",
    "16 to 19",
    "Special",
    "Alternative provision",
)

# The LA the summary opens on for visitors without a council of their own (the first council).
DEFAULT_LA = "Worcestershire"
TOTAL_STATE_SCHOOLS = 21_978  # including the three City Technology Colleges
# A school whose register position lies this far outside its own LA is listed on the
# Data page (generalised borders alone put a few schools a few hundred metres out).
FAR_OUTSIDE_LA_KM = 2.0

# The register's vocabulary, used by the model, forms, importer, analyses and maps.
LINK_TYPES = ("ethnicity", "faith", "socio-economic", "international", "other")
MODES = ("in person", "virtual", "both", "not recorded")
STATUSES = ("proposed", "active", "ended")

# A partner "contrasts" when the combined difference (0-1) is at least this.
MIN_CONTRAST = 0.25
# The neighbour rule (iCoCo, SchoolDash): compare a school with its nearest same-phase
# schools and flag it when its White British share differs by more than these points.
NEIGHBOURS = 10
NEIGHBOUR_GAP_POINTS = 15.0
NEIGHBOUR_RULE = (
    f"more than {NEIGHBOUR_GAP_POINTS:g} points above or below the average of the "
    f"{NEIGHBOURS} nearest schools of the same phase"
)
# Partner search and pairing plans (issue #12). Pairs are looked for within this distance.
DEFAULT_MAX_KM = 25.0
# Pupils of the same ages: schools that teach at least this many year groups in common.
MIN_SHARED_YEAR_GROUPS = 2
# An ethnicity partner must be "substantially more diverse": at least this many points
# fewer White British pupils, and never predominantly white itself.
MORE_DIVERSE_POINTS = 30.0
# A social-mix partner has at least this many points more pupils on free school meals.
SOCIAL_MIX_POINTS = 20.0
# In a pairing plan, distance costs this much at the limit (in the units of the 0-1 gain),
# so a pair is proposed only when the partner is different enough to be worth the journey:
# at the limit only a completely different school would be.
PLAN_DISTANCE_PENALTY = 1.0
# Most links a partner school may have in a plan, counting those it already has.
PLAN_PARTNER_CAP = 3
# The partner finder says how many much more diverse schools lie out to this distance.
WIDER_SEARCH_KM = 40.0
SIMILAR_LAS = 5  # statistical neighbours an LA is compared with
SAME_POINTS = 2.0  # differences smaller than this (percentage points) read as "about the same"
# An LA this many points whiter than England whose dissimilarity index is below England's
# is told the low index mostly reflects its make-up, not more mixing.
WHITER_THAN_ENGLAND_POINTS = 10.0
# Below this share of pupils within reach of a diverse school, the briefing suggests
# virtual links.
FEW_WITHIN_REACH_PCT = 50.0

# Contact research ties lasting effects to pupils meeting at least this often a year.
MEETINGS_FOR_IMPACT = 2
MEETINGS_RULE = f"met at least {MEETINGS_FOR_IMPACT} times this school year"

# Viridis in five classes, lightest for the lowest values: colour-blind safe and
# still ordered when printed in greyscale. Shared by the maps and the charts.
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
# The map's classes run dark to light from the less White British end: "more mixed",
# "more disadvantaged" and "more EAL" are darker, and so are schools with fewer White
# British pupils. Dark dots are drawn last, on top, so the rarer, more diverse schools
# are never painted over by the many predominantly white ones around them.
DARK_FOR_LOW_VALUES = frozenset({"white_british_pct"})
NO_DATA_COLOUR = "#bdbdbd"

# Times people read (the register, exports) are in UK local time.
LOCAL_TIME_ZONE = "Europe/London"

# A sign-in lasts this long (a working day) unless the person signs out first; a
# deployment may set ATLAS_SESSION_HOURS.
SESSION_HOURS = float(os.environ.get("ATLAS_SESSION_HOURS", "8"))
# Finished sessions stay on record this long (an account's owner may ask where it was used),
# then go when the account next signs in.
SESSION_RECORD_DAYS = 30
# Failed sign-ins: this many are free within the window, then each waits twice as long.
SIGN_IN_FREE_ATTEMPTS = 3
SIGN_IN_WINDOW_MINUTES = 15
SIGN_IN_MAX_WAIT_S = 30.0
# Password checks at once: Argon2 uses 64 MiB each, so a burst cannot exhaust memory.
PASSWORD_CHECKS_AT_ONCE = 2

# Browser test hooks (e.g. a school's pixel position) exist only when this is set.
TEST_HOOKS = os.environ.get("ATLAS_TEST_HOOKS", "") == "1"

# Council spreadsheet imports. Reading stops at these limits, so a wrong or hostile file
# never fills memory; the upload limit matches ``maxUploadSize`` in .streamlit/config.toml.
IMPORT_MAX_FILE_BYTES = 20_000_000
IMPORT_MAX_ROWS = 100_000
# A worksheet's XML, unzipped, may be this large: 100,000 rows of a usual register take
# about 30 MB. A small file that unzips to far more (a "zip bomb", e.g. millions of rows)
# is refused before any of it is parsed; openpyxl would scan it all to find its size.
IMPORT_MAX_SHEET_XML_BYTES = 64_000_000
# No link register needs a cell this long: a longer one stops reading (a pasted document,
# or a quote that is never closed). It is Python's own csv field limit, left as it is
# because that setting is shared by the whole process.
IMPORT_MAX_CELL_CHARS = 131_072
# No more than this many values (cells) are read from one file: 100,000 rows of 20
# columns. A small CSV of single letters could otherwise fill memory with millions.
IMPORT_MAX_CELLS = 2_000_000
# Reading a file stops after this many seconds (then nothing is imported), and between
# chunks of this many rows the page is updated, where Streamlit stops a session's work
# when its tab has closed or the officer has moved on.
IMPORT_TIME_BUDGET_S = 60.0
IMPORT_CHUNK_ROWS = 2_000
# How many lines above the headings (a title, a date, blank lines) are looked through.
IMPORT_HEADER_SEARCH_LINES = 20
# How many lines a message lists before saying "and N more".
IMPORT_LINES_SHOWN = 20
# The import page lists this many refused rows as plain text under the table.
IMPORT_PROBLEMS_LISTED = 50
# Text limits of the register (the database columns are this wide).
NOTES_MAX_CHARS = 5_000
PARTNER_NAME_MAX_CHARS = 200
PARTNER_COUNTRY_MAX_CHARS = 100
# Dates officers may type; day before month, as written in the UK. Shown back in words.
IMPORT_DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("%d/%m/%Y", "dd/mm/yyyy"),
    ("%Y-%m-%d", "yyyy-mm-dd"),
    ("%d-%m-%Y", "dd-mm-yyyy"),
    ("%d.%m.%Y", "dd.mm.yyyy"),
    ("%d/%m/%y", "dd/mm/yy"),
)

# Establishments in the DfE register that are not schools in the atlas, and why
# (data/other_establishments.parquet): the importer says which, instead of "unknown".
OTHER_ESTABLISHMENTS_FILE = DATA_DIR / "other_establishments.parquet"
OTHER_ESTABLISHMENT_KINDS = {
    "closed": "is not an open school (it has closed, or is closing)",
    "not open": "is not an open school (it has closed, is closing, or has not opened yet)",
    "wales": "is a school in Wales, outside England",
    "overseas": "is outside England (a British school overseas or offshore)",
    "independent": "is an independent school, not state-funded",
    "non-maintained special": "is a non-maintained special school, not state-funded",
    "college": "is a college, not a school",
    "university": "is a university, not a school",
    "other": "is not a state-funded school",
}
# How many predecessor -> successor steps are followed to reach an open school.
SUCCESSOR_STEPS = 5

# What a page says when the register's database cannot be read or written (never the
# error itself, which may name the database's host; the server log keeps that).
REGISTER_UNREADABLE = (
    "The link register cannot be reached right now, so links cannot be shown; the map "
    "and figures below come from the published school data. Try again in a minute."
)
REGISTER_UNSAVED = (
    "The register cannot be saved to right now; nothing was changed. Try again in a "
    "minute, or tell the council's IT team if this goes on."
)
