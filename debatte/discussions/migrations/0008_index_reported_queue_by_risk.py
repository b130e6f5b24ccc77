"""The reported queue (published comments with open reports), highest risk first: its first
page reads the index instead of every published comment (moderation/queue_selectors.py)."""

from django.db import migrations, models

import debatte.discussions.models


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0007_comment_open_report_count_and_risk_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                models.OrderBy(
                    debatte.discussions.models.RiskOrZero("risk_score"), descending=True
                ),
                models.OrderBy(models.F("open_report_count"), descending=True),
                models.OrderBy(models.F("created_at")),
                models.OrderBy(models.F("id")),
                condition=models.Q(("open_report_count__gt", 0), ("status", "published")),
                name="comment_reported_risk",
            ),
        ),
    ]
