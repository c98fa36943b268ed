#!/usr/bin/env python3
"""A stand-in for ClickHouse's HTTP interface on 127.0.0.1, for evq's tests.

Runs each request's SQL in chdb (ClickHouse in process) and answers as a server does: the
result in the requested FORMAT, or status 500 with the server's "Code: N. DB::Exception: ..."
text. Checks X-ClickHouse-User / X-ClickHouse-Key when --user/--password are given. KILL
QUERY stops a waiting test query: SQL holding '__evq_test_slow__' waits (up to 20 s) until
it is killed. Prints "port N" once listening; exits 3 when chdb cannot be imported.
Stops by itself after --lifetime seconds, or as soon as the process that started it is gone.
"""
import argparse, os, re, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from chdb import session as chdb_session
except Exception as e:  # noqa: BLE001
    print(f"chdb unavailable: {e}", flush=True)
    sys.exit(3)

parser = argparse.ArgumentParser()
parser.add_argument("--user")
parser.add_argument("--password")
parser.add_argument("--lifetime", type=float, default=600)
args = parser.parse_args()

db = chdb_session.Session()
lock = threading.Lock()
killed = set()
seen_ids = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, body, query_id=""):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=UTF-8")
        self.send_header("X-ClickHouse-Query-Id", query_id)
        if status != 200:
            self.send_header("X-ClickHouse-Exception-Code", "1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        query_id = params.get("query_id", "")
        seen_ids.append(query_id)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "surrogateescape")
        if args.user is not None:
            if self.headers.get("X-ClickHouse-User") != args.user or self.headers.get("X-ClickHouse-Key") != args.password:
                user = self.headers.get("X-ClickHouse-User") or "default"
                return self.answer(516, f"Code: 516. DB::Exception: {user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)")
        sql = params["query"] + "\n" + body if "query" in params else body
        kill = re.match(r"\s*KILL QUERY WHERE query_id = '([^']*)'", sql)
        if kill:
            killed.add(kill.group(1))
            return self.answer(200, "")
        if "__evq_test_slow__" in sql:
            deadline = time.time() + 20
            while query_id not in killed and time.time() < deadline:
                time.sleep(0.02)
            return self.answer(500, "Code: 394. DB::Exception: Query was cancelled. (QUERY_WAS_CANCELLED)", query_id)
        fmt = re.search(r"\bFORMAT\s+(\w+)\s*$", sql)
        try:
            with lock:
                if fmt and not sql.lstrip().upper().startswith("INSERT"):
                    result = db.query(sql[: fmt.start()], fmt.group(1)).bytes()
                else:
                    result = db.query(sql).bytes() if sql.strip() else b""
            self.answer(200, result, query_id)
        except Exception as e:  # noqa: BLE001
            self.answer(500, str(e).strip(), query_id)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Timer(args.lifetime, server.shutdown).start()


def exit_with_parent(parent):
    # A test run that ends (or crashes) without stopping its servers must not leave them
    # behind: once the parent is gone, so is this process.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
print(f"port {server.server_address[1]}", flush=True)
server.serve_forever()
