"""Full-text search over the comments' text for the moderators' queues (moderation/search.py).

PostgreSQL: a GIN index on to_tsvector('german', body). SQLite: an FTS5 table over the text
(external content: it stores only the index), kept in step by triggers and filled from the
existing comments. Other databases get neither; the migration is a no-op there.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE INDEX IF NOT EXISTS comment_body_fts ON discussions_comment "
    "USING gin (to_tsvector('german', body))",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS comment_body_fts"]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE discussions_comment_fts USING fts5("
    "body, content='discussions_comment', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER discussions_comment_fts_insert AFTER INSERT ON discussions_comment BEGIN "
    "INSERT INTO discussions_comment_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER discussions_comment_fts_delete AFTER DELETE ON discussions_comment BEGIN "
    "INSERT INTO discussions_comment_fts(discussions_comment_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER discussions_comment_fts_update AFTER UPDATE OF body ON discussions_comment "
    "BEGIN "
    "INSERT INTO discussions_comment_fts(discussions_comment_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body); "
    "INSERT INTO discussions_comment_fts(rowid, body) VALUES (new.id, new.body); END",
    # The comments written before this migration.
    "INSERT INTO discussions_comment_fts(discussions_comment_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS discussions_comment_fts_insert",
    "DROP TRIGGER IF EXISTS discussions_comment_fts_delete",
    "DROP TRIGGER IF EXISTS discussions_comment_fts_update",
    "DROP TABLE IF EXISTS discussions_comment_fts",
]


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0004_index_comments_by_ip_address"),
    ]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
