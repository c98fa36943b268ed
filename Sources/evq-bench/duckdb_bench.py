#!/usr/bin/env python3
"""DuckDB side of evq-bench.

Usage: python3 duckdb_bench.py SPEC.json

SPEC.json (written by evq-bench):
  {"csv": PATH, "repeat": K, "budget_ms": B, "threads": [2, 1],
   "queries": [{"name": ..., "sql": ...}, ...]}

The CSV is loaded once (timed, with the first thread count) with read_csv_auto into an
in-memory table `events`. Then, for each thread count, each query runs once cold and up to K
times warm (stopping early once the warm runs took B ms), each timed with time.perf_counter
around execute + fetchall, so the result reaches Python as evq's result reaches Swift.

Prints one JSON object on stdout: {"version", "load_ms", "load_threads", "rows", "types",
"rss": {"before_load", "after_load", "peak_load"} (bytes, from /proc/self/status), "runs":
[{"threads", "queries": [{"name", "first_ms", "times_ms", "columns", "rows", "error"}]}]},
where "rows" is the last run's answer with every cell as text (dates as YYYY-MM-DD, floats
as %.6g, nulls as "null"), the way evq-bench renders evq's answers.

When the duckdb package is missing it is installed with pip; if that fails the script prints
{"error": ...} and exits 3.
"""
import datetime
import json
import subprocess
import sys
import time


def import_duckdb():
    try:
        import duckdb
        return duckdb
    except ImportError:
        pass
    print("duckdb_bench.py: the duckdb package is missing; installing it with pip", file=sys.stderr)
    for extra in ([], ["--user"]):
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *extra, "duckdb"],
                           stdout=sys.stderr, stderr=sys.stderr)
        if r.returncode == 0:
            break
    try:
        import importlib
        import site
        importlib.invalidate_caches()
        if site.ENABLE_USER_SITE and site.getusersitepackages() not in sys.path:
            sys.path.append(site.getusersitepackages())
        import duckdb
        return duckdb
    except ImportError:
        print(json.dumps({"error": "the duckdb Python package is not installed and pip could not install it: "
                                   "python3 -m pip install duckdb"}))
        sys.exit(3)


def memory():
    """(VmRSS, VmHWM) of this process in bytes."""
    values = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return values.get("VmRSS"), values.get("VmHWM")


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


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


def time_query(con, sql, repeat, budget_ms):
    out = {"first_ms": None, "times_ms": [], "columns": [], "rows": None, "error": None}
    spent = 0.0
    try:
        for k in range(repeat + 1):
            t = time.perf_counter()
            cur = con.execute(sql)
            result = cur.fetchall()
            e = (time.perf_counter() - t) * 1000.0
            if k == 0:
                out["first_ms"] = e
                out["columns"] = [d[0] for d in cur.description]
                continue
            out["times_ms"].append(e)
            spent += e
            if spent >= budget_ms:
                break
        out["rows"] = [[cell(v) for v in r] for r in result]
    except Exception as e:  # a failing query is reported, and the others still run
        out["error"] = str(e).splitlines()[0]
    return out


def main():
    duckdb = import_duckdb()
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    repeat = int(spec["repeat"])
    budget_ms = float(spec.get("budget_ms", 1e12))
    threads = [int(t) for t in spec.get("threads", [2])]
    con = duckdb.connect(":memory:")
    con.execute("SET threads = %d" % threads[0])

    print("evq-bench: duckdb load", file=sys.stderr, flush=True)
    reset_peak()
    before, _ = memory()
    t0 = time.perf_counter()
    con.execute("CREATE TABLE events AS SELECT * FROM read_csv_auto(?)", [spec["csv"]])
    load_ms = (time.perf_counter() - t0) * 1000.0
    after, peak = memory()
    rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
    types = [[r[0], r[1]] for r in con.execute("DESCRIBE events").fetchall()]

    runs = []
    for n in threads:
        con.execute("SET threads = %d" % n)
        queries = []
        for q in spec["queries"]:
            print("evq-bench: duckdb %dt %s" % (n, q["name"]), file=sys.stderr, flush=True)
            r = time_query(con, q["sql"], repeat, budget_ms)
            r["name"] = q["name"]
            queries.append(r)
        runs.append({"threads": n, "queries": queries})

    print(json.dumps({"version": duckdb.__version__, "load_ms": load_ms, "load_threads": threads[0], "rows": rows,
                      "types": types, "rss": {"before_load": before, "after_load": after, "peak_load": peak},
                      "runs": runs}))


if __name__ == "__main__":
    main()
