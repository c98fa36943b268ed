#!/usr/bin/env python3
"""evq-sql-bench's ClickHouse side: loads the benchmark CSV into chdb (ClickHouse in process)
with the table definition evq gives, then times each translated query: one cold run, then
warm runs (the median is reported). Reads a JSON spec (argv[1]), writes JSON on stdout."""
import json, sys, time

from chdb import session as chdb_session

spec = json.load(open(sys.argv[1]))
db = chdb_session.Session()
start = time.perf_counter()
db.query(spec["ddl"])
db.query(f"INSERT INTO events SELECT * FROM file({spec['csv']!r}, 'CSVWithNames') "
         "SETTINGS input_format_csv_empty_as_default = 1")
load_ms = (time.perf_counter() - start) * 1000
out = {"version": db.query("SELECT version()", "TSV").bytes().decode().strip(), "load_ms": load_ms, "queries": {}}
for q in spec["queries"]:
    runs, rows, error = [], None, None
    for k in range(spec["repeat"] + 1):
        t = time.perf_counter()
        try:
            result = db.query(q["sql"], "JSONCompact").bytes()
        except Exception as e:  # noqa: BLE001
            error = str(e).strip()[:300]
            break
        runs.append((time.perf_counter() - t) * 1000)
        rows = json.loads(result)["data"]
    out["queries"][q["id"]] = {"cold_ms": runs[0] if runs else None, "warm_ms": runs[1:], "rows": rows, "error": error}
print(json.dumps(out))
