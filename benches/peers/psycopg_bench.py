"""psycopg 3 contenders for benches/driver.rs, timed inside the process.

    python3 psycopg_bench.py fetch N SELECT   -> rows into dataclasses, binary
    python3 psycopg_bench.py copy_in N        -> binary COPY with write_row

Connects to $DATABASE_URL; prints the seconds the measured part took.
Rows for COPY are made before the clock starts, as the Rust contenders'
are.
"""

import dataclasses
import datetime
import decimal
import os
import sys
import time
import uuid

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb


@dataclasses.dataclass
class Mixed:
    id: int
    name: str
    score: float
    price: decimal.Decimal
    created: datetime.datetime
    active: bool
    tags: list
    doc: dict
    key: uuid.UUID


def fetch(conn, n, select):
    with conn.cursor(binary=True, row_factory=class_row(Mixed)) as cur:
        start = time.perf_counter()
        count = 0
        for _row in cur.stream(select, binary=True):
            count += 1
        elapsed = time.perf_counter() - start
    assert count == n, (count, n)
    return elapsed


def copy_in(conn, n):
    epoch = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    rows = [
        (
            i,
            f"user-{i}",
            i / 7.0,
            decimal.Decimal(i % 100000) / 100,
            epoch + datetime.timedelta(seconds=i),
            i % 2 == 0,
            ["a", f"tag-{i % 10}"],
            Jsonb({"id": i, "kind": f"k{i % 5}"}),
            uuid.UUID(int=i),
        )
        for i in range(1, n + 1)
    ]
    with conn.cursor() as cur:
        cur.execute("TRUNCATE bench_mixed")
        start = time.perf_counter()
        with cur.copy(
            "COPY bench_mixed (id, name, score, price, created, active, tags, doc, key) "
            "FROM STDIN (FORMAT binary)"
        ) as copy:
            copy.set_types(
                ["int8", "text", "float8", "numeric", "timestamptz", "bool", "text[]", "jsonb", "uuid"]
            )
            for row in rows:
                copy.write_row(row)
        elapsed = time.perf_counter() - start
    conn.commit()
    return elapsed


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        if mode == "fetch":
            elapsed = fetch(conn, n, sys.argv[3])
        else:
            elapsed = copy_in(conn, n)
    print(f"{elapsed:.9f}")


if __name__ == "__main__":
    main()
