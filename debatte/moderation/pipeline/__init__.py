"""The moderation pipeline: small ordered phases decide the fate of each new or edited comment.

It works on a plain context object and imports nothing of the discussions app; posting a
comment builds the context and runs `run_pipeline`.
"""

from debatte.moderation.pipeline.context import (
    Action,
    AuthorFacts,
    DiscussionFacts,
    Flag,
    Outcome,
    PipelineContext,
    RecentActivity,
    Verdict,
)
from debatte.moderation.pipeline.phases.rate import refusal as activity_refusal
from debatte.moderation.pipeline.runner import PHASES, run_pipeline

__all__ = [
    "PHASES",
    "Action",
    "AuthorFacts",
    "DiscussionFacts",
    "Flag",
    "Outcome",
    "PipelineContext",
    "RecentActivity",
    "Verdict",
    "activity_refusal",
    "run_pipeline",
]
