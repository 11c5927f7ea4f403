"""gunicorn settings for production: `gunicorn newsroom.wsgi` picks this file up from the working directory.

Every value can be overridden from the environment, so one file serves every app server behind the balancer.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound; jitter avoids all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Load the app once in the master: faster worker starts, shared read-only memory.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Behind nginx / a load balancer on the same host or network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# gunicorn's control socket lives at one path per user: several servers on one machine would share it.
control_socket_disable = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s","status":%(s)s,'
    '"bytes":%(B)s,"duration_ms":%(M)s,"referer":"%(f)s","agent":"%(a)s"}'
)


# Python's cyclic garbage collector, tuned for a worker's memory. Measured on 1,000,000 articles (bench/run.py's
# cold phase, 2 workers): the largest worker ended at 147 MB without this, 140 MB with it; no slower.
# A page that loads articles with their bylines leaves thousands of objects in reference cycles (an article and
# its prefetched bylines point at each other); they outlive the request until a full collection, which by
# default runs only once 25% more objects than the application's own hundreds of thousands have piled up. The
# heap grows to hold them and never shrinks (freed memory stays in the allocator's half-empty pools): the worker
# settles several MB higher than it needs (7-9 MB here). Two standard remedies, together:
# - gc.freeze() in the master just before forking: the objects loaded at start (the preloaded application) move
#   to a permanent generation that collections skip. A full collection then walks only what requests created,
#   so it is cheap, and it no longer writes to the parent's pages (no copy-on-write of the shared heap);
# - a full collection every GC_FULL_EVERY collections of the middle generation (Python's default: 10).
# Workers are single-threaded (sync), so glibc keeps one malloc arena each: MALLOC_ARENA_MAX changes nothing here.
GC_FULL_EVERY = int(os.environ.get("GUNICORN_GC_FULL_EVERY", "1"))


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    # Connections must never be shared across forked workers (preload_app opens none, but be sure).
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
    gen0, gen1, _gen2 = gc.get_threshold()
    gc.set_threshold(gen0, gen1, GC_FULL_EVERY)
