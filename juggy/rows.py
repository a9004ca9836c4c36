"""Model instances from SQL written once, for the reads on every turn of every live call.

Compiling a queryset costs ~0.7 ms of CPU per query (more with a join), several times what PostgreSQL
spends answering it; a VAPI turn reads twice before its first token, on the server's one core per
process. `ModelColumns` keeps the ORM the source of truth (tables, columns, the fields' own conversions
from the database) and only skips the compiling: the SQL is built from `_meta` once, the rows become
instances through `Model.from_db`, so they behave as if a queryset had loaded them.

Only for hot paths with a fixed shape; everything else uses querysets.
"""

from __future__ import annotations

from functools import cached_property

from django.db import connections
from django.db.models import Model


class ModelColumns:
    """All concrete columns of `model` under a table alias: the SELECT list, and the instance of a row."""

    def __init__(self, model: type[Model], alias: str):
        self.model = model
        self.alias = alias
        self.fields = tuple(model._meta.concrete_fields)
        self._converters_by_db: dict[str, list[tuple[int, object, list]]] = {}

    @property
    def table(self) -> str:
        return f"{_quoted(self.model._meta.db_table)} {self.alias}"

    def column(self, name: str) -> str:
        """`alias.column` of the field `name`."""
        return f"{self.alias}.{_quoted(self.model._meta.get_field(name).column)}"

    def param(self, name: str, value, using: str = "default"):
        """`value` of the field `name` as a query parameter (a UUID is text on SQLite, for instance)."""
        return self.model._meta.get_field(name).get_db_prep_value(value, connections[using])

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

    @cached_property
    def select(self) -> str:
        return ", ".join(f"{self.alias}.{_quoted(field.column)}" for field in self.fields)

    def instance(self, values, using: str = "default") -> Model:
        """The model instance of `values` (this list's columns, in order), converted as the ORM converts."""
        converted, connection = list(values), connections[using]
        for i, column, converters in self._converters(using):
            for converter in converters:
                converted[i] = converter(converted[i], column, connection)
        return self.model.from_db(using, [field.attname for field in self.fields], converted)

    def _converters(self, using: str) -> list[tuple[int, object, list]]:
        cache = self._converters_by_db
        if using not in cache:
            connection = connections[using]
            found = []
            for i, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                # The backend's converters, then the field's own (JSON decoding, for instance): the order
                # the ORM's compiler applies them in.
                converters = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
                if converters:
                    found.append((i, column, converters))
            cache[using] = found
        return cache[using]


def _quoted(name: str) -> str:
    return connections["default"].ops.quote_name(name)
