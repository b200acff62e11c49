"""What the reports ask the database to compute that Django does not say in its own words: the
seconds between two times of day and a median, the same on PostgreSQL and on SQLite; an
instant's local day, faster on SQLite than Django says it (the days between two dates:
programme.sql.Days); and an aggregate of aggregates (`select_over`)."""

import datetime
import statistics
import zoneinfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.backends.utils import split_tzname_delta
from django.db.models import Aggregate, FloatField, Func, QuerySet
from django.db.models.functions import TruncDate


def _sqlite_local_date(value, tzname, conn_tzname):
    """The day of an instant stored by SQLite (as text, in the connection's time zone) in the
    time zone `tzname`, as Django's own django_datetime_cast_date gives it, at half its cost."""
    if value is None:
        return None
    moment = datetime.datetime.fromisoformat(value).replace(tzinfo=zoneinfo.ZoneInfo(conn_tzname))
    return moment.astimezone(zoneinfo.ZoneInfo(tzname)).date().isoformat()


class LocalDate(TruncDate):
    """TruncDate: the local day of an instant. On SQLite Django computes it in Python for each
    row, parsing the text the slow way; this reads it with datetime.fromisoformat (the
    dashboard's waiting times read it on thousands of rows at national scale)."""

    def as_sqlite(self, compiler, connection, **extra):
        tzname = self.get_tzname()
        if not tzname or not settings.USE_TZ or split_tzname_delta(tzname)[2]:
            return self.as_sql(compiler, connection)  # naive, or a zone with an offset: Django's
        sql, params = compiler.compile(self.lhs)
        connection.ensure_connection()
        connection.connection.create_function(
            "PARCOURS_LOCAL_DATE", 3, _sqlite_local_date, deterministic=True
        )
        return f"PARCOURS_LOCAL_DATE({sql}, %s, %s)", (*params, tzname, connection.timezone_name)


class Seconds(Func):
    """A time of day as seconds since midnight, so that the difference of two is the seconds
    between them (a float: sum it, then round). Django subtracts times on SQLite in Python,
    row by row; julianday reads the text in SQLite itself."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "((julianday(%(expressions)s) - julianday('00:00')) * 86400)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # date_part gives a double; EXTRACT a numeric, a third slower to sum.
        template = "date_part('epoch', %(expressions)s)"
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


def select_over(outer: str, *queries: QuerySet, params: tuple = ()) -> list[tuple] | None:
    """The rows of `outer`, SQL that selects from the given queries as subqueries (`{0}`,
    `{1}`… in it, in their order), in one statement: what Django does not say, such as
    grouping the groups of a query again. `params` are the outer SQL's own, all before the
    first subquery. None when a query can match nothing (Django then writes no SQL for it: a
    report over no programme)."""
    try:
        compiled = [query.query.sql_with_params() for query in queries]
    except EmptyResultSet:
        return None
    sql = outer.format(*(text for text, _params in compiled))
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *(p for _text, each in compiled for p in each)))
        return cursor.fetchall()
