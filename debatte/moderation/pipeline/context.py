"""The pipeline's input and output: plain data declared by discussions, which gathers the facts
and stores the verdict (`discussions/checks.py`; no models there, so the pipeline sees none)."""

from debatte.discussions.checks import (
    Action,
    AuthorFacts,
    DiscussionFacts,
    Flag,
    Outcome,
    PipelineContext,
    RecentActivity,
    Verdict,
)

__all__ = [
    "Action",
    "AuthorFacts",
    "DiscussionFacts",
    "Flag",
    "Outcome",
    "PipelineContext",
    "RecentActivity",
    "Verdict",
]
