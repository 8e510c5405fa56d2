"""The /v1 note API against a real `notebridge serve`: the first key, SSE read as it arrives, CLI key
management, the audit export, webhooks verified by an independent HMAC check, and PHI kept out of logs
and database files."""
import hashlib
import hmac
import http.client
import http.server
import json
import pathlib
import random
import sqlite3
import threading
import time

from conftest import REPO

TRANSCRIPT = (REPO / "samples" / "transcripts" / "primary-care-dialogue.txt").read_text()


def request(gateway, method, path, body=None, key=None, headers=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=timeout)
    all_headers = {"Content-Type": "application/json"}
    if key:
        all_headers["Authorization"] = f"Bearer {key}"
    all_headers.update(headers or {})
    payload = json.dumps(body).encode() if isinstance(body, dict) else body
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def test_first_start_prints_a_key_once_and_never_logs_it(gateway_factory):
    gateway = gateway_factory().start()
    assert gateway.api_key and gateway.api_key.startswith("nb_live_")
    status, _, body = request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT}, key=gateway.api_key)
    assert status == 200, body
    gateway.stop()
    assert gateway.api_key not in gateway.log_text()
    # Second start: a key exists, none is printed.
    again = gateway_factory().start()
    assert again.api_key is None
    assert request(again, "GET", "/v1/specialties")[0] == 200


def read_events(response):
    """The data of each Server-Sent Event as it arrives, line by line, up to and including [DONE]."""
    events, data = [], []
    while True:
        line = response.fp.readline()
        assert line, "stream ended before [DONE]"
        line = line.decode().rstrip("\n")
        if line.startswith("data: "):
            data.append(line[6:])
        elif line == "" and data:
            events.append("\n".join(data))
            data = []
            if events[-1] == "[DONE]":
                return events


def test_stream_is_read_event_by_event(gateway):
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=30)
    connection.request("POST", "/v1/stream/note", body=json.dumps({"transcript": TRANSCRIPT, "include_billing_codes": True}),
                       headers={"Content-Type": "application/json", "Authorization": f"Bearer {gateway.api_key}",
                                "Accept": "text/event-stream"})
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/event-stream")
    events = read_events(response)
    connection.close()
    sections = [json.loads(event)["section"] for event in events[:4]]
    assert sections == ["subjective", "objective", "assessment", "plan"]
    assert "billing_codes" in json.loads(events[4])
    note_id = json.loads(events[5])["noteId"]
    status, _, body = request(gateway, "GET", f"/v1/note/{note_id}", key=gateway.api_key)
    assert status == 200 and json.loads(body)["noteId"] == note_id


def test_event_source_stream_with_a_ticket(gateway):
    """What a browser's EventSource does: a GET without headers but Accept, the ticket in the URL, read line by line."""
    status, headers, body = request(gateway, "POST", "/v1/stream/ticket", {"transcript": TRANSCRIPT},
                                    key=gateway.api_key)
    assert status == 201 and headers["Cache-Control"] == "no-store"
    issued = json.loads(body)
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=30)
    connection.request("GET", issued["stream_url"], headers={"Accept": "text/event-stream"})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
    data = read_events(response)
    connection.close()
    assert [json.loads(d)["section"] for d in data[:4]] == ["subjective", "objective", "assessment", "plan"]
    note_id = json.loads(data[-2])["noteId"]
    assert request(gateway, "GET", f"/v1/note/{note_id}", key=gateway.api_key)[0] == 200
    # The ticket opened one stream; the URL (which proxies may log) is useless afterwards.
    status, _, body = request(gateway, "GET", issued["stream_url"])
    assert status == 401 and json.loads(body)["error"]["code"] == "UNAUTHORIZED"
    assert issued["ticket"] not in gateway.log_text()


