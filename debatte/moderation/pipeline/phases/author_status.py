from django.utils import formats, timezone
from django.utils.translation import gettext as _

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext

NAME = "author_status"


def check(context: PipelineContext) -> Outcome | None:
    author = context.author
    now = context.now or timezone.now()
    if author.banned:
        return Outcome(Action.REJECT, "banned", _("Your account is banned from commenting."))
    if author.suspended_until and author.suspended_until > now:
        until = formats.date_format(timezone.localtime(author.suspended_until), "DATETIME_FORMAT")
        return Outcome(
            Action.REJECT,
            "suspended",
            _("Your account is suspended until %(until)s.") % {"until": until},
        )
    if author.always_premoderate:
        return Outcome(Action.HOLD, "premoderated_user", "the author is always pre-moderated")
    return None
