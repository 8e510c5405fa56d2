"""The OpenAPI document against the real server: schemathesis drives a `notebridge serve` from the document it
serves at /openapi.json (Sources/Gateway/openapi.json, embedded at build time) and checks every answer against it:
no 5xx, documented status codes, content types and headers, response bodies that match their schemas.

Bounded for CI: NOTEBRIDGE_SCHEMATHESIS_EXAMPLES examples per operation and phase (default 25) with a fixed
seed (NOTEBRIDGE_SCHEMATHESIS_SEED), so that a run is reproducible; raise the first and change the second to
explore further.
"""
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO

DOCUMENT = REPO / "Sources" / "Gateway" / "openapi.json"
MAX_EXAMPLES = os.environ.get("NOTEBRIDGE_SCHEMATHESIS_EXAMPLES", "25")
SEED = os.environ.get("NOTEBRIDGE_SCHEMATHESIS_SEED", "20261129")
# Webhooks may only go to this machine: every callback URL a test case could get accepted is rewritten to a
# closed local port before the request is sent (see HOOKS).
LOCAL_CALLBACK = "http://127.0.0.1:9/notebridge-webhook"

# A schemathesis hooks file. `callback_url` is the one field that makes the server connect somewhere; the
# server only takes http and https URLs, so any string naming "http" becomes LOCAL_CALLBACK (other values
# still test the field's validation).
HOOKS = f'''
import re

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    body = case.body
    if isinstance(body, dict):
        value = body.get("callback_url")
        if isinstance(value, str) and re.search("http", value, re.IGNORECASE):
            body["callback_url"] = {LOCAL_CALLBACK!r}
'''

# The checks. The streams' 200 body is `text/event-stream` described as a string (OpenAPI 3.0.3 has no schema
# for single events; the operations' descriptions list them), while schemathesis validates each event of an
# event stream against the schema: its response schema check is off for those two operations (the POST stream and
# the GET stream a ticket opens, which schemathesis reaches by following POST /v1/stream/ticket), their other
# checks stay on.
CONFIG = """
[checks]
enabled = false
not_a_server_error.enabled = true
status_code_conformance.enabled = true
content_type_conformance.enabled = true
response_schema_conformance.enabled = true
response_headers_conformance.enabled = true

[[operations]]
include-operation-id = "streamNote"
checks.response_schema_conformance.enabled = false

[[operations]]
include-operation-id = "streamNoteWithTicket"
checks.response_schema_conformance.enabled = false
"""


def create_key(gateway) -> str:
    """An API key with the notes scopes, made before the server starts (same data folder)."""
    result = gateway.cli("keys", "create", "--name", "schemathesis", "--format", "json")
    return json.loads(result.stdout)["key"]


def webhook_urls(data_dir) -> set:
    """The URLs of the webhooks the server queued (empty if the store keeps them elsewhere)."""
    path = data_dir / "notebridge.sqlite"
    if not path.exists():
        return set()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT DISTINCT url FROM webhooks")}
    except sqlite3.OperationalError:
        return set()
    finally:
        connection.close()


def test_server_conforms_to_its_openapi_document(gateway_factory, tmp_path):
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        pytest.fail("schemathesis is not installed: python3 -m pip install -r scripts/requirements-test.txt")

    gateway = gateway_factory(env={
        "NOTEBRIDGE_API_RATE_LIMIT_PER_SECOND": "0",
        "NOTEBRIDGE_API_WEBHOOK_MAX_ATTEMPTS": "1",
    })
    key = create_key(gateway)
    gateway.start()
    base = f"http://127.0.0.1:{gateway.http_port}"

    # The binary serves the committed document (a stale build would test an old one).
    with urllib.request.urlopen(f"{base}/openapi.json", timeout=10) as response:
        assert response.read() == DOCUMENT.read_bytes(), "the server's /openapi.json is not the committed file: rebuild"

    hooks = tmp_path / "schemathesis_hooks.py"
    hooks.write_text(HOOKS)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    reports = tmp_path / "schemathesis-report"
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color",
        "run", f"{base}/openapi.json",
        "--header", f"Authorization: Bearer {key}",
        "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1",
        "--request-timeout", "60", "--generation-database", "none", "--suppress-health-check", "too_slow",
        "--report", "json", "--report-dir", str(reports),
    ]
    env = dict(os.environ, SCHEMATHESIS_HOOKS=str(hooks))
    started = time.monotonic()
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    gateway.stop()
    strays = {url for url in webhook_urls(gateway.data_dir) if url != LOCAL_CALLBACK}
    assert not strays, f"webhooks queued for other hosts: {sorted(strays)}"
    if result.returncode != 0:
        pytest.fail(
            f"schemathesis found the server and its OpenAPI document at odds (exit {result.returncode}, "
            f"{elapsed:.0f} s):\n{output[-20000:]}", pytrace=False)

    report_files = sorted(reports.glob("*.json"))
    assert report_files, f"schemathesis wrote no JSON report:\n{output[-5000:]}"
    report = json.loads(report_files[-1].read_text())
    operations = report["operations"]
    documented = sum(
        1 for path, item in json.loads(DOCUMENT.read_text())["paths"].items() for method in item
        if method in ("get", "post", "put", "patch", "delete") and path != "/openapi.json")
    # Every operation was tested (schemathesis leaves out the one that serves the document it loaded).
    assert operations["tested"] == operations["selected"] == documented, operations
    assert report["test_cases"]["generated"] > 0 and not report["errors"], report
    print(f"schemathesis {report['schemathesis_version']}: {operations['tested']} operations, "
          f"{report['test_cases']['generated']} test cases, {elapsed:.0f} s")