def test_idempotency_key_survives_a_restart(gateway_factory):
    """A client that retries after the gateway went down gets the note it already paid for, not a second one."""
    gateway = gateway_factory().start()
    key = gateway.api_key
    body = {"transcript": TRANSCRIPT, "specialty": "physician"}
    status, headers, first = request(gateway, "POST", "/v1/note", body, key=key, headers={"Idempotency-Key": "visit-42"})
    assert status == 200 and "Idempotent-Replayed" not in headers
    gateway.stop()
    again = gateway_factory().start()
    # The same JSON with its members in another order is the same request.
    reordered = json.dumps({"specialty": "physician", "transcript": TRANSCRIPT}).encode()
    status, headers, second = request(again, "POST", "/v1/note", reordered, key=key, headers={"Idempotency-Key": "visit-42"})
    assert status == 200 and headers.get("Idempotent-Replayed") == "true"
    assert json.loads(second)["noteId"] == json.loads(first)["noteId"]
    status, _, body = request(again, "POST", "/v1/note", {"transcript": TRANSCRIPT}, key=key,
                              headers={"Idempotency-Key": "visit-42"})
    assert status == 422 and json.loads(body)["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert "visit-42" not in again.log_text()


def test_idempotency_key_under_concurrent_identical_requests(gateway):
    """Twenty clients retrying the same request with one Idempotency-Key at the same moment: one note is made, and
    every answer is that note (the others marked Idempotent-Replayed)."""
    clients = 20
    body = {"transcript": "Patient: I have had a dry cough for three days. Doctor: Any fever? Patient: No fever.",
            "specialty": "physician"}
    start = threading.Barrier(clients)
    answers = [None] * clients

    def send(index):
        start.wait(timeout=30)
        answers[index] = request(gateway, "POST", "/v1/note", body, key=gateway.api_key,
                                 headers={"Idempotency-Key": "concurrent-visit-9"}, timeout=120)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert all(answer is not None for answer in answers), "a request did not finish"
    assert [status for status, _, _ in answers] == [200] * clients, [body for _, _, body in answers]
    note_ids = {json.loads(body)["noteId"] for _, _, body in answers}
    assert len(note_ids) == 1, note_ids
    assert len({body for _, _, body in answers}) == 1, "the replayed answers differ from the first"
    replayed = [headers.get("Idempotent-Replayed") for _, headers, _ in answers]
    assert replayed.count(None) == 1 and replayed.count("true") == clients - 1, replayed
    gateway.stop()
    connection = sqlite3.connect(f"file:{gateway.data_dir / 'notebridge.sqlite'}?mode=ro", uri=True)
    try:
        assert connection.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 1
    finally:
        connection.close()



def test_a_callback_to_a_cloud_metadata_address_is_refused_before_anything_is_queued(gateway_factory):
    """With no api.callbackAllowedHosts, a callback_url at a link-local or metadata host is a 400 naming callback_url
    (never echoing the URL), and nothing is stored or queued: the webhook worker, the only part that connects to a
    callback, never sees it. (Before, the note was written and its event posted to 169.254.169.254.)"""
    gateway = gateway_factory().start()
    for url in ("http://169.254.169.254/x", "http://169.254.169.254/latest/meta-data/MRN0001",
                "http://[fd00:ec2::254]/latest/meta-data", "http://metadata.google.internal/computeMetadata/v1/",
                "http://2852039166/x"):
        status, _, body = request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT, "callback_url": url},
                                  key=gateway.api_key)
        assert status == 400, (url, body)
        error = json.loads(body)["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert [detail["field"] for detail in error["details"]] == ["callback_url"]
        assert "link-local or cloud metadata" in error["details"][0]["message"]
        for fragment in ("169.254", "MRN0001", "ec2", "metadata.google", "2852039166"):
            assert fragment not in body.decode(), (url, body)
    time.sleep(1.5)  # more than the webhook worker's poll interval (1 s)
    gateway.stop()
    assert "webhook attempt" not in gateway.log_text()
    connection = sqlite3.connect(f"file:{gateway.data_dir / 'notebridge.sqlite'}?mode=ro", uri=True)
    try:
        assert connection.execute("SELECT COUNT(*) FROM webhooks").fetchone()[0] == 0
        assert connection.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 0
    finally:
        connection.close()

def chunks(payload: bytes, size: int = 64 * 1024):
    for start in range(0, len(payload), size):
        yield payload[start:start + size]


OVERSIZED = [("/v1/note", "application/json"), ("/v1/stream/note", "application/json"),
             ("/v1/stream/ticket", "application/json"), ("/fhir", "application/fhir+json"),
             ("/fhir/$soap-note", "application/fhir+json"), ("/fhir/Encounter/enc-1/$soap-note", "application/fhir+json")]


def test_an_oversized_body_is_413_however_it_is_framed(gateway):
    """A body past api.maxBodyBytes (1 MiB) is 413 in the error shape of its route, whether it comes with a
    Content-Length or chunked (Transfer-Encoding: chunked, no length); never a 500."""
    payload = json.dumps({"transcript": "The patient reports a cough. " * 40_000}).encode()
    assert len(payload) > 1 << 20
    for path, content_type in OVERSIZED:
        for framing in ["chunked", "content-length"]:
            connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=60)
            headers = {"Content-Type": content_type, "Authorization": f"Bearer {gateway.api_key}",
                       "Accept": "text/event-stream" if "stream" in path else "*/*"}
            if framing == "chunked":
                connection.request("POST", path, body=chunks(payload), headers=headers, encode_chunked=True)
            else:
                connection.request("POST", path, body=payload, headers=headers)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert response.status == 413, (path, framing, response.status, body[:300])
            answer = json.loads(body)
            if path.startswith("/fhir"):
                assert answer["resourceType"] == "OperationOutcome", (path, framing)
                assert answer["issue"][0]["code"] == "too-costly", (path, framing)
            else:
                assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message", "details"}
                assert answer["error"]["code"] == "PAYLOAD_TOO_LARGE", (path, framing)
                assert isinstance(answer["error"]["details"], list)
    # A chunked body within the limit is read whole.
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=60)
    small = json.dumps({"transcript": TRANSCRIPT}).encode()
    connection.request("POST", "/v1/note", body=chunks(small, 1000), encode_chunked=True,
                       headers={"Content-Type": "application/json", "Authorization": f"Bearer {gateway.api_key}"})
    response = connection.getresponse()
    assert response.status == 200, response.read()[:300]
    connection.close()
    log = gateway.log_text()
    assert "NIOTooManyBytesError" not in log and "request failed" not in log


