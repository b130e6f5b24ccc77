"""A site's own check over HTTP: POST {"text": ...}, answer {"action": "reject|hold|publish"}."""

import json
import urllib.request

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext

NAME = "external"


def timeout(context: PipelineContext) -> float | None:
    if not context.discussion.external_check_url:
        return None
    return context.discussion.external_check_timeout + 0.5


def check(context: PipelineContext) -> Outcome | None:
    url = context.discussion.external_check_url
    if not url:
        return None
    payload = json.dumps({"text": context.text, "author_id": context.author.user_id}).encode()
    request = urllib.request.Request(  # noqa: S310 (the site's own configured http(s) URL)
        url, data=payload, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(  # noqa: S310
        request, timeout=context.discussion.external_check_timeout
    ) as response:
        answer = json.load(response)
    action = answer.get("action", "publish")
    reason = str(answer.get("reason", ""))[:200]
    if action == "reject":
        # The external service's refusal is a hold for a human, not an automatic refusal.
        return Outcome(Action.HOLD, "external_reject", reason)
    if action == "hold":
        return Outcome(Action.HOLD, "external_hold", reason)
    if action != "publish":
        raise ValueError(f"unknown action {action!r} from the external check")
    return None
