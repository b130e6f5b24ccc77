"""Compiled word lists per site, rebuilt when an entry changes (cache key has a version)."""

from django.core.cache import cache

from debatte.moderation.models import WordListEntry
from debatte.moderation.wordlists import WordMatcher, compile_word_list

_compiled: dict[tuple[int | None, str, int], WordMatcher] = {}


def _version_key(site_id: int | None) -> str:
    return f"debatte:wordlist-version:{site_id}"


def bump_word_list_version(site_id: int | None) -> None:
    try:
        cache.incr(_version_key(site_id))
    except ValueError:
        cache.set(_version_key(site_id), 1, None)


def matcher_for(site_id: int | None, kind: str) -> WordMatcher:
    """The compiled list of one site; compiled once per process and version."""
    version = cache.get(_version_key(site_id)) or 0
    key = (site_id, kind, version)
    matcher = _compiled.get(key)
    if matcher is None:
        entries = WordListEntry.objects.filter(kind=kind)
        entries = entries.filter(site_id=site_id) if site_id else entries.none()
        phrases = entries.values_list("phrase", flat=True)
        matcher = compile_word_list(phrases)
        if len(_compiled) > 64:  # old versions pile up otherwise
            _compiled.clear()
        _compiled[key] = matcher
    return matcher
