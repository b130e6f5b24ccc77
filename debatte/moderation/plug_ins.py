"""What moderation answers for the apps below it, installed when Django starts: the audit log's
writer (`core.audit`), the checks a new or edited comment passes (`discussions.checks`) and its
part of a reader's data (`accounts.forgetting`)."""

from debatte.accounts import forgetting
from debatte.core import audit as audit_door
from debatte.discussions import checks
from debatte.moderation import reader_data
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
    forgetting.register("moderation", export=reader_data.export, forget=reader_data.forget)
