"""The remote speech engine (issue 17): `audio.engine: remote` sends recordings to an OpenAI-compatible
`/v1/audio/transcriptions`, here a test server started on 127.0.0.1 (an ephemeral port) that really transcribes with
PocketSphinx (fixtures/transcription_server.py); when the service is down the embedded engine stands in, unless
`audio.remote.fallback` is false. Speech is synthesized by espeak-ng in the test; the server is shared by the module."""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import urllib.request
import uuid

import pytest

from conftest import BIN, REPO, post_audio as post_audio_raw
from test_pipeline import free_port

SENTENCE = "start metformin five hundred milligrams twice daily for diabetes"
KEY = "sk-remote-test-" + uuid.uuid4().hex
SPEECH_MODEL_DIR = str(REPO / "models" / "speech")
SERVER = pathlib.Path(__file__).resolve().parent / "fixtures" / "transcription_server.py"


def python_with_pocketsphinx():
    """Debian's python3 (python3-pocketsphinx) or this one (pip `pocketsphinx`), whichever imports it."""
    for candidate in (sys.executable, "/usr/bin/python3"):
        if candidate and os.path.exists(candidate) and subprocess.run(
                [candidate, "-c", "import pocketsphinx"], capture_output=True).returncode == 0:
            return candidate
    return None


