"""A webhook destination on the outbox: `notebridge serve` with `destinations.hook.type: webhook` posts a signed
note.generated event for every note written from an MDM^T02 to an HTTP receiver started here on 127.0.0.1; the
signature is checked with an independent HMAC; a 503 is retried with the same event id, a 400 goes to the dead
letter, and no PHI is in an event, the log or the outbox listing."""
import hashlib
import hmac
import http.server
import json
import threading
import time

from test_pipeline import NAME_MARKER, TRANSCRIPT_MARKER, mdm, outbox, send, wait_for

SECRET = "whsec_test_destination_0123456789"


class HookReceiver:
    def __init__(self):
        self.events = []  # (headers, body, status answered)
        self.lock = threading.Lock()
        self.answer = lambda event: 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.answer(json.loads(body))
                with receiver.lock:
                    receiver.events.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def signed(headers: dict, body: bytes) -> bool:
    parts = dict(part.split("=", 1) for part in headers["NoteBridge-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


def test_webhook_destination_delivers_signed_events_through_the_outbox(gateway_factory, tmp_path):
    receiver = HookReceiver()
    refused_once = []

    def answer(event):
        if not refused_once:
            refused_once.append(event["data"]["noteId"])
            return 503  # the first event's first try: retried
        return 200

    receiver.answer = answer
    config = tmp_path / "webhook.yaml"
    config.write_text(
        "destinations:\n"
        "  hook:\n"
        "    type: webhook\n"
        "    url: http://127.0.0.1:${HOOK_PORT}/events\n"
        "    secret: ${HOOK_SECRET}\n"
        "    timeoutSeconds: 5\n"
        "    initialBackoffMilliseconds: 200\n"
        "    maxBackoffSeconds: 1\n")
    gateway = gateway_factory(env={"HOOK_PORT": str(receiver.port), "HOOK_SECRET": SECRET})
    gateway.args = ["--config", str(config)]
    gateway.start()
    try:
        assert send(gateway, mdm("HOOK-1", "MRN6001", "V1")) == "AA"
        assert send(gateway, mdm("HOOK-2", "MRN6002", "V2")) == "AA"
        wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered", "delivered"], what="both delivered")
        rows = outbox(gateway)
        assert all(r["destination"] == "hook" for r in rows)
        assert sorted(r["attempts"] for r in rows) == [1, 2]
        retried = next(r for r in rows if r["attempts"] == 2)
        assert retried["noteId"] == refused_once[0]
        with receiver.lock:
            events = list(receiver.events)
        assert [status for _, _, status in events].count(503) == 1
        for headers, body, _ in events:
            assert signed(headers, body)
            assert headers["NoteBridge-Event"] == "note.generated"
            event = json.loads(body)
            assert event["type"] == "note.generated" and event["data"]["destination"] == "hook"
            assert event["data"]["noteId"].startswith("note_")
            for marker in (NAME_MARKER, TRANSCRIPT_MARKER, "MRN600"):
                assert marker.encode() not in body
        # The retry carries the same event id (the row's control id), so the receiver can drop duplicates.
        ids = [json.loads(body)["id"] for _, body, _ in events if json.loads(body)["data"]["noteId"] == refused_once[0]]
        assert ids == ["evt_" + retried["controlId"]] * 2

        # A refusal (400) is the dead letter, with the status only.
        receiver.answer = lambda event: 400
        assert send(gateway, mdm("HOOK-3", "MRN6003", "V3")) == "AA"
        wait_for(lambda: "dead" in [r["state"] for r in outbox(gateway)], what="the refused event dead-lettered")
        dead = [r for r in outbox(gateway) if r["state"] == "dead"]
        assert dead[0]["lastError"] == "HTTP 400: the webhook receiver refused the event"
        log = gateway.log_text()
        for marker in (NAME_MARKER, TRANSCRIPT_MARKER, SECRET):
            assert marker not in log
    finally:
        receiver.stop()


def test_a_webhook_destination_needs_a_url_and_a_secret(gateway_factory, tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("destinations:\n  hook:\n    type: webhook\n    url: ftp://example.org/x\n    secret: short\n")
    gateway = gateway_factory()
    result = gateway.cli("serve", "--config", str(config), check=False)
    assert result.returncode != 0
    assert b"destinations.hook.url" in result.stderr
