"""The full-text part of the index, per database: on SQLite an FTS5 table kept in step with
search_searchdocument by triggers (trigram tokenizer when SQLite has it, else unicode61); on PostgreSQL
the pg_trgm extension, a generated tsvector column (Russian stemming for Russian documents, English for
English, "simple" for Belarusian, which PostgreSQL has no stemmer for) and GIN indexes."""

from django.db import migrations

FTS_TABLE = "search_fts"

PG_TSV = """
ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector(CASE language WHEN 'ru' THEN 'russian'::regconfig WHEN 'en' THEN 'english'::regconfig
                        ELSE 'simple'::regconfig END, coalesce(title, '')), 'A') ||
  setweight(to_tsvector(CASE language WHEN 'ru' THEN 'russian'::regconfig WHEN 'en' THEN 'english'::regconfig
                        ELSE 'simple'::regconfig END, coalesce(text, '')), 'B') ||
  setweight(to_tsvector('simple'::regconfig, coalesce(translit, '')), 'C')
) STORED
"""


def sqlite_tokenizer(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()")
        version = tuple(int(x) for x in cursor.fetchone()[0].split("."))
    return "trigram" if version >= (3, 34, 0) else "unicode61 remove_diacritics 2"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        tokenizer = sqlite_tokenizer(connection)
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, text, translit, "
            f"content='search_searchdocument', content_rowid='id', tokenize='{tokenizer}')"
        )
        schema_editor.execute(
            f"CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
            f"INSERT INTO {FTS_TABLE}(rowid, title, text, translit) VALUES (new.id, new.title, new.text, new.translit); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text, translit) "
            f"VALUES ('delete', old.id, old.title, old.text, old.translit); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text, translit) "
            f"VALUES ('delete', old.id, old.title, old.text, old.translit); "
            f"INSERT INTO {FTS_TABLE}(rowid, title, text, translit) VALUES (new.id, new.title, new.text, new.translit); END"
        )
    elif connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(PG_TSV)
        schema_editor.execute("CREATE INDEX search_doc_tsv ON search_searchdocument USING gin (tsv)")
        schema_editor.execute(
            "CREATE INDEX search_doc_translit_trgm ON search_searchdocument USING gin (translit gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for trigger in ("search_fts_ai", "search_fts_ad", "search_fts_au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_translit_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_tsv")
        schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
