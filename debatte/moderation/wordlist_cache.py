"""Compiled word lists per site, compiled once per process and word-list version.

The version lives on the site's row (`Site.word_list_version`), which posting reads anyway, so
every app server sees a change at its next post without a shared cache and without a query.
"""

from django.db.models import F

from debatte.articles.models import Site
from debatte.moderation.models import WordListEntry
from debatte.moderation.wordlists import WordMatcher, compile_word_list

_compiled: dict[tuple[int | None, str, int], WordMatcher] = {}


def bump_word_list_version(site_id: int | None) -> None:
    if site_id is not None:
        Site.objects.filter(pk=site_id).update(word_list_version=F("word_list_version") + 1)


def matcher_for(site_id: int | None, kind: str, version: int) -> WordMatcher:
    """The compiled list of one site at `version` (the site's `word_list_version`)."""
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
