import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def notices_for_existing_reports(apps, schema_editor):
    """Every notice of illegal content sent before gets its DSA row (category "other"); one
    already dealt with counts as decided then, with no decision recorded (nobody is mailed)."""
    Report = apps.get_model("discussions", "Report")
    Notice = apps.get_model("moderation", "Notice")
    reports = Report.objects.filter(reason="illegal").values_list(
        "pk", "comment__article__site_id", "created_at", "resolved_at"
    )
    Notice.objects.bulk_create(
        [
            Notice(
                report_id=pk,
                site_id=site_id,
                created_at=created_at,
                decided_at=resolved_at,
                category="other",
            )
            for pk, site_id, created_at, resolved_at in reports.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_site_require_second_factor"),
        ("discussions", "0004_index_comments_by_ip_address"),
        ("moderation", "0003_keep_statements_of_deleted_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="statement",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="appeal",
                to="moderation.statementofreasons",
            ),
        ),
        migrations.CreateModel(
            name="Notice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("insult", "Insult, defamation or slander"),
                            ("hate", "Incitement to hatred"),
                            ("threat", "Threats or calls to violence"),
                            ("symbols", "Symbols of unconstitutional organisations"),
                            ("privacy", "Violation of privacy or personal rights"),
                            ("copyright", "Copyright infringement"),
                            ("other", "Other illegal content"),
                        ],
                        default="other",
                        max_length=12,
                        verbose_name="kind of illegal content",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                ("language", models.CharField(blank=True, max_length=10)),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("removed", "comment removed"),
                            ("shortened", "comment shortened"),
                            ("kept", "comment kept"),
                        ],
                        max_length=10,
                        verbose_name="decision",
                    ),
                ),
                ("ground", models.TextField(blank=True, verbose_name="ground")),
                (
                    "decided_at",
                    models.DateTimeField(
                        blank=True, db_index=True, null=True, verbose_name="decided at"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "report",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notice",
                        to="discussions.report",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="articles.site",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="notices",
                        to="moderation.statementofreasons",
                    ),
                ),
            ],
            options={
                "verbose_name": "notice of illegal content",
                "verbose_name_plural": "notices of illegal content",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="appeal",
            name="notice",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="appeal",
                to="moderation.notice",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("notice__isnull", True), ("statement__isnull", False)),
                    models.Q(("notice__isnull", False), ("statement__isnull", True)),
                    _connector="OR",
                ),
                name="appeal_against_statement_or_notice",
            ),
        ),
        migrations.RunPython(notices_for_existing_reports, migrations.RunPython.noop),
    ]
