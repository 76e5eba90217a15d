"""gunicorn settings for `make serve` (production) and `bench/load.py`.

Override any of them for one run with GUNICORN_CMD_ARGS, e.g. `GUNICORN_CMD_ARGS="--workers 8" make serve`.
"""
import multiprocessing
import os

wsgi_app = "app:create_app()"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"

# Sync workers: a request is a short CPU-bound lookup of a cached page, so processes, not threads (the GIL)
# or an event loop, are what use the cores (gthread measured slower, with a worse p99). Two per core, so one
# slow request (a catalog reload, the translator pages) does not stall a core. For cached pages alone it
# hardly matters: on a 2-core box, 2 and 4 workers measured the same req/s within noise (bench/load.py).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# Load the app once in the master: workers fork with the code already imported (faster start, shared
# memory). Catalogs are still read lazily in each worker, which stats its .po on every request.
preload_app = True

# Access lines, gunicorn's own messages and the app's log (catalog errors) all go to stdout, one stream
# for the process supervisor or container runtime to collect.
accesslog = "-"
loglevel = "info"
_stdout = {"level": "INFO", "handlers": ["stdout"], "propagate": False}
logconfig_dict = {
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {"gunicorn.error": _stdout, "gunicorn.access": _stdout},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "generic",
                            "stream": "ext://sys.stdout"}},
}
# Heartbeat files on tmpfs: a disk-backed /tmp can stall workers long enough to have them killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn 27 otherwise opens a control socket under ~/.gunicorn/.
control_socket_disable = True
