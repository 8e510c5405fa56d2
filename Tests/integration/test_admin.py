"""The admin HTTP API under /admin on a running gateway with a receiving MLLP peer on 127.0.0.1: the same as
`notebridge outbox list/show/retry/purge`, JSON answers, an `admin`-scoped API key, and clear JSON errors."""
import datetime
import getpass
import json
import urllib.error
import urllib.request

from test_pipeline import NAME_MARKER, TRANSCRIPT_MARKER, Receiver, field, mdm, outbox, send, start_gateway, wait_for


def call(gateway, method: str, path: str, key: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{gateway.http_port}{path}", method=method)
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, data=b"" if method == "POST" else None, timeout=10) as response:
            assert response.headers["Content-Type"] == "application/json"
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        assert error.headers["Content-Type"] == "application/json"
        return error.code, json.loads(error.read())


def error_code(answer: tuple[int, dict]) -> tuple[int, str]:
    status, body = answer
    return status, body["error"]["code"]


def test_admin_outbox_endpoints(gateway_factory, tmp_path):
    receiver = Receiver()
    refused = "MRN8001"
    receiver.answer = lambda message: "AE" if field(message, "PID", 3).startswith(refused + "^") else "AA"
    try:
        gateway = start_gateway(gateway_factory, tmp_path, receiver.port)
        admin = gateway.api_key  # the first key has every scope, admin included
        app = json.loads(gateway.cli("keys", "create", "--name", "scribe app", "--format", "json").stdout)
        assert "admin" not in app["scopes"].split(",")

        for number, mrn in enumerate(["MRN8000", refused, "MRN8002", refused]):
            assert send(gateway, mdm(f"ADM-{number}", mrn, f"V{number}")) == "AA"
        wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["dead", "dead", "delivered", "delivered"],
                 what="two rows delivered and two dead")

        # Who may call: 401 without a key or with a bad one, 403 without the admin scope.
        assert error_code(call(gateway, "GET", "/admin/outbox")) == (401, "UNAUTHORIZED")
        assert error_code(call(gateway, "GET", "/admin/outbox", "nb_live_notakey")) == (401, "UNAUTHORIZED")
        assert error_code(call(gateway, "GET", "/admin/outbox", app["key"])) == (403, "FORBIDDEN")
        assert error_code(call(gateway, "POST", "/admin/outbox/retry-dead", app["key"])) == (403, "FORBIDDEN")

        # list: the rows the CLI lists, filtered by state and destination, paged.
        status, page = call(gateway, "GET", "/admin/outbox", admin)
        assert status == 200 and page["next"] is None
        cli_rows = outbox(gateway)
        assert [r["id"] for r in page["items"]] == [r["id"] for r in cli_rows]
        assert [r["controlId"] for r in page["items"]] == [r["controlId"] for r in cli_rows]
        status, dead = call(gateway, "GET", "/admin/outbox?state=dead&destination=ehr", admin)
        assert status == 200 and len(dead["items"]) == 2
        assert all(r["state"] == "dead" and r["lastError"].startswith("AE:") for r in dead["items"])
        assert call(gateway, "GET", "/admin/outbox?destination=other", admin)[1]["items"] == []
        status, first = call(gateway, "GET", "/admin/outbox?limit=1", admin)
        assert len(first["items"]) == 1 and first["next"] == first["items"][0]["id"]
        status, second = call(gateway, "GET", f"/admin/outbox?limit=1&after={first['next']}", admin)
        assert second["items"][0]["id"] > first["items"][0]["id"]
        assert error_code(call(gateway, "GET", "/admin/outbox?state=lost", admin)) == (400, "VALIDATION_ERROR")
        assert error_code(call(gateway, "GET", "/admin/outbox?limit=0", admin)) == (400, "VALIDATION_ERROR")
        assert error_code(call(gateway, "GET", "/admin/outbox?after=x", admin)) == (400, "VALIDATION_ERROR")
        assert error_code(call(gateway, "GET", "/admin/outbox?destination=a%20b", admin)) == (400, "VALIDATION_ERROR")

        # show.
        row = dead["items"][0]
        status, shown = call(gateway, "GET", f"/admin/outbox/{row['id']}", admin)
        assert status == 200 and shown == row
        assert json.loads(gateway.cli("outbox", "show", str(row["id"])).stdout)["noteId"] == shown["noteId"]
        assert error_code(call(gateway, "GET", "/admin/outbox/999999", admin)) == (404, "NOT_FOUND")
        assert error_code(call(gateway, "GET", "/admin/outbox/abc", admin)) == (400, "VALIDATION_ERROR")

        # retry one dead row: refused while the row is not dead, unknown rows are 404.
        delivered = next(r for r in page["items"] if r["state"] == "delivered")
        assert error_code(call(gateway, "POST", f"/admin/outbox/{delivered['id']}/retry", admin)) == (409, "NOT_DEAD")
        assert error_code(call(gateway, "POST", "/admin/outbox/999999/retry", admin)) == (404, "NOT_FOUND")
        receiver.answer = lambda message: "AA"
        assert call(gateway, "POST", f"/admin/outbox/{row['id']}/retry", admin) == (200, {"retried": 1})
        wait_for(lambda: call(gateway, "GET", f"/admin/outbox/{row['id']}", admin)[1]["state"] == "delivered",
                 what="the retried row delivered")
        # retry every dead row.
        assert call(gateway, "POST", "/admin/outbox/retry-dead?destination=ehr", admin) == (200, {"retried": 1})
        wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 4, what="every row delivered")
        assert call(gateway, "POST", "/admin/outbox/retry-dead", admin) == (200, {"retried": 0})

        # purge delivered rows before a time.
        assert error_code(call(gateway, "POST", "/admin/outbox/purge", admin)) == (400, "VALIDATION_ERROR")
        assert error_code(call(gateway, "POST", "/admin/outbox/purge?deliveredBefore=yesterday", admin)) == (
            400, "VALIDATION_ERROR")
        assert call(gateway, "POST", "/admin/outbox/purge?deliveredBefore=2000-01-01T00:00:00Z", admin) == (
            200, {"purged": 0})
        later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        assert call(gateway, "POST", f"/admin/outbox/purge?deliveredBefore={later}", admin) == (200, {"purged": 4})
        assert call(gateway, "GET", "/admin/outbox", admin)[1]["items"] == []

        # A known path with another method is 405; an unknown one 404.
        assert error_code(call(gateway, "DELETE", "/admin/outbox", admin)) == (405, "METHOD_NOT_ALLOWED")
        assert error_code(call(gateway, "GET", "/admin/nothing", admin)) == (404, "NOT_FOUND")

        # The CLI revokes the app's key (a second revoke finds no active key and records nothing).
        assert gateway.cli("keys", "revoke", app["id"]).stdout.decode().strip() == f"{app['id']}\trevoked"
        assert gateway.cli("keys", "revoke", app["id"], check=False).returncode == 1

        # Each action is an audit record (who, what, which row, key or destination, how many rows), exported as a
        # FHIR AuditEvent; refused attempts (404, 409) are not. The CLI's key actions are recorded as the console's
        # are, with the local operator (the OS user) as the actor.
        events = [json.loads(line) for line in
                  gateway.cli("audit", "export", "--format", "ndjson").stdout.decode().splitlines()]
        actions = [(next(c["code"] for c in e["subtype"] if c["system"] == "urn:notebridge:audit-action"),
                    [d["valueString"] for entity in e.get("entity", []) for d in entity.get("detail", [])])
                   for e in events if any(c["system"] == "urn:notebridge:audit-action" for c in e["subtype"])]
        assert actions == [("key-create", []), ("outbox-retry", ["1"]), ("outbox-retry-dead", ["1"]),
                           ("outbox-retry-dead", ["0"]), ("outbox-purge", ["0"]), ("outbox-purge", ["4"]),
                           ("key-revoke", [])]
        operator = {"system": "urn:notebridge:local-user", "value": getpass.getuser()}
        for code, action in (("key-create", "C"), ("key-revoke", "U")):
            event = next(e for e in events if any(c["code"] == code for c in e["subtype"]))
            assert event["agent"][0]["who"]["identifier"] == operator, event
            assert event["action"] == action and event["outcome"] == "0"
            assert [entity["what"]["identifier"] for entity in event["entity"]] == [
                {"system": "urn:notebridge:key", "value": app["id"]}]
        retry = next(e for e in events if any(c["code"] == "outbox-retry" for c in e["subtype"]))
        assert {"system": "urn:notebridge:outbox", "value": str(row["id"])} in [
            entity["what"].get("identifier") for entity in retry["entity"]]
        assert retry["agent"][0]["who"]["identifier"]["system"] == "urn:notebridge:api-key"

        # No PHI in what the admin API answered or the gateway logged.
        log = gateway.log_text()
        for marker in (NAME_MARKER, TRANSCRIPT_MARKER):
            assert marker not in log
            assert marker not in json.dumps(page) + json.dumps(dead)
        assert admin not in log and app["key"] not in log
    finally:
        receiver.stop()
