import re

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext

NAME = "links"
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


def check(context: PipelineContext) -> Outcome | None:
    found = _LINK.findall(context.text)
    if not found:
        return None
    action = Action.HOLD if context.discussion.hold_links else Action.FLAG
    return Outcome(action, "links", " ".join(found[:5]))
