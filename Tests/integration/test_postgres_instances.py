"""Two `notebridge serve` instances on one PostgreSQL database (`storage.backend: postgresql`): MLLP messages sent
to both with the python hl7 package's mllp_send are each written as exactly one note and delivered once to the
receiving MLLP peer; a message resent to the other instance is recognized as a duplicate and answered with the stored
acknowledgment. The PostgreSQL server is Debian's (`initdb` + `postgres`), started here in a temporary folder as
`nobody` when the tests run as root, on a Unix socket only; the test fails (never skips) when it is missing."""
import base64
import concurrent.futures
import getpass
import glob
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import hl7
import pytest

from conftest import MLLPConnection, ack_fields
from test_pipeline import NAME_MARKER, TRANSCRIPT_MARKER, Receiver, field, mdm, outbox, wait_for
from test_pipeline_hl7 import mllp_send

SUPERUSER = "notebridge"


def postgres_bin() -> pathlib.Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        pytest.fail("PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin: install the Debian "
                    "package postgresql (scripts/setup-debian.sh test)")
    return pathlib.Path(candidates[-1]).parent


class PostgresServer:
    """A throwaway PostgreSQL server: data and socket in a temporary folder, durability off, no TCP listener."""

    def __init__(self):
        self.bin = postgres_bin()
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="nbpg-", dir="/tmp"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "nobody", "nogroup")
        self.data = self.folder / "data"
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                   "--no-sync", "--no-instructions"])
        self.start()
        self.psql("postgres", "CREATE DATABASE notebridge")

    def start(self):
        self.process = subprocess.Popen(
            self._as_owner([str(self.bin / "postgres"), "-D", str(self.data), "-k", str(self.folder), "-p", "5432",
                            "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
                            "-c", "full_page_writes=off", "-c", "max_connections=200"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", str(self.folder), "-p", "5432"]).returncode:
            if self.process.poll() is not None or time.time() > deadline:
                self.stop()
                pytest.fail("PostgreSQL did not start")
            time.sleep(0.05)

    def shutdown(self):
        """Stops the server (fast shutdown: open connections are closed) and keeps its data."""
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _as_owner(self, command):
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command] if self.as_root else command

    def _run(self, command):
        subprocess.run(self._as_owner(command), check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@/notebridge?host={self.folder}"

    def psql(self, database: str, sql: str) -> str:
        result = subprocess.run([str(self.bin / "psql"), "-h", str(self.folder), "-U", SUPERUSER, "-d", database,
                                 "-At", "-c", sql], capture_output=True, check=True)
        return result.stdout.decode().strip()

    def stop(self):
        self.shutdown()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


def readyz(gateway) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/readyz", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _console_request(gateway, path: str, cookie: str, data: bytes | None = None):
    headers = {"Cookie": cookie}
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(f"http://127.0.0.1:{gateway.http_port}{path}", data=data, headers=headers,
                                     method="POST" if data is not None else "GET")
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as answer:
            return answer.status, answer.read().decode(), answer.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def console_sign_in(gateway, key: str) -> str:
    """Signs in to the console over HTTP; the session cookie's value."""
    _, _, headers = _console_request(gateway, "/console/login", "")
    token = next(c.split(";")[0].split("=", 1)[1] for c in headers.get_all("Set-Cookie")
                 if c.startswith("nb_console_signin="))
    status, _, headers = _console_request(
        gateway, "/console/login", f"nb_console_signin={token}",
        urllib.parse.urlencode({"signin": token, "api_key": key, "next": "/console"}).encode())
    assert status == 303
    return next(c.split(";")[0].split("=", 1)[1] for c in headers.get_all("Set-Cookie") if c.startswith("nb_console="))


def console_get(gateway, path: str, session: str):
    status, body, _ = _console_request(gateway, path, f"nb_console={session}")
    return status, body


def console_post(gateway, path: str, session: str, form: str):
    status, body, _ = _console_request(gateway, path, f"nb_console={session}", form.encode())
    return status, body


def test_two_instances_on_one_database_write_each_message_once_and_share_duplicates(
        gateway_factory, tmp_path, postgres):
    receiver = Receiver()
    key = base64.b64encode(os.urandom(32)).decode()
    shared = {"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": postgres.url,
              "NOTEBRIDGE_DATA_KEY": key}
    try:
        config = tmp_path / "mdm-to-oru.yaml"
        config.write_text(
            "destinations:\n  ehr:\n    type: mllp\n    host: 127.0.0.1\n"
            f"    port: {receiver.port}\n    receivingApplication: EHR\n    receivingFacility: HOSP\n"
            "    ackTimeoutSeconds: 5\n    connectTimeoutSeconds: 2\n    initialBackoffMilliseconds: 200\n"
            "    maxBackoffSeconds: 1\n    maxAttempts: 1000\n")
        instances = []
        for name in ("one", "two"):
            gateway = gateway_factory(env=shared, name=name)
            gateway.args = ["--config", str(config)]
            instances.append(gateway)
        # Both start at once: the schema is migrated once, under the advisory lock, by whichever comes first.
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda g: g.start(), instances))
        assert [readyz(g) for g in instances] == [200, 200]
        # One first API key between them, printed by the instance that made it.
        assert len([g for g in instances if g.api_key]) == 1
        assert postgres.psql("notebridge", "SELECT COUNT(*) FROM api_keys") == "1"
        # The CLI reads and writes the same database: a key made on one host is listed from the other.
        second = json.loads(instances[0].cli("keys", "create", "--name", "second app", "--scopes", "notes:read",
                                             "--format", "json").stdout)
        listed = instances[1].cli("keys", "list").stdout.decode()
        assert "second app" in listed and "first key" in listed
        # The CLI's key action is audited in PostgreSQL as the console's are (channel cli, the local OS user).
        assert postgres.psql("notebridge", "SELECT key_id || ' ' || channel || ' ' || target FROM audit "
                             "WHERE action = 'key-create'") == f"local:{getpass.getuser()} cli key:{second['id']}"
        exported = [json.loads(line) for line in
                    instances[1].cli("audit", "export", "--format", "ndjson").stdout.decode().splitlines()]
        created = [e for e in exported if any(c["code"] == "key-create" for c in e["subtype"])]
        assert [e["agent"][0]["who"]["identifier"] for e in created] == [
            {"system": "urn:notebridge:local-user", "value": getpass.getuser()}]
        for gateway in instances:
            assert "PostgreSQL store opened" in gateway.log_text()
            assert not (gateway.data_dir / "notebridge.sqlite").exists()
        assert postgres.psql("notebridge", "SELECT string_agg(version::text, ',' ORDER BY version) FROM notebridge_schema") \
            == "1,2,3,4,5,6"
        # A console session opened on one instance is accepted by the other (kept in the database by its token's
        # digest); signing out on the other ends it on both.
        first_key = next(g.api_key for g in instances if g.api_key)
        session = console_sign_in(instances[0], first_key)
        status, page = console_get(instances[1], "/console/audit", session)
        assert status == 200 and "Audit trail" in page
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        assert console_post(instances[1], "/console/logout", session, f"csrf={csrf}")[0] == 303
        assert console_get(instances[0], "/console/audit", session)[0] == 303
        assert postgres.psql("notebridge", "SELECT COUNT(*) FROM console_sessions") == "0"

        # 24 messages for 6 patients, alternately to each instance, several per connection.
        messages = [mdm(f"PG-{n:03d}", f"MRN7{n % 6:03d}", f"V7{n:03d}") for n in range(24)]
        acks = {}
        for index, gateway in enumerate(instances):
            batch = messages[index::2]
            for ack in mllp_send(gateway, tmp_path, *batch):
                parsed = hl7.parse(ack)
                acks[str(parsed.segment("MSA")[2])] = (str(parsed.segment("MSA")[1]), ack)
        assert sorted(acks) == [f"PG-{n:03d}" for n in range(24)]
        assert {code for code, _ in acks.values()} == {"AA"}

        # Each message resent to the other instance: the duplicate is recognized there, with the stored ACK.
        for index, gateway in enumerate(instances):
            resent = messages[1 - index::2][:3]
            for ack in mllp_send(gateway, tmp_path, *resent):
                control = str(hl7.parse(ack).segment("MSA")[2])
                assert ack == acks[control][1]

        # Every acknowledged message became exactly one note, delivered once (24 ORU messages at the peer).
        wait_for(lambda: len([r for r in outbox(instances[0]) if r["state"] == "delivered"]) == 24, timeout=120,
                 what="24 delivered rows")
        rows = outbox(instances[1])
        assert len(rows) == 24 and len({r["noteId"] for r in rows}) == 24
        assert postgres.psql("notebridge", "SELECT COUNT(*) FROM journal") == "24"
        assert postgres.psql("notebridge", "SELECT COUNT(*) FROM journal WHERE state = 'processed'") == "24"
        assert postgres.psql("notebridge", "SELECT SUM(duplicate_count) FROM journal") == "6"
        assert postgres.psql("notebridge", "SELECT COUNT(*) FROM pipeline_notes") == "24"
        delivered = receiver.accepted()
        assert len(delivered) == 24
        # Per patient, in the order of the patient's outbox rows (the ORU's MSH-10 is its row's control id).
        row_of = {r["controlId"]: int(r["id"]) for r in rows}
        by_patient = {}
        for message in delivered:
            by_patient.setdefault(field(message, "PID", 3), []).append(row_of[field(message, "MSH", 10)])
        assert len(by_patient) == 6
        for row_ids in by_patient.values():
            assert row_ids == sorted(row_ids)
        # PostgreSQL holds no PHI in the clear.
        dump = subprocess.run([str(postgres.bin / "pg_dump"), "-h", str(postgres.folder), "-U", SUPERUSER,
                               "notebridge"], capture_output=True, check=True).stdout
        for marker in (NAME_MARKER, TRANSCRIPT_MARKER, "MRN7000"):
            assert marker.encode() not in dump
            assert marker.encode().hex().encode() not in dump
        for gateway in instances:
            for marker in (NAME_MARKER, TRANSCRIPT_MARKER):
                assert marker not in gateway.log_text()
    finally:
        receiver.stop()


def test_readyz_is_503_while_postgresql_is_down_and_the_instance_recovers_by_itself(gateway_factory, tmp_path):
    server = PostgresServer()
    try:
        gateway = gateway_factory(env={"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": server.url,
                                       "NOTEBRIDGE_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}).start()
        assert readyz(gateway) == 200
        assert mllp_send(gateway, tmp_path, mdm("UP-1", "MRN8001", "V81"))[0].split("\r")[1].startswith("MSA|AA|UP-1")
        server.shutdown()
        wait_for(lambda: readyz(gateway) == 503, timeout=30, what="503 from /readyz")
        # No acknowledgment without a commit: the store gives up on a connection after storage's connect timeout
        # (5 s), and the sender gets a negative acknowledgment, never AA.
        connection = MLLPConnection(gateway.mllp_port, timeout=20)
        try:
            answer = ack_fields(connection.send(mdm("DOWN-1", "MRN8002", "V82")))
        finally:
            connection.close()
        assert answer["code"] in ("AE", "AR"), answer
        server.start()
        wait_for(lambda: readyz(gateway) == 200, timeout=60, what="200 from /readyz after PostgreSQL restarted")
        assert mllp_send(gateway, tmp_path, mdm("UP-2", "MRN8003", "V83"))[0].split("\r")[1].startswith("MSA|AA|UP-2")
        # The refused message was not kept: its sender resends it.
        assert server.psql("notebridge", "SELECT string_agg(control_id, ',' ORDER BY id) FROM journal") == "UP-1,UP-2"
    finally:
        server.stop()


def test_an_instance_killed_mid_delivery_loses_nothing_and_its_leases_are_taken_over(gateway_factory, tmp_path,
                                                                                      postgres):
    postgres.psql("postgres", "CREATE DATABASE takeover")
    url = postgres.url.replace("/notebridge?", "/takeover?")
    receiver = Receiver()
    receiver.delay = 4.0  # the EHR answers slowly at first: rows stay in flight
    key = base64.b64encode(os.urandom(32)).decode()
    try:
        config = tmp_path / "takeover.yaml"
        config.write_text(
            "destinations:\n  ehr:\n    type: mllp\n    host: 127.0.0.1\n"
            f"    port: {receiver.port}\n    receivingApplication: EHR\n    receivingFacility: HOSP\n"
            "    ackTimeoutSeconds: 10\n    connectTimeoutSeconds: 2\n    initialBackoffMilliseconds: 200\n"
            "    maxBackoffSeconds: 1\n    maxAttempts: 1000\n    leaseSeconds: 3\n")
        instances = []
        for name in ("alpha", "beta"):
            gateway = gateway_factory(env={"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": url,
                                           "NOTEBRIDGE_DATA_KEY": key}, name=name)
            gateway.args = ["--config", str(config)]
            instances.append(gateway)
        alpha, beta = instances
        alpha.start()
        messages = [mdm(f"TK-{n:02d}", f"MRN9{n:03d}", f"V9{n:02d}") for n in range(12)]
        acks = mllp_send(alpha, tmp_path, *messages)
        assert [ack.split("\r")[1].split("|")[1] for ack in acks] == ["AA"] * 12
        # Alpha, alone, claims rows; it dies with them in flight (and with what it has not written yet).
        wait_for(lambda: int(postgres.psql("takeover", "SELECT COUNT(*) FROM outbox WHERE state = 'in-flight'")) > 0,
                 timeout=60, what="rows in flight")
        alpha.stop(signal.SIGKILL)
        held = postgres.psql("takeover", "SELECT id FROM outbox WHERE state = 'in-flight' ORDER BY id").split()
        assert held
        receiver.delay = 0.0
        beta.start()
        # Alpha's leases expire and beta takes its rows over; beta also writes whatever alpha had not: every
        # acknowledged message becomes one note, delivered.
        wait_for(lambda: postgres.psql("takeover", "SELECT COUNT(*) FROM outbox WHERE state = 'delivered'") == "12",
                 timeout=90, what="12 delivered rows")
        assert postgres.psql("takeover", "SELECT COUNT(*) FROM journal WHERE state = 'processed'") == "12"
        assert postgres.psql("takeover", "SELECT COUNT(*) FROM pipeline_notes") == "12"
        assert postgres.psql("takeover", f"SELECT COUNT(*) FROM outbox WHERE id IN ({','.join(held)}) "
                                         "AND state = 'delivered' AND attempts >= 1") == str(len(held))
        sent = {field(message, "MSH", 10) for message in receiver.accepted()}
        rows = set(postgres.psql("takeover", "SELECT control_id FROM outbox").split())
        assert rows <= sent  # each row reached the EHR (one in flight when alpha died, possibly twice: same MSH-10)
        assert readyz(beta) == 200
    finally:
        receiver.stop()


def test_postgresql_refusing_writes_is_503_storage_unavailable_and_readyz_follows(gateway_factory, tmp_path,
                                                                                  postgres):
    """PostgreSQL that takes no writes (every session read-only, SQLSTATE 25006, and the pool's sessions ended by the
    server): POST /v1/note is 503 STORAGE_UNAVAILABLE with Retry-After (it was 500 INTERNAL_ERROR), an MLLP message
    AE, /readyz 503 with the reason while /healthz stays 200; once writes are taken again /readyz's probe write
    commits and it is 200, and notes are written."""
    from test_v1_api import TRANSCRIPT, request
    postgres.psql("postgres", "CREATE DATABASE readonly")
    url = postgres.url.replace("/notebridge?", "/readonly?")
    gateway = gateway_factory(env={"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": url,
                                   "NOTEBRIDGE_DATA_KEY": base64.b64encode(os.urandom(32)).decode()}).start()
    key = gateway.api_key
    assert request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT}, key=key)[0] == 200

    def read_only(on: bool):
        postgres.psql("postgres", f"ALTER DATABASE readonly SET default_transaction_read_only = {'on' if on else 'off'}")
        postgres.psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'readonly'")

    read_only(True)
    for _ in range(2):  # the first may meet a session the server ended, the second a read-only one
        status, headers, body = request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT}, key=key)
        assert status == 503, body
        assert json.loads(body)["error"]["code"] == "STORAGE_UNAVAILABLE" and headers.get("Retry-After") == "30"
    ack = mllp_send(gateway, tmp_path, mdm("RO-1", "MRN8101", "V8101"))[0]
    assert ack.split("\r")[1].startswith("MSA|AE|RO-1") and "\rERR|" in ack, ack
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/healthz", timeout=10) as response:
        assert response.status == 200
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/readyz", timeout=10)
        raise AssertionError("/readyz answered 200 while the store takes no writes")
    except urllib.error.HTTPError as error:
        assert error.code == 503 and json.loads(error.read())["reason"] == "storage_cannot_write"
    log = gateway.log_text()
    assert NAME_MARKER not in log and TRANSCRIPT_MARKER not in log
    read_only(False)
    wait_for(lambda: readyz(gateway) == 200, timeout=30, what="200 from /readyz once PostgreSQL takes writes")
    assert request(gateway, "POST", "/v1/note", {"transcript": TRANSCRIPT}, key=key)[0] == 200
    assert gateway.stop() == 0
