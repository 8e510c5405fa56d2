"""A data folder of the two-file layout (notebridge.sqlite for the journal and outbox, notes.sqlite for notes, API
keys, audit and webhooks), made by a release of that layout (Tests/integration/fixtures/two-file-layout, made by
scripts/make_two_file_data_folder.py), is migrated when the gateway starts: one database, the notes read back byte
for byte with their keys, the keys and the journal kept, and the folder keeps working."""
import hashlib
import http.client
import json
import os
import pathlib
import shutil
import sqlite3

from conftest import REPO, synthetic

FIXTURE = REPO / "Tests" / "integration" / "fixtures" / "two-file-layout"


def get(gateway, path: str, key: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=30)
    connection.request("GET", path, headers={"Authorization": f"Bearer {key}"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def copy_fixture(target: pathlib.Path) -> dict:
    shutil.copytree(FIXTURE, target)
    manifest = json.loads((target / "manifest.json").read_text())
    (target / "manifest.json").unlink()
    os.chmod(target, 0o700)
    for path in target.iterdir():
        os.chmod(path, 0o600)  # as the release left them (git keeps 0644)
    return manifest


def tables(path: pathlib.Path) -> set:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_two_file_data_folder_is_migrated_into_one_database(gateway_factory, tmp_path):
    data = tmp_path / "data"
    manifest = copy_fixture(data)
    assert (data / "notes.sqlite").exists()

    gateway = gateway_factory(name="data").start()
    assert gateway.api_key is None  # the folder's keys were kept: no first key is made
    assert sorted(p.name for p in data.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "journal.key", "notebridge.sqlite"]
    assert {"journal", "outbox", "pipeline_notes", "notes", "api_keys", "audit", "webhooks"} <= tables(
        data / "notebridge.sqlite")

    # Notes: each read back with its own key, byte for byte as the release answered it; another key gets 404.
    for note in manifest["notes"]:
        status, body = get(gateway, f"/v1/note/{note['id']}", note["key"])
        assert status == 200, body
        assert hashlib.sha256(body).hexdigest() == note["sha256"]
    first, second = manifest["notes"]
    assert get(gateway, f"/v1/note/{first['id']}", second["key"])[0] == 404

    # Keys: both listed, both authenticate.
    listed = gateway.cli("keys", "list").stdout.decode()
    for key in manifest["keys"]:
        assert key["name"] in listed
    # Journal: every entry kept.
    assert [entry["controlId"] for entry in gateway.journal()] == manifest["journalControlIds"]
    # Audit: the release's records are there, and the reads above were added after them.
    audit = gateway.cli("audit", "export", "--format", "ndjson").stdout.decode().splitlines()
    assert len(audit) >= 4 + 3

    # The folder keeps working: a new message is journaled after the old ones, and a restart finds one database.
    from conftest import MLLPConnection, ack_fields
    connection = MLLPConnection(gateway.mllp_port)
    try:
        assert ack_fields(connection.send(synthetic("AFTER-MERGE", mrn="MRN9100")))["code"] == "AA"
    finally:
        connection.close()
    gateway.stop()
    again = gateway_factory(name="data").start()
    assert [entry["controlId"] for entry in again.journal()] == manifest["journalControlIds"] + ["AFTER-MERGE"]
    assert get(again, f"/v1/note/{second['id']}", second["key"])[0] == 200
    assert not (data / "notes.sqlite").exists()
