from django.utils.translation import gettext as _

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext, RecentActivity

NAME = "rate"


def refusal(activity: RecentActivity) -> Outcome | None:
    """The rate and repeat rules for a new comment.

    Posting asks again inside its transaction with freshly counted activity (see
    discussions/services/activity.py), so simultaneous posts cannot all pass on the same counts.
    """
    limit = activity.rate_limit_per_minute
    if limit and max(activity.by_author_last_minute, activity.by_ip_last_minute) >= limit:
        return Outcome(
            Action.REJECT,
            "rate_limited",
            _("You are writing very fast. Please wait a minute and try again."),
        )
    if activity.same_text_recently:
        return Outcome(Action.REJECT, "repeated", _("You have posted this text already."))
    return None


def check(context: PipelineContext) -> Outcome | None:
    if not context.is_edit and (outcome := refusal(context.activity)) is not None:
        return outcome
    hold = context.discussion.new_account_hold_count
    if hold and context.author.published_comments < hold and not context.author.is_staff:
        return Outcome(Action.HOLD, "new_account", "one of the first comments of a new account")
    return None
