"""FHIR audio intake (issue 17): a `$soap-note` Parameters whose transcript is a DocumentReference (or Media) with an
inline base64 recording is transcribed with the gateway's engine and `audio.*` limits while the request waits, and
answered with the note's document Bundle; a Bundle on `POST /fhir` likewise. Each bad recording is answered with an
OperationOutcome whose issue names the problem (its type, NoteBridge's code as details, the element at fault) and never
the data. Speech is synthesized by espeak-ng and encoded by ffmpeg in the test; every resource answered is parsed by
the independent fhir.resources R4B models, as test_fhir_server.py does.

With `Prefer: respond-async` the same request is answered 202 with a Content-Location status URL under /fhir (FHIR's
asynchronous request pattern), polled until it answers the document Bundle (or the failure's OperationOutcome); the
job it queued survives a SIGKILL of the gateway and its status URL answers the Bundle after the restart."""
import base64
import json
import shutil
import signal
import subprocess
import time

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from conftest import REPO, Gateway
from test_audio_jobs import audio_job_rows
from test_v1_api import request

# The tests share one gateway and build on each other (the notes the first ones make are counted, their log lines
# read): with pytest-xdist they run on one worker, in file order (`--dist loadgroup`, as `make test` runs them).
pytestmark = pytest.mark.xdist_group("fhir_audio")

SPOKEN = "start metformin five hundred milligrams twice daily for diabetes"
CLINICAL_WORDS = ("metformin", "diabetes", "milligrams", "daily")
LOG_WORDS = ("metformin", "diabetes", "milligrams", "five hundred")
MAX_BYTES = 400_000
ERROR_SYSTEM = "http://notebridge.dev/fhir/CodeSystem/error-code"


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    if not shutil.which("espeak-ng") or not shutil.which("ffmpeg"):
        pytest.skip("espeak-ng or ffmpeg is not installed (scripts/setup-debian.sh test)")
    folder = tmp_path_factory.mktemp("fhir-audio")
    raw = folder / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+f2", "-s", "120", "-w", str(raw), SPOKEN], check=True)
    speech = folder / "speech.mp3"  # sent as MP3 with a vague content type: recognised by its first bytes
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(raw), "-ar", "16000", "-ac", "1",
                    "-c:a", "libmp3lame", "-b:a", "48k", str(speech)], check=True)
    silence = folder / "silence.wav"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=mono", "-t", "2", str(silence)], check=True)
    return speech.read_bytes(), silence.read_bytes()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fhir-audio-gateway")
    gateway = Gateway(folder / "data", env={
        "NOTEBRIDGE_AUDIO_MAX_BYTES": str(MAX_BYTES),
        "NOTEBRIDGE_AUDIO_SPEECH_MODEL_DIRECTORY": str(REPO / "models" / "speech"),
        "TMPDIR": str(folder),
    })
    gateway.start()
    yield gateway
    gateway.stop()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def document_reference(*attachments, identifier=None):
    resource = {"resourceType": "DocumentReference", "status": "current",
                "content": [{"attachment": attachment} for attachment in attachments]}
    if identifier:
        resource["identifier"] = [{"system": "urn:example:dictations", "value": identifier}]
    return resource


def media(attachment):
    return {"resourceType": "Media", "status": "completed", "content": attachment}


def parameters(*transcripts):
    params = [{"name": "transcript", "resource": t} if "resourceType" in t else {"name": "transcript", "valueAttachment": t}
              for t in transcripts]
    params.append({"name": "specialty", "valueCode": "physician"})
    params.append({"name": "patient", "resource": {"resourceType": "Patient", "id": "pat-audio-1", "gender": "male"}})
    return {"resourceType": "Parameters", "parameter": params}


def post(gateway, path, body, prefer=None):
    payload = json.dumps(body).encode()
    headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"}
    if prefer:
        headers["Prefer"] = prefer
    return request(gateway, "POST", path, payload, key=gateway.api_key, timeout=120, headers=headers)


def poll_status(gateway, url, timeout=60):
    """GET the status URL until it stops answering 202; every 202 carries X-Progress and Retry-After."""
    deadline = time.time() + timeout
    while True:
        status, headers, answer = request(gateway, "GET", url, key=gateway.api_key,
                                          headers={"Accept": "application/fhir+json"})
        headers = {name.lower(): value for name, value in headers.items()}
        if status != 202 or time.time() > deadline:
            return status, headers, answer
        assert headers["retry-after"] and headers["x-progress"], headers
        OperationOutcome.parse_obj(json.loads(answer))
        time.sleep(0.2)


