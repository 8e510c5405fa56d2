"""Three `notebridge serve` instances on one PostgreSQL database, as behind a TCP load balancer: a burst of MLLP
messages (the issue's 3,000 for 300 patients; fewer when CI is set, so that each test stays within about a minute
of a debug build) sent by several senders spread over the instances, a receiving MLLP peer as the destination.

- Every acknowledged message becomes exactly one note, written by one instance only (the instances claim journal
  entries), delivered once, each patient's notes in the order of the patient's messages.
- One instance killed with SIGKILL mid-burst, its senders failing over to the others: nothing acknowledged is lost,
  nothing is noted twice, its claims and outbox leases are taken over.
- PostgreSQL restarted mid-burst: no message is acknowledged without its commit (senders get a negative
  acknowledgment or no answer and resend), and the instances recover without a restart of their own.
- PostgreSQL ending every instance's sessions again and again mid-burst: no instance's pipeline is left waiting for
  an answer that never comes while it keeps its journal claims (issue 18), so the cluster never stalls.
- Two instances share an API key's rate limit and an Idempotency-Key.

One PostgreSQL server (Debian's, started as in test_postgres_instances.py) serves the module, a database per test.
"""
import base64
import http.client
import json
import os
import re
import signal
import threading
import time

import pytest

from conftest import MLLPConnection, ack_fields, running_on_ci
from test_pipeline import NAME_MARKER, TRANSCRIPT_MARKER, Receiver, field, mdm, visits_in_arrival_order, wait_for
from test_postgres_instances import PostgresServer, readyz

# The burst: 3,000 messages for 300 patients (10 visits each); on CI a fifth of it.
PATIENTS = 60 if running_on_ci() else 300
VISITS = 10
SENDERS = 12


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


def database(postgres, name: str) -> str:
    postgres.psql("postgres", f"CREATE DATABASE {name}")
    return postgres.url.replace("/notebridge?", f"/{name}?")


def start_instances(gateway_factory, tmp_path, url: str, receiver: Receiver, count: int = 3, extra_env=None):
    config = tmp_path / "scale-out.yaml"
    config.write_text(
        "destinations:\n  ehr:\n    type: mllp\n    host: 127.0.0.1\n"
        f"    port: {receiver.port}\n    receivingApplication: EHR\n    receivingFacility: HOSP\n"
        "    ackTimeoutSeconds: 10\n    connectTimeoutSeconds: 2\n    initialBackoffMilliseconds: 100\n"
        "    maxBackoffSeconds: 1\n    maxAttempts: 1000\n    leaseSeconds: 3\n")
    env = {"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": url,
           "NOTEBRIDGE_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
           "NOTEBRIDGE_PIPELINE_CLAIM_LEASE_SECONDS": "10", "NOTEBRIDGE_LOG_LEVEL": "info"}
    env.update(extra_env or {})
    instances = []
    for index in range(count):
        gateway = gateway_factory(env=env, name=f"instance{index}")
        gateway.args = ["--config", str(config)]
        instances.append(gateway)
    # The first starts alone (it makes the first API key and migrates); the others join it.
    instances[0].start()
    for gateway in instances[1:]:
        gateway.start()
    return instances


def burst_messages():
    """Per patient its visits in order; interleaved across patients, as a busy interface engine sends them."""
    return [(f"SO-{p:03d}-{v:02d}", f"MRN5{p:03d}", f"V{v:02d}") for v in range(1, VISITS + 1)
            for p in range(PATIENTS)]