class SpeechService:
    """fixtures/transcription_server.py as a child process."""

    def __init__(self, python: str, key: str):
        self.process = subprocess.Popen(
            [python, str(SERVER), "--key", key, "--lm", f"{SPEECH_MODEL_DIR}/clinical-en-us.lm.bin",
             "--dict", f"{SPEECH_MODEL_DIR}/clinical-en-us.dict"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.process.kill()
            raise RuntimeError(f"the transcription server did not start: {self.process.stderr.read().decode()[-2000:]}")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}"

    def requests(self) -> list:
        with urllib.request.urlopen(f"{self.url}/_test/requests", timeout=10) as response:
            return json.load(response)["requests"]

    def stop(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def service():
    python = python_with_pocketsphinx()
    if python is None:
        pytest.skip("no python with pocketsphinx (scripts/setup-debian.sh test installs python3-pocketsphinx)")
    started = SpeechService(python, KEY)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed (scripts/setup-debian.sh test)")
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+f2", "-s", "120", "-w", str(path), SENTENCE], check=True)
    return path


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "stt.key"
    path.write_text(KEY + "\n")
    path.chmod(0o600)
    return path


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (kept bound, never listening, so that no test running in parallel
    is given it: see test_pipeline.free_port)."""
    return free_port()


def remote_gateway(gateway_factory, tmp_path, url, key_file, name, **extra):
    scratch = tmp_path / f"{name}-tmp"
    scratch.mkdir()
    env = {
        "NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": url,
        "NOTEBRIDGE_AUDIO_REMOTE_KEY_FILE": str(key_file), "NOTEBRIDGE_AUDIO_REMOTE_MODEL": "pocketsphinx-clinical",
        "NOTEBRIDGE_AUDIO_REMOTE_LANGUAGE": "en", "NOTEBRIDGE_AUDIO_REMOTE_CONNECT_TIMEOUT_SECONDS": "2",
        "NOTEBRIDGE_AUDIO_SPEECH_MODEL_DIRECTORY": SPEECH_MODEL_DIR, "TMPDIR": str(scratch), **extra,
    }
    gateway = gateway_factory(env=env, name=name).start()
    gateway.scratch = scratch
    return gateway


def post_audio(gateway, audio: bytes):
    status, body = post_audio_raw(gateway, audio)
    return status, json.loads(body)


def fallback_count(gateway, reason: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/metrics", timeout=10) as response:
        text = response.read().decode()
    for line in text.splitlines():
        if line.startswith("notebridge_transcription_fallbacks_total{") and f'reason="{reason}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def assert_no_leak(gateway):
    log = gateway.log_text() + "".join(gateway.console)
    assert KEY not in log
    assert "metformin" not in log and "diabetes" not in log
    assert list(gateway.scratch.iterdir()) == []  # no scratch folder or file left


def test_note_through_the_remote_engine(gateway_factory, tmp_path, service, speech, key_file):
    before = len(service.requests())
    gateway = remote_gateway(gateway_factory, tmp_path, service.url, key_file, "remote")
    status, note = post_audio(gateway, speech.read_bytes())
    assert status == 200, note
    assert "metformin" in note["transcript"].lower().split()
    assert "diabetes" in note["transcript"].lower()
    received = service.requests()[before:]
    assert len(received) == 1
    request = received[0]
    assert request["authorization"] == f"Bearer {KEY}"  # the key reached the service
    assert request["model"] == "pocketsphinx-clinical" and request["language"] == "en"
    assert request["response_format"] == "verbose_json"
    assert request["wav"] == [1, 2, 16000] and 2 < request["seconds"] < 8
    assert fallback_count(gateway, "unreachable") == 0
    gateway.stop()
    assert "transcribing with the fallback engine" not in gateway.log_text()
    assert_no_leak(gateway)


def test_service_down_falls_back_to_the_embedded_engine(gateway_factory, tmp_path, speech, key_file):
    gateway = remote_gateway(gateway_factory, tmp_path, f"http://127.0.0.1:{closed_port()}", key_file, "down")
    status, note = post_audio(gateway, speech.read_bytes())
    assert status == 200, note
    assert "metformin" in note["transcript"].lower().split()  # the embedded clinical model heard it
    assert fallback_count(gateway, "unreachable") == 1
    gateway.stop()
    log = gateway.log_text()
    assert "transcribing with the fallback engine" in log and "unreachable" in log
    assert_no_leak(gateway)


def test_without_fallback_the_failure_is_a_specific_error(gateway_factory, tmp_path, speech, key_file):
    gateway = remote_gateway(gateway_factory, tmp_path, f"http://127.0.0.1:{closed_port()}", key_file, "nofallback",
                             NOTEBRIDGE_AUDIO_REMOTE_FALLBACK="false", NOTEBRIDGE_AUDIO_RETRY_ATTEMPTS="1",
                             NOTEBRIDGE_AUDIO_RETRY_BACKOFF_SECONDS="0")
    status, answer = post_audio(gateway, speech.read_bytes())
    assert status == 502, answer
    assert answer["error"]["code"] == "REMOTE_TRANSCRIPTION_FAILED"
    assert "could not be reached" in answer["error"]["message"]
    assert answer["error"]["details"][0]["field"] == "audio"
    assert "127.0.0.1" not in json.dumps(answer)  # the service's address is the operator's business
    gateway.stop()
    assert_no_leak(gateway)


def retry_count(gateway, reason: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/metrics", timeout=10) as response:
        text = response.read().decode()
    for line in text.splitlines():
        if line.startswith("notebridge_audio_job_retries_total{") and f'reason="{reason}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def fail_next(service, count: int, status: int = 503):
    request = urllib.request.Request(f"{service.url}/_test/fail?count={count}&status={status}", data=b"",
                                     method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["failing"] == count


def test_transient_failures_are_retried_with_backoff_then_transcribed(
        gateway_factory, tmp_path, service, speech, key_file):
    """The service fails the first two requests with 503 (no fallback to hide it): the job is tried again after 1 s,
    then 2 s, and the third request is really transcribed; the upload gets its note."""
    gateway = remote_gateway(gateway_factory, tmp_path, service.url, key_file, "retried",
                             NOTEBRIDGE_AUDIO_REMOTE_FALLBACK="false", NOTEBRIDGE_AUDIO_RETRY_ATTEMPTS="3",
                             NOTEBRIDGE_AUDIO_RETRY_BACKOFF_SECONDS="1")
    before = len(service.requests())
    fail_next(service, 2, 503)
    status, note = post_audio(gateway, speech.read_bytes())
    assert status == 200, note
    assert "metformin" in note["transcript"].lower().split()
    received = service.requests()[before:]
    assert [r.get("failed_with") for r in received] == [503, 503, None]
    assert retry_count(gateway, "remoteHTTPStatus") == 2
    gateway.stop()
    log = gateway.log_text()
    assert log.count("audio job transcription failed for a transient reason; trying again") == 2
    assert_no_leak(gateway)


def test_transient_failures_past_the_bound_fail_the_job_and_permanent_ones_at_once(
        gateway_factory, tmp_path, service, speech, key_file):
    """Past audio.retry.attempts the job fails with the engine's error; a 401 (configuration) and silent audio (the
    recording) fail at once, without a retry."""
    gateway = remote_gateway(gateway_factory, tmp_path, service.url, key_file, "exhausted",
                             NOTEBRIDGE_AUDIO_REMOTE_FALLBACK="false", NOTEBRIDGE_AUDIO_RETRY_ATTEMPTS="1",
                             NOTEBRIDGE_AUDIO_RETRY_BACKOFF_SECONDS="0")
    before = len(service.requests())
    fail_next(service, 2, 502)
    status, answer = post_audio(gateway, speech.read_bytes())
    assert status == 502 and answer["error"]["code"] == "REMOTE_TRANSCRIPTION_FAILED", answer
    assert "answered HTTP 502" in answer["error"]["message"]
    assert [r.get("failed_with") for r in service.requests()[before:]] == [502, 502]
    assert retry_count(gateway, "remoteHTTPStatus") == 1
    # A permanent failure of the service (401: its configuration) is not retried.
    before = len(service.requests())
    fail_next(service, 1, 401)
    status, answer = post_audio(gateway, speech.read_bytes())
    assert status == 502 and "answered HTTP 401" in answer["error"]["message"], answer
    assert len(service.requests()) - before == 1
    assert retry_count(gateway, "remoteHTTPStatus") == 1
    gateway.stop()
    assert_no_leak(gateway)


def test_a_wrong_key_is_an_error_status_of_the_service(gateway_factory, tmp_path, service, speech):
    wrong = tmp_path / "wrong.key"
    wrong.write_text("sk-wrong\n")
    gateway = remote_gateway(gateway_factory, tmp_path, service.url, wrong, "wrongkey",
                             NOTEBRIDGE_AUDIO_REMOTE_FALLBACK="false")
    status, answer = post_audio(gateway, speech.read_bytes())
    assert status == 502 and answer["error"]["code"] == "REMOTE_TRANSCRIPTION_FAILED", answer
    assert "answered HTTP 401" in answer["error"]["message"]
    gateway.stop()
    assert "sk-wrong" not in gateway.log_text()


@pytest.mark.parametrize("env, key", [
    ({"NOTEBRIDGE_AUDIO_ENGINE": "whisper"}, "audio.engine"),
    ({"NOTEBRIDGE_AUDIO_ENGINE": "remote"}, "audio.remote.url"),
    ({"NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": "ftp://127.0.0.1/"}, "audio.remote.url"),
    ({"NOTEBRIDGE_AUDIO_REMOTE_URL": "http://127.0.0.1:9"}, "audio.remote.url"),
    ({"NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": "http://127.0.0.1:9",
      "NOTEBRIDGE_AUDIO_REMOTE_KEY_FILE": "/nonexistent/key"}, "audio.remote.keyFile"),
    ({"NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": "http://127.0.0.1:9",
      "NOTEBRIDGE_AUDIO_REMOTE_KEY_VARIABLE": "NB_TEST_UNSET_VARIABLE"}, "audio.remote.keyVariable"),
    ({"NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": "http://127.0.0.1:9",
      "NOTEBRIDGE_AUDIO_REMOTE_TIMEOUT_SECONDS": "0"}, "audio.remote.timeoutSeconds"),
    ({"NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": "https://127.0.0.1:9",
      "NOTEBRIDGE_AUDIO_REMOTE_CA_FILE": "/nonexistent/ca.pem"}, "audio.remote.caFile"),
    ({"NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": "http://127.0.0.1:9",
      "NOTEBRIDGE_AUDIO_REMOTE_FALLBACK": "maybe"}, "audio.remote.fallback"),
])
def test_serve_refuses_remote_settings_that_cannot_work(gateway_factory, env, key):
    gateway = gateway_factory(env={**env, "NB_TEST_UNSET_VARIABLE": None})
    with pytest.raises(RuntimeError) as refused:
        gateway.start()
    assert key in str(refused.value)


def test_transcribe_cli_through_the_remote_engine(service, speech, key_file, tmp_path):
    before = len(service.requests())
    result = subprocess.run(
        [BIN, "transcribe", "--speech-engine", "remote", "--remote-url", service.url, "--remote-key-file",
         str(key_file), "--remote-model", "pocketsphinx-clinical", "--no-fallback", str(speech)],
        capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "metformin" in result.stdout.split() and result.stdout.startswith("[00:")
    assert service.requests()[before:][0]["authorization"] == f"Bearer {KEY}"
    down = subprocess.run(
        [BIN, "transcribe", "--speech-engine", "remote", "--remote-url", f"http://127.0.0.1:{closed_port()}",
         "--no-fallback", str(speech)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert down.returncode == 2 and "could not be reached" in down.stderr
    fallback = subprocess.run(
        [BIN, "transcribe", "--speech-engine", "remote", "--remote-url", f"http://127.0.0.1:{closed_port()}",
         "--transcription-threads", "1", str(speech)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert fallback.returncode == 0, fallback.stderr
    assert "metformin" in fallback.stdout.split()
    assert "remote speech engine failed (unreachable); transcribing on this machine" in fallback.stderr
    stray = subprocess.run([BIN, "transcribe", "--remote-url", service.url, str(speech)], capture_output=True,
                           text=True, timeout=60, cwd=REPO)
    assert stray.returncode == 2 and "--remote-url" in stray.stderr
