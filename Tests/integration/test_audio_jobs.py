"""Audio jobs (issue 17): `POST /v1/note/audio` answers the note (200) when it is written within
`audio.syncWaitSeconds`, otherwise 202 with the job's status URL; `GET /v1/note/{id}` answers 202 with the progress,
then the note, or the failure; a job accepted with 202 survives a SIGKILL of the gateway (the recording sealed in the
data folder) and is finished by the restarted gateway, whose webhook gets the signed `note.generated`; a silent
recording accepted with 202 becomes `note.failed`. Nothing of the recording stays behind (no job row, no scratch
file) and no spoken word reaches the log. The answers are checked against the OpenAPI document's schemas.

Speech is synthesized by espeak-ng and encoded by ffmpeg in the test; the webhook receiver is a Python HTTP server the
test starts on 127.0.0.1."""
import hashlib
import hmac
import http.client
import http.server
import json
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
import uuid

import pytest

from conftest import REPO

DICTATION = ("the patient has a cough and a fever for three days. she has no chest pain. "
             "the plan is rest and fluids and a follow up visit next week.")
SPOKEN = ["cough", "fever", "fluids", "chest"]
DOCUMENT = json.loads((REPO / "Sources" / "Gateway" / "openapi.json").read_text())


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    if not shutil.which("espeak-ng") or not shutil.which("ffmpeg"):
        pytest.skip("espeak-ng or ffmpeg is not installed (scripts/setup-debian.sh test)")
    folder = tmp_path_factory.mktemp("audio-jobs")
    wav = folder / "dictation.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+f2", "-s", "120", "-w", str(wav), DICTATION], check=True)
    ogg = folder / "dictation.ogg"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(wav), "-c:a", "libopus", "-b:a", "24k",
                    str(ogg)], check=True)
    silence = folder / "silence.flac"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=mono", "-t", "3", str(silence)], check=True)
    return ogg.read_bytes(), silence.read_bytes()


def schema_check(name, value):
    """`value` against the document's schema `name` (its references resolved in the document)."""
    import jsonschema
    schema = dict(DOCUMENT["components"]["schemas"][name])
    schema["components"] = DOCUMENT["components"]
    jsonschema.validate(value, schema)


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def verify(signature_header: str, body: bytes, secret: str) -> bool:
    parts = dict(item.split("=", 1) for item in signature_header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def post_audio(gateway, key, audio: bytes, fields=(), prefer=None):
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields:
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode()
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"visit\"\r\n"
             f"Content-Type: application/octet-stream\r\n\r\n").encode() + audio + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {key}"}
    if prefer:
        headers["Prefer"] = prefer
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=120)
    connection.request("POST", "/v1/note/audio", body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), json.loads(data)


def get(gateway, key, path):
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=30)
    connection.request("GET", path, headers={"Authorization": f"Bearer {key}"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data)


def poll(gateway, key, path, timeout=90):
    """GET `path` until it stops answering 202; every 202 body checked against its schema."""
    deadline = time.time() + timeout
    while True:
        status, body = get(gateway, key, path)
        if status != 202 or time.time() > deadline:
            return status, body
        schema_check("AudioJobProcessing", body)
        time.sleep(0.3)


def audio_job_rows(data_dir):
    connection = sqlite3.connect(f"file:{data_dir / 'notebridge.sqlite'}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT id, state FROM audio_jobs").fetchall()
    finally:
        connection.close()


def database_bytes(data_dir) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(data_dir.glob("notebridge.sqlite*")))


