"""Make the database itself refuse UPDATEs of prompt_versions rows (SPEC §3)."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION prompt_versions_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'prompt_versions rows are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER prompt_versions_immutable BEFORE UPDATE ON prompt_versions
    FOR EACH ROW EXECUTE FUNCTION prompt_versions_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS prompt_versions_immutable ON prompt_versions;
DROP FUNCTION IF EXISTS prompt_versions_refuse_update();
"""
SQLITE_UP = """
CREATE TRIGGER prompt_versions_immutable BEFORE UPDATE ON prompt_versions
BEGIN
    SELECT RAISE(ABORT, 'prompt_versions rows are immutable');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS prompt_versions_immutable;"


def _run(schema_editor, sql_by_vendor):
    sql = sql_by_vendor.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def up(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP})


def down(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN})


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