def note_text(bundle: dict) -> str:
    """The note's words: the Composition's section narratives and the DocumentReference's text attachment."""
    texts = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for section in resource.get("section", []):
            texts.append(section.get("text", {}).get("div", ""))
        for content in resource.get("content", []) if resource["resourceType"] == "DocumentReference" else []:
            attachment = content.get("attachment", {})
            if attachment.get("contentType", "").startswith("text/plain") and "data" in attachment:
                texts.append(base64.b64decode(attachment["data"]).decode())
    return " ".join(texts).lower()


def test_soap_note_from_a_recorded_visit(gateway, recordings):
    speech, _ = recordings
    body = parameters(document_reference({"contentType": "application/octet-stream", "data": b64(speech)}))
    status, headers, answer = post(gateway, "/fhir/Encounter/enc-audio-1/$soap-note", body)
    assert status == 200, answer
    assert headers["Content-Type"].startswith("application/fhir+json")
    bundle = json.loads(answer)
    Bundle.parse_obj(bundle)
    assert bundle["type"] == "document"
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["subject"]["reference"] == "Patient/pat-audio-1"
    assert composition["encounter"]["reference"] == "Encounter/enc-audio-1"
    text = note_text(bundle)
    assert any(word in text for word in CLINICAL_WORDS), text[:400]
    # Read back like any note made through /fhir.
    reference = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference")
    status, _, _ = request(gateway, "GET", f"/fhir/DocumentReference/{reference['id']}", key=gateway.api_key)
    assert status == 200


def test_bundle_intake_with_a_media_recording(gateway, recordings):
    speech, _ = recordings
    transaction = {
        "resourceType": "Bundle", "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:7a1c2a8e-0000-4000-8000-000000000001",
             "resource": {"resourceType": "Patient", "gender": "male"},
             "request": {"method": "PUT", "url": "Patient/pat-audio-2"}},
            {"fullUrl": "urn:uuid:7a1c2a8e-0000-4000-8000-000000000002",
             "resource": {**media({"contentType": "audio/mpeg", "data": b64(speech)}),
                          "identifier": [{"system": "urn:example:dictations", "value": "dict-88"}]},
             "request": {"method": "POST", "url": "Media"}},
        ],
    }
    status, _, answer = post(gateway, "/fhir", transaction)
    assert status == 200, answer
    response = json.loads(answer)
    Bundle.parse_obj(response)
    created = response["entry"][1]
    assert created["response"]["status"] == "201 Created"
    # Sent again: the note already made, not transcribed again.
    status, _, again = post(gateway, "/fhir", transaction)
    assert status == 200 and json.loads(again)["entry"][1]["response"]["status"] == "200 OK"