class Senders:
    """SENDERS interface-engine connections, each owning a share of the patients and sending each patient's messages
    one after another (the next only after the ACK of the previous), spread over the instances. A connection that
    breaks, or a negative acknowledgment, makes the sender resend the same message, to the next live instance when
    the connection broke (as a balancer does)."""

    def __init__(self, instances, messages, deadline: float):
        self.instances = instances
        self.messages = messages
        self.deadline = deadline
        self.lock = threading.Lock()
        self.acked = {}  # control id -> (ack code, the instance's index, time)
        self.naks = 0
        self.failovers = 0
        self.errors = []
        self.dead = set()  # indexes of instances the test killed

    def run(self):
        threads = [threading.Thread(target=self._send, args=(n,), daemon=True) for n in range(SENDERS)]
        for thread in threads:
            thread.start()
        return threads

    def count(self) -> int:
        with self.lock:
            return len(self.acked)

    def _send(self, number: int):
        mine = [m for index, m in enumerate(self.messages) if int(m[1][4:]) % SENDERS == number]
        target = number % len(self.instances)
        connection = None
        try:
            for control, mrn, visit in mine:
                message = mdm(control, mrn, visit, family="SCALEOUT")
                while True:
                    if time.time() > self.deadline:
                        raise TimeoutError(f"sender {number}: no ACK for {control} in time")
                    try:
                        if connection is None:
                            while target in self.dead:
                                target = (target + 1) % len(self.instances)
                            connection = MLLPConnection(self.instances[target].mllp_port, timeout=30)
                        reply = ack_fields(connection.send(message))
                    except (ConnectionError, OSError):
                        # The instance died or closed the connection: resend to the next one.
                        if connection is not None:
                            connection.close()
                        connection = None
                        with self.lock:
                            self.failovers += 1
                        target = (target + 1) % len(self.instances)
                        time.sleep(0.1)
                        continue
                    if reply["code"] == "AA" and reply["control_id"] == control:
                        with self.lock:
                            self.acked[control] = (reply["code"], target, time.time())
                        break
                    # Not committed (the store is unreachable): the same message again, a moment later.
                    assert reply["code"] in ("AE", "AR"), reply
                    with self.lock:
                        self.naks += 1
                    time.sleep(0.2)
        except Exception as error:  # reported by the test
            with self.lock:
                self.errors.append(repr(error))
        finally:
            if connection is not None:
                connection.close()


def metric_sum(gateway, outcome: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=10)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    total = 0
    for line in text.splitlines():
        if line.startswith("notebridge_messages_processed_total{") and f'outcome="{outcome}"' in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def check_outcome(postgres, name: str, messages, senders: Senders, receiver: Receiver, exactly_once: bool,
                  timeout: float = 600, stall: float | None = None):
    """Every acknowledged message is journaled once and became one note, delivered, in order per patient. With
    `stall`, the wait fails as soon as no row has been delivered for that many seconds (a stalled cluster), and
    otherwise waits up to `timeout` while deliveries go on (a machine loaded by other work delivers slowly: the note
    threads run niced)."""
    assert not senders.errors, senders.errors[:3]
    controls = {m[0] for m in messages}
    assert set(senders.acked) == controls

    def delivered():
        return int(postgres.psql(name, "SELECT COUNT(*) FROM outbox WHERE state = 'delivered'"))

    deadline = time.time() + timeout
    count, progressed = delivered(), time.time()
    while count != len(messages):
        now = time.time()
        if now > deadline or (stall is not None and now - progressed > stall):
            raise AssertionError(f"timed out waiting for {len(messages)} delivered rows (now {count}, none delivered "
                                 f"for {now - progressed:.0f} s)")
        time.sleep(0.5)
        latest = delivered()
        if latest != count:
            count, progressed = latest, time.time()
    journal = postgres.psql(name, "SELECT control_id || '|' || state FROM journal").split()
    assert sorted(journal) == sorted(f"{c}|processed" for c in controls)  # each once, every one processed
    assert postgres.psql(name, "SELECT COUNT(*), COUNT(DISTINCT journal_id) FROM pipeline_notes") \
        == f"{len(messages)}|{len(messages)}"
    rows = postgres.psql(name, "SELECT note_id || '|' || control_id FROM outbox").split()
    assert len(rows) == len(messages) and len({r.split("|")[0] for r in rows}) == len(messages)
    row_controls = {r.split("|")[1] for r in rows}
    received = receiver.accepted()
    # Each note reached the EHR; a second arrival only as the same message (same MSH-10), and only when an instance
    # died with the row in flight.
    by_control = {}
    for message in received:
        key = (field(message, "PID", 3), field(message, "PV1", 19))
        assert by_control.setdefault(field(message, "MSH", 10), key) == key
    assert set(by_control) == row_controls
    if exactly_once:
        assert len(received) == len(messages)
    # Per patient, the visits arrive in the order they were sent (first arrivals).
    firsts = visits_in_arrival_order(received)
    assert len(firsts) == PATIENTS
    for patient, seen in firsts.items():
        assert seen == [f"V{v:02d}" for v in range(1, VISITS + 1)], f"patient {patient}: {seen}"