def test_json_nested_too_deep_is_named(gateway):
    for body in [b"[" * 100_000, b'{"transcript":"cough","context":' + b'{"a":' * 200 + b"1" + b"}" * 201]:
        status, _, answer = request(gateway, "POST", "/v1/note", body, key=gateway.api_key)
        assert status == 400
        error = json.loads(answer)["error"]
        assert error["code"] == "JSON_TOO_DEEP"
        assert "nested deeper than 32 levels" in error["message"] and "not valid JSON" not in error["message"]
        assert error["details"] == [{"field": "body", "message": "is nested deeper than 32 levels of objects and arrays"}]


def test_cli_keys_and_audit_export(gateway):
    created = json.loads(gateway.cli("keys", "create", "--name", "billing app", "--scopes", "notes:read",
                                     "--format", "json").stdout)
    assert created["key"].startswith("nb_live_") and created["scopes"] == "notes:read"
    listing = gateway.cli("keys", "list").stdout.decode()
    assert created["id"] in listing and "billing app" in listing
    assert created["key"] not in listing
    status, _, body = request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT}, key=created["key"])
    assert status == 403 and json.loads(body)["error"]["code"] == "FORBIDDEN"
    status, _, body = request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT}, key=gateway.api_key)
    note_id = json.loads(body)["noteId"]
    assert request(gateway, "GET", f"/v1/note/{note_id}", key=gateway.api_key)[0] == 200
    assert request(gateway, "GET", f"/v1/note/{note_id}", key=created["key"])[0] == 404
    gateway.cli("keys", "revoke", created["id"])
    status, _, body = request(gateway, "GET", f"/v1/note/{note_id}", key=created["key"])
    assert status == 401
    again = gateway.cli("keys", "revoke", created["id"], check=False)
    assert again.returncode == 1 and b"no such active API key" in again.stderr
    bad = gateway.cli("keys", "create", "--name", "x", "--scopes", "notes:everything", check=False)
    assert bad.returncode == 2 and b"unknown scope" in bad.stderr

    bundle = json.loads(gateway.cli("audit", "export").stdout)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    events = [entry["resource"] for entry in bundle["entry"]]
    assert all(event["resourceType"] == "AuditEvent" for event in events)
    actions = [(event["action"], event["outcome"]) for event in events]
    assert ("C", "0") in actions and ("R", "0") in actions and ("C", "4") in actions and ("R", "4") in actions
    read = next(e for e in events if e["action"] == "R" and e["outcome"] == "0")
    assert read["entity"][0]["what"]["identifier"]["value"] == note_id
    lines = gateway.cli("audit", "export", "--format", "ndjson").stdout.decode().splitlines()
    assert len(lines) == len(events)
    # An independent FHIR implementation reads every event (fhir.resources, its R4B models).
    from fhir.resources.R4B.auditevent import AuditEvent
    from fhir.resources.R4B.bundle import Bundle
    Bundle.parse_obj(bundle)
    for line in lines:
        parsed = AuditEvent.parse_raw(line)
        assert parsed.type.code == "rest" and parsed.agent[0].requestor is True
    bad = gateway.cli("audit", "export", "--since", "yesterday", check=False)
    assert bad.returncode == 2 and b"ISO 8601" in bad.stderr


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def verify(signature_header: str, body: bytes, secret: str, tolerance: int = 300) -> bool:
    """An independent check of the documented scheme: v1 = hex HMAC-SHA256(secret, "<t>.<body>")."""
    parts = dict(item.split("=", 1) for item in signature_header.split(","))
    if abs(time.time() - int(parts["t"])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_webhook_is_signed_and_delivered(gateway_factory):
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gateway = gateway_factory().start()
        secret = next(line.split()[-1] for line in gateway.console if "webhook secret:" in line)
        callback = f"http://127.0.0.1:{server.server_address[1]}/hooks/notes"
        status, _, body = request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT, "callback_url": callback},
                                  key=gateway.api_key)
        assert status == 200
        note_id = json.loads(body)["noteId"]
        deadline = time.time() + 20
        while not Receiver.received and time.time() < deadline:
            time.sleep(0.1)
        assert Receiver.received, "no webhook arrived"
        headers, payload = Receiver.received[0]
        assert headers["NoteBridge-Event"] == "note.generated"
        assert verify(headers["NoteBridge-Signature"], payload, secret)
        assert not verify(headers["NoteBridge-Signature"], payload + b" ", secret)
        event = json.loads(payload)
        assert event["type"] == "note.generated" and event["data"]["noteId"] == note_id
    finally:
        server.shutdown()