def test_each_bad_recording_has_its_operation_outcome(gateway, recordings):
    speech, silence = recordings
    cases = [
        # (Parameters, status, issue type, detail code, expression)
        (parameters(document_reference({"contentType": "audio/mpeg", "url": "https://ehr.example/rec/1.mp3"})),
         400, "not-supported", "ATTACHMENT_URL_NOT_FETCHED", "Parameters.parameter[0].resource.content[0].attachment.url"),
        (parameters(document_reference({"contentType": "application/pdf", "data": b64(b"%PDF-1.7 not a recording")})),
         422, "not-supported", "UNSUPPORTED_ATTACHMENT",
         "Parameters.parameter[0].resource.content[0].attachment.contentType"),
        (parameters(document_reference({"contentType": "audio/wav", "data": "UklGR*not-base64*"})),
         400, "value", "INVALID_BASE64", "Parameters.parameter[0].resource.content[0].attachment.data"),
        (parameters(document_reference({"contentType": "audio/wav", "data": b64(b"plain words, not a recording " * 20)})),
         415, "not-supported", "UNSUPPORTED_AUDIO", "Parameters.parameter[0].resource.content[0].attachment.data"),
        (parameters(document_reference({"contentType": "audio/wav", "data": b64(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(200))})),
         422, "value", "CORRUPT_AUDIO", "Parameters.parameter[0].resource.content[0].attachment.data"),
        (parameters(media({"contentType": "audio/wav", "data": b64(silence)})),
         422, "value", "SILENT_AUDIO", "Parameters.parameter[0].resource.content.data"),
        (parameters(document_reference({"contentType": "audio/wav", "data": "QUFB" * (MAX_BYTES // 3 + 10)})),
         413, "too-costly", "AUDIO_TOO_LARGE", "Parameters.parameter[0].resource.content[0].attachment.data"),
        (parameters(document_reference({"contentType": "audio/mpeg", "data": b64(speech)},
                                       {"contentType": "audio/mpeg", "data": b64(speech)})),
         400, "invalid", "TWO_RECORDINGS", "Parameters.parameter[0].resource.content[1].attachment"),
    ]
    for body, status, code, detail, expression in cases:
        got, headers, answer = post(gateway, "/fhir/$soap-note", body)
        assert got == status, (detail, answer)
        outcome = json.loads(answer)
        OperationOutcome.parse_obj(outcome)
        issue = outcome["issue"][0]
        assert issue["code"] == code, (detail, issue)
        assert issue["details"]["coding"][0] == {"system": ERROR_SYSTEM, "code": detail}, issue
        assert issue["expression"] == [expression], issue
        for marker in ("UklGR", "ehr.example", "plain words", "PDF-1.7"):
            assert marker not in answer.decode(), (detail, answer)
    # No note was made by any of them: the two good requests of this module made the two notes.
    status, _, found = request(gateway, "GET", "/fhir/DocumentReference?patient=pat-audio-1", key=gateway.api_key)
    assert status == 200 and json.loads(found).get("total", 1) == 1


def test_no_spoken_word_in_the_log(gateway, recordings):
    speech, _ = recordings
    log = gateway.log_text()
    assert "recording of a FHIR request transcribed" in log
    for word in LOG_WORDS:
        assert word not in log.lower(), word
    assert b64(speech)[:40] not in log


def accept_async(gateway, body, path="/fhir/$soap-note"):
    status, headers, answer = post(gateway, path, body, prefer="respond-async")
    assert status == 202, answer
    OperationOutcome.parse_obj(json.loads(answer))
    url = {name.lower(): value for name, value in headers.items()}["content-location"]
    assert url.startswith("/fhir/$soap-note-status/note_"), url
    return url


def test_respond_async_202_then_the_bundle(gateway, recordings):
    speech, _ = recordings
    body = parameters(document_reference({"contentType": "audio/mpeg", "data": b64(speech)}))
    url = accept_async(gateway, body, "/fhir/Encounter/enc-audio-3/$soap-note")
    status, headers, answer = poll_status(gateway, url)
    assert status == 200, answer
    assert headers["content-type"].startswith("application/fhir+json")
    bundle = json.loads(answer)
    Bundle.parse_obj(bundle)
    assert bundle["type"] == "document"
    composition = bundle["entry"][0]["resource"]
    assert composition["subject"]["reference"] == "Patient/pat-audio-1"
    assert composition["encounter"]["reference"] == "Encounter/enc-audio-3"
    assert any(word in note_text(bundle) for word in CLINICAL_WORDS)
    # The synchronous call's Bundle has the same resources in the same order.
    status, _, sync = post(gateway, "/fhir/Encounter/enc-audio-3/$soap-note", body)
    assert status == 200, sync
    kinds = [e["resource"]["resourceType"] for e in json.loads(sync)["entry"]]
    assert kinds == [e["resource"]["resourceType"] for e in bundle["entry"]]
    # Only its key reads it, with notes:write.
    status, _, _ = request(gateway, "GET", url)
    assert status == 401
    status, _, missing = request(gateway, "GET", "/fhir/$soap-note-status/note_" + "0" * 32, key=gateway.api_key)
    assert status == 404
    OperationOutcome.parse_obj(json.loads(missing))


def test_respond_async_silent_recording_fails_with_an_operation_outcome(gateway, recordings):
    _, silence = recordings
    url = accept_async(gateway, parameters(media({"contentType": "audio/wav", "data": b64(silence)})))
    status, _, answer = poll_status(gateway, url)
    assert status == 422, answer
    outcome = json.loads(answer)
    OperationOutcome.parse_obj(outcome)
    issue = outcome["issue"][0]
    assert issue["code"] == "value"
    assert issue["details"]["coding"][0] == {"system": ERROR_SYSTEM, "code": "SILENT_AUDIO"}, issue
    assert issue["expression"] == ["Parameters.parameter[0].resource.content.data"], issue


def test_respond_async_job_survives_sigkill(gateway, recordings):
    speech, _ = recordings
    body = parameters(document_reference({"contentType": "audio/mpeg", "data": b64(speech)}))
    url = accept_async(gateway, body, "/fhir/Encounter/enc-audio-4/$soap-note")
    gateway.stop(signal.SIGKILL)  # while the job waits or is transcribed: it is in the data folder
    note_id = url.rsplit("/", 1)[1]
    states = [state for job, state in audio_job_rows(gateway.data_dir) if job == note_id]
    assert states in (["queued"], ["processing"]), states
    gateway.start()  # the same data folder
    status, _, answer = poll_status(gateway, url)
    assert status == 200, answer
    bundle = json.loads(answer)
    Bundle.parse_obj(bundle)
    assert bundle["entry"][0]["resource"]["encounter"]["reference"] == "Encounter/enc-audio-4"
    log = gateway.log_text()
    assert "recording of a FHIR request queued as an audio job" in log
    # Neither a spoken word nor the patient's id in the log, the asynchronous requests' included.
    for word in (*LOG_WORDS, "pat-audio-1"):
        assert word not in log.lower(), word
