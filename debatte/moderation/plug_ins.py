"""What moderation answers for the apps below it, installed when Django starts: the audit log's
writer (`core.audit`) and the checks a new or edited comment passes (`discussions.checks`)."""

from debatte.core import audit as audit_door
from debatte.discussions import checks
from debatte.moderation.audit import record
from debatte.moderation.pipeline import activity_refusal, run_pipeline
from debatte.moderation.restrictions import restriction_status


def install() -> None:
    audit_door.install(record)
    checks.install(
        checks.CommentChecks(
            check=run_pipeline,
            activity_refusal=activity_refusal,
            standing=restriction_status,
        )
    )
