from typing import Any

from django.db.models.signals import post_delete, post_save

from debatte.moderation.models import WordListEntry
from debatte.moderation.wordlist_cache import bump_word_list_version


def _word_list_changed(sender: type, instance: WordListEntry, **kwargs: Any) -> None:
    bump_word_list_version(instance.site_id)


def connect() -> None:
    post_save.connect(_word_list_changed, sender=WordListEntry, dispatch_uid="wordlist-save")
    post_delete.connect(_word_list_changed, sender=WordListEntry, dispatch_uid="wordlist-delete")
