"""A site's own check over HTTP: POST {"text": ...}, answer {"action": "reject|hold|publish"}.

The URL is typed by a site admin, so it goes through core/guarded_http.py: public addresses
only (unless DEBATTE_WEBHOOK_ALLOW_PRIVATE), the checked address pinned, no redirects, a short
deadline and a capped answer. A failure holds the comment with a generic reason: what went
wrong (addresses, error text) is logged, never shown in the moderators' queue.
"""

import json
import logging

from debatte.core import guarded_http
from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext

NAME = "external"
MAX_ANSWER_BYTES = 16 * 1024
MAX_TIMEOUT_SECONDS = 10.0  # whatever the site set, a post never waits longer than this

logger = logging.getLogger(__name__)


class CheckFailed(Exception):
    """The check gave no usable answer."""


def _seconds(context: PipelineContext) -> float:
    return max(0.1, min(float(context.discussion.external_check_timeout), MAX_TIMEOUT_SECONDS))


def timeout(context: PipelineContext) -> float | None:
    if not context.discussion.external_check_url:
        return None
    return _seconds(context) + 0.5


def ask(url: str, context: PipelineContext) -> dict[str, object]:
    """The check's answer as a JSON object; raises CheckFailed or the request's error."""
    payload = json.dumps({"text": context.text, "author_id": context.author.user_id}).encode()
    response = guarded_http.post(
        url,
        payload,
        headers={"Content-Type": "application/json", "User-Agent": "Debatte-Check/1"},
        timeout=_seconds(context),
        max_bytes=MAX_ANSWER_BYTES,
    )
    if response.status != 200:
        raise CheckFailed(f"HTTP {response.status}")
    answer = json.loads(response.body)
    if not isinstance(answer, dict):
        raise CheckFailed("the answer is not a JSON object")
    return answer


def check(context: PipelineContext) -> Outcome | None:
    url = context.discussion.external_check_url
    if not url:
        return None
    try:
        answer = ask(url, context)
    except Exception as error:
        logger.warning("external check %s failed, comment held: %r", url, error)
        return Outcome(Action.HOLD, "phase_error", NAME)
    action = answer.get("action", "publish")
    reason = str(answer.get("reason", ""))[:200]
    if action == "reject":
        # The external service's refusal is a hold for a human, not an automatic refusal.
        return Outcome(Action.HOLD, "external_reject", reason)
    if action == "hold":
        return Outcome(Action.HOLD, "external_hold", reason)
    if action != "publish":
        logger.warning("external check %s answered an unknown action %r", url, action)
        return Outcome(Action.HOLD, "phase_error", NAME)
    return None
