#!/usr/bin/env python3
"""Fault test: stop PostgreSQL, then Redis, under a running site, and check what readers and editors get.

    .venv/bin/python scripts/faulttest.py          # CI runs it as root (initdb must run as user postgres)

It never touches the machine's own PostgreSQL (5432) or Redis (6379): it starts a PostgreSQL instance of its
own (initdb into a temporary folder, as user postgres when run as root, on a free port) and a redis-server of
its own (--save "", on a free port), serves the site with gunicorn and production settings over them, keeps
readers (home, issue, article, search) and a logged-in editor (the article list in the admin) busy, and then:

1. baseline: everything answers 200;
2. PostgreSQL stopped (pg_ctl stop -m fast): readers get the friendly 503 page (status 503, Retry-After, the
   site's look) or a cached page (200); the editor gets the admin's 503 page. Nothing else is allowed: no 500,
   no hung or refused connection;
3. PostgreSQL started again: everything answers 200 again by itself (persistent connections with health
   checks), within --max-recovery seconds; the time it took is printed;
4. Redis killed: the site answers 200, uncached, and the log says so (core/cache/resilient.py: one line);
5. Redis started again: still 200, and the log says it is back.

It prints the figures of every phase (requests, statuses seen, errors, time to recover) and exits 1 when any
expectation fails. Everything it started is stopped and removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import http.client
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadtest import (  # noqa: E402  (shared helpers; scripts/ is not a package)
    PATHS_SCRIPT,
    Gunicorn,
    free_port,
    fresh_database,
    log,
    manage,
    production_env,
)

EDITOR = ("fault_editor", "Fault-editor-pass-2026")
CREATE_EDITOR = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
user = get_user_model().objects.create_user({EDITOR[0]!r}, password={EDITOR[1]!r}, is_staff=True)
user.groups.add(Group.objects.get(name="Editors"))
"""


# ----- services of our own ---------------------------------------------------------------------------------


def _pg_bin(tool: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return candidates[-1]
    found = shutil.which(tool)
    if not found:
        raise RuntimeError(f"{tool} not found (apt-get install postgresql)")
    return found


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free loopback port, trust authentication, user postgres."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="hard_faults_pg_"))
        self.data = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self.as_postgres = os.geteuid() == 0  # root may not run PostgreSQL; the postgres user does

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        if self.as_postgres:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket_to("127.0.0.1", self.port) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def socket_to(host: str, port: int):
    import socket

    return socket.create_connection((host, port), timeout=1)


# ----- traffic ---------------------------------------------------------------------------------------------


@dataclass
class Hit:
    at: float
    who: str
    path: str
    status: int | None
    error: str
    body: str
    retry_after: str | None


class Traffic:
    """Reader threads and one editor thread, hitting the site without pause, recording every answer."""

    def __init__(self, base: str, reader_paths: list[str], editor_cookie: str, readers: int = 4):
        self.base = urllib.parse.urlsplit(base)
        self.reader_paths = reader_paths
        self.editor_cookie = editor_cookie
        self.readers = readers
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.t0 = time.monotonic()
        self.threads: list[threading.Thread] = []

    def _get(self, who: str, path: str, headers: dict) -> None:
        started = time.monotonic() - self.t0
        connection = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=20)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            hit = Hit(started, who, path, response.status, "", body, response.getheader("Retry-After"))
        except (OSError, http.client.HTTPException) as exc:
            hit = Hit(started, who, path, None, f"{type(exc).__name__}: {exc}", "", None)
        finally:
            connection.close()
        with self.lock:
            self.hits.append(hit)

    def _reader(self, index: int) -> None:
        n = index
        while not self.stop_event.is_set():
            path = self.reader_paths[n % len(self.reader_paths)]
            n += self.readers
            self._get("reader", path, {"Accept-Language": "zh-hans"})
            time.sleep(0.02)

    def _editor(self) -> None:
        while not self.stop_event.is_set():
            self._get("editor", "/admin/articles/article/", {"Cookie": self.editor_cookie})
            time.sleep(0.1)

    def start(self) -> None:
        self.threads = [
            threading.Thread(target=self._reader, args=(i,), daemon=True) for i in range(self.readers)
        ]
        self.threads.append(threading.Thread(target=self._editor, daemon=True))
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def between(self, start: float, end: float) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if start <= h.at < end]


