"""Validation knows the database's limits on both backends (issue #15): no DataError."""

from __future__ import annotations

import pytest

from dashboard.register import store, validation
from dashboard.register.auth import OFFICER, User
from dashboard.register.model import LinkInput, links_table
from dashboard.register.store import RegisterError

ANN = User("ann", OFFICER, "Ann Officer")
KNOWN = frozenset(range(100_000, 160_000))
ABROAD = {"school_urn": 136925, "partner_country": "Zambia", "link_types": ("international",)}


def test_limits_come_from_the_model():
    assert validation.text_limit("partner_name") == links_table.c.partner_name.type.length
    assert validation.text_limit("partner_country") == links_table.c.partner_country.type.length


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"partner_name": "N" * (links_table.c.partner_name.type.length + 1)}, "name is 201"),
        ({"partner_name": "N", "partner_country": "C" * 101}, "country is 101"),
        ({"partner_name": "N", "meetings_this_year": 3_000_000_000}, "(?i)meetings this year is"),
    ],
)
def test_over_long_or_huge_values_are_refused_in_words(register, fields, message):
    """Before, PostgreSQL refused these with a DataError traceback."""
    with pytest.raises(RegisterError, match=message):
        store.add_link(register, LinkInput(**(ABROAD | fields)), ANN, known_urns=KNOWN)


def test_a_value_at_the_limit_is_stored_exactly(register):
    name = "N" * links_table.c.partner_name.type.length
    stored = store.add_link(
        register, LinkInput(**(ABROAD | {"partner_name": name})), ANN, known_urns=KNOWN
    )
    assert stored.partner_name == name
