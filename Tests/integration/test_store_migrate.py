"""`notebridge store migrate` and `notebridge store check`: an embedded SQLite store, filled through a running
gateway (MLLP with the python hl7 package's mllp_send, `POST /v1/note`), is copied into PostgreSQL (sealed bytes
as they are), the copy is interrupted and resumed without doubling a row, `store check` finds every table equal (and
a changed row), then the gateway started on PostgreSQL with the same data key reads every note and journal body back.
Also: bad input to the CLI, and a gateway started while PostgreSQL is down (503 on /readyz until it is up). The
PostgreSQL server is Debian's, started by test_postgres_instances' PostgresServer."""
import base64
import json
import os
import pty
import select
import signal
import subprocess
import time

import hl7

from conftest import BIN
from test_pipeline import NAME_MARKER, TRANSCRIPT_MARKER, Receiver, mdm, wait_for
from test_pipeline_hl7 import mllp_send
from test_postgres_instances import PostgresServer, postgres, readyz  # noqa: F401 (fixture)
from test_v1_api import TRANSCRIPT, request

TABLES = ["journal", "encounter_context", "pipeline_notes", "outbox", "notes", "api_keys", "audit", "webhooks",
          "audio_jobs"]


def store_cli(gateway, *args, check=False, env=None):
    full = gateway.env
    full.update(env or {})
    return subprocess.run([BIN, "store", *args], env=full, capture_output=True, timeout=180)


def destination_config(tmp_path, receiver):
    config = tmp_path / "ehr.yaml"
    config.write_text(
        "destinations:\n  ehr:\n    type: mllp\n    host: 127.0.0.1\n"
        f"    port: {receiver.port}\n    receivingApplication: EHR\n    receivingFacility: HOSP\n"
        "    ackTimeoutSeconds: 5\n    connectTimeoutSeconds: 2\n    initialBackoffMilliseconds: 200\n"
        "    maxBackoffSeconds: 1\n    maxAttempts: 1000\n")
    return config


