"""Throughput and latency of one localized page under gunicorn, against the framework floor and nginx.

    .venv/bin/python bench/load.py [--path /ja/message/] [--duration 10] [--runs 3]

Four servers on loopback, each driven by `wrk -t2 -c16 --latency` for a fixed time, in rounds (one run of
each server per round, so machine noise hits all of them alike); medians, ratios and per-round ratios are
printed:

  site           the real app (`app:create_app()`) under gunicorn with the production `gunicorn.conf.py`
  floor          the same bytes returned from memory by a one-route Flask app (`floor_app` below), under
                 the same gunicorn settings: what Flask + gunicorn cost with no work at all
  floor+headers  the floor, also sending the site's own response headers (CSP, nosniff, Referrer-Policy,
                 X-Frame-Options, Content-Language), added the cheapest way (a WSGI wrapper appending ready
                 tuples): what the site's response costs with no app logic, so site / floor+headers is the
                 cost of the app itself, and floor+headers / floor the cost of the headers
  nginx          the same bytes as a static file from nginx (foreground child, temporary config, free port)

Before measuring, all four must serve byte-identical bodies. Any response that is not 2xx, or any socket
error, fails the run (exit status 1). Targets (printed, not asserted): site >= 0.9 x floor, p99 < 20 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.9
TARGET_P99_MS = 20.0
# Headers every server adds by itself; the rest of the site's headers are what floor+headers adds.
SERVER_HEADERS = {"server", "date", "connection", "content-type", "content-length"}
LABELS = {"site": "site (app, cached page)", "floor": "framework floor (Flask view)",
          "floor+headers": "floor + the site's headers", "nginx": "static file (nginx)"}

# Counts every response outside 200-299 (wrk's own counter skips 3xx) and prints one JSON line at the end.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"non2xx": %d, "socket_errors": %d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), bad, e.connect + e.read + e.write + e.timeout))
end
"""

NGINX_CONF = """
daemon off;
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; }}
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/root;
        charset utf-8;
    }}
}}
"""


