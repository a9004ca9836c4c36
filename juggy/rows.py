"""Model rows in SQL written once, for the database work of every turn of every live call.

Compiling a queryset costs ~0.7 ms of CPU per statement (more with a join), several times what
PostgreSQL spends answering it, and a VAPI turn has four statements on the server's one core per
process. `ModelColumns` keeps the models the source of truth (tables, columns, each field's own
conversions to and from the database) and skips only the compiling: the SQL text comes from `_meta`,
values go through `get_db_prep_save`, rows come back through the fields' converters and
`Model.from_db`, so instances behave as if a queryset had loaded them.

Only for hot paths with a fixed shape; everything else uses querysets. No signals are sent, as with
`QuerySet.update()` and `bulk_create()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

from django.db import connections
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField

DB = "default"


def quoted(name: str) -> str:
    return connections[DB].ops.quote_name(name)


class ModelColumns:
    """All concrete columns of `model`, under a table alias in SELECTs."""

    def __init__(self, model: type[Model], alias: str):
        self.model = model
        self.alias = alias
        self.fields = tuple(model._meta.concrete_fields)
        self._converters_by_db: dict[str, list[tuple[int, Any, list]]] = {}

    # -- SQL text ------------------------------------------------------------------------------------
    @property
    def table(self) -> str:
        """The table with its alias, for FROM and JOIN."""
        return f"{quoted(self.model._meta.db_table)} {self.alias}"

    def column(self, name: str) -> str:
        """`alias.column` of the field `name`, for SELECTs."""
        return f"{self.alias}.{self.name(name)}"

    def name(self, name: str) -> str:
        """The column of the field `name` (`pk` too), unqualified, for UPDATE and INSERT."""
        return quoted(self.model._meta.get_field(self._field_name(name)).column)

    @cached_property
    def select(self) -> str:
        return ", ".join(f"{self.alias}.{quoted(field.column)}" for field in self.fields)

    def param(self, name: str, value, using: str = DB):
        """`value` of the field `name` as a query parameter (a UUID is text on SQLite, for instance)."""
        return self.model._meta.get_field(self._field_name(name)).get_db_prep_save(value, connections[using])

    def _field_name(self, name: str) -> str:
        return self.model._meta.pk.name if name == "pk" else name

    # -- reading -------------------------------------------------------------------------------------
    def read(self, cursor, *joined: ModelColumns) -> list[Model] | None:
        """The next row of `cursor`, whose SELECT list is this one then `joined`'s, as instances."""
        row = cursor.fetchone()
        if row is None:
            return None
        out, start = [], 0
        for columns in (self, *joined):
            out.append(columns.instance(row[start:start + len(columns.fields)]))
            start += len(columns.fields)
        return out

    def instance(self, values: Sequence, using: str = DB) -> Model:
        """The model instance of `values` (this list's columns, in order), converted as the ORM converts."""
        converted, connection = list(values), connections[using]
        for i, column, converters in self._converters(using):
            for converter in converters:
                converted[i] = converter(converted[i], column, connection)
        return self.model.from_db(using, [field.attname for field in self.fields], converted)

    def _converters(self, using: str) -> list[tuple[int, Any, list]]:
        if using not in self._converters_by_db:
            connection, found = connections[using], []
            for i, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                # The backend's converters, then the field's own (JSON decoding, for instance): the order
                # the ORM's compiler applies them in.
                converters = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
                if converters:
                    found.append((i, column, converters))
            self._converters_by_db[using] = found
        return self._converters_by_db[using]

    # -- writing -------------------------------------------------------------------------------------
    def update(self, cursor, values: Mapping[str, Any], where: Mapping[str, Any],
               expressions: Mapping[str, tuple[str, Sequence]] | None = None) -> int:
        """UPDATE the rows whose fields equal all of `where` with `values`, and with `expressions`
        (field -> SQL over the row's own columns, and its parameters); the number of rows changed."""
        sets, params = [], []
        for name, value in values.items():
            sets.append(f"{self.name(name)} = %s")
            params.append(self.param(name, value))
        for name, (sql, sql_params) in (expressions or {}).items():
            sets.append(f"{self.name(name)} = {sql}")
            params.extend(sql_params)
        conditions = []
        for name, value in where.items():
            conditions.append(f"{self.name(name)} = %s")
            params.append(self.param(name, value))
        table = quoted(self.model._meta.db_table)
        cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {' AND '.join(conditions)}", params)  # noqa: S608 - identifiers from _meta
        return cursor.rowcount

    def insert(self, cursor, instances: Iterable[Model], using: str = DB) -> None:
        """INSERT new `instances` in one statement, as `bulk_create` would (fields' `pre_save`, such as
        auto_now_add); with an auto primary key, each instance gets its key when the backend returns it."""
        instances = list(instances)
        if not instances:
            return
        connection = connections[using]
        pk = self.model._meta.pk
        auto = isinstance(pk, AutoField | BigAutoField | SmallAutoField)
        fields = [field for field in self.fields if not (auto and field is pk)]
        rows = [[field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
                for obj in instances]
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (f"INSERT INTO {quoted(self.model._meta.db_table)} ({', '.join(quoted(f.column) for f in fields)}) "  # noqa: S608
               f"VALUES {', '.join([row] * len(rows))}")
        returning = auto and connection.features.can_return_rows_from_bulk_insert
        if returning:
            sql += f" RETURNING {quoted(pk.column)}"  # in VALUES order, as bulk_create relies on too
        cursor.execute(sql, [value for values in rows for value in values])
        keys = cursor.fetchall() if returning else [(None,)] * len(instances)
        for obj, (key,) in zip(instances, keys, strict=True):
            if key is not None:
                obj.pk = key
            obj._state.adding, obj._state.db = False, using