def test_a_sqlite_store_is_migrated_resumed_checked_and_read_back_on_postgresql(gateway_factory, tmp_path, postgres):
    postgres.psql("postgres", "CREATE DATABASE migrated")
    url = postgres.url.replace("/notebridge?", "/migrated?")
    key = base64.b64encode(os.urandom(32)).decode()
    receiver = Receiver()
    try:
        config = destination_config(tmp_path, receiver)
        sqlite = gateway_factory(env={"NOTEBRIDGE_DATA_KEY": key}, name="embedded")
        sqlite.args = ["--config", str(config)]
        sqlite.start()
        api_key = sqlite.api_key
        assert api_key
        # 30 MLLP messages for 5 patients, each written as a note and delivered; 4 notes through /v1 (and a read
        # of each, audited).
        messages = [mdm(f"MG-{n:03d}", f"MRN6{n % 5:03d}", f"V6{n:03d}") for n in range(30)]
        acks = mllp_send(sqlite, tmp_path, *messages)
        assert [str(hl7.parse(a).segment("MSA")[1]) for a in acks] == ["AA"] * 30
        notes = {}
        for n in range(4):
            status, _, body = request(sqlite, "POST", "/v1/note", {"transcript": TRANSCRIPT, "specialty": "physician"},
                                      key=api_key)
            assert status == 200, body
            note_id = json.loads(body)["noteId"]
            status, _, stored = request(sqlite, "GET", f"/v1/note/{note_id}", key=api_key)
            assert status == 200
            notes[note_id] = json.loads(stored)
        wait_for(lambda: len(receiver.accepted()) == 30, timeout=120, what="30 deliveries")
        journal = sqlite.journal()
        assert len(journal) == 30
        bodies = {e["id"]: sqlite.cli("journal", "show", str(e["id"]), "--body").stdout for e in journal}
        assert sqlite.stop() == 0
        source = sqlite.data_dir / "notebridge.sqlite"
        assert source.exists()

        # Interrupted: one row per transaction, killed (SIGKILL) as soon as it reports the journal copied, while
        # the tables after it (90 pipeline note, outbox and audit rows and more) are still being copied.
        copy = subprocess.Popen([BIN, "store", "migrate", "--to", url, "--batch-size", "1"], env=sqlite.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = copy.stderr.readline()
        assert line.startswith(b"journal: 30 of 30 rows copied"), line
        copy.send_signal(signal.SIGKILL)
        copy.wait(timeout=60)
        copy.stderr.close()
        assert copy.returncode == -signal.SIGKILL
        assert postgres.psql("migrated", "SELECT finished FROM notebridge_store_import WHERE table_name = 'journal'") \
            == "t"
        assert int(postgres.psql("migrated", "SELECT COUNT(*) FROM notebridge_store_import WHERE finished")) \
            < len(TABLES)
        assert int(postgres.psql("migrated", "SELECT COUNT(*) FROM audit")) == 0
        # Resumed: the second run continues and ends; a third finds everything copied. Plain progress lines (no
        # terminal here), one per table.
        for _ in range(2):
            result = store_cli(sqlite, "migrate", "--to", url)
            assert result.returncode == 0, result.stderr.decode()
            err = result.stderr.decode()
            for table in TABLES:
                assert f"{table}: " in err
            assert "\r" not in err
            assert NAME_MARKER.encode() not in result.stdout + result.stderr
        # On a terminal: a bar redrawn in place.
        leader, follower = pty.openpty()
        shown = subprocess.run([BIN, "store", "migrate", "--to", url], env=sqlite.env, stdout=subprocess.PIPE,
                               stderr=follower, timeout=120)
        os.close(follower)
        screen = b""
        while select.select([leader], [], [], 0.5)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        os.close(leader)
        assert shown.returncode == 0
        assert b"\r[##############################] 100% journal 30/30" in screen, screen
        progress = postgres.psql("migrated", "SELECT COUNT(*) FROM notebridge_store_import WHERE finished")
        assert progress == str(len(TABLES))
        for table, expected in (("journal", 30), ("pipeline_notes", 30), ("outbox", 30), ("notes", 4),
                                ("api_keys", 1)):
            assert postgres.psql("migrated", f"SELECT COUNT(*) FROM {table}") == str(expected), table
        assert int(postgres.psql("migrated", "SELECT COUNT(*) FROM audit")) >= 8

        result = store_cli(sqlite, "check", "--to", url)
        assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
        out = result.stdout.decode()
        assert "every table matches" in out and out.count(" match") == len(TABLES) + 1
        # A changed byte is found.
        postgres.psql("migrated", "UPDATE notes SET template = template || 'x' WHERE id = "
                                  f"'{next(iter(notes))}'")
        result = store_cli(sqlite, "check", "--to", url)
        assert result.returncode == 1 and "notes" in result.stderr.decode() and "DIFFER" in result.stdout.decode()
        postgres.psql("migrated", "UPDATE notes SET template = left(template, -1) WHERE id = "
                                  f"'{next(iter(notes))}'")
        assert store_cli(sqlite, "check", "--to", url).returncode == 0

        # The sealed values were copied, never opened: no PHI in the clear in PostgreSQL, none in the CLI's output.
        dump = subprocess.run([str(postgres.bin / "pg_dump"), "-h", str(postgres.folder), "-U", "notebridge",
                               "migrated"], capture_output=True, check=True).stdout
        for marker in (NAME_MARKER, TRANSCRIPT_MARKER):
            assert marker.encode() not in dump

        # The gateway on PostgreSQL, with the same data key and the migrated API key, reads everything back.
        onpg = gateway_factory(env={"NOTEBRIDGE_DATA_KEY": key, "NOTEBRIDGE_STORAGE_BACKEND": "postgresql",
                                    "NOTEBRIDGE_STORAGE_URL": url}, name="onpg")
        onpg.args = ["--config", str(config)]
        onpg.start()
        assert onpg.api_key is None  # the migrated key is there: no first key
        assert readyz(onpg) == 200
        for note_id, stored in notes.items():
            status, _, body = request(onpg, "GET", f"/v1/note/{note_id}", key=api_key)
            assert status == 200
            assert json.loads(body) == stored
        assert [e["id"] for e in onpg.journal()] == [e["id"] for e in journal]
        for entry_id, body in bodies.items():
            assert onpg.cli("journal", "show", str(entry_id), "--body").stdout == body
        # Duplicate detection knows the migrated messages; a new message takes the next journal id.
        again = mllp_send(onpg, tmp_path, messages[0], mdm("MG-NEW", "MRN6999", "V6999"))
        assert again[0] == acks[0]
        assert str(hl7.parse(again[1]).segment("MSA")[1]) == "AA"
        assert postgres.psql("migrated", "SELECT id FROM journal WHERE control_id = 'MG-NEW'") == \
            str(max(e["id"] for e in journal) + 1)
        wait_for(lambda: len(receiver.accepted()) == 31, timeout=120, what="the new message delivered")
        assert onpg.stop() == 0
        for marker in (NAME_MARKER, TRANSCRIPT_MARKER):
            assert marker not in onpg.log_text() and marker not in sqlite.log_text()
    finally:
        receiver.stop()


def test_store_cli_rejects_bad_input_with_a_clear_message(gateway_factory, tmp_path, postgres):
    gateway = gateway_factory(env={"NOTEBRIDGE_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}, name="bad")
    # No SQLite store in the data folder, or at --from.
    result = store_cli(gateway, "migrate", "--to", postgres.url)
    assert result.returncode == 2 and b"no SQLite store there" in result.stderr
    result = store_cli(gateway, "check", "--from", str(tmp_path / "missing.sqlite"), "--to", postgres.url)
    assert result.returncode == 2 and b"missing.sqlite" in result.stderr
    assert not (tmp_path / "missing.sqlite").exists()
    gateway.data_dir.mkdir(parents=True, exist_ok=True)
    gateway.start()
    assert gateway.stop() == 0
    # A URL that is not postgres://, or names no database; the password never echoed.
    for url, expected in (("http://example.org/db", b"postgres:// URL"),
                          ("postgres://user:s3cret-pw@localhost", b"names no database"),
                          ("postgres://user@localhost/db?sslmode=maybe", b"sslmode")):
        result = store_cli(gateway, "migrate", "--to", url)
        assert result.returncode == 2 and expected in result.stderr, result.stderr
        assert b"s3cret-pw" not in result.stderr + result.stdout
    assert store_cli(gateway, "migrate", "--to", "x", "--batch-size", "0").returncode == 2
    # No server there: an error within seconds, exit 1, no password.
    started = time.time()
    result = store_cli(gateway, "migrate", "--to", "postgres://user:s3cret-pw@127.0.0.1:9/db?sslmode=disable")
    assert result.returncode == 1 and b"run it again to continue" in result.stderr, result.stderr
    assert b"s3cret-pw" not in result.stderr + result.stdout
    assert time.time() - started < 30
    # check against a database with no NoteBridge schema says so, and leaves it empty.
    postgres.psql("postgres", "CREATE DATABASE empty")
    result = store_cli(gateway, "check", "--to", postgres.url.replace("/notebridge?", "/empty?"))
    assert result.returncode == 1 and b"holds no NoteBridge schema" in result.stderr, result.stderr
    assert postgres.psql("empty", "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") == "0"
    # A database a gateway already uses is refused (nothing would be doubled or mixed).
    postgres.psql("postgres", "CREATE DATABASE inuse")
    url = postgres.url.replace("/notebridge?", "/inuse?")
    other = gateway_factory(env={"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": url,
                                 "NOTEBRIDGE_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}, name="inuse")
    other.start()
    assert other.stop() == 0
    result = store_cli(gateway, "migrate", "--to", url)
    assert result.returncode == 1 and b"already holds NoteBridge data" in result.stderr, result.stderr


def test_a_gateway_started_while_postgresql_is_down_serves_503_then_recovers(gateway_factory, tmp_path):
    server = PostgresServer()
    receiver = Receiver()
    try:
        server.shutdown()
        gateway = gateway_factory(env={"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": server.url,
                                       "NOTEBRIDGE_DATA_KEY": base64.b64encode(os.urandom(32)).decode()})
        # With a destination: the delivery workers, started without a database, deliver once it is there.
        gateway.args = ["--config", str(destination_config(tmp_path, receiver))]
        gateway.start(timeout=90)
        assert readyz(gateway) == 503
        assert "store unreachable at start" in gateway.log_text()
        time.sleep(2)
        assert gateway.process.poll() is None and readyz(gateway) == 503
        server.start()
        wait_for(lambda: readyz(gateway) == 200, timeout=60, what="200 from /readyz once PostgreSQL is up")
        acks = mllp_send(gateway, tmp_path, mdm("LATE-1", "MRN5999", "V5999"))
        assert acks[0].split("\r")[1].startswith("MSA|AA|LATE-1")
        wait_for(lambda: len(receiver.accepted()) == 1, timeout=60, what="the message delivered")
        # No key was printed at start; one made with the CLI now works.
        assert gateway.api_key is None
        created = gateway.cli("keys", "create", "--name", "after start", "--scopes", "notes:read")
        assert created.returncode == 0
        assert gateway.stop() == 0
    finally:
        receiver.stop()
        server.stop()


def test_a_data_folder_of_an_older_release_is_migrated_straight_to_postgresql(gateway_factory, tmp_path, postgres):
    """The two-file layout of an earlier release (test_one_database's fixture), never opened by this build: store
    migrate brings it to this build's schema and one file, copies it, and a gateway on PostgreSQL given the folder's
    key file reads each note back byte for byte as the release answered it."""
    from test_one_database import copy_fixture, get
    import hashlib
    data = tmp_path / "data"
    manifest = copy_fixture(data)
    postgres.psql("postgres", "CREATE DATABASE older")
    url = postgres.url.replace("/notebridge?", "/older?")
    gateway = gateway_factory(env={"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": url},
                              name="data")
    # The configuration names PostgreSQL; --to may be left out (storage.url), the source is the data folder's.
    result = store_cli(gateway, "migrate")
    assert result.returncode == 0, result.stderr.decode()
    assert not (data / "notes.sqlite").exists()
    assert store_cli(gateway, "check").returncode == 0
    gateway.start()
    assert gateway.api_key is None
    for note in manifest["notes"]:
        status, body = get(gateway, f"/v1/note/{note['id']}", note["key"])
        assert status == 200, body
        assert hashlib.sha256(body).hexdigest() == note["sha256"]
    assert [entry["controlId"] for entry in gateway.journal()] == manifest["journalControlIds"]
    assert gateway.stop() == 0


def test_a_database_written_by_a_newer_notebridge_is_refused(gateway_factory, tmp_path, postgres):
    """A schema migration this build does not know (as a newer release records it: a grdb_migrations row on SQLite, a
    notebridge_schema version on PostgreSQL) stops `serve` and `store migrate` at once with exit 1 and both versions
    named; nothing read from the database (the unknown migration's name) is said back, and the file is not changed."""
    import sqlite3
    key = base64.b64encode(os.urandom(32)).decode()
    sqlite = gateway_factory(env={"NOTEBRIDGE_DATA_KEY": key}, name="newer-sqlite")
    sqlite.start()
    assert sqlite.stop() == 0
    database = sqlite.data_dir / "notebridge.sqlite"
    with sqlite3.connect(database) as connection:
        known = connection.execute("SELECT COUNT(*) FROM grdb_migrations").fetchone()[0]
        connection.execute("INSERT INTO grdb_migrations (identifier) VALUES ('future-PATIENT-MARKER.v99')")
    started = time.time()
    result = subprocess.run([BIN, "serve"], env=sqlite.env, capture_output=True, timeout=60)
    assert result.returncode == 1, result.stderr
    text = result.stderr.decode()
    assert "newer NoteBridge" in text and f"{known + 1} migrations applied" in text and f"has {known}" in text, text
    assert "PATIENT-MARKER" not in text + result.stdout.decode()
    assert b"listening" not in result.stdout and time.time() - started < 30
    result = store_cli(sqlite, "migrate", "--to", postgres.url)
    assert result.returncode == 1 and b"newer NoteBridge" in result.stderr, result.stderr
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM grdb_migrations").fetchone()[0] == known + 1

    # PostgreSQL: serve refuses (it no longer serves with /readyz at 503 as if the server were down), and so does
    # store migrate into that database.
    postgres.psql("postgres", "CREATE DATABASE newer")
    url = postgres.url.replace("/notebridge?", "/newer?")
    env = {"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": url, "NOTEBRIDGE_DATA_KEY": key}
    shared = gateway_factory(env=env, name="newer-postgres")
    shared.start()
    assert shared.stop() == 0
    postgres.psql("newer", "INSERT INTO notebridge_schema (version, name) VALUES (999, 'future')")
    result = subprocess.run([BIN, "serve"], env=shared.env, capture_output=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert b"newer NoteBridge" in result.stderr and b"version 999" in result.stderr, result.stderr
    assert b"listening" not in result.stdout
    fresh = gateway_factory(env={"NOTEBRIDGE_DATA_KEY": key}, name="newer-source")
    fresh.start()
    assert fresh.stop() == 0
    result = store_cli(fresh, "migrate", "--to", url)
    assert result.returncode == 1 and b"newer NoteBridge" in result.stderr and b"999" in result.stderr, result.stderr