def test_no_phi_in_logs_or_database_files(gateway):
    marker = f"QUOKKAMARKER{random.randint(100000, 999999)}"
    transcript = TRANSCRIPT + f"\nPatient: My brother {marker} has the same cough.\n"
    for path in ["/v1/note", "/v1/stream/note"]:
        status, _, body = request(gateway, "POST", path, {
            "transcript": transcript, "include_transcript": True,
            "context": {"patient_info": {"name": marker, "medications": [marker]}}}, key=gateway.api_key)
        assert status == 200
        if path == "/v1/note":
            assert marker.encode() in body  # include_transcript: the caller gets its own text back
    status, _, body = request(gateway, "POST", "/v1/note", {"transcript": transcript, "template": marker},
                              key=gateway.api_key)
    assert status == 400 and marker.encode() not in body
    gateway.stop()
    assert marker.lower() not in gateway.log_text().lower()
    for path in pathlib.Path(gateway.data_dir).iterdir():
        data = path.read_bytes().lower()
        assert marker.lower().encode() not in data, f"{path.name} holds the marker"


def raw_http(gateway, data: bytes, timeout=30) -> tuple[int, bytes]:
    """Sends `data` as it is on a new connection and returns the status and body of the answer."""
    import socket
    with socket.create_connection(("127.0.0.1", gateway.http_port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
            head, found, body = answer.partition(b"\r\n\r\n")
            length = [line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
            if found and length and len(body) >= int(length[0].split(b":")[1]):
                break
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def test_a_malformed_chunked_body_is_400_not_500(gateway):
    """A chunk size that is not hexadecimal is the caller's fault: 400 in the error shape of the route (it was a
    500 INTERNAL_ERROR, "the note could not be processed"), and the gateway keeps serving."""
    for path, content_type in [("/v1/note", "application/json"), ("/v1/stream/ticket", "application/json"),
                               ("/fhir/$soap-note", "application/fhir+json")]:
        status, body = raw_http(gateway, (
            f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {content_type}\r\n"
            f"Authorization: Bearer {gateway.api_key}\r\nTransfer-Encoding: chunked\r\n\r\n"
            "zz\r\n{}\r\n0\r\n\r\n").encode())
        assert status == 400, (path, status, body[:300])
        answer = json.loads(body)
        if path.startswith("/fhir"):
            assert answer["resourceType"] == "OperationOutcome"
        else:
            assert answer["error"]["code"] == "VALIDATION_ERROR"
            assert answer["error"]["details"][0]["field"] == "body"
            assert "framing" in answer["error"]["message"]
    assert request(gateway, "GET", "/healthz")[0] == 200
    assert "request failed" not in gateway.log_text()


def test_a_transcript_without_a_letter_is_400_holds_no_words(gateway):
    """Punctuation, emoji or digits only: 400 "holds no words" naming the transcript (a note of empty sections was
    answered 200 and stored); on /fhir the same, as an OperationOutcome."""
    for transcript in ["!!! ??? ... ,,, ;;; --- " * 5, "\U0001F637 \U0001F912 \U0001F927 " * 20, "120/80 98.6 - " * 10]:
        status, _, body = request(gateway, "POST", "/v1/note", {"transcript": transcript}, key=gateway.api_key)
        assert status == 400, body[:300]
        error = json.loads(body)["error"]
        assert error["details"][0]["field"] == "transcript" and "holds no words" in error["message"]
    parameters = {"resourceType": "Parameters", "parameter": [{"name": "transcript", "valueString": "!!! ??? ... " * 10}]}
    status, _, body = request(gateway, "POST", "/fhir/$soap-note", parameters, key=gateway.api_key,
                              headers={"Content-Type": "application/fhir+json"})
    assert status == 400, body[:300]
    assert "holds no words" in json.loads(body)["issue"][0]["diagnostics"]


def test_an_age_that_is_valid_json_but_not_a_whole_number_names_the_member(gateway):
    """An age of 4.5 or 1e23 is valid JSON: the error names context.patient_info.age (it said "body: is not valid
    JSON", which sends the caller looking for a syntax error)."""
    for age, message in [(b"4.5", "must be an integer"), (b"99999999999999999999999", "between 0 and 130")]:
        payload = (b'{"transcript":' + json.dumps(TRANSCRIPT).encode()
                   + b',"context":{"patient_info":{"age":' + age + b"}}}")
        status, _, body = request(gateway, "POST", "/v1/note", payload, key=gateway.api_key)
        assert status == 400, body[:300]
        error = json.loads(body)["error"]
        assert error["details"][0]["field"] == "context.patient_info.age", error
        assert message in error["message"] and "not valid JSON" not in error["message"]


def test_idle_and_half_sent_http_connections_are_closed(gateway_factory):
    """A connection that sends nothing, stops in the middle of its headers, or in the middle of its body is closed
    after http.idleTimeoutSeconds (they were kept open for ever, so enough of them would use every file
    descriptor); the gateway answers others meanwhile and afterwards."""
    import socket
    gateway = gateway_factory(env={"NOTEBRIDGE_HTTP_IDLE_TIMEOUT_SECONDS": "2"}).start()
    openings = [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaa",
                (f"POST /v1/note HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Authorization: Bearer {gateway.api_key}\r\nContent-Length: 500\r\n\r\n" + '{"transcript":"').encode()]
    connections = []
    for opening in openings:
        sock = socket.create_connection(("127.0.0.1", gateway.http_port), timeout=30)
        sock.sendall(opening)
        connections.append(sock)
    started = time.time()
    assert request(gateway, "GET", "/healthz")[0] == 200
    for index, sock in enumerate(connections):
        sock.settimeout(15)
        try:
            while sock.recv(65536):
                pass  # an answer may come before the close
        except ConnectionResetError:
            pass
        except TimeoutError:
            raise AssertionError(f"connection {index} was still open 15 s after the 2 s idle timeout") from None
        sock.close()
    assert time.time() - started < 15, "idle connections were not closed by the idle timeout"
    # A keep-alive client that sends a request in time is served as before.
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=30)
    for _ in range(3):
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        assert response.status == 200 and response.read()
        time.sleep(0.5)
    connection.close()
    assert request(gateway, "GET", "/healthz")[0] == 200


def _read_answer(sock, timeout=15):
    """Everything the gateway sends before it closes the connection."""
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data


def _json_error(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode("latin-1").lower(), json.loads(body)


def test_malformed_request_trickled_body_and_connection_limit_get_json_errors(gateway_factory):
    """A request the HTTP parser cannot read gets 400 with a JSON error naming the parser's reason (it was an empty
    400); a body trickled a byte at a time, which the idle timeout never ends, gets 408 after
    http.requestTimeoutSeconds; a connection beyond http.maxConnections gets 503 with Retry-After. Each answer
    closes its connection, never quotes the request, and the gateway serves others before and after."""
    import socket
    gateway = gateway_factory(env={"NOTEBRIDGE_HTTP_REQUEST_TIMEOUT_SECONDS": "2",
                                   "NOTEBRIDGE_HTTP_IDLE_TIMEOUT_SECONDS": "30",
                                   "NOTEBRIDGE_HTTP_MAX_CONNECTIONS": "4"}).start()

    def connect():
        return socket.create_connection(("127.0.0.1", gateway.http_port), timeout=30)

    # A header line without a colon, a request line that is not HTTP (its reason in words: it read "invalid  h t t p
    # method"), and headers past the parser's limit (431 with its own code, not a 400).
    for raw, expected_status, code, words in (
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nSECRET-MRN-4471 no colon here\r\n\r\n", 400, "MALFORMED_REQUEST",
             "header"),
            (b"\x16\x03\x01 SECRET-MRN-4471 not http\r\n\r\n", 400, "MALFORMED_REQUEST", "HTTP method"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-SECRET-MRN-4471: " + b"a" * 100_000 + b"\r\n\r\n", 431,
             "HEADERS_TOO_LARGE", "headers are larger")):
        sock = connect()
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close while the headers are still being written
        status, head, error = _json_error(_read_answer(sock))
        sock.close()
        assert status == expected_status and "connection: close" in head
        assert error["error"]["code"] == code
        assert words in error["error"]["message"], error
        if code == "MALFORMED_REQUEST":
            assert error["error"]["message"].startswith("the HTTP request could not be read: ")
        assert "SECRET" not in json.dumps(error) and "4471" not in json.dumps(error)
    assert request(gateway, "GET", "/healthz")[0] == 200

    # The same 431 on a /fhir path (origin or absolute form, or after a whole request on the same connection) is an
    # OperationOutcome (too-long); /fhirx is not a FHIR path.
    big = b"X-SECRET-MRN-4471: " + b"a" * 100_000 + b"\r\n\r\n"
    for raw, fhir, after_one in ((b"GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n" + big, True, False),
                                 (b"POST http://x/fhir?_format=json HTTP/1.1\r\nHost: x\r\n" + big, True, False),
                                 (b"GET /fhir/Encounter/1 HTTP/1.1\r\nHost: x\r\n" + big, True, True),
                                 (b"GET /fhirx HTTP/1.1\r\nHost: x\r\n" + big, False, False)):
        sock = connect()
        if after_one:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            first = b""
            while b'"ok"}' not in first:
                first += sock.recv(65536)
            assert first.startswith(b"HTTP/1.1 200")
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, head, body = _json_error(_read_answer(sock))
        sock.close()
        assert status == 431 and "connection: close" in head, head
        if fhir:
            assert "content-type: application/fhir+json" in head, head
            assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["code"] == "too-long", body
        else:
            assert body["error"]["code"] == "HEADERS_TOO_LARGE", body
        assert "SECRET" not in json.dumps(body) and "4471" not in json.dumps(body)
    assert request(gateway, "GET", "/healthz")[0] == 200

    # A body trickled one byte every 0.4 s: answered 408 about 2 s after its head, well before the 30 s idle timeout
    # (the bound below is the idle timeout's, so that a loaded machine cannot fail the test).
    sock = connect()
    sock.sendall((f"POST /v1/note HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"Authorization: Bearer {gateway.api_key}\r\nContent-Length: 400\r\n\r\n").encode())
    started = time.time()
    answer = b""
    sock.settimeout(0.4)
    while time.time() - started < 28:
        try:
            sock.sendall(b" ")
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError):
            break
    answer += _read_answer(sock, timeout=5)
    sock.close()
    elapsed = time.time() - started
    status, head, error = _json_error(answer)
    assert status == 408 and error["error"]["code"] == "REQUEST_TIMEOUT", answer[:300]
    assert 1.5 < elapsed < 28, elapsed

    # Four connections open and idle: a fifth is answered 503 at its request; once they close, requests are served.
    idle = [connect() for _ in range(4)]
    time.sleep(0.5)
    sock = connect()
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    status, head, error = _json_error(_read_answer(sock))
    sock.close()
    assert status == 503 and "retry-after: 1" in head
    assert error["error"]["code"] == "TOO_MANY_CONNECTIONS"
    for other in idle:
        other.close()
    deadline = time.time() + 10
    while True:
        try:
            if request(gateway, "GET", "/healthz", timeout=5)[0] == 200:
                break
        except Exception:
            pass
        assert time.time() < deadline, "requests were not served again after the idle connections closed"
        time.sleep(0.2)
    assert "SECRET-MRN-4471" not in gateway.log_text()
