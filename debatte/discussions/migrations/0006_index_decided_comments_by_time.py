"""The moderators' "Recently decided" tab: newest decision first, only decided comments."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0005_comment_full_text_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("moderated_at__isnull", False)),
                fields=["-moderated_at", "-id"],
                name="comment_decided_recent",
            ),
        ),
    ]
