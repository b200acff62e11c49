"""What the reports ask the database to compute that Django does not say in its own words: the
days between two dates, and a median, the same on PostgreSQL and on SQLite."""

import statistics

from django.db.models import Aggregate, FloatField, Func


class Days(Func):
    """A date as a number of days, so that the difference of two is the days between them (a
    float, so that dividing it is the same division as Python's)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="julianday(%(expressions)s)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "CAST((%(expressions)s - DATE '2000-01-01') AS double precision)"
        return self.as_sql(compiler, connection, template=template, **extra)


class _SqliteMedian:
    """The aggregate SQLite calls for MEDIAN(): statistics.median of the values, NULLs left out
    (as PostgreSQL's percentile_cont leaves them)."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


class Median(Aggregate):
    """The median of the values, NULLs left out, as statistics.median gives it: the middle
    value, or the mean of the two middle ones. PostgreSQL's percentile_cont; SQLite has no
    median, so the connection is given one (as Django gives it STDDEV_POP), computed where the
    rows are read: no row leaves the database."""

    function = "PERCENTILE_CONT"
    name = "Median"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        connection.connection.create_aggregate("PARCOURS_MEDIAN", 1, _SqliteMedian)
        plain = self.copy()
        plain.function, plain.template = "PARCOURS_MEDIAN", "%(function)s(%(expressions)s)"
        return plain.as_sql(compiler, connection, **extra)
