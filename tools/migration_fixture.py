#!/usr/bin/env python3
"""Writes a migration fixture: the data of a Linkwork SQLite database as portable SQL INSERTs that
both SQLite and PostgreSQL accept, for crates/store/tests/migrations.rs (which loads it into a
database migrated up to the fixture's schema version, then migrates to the current schema and
checks the data survived).

Make a fixture of today's schema (keep the old ones: each tests the upgrade from its version):

    target/debug/linkwork demo --database /tmp/fixture.db --referrals 20 --seed 2026 --bind 127.0.0.1:0
    # wait for "Linkwork is running", then Ctrl-C
    python3 tools/migration_fixture.py /tmp/fixture.db > crates/store/tests/fixtures/schema-$(sqlite3 /tmp/fixture.db 'SELECT MAX(version) FROM _sqlx_migrations').sql

Rows go in foreign-key order (parents before children, and within a table that refers to itself,
referenced rows first). Reference tables the demo fills in bulk (postcode_lsoa, lsoa_imd) keep
only the rows the fixture's people use. Booleans are written TRUE/FALSE (PostgreSQL does not take
1/0 for them), everything else as SQLite holds it.
"""

import pathlib
import sqlite3
import sys

MIGRATIONS = pathlib.Path(__file__).resolve().parent.parent / "migrations"


SEEDED_BY_MIGRATIONS = {"data_version"}


def quote(value, declared):
    if value is None:
        return "NULL"
    if declared.upper().startswith("BOOL"):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def main(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    version = db.execute("SELECT MAX(version) FROM _sqlx_migrations").fetchone()[0]
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name")]
    # Rows the migrations themselves write (the data version's one row): the migrated database
    # already has them.
    tables = [t for t in tables if t not in SEEDED_BY_MIGRATIONS]
    parents = {t: {r[2] for r in db.execute(f"SELECT * FROM pragma_foreign_key_list('{t}')")} for t in tables}
    ordered, done = [], set()
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in done and parents[t] - {t} <= done]
        if not ready:
            sys.exit(f"foreign keys form a cycle among {sorted(set(tables) - done)}")
        for t in ready:
            ordered.append(t)
            done.add(t)

    used_postcodes = "SELECT postcode FROM people WHERE postcode IS NOT NULL"
    keep = {
        "postcode_lsoa": f"WHERE postcode IN ({used_postcodes})",
        "lsoa_imd": f"WHERE lsoa IN (SELECT lsoa FROM postcode_lsoa WHERE postcode IN ({used_postcodes}))",
    }
    # Rows the migrations themselves write (the taxonomy) are there before the fixture loads.
    seeded = sqlite3.connect(":memory:")
    for migration in sorted(MIGRATIONS.glob("*.sql")):
        if int(migration.name.split("_")[0]) <= version:
            seeded.executescript(migration.read_text())
    out = sys.stdout
    out.write(f"-- Linkwork data at schema version {version}, written by tools/migration_fixture.py from a demo database.\n")
    out.write("-- Synthetic people only. Portable SQL: SQLite and PostgreSQL.\n")
    out.write(f"-- schema-version: {version}\n")
    for table in ordered:
        columns = [(r[1], r[2]) for r in db.execute(f"SELECT * FROM pragma_table_info('{table}') ORDER BY cid")]
        names = ", ".join(c for c, _ in columns)
        rows = db.execute(f'SELECT {names} FROM "{table}" {keep.get(table, "")} ORDER BY rowid').fetchall()
        already = set(seeded.execute(f'SELECT {names} FROM "{table}"').fetchall())
        rows = [r for r in rows if r not in already]
        self_refs = [(r[3], r[4]) for r in db.execute(f"SELECT * FROM pragma_foreign_key_list('{table}')") if r[2] == table]
        if self_refs:
            rows = referenced_first(rows, [c for c, _ in columns], self_refs)
        for row in rows:
            values = ", ".join(quote(v, declared) for v, (_, declared) in zip(row, columns))
            out.write(f"INSERT INTO {table} ({names}) VALUES ({values});\n")


def referenced_first(rows, names, self_refs):
    """Orders rows so that a row a self-reference points to comes before the row pointing at it."""
    placed, ordered, pending = set(), [], list(rows)
    key_columns = {to for _, to in self_refs}
    while pending:
        progress = []
        for row in pending:
            record = dict(zip(names, row))
            if all(record[frm] is None or record[frm] in placed or record[frm] == record[to] for frm, to in self_refs):
                progress.append(row)
        if not progress:
            sys.exit("rows refer to each other in a cycle")
        for row in progress:
            record = dict(zip(names, row))
            placed.update(record[c] for c in key_columns)
            ordered.append(row)
        pending = [r for r in pending if r not in progress]
    return ordered


if __name__ == "__main__":
    main(sys.argv[1])
