from django.conf import settings

from debatte.moderation.pipeline.context import Action, Outcome, PipelineContext
from debatte.moderation.scoring import get_scorer

NAME = "classifier"


_ready: set[object] = set()


def prepare() -> None:
    """Load the model once per process, outside the timed scoring of a comment."""
    scorer = get_scorer()
    if scorer is not None and scorer not in _ready:
        scorer("")
        _ready.add(scorer)


def timeout(context: PipelineContext) -> float | None:
    if get_scorer() is None:
        return None
    return float(settings.DEBATTE.get("SCORER_TIMEOUT", 0.5))


def check(context: PipelineContext) -> Outcome | None:
    scorer = get_scorer()
    if scorer is None:
        return Outcome(Action.FLAG, "not_scored", "no classifier is configured")
    result = scorer(context.text)
    context.score = float(result.score)
    context.score_reasons = list(result.reasons)
    if context.score >= context.discussion.risk_threshold:
        return Outcome(
            Action.FLAG, "toxicity", f"{context.score:.2f}: {', '.join(context.score_reasons[:5])}"
        )
    return None
