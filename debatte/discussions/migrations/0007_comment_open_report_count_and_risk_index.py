"""Comment.open_report_count: how many of a comment's reports wait for a decision, kept by
triggers on the reports table (every insert, resolve, reopen, move or delete of a report, by
the services, the admin, an import or a cascade), filled in for the existing reports; and the
index that gives the pending queue's "highest risk" order (score, open reports, age, id)
without counting reports row by row (moderation/queue_selectors.py)."""

from django.db import migrations, models

import debatte.discussions.models

ADD_COLUMN = {
    "postgresql": [
        "ALTER TABLE discussions_comment ADD COLUMN open_report_count integer NOT NULL "
        "DEFAULT 0 CONSTRAINT discussions_comment_open_report_count_check "
        "CHECK (open_report_count >= 0)",
        "ALTER TABLE discussions_comment ALTER COLUMN open_report_count DROP DEFAULT",
    ],
    "sqlite": [
        "ALTER TABLE discussions_comment ADD COLUMN open_report_count "
        "integer unsigned NOT NULL DEFAULT 0",
    ],
}
DROP_COLUMN = {
    vendor: ["ALTER TABLE discussions_comment DROP COLUMN open_report_count"]
    for vendor in ("postgresql", "sqlite")
}

POSTGRESQL_FORWARD = [
    "CREATE OR REPLACE FUNCTION discussions_report_open_count() RETURNS trigger AS $$ "
    "BEGIN "
    "IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.resolved_at IS NULL THEN "
    "UPDATE discussions_comment SET open_report_count = GREATEST(open_report_count - 1, 0) "
    "WHERE id = OLD.comment_id; "
    "END IF; "
    "IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.resolved_at IS NULL THEN "
    "UPDATE discussions_comment SET open_report_count = open_report_count + 1 "
    "WHERE id = NEW.comment_id; "
    "END IF; "
    "RETURN NULL; "
    "END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER discussions_report_open_count "
    "AFTER INSERT OR DELETE OR UPDATE OF resolved_at, comment_id ON discussions_report "
    "FOR EACH ROW EXECUTE FUNCTION discussions_report_open_count()",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS discussions_report_open_count ON discussions_report",
    "DROP FUNCTION IF EXISTS discussions_report_open_count()",
]

SQLITE_FORWARD = [
    "CREATE TRIGGER discussions_report_open_insert AFTER INSERT ON discussions_report "
    "WHEN new.resolved_at IS NULL BEGIN "
    "UPDATE discussions_comment SET open_report_count = open_report_count + 1 "
    "WHERE id = new.comment_id; END",
    "CREATE TRIGGER discussions_report_open_delete AFTER DELETE ON discussions_report "
    "WHEN old.resolved_at IS NULL BEGIN "
    "UPDATE discussions_comment SET open_report_count = max(open_report_count - 1, 0) "
    "WHERE id = old.comment_id; END",
    "CREATE TRIGGER discussions_report_open_update "
    "AFTER UPDATE OF resolved_at, comment_id ON discussions_report BEGIN "
    "UPDATE discussions_comment SET open_report_count = max(open_report_count - 1, 0) "
    "WHERE id = old.comment_id AND old.resolved_at IS NULL; "
    "UPDATE discussions_comment SET open_report_count = open_report_count + 1 "
    "WHERE id = new.comment_id AND new.resolved_at IS NULL; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS discussions_report_open_insert",
    "DROP TRIGGER IF EXISTS discussions_report_open_delete",
    "DROP TRIGGER IF EXISTS discussions_report_open_update",
]

# The reports filed before this migration (any database).
BACKFILL = (
    "UPDATE discussions_comment SET open_report_count = ("
    "SELECT count(*) FROM discussions_report "
    "WHERE discussions_report.comment_id = discussions_comment.id "
    "AND discussions_report.resolved_at IS NULL) "
    "WHERE id IN (SELECT comment_id FROM discussions_report WHERE resolved_at IS NULL)"
)


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0006_index_decided_comments_by_time"),
    ]

    operations = [
        # ALTER TABLE ADD COLUMN, not Django's AddField: on SQLite that rebuilds the comments
        # table for a NOT NULL column, and the rebuild drops the table's triggers (the full-
        # text search index of migration 0005 would stop following new comments).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="comment",
                    name="open_report_count",
                    field=models.PositiveIntegerField(default=0, editable=False),
                ),
            ],
            database_operations=[
                migrations.RunPython(run(ADD_COLUMN), run(DROP_COLUMN), elidable=False),
            ],
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                models.OrderBy(
                    debatte.discussions.models.RiskOrZero("risk_score"), descending=True
                ),
                models.OrderBy(models.F("open_report_count"), descending=True),
                models.OrderBy(models.F("created_at")),
                models.OrderBy(models.F("id")),
                condition=models.Q(("status", "pending")),
                name="comment_pending_risk",
            ),
        ),
    ]