def test_three_instances_write_each_message_once_and_deliver_it_once_in_order(gateway_factory, tmp_path, postgres):
    url = database(postgres, "burst")
    receiver = Receiver()
    try:
        instances = start_instances(gateway_factory, tmp_path, url, receiver)
        messages = burst_messages()
        started = time.time()
        senders = Senders(instances, messages, deadline=time.time() + 600)
        for thread in senders.run():
            thread.join()
        acked_in = time.time() - started
        check_outcome(postgres, "burst", messages, senders, receiver, exactly_once=True)
        print(f"\n{len(messages)} messages acknowledged in {acked_in:.1f} s, delivered in {time.time() - started:.1f} s")
        assert senders.failovers == 0 and senders.naks == 0
        # Every instance wrote notes, and no note was written twice (by two instances, or two passes).
        written = [metric_sum(g, "processed") for g in instances]
        assert sum(written) == len(messages) and all(w > 0 for w in written), written
        assert sum(metric_sum(g, "already_processed") for g in instances) == 0
        claimants = postgres.psql("burst", "SELECT COUNT(DISTINCT claim_owner) FROM journal")
        assert claimants == "3"
        for gateway in instances:
            text = gateway.log_text()
            assert NAME_MARKER not in text and TRANSCRIPT_MARKER not in text and "SCALEOUT" not in text
    finally:
        receiver.stop()


