from django.utils.translation import gettext as _

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext
from debatte.moderation.wordlist_cache import matcher_for

NAME = "banned_words"


def check(context: PipelineContext) -> Outcome | None:
    found = matcher_for(
        context.discussion.site_id, "banned", context.discussion.word_list_version
    ).find(context.text)
    if not found:
        return None
    return Outcome(
        Action.REJECT,
        "banned_words",
        _("Your comment contains words that are not allowed here: %(words)s")
        % {"words": ", ".join(found[:5])},
    )
