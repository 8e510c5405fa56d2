#!/usr/bin/env python3
"""Makes Tests/integration/fixtures/two-file-layout/: a data folder written by a NoteBridge release of the two-file
layout (journal and outbox in notebridge.sqlite; notes, API keys, audit and webhooks in notes.sqlite; the key file
journal.key), for the test that the one-database release migrates it at start and keeps its notes, keys and journal.

Usage: python3 scripts/make_two_file_data_folder.py /path/to/notebridge-of-the-two-file-layout WHICH-BUILD [OUT]

The binary must be one built from a commit before the one database (e.g. 0e4d647). It is run on 127.0.0.1 with
ephemeral ports; everything in the folder is synthetic (an invented patient, a sample transcript). Besides the
folder, manifest.json records what the test checks after the migration: the API keys (their secrets: test keys of
a test folder), the note ids and the SHA-256 of each note's JSON as GET /v1/note answered it, and the journal's
control ids.
"""
import hashlib
import http.client
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[1]
TRANSCRIPT = (REPO / "samples" / "transcripts" / "primary-care-dialogue.txt").read_text()


def adt(control_id: str, mrn: str) -> bytes:
    return (
        f"MSH|^~\\&|CLINIC|NORTH|NOTEBRIDGE|NB|20261101093000||ADT^A04^ADT_A01|{control_id}|P|2.5.1\r"
        "EVN|A04|20261101093000\r"
        f"PID|1||{mrn}^^^NORTH^MR||FIXTUREPATIENT^ALEX||19800214|F\r"
        "PV1|1|O|CLINIC^101^A\r"
    ).encode()


def send_mllp(port: int, message: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"\x0b" + message + b"\x1c\x0d")
        reply = b""
        while b"\x1c\x0d" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return reply


def call_http(port: int, method: str, path: str, key: str, body: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    connection.request(method, path, body=json.dumps(body).encode() if body else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def main() -> int:
    binary = pathlib.Path(sys.argv[1]).resolve()
    commit = sys.argv[2]
    out = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else REPO / "Tests" / "integration" / "fixtures" / "two-file-layout"
    work = pathlib.Path(tempfile.mkdtemp())
    data = work / "data"
    env = dict(os.environ, NOTEBRIDGE_DATA_DIR=str(data), NOTEBRIDGE_MLLP_HOST="127.0.0.1", NOTEBRIDGE_MLLP_PORT="0",
               NOTEBRIDGE_HTTP_HOST="127.0.0.1", NOTEBRIDGE_HTTP_PORT="0", NOTEBRIDGE_LOG_LEVEL="warning")
    server = subprocess.Popen([str(binary), "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first_key, ports = None, None
    try:
        while ports is None:
            line = server.stdout.readline().decode()
            if not line:
                raise SystemExit("the gateway exited before reporting its ports")
            found = re.search(r"API key:\s+(nb_live_\S+)", line)
            first_key = found.group(1) if found else first_key
            found = re.search(r"mllp=[^:\s]+:(\d+) http=[^:\s]+:(\d+)", line)
            if found:
                ports = int(found.group(1)), int(found.group(2))
        mllp_port, http_port = ports
        control_ids = [f"FIXTURE-{n}" for n in range(3)]
        for number, control_id in enumerate(control_ids):
            assert b"MSA|AA|" in send_mllp(mllp_port, adt(control_id, f"MRN900{number}"))
        second = json.loads(subprocess.run(
            [str(binary), "keys", "create", "--name", "fixture app", "--format", "json"], env=env,
            capture_output=True, check=True).stdout)
        notes = []
        for key in (first_key, second["key"]):
            status, body = call_http(http_port, "POST", "/v1/note", key, {"transcript": TRANSCRIPT})
            assert status == 200, body
            note_id = json.loads(body)["noteId"]
            status, body = call_http(http_port, "GET", f"/v1/note/{note_id}", key)
            assert status == 200, body
            notes.append({"id": note_id, "key": key, "sha256": hashlib.sha256(body).hexdigest()})
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    names = sorted(p.name for p in data.iterdir() if not p.name.endswith(("-wal", "-shm")))
    assert names == ["journal.key", "notebridge.sqlite", "notes.sqlite"], names
    # The folder as the release left it after SIGTERM: a write-ahead log beside a database holds committed rows
    # too, so it is kept (the shared-memory index is rebuilt by SQLite and is left out).
    for leftover in data.glob("*-shm"):
        leftover.unlink()
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(data, out)
    manifest = {
        "madeBy": f"scripts/make_two_file_data_folder.py with a notebridge of the two-file layout: {commit}",
        "keys": [{"key": first_key, "name": "first key"}, {"key": second["key"], "id": second["id"], "name": "fixture app"}],
        "notes": notes,
        "journalControlIds": control_ids,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(work)
    print(f"wrote {out}: {', '.join(sorted(p.name for p in out.iterdir()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
