from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from debatte.core.timefmt import format_relative_age, parse_relative_age

NOW = datetime(2022, 7, 8, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "german", "english"),
    [
        (NOW - timedelta(seconds=3), "gerade eben", "just now"),
        (NOW - timedelta(minutes=1), "vor 1 Minute", "1 minute ago"),
        (NOW - timedelta(minutes=5), "vor 5 Minuten", "5 minutes ago"),
        (NOW - timedelta(hours=2), "vor 2 Stunden", "2 hours ago"),
        (NOW - timedelta(days=1), "vor 1 Tag", "1 day ago"),
        (NOW - timedelta(days=3), "vor 3 Tagen", "3 days ago"),
        (NOW - timedelta(days=15), "vor 2 Wochen", "2 weeks ago"),
        (datetime(2022, 1, 8, 9, 0, tzinfo=UTC), "vor 6 Monaten", "6 months ago"),
        (datetime(2020, 7, 1, tzinfo=UTC), "vor 2 Jahren", "2 years ago"),
    ],
)
def test_relative_age_in_german_and_english(moment, german, english):
    with translation.override("de"):
        assert format_relative_age(moment, NOW) == german
    with translation.override("en"):
        assert format_relative_age(moment, NOW) == english


def test_parse_relative_age_splits_age_from_text_that_follows_directly():
    age, rest = parse_relative_age("vor 6 MonatenWem immer noch")
    assert (age.amount, age.unit, age.text, rest) == (6, "month", "vor 6 Monaten", "Wem immer noch")
    age, rest = parse_relative_age("vor 1 Monatende")
    assert (age.amount, age.unit, rest) == (1, "month", "ende")
    age, rest = parse_relative_age("3 days agoText")
    assert (age.amount, age.unit, rest) == (3, "day", "Text")


def test_parse_relative_age_rejects_unknown_wording():
    assert parse_relative_age("letzten Dienstag") is None
    assert parse_relative_age("vor 6 Monden") is None


def test_age_survives_daylight_saving_change():
    # Counted back in UTC, six months stay six months across the switch to summer time.
    age, _rest = parse_relative_age("vor 6 Monaten")
    as_of = datetime(2022, 7, 8, 10, 0, tzinfo=UTC)
    with translation.override("de"):
        assert format_relative_age(age.before(as_of), as_of) == "vor 6 Monaten"
