"""Rows written straight into their tables, without save() or signals: how `seed_bench` loads an archive fast.

`RowWriter` writes with COPY on PostgreSQL (in background connections) and executemany elsewhere; `UniqueSlugs`
makes slugs unique the way the models' save() does, without a query per row. Whoever writes this way does
itself what saving would have done (devdata/archive.py does).
"""

from __future__ import annotations

import io
import queue
import threading
from datetime import datetime

from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.utils.text import slugify


def next_id(model) -> int:
    """The first id after the model's rows: rows written here carry their ids (sequences are reset after)."""
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


class RowWriter:
    """Write rows straight into a model's table: COPY on PostgreSQL, executemany elsewhere.

    Every concrete column of the model is written. Values not given come from the field's default (so a field
    added later with a default needs no change here); auto_now(_add) fields take `now`.

    `write()` runs at once on Django's connection. `submit()` takes a batch of statements: on PostgreSQL they
    go to one of `jobs` writer threads, each with its own connection, which runs the batch as one transaction.
    PostgreSQL computes the search vector of each article as it is written (a generated column, by far the
    dearest part of the load), so two connections use both cores, while this thread generates the next batch.
    """

    def __init__(self, now: datetime, jobs: int):
        self.now = now
        self.copy = connection.vendor == "postgresql"
        self.jobs = jobs if self.copy else 0
        self._queue: queue.Queue | None = None
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []

    def _columns(self, model, given: tuple[str, ...]):
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        missing = []
        for field in fields:
            if field.attname in given or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                missing.append((field, lambda: self.now))
            elif field.has_default() or field.null:
                missing.append((field, field.get_default))
            elif field.blank and field.empty_strings_allowed:
                missing.append((field, str))  # text, slug, file and image fields left empty
            else:
                raise CommandError(f"seed_bench does not know what to write in {model.__name__}.{field.name}")
        given_fields = [model._meta.get_field(name) for name in given]
        return given_fields + [field for field, _ in missing], [make for _, make in missing]

    def statement(self, model, names: tuple[str, ...], rows: list[tuple]):
        """(sql, data) inserting `rows` (tuples in the order of `names`, attribute names) into `model`'s table."""
        fields, defaults = self._columns(model, names)
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        if defaults:
            rows = [(*row, *(make() for make in defaults)) for row in rows]
        if self.copy:
            formats = [_copy_format(field) for field in fields]
            buffer = io.StringIO()
            buffer.writelines(
                "\t".join([fmt(value) for fmt, value in zip(formats, row, strict=True)]) + "\n"
                for row in rows
            )
            buffer.seek(0)
            return f"COPY {table} ({columns}) FROM STDIN", buffer
        adapt = [_sql_adapter(field) for field in fields]
        placeholders = ", ".join(["%s"] * len(fields))
        return (
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [[convert(v) for convert, v in zip(adapt, row, strict=True)] for row in rows],
        )

    def _execute(self, cursor, sql: str, data) -> None:
        if self.copy:
            getattr(cursor, "cursor", cursor).copy_expert(sql, data)
        else:
            cursor.executemany(sql, data)

    def write(self, model, names: tuple[str, ...], rows: list[tuple]) -> None:
        if rows:
            with connection.cursor() as cursor:
                self._execute(cursor, *self.statement(model, names, rows))

    # -- batches --------------------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.jobs:
            return
        self._queue = queue.Queue(maxsize=2 * self.jobs)
        params = connection.get_connection_params()
        for _ in range(self.jobs):
            raw = connection.get_new_connection(params)
            thread = threading.Thread(target=self._run, args=(raw,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def submit(self, statements: list) -> None:
        """Write a batch of statements as one transaction (in the background on PostgreSQL)."""
        if self._errors:
            raise CommandError(f"Writing rows failed: {self._errors[0]}") from self._errors[0]
        if self._queue is not None:
            self._queue.put(statements)
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, data in statements:
                self._execute(cursor, sql, data)

    def _run(self, raw) -> None:
        with raw.cursor() as cursor:
            # lz4 compresses the large search vectors several times faster than the default pglz (PostgreSQL
            # 14+, when built with lz4; reading either is transparent). Without it, the default stays.
            cursor.execute(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
            )
            if cursor.fetchone():
                cursor.execute("SET default_toast_compression = 'lz4'")
            # As pg_restore --disable-triggers does: skip the per-row foreign-key checks, for a superuser only.
            # Every id written here refers to a row created (and committed) by this command a moment before.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET session_replication_role = replica")
            # Bigger batches of the search index's pending entries: fewer, cheaper merges into the GIN index.
            cursor.execute("SET gin_pending_list_limit = '64MB'")
            cursor.execute("SET synchronous_commit = off")  # a lost last batch is no worse than a failed run
        raw.commit()
        while (statements := self._queue.get()) is not None:
            if self._errors:
                continue  # drain: the main thread reports the first error
            try:
                with raw.cursor() as cursor:
                    for sql, data in statements:
                        cursor.copy_expert(sql, data)
                raw.commit()
            except BaseException as exc:
                raw.rollback()
                self._errors.append(exc)
        raw.close()

    def finish(self) -> None:
        """Wait for every batch; raise what failed."""
        if self._queue is not None:
            for _ in self._threads:
                self._queue.put(None)
            for thread in self._threads:
                thread.join()
            self._queue, self._threads = None, []
        if self._errors:
            raise CommandError(
                f"Writing rows failed: {self._errors[0]}. The archive is incomplete: run again with --reset."
            ) from self._errors[0]


class DeferredIndexes:
    """On PostgreSQL, the secondary indexes of empty tables dropped before a big load and built after it.

    Building a b-tree over a loaded table (one sort) costs far less than maintaining it row by row. Only tables
    empty before the load lose their indexes, so no other data goes unindexed. Kept: primary keys (foreign keys
    point at them, and ids arrive in order anyway), unique constraints a foreign key relies on, and the search
    vector's GIN index, whose pending list the two writers merge in sorted batches for less than a build at
    the end would cost on one core (measured: docs/performance.md). Each index comes back from the definition
    PostgreSQL reported for it (`pg_get_indexdef`, `pg_get_constraintdef`): the same name, columns, method,
    condition and options as the migrations made. `restore()` runs on `jobs` connections in parallel, and
    also after a failed load; if the process is killed in between, the indexes are missing: migrate a fresh
    database and seed it again.
    """

    INDEXES = """
        SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND i.relam <> (SELECT oid FROM pg_am WHERE amname = 'gin')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
        ORDER BY i.relname"""
    CONSTRAINTS = """
        SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype = 'u'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
        ORDER BY c.conname"""

    def __init__(self, models_: list, jobs: int):
        self.models = models_ if connection.vendor == "postgresql" else []
        self.jobs = max(1, jobs)
        self.dropped: list[str] = []  # statements creating the dropped indexes again

    def drop(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for model in self.models:
                table = quote(model._meta.db_table)
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
                if cursor.fetchone()[0]:
                    continue
                cursor.execute(self.INDEXES, [table])
                for name, definition in cursor.fetchall():
                    self.dropped.append(definition)
                    cursor.execute(f"DROP INDEX {quote(name)}")
                cursor.execute(self.CONSTRAINTS, [table])
                for name, definition in cursor.fetchall():
                    self.dropped.append(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")

    def restore(self) -> None:
        """Build every dropped index again (unique ones first: they take longest)."""
        pending = sorted(self.dropped, key=lambda statement: "UNIQUE" not in statement)
        self.dropped = []
        if not pending:
            return
        work: queue.Queue = queue.Queue()
        for statement in pending:
            work.put(statement)
        errors: list[BaseException] = []
        params = connection.get_connection_params()

        def build():
            raw = connection.get_new_connection(params)
            try:
                raw.autocommit = True
                with raw.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '512MB'")
                    while True:
                        try:
                            statement = work.get_nowait()
                        except queue.Empty:
                            return
                        cursor.execute(statement)
            except BaseException as exc:
                errors.append(exc)
            finally:
                raw.close()

        threads = [threading.Thread(target=build, daemon=True) for _ in range(min(self.jobs, len(pending)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise CommandError(f"Building the indexes again failed: {errors[0]}") from errors[0]


def _sql_adapter(field):
    """How to pass a value of `field` to executemany: dates and times through the backend, the rest as is."""
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return lambda value: connection.ops.adapt_datetimefield_value(value)
    if internal == "DateField":
        return lambda value: connection.ops.adapt_datefield_value(value)
    if internal in {"FileField", "ImageField"}:
        return lambda value: str(value or "")
    return lambda value: value


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_format(field):
    """A function writing a value of `field` in PostgreSQL's COPY text format."""
    internal = field.get_internal_type()
    if internal in {"DateTimeField", "DateField"}:
        return lambda value: "\\N" if value is None else value.isoformat()
    if internal == "BooleanField":
        return lambda value: "\\N" if value is None else ("t" if value else "f")
    if internal in {"FileField", "ImageField"}:
        return lambda value: _escape(str(value or ""))
    return lambda value: "\\N" if value is None else _escape(str(value))


class UniqueSlugs:
    """Slugs made unique by a numeric suffix, the way the models do it in save(), without a query per row."""

    def __init__(self, taken):
        self.taken = set(taken)

    def __call__(self, value: str, fallback: str, max_length: int = 80) -> str:
        base = slugify(value, allow_unicode=True)[: max_length - 6] or fallback
        slug, n = base, 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug
