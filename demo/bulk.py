"""Fast inserts for the demo data at national scale (`load_demo_data --scale 250`: millions of
rows). `bulk_create` prepares every value through its field and compiles an INSERT per batch;
that preparation took most of the build. Here the demo's plain values go straight to the
database: COPY on PostgreSQL, one prepared statement run for every row on SQLite.

Only for data the demo itself made: no signals, no validation, no conversion beyond what the
two drivers do for dates, numbers and text. Nothing else in the application writes this way.
"""

import datetime
import enum
import itertools
import json
from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection
from django.db.models import DateTimeField, JSONField, Max, Model, TimeField

CHUNK = 5000


def next_ids(model: type[Model], count: int) -> range:
    """Primary keys for `count` new rows, given by the demo rather than the database, so it
    can link rows before they are written. `reset_sequences` must run after the last insert."""
    start = (model._base_manager.aggregate(last=Max("pk"))["last"] or 0) + 1
    return range(start, start + count)


def insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write `rows` (tuples of plain values, in the order of `fields`: field names, with
    `id` or `<fk>_id` allowed) into the model's table. Returns the number of rows."""
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    columns = [field.column for field in model_fields]
    adapters = _adapters(model_fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(column) for column in columns)
    total = 0
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHUNK)):
        if adapters:
            chunk = [_adapt(row, adapters) for row in chunk]
        total += len(chunk)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({marks})", chunk)
    return total


def insert_objects(objects: Sequence[Model]) -> list:
    """`insert` for unsaved model instances of one model: gives them primary keys first, so
    callers can link to them as after `bulk_create` on PostgreSQL. Every column is written as
    it is on the instances (defaults included); an `auto_now` or `auto_now_add` field keeps
    what the demo set, or gets now."""
    if not objects:
        return []
    model = type(objects[0])
    meta = model._meta
    concrete = [f for f in meta.concrete_fields if not f.primary_key]
    now = datetime.datetime.now(tz=datetime.UTC)
    for obj, pk in zip(objects, next_ids(model, len(objects)), strict=True):
        obj.pk = pk
    names = [meta.pk.attname] + [f.attname for f in concrete]
    stamped = [
        f.attname
        for f in concrete
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    for obj in objects:
        for attname in stamped:
            if vars(obj)[attname] is None:
                setattr(obj, attname, now)
    insert(
        model,
        names,
        ((obj.pk, *(_plain(vars(obj)[f.attname]) for f in concrete)) for obj in objects),
    )
    for obj in objects:
        obj._state.adding = False
    return list(objects)


def reset_sequences(*models: type[Model]) -> None:
    """After `next_ids`, move PostgreSQL's id sequences past the demo's ids (SQLite reads its
    own maximum)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _plain(value):
    # Choices members are str or int subclasses: the drivers want the plain value.
    return value.value if isinstance(value, enum.Enum) else value


def _adapters(fields) -> dict:
    """The conversions a column needs that neither driver makes on its own, by position."""
    adapters = {}
    for i, field in enumerate(fields):
        if isinstance(field, JSONField):
            adapters[i] = json.dumps
        elif connection.vendor == "sqlite" and isinstance(field, DateTimeField):
            adapters[i] = _naive_utc  # as Django keeps them there
        elif connection.vendor == "sqlite" and isinstance(field, TimeField):
            adapters[i] = datetime.time.isoformat
    return adapters


def _adapt(row: Sequence, adapters: dict) -> tuple:
    row = list(row)
    for i, adapt in adapters.items():
        if row[i] is not None:
            row[i] = adapt(row[i])
    return tuple(row)


def _naive_utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)