def floor_app():
    """gunicorn factory for the framework floor: one Flask view returning bytes already in memory.

    With BENCH_FLOOR_HEADERS (a JSON list of [name, value]), those headers are appended to every response.
    """
    from flask import Flask

    body = Path(os.environ["BENCH_FLOOR_HTML"]).read_bytes()
    app = Flask("floor")
    app.add_url_rule(os.environ["BENCH_PATH"], "page", lambda: body)
    extra = [tuple(pair) for pair in json.loads(os.environ.get("BENCH_FLOOR_HEADERS", "[]"))]
    if extra:
        inner = app.wsgi_app

        def with_headers(environ, start_response):
            return inner(environ, lambda status, headers, exc_info=None:
                         start_response(status, headers + extra, exc_info))
        app.wsgi_app = with_headers
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 20.0):
    """The body and headers of `url` once the server answers 200."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            sys.exit(f"server for {url} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status != 200:
                    sys.exit(f"{url} answered {response.status}, not 200")
                return response.read(), response.headers.items()
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"{url} did not come up within {timeout:.0f} s")
            time.sleep(0.1)


def start_gunicorn(app_spec: str, port: int, env: dict | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "--pythonpath", str(ROOT / "bench"), app_spec]
    # Access logging stays on (it is part of the production cost); its lines are discarded here.
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {}), "PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_nginx(tmp: Path, path: str, body: bytes, port: int) -> subprocess.Popen:
    target = tmp / "root" / path.strip("/") / "index.html"
    target.parent.mkdir(parents=True)
    target.write_bytes(body)
    for directory in [tmp, *(p for p in target.parents if tmp in p.parents)]:
        directory.chmod(0o755)  # nginx workers may run as another user when started by root
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port))
    # -e: the error log before the config is read, which would otherwise be a path under /var/log.
    return subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_wrk(url: str, script: Path, duration: int, threads: int, connections: int) -> dict:
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
                          "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    result = json.loads(line[len("BENCH "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_servers(tmp: Path, path: str, processes: list) -> dict[str, str]:
    """Start all four servers (appending to `processes`); their URLs, once they serve identical bodies."""
    ports = {name: free_port() for name in LABELS}
    urls = {name: f"http://127.0.0.1:{port}{path}" for name, port in ports.items()}
    processes.append(start_gunicorn("app:create_app()", ports["site"]))
    body, headers = wait_for(urls["site"], processes[-1])
    (tmp / "page.html").write_bytes(body)
    site_headers = [[name, value] for name, value in headers if name.lower() not in SERVER_HEADERS]
    floor_env = {"BENCH_FLOOR_HTML": str(tmp / "page.html"), "BENCH_PATH": path}
    processes.append(start_gunicorn("load:floor_app()", ports["floor"], floor_env))
    processes.append(start_gunicorn("load:floor_app()", ports["floor+headers"],
                                    {**floor_env, "BENCH_FLOOR_HEADERS": json.dumps(site_headers)}))
    processes.append(start_nginx(tmp, path, body, ports["nginx"]))
    for name, process in zip(list(LABELS)[1:], processes[1:], strict=True):
        if wait_for(urls[name], process)[0] != body:
            sys.exit(f"{name} does not serve the same bytes as the site")
    return urls


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/ja/message/", help="the page to request (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default: 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per server; medians are reported")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (make system-packages)")

    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            urls = start_servers(tmp, args.path, processes)
            size = len((tmp / "page.html").read_bytes())
            script = tmp / "count.lua"
            script.write_text(WRK_SCRIPT)
            for url in urls.values():  # warm up: every worker has loaded catalogs and rendered the page
                run_wrk(url, script, 2, args.threads, args.connections)
            results = {name: [] for name in urls}
            for _ in range(args.runs):
                for name, url in urls.items():
                    results[name].append(run_wrk(url, script, args.duration, args.threads, args.connections))
        finally:
            for process in processes:
                stop(process)
    return report(results, args, size)


def report(results: dict, args, size: int) -> int:
    workers = os.environ.get("WEB_CONCURRENCY", str(2 * os.cpu_count()))
    print(f"GET {args.path} ({size:,} bytes), wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
          f"--latency, medians of {args.runs} runs; gunicorn.conf.py, {workers} sync workers; "
          f"{os.cpu_count()} cores")
    print(f"{'':30s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'non-2xx':>8s} {'socket errors':>14s}")
    medians, failures = {}, 0
    for name, runs in results.items():
        median = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_us", "p99_us")}
        bad = sum(run["non2xx"] for run in runs)
        socket_errors = sum(run["socket_errors"] for run in runs)
        failures += bad + socket_errors
        medians[name] = median
        print(f"{LABELS[name]:30s} {median['rps']:9,.0f} {median['p50_us'] / 1000:8.2f} "
              f"{median['p99_us'] / 1000:8.2f} {bad:8d} {socket_errors:14d}")

    def ratio(a: str, b: str) -> str:
        rounds = " ".join(f"{x['rps'] / y['rps']:.2f}" for x, y in zip(results[a], results[b], strict=True))
        return f"{medians[a]['rps'] / medians[b]['rps']:.3f}  (per round: {rounds})"

    to_floor = medians["site"]["rps"] / medians["floor"]["rps"]
    p99 = medians["site"]["p99_us"] / 1000
    print(f"site / floor          = {ratio('site', 'floor')}  target >= {TARGET_RATIO}: "
          f"{'met' if to_floor >= TARGET_RATIO else 'MISSED'}")
    print(f"site / floor+headers  = {ratio('site', 'floor+headers')}  (the app's own cost)")
    print(f"floor+headers / floor = {ratio('floor+headers', 'floor')}  (the cost of sending the site's headers)")
    print(f"site / nginx          = {ratio('site', 'nginx')}")
    print(f"site p99 = {p99:.2f} ms  target < {TARGET_P99_MS:g} ms: {'met' if p99 < TARGET_P99_MS else 'MISSED'}")
    if failures:
        print(f"FAILED: {failures} responses were not 2xx or ended in a socket error", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
