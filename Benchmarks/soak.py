#!/usr/bin/env python3
"""The scale-out soak (issue 18, "Hardening under load"): two `notebridge serve` instances on one PostgreSQL database
(Debian's server, started here in a temporary folder as a non-root user with its durable defaults, as
postgres_acks.py does), for `--minutes` (60 by default) of mixed traffic at a moderate steady rate, with faults
injected on a schedule, then an account of everything that was acknowledged or accepted.

Traffic (all on 127.0.0.1), spread over both instances:
- MLLP: MDM^T02 and ORU^R01 carrying a visit transcript, from several interface-engine connections, each owning its
  patients and sending a patient's visits one after another (the next only after the ACK of the previous); a broken
  connection or a negative acknowledgment makes the sender resend the same message, to the other instance when the
  connection broke (as a balancer does). Destinations: an MLLP receiving peer (`ehr`) and a signed webhook receiver
  (`hook`, `type: webhook`), both through the outbox.
- `POST /v1/note` with an `Idempotency-Key` (a retry after a failure goes to the other instance with the same key)
  and a `callback_url` at the webhook receiver (the /v1 webhook).
- `POST /fhir/$soap-note` (Parameters: transcript, specialty, patient).

Faults: at 30 % of the run one instance is SIGKILLed and restarted 20 s later on the same configuration; at 55 % the
MLLP receiving peer goes down for a few minutes (a tenth of the run, at most 4 min) and comes back on the same port.

Every `--sample-seconds` (30): resident memory (VmRSS) and open file descriptors of each instance, PostgreSQL's
connections to the database, and the server's own RSS (all its processes).

At the end (traffic stopped, deliveries drained): every acknowledged MLLP message is one journal entry, processed,
one note, one outbox row per destination, delivered; the EHR received each (a second arrival only as the same
message, counted), each patient's visits in the order sent; each webhook event arrived; each accepted /v1 request
is a readable note whose note.generated event arrived; each accepted $soap-note's DocumentReference is readable. The
memory and descriptor series are judged flat when, for each instance process that lived at least half the run, the
mean of its last quarter of samples is at most the mean of its second quarter plus 10 % (RSS, and at least 16 MiB)
or plus 8 descriptors; the first quarter is warm-up (allocator arenas, pools filling) and is left out. PostgreSQL's
connections must stay within the two pools (2 x storage.poolSize, plus 2 for a killed instance's last backends
ending); its RSS is reported, not judged (it counts the shared buffers each backend has touched, which grows until
the cache is warm).

Usage: python3 Benchmarks/soak.py --bin .build/release/notebridge [--minutes 60] [--short]
`--short` is a smoke check: 3 minutes, samples every 5 s, the same faults scaled down.
Exit status 0 when everything is accounted for and the series are flat, 1 otherwise; a JSON summary is printed last.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import pathlib
import random
import re
import shutil
import signal
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from postgres_acks import Postgres, descendants  # noqa: E402

START_BLOCK, END_BLOCK, CR = b"\x0b", b"\x1c", b"\x0d"
POOL_SIZE = 10  # storage.poolSize of each instance (the default)
HOOK_SECRET = "whsec_soak_destination_0123456789abcdef"
TRANSCRIPT = [
    "Doctor: Good morning, what brings you in today?",
    "Patient: My left knee has been hurting for three weeks, since I started hiking.",
    "Doctor: Any swelling or locking?",
    "Patient: Some swelling in the evening, no locking.",
    "Doctor: On exam there is mild effusion and tenderness along the medial joint line.",
    "Doctor: This looks like a medial meniscus strain. Ice, rest, ibuprofen 400 mg as needed, and come back in two "
    "weeks.",
]


def log(text: str):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# MARK: - peers

def frame(message: bytes) -> bytes:
    return START_BLOCK + message + END_BLOCK + CR


def field(message: str, segment: str, number: int) -> str:
    found = [s for s in message.split("\r") if s.startswith(segment + "|")]
    if not found:
        return ""
    parts = found[0].split("|")
    if segment == "MSH":
        number -= 1
    return parts[number] if len(parts) > number else ""


class MLLPReceiver:
    """The EHR's MLLP listener: answers AA and records each arrival (control id, patient, visit, time). It can be
    stopped and started again on the same port (the destination down, then back)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.arrivals = []  # (time, MSH-10, PID-3 identifier, PV1-19)
        self.port = 0
        self.server = None
        self.start()

    def start(self):
        receiver = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                buffer = b""
                self.request.settimeout(60)
                while True:
                    try:
                        chunk = self.request.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    buffer += chunk
                    while START_BLOCK in buffer and END_BLOCK + CR in buffer:
                        start = buffer.index(START_BLOCK)
                        end = buffer.index(END_BLOCK + CR, start)
                        message = buffer[start + 1:end].decode(errors="replace")
                        buffer = buffer[end + 2:]
                        control = field(message, "MSH", 10)
                        with receiver.lock:
                            receiver.arrivals.append((time.time(), control, field(message, "PID", 3).split("^")[0],
                                                      field(message, "PV1", 19)))
                        ack = (f"MSH|^~\\&|EHR|HOSP|NOTEBRIDGE||20261101093001||ACK^R01^ACK|ACK{control}|P|2.5.1\r"
                               f"MSA|AA|{control}\r").encode()
                        try:
                            self.request.sendall(frame(ack))
                        except OSError:
                            return

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True
            block_on_close = False

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class HookReceiver:
    """The webhook receiver: the `hook` outbox destination's signed events (path /events) and the /v1 callbacks
    (path /v1). Answers 200; records the event ids and note ids."""

    def __init__(self):
        self.lock = threading.Lock()
        self.outbox_events = []  # (event id, signature valid)
        self.v1_events = []  # (event type, note id)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    event = json.loads(body)
                except ValueError:
                    event = {}
                with receiver.lock:
                    if self.path.startswith("/events"):
                        receiver.outbox_events.append((event.get("id", ""), signed(self.headers, body)))
                    else:
                        receiver.v1_events.append((event.get("type", ""), event.get("data", {}).get("noteId", "")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def signed(headers, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in headers.get("NoteBridge-Signature", "").split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts:
        return False
    expected = hmac.new(HOOK_SECRET.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


# MARK: - instances

class Instance:
    """One `notebridge serve` on the shared database, restartable on the same data folder and configuration."""

    def __init__(self, binary: str, folder: pathlib.Path, env: dict, config: pathlib.Path):
        self.binary = binary
        self.folder = folder
        self.env = env
        self.config = config
        self.process = None
        self.mllp_port = self.http_port = None
        self.api_key = None
        self.webhook_secret = None
        self.started_at = None
        folder.mkdir(parents=True, exist_ok=True)

    def start(self):
        environment = dict(os.environ, NOTEBRIDGE_DATA_DIR=str(self.folder), NOTEBRIDGE_MLLP_HOST="127.0.0.1",
                           NOTEBRIDGE_MLLP_PORT="0", NOTEBRIDGE_HTTP_HOST="127.0.0.1", NOTEBRIDGE_HTTP_PORT="0",
                           **self.env)
        stderr = open(self.folder.parent / f"{self.folder.name}.log", "ab")
        self.process = subprocess.Popen([self.binary, "serve", "--config", str(self.config)], env=environment,
                                        stdout=subprocess.PIPE, stderr=stderr)
        stderr.close()
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.process.stdout.readline().decode()
            if not line:
                if self.process.poll() is not None:
                    raise SystemExit(f"serve exited with {self.process.returncode}")
                continue
            key = re.search(r"API key:\s+(nb_live_\S+)", line)
            if key:
                self.api_key = key.group(1)
            if "webhook secret:" in line:
                self.webhook_secret = line.split()[-1]
            found = re.search(r"mllp(?:\+tls)?=[^:\s]+:(\d+) https?=[^:\s]+:(\d+)", line)
            if found:
                self.mllp_port, self.http_port = int(found.group(1)), int(found.group(2))
                self.started_at = time.time()
                # Keep draining stdout so that the child never blocks on a full pipe.
                threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
                return self
        raise SystemExit("serve did not report its ports in time")

    @staticmethod
    def _drain(process):
        for _ in process.stdout:
            pass

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def sample(self) -> dict | None:
        if not self.alive():
            return None
        pid = self.process.pid
        try:
            status = pathlib.Path(f"/proc/{pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except (OSError, AttributeError):
            return None
        return {"pid": pid, "rssKiB": rss, "fds": fds}


# MARK: - traffic

def mdm(control: str, mrn: str, visit: str) -> bytes:
    body = TRANSCRIPT[:-2] + ["\\.br\\".join(TRANSCRIPT[-2:])]
    segments = [
        f"MSH|^~\\&|DICTATE|NORTH|NOTEBRIDGE|NB|20261101093000||MDM^T02^MDM_T02|{control}|P|2.5.1",
        "EVN|T02|20261101093000",
        f"PID|1||{mrn}^^^NORTH^MR||SOAKFAMILY^ALEX||19800214|F",
        f"PV1|1|O|CLINIC^101^A||||1234^WELBY^MARCUS|||MED|||||||||{visit}",
        f"TXA|1|PN|TX|20261101093000|5678^KILDARE^JAMES||||||DOC-{control}||||||AU||AV",
    ] + [f"OBX|{i}|TX|11506-3^Progress note^LN|1|{line}||||||F" for i, line in enumerate(body, start=1)]
    return ("\r".join(segments) + "\r").encode()


def oru(control: str, mrn: str, visit: str) -> bytes:
    segments = [
        f"MSH|^~\\&|DICTATE|NORTH|NOTEBRIDGE|NB|20261101093000||ORU^R01^ORU_R01|{control}|P|2.5.1",
        f"PID|1||{mrn}^^^NORTH^MR||SOAKFAMILY^ALEX||19800214|F",
        f"PV1|1|O|CLINIC^101^A||||1234^WELBY^MARCUS|||MED|||||||||{visit}",
        "OBR|1||||||||||||||||||||||||F",
    ] + [f"OBX|{i}|TX|11506-3^Progress note^LN|1|{line}||||||F" for i, line in enumerate(TRANSCRIPT, start=1)]
    return ("\r".join(segments) + "\r").encode()


def ack_of(reply: bytes) -> tuple[str, str]:
    text = reply.strip(START_BLOCK + END_BLOCK + CR).decode(errors="replace")
    msa = next((s.split("|") for s in text.split("\r") if s.startswith("MSA|")), [])
    return (msa[1] if len(msa) > 1 else "", msa[2] if len(msa) > 2 else "")


class Traffic:
    """Paced senders over both instances; what was acknowledged or accepted, and the faults they met."""

    def __init__(self, instances, senders: int, mllp_rate: float, v1_rate: float, fhir_rate: float, hook_port: int):
        self.instances = instances
        self.senders = senders
        self.mllp_rate = mllp_rate
        self.v1_rate = v1_rate
        self.fhir_rate = fhir_rate
        self.hook_port = hook_port
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.acked = {}  # control id -> (patient, visit number, time)
        self.sent_order = {}  # patient -> [visit, ...] in ACK order
        self.v1_notes = {}  # idempotency key -> note id
        self.fhir_documents = []  # DocumentReference ids
        self.counters = {"naks": 0, "mllp_failovers": 0, "v1_retries": 0, "fhir_retries": 0, "fhir_refused": 0,
                         "v1_refused": 0}
        self.errors = []
        self.threads = []

    def start(self):
        for number in range(self.senders):
            self.threads.append(threading.Thread(target=self._mllp_sender, args=(number,), daemon=True))
        self.threads.append(threading.Thread(target=self._v1_sender, daemon=True))
        self.threads.append(threading.Thread(target=self._fhir_sender, daemon=True))
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=300)

    def bump(self, name: str):
        with self.lock:
            self.counters[name] += 1

    def _pace(self, rate: float, started: float, count: int):
        """Sleeps until the `count`-th send is due at `rate` per second from `started`."""
        due = started + count / rate
        while not self.stopping.is_set() and time.time() < due:
            time.sleep(min(0.2, due - time.time()))

    def _mllp_sender(self, number: int):
        rate = self.mllp_rate / self.senders
        target = number % len(self.instances)
        connection = None
        started = time.time()
        sent = 0
        patients = [f"MRN7{number:02d}{p:03d}" for p in range(20)]
        visits = {p: 0 for p in patients}
        try:
            while not self.stopping.is_set():
                self._pace(rate, started, sent)
                if self.stopping.is_set():
                    break
                patient = patients[sent % len(patients)]
                visits[patient] += 1
                visit = f"V{visits[patient]:04d}"
                control = f"SK{number:02d}-{sent:06d}"
                message = (mdm if sent % 2 == 0 else oru)(control, patient, visit)
                sent += 1
                while True:
                    try:
                        if connection is None:
                            connection = socket_to(self.instances[target].mllp_port)
                        connection.sendall(frame(message))
                        code, acked_control = ack_of(read_frame(connection))
                    except OSError:
                        if connection is not None:
                            connection.close()
                        connection = None
                        self.bump("mllp_failovers")
                        target = (target + 1) % len(self.instances)
                        time.sleep(0.2)
                        continue
                    if code == "AA" and acked_control == control:
                        with self.lock:
                            self.acked[control] = (patient, visit, time.time())
                            self.sent_order.setdefault(patient, []).append(visit)
                        break
                    self.bump("naks")
                    time.sleep(0.5)
        except Exception as error:  # reported at the end
            with self.lock:
                self.errors.append(f"mllp sender {number}: {error!r}")
        finally:
            if connection is not None:
                connection.close()

    def _http(self, index: int, method: str, path: str, body=None, headers=None, timeout: float = 120):
        instance = self.instances[index]
        connection = http.client.HTTPConnection("127.0.0.1", instance.http_port, timeout=timeout)
        try:
            all_headers = {"Authorization": f"Bearer {self.instances[0].api_key}"}
            all_headers.update(headers or {})
            payload = json.dumps(body).encode() if body is not None else None
            connection.request(method, path, body=payload, headers=all_headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def _v1_sender(self):
        started = time.time()
        sent = 0
        try:
            while not self.stopping.is_set():
                self._pace(self.v1_rate, started, sent)
                if self.stopping.is_set():
                    break
                key = f"soak-v1-{sent:06d}"
                body = {"transcript": "\n".join(TRANSCRIPT), "specialty": "physician",
                        "callback_url": f"http://127.0.0.1:{self.hook_port}/v1/{key}"}
                target = sent % len(self.instances)
                sent += 1
                for attempt in range(20):
                    try:
                        status, answer = self._http(target, "POST", "/v1/note", body,
                                                    {"Content-Type": "application/json", "Idempotency-Key": key})
                    except OSError:
                        status, answer = 0, b""
                    if status == 200:
                        with self.lock:
                            self.v1_notes[key] = json.loads(answer)["noteId"]
                        break
                    if 400 <= status < 500:
                        self.bump("v1_refused")
                        break
                    self.bump("v1_retries")
                    target = (target + 1) % len(self.instances)
                    time.sleep(0.5)
        except Exception as error:
            with self.lock:
                self.errors.append(f"v1 sender: {error!r}")

    def _fhir_sender(self):
        started = time.time()
        sent = 0
        try:
            while not self.stopping.is_set():
                self._pace(self.fhir_rate, started, sent)
                if self.stopping.is_set():
                    break
                patient = f"soak-p-{sent % 50:03d}"
                parameters = {"resourceType": "Parameters", "parameter": [
                    {"name": "transcript", "valueString": "\n".join(TRANSCRIPT)},
                    {"name": "specialty", "valueCode": "physician"},
                    {"name": "patient", "resource": {
                        "resourceType": "Patient", "id": patient,
                        "identifier": [{"system": "urn:example:soak", "value": patient}],
                        "name": [{"family": "Soakfamily", "given": ["Alex"]}]}}]}
                target = sent % len(self.instances)
                sent += 1
                for attempt in range(20):
                    try:
                        status, answer = self._http(target, "POST", "/fhir/$soap-note", parameters,
                                                    {"Content-Type": "application/fhir+json"})
                    except OSError:
                        status, answer = 0, b""
                    if status == 200:
                        bundle = json.loads(answer)
                        ids = [e["resource"]["id"] for e in bundle.get("entry", [])
                               if e.get("resource", {}).get("resourceType") == "DocumentReference"]
                        with self.lock:
                            self.fhir_documents.extend(ids or ["<none>"])
                        break
                    if 400 <= status < 500:
                        self.bump("fhir_refused")
                        break
                    self.bump("fhir_retries")
                    target = (target + 1) % len(self.instances)
                    time.sleep(0.5)
        except Exception as error:
            with self.lock:
                self.errors.append(f"fhir sender: {error!r}")


def socket_to(port: int):
    import socket
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.settimeout(30)
    return connection


def read_frame(connection) -> bytes:
    buffer = b""
    while END_BLOCK + CR not in buffer:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the instance")
        buffer += chunk
    return buffer


# MARK: - samples and verdicts

def psql(postgres: Postgres, database: str, sql: str) -> str:
    return postgres.sql(database, sql)


def postgres_rss_kib(postgres: Postgres) -> int:
    """Resident memory of the server's processes (the postmaster and its children)."""
    total = 0
    for pid in descendants(postgres.process.pid):
        try:
            found = re.search(r"VmRSS:\s+(\d+) kB", pathlib.Path(f"/proc/{pid}/status").read_text())
        except OSError:
            continue
        total += int(found.group(1)) if found else 0
    return total


def flat(values: list[float], relative: float, absolute: float) -> tuple[bool, float, float]:
    """Mean of the second quarter against the mean of the last quarter."""
    quarter = max(1, len(values) // 4)
    second = statistics.mean(values[quarter:2 * quarter]) if len(values) >= 4 else values[0]
    last = statistics.mean(values[-quarter:])
    return last <= second + max(second * relative, absolute), second, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=".build/release/notebridge")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--short", action="store_true", help="smoke check: 3 minutes, samples every 5 s")
    parser.add_argument("--sample-seconds", type=float, default=30)
    parser.add_argument("--mllp-rate", type=float, default=8.0, help="MLLP messages per second, all senders")
    parser.add_argument("--v1-rate", type=float, default=1.0, help="POST /v1/note per second")
    parser.add_argument("--fhir-rate", type=float, default=1.0, help="POST /fhir/$soap-note per second")
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--samples-out", help="write the samples as JSON lines to this file")
    args = parser.parse_args()
    if args.short:
        args.minutes, args.sample_seconds = 3, 5
    duration = args.minutes * 60
    binary = str(pathlib.Path(args.bin).resolve())
    root = pathlib.Path(tempfile.mkdtemp(prefix="nb-soak-"))
    postgres = Postgres()
    log(f"machine: {os.uname().sysname} {os.uname().release} {os.uname().machine}; {os.cpu_count()} cores; "
        f"{postgres.version}; load {os.getloadavg()}")
    database = "soak"
    url = postgres.database(database)
    receiver = MLLPReceiver()
    hooks = HookReceiver()
    config = root / "soak.yaml"
    config.write_text(
        "destinations:\n"
        "  ehr:\n    type: mllp\n    host: 127.0.0.1\n"
        f"    port: {receiver.port}\n    receivingApplication: EHR\n    receivingFacility: HOSP\n"
        "    ackTimeoutSeconds: 10\n    connectTimeoutSeconds: 2\n    initialBackoffMilliseconds: 200\n"
        "    maxBackoffSeconds: 5\n    maxAttempts: 1000\n    leaseSeconds: 10\n"
        "  hook:\n    type: webhook\n"
        f"    url: http://127.0.0.1:{hooks.port}/events\n    secret: {HOOK_SECRET}\n    timeoutSeconds: 5\n"
        "    initialBackoffMilliseconds: 200\n    maxBackoffSeconds: 5\n    maxAttempts: 1000\n    leaseSeconds: 10\n")
    env = {"NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": url,
           "NOTEBRIDGE_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
           "NOTEBRIDGE_PIPELINE_CLAIM_LEASE_SECONDS": "15", "NOTEBRIDGE_LOG_LEVEL": "warning",
           "NOTEBRIDGE_API_RATE_LIMIT_PER_SECOND": "0", "NOTEBRIDGE_STORAGE_POOL_SIZE": str(POOL_SIZE)}
    instances = [Instance(binary, root / f"instance{i}", env, config) for i in range(2)]
    traffic = Traffic(instances, args.senders, args.mllp_rate, args.v1_rate, args.fhir_rate, hooks.port)
    samples = []
    faults = []
    outage = min(240.0, duration * 0.1)
    schedule = [(duration * 0.30, "kill"), (duration * 0.30 + 20, "restart"),
                (duration * 0.55, "peer-down"), (duration * 0.55 + outage, "peer-up")]
    ok = False
    summary = {}
    try:
        instances[0].start()
        instances[1].start()
        log(f"instances: pids {[i.process.pid for i in instances]}; ehr peer :{receiver.port}; hooks :{hooks.port}")
        started = time.time()
        traffic.start()
        next_sample = started
        while time.time() - started < duration:
            now = time.time()
            while schedule and now - started >= schedule[0][0]:
                _, action = schedule.pop(0)
                if action == "kill":
                    instances[1].kill()
                elif action == "restart":
                    instances[1].start()
                elif action == "peer-down":
                    receiver.stop()
                elif action == "peer-up":
                    receiver.start()
                faults.append((round(now - started, 1), action))
                log(f"fault: {action} at {now - started:.0f} s ({len(traffic.acked)} MLLP acknowledged)")
            if now >= next_sample:
                row = {"t": round(now - started, 1), "load1": os.getloadavg()[0], "acked": len(traffic.acked)}
                for index, instance in enumerate(instances):
                    row[f"i{index}"] = instance.sample()
                try:
                    row["pgConnections"] = int(psql(postgres, "postgres",
                                                    f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'"))
                except subprocess.CalledProcessError:
                    row["pgConnections"] = None
                row["pgRssKiB"] = postgres_rss_kib(postgres)
                samples.append(row)
                if args.samples_out:
                    with open(args.samples_out, "a") as out:
                        out.write(json.dumps(row) + "\n")
                next_sample += args.sample_seconds
            time.sleep(0.2)
        traffic.stop()
        log(f"traffic stopped: {len(traffic.acked)} MLLP acknowledged, {len(traffic.v1_notes)} /v1 notes, "
            f"{len(traffic.fhir_documents)} $soap-note documents; {traffic.counters}")

        # Drain: every acknowledged message delivered to both destinations, every /v1 event arrived.
        expected = len(traffic.acked)
        deadline = time.time() + 600
        while time.time() < deadline:
            delivered = psql(postgres, database, "SELECT count(*) FROM outbox WHERE state = 'delivered'")
            pending_hooks = psql(postgres, database, "SELECT count(*) FROM webhooks WHERE state = 'pending'")
            if int(delivered) >= 2 * expected and pending_hooks == "0":
                break
            time.sleep(2)

        problems = []
        problems += traffic.errors
        acked = traffic.acked
        journal = psql(postgres, database, "SELECT control_id, state FROM journal").splitlines()
        journal_count = {}
        for line in journal:
            control, state = line.split("|")
            journal_count.setdefault(control, []).append(state)
        missing = [c for c in acked if c not in journal_count]
        doubled = [c for c, states in journal_count.items() if len(states) > 1]
        unprocessed = [c for c in acked if journal_count.get(c, ["processed"]) != ["processed"]]
        if missing or doubled or unprocessed:
            problems.append(f"journal: {len(missing)} acknowledged missing, {len(doubled)} twice, "
                            f"{len(unprocessed)} not processed")
        notes = psql(postgres, database, "SELECT count(*), count(DISTINCT journal_id) FROM pipeline_notes")
        if notes != f"{len(journal_count)}|{len(journal_count)}":
            problems.append(f"pipeline notes {notes}, journal entries {len(journal_count)}")
        # Inbound control id -> its note's outbox rows (destination, state, outbound control id).
        rows = psql(postgres, database,
                    "SELECT j.control_id, n.id, o.destination, o.state, o.control_id FROM journal j "
                    "JOIN pipeline_notes n ON n.journal_id = j.id "
                    "LEFT JOIN outbox o ON o.note_id = n.id").splitlines()
        per_message = {}
        for line in rows:
            control, note, destination, state, outbound = line.split("|")
            per_message.setdefault(control, {"notes": set(), "rows": []})
            per_message[control]["notes"].add(note)
            per_message[control]["rows"].append((destination, state, outbound))
        with receiver.lock:
            arrivals = list(receiver.arrivals)
        arrived = {}
        for _, control, _, _ in arrivals:
            arrived[control] = arrived.get(control, 0) + 1
        with hooks.lock:
            outbox_events = list(hooks.outbox_events)
            v1_events = list(hooks.v1_events)
        event_ids = {}
        for event_id, valid in outbox_events:
            event_ids[event_id] = event_ids.get(event_id, 0) + 1
            if not valid:
                problems.append("hook: an event with a bad signature")
                break
        not_one_note, not_delivered, not_received, hook_missing = [], [], [], []
        for control in acked:
            message = per_message.get(control, {"notes": set(), "rows": []})
            if len(message["notes"]) != 1:
                not_one_note.append(control)
            for destination in ("ehr", "hook"):
                mine = [r for r in message["rows"] if r[0] == destination]
                if [r[1] for r in mine] != ["delivered"]:
                    not_delivered.append((control, destination))
                elif destination == "ehr" and mine[0][2] not in arrived:
                    not_received.append(control)
                elif destination == "hook" and f"evt_{mine[0][2]}" not in event_ids:
                    hook_missing.append(control)
        if not_one_note or not_delivered:
            problems.append(f"{len(not_one_note)} acknowledged messages without exactly one note, "
                            f"{len(not_delivered)} outbox rows not delivered once, e.g. {not_delivered[:2]}")
        ehr_duplicates = sum(n - 1 for n in arrived.values())
        if not_received:
            problems.append(f"ehr: {len(not_received)} acknowledged messages never arrived")
        if hook_missing:
            problems.append(f"hook: {len(hook_missing)} acknowledged messages without an event")
        hook_duplicates = sum(n - 1 for n in event_ids.values())
        firsts = {}
        for _, control, patient, visit in arrivals:
            seen = firsts.setdefault(patient, [])
            if visit not in seen:
                seen.append(visit)
        out_of_order = [p for p, visits in traffic.sent_order.items() if firsts.get(p, [])[:len(visits)] != visits]
        if out_of_order:
            problems.append(f"ehr: {len(out_of_order)} patients out of order, e.g. {out_of_order[:2]}")
        v1_by_note = {}
        for kind, note in v1_events:
            if kind == "note.generated":
                v1_by_note[note] = v1_by_note.get(note, 0) + 1
        v1_missing_event = [n for n in traffic.v1_notes.values() if n not in v1_by_note]
        v1_unreadable = []
        for note in traffic.v1_notes.values():
            if traffic._http(0, "GET", f"/v1/note/{note}")[0] != 200:
                v1_unreadable.append(note)
        fhir_unreadable = []
        for document in traffic.fhir_documents:
            if traffic._http(1, "GET", f"/fhir/DocumentReference/{document}")[0] != 200:
                fhir_unreadable.append(document)
        if v1_missing_event or v1_unreadable:
            problems.append(f"/v1: {len(v1_missing_event)} notes without a note.generated event, "
                            f"{len(v1_unreadable)} not readable")
        if fhir_unreadable:
            problems.append(f"/fhir: {len(fhir_unreadable)} documents not readable")
        if not acked or not traffic.v1_notes or not traffic.fhir_documents:
            problems.append("some kind of traffic was never accepted")

        # Flatness: per instance process living at least half the run.
        verdicts = []
        for index in range(len(instances)):
            by_pid = {}
            for row in samples:
                sample = row.get(f"i{index}")
                if sample:
                    by_pid.setdefault(sample["pid"], []).append(sample)
            for pid, series in by_pid.items():
                if len(series) < max(8, len(samples) // 2):
                    continue
                rss_ok, rss_q2, rss_q4 = flat([s["rssKiB"] / 1024 for s in series], 0.10, 16)
                fd_ok, fd_q2, fd_q4 = flat([s["fds"] for s in series], 0.0, 8)
                verdicts.append({"instance": index, "pid": pid, "samples": len(series),
                                 "rssMiB": [round(series[0]["rssKiB"] / 1024, 1), round(rss_q2, 1), round(rss_q4, 1),
                                            round(max(s["rssKiB"] for s in series) / 1024, 1)],
                                 "fds": [series[0]["fds"], round(fd_q2, 1), round(fd_q4, 1),
                                         max(s["fds"] for s in series)],
                                 "flat": rss_ok and fd_ok})
                if not (rss_ok and fd_ok):
                    problems.append(f"instance {index} (pid {pid}): not flat")
        pg_connections = [r["pgConnections"] for r in samples if r["pgConnections"] is not None]
        # Each instance's pool grows to its size under load and stays there: bounded, not flat.
        _, pg_q2, pg_q4 = flat(pg_connections, 0.0, 4) if pg_connections else (False, 0, 0)
        pg_ok = bool(pg_connections) and max(pg_connections) <= 2 * POOL_SIZE + 2
        pg_rss_ok, pg_rss_q2, pg_rss_q4 = flat([r["pgRssKiB"] / 1024 for r in samples], 0.10, 32)
        if not pg_ok:
            problems.append("PostgreSQL connections beyond the two pools")
        if not verdicts:
            problems.append("no instance process lived half the run")
        ok = not problems
        summary = {
            "minutes": args.minutes, "faults": faults,
            "mllpAcknowledged": len(acked), "v1Notes": len(traffic.v1_notes),
            "fhirDocuments": len(traffic.fhir_documents), "counters": traffic.counters,
            "journalEntries": len(journal_count), "ehrArrivals": len(arrivals), "ehrDuplicates": ehr_duplicates,
            "hookEvents": len(outbox_events), "hookDuplicates": hook_duplicates,
            "v1Events": len(v1_events), "v1Duplicates": sum(n - 1 for n in v1_by_note.values()),
            "instances": verdicts,
            "pgConnections": [min(pg_connections or [0]), round(pg_q2, 1), round(pg_q4, 1),
                              max(pg_connections or [0])],
            "pgRssMiB": [round(pg_rss_q2, 1), round(pg_rss_q4, 1)], "pgRssFlat": pg_rss_ok,
            "load1": [round(min(r["load1"] for r in samples), 2), round(statistics.mean(r["load1"] for r in samples), 2),
                      round(max(r["load1"] for r in samples), 2)],
            "samples": len(samples), "problems": problems, "verdict": "pass" if ok else "FAIL",
        }
    finally:
        traffic.stopping.set()
        for instance in instances:
            if instance.process is not None:
                instance.stop()
        receiver.stop()
        hooks.stop()
        postgres.stop()
        if ok:
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"instance logs kept in {root}")
    print(json.dumps(summary), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
