from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext
from debatte.moderation.wordlist_cache import matcher_for

NAME = "suspect_words"


def check(context: PipelineContext) -> Outcome | None:
    found = matcher_for(
        context.discussion.site_id, "suspect", context.discussion.word_list_version
    ).find(context.text)
    if not found:
        return None
    return Outcome(Action.FLAG, "suspect_words", ", ".join(found[:10]))
