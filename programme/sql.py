"""What the apps ask the database in words Django does not have, the same on PostgreSQL and on
SQLite: a date as a number of days, and an INSERT … SELECT of a query's rows (how the figures
kept for the reports are counted again: sessions.months, evaluations.progress, by `recount`)."""

from django.db import connection
from django.db.models import FloatField, Func, QuerySet


class Days(Func):
    """A date as a number of days, so that the difference of two is the days between them (a
    float, so that dividing it is the same division as Python's)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="julianday(%(expressions)s)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "CAST((%(expressions)s - DATE '2000-01-01') AS double precision)"
        return self.as_sql(compiler, connection, template=template, **extra)


def insert_select(model, columns: tuple[str, ...], rows: QuerySet) -> None:
    """INSERT into `model`'s table (its fields named in `columns`) the rows of `rows`, a
    values_list query of as many columns in that order, in one statement: no row goes through
    Python. `model` may be a migration's historical model."""
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(name).column) for name in columns)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({names}) {sql}", params)


def recount(kept: QuerySet, columns: tuple[str, ...], rows: QuerySet) -> None:
    """Replace the kept rows `kept` by `rows` counted afresh (see insert_select): two
    statements, whatever their number. Nothing may refer to a kept row (no cascade is
    collected)."""
    kept._raw_delete(kept.db)
    insert_select(kept.model, columns, rows)
