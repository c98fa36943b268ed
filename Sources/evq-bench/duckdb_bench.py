#!/usr/bin/env python3
"""DuckDB side of evq-bench.

Usage: python3 duckdb_bench.py SPEC.json

SPEC.json (written by evq-bench):
  {"csv": PATH, "repeat": K, "threads": [0, 1],
   "queries": [{"name": ..., "sql": ...}, ...]}

threads: 0 = DuckDB's default (every core); any other number runs `SET threads = N`
before timing the queries again. The CSV is loaded once (timed), with read_csv_auto, into an
in-memory table `events`. Each query runs K times, each timed with time.perf_counter around
execute + fetchall (so the result reaches Python, as evq's result reaches Swift).

Prints one JSON object on stdout: {"version", "load_ms", "rows", "types", "runs": [{"threads",
"queries": [{"name", "times_ms", "rows"}]}]} where "rows" is the last run's result with every
cell as text (dates as YYYY-MM-DD). Exit code 3 when duckdb is not installed.
"""
import datetime
import json
import sys
import time

try:
    import duckdb
except ImportError:
    print(json.dumps({"error": "the duckdb Python package is not installed: pip install duckdb"}))
    sys.exit(3)


def cell(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        if v.hour == 0 and v.minute == 0 and v.second == 0 and v.microsecond == 0:
            return v.date().isoformat()
        return v.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return "%.6g" % v
    return str(v)


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    repeat = int(spec["repeat"])
    con = duckdb.connect(":memory:")

    t0 = time.perf_counter()
    con.execute("CREATE TABLE events AS SELECT * FROM read_csv_auto(?)", [spec["csv"]])
    load_ms = (time.perf_counter() - t0) * 1000.0
    rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
    types = {r[0]: r[1] for r in con.execute("DESCRIBE events").fetchall()}

    runs = []
    default_threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    for threads in spec.get("threads", [0]):
        con.execute("SET threads = %d" % (int(threads) if threads else int(default_threads)))
        out = []
        for q in spec["queries"]:
            times = []
            result = None
            for _ in range(repeat):
                t = time.perf_counter()
                result = con.execute(q["sql"]).fetchall()
                times.append((time.perf_counter() - t) * 1000.0)
            out.append({"name": q["name"], "times_ms": times,
                        "rows": [[cell(v) for v in r] for r in result]})
        runs.append({"threads": int(threads) if threads else int(default_threads), "queries": out})

    print(json.dumps({"version": duckdb.__version__, "load_ms": load_ms, "rows": rows,
                      "types": types, "runs": runs}))


if __name__ == "__main__":
    main()
