from django.utils.translation import gettext as _

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext

NAME = "length"


def check(context: PipelineContext) -> Outcome | None:
    text = context.text.strip()
    limit = context.discussion.max_length
    if not text:
        return Outcome(Action.REJECT, "empty", _("Please write something first."))
    if len(text) > limit:
        return Outcome(
            Action.REJECT,
            "too_long",
            _("Your comment has %(length)d characters; at most %(limit)d are allowed.")
            % {"length": len(text), "limit": limit},
        )
    return None
