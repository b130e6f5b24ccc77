"""Runs the phases in order. A phase that raises or overruns its time holds the comment."""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from types import ModuleType

from debatte.moderation.pipeline.context import Action, Flag, Outcome, PipelineContext, Verdict
from debatte.moderation.pipeline.phases import (
    author_status,
    banned_words,
    classifier,
    closed,
    external,
    length,
    links,
    rate,
    suspect_words,
)

logger = logging.getLogger(__name__)

# The order is behaviour: cheap refusals first, then holds, then the slow checks.
PHASES: list[ModuleType] = [
    length,
    closed,
    author_status,
    banned_words,
    suspect_words,
    links,
    rate,
    classifier,
    external,
]

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pipeline")


def _run_phase(phase: ModuleType, context: PipelineContext) -> Outcome | None:
    if hasattr(phase, "prepare"):
        phase.prepare()  # one-time set-up (loading a model) is not part of the phase's time
    timeout = phase.timeout(context) if hasattr(phase, "timeout") else None
    if timeout is None:
        return phase.check(context)  # type: ignore[no-any-return]
    future = _executor.submit(phase.check, context)
    return future.result(timeout=timeout)  # type: ignore[no-any-return]


def run_pipeline(context: PipelineContext, phases: list[ModuleType] | None = None) -> Verdict:
    flags: list[Flag] = []
    for phase in PHASES if phases is None else phases:
        name = phase.NAME
        try:
            outcome = _run_phase(phase, context)
        except FutureTimeout:
            logger.warning("moderation phase %s timed out; holding the comment", name)
            flags.append(Flag("phase_timeout", name, f"{name} did not answer in time", hard=True))
            continue
        except Exception as error:
            logger.exception("moderation phase %s failed; holding the comment", name)
            flags.append(Flag("phase_error", name, f"{type(error).__name__}: {error}", hard=True))
            continue
        if outcome is None:
            continue
        if outcome.action == Action.REJECT:
            return Verdict("refused", flags, refusal=outcome)
        flags.append(Flag(outcome.code, name, outcome.detail, hard=outcome.action == Action.HOLD))
    return Verdict(
        status=_status(context.discussion.mode, flags),
        flags=flags,
        score=context.score,
        score_reasons=context.score_reasons,
    )


def _status(mode: str, flags: list[Flag]) -> str:
    if mode == "pre" or any(flag.hard for flag in flags):
        return "pending"
    if mode == "risk" and flags:
        return "pending"
    return "published"
