"""Helpers of the gaps page: neighbour outliers, and making, reviewing and adding a pairing plan."""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard import config
from dashboard.analysis import gaps, pairing, plan_review
from dashboard.analysis.ages import AGE_RULE
from dashboard.analysis.partners import PartnerIndex, Scoring
from dashboard.analysis.plan_purposes import PURPOSES
from dashboard.app import loaders, text, url_state
from dashboard.app.widgets import NUMBER, columns, csv_download, flash
from dashboard.register import store
from dashboard.register.auth import PermissionDeniedError, User
from dashboard.register.model import LinkInput, RegisterError

COVERAGE_COLUMNS = columns(
    "la_name",
    "region",
    "schools",
    "predominantly_white",
    "with_contrasting_link",
    "gaps",
    "linked_pct",
)
GAP_COLUMNS = columns(*gaps.GAP_TABLE_COLUMNS)
OUTLIER_COLUMNS = columns(
    "urn",
    "school_name",
    "phase",
    "white_british_pct",
    neighbours_pct=NUMBER("Its nearest schools, White British (%)", format="%.1f"),
    difference_points=NUMBER("Difference (points)", format="%+.1f"),
    flag="Compared with its neighbours",
)
PLAN_COLUMNS = {
    "add": st.column_config.CheckboxColumn("Add", help="Tick to add this pair to the register"),
    "priority": NUMBER("Priority", format="%d", help="1 = act on this pair first"),
    "school_name": "School",
    "white_british_pct": NUMBER("White British (%)", format="%.0f"),
    "partner_name": "Proposed partner",
    "partner_white_british_pct": NUMBER("Partner White British (%)", format="%.0f"),
    "distance_km": NUMBER("Distance (km)", format="%.1f"),
    "stage": "Its ages",
    "partner_stage": "Partner's ages",
    "partner_la": "Partner's local authority",
    "partner_selective": st.column_config.CheckboxColumn("Partner selective"),
    "gain": NUMBER("How different (0-1)", format="%.2f"),
    "existing_links": NUMBER("Links the partner has", format="%d"),
    "partner_fsm_pct": NUMBER("Partner free school meals (%)", format="%.0f"),
    "partner_religious_character": "Partner's religious character",
    "score": NUMBER("Score", format="%.2f"),
    "explanation": st.column_config.TextColumn("Why", width="large"),
    "urn": NUMBER("URN", format="%d"),
    "partner_urn": NUMBER("Partner URN", format="%d"),
}
STAGE_COLUMNS = {
    "stage": "School's ages",
    "pairs": NUMBER("Pairs", format="%d"),
    "median_km": NUMBER("Median distance (km)", format="%.1f"),
    "longest_km": NUMBER("Longest (km)", format="%.1f"),
}
UNPAIRED_COLUMNS = columns(
    "urn", "school_name", reason=st.column_config.TextColumn("Why no partner", width="large")
)
ALTERNATIVE_COLUMNS = {
    "partner_name": "School",
    "partner_la": "Local authority",
    "partner_stage": "Its ages",
    "partner_white_british_pct": NUMBER("White British (%)", format="%.0f"),
    "partner_fsm_pct": NUMBER("Free school meals (%)", format="%.0f"),
    "partner_selective": st.column_config.CheckboxColumn("Selective"),
    "gain": NUMBER("How different (0-1)", format="%.2f"),
    "distance_km": NUMBER("Distance (km)", format="%.1f"),
    "links_with_plan": NUMBER("Links, with this plan", format="%d"),
    "score": NUMBER("Score", format="%.2f"),
    "partner_urn": NUMBER("URN", format="%d"),
}
PLAN_KEY = "gaps_plan"


@dataclass
class SavedPlan:
    """A plan being reviewed in this session, with what it was made from."""

    la: str
    plan: pairing.PairingPlan
    candidates: list[int]
    cap: int
    allow_selective: bool
    scoring: Scoring
    link_counts: Mapping[int, int]
    ticked: set[int] = field(default_factory=set)
    version: int = 0
    confirming: bool = False


def purpose_prose(key: str, max_km: float) -> str:
    """What a plan of this purpose is for and how it chooses, in plain words."""
    purpose = PURPOSES[key]
    return (
        f"**{purpose.label} plan.** It looks for partners for {purpose.asks}, in this "
        f"authority and its neighbours. Every pair meets one rule: {purpose.rule}. Both "
        f"schools have {AGE_RULE}. Nearer is better: distance costs up to "
        f"{config.PLAN_DISTANCE_PENALTY:g} at the {max_km:g} km limit, so a pair is proposed "
        "only when the partner is different enough to be worth the journey (at half the "
        f"limit it must differ by more than {config.PLAN_DISTANCE_PENALTY / 2:g}). Selective "
        "(grammar) schools are marked, and left out as partners of non-selective schools "
        "unless you allow them. The plan then gives the whole authority the best total, "
        "rather than letting the first school take the best partner."
    )


