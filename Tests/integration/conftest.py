"""Process-level tests: a real `notebridge serve` on 127.0.0.1 with ephemeral ports, real peers."""
import os
import pathlib
import re
import signal
import socket
import subprocess
import time

import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from hl7_corpus import split_messages  # noqa: E402,F401  (re-exported for the tests)
CORPUS = REPO.parent / "shared" / "eval" / "hl7"
BIN = os.environ.get("NOTEBRIDGE_BIN", str(REPO / ".build" / "debug" / "notebridge"))

START_BLOCK, END_BLOCK, CR = b"\x0b", b"\x1c", b"\x0d"


def frame(message: bytes) -> bytes:
    return START_BLOCK + message + END_BLOCK + CR


def synthetic(control_id: str, version: str = "2.5.1", extra_msh: str = "", name: str = "TESTPATIENT^ALEX",
              mrn: str = "MRN0001", sender: str = "CLINIC") -> bytes:
    """A synthetic ADT^A04 (invented patient)."""
    return (
        f"MSH|^~\\&|{sender}|NORTH|NOTEBRIDGE|NB|20261101093000||ADT^A04^ADT_A01|{control_id}|P|{version}{extra_msh}\r"
        f"EVN|A04|20261101093000\r"
        f"PID|1||{mrn}^^^NORTH^MR||{name}||19800214|F\r"
        f"PV1|1|O|CLINIC^101^A\r"
    ).encode()


class MLLPConnection:
    """A raw MLLP client over a socket, to send well- and ill-formed frames."""

    def __init__(self, port: int, timeout: float = 10.0, wrap=None):
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock = wrap(sock) if wrap else sock
        self.buffer = b""

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send(self, message: bytes) -> bytes:
        self.send_raw(frame(message))
        return self.read_frame()

    def read_frame(self) -> bytes:
        while True:
            start = self.buffer.find(START_BLOCK)
            end = self.buffer.find(END_BLOCK + CR, start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0:
                content = self.buffer[start + 1:end]
                self.buffer = self.buffer[end + 2:]
                return content
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed by the server")
            self.buffer += chunk

    def is_closed_by_peer(self, wait: float) -> bool:
        self.sock.settimeout(wait)
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def ack_fields(ack: bytes) -> dict:
    """MSA-1, MSA-2, ERR-3 (code) and ERR-8 of an acknowledgment."""
    segments = {}
    for segment in ack.split(b"\r"):
        if segment:
            fields = segment.split(b"|")
            segments.setdefault(fields[0].decode(), fields)
    msa = segments.get("MSA", [])
    err = segments.get("ERR", [])
    return {
        "code": msa[1].decode() if len(msa) > 1 else None,
        "control_id": msa[2].decode() if len(msa) > 2 else None,
        "msa3": msa[3].decode() if len(msa) > 3 else "",
        "error": err[3].split(b"^")[0].decode() if len(err) > 3 else None,
        "error_text": err[8].decode() if len(err) > 8 else "",
    }


class Gateway:
    """A `notebridge serve` child process with its own data folder and ephemeral ports."""

    def __init__(self, data_dir: pathlib.Path, env: dict | None = None):
        self.data_dir = data_dir
        self.extra_env = env or {}
        self.process = None
        self.mllp_port = None
        self.http_port = None
        self.log_path = data_dir.parent / f"{data_dir.name}-serve.log"
        self.console = []
        self.api_key = None
        self.args = []  # extra `serve` arguments, e.g. ["--config", path]
        self.cwd = None  # the working folder of `serve` (relative paths such as mappings/ resolve from it)

    @property
    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "NOTEBRIDGE_DATA_DIR": str(self.data_dir),
            "NOTEBRIDGE_MLLP_HOST": "127.0.0.1",
            "NOTEBRIDGE_MLLP_PORT": "0",
            "NOTEBRIDGE_HTTP_HOST": "127.0.0.1",
            "NOTEBRIDGE_HTTP_PORT": "0",
            "NOTEBRIDGE_LOG_LEVEL": "trace",
        })
        for name, value in self.extra_env.items():  # None removes a variable
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def start(self, timeout: float = 60.0):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen([BIN, "serve", *self.args], env=self.env, stdout=subprocess.PIPE, stderr=self.log,
                                        cwd=self.cwd)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.process.stdout.readline().decode()
            if not line:
                if self.process.poll() is not None:
                    raise RuntimeError(f"notebridge serve exited with {self.process.returncode}: {self.log_text()[-2000:]}")
                continue
            self.console.append(line)
            key = re.search(r"API key:\s+(nb_live_\S+)", line)
            if key:
                self.api_key = key.group(1)
            found = re.search(r"mllp(?:\+tls)?=[^:\s]+:(\d+) https?=[^:\s]+:(\d+)", line)
            if found:
                self.mllp_port, self.http_port = int(found.group(1)), int(found.group(2))
                return self
        raise RuntimeError("notebridge serve did not report its ports in time")

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def cli(self, *args, input_bytes=None, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run([BIN, *args], env=self.env, input=input_bytes, capture_output=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"notebridge {' '.join(args)} exited {result.returncode}: {result.stderr.decode()}")
        return result

    def journal(self) -> list:
        import json
        out = self.cli("journal", "list", "--limit", "0").stdout.decode()
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def stop(self, sig=signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode if self.process else 0


def pytest_configure(config):
    # pytest-xdist's mark (registered here too, so that a run without xdist does not warn about it): the tests of a
    # module that build on each other's state carry it, and `--dist loadgroup` runs them on one worker, in order.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one pytest-xdist worker, in order")


def running_on_ci() -> bool:
    """Whether `CI` is set (to anything but empty, 0, false or no), as CI services do."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On CI a test never skips for want of a tool or data (openssl, the shared FHIR examples, ...): the skip is
    reported as a failure naming what was missing, so that a green CI means every test ran."""
    outcome = yield
    report = outcome.get_result()
    if running_on_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped on CI (CI is set), which must run every test: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a module that skips itself while it is collected (`pytest.importorskip("selenium")`): on CI it is
    a collection error naming what was missing."""
    outcome = yield
    report = outcome.get_result()
    if running_on_ci() and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped while collected on CI (CI is set), which must run every test: {reason}"


def post_audio(gateway, audio: bytes):
    """`POST /v1/note/audio` of `audio` with include_transcript; (status, body bytes)."""
    import http.client
    import uuid
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"include_transcript\"\r\n\r\ntrue\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n"
            f"Content-Type: audio/wav\r\n\r\n").encode() + audio + f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=120)
    connection.request("POST", "/v1/note/audio", body=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {gateway.api_key}"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


@pytest.fixture
def gateway_factory(tmp_path):
    started = []

    def make(env=None, name="data"):
        gateway = Gateway(tmp_path / name, env)
        started.append(gateway)
        return gateway

    yield make
    for gateway in started:
        gateway.stop(signal.SIGKILL)


@pytest.fixture
def gateway(gateway_factory):
    return gateway_factory().start()
