"""DuckDB's persisted database for evq-bench's store section.

    python3 duckdb_store_bench.py create SPEC.json   -> creates the database file from the CSV
    python3 duckdb_store_bench.py query SPEC.json    -> reopens it and times the queries
    python3 duckdb_store_bench.py count SPEC.json    -> reopens it and counts (timed whole, by the caller)

SPEC: {"csv", "db", "repeat", "budget_ms", "threads", "queries": [{"name", "sql"}]}.
Prints one JSON object: create: {"create_ms", "bytes"}; query: {"open_ms", "rss_after_open",
"queries": [{"name", "first_ms", "times_ms", "columns", "rows", "error"}]}; count: {"count"}.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import duckdb_bench as base  # noqa: E402  (shares the import, memory and timing helpers)


def main():
    mode, spec_path = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    duckdb = base.import_duckdb()
    db = spec["db"]
    if mode == "create":
        for p in (db, db + ".wal"):
            if os.path.exists(p):
                os.remove(p)
        t = time.perf_counter()
        con = duckdb.connect(db)
        con.execute("SET threads = %d" % spec.get("threads", 2))
        con.execute("CREATE TABLE events AS SELECT * FROM read_csv_auto(?)", [spec["csv"]])
        con.execute("CHECKPOINT")
        con.close()
        print(json.dumps({"create_ms": (time.perf_counter() - t) * 1000.0, "bytes": os.path.getsize(db)}))
    elif mode == "count":
        con = duckdb.connect(db, read_only=True)
        print(json.dumps({"count": con.execute("SELECT count(*) FROM events").fetchone()[0]}))
    else:
        t = time.perf_counter()
        con = duckdb.connect(db, read_only=True)
        con.execute("SET threads = %d" % spec.get("threads", 2))
        con.execute("SELECT count(*) FROM events").fetchall()
        open_ms = (time.perf_counter() - t) * 1000.0
        rss, _ = base.memory()
        queries = []
        for q in spec["queries"]:
            r = base.time_query(con, q["sql"], spec["repeat"], spec["budget_ms"])
            r["name"] = q["name"]
            queries.append(r)
        print(json.dumps({"open_ms": open_ms, "rss_after_open": rss, "queries": queries}))


if __name__ == "__main__":
    main()