def plan_summary(plan: pairing.PairingPlan, asked: int) -> str:
    """One line: pairs, unpaired and the median distance."""
    median = plan.median_distance_km
    distance = "" if pd.isna(median) else f" Median distance **{median:.1f} km**."
    return (
        f"**{len(plan.pairs)} pairs proposed** for the {asked} schools that need a partner; "
        f"{len(plan.unpaired)} left unpaired.{distance}"
    )


def tick_buttons(saved: SavedPlan) -> None:
    """Buttons to tick or untick every pair; they reset the review table to the new ticks."""
    left, right, _ = st.columns([1, 1, 4])
    if left.button("Tick all", key="gaps_plan_tick_all"):
        saved.ticked = set(saved.plan.pairs["urn"].astype(int))
        saved.version += 1
    if right.button("Untick all", key="gaps_plan_untick_all"):
        saved.ticked = set()
        saved.version += 1


def review_table(saved: SavedPlan) -> pd.DataFrame:
    """The plan in priority order with a tick box per pair; returns the ticked pairs.

    Nothing is ticked until the officer ticks it (or presses "Tick all").
    """
    pairs = saved.plan.pairs
    shown = pairs.assign(add=pairs["urn"].astype(int).isin(saved.ticked))[list(PLAN_COLUMNS)]
    edited = st.data_editor(
        shown,
        hide_index=True,
        width="stretch",
        key=f"gaps_plan_table_{saved.version}",
        disabled=[c for c in shown.columns if c != "add"],
        column_config=PLAN_COLUMNS,
    )
    saved.ticked = set(edited.loc[edited["add"], "urn"].astype(int))
    return pairs[pairs["urn"].astype(int).isin(saved.ticked)]


def explanations(pairs_df: pd.DataFrame) -> str:
    """Every pair's reason in full, as a numbered Markdown list (escaped)."""
    return "\n".join(
        f"{row.priority}. **{text.md_escape(row.school_name)} with "
        f"{text.md_escape(row.partner_name)}** — {text.md_escape(row.explanation)}"
        for row in pairs_df.itertuples(index=False)
    )


def swap_controls(saved: SavedPlan, index: PartnerIndex) -> None:
    """Pick a school of the plan, see its short list of other partners, and swap."""
    plan = saved.plan
    names = dict(zip(plan.pairs["urn"], plan.pairs["school_name"], strict=True))
    names |= dict(zip(plan.unpaired["urn"], plan.unpaired["school_name"], strict=True))
    if not names:
        return
    urn = st.selectbox(
        "School whose partner to change",
        list(names),
        format_func=lambda u: f"{names[u]} (URN {u})",
        key="gaps_plan_swap_school",
    )
    options = plan_review.alternatives(
        index,
        plan,
        int(urn),
        saved.candidates,
        scoring=saved.scoring,
        cap=saved.cap,
        link_counts=saved.link_counts,
        allow_selective=saved.allow_selective,
    )
    if options.empty:
        st.info("No other school meets the plan's rule within the distance limit and has room.")
        return
    st.dataframe(
        options,
        hide_index=True,
        width="stretch",
        key="gaps_plan_alternatives",
        column_config=ALTERNATIVE_COLUMNS,
    )
    labels = dict(zip(options["partner_urn"], options["partner_name"], strict=True))
    new = st.selectbox(
        "New partner",
        list(labels),
        format_func=lambda u: f"{labels[u]} (URN {u})",
        key="gaps_plan_swap_partner",
    )
    if st.button("Use this partner", key="gaps_plan_swap"):
        try:
            saved.plan = plan_review.swap_partner(
                index,
                plan,
                int(urn),
                int(new),
                scoring=saved.scoring,
                link_counts=saved.link_counts,
                allow_selective=saved.allow_selective,
            )
        except ValueError as exc:
            st.error(text.md_escape(str(exc)))
            return
        saved.version += 1  # the school keeps its tick: the officer chose the school
        st.rerun()


def plan_links(chosen: pd.DataFrame, purpose: str) -> list[LinkInput]:
    """The chosen pairs as proposed links of the plan's type."""
    kind = PURPOSES[purpose]
    return [
        LinkInput(
            school_urn=int(row.urn),
            partner_urn=int(row.partner_urn),
            link_types=(kind.link_type,),
            status="proposed",
            notes=f"Proposed by the atlas's {kind.label.lower()} pairing plan "
            f"(priority {int(row.priority)}).",
        )
        for row in chosen.itertuples(index=False)
    ]


