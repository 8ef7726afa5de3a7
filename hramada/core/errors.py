class DomainError(Exception):
    """A rule refused the change; ``message`` is shown to the user as it is (already translated)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def violated_constraint(error, *models) -> str | None:
    """The name of the database constraint an ``IntegrityError`` broke, on PostgreSQL and SQLite.

    PostgreSQL names it (``diag.constraint_name``). SQLite names check constraints but gives only the
    columns of a unique one ("UNIQUE constraint failed: events_registration.event_id, ..."): they are
    matched against the unique constraints of ``models`` (a unique column is named
    ``<table>_<column>_key``, as PostgreSQL names it). None when it cannot be told.
    """
    import re

    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    if diag is not None and diag.constraint_name:
        return diag.constraint_name
    message = str(error)
    if match := re.search(r"CHECK constraint failed: (\w+)", message):
        return match.group(1)
    if match := re.search(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)", message):
        tables_columns = [item.rsplit(".", 1) for item in match.group(1).split(", ")]
        table, columns = tables_columns[0][0], {column for _table, column in tables_columns}
        for model in models:
            if model._meta.db_table != table:
                continue
            for constraint in model._meta.constraints:
                # UniqueConstraint("a", "b") keeps its fields as F() expressions, fields=[...] as names
                names = list(getattr(constraint, "fields", ())) + [
                    expression.name
                    for expression in getattr(constraint, "expressions", ())
                    if hasattr(expression, "name")
                ]
                if names and {model._meta.get_field(name).column for name in names} == columns:
                    return constraint.name
            for field in model._meta.concrete_fields:
                if field.unique and {field.column} == columns:
                    return f"{table}_{field.column}_key"
    return None