def health(base: str) -> tuple[int, dict]:
    """GET /healthz: (status, {check name: status})."""
    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(base + "/healthz", timeout=15) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError as error:
        return 0, {"error": str(error)}
    try:
        checks = json.loads(body).get("checks", {})
    except ValueError:
        return status, {"error": "not JSON"}
    return status, {name: check.get("status") for name, check in checks.items()}


def expect_health(base: str, phase: str, status: int, failing: set, figures: list, failures: list):
    """The health check must say exactly which dependencies are down (issue 8)."""
    got_status, checks = health(base)
    figures.append(f"/healthz {phase}: {got_status} {checks}")
    bad = {name for name, value in checks.items() if value != "ok"}
    if got_status != status or bad != failing:
        failures.append(
            f"/healthz {phase}: {got_status} {checks}, expected {status} with {failing or 'none'} failing"
        )


def login(base: str) -> str:
    """Log the editor in through the real login form; return the Cookie header for the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/admin/login/", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": EDITOR[0], "password": EDITOR[1], "next": "/admin/"}
    ).encode()
    opener.open(base + "/admin/login/?next=/admin/", data=data, timeout=20).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("the editor could not log in")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# ----- checks ----------------------------------------------------------------------------------------------


def is_friendly_503(hit: Hit, audience: str) -> bool:
    return (
        hit.status == 503
        and hit.retry_after is not None
        and 'data-status="503"' in hit.body
        and f'data-audience="{audience}"' in hit.body
        and "/static/css/site" in hit.body
    )


def summarize(label: str, hits: list[Hit]) -> str:
    counts = Counter((h.who, h.status if h.status is not None else h.error.split(":")[0]) for h in hits)
    parts = ", ".join(f"{who} {status}: {n}" for (who, status), n in sorted(counts.items(), key=str))
    return f"{label:<22} {len(hits):>6} requests   {parts}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase-seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--max-recovery", type=float, default=30.0, help="seconds allowed to recover")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args(argv)
    phase = args.phase_seconds

    failures: list[str] = []
    figures: list[str] = []
    postgres, redis_server = PrivatePostgres(), PrivateRedis()
    server = traffic = None
    try:
        log(f"private PostgreSQL on port {postgres.port}, private Redis on port {redis_server.port}")
        postgres.init()
        redis_server.start()
        with fresh_database("hard_faults", postgres.port) as database_url:
            env = production_env(
                database_url,
                f"redis://127.0.0.1:{redis_server.port}/0",
                DJANGO_CACHE_PREFIX="hard_faults",
                DJANGO_MEDIA_ROOT=str(postgres.root / "media"),
                DJANGO_PRIVATE_MEDIA_ROOT=str(postgres.root / "private-media"),
                DJANGO_DB_CONNECT_TIMEOUT="3",
            )
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            manage(env, "demo_data")
            manage(env, "shell", "-c", CREATE_EDITOR)
            import json

            paths = json.loads(manage(env, "shell", "-c", PATHS_SCRIPT).strip().splitlines()[-1])
            reader_paths = ["/", *paths["issues"][:3], *paths["articles"][:8]]
            reader_paths += [f"/search/?q={urllib.parse.quote(w)}" for w in ("科协", "科普", "培训", "青岚")]

            server = Gunicorn(env, args.workers, postgres.root / "gunicorn.log")
            server.wait_ready()
            cookie = login(server.base)
            traffic = Traffic(server.base, reader_paths, cookie)
            traffic.start()
            log(f"site on {server.base}; traffic running")

            # 1. baseline
            time.sleep(phase)
            t_stop = traffic.now()
            baseline = traffic.between(0, t_stop)
            figures.append(summarize("baseline", baseline))
            expect_health(server.base, "baseline", 200, set(), figures, failures)
            bad = [h for h in baseline if h.status != 200]
            if bad:
                failures.append(
                    f"baseline: {len(bad)} answers were not 200 ({bad[0].path}: {bad[0].status or bad[0].error})"
                )

            # 2. PostgreSQL down
            log("stopping PostgreSQL")
            postgres.stop()
            t_down = traffic.now()
            time.sleep(phase)
            t_up_request = traffic.now()
            outage = traffic.between(t_down + 1.0, t_up_request)  # requests begun before the stop may finish
            figures.append(summarize("PostgreSQL stopped", outage))
            # The schedule check reads the database too.
            expect_health(server.base, "PostgreSQL stopped", 503, {"database", "schedule"}, figures, failures)
            for hit in outage:
                if hit.who == "reader" and not (hit.status == 200 or is_friendly_503(hit, "readers")):
                    failures.append(f"outage: reader got {hit.status or hit.error} for {hit.path}")
                    break
            for hit in outage:
                if hit.who == "editor" and not is_friendly_503(hit, "staff"):
                    failures.append(f"outage: editor got {hit.status or hit.error}, not the admin's 503 page")
                    break
            if not any(h.who == "editor" for h in outage) or not any(h.who == "reader" for h in outage):
                failures.append("outage: no request was answered at all (hung?)")

            # 3. PostgreSQL back
            log("starting PostgreSQL")
            postgres.start()
            t_back = traffic.now()
            time.sleep(phase)
            t_end_recovery = traffic.now()
            after = traffic.between(t_back, t_end_recovery)
            figures.append(summarize("PostgreSQL restarted", after))
            last_failure = max((h.at for h in after if h.status != 200), default=None)
            recovered_at = None
            if last_failure is None:
                recovered_at = min((h.at for h in after), default=t_back)
            else:
                later = [h.at for h in after if h.at > last_failure and h.status == 200]
                recovered_at = min(later) if later else None
            if recovered_at is None:
                failures.append("PostgreSQL back: the site did not recover")
                figures.append("time to recover: never")
            else:
                recovery = max(0.0, recovered_at - t_back)
                figures.append(f"time to recover after PostgreSQL accepted connections: {recovery:.2f} s")
                if recovery > args.max_recovery:
                    failures.append(f"recovery took {recovery:.1f} s (limit {args.max_recovery:g} s)")
                tail = [h for h in after if h.at >= t_end_recovery - phase / 2]
                if any(h.status != 200 for h in tail):
                    failures.append("PostgreSQL back: errors still in the second half of the phase")

            # 4. Redis down
            log("killing Redis")
            redis_server.kill()
            t_redis_down = traffic.now()
            time.sleep(phase)
            t_redis_up = traffic.now()
            redis_down = traffic.between(t_redis_down + 0.5, t_redis_up)
            figures.append(summarize("Redis killed", redis_down))
            expect_health(server.base, "Redis killed", 503, {"cache"}, figures, failures)
            bad = [h for h in redis_down if h.status != 200]
            if bad:
                failures.append(
                    f"Redis down: {len(bad)} answers were not 200 ({bad[0].path}: {bad[0].status or bad[0].error})"
                )
            if not redis_down:
                failures.append("Redis down: no request was answered")

            # 5. Redis back
            log("starting Redis")
            redis_server.start()
            t_redis_back = traffic.now()
            time.sleep(phase)
            redis_back = traffic.between(t_redis_back, traffic.now())
            figures.append(summarize("Redis restarted", redis_back))
            expect_health(server.base, "Redis restarted", 200, set(), figures, failures)
            bad = [h for h in redis_back if h.status != 200]
            if bad:
                failures.append(f"Redis back: {len(bad)} answers were not 200")

            traffic.stop()
            server.stop()
            logged = server.log_path.read_text(errors="replace")
            unreachable = len(re.findall(r"Redis cache at \S+ is unreachable", logged))
            back = len(re.findall(r"Redis cache at \S+ is back", logged))
            outage_lines = len(re.findall(r"Database unavailable, answered 503", logged))
            figures.append(
                f"log: {unreachable} 'Redis unreachable' line(s) (one per worker at most: {args.workers}), "
                f"{back} 'Redis is back' line(s), {outage_lines} 'Database unavailable' line(s)"
            )
            if unreachable == 0:
                failures.append("Redis down: the log does not say so")
            if unreachable > args.workers * 2:
                failures.append(f"Redis down: logged {unreachable} times, not once per worker")
            if back == 0:
                failures.append("Redis back: the log does not say so")
            if "Traceback" in logged and "Internal Server Error" in logged:
                failures.append("the log holds server errors (500)")
    except Exception as exc:  # report, clean up, fail
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        if traffic is not None:
            traffic.stop()
        if server is not None:
            server.stop()
        redis_server.kill()
        postgres.destroy()

    print()
    print("=== fault test figures ===")
    print("\n".join(figures))
    if failures:
        if server is not None:
            print("gunicorn log (tail):\n" + server.log_tail(40))
        print("FAULT TEST FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("FAULT TEST PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
