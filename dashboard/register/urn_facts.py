"""Say why a URN is not a school in the atlas: closed (and what replaced it), Welsh, independent.

Built from ``data/other_establishments.parquet`` (see ``data/README.md``); a URN
that no DfE file knows is "not in the DfE register".
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field

import pandas as pd

from dashboard import config


@dataclass(frozen=True)
class UrnFacts:
    """What the DfE register says about URNs outside the atlas, and the atlas's names."""

    others: Mapping[int, tuple[str, str, str | None, tuple[int, ...]]] = field(default_factory=dict)
    atlas_names: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def from_frames(
        cls, other_establishments_df: pd.DataFrame, schools_df: pd.DataFrame | None = None
    ) -> UrnFacts:
        """Index the other establishments (and the atlas's school names, for successors).

        Parameters
        ----------
        other_establishments_df : pandas.DataFrame
            From :func:`dashboard.data.embedded.read_other_establishments`.
        schools_df : pandas.DataFrame or None
            The atlas's schools (``urn``, ``school_name``).

        Returns
        -------
        UrnFacts
        """
        others = {
            int(urn): (
                "" if pd.isna(name) else str(name),
                str(kind),
                None if pd.isna(kind_of) else str(kind_of),
                tuple(int(u) for u in successors),
            )
            for urn, name, kind, kind_of, successors in other_establishments_df[
                ["urn", "name", "kind", "establishment_type", "successor_urns"]
            ].itertuples(index=False)
        }
        names = (
            {}
            if schools_df is None
            else dict(zip(schools_df["urn"].astype(int), schools_df["school_name"], strict=True))
        )
        return cls(others, names)

    def explain(self, urn: int, label: str, known_urns: Container[int] = ()) -> str:
        """Why ``urn`` cannot be linked, in a sentence that says what to do.

        Parameters
        ----------
        urn : int
            A URN that is not a school in the atlas.
        label : str
            What the URN is, e.g. "School URN" or "Partner school URN".
        known_urns : container of int
            The atlas's URNs (a successor there can be used instead).

        Returns
        -------
        str

        Examples
        --------
        >>> facts = UrnFacts({1: ("Old School", "closed", None, (2,))}, {2: "New Academy"})
        >>> facts.explain(1, "School URN", {2}).split("; ")[1]
        'the school that replaced it is URN 2 (New Academy): use that URN'
        >>> UrnFacts().explain(999999, "School URN").split(";")[0]
        'School URN 999999 is not in the DfE register of schools (24 May 2025)'
        """
        fact = self.others.get(urn)
        if fact is None:
            return (
                f"{label} {urn} is not in the DfE register of schools ({config.REGISTER_DATE}); "
                "check the number"
            )
        name, kind, kind_of, successors = fact
        what = config.OTHER_ESTABLISHMENT_KINDS.get(kind, config.OTHER_ESTABLISHMENT_KINDS["other"])
        named = f"{label} {urn}" + (f" ({name})" if name else "")
        if kind not in ("closed", "not open"):
            detail = f" ({kind_of})" if kind_of and kind_of.lower() not in what.lower() else ""
            return (
                f"{named} {what}{detail}; the atlas holds open state-funded schools in England only"
            )
        named += f" {what} in the DfE register ({config.REGISTER_DATE})"
        if not successors:
            return f"{named}, and no school that replaced it is recorded"
        later = ", ".join(
            f"URN {u}" + (f" ({self._name(u)})" if self._name(u) else "") for u in successors
        )
        usable = [u for u in successors if u in known_urns]
        advice = ": use that URN" if len(usable) == 1 and len(successors) == 1 else ""
        if len(successors) > 1:
            advice = ": use the URN of the one the link is with" if usable else ""
        verb = "the school that replaced it is" if len(successors) == 1 else "it was replaced by"
        return f"{named}; {verb} {later}{advice}"

    def _name(self, urn: int) -> str:
        if urn in self.atlas_names:
            return str(self.atlas_names[urn])
        return self.others.get(urn, ("",))[0]
