"""gunicorn settings for production: `gunicorn newsroom.wsgi` picks this file up from the working directory.

Every value can be overridden from the environment, so one file serves every app server behind the balancer.
"""

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


def post_fork(server, worker):
    # Connections must never be shared across forked workers (preload_app opens none, but be sure).
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