def add_plan_links(
    engine: sa.Engine,
    chosen: pd.DataFrame,
    user: User,
    known_urns: Container[int],
    purpose: str = "ethnicity",
) -> int:
    """Record chosen pairs as proposed links (one transaction); returns how many."""
    new = plan_links(chosen, purpose)
    added = store.add_links(engine, new, user, known_urns=known_urns, source="pairing plan")
    return len(added)


def confirm_question(count: int, purpose: str) -> str:
    """The confirmation asked before adding, with the count."""
    kind = PURPOSES[purpose]
    return (
        f"Add **{count}** proposed {kind.label.lower()} link{'s' if count != 1 else ''} to the "
        "register? Each is marked *proposed* (it closes no gap until it is active) and its "
        "source is “pairing plan”. You can end or edit them on the register page."
    )


def chosen_or_all(chosen: pd.DataFrame, pairs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The ticked pairs, or every pair when none is ticked, with words for a label."""
    if chosen.empty:
        return pairs, f"all {len(pairs)} pairs"
    return chosen, f"the {len(chosen)} ticked pairs"


def candidate_urns(schools_df: pd.DataFrame, las: Sequence[str]) -> list[int]:
    """URNs of the schools in these LAs (where partners are looked for)."""
    return schools_df.loc[schools_df["la_name"].isin(list(las)), "urn"].astype(int).tolist()


def settings(las: list[str]) -> list[url_state.Setting]:
    """The page's view settings, for the URL and page switches."""
    return [
        url_state.Setting(
            "gaps_threshold",
            "threshold",
            int(config.PREDOMINANTLY_WHITE_PCT),
            url_state.THRESHOLD_CHOICES,
        ),
        url_state.Setting("gaps_demo", "demo", False, url_state.FLAG),
        url_state.Setting("gaps_la", "la", "Worcestershire", las),
        url_state.Setting("gaps_plan_purpose", "plan", next(iter(PURPOSES)), PURPOSES),
        url_state.Setting("gaps_plan_km", "km", int(config.DEFAULT_MAX_KM), range(1, 101)),
        url_state.Setting("gaps_plan_cap", "cap", config.PLAN_PARTNER_CAP, range(1, 6)),
        url_state.Setting("gaps_plan_selective", "selective", False, url_state.FLAG),
    ]


def plan_downloads(
    plan: pairing.PairingPlan, chosen: pd.DataFrame, schools_df: pd.DataFrame, la: str
) -> None:
    """The plan as CSV, and mail-merge letters for the ticked pairs (or every pair)."""
    letters, which = chosen_or_all(chosen, plan.pairs)
    left, right = st.columns(2)
    csv_download(
        "Download the plan (CSV)",
        plan.pairs,
        file_name=f"pairing_plan_{la}.csv",
        key="gaps_plan_csv",
        where=left,
    )
    csv_download(
        f"Download letters for {which} (mail-merge CSV)",
        lambda: plan_review.mail_merge(letters, schools_df, plan.purpose),
        file_name=f"pairing_letters_{la}.csv",
        key="gaps_plan_letters",
        where=right,
    )
    st.caption(
        "One row per letter: each school of each pair, its partner and why. The "
        "official register extract has postcodes but no street addresses."
    )


def add_controls(saved: SavedPlan, chosen: pd.DataFrame, user: User) -> None:
    """Add the ticked pairs as proposed links, after a confirmation that gives the count."""
    if st.button(
        f"Add the {len(chosen)} ticked pairs to the register as proposed links",
        key="gaps_plan_add",
        disabled=chosen.empty,
    ):
        saved.confirming = True
    if not (saved.confirming and not chosen.empty):
        return
    st.warning(confirm_question(len(chosen), saved.plan.purpose))
    yes, no, _ = st.columns([2, 1, 3])
    if yes.button(f"Yes, add {len(chosen)} links", key="gaps_plan_confirm"):
        saved.confirming = False
        try:
            added = add_plan_links(
                loaders.register(), chosen, user, loaders.load_known_urns(), saved.plan.purpose
            )
        except (RegisterError, PermissionDeniedError) as exc:
            st.error("No links were added. " + text.md_escape(str(exc)))
        else:
            saved.ticked = set()
            saved.version += 1
            flash(
                f"{added} proposed link{'' if added == 1 else 's'} added to the register.",
                "gaps_plan",
            )
    if no.button("Cancel", key="gaps_plan_cancel"):
        saved.confirming = False
        st.rerun()
