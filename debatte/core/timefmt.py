"""Relative ages ("vor 6 Monaten", "6 months ago") and their inverse.

The wording is the seed page's: one unit, German in the dative ("vor 6 Monaten"), English
"6 months ago"; the strings live in the project's own catalogue. Ages are counted in UTC, so a
daylight-saving change between the two moments never shifts a month boundary.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone, translation
from django.utils.translation import npgettext, pgettext


def _age_strings(unit: str, count: int) -> str:
    # Each unit spelled out so that translators see whole phrases (German needs the dative).
    if unit == "year":
        return npgettext("relative age", "%(count)d year ago", "%(count)d years ago", count)
    if unit == "month":
        return npgettext("relative age", "%(count)d month ago", "%(count)d months ago", count)
    if unit == "week":
        return npgettext("relative age", "%(count)d week ago", "%(count)d weeks ago", count)
    if unit == "day":
        return npgettext("relative age", "%(count)d day ago", "%(count)d days ago", count)
    if unit == "hour":
        return npgettext("relative age", "%(count)d hour ago", "%(count)d hours ago", count)
    if unit == "minute":
        return npgettext("relative age", "%(count)d minute ago", "%(count)d minutes ago", count)
    return npgettext("relative age", "%(count)d second ago", "%(count)d seconds ago", count)


def months_between(earlier: datetime, later: datetime) -> int:
    """Whole calendar months from `earlier` to `later` (both compared in UTC)."""
    a, b = earlier.astimezone(UTC), later.astimezone(UTC)
    months = (b.year - a.year) * 12 + b.month - a.month
    if (b.day, b.time()) < (a.day, a.time()):
        months -= 1
    return months


def age_parts(moment: datetime, now: datetime) -> tuple[str, int]:
    """The largest whole unit between `moment` and `now`: ("month", 6)."""
    delta = now - moment
    seconds = int(delta.total_seconds())
    months = months_between(moment, now) if seconds >= 28 * 86400 else 0
    if months >= 12:
        return "year", months // 12
    if months >= 1:
        return "month", months
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return unit, seconds // size
    return "second", max(seconds, 0)


def format_relative_age(moment: datetime, now: datetime | None = None) -> str:
    """The age of `moment` in the active language, to one unit: "vor 6 Monaten"."""
    now = now or timezone.now()
    unit, count = age_parts(moment, now)
    if unit == "second" and count < 10:
        return pgettext("relative age", "just now")
    return _age_strings(unit, count) % {"count": count}


_UNITS = {
    # unit: (German singular, German plural, English)
    "second": ("Sekunde", "Sekunden", "second"),
    "minute": ("Minute", "Minuten", "minute"),
    "hour": ("Stunde", "Stunden", "hour"),
    "day": ("Tag", "Tagen", "day"),
    "week": ("Woche", "Wochen", "week"),
    "month": ("Monat", "Monaten", "month"),
    "year": ("Jahr", "Jahren", "year"),
}
_GERMAN_AGE = re.compile(r"vor (\d+|einer|einem) ([A-Za-zä]+)")
_ENGLISH_AGE = re.compile(r"(\d+|an?) (second|minute|hour|day|week|month|year)s? ago")


@dataclass(frozen=True)
class RelativeAge:
    amount: int
    unit: str  # one of _UNITS
    text: str  # the exact wording that was read

    def before(self, moment: datetime) -> datetime:
        """The moment this age points to, counted back from `moment` (calendar-aware, UTC)."""
        moment = moment.astimezone(UTC)
        if self.unit == "year":
            return _shift_months(moment, -12 * self.amount)
        if self.unit == "month":
            return _shift_months(moment, -self.amount)
        seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
        return moment - timedelta(seconds=seconds[self.unit] * self.amount)


def parse_relative_age(text: str) -> tuple[RelativeAge, str] | None:
    """Read a relative age at the start of `text`; return it and the rest of the text.

    The number decides between singular and plural ("vor 1 Monat", "vor 6 Monaten"), so an age
    followed directly by text, as on flattened pages ("vor 6 MonatenWem ..."), splits exactly.
    """
    for word in ("gerade eben", "just now", "jetzt", "now"):
        if text.startswith(word):
            return RelativeAge(0, "second", word), text[len(word) :]
    match = _GERMAN_AGE.match(text)
    if match:
        amount = int(match.group(1)) if match.group(1).isdigit() else 1
        word_start = match.start(2)
        for unit, (singular, plural, _english) in _UNITS.items():
            expected = singular if amount == 1 else plural
            if text.startswith(expected, word_start):
                end = word_start + len(expected)
                return RelativeAge(amount, unit, text[:end]), text[end:]
        return None
    match = _ENGLISH_AGE.match(text)
    if match:
        raw = match.group(1)
        amount = 1 if raw in {"a", "an"} else int(raw)
        return RelativeAge(amount, match.group(2), match.group(0)), text[match.end() :]
    return None


def _shift_months(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def age_in_language(moment: datetime, now: datetime, language: str) -> str:
    with translation.override(language):
        return format_relative_age(moment, now)
