"""Every write to a discussion goes through these functions (see docs/ARCHITECTURE.md)."""

from debatte.discussions.services.deleting import delete_comment
from debatte.discussions.services.editing import edit_comment
from debatte.discussions.services.picking import set_editor_pick
from debatte.discussions.services.posting import post_comment
from debatte.discussions.services.recommending import recommend_comment, withdraw_recommendation
from debatte.discussions.services.reporting import report_comment

__all__ = [
    "delete_comment",
    "edit_comment",
    "post_comment",
    "recommend_comment",
    "report_comment",
    "set_editor_pick",
    "withdraw_recommendation",
]