def test_within_the_wait_200_past_it_202_then_the_note(gateway_factory, tmp_path, recordings):
    speech, _ = recordings
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    gateway = gateway_factory(env={"TMPDIR": str(scratch)})
    gateway.cwd = str(REPO)  # the clinical speech model resolves from the working folder
    gateway.start()
    key = gateway.api_key
    # The default wait (30 s) covers this short recording: the note, as before.
    status, headers, note = post_audio(gateway, key, speech, [("include_transcript", "true")])
    assert status == 200, note
    schema_check("Note", note)
    assert "fluids" in note["transcript"] or "fever" in note["transcript"]
    # Prefer: respond-async: 202 at once, with the status URL, then the note there.
    status, headers, accepted = post_audio(gateway, key, speech, [("specialty", "physician")], "respond-async")
    assert status == 202, accepted
    schema_check("AudioJobProcessing", accepted)
    note_id = accepted["noteId"]
    assert headers["Location"] == f"/v1/note/{note_id}" == accepted["status_url"]
    status, done = poll(gateway, key, headers["Location"])
    assert status == 200, done
    schema_check("Note", done)
    assert done["noteId"] == note_id and done["specialty"] == "physician"
    assert audio_job_rows(gateway.data_dir) == []
    gateway.stop()
    assert list(scratch.iterdir()) == []
    log = gateway.log_text().lower()
    assert not [word for word in SPOKEN if word in log]


def test_a_202_job_survives_sigkill_and_its_webhooks_fire(gateway_factory, tmp_path, recordings):
    speech, silence = recordings
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    callback = f"http://127.0.0.1:{server.server_address[1]}/hooks/notes"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    try:
        gateway = gateway_factory(env={"TMPDIR": str(scratch), "NOTEBRIDGE_AUDIO_SYNC_WAIT_SECONDS": "0"})
        gateway.cwd = str(REPO)
        gateway.start()
        key = gateway.api_key
        secret = next(line.split()[-1] for line in gateway.console if "webhook secret:" in line)
        status, headers, accepted = post_audio(gateway, key, speech, [("callback_url", callback)])
        assert status == 202, accepted
        note_id = accepted["noteId"]
        # Killed while the recording waits or is transcribed: the job is in the data folder, the audio sealed.
        gateway.stop(signal.SIGKILL)
        assert audio_job_rows(gateway.data_dir) == [(note_id, "queued")] or \
            audio_job_rows(gateway.data_dir) == [(note_id, "processing")]
        assert speech[len(speech) // 2:len(speech) // 2 + 256] not in database_bytes(gateway.data_dir)

        gateway.start()  # the same data folder
        status, done = poll(gateway, key, f"/v1/note/{note_id}")
        assert status == 200, done
        schema_check("Note", done)
        assert done["noteId"] == note_id

        # A silent recording accepted with 202 fails: the failure on GET, note.failed to the webhook.
        status, _, failing = post_audio(gateway, key, silence, [("callback_url", callback)], "respond-async")
        assert status == 202, failing
        status, failed = poll(gateway, key, f"/v1/note/{failing['noteId']}")
        assert status == 200 and failed["status"] == "failed", failed
        schema_check("AudioJobFailed", failed)
        assert failed["error"]["code"] == "SILENT_AUDIO"

        deadline = time.time() + 30
        while len(Receiver.received) < 2 and time.time() < deadline:
            time.sleep(0.1)
        events = {}
        for headers, payload in Receiver.received:
            assert verify(headers["NoteBridge-Signature"], payload, secret)
            event = json.loads(payload)
            events[event["type"]] = event["data"]
        assert events["note.generated"]["noteId"] == note_id, events
        assert events["note.failed"]["noteId"] == failing["noteId"]
        assert events["note.failed"]["error"]["code"] == "SILENT_AUDIO"
        assert len(Receiver.received) == 2, [json.loads(p)["type"] for _, p in Receiver.received]

        # Nothing of the recordings is left: the done job is gone, the failed one keeps no audio.
        assert audio_job_rows(gateway.data_dir) == [(failing["noteId"], "failed")]
        connection = sqlite3.connect(f"file:{gateway.data_dir / 'notebridge.sqlite'}?mode=ro", uri=True)
        assert connection.execute("SELECT COUNT(*) FROM audio_jobs WHERE audio_sealed IS NOT NULL").fetchone() == (0,)
        connection.close()
        gateway.stop()
        assert list(scratch.iterdir()) == []
        log = gateway.log_text().lower()
        assert not [word for word in SPOKEN if word in log]
    finally:
        server.shutdown()