def test_an_instance_killed_mid_burst_loses_nothing_and_its_claims_and_leases_are_taken_over(
        gateway_factory, tmp_path, postgres):
    url = database(postgres, "killed")
    receiver = Receiver()
    receiver.delay = 0.02  # the EHR takes a moment per message: rows are in flight when the instance dies
    try:
        instances = start_instances(gateway_factory, tmp_path, url, receiver)
        victim = instances[1]
        messages = burst_messages()
        senders = Senders(instances, messages, deadline=time.time() + 600)
        threads = senders.run()
        wait_for(lambda: senders.count() >= len(messages) // 3, timeout=300, what="a third acknowledged")
        victim.process.kill()
        senders.dead.add(1)
        victim.process.wait()
        killed_at = senders.count()
        pid = victim.process.pid
        # What it held when it died: journal claims (accepted entries) and outbox rows in flight.
        claimant = re.search(r"nb\.pipeline\.claimant=(\S+)", victim.log_text()).group(1)
        claimed = postgres.psql("killed", f"SELECT id FROM journal WHERE state = 'accepted' AND claim_owner = '{claimant}'")
        claimed = claimed.split()
        held = postgres.psql("killed", "SELECT COUNT(*) FROM outbox WHERE state = 'in-flight'")
        for thread in threads:
            thread.join()
        receiver.delay = 0.0
        assert killed_at < len(messages)
        assert senders.failovers > 0
        check_outcome(postgres, "killed", messages, senders, receiver, exactly_once=False)
        survivors = [instances[0], instances[2]]
        for gateway in survivors:
            assert readyz(gateway) == 200
        # The dead instance's claims and leases were taken over: no entry is left claimed by it unprocessed, and the
        # survivors wrote what it did not.
        assert postgres.psql("killed", "SELECT COUNT(*) FROM journal WHERE state = 'accepted'") == "0"
        assert claimed or held != "0", "the instance held nothing when it was killed"
        if claimed:
            taken = postgres.psql("killed", f"SELECT COUNT(*) FROM journal WHERE id IN ({','.join(claimed)}) "
                                            f"AND state = 'processed' AND claim_owner <> '{claimant}'")
            assert taken == str(len(claimed))
        print(f"\nkilled instance (pid {pid}) at {killed_at} acknowledged; it held {len(claimed)} journal claims and "
              f"{held} rows in flight; {senders.failovers} sender failovers")
    finally:
        receiver.stop()


def test_postgresql_restarted_mid_burst_acknowledges_nothing_uncommitted_and_instances_recover(
        gateway_factory, tmp_path, postgres):
    url = database(postgres, "restarted")
    receiver = Receiver()
    try:
        instances = start_instances(gateway_factory, tmp_path, url, receiver)
        pids = [g.process.pid for g in instances]
        messages = burst_messages()
        senders = Senders(instances, messages, deadline=time.time() + 600)
        threads = senders.run()
        wait_for(lambda: senders.count() >= len(messages) // 3, timeout=300, what="a third acknowledged")
        postgres.shutdown()
        down_at = senders.count()
        # While the database is down nothing is acknowledged (answers already on their way when it stopped aside).
        time.sleep(3)
        stalled = senders.count()
        time.sleep(2)
        assert senders.count() == stalled
        with senders.lock:
            acknowledged = set(senders.acked)
        postgres.start()
        # Every message acknowledged before the restart was committed before it (an acknowledged message is never
        # sent again, so only the commit it waited for can have put it there).
        journaled = set(postgres.psql("restarted", "SELECT control_id FROM journal").split())
        assert acknowledged <= journaled, sorted(acknowledged - journaled)[:5]
        for thread in threads:
            thread.join()
        assert senders.naks > 0 or senders.failovers > 0
        check_outcome(postgres, "restarted", messages, senders, receiver, exactly_once=False)
        # The same processes, ready again: none was restarted.
        assert [g.process.pid for g in instances] == pids
        assert all(g.process.poll() is None for g in instances)
        for gateway in instances:
            wait_for(lambda: readyz(gateway) == 200, timeout=30, what="ready again")
        print(f"\nPostgreSQL stopped at {down_at} acknowledged; {senders.naks} negative acknowledgments, "
              f"{senders.failovers} broken connections resent")
    finally:
        receiver.stop()


def test_sessions_ended_again_and_again_mid_burst_stall_no_instance(gateway_factory, tmp_path, postgres):
    """The server ends every NoteBridge session (pg_terminate_backend, as a restart or a failover does) every quarter
    of a second for five seconds while the instances journal, write notes and deliver. Statements in flight fail, and
    so do statements sent on a connection whose session had just ended (PostgresNIO drops those without an answer):
    none may leave its caller waiting for ever, least of all a pipeline pass, whose journal claims would then be kept
    by the claim extender and hold every instance's pipeline behind them. Every message is delivered soon after the
    last is acknowledged: the wait fails once nothing has been delivered for 60 s (the CI burst; 300 s for the full one;
    a lease is 3 s here), as a stalled cluster would deliver nothing more, and goes on while deliveries do (on a
    machine loaded by other work the niced note threads deliver a few a second)."""
    url = database(postgres, "terminated")
    receiver = Receiver()
    try:
        instances = start_instances(gateway_factory, tmp_path, url, receiver,
                                    extra_env={"NOTEBRIDGE_PIPELINE_CLAIM_LEASE_SECONDS": "3"})
        pids = [g.process.pid for g in instances]
        messages = burst_messages()
        senders = Senders(instances, messages, deadline=time.time() + 300)
        threads = senders.run()
        wait_for(lambda: senders.count() >= len(messages) // 5, timeout=120, what="a fifth acknowledged")
        ended = 0
        for _ in range(20):
            ended += int(postgres.psql("terminated", "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) "
                                                     "FROM pg_stat_activity WHERE application_name = 'notebridge') t"))
            time.sleep(0.25)
        churn_ended = time.time()
        for thread in threads:
            thread.join()
        assert ended > 0
        check_outcome(postgres, "terminated", messages, senders, receiver, exactly_once=False, timeout=600,
                      stall=60 if running_on_ci() else 300)
        assert [g.process.pid for g in instances] == pids
        for gateway in instances:
            wait_for(lambda: readyz(gateway) == 200, timeout=30, what="ready")
            text = gateway.log_text()
            assert NAME_MARKER not in text and TRANSCRIPT_MARKER not in text and "SCALEOUT" not in text
        print(f"\n{ended} sessions ended; all delivered {time.time() - churn_ended:.1f} s after the churn; "
              f"{senders.naks} negative acknowledgments, {senders.failovers} broken connections resent")
    finally:
        receiver.stop()


def request(gateway, method, path, body=None, key=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=60)
    all_headers = {"Content-Type": "application/json"}
    if key:
        all_headers["Authorization"] = f"Bearer {key}"
    all_headers.update(headers or {})
    connection.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def test_two_instances_share_a_keys_rate_limit_an_idempotency_key_and_stream_tickets(gateway_factory, tmp_path,
                                                                                    postgres):
    url = database(postgres, "shared")
    receiver = Receiver()
    try:
        one, two = start_instances(gateway_factory, tmp_path, url, receiver, count=2,
                                   extra_env={"NOTEBRIDGE_API_RATE_LIMIT_PER_SECOND": "1"})
        key = one.api_key
        assert key
        transcript = "Doctor: What brings you in?\nPatient: My left knee hurts after hiking.\n" \
                     "Doctor: Mild effusion on exam. Ice and rest, and come back in two weeks."
        body = {"transcript": transcript, "specialty": "physician"}
        missing = "/v1/note/note_0000000000000000000000000000000f"
        # The key's bucket (1 request per second, bursts of 2) is one for both instances: a request on each spends
        # it, and the next is refused on either, with Retry-After; alone, each instance would allow two.
        assert request(one, "GET", missing, key=key)[0] == 404
        assert request(two, "GET", missing, key=key)[0] == 404
        status, headers, limited = request(one, "GET", missing, key=key)
        assert status == 429, limited
        assert json.loads(limited)["error"]["code"] == "RATE_LIMITED" and int(headers["Retry-After"]) >= 1
        assert request(two, "GET", missing, key=key)[0] == 429
        time.sleep(1.1)  # one token back, for one request on either instance
        assert request(two, "GET", missing, key=key)[0] == 404
        assert request(one, "GET", missing, key=key)[0] == 429
        assert postgres.psql("shared", "SELECT COUNT(*) FROM rate_limits") == "1"
        time.sleep(2.1)
        # An Idempotency-Key used on one instance is known to the other: the same note, replayed.
        status, headers, first = request(one, "POST", "/v1/note", body, key=key, headers={"Idempotency-Key": "v-7"})
        assert status == 200, first
        assert "Idempotent-Replayed" not in headers
        status, headers, second = request(two, "POST", "/v1/note", body, key=key, headers={"Idempotency-Key": "v-7"})
        assert status == 200 and headers.get("Idempotent-Replayed") == "true"
        assert json.loads(second)["noteId"] == json.loads(first)["noteId"]
        time.sleep(1.1)
        status, _, refused = request(two, "POST", "/v1/note", {"transcript": transcript}, key=key,
                                     headers={"Idempotency-Key": "v-7"})
        assert status == 422 and json.loads(refused)["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
        # A stream ticket issued by one instance opens its stream on the other, once.
        time.sleep(2.1)
        status, _, issued = request(one, "POST", "/v1/stream/ticket", body, key=key)
        assert status == 201, issued
        issued = json.loads(issued)
        assert postgres.psql("shared", "SELECT COUNT(*) FROM stream_tickets") == "1"
        dump = postgres.psql("shared", "SELECT encode(request_sealed, 'escape') || ticket_digest FROM stream_tickets")
        assert "knee" not in dump and issued["ticket"] not in dump
        connection = http.client.HTTPConnection("127.0.0.1", two.http_port, timeout=60)
        connection.request("GET", issued["stream_url"])
        response = connection.getresponse()
        events = response.read().decode()
        connection.close()
        assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
        assert '"section":"subjective"' in events.replace(" ", "") and "data: [DONE]" in events
        assert request(one, "GET", issued["stream_url"])[0] == 401
        assert request(two, "GET", issued["stream_url"])[0] == 401
        assert postgres.psql("shared", "SELECT COUNT(*) FROM stream_tickets") == "0"
    finally:
        receiver.stop()
