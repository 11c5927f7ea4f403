"""A real HTTP receiver on a free local port, in a thread: it records each request (headers, raw body) and
answers with the statuses it is told, then 200."""

import http.server
import threading

import pytest

from webhooks.models import EventName, WebhookEndpoint


class Receiver:
    def __init__(self):
        self.requests = []
        self.statuses = []  # answered in order, then 200

    def handler(receiver):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "body": raw})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(f"answer {status}".encode())

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver, db):
    return WebhookEndpoint.objects.create(url=receiver.url, events=[e.value for e in EventName])
