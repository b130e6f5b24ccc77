from django.utils.translation import gettext as _

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext

NAME = "closed"


def check(context: PipelineContext) -> Outcome | None:
    reason = context.discussion.closed_reason
    if reason is None:
        return None
    messages = {
        "no_discussion": _("This article has no discussion."),
        "not_yet_open": _("The discussion is not open yet."),
    }
    return Outcome(Action.REJECT, reason, messages.get(reason, _("The discussion is closed.")))
