"""The FHIR face of a real `notebridge serve`: Bundle intake, reads and search, with a mapping file from the
configuration; every resource it answers is parsed by the independent fhir.resources R4B models (JSON and XML).
And the profile validator and mapping file from the command line."""
import base64
import json
import pathlib
import secrets
import subprocess

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome

from conftest import BIN, REPO
from test_v1_api import request

TRANSCRIPT = (REPO / "samples" / "transcripts" / "primary-care-dialogue.txt").read_text()
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"
FINAL_MAPPING = """version: 1
composition: {status: final}
documentType:
  default: {code: "11488-4", display: "Consult note"}
"""


def transaction(visit_id, patient_id="p-501"):
    return {
        "resourceType": "Bundle", "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:4f1c2a8e-0000-4000-8000-000000000001",
             "resource": {"resourceType": "Patient", "gender": "female"},
             "request": {"method": "PUT", "url": f"Patient/{patient_id}"}},
            {"fullUrl": "urn:uuid:4f1c2a8e-0000-4000-8000-000000000002",
             "resource": {"resourceType": "Encounter", "id": "enc-77", "status": "finished",
                          "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}},
             "request": {"method": "PUT", "url": "Encounter/enc-77"}},
            {"fullUrl": "urn:uuid:4f1c2a8e-0000-4000-8000-000000000003",
             "resource": {"resourceType": "DocumentReference", "status": "current",
                          "identifier": [{"system": "urn:example:visit", "value": visit_id}],
                          "extension": [{"url": "http://notebridge.dev/fhir/StructureDefinition/note-options",
                                         "extension": [{"url": "specialty", "valueCode": "physician"}]}],
                          "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                                      "data": base64.b64encode(TRANSCRIPT.encode()).decode()}}]},
             "request": {"method": "POST", "url": "DocumentReference"}},
        ],
    }


def fhir(gateway, method, path, body=None, accept="application/fhir+json", content_type="application/fhir+json"):
    payload = json.dumps(body).encode() if isinstance(body, dict) else body
    return request(gateway, method, path, payload, key=gateway.api_key,
                   headers={"Content-Type": content_type, "Accept": accept})


def test_bundle_intake_reads_and_search(gateway_factory, tmp_path):
    mapping = tmp_path / "fhir-note.yaml"
    mapping.write_text(FINAL_MAPPING)
    gateway = gateway_factory(env={"NOTEBRIDGE_FHIR_MAPPING": str(mapping)}).start()

    status, _, body = fhir(gateway, "POST", "/fhir", transaction("visit-a"))
    assert status == 200, body
    answer = json.loads(body)
    Bundle.parse_obj(answer)
    assert answer["type"] == "transaction-response"
    created = answer["entry"][2]
    assert created["response"]["status"] == "201 Created"
    location = created["response"]["location"]
    doc_id = location.split("/")[1]
    DocumentReference.parse_obj(created["resource"])

    # Sent again: nothing new, the same location.
    status, _, body = fhir(gateway, "POST", "/fhir", transaction("visit-a"))
    assert status == 200 and json.loads(body)["entry"][2]["response"] == {**created["response"], "status": "200 OK"}

    # Reads, JSON and XML.
    status, headers, body = fhir(gateway, "GET", f"/fhir/DocumentReference/{doc_id}")
    assert status == 200 and headers["ETag"] == 'W/"1"'
    reference = json.loads(body)
    DocumentReference.parse_obj(reference)
    assert reference["subject"] == {"reference": "Patient/p-501"}
    assert reference["meta"]["profile"] == [US_CORE]
    assert reference["docStatus"] == "final"
    assert reference["type"]["coding"][0]["code"] == "11488-4"
    text = base64.b64decode(reference["content"][0]["attachment"]["data"]).decode()
    assert "SUBJECTIVE" in text.upper()
    status, headers, body = fhir(gateway, "GET", f"/fhir/DocumentReference/{doc_id}", accept="application/fhir+xml")
    assert status == 200 and headers["Content-Type"].startswith("application/fhir+xml")
    DocumentReference.parse_raw(body, content_type="text/xml")
    validated = subprocess.run([BIN, "fhir", "validate", "-"], input=body, capture_output=True, timeout=60)
    assert validated.returncode == 0, validated.stdout.decode()
    assert US_CORE in json.loads(validated.stdout)["issue"][0]["diagnostics"]

    status, _, body = fhir(gateway, "GET", f"/fhir/Composition/{doc_id[:-4]}")
    assert status == 200, body
    composition = json.loads(body)
    Composition.parse_obj(composition)
    assert composition["status"] == "final"
    assert [s["code"]["coding"][0]["code"] for s in composition["section"]][:4] == ["61150-9", "61149-1", "51848-0", "18776-5"]

    # A second visit of another patient, then searches.
    assert fhir(gateway, "POST", "/fhir", transaction("visit-b", patient_id="p-502"))[0] == 200
    for query, total in [("patient=p-501", 1), ("patient=Patient/p-502", 1), ("encounter=enc-77", 2),
                         ("date=ge2020-01-01", 2), ("date=lt2020-01-01", 0), ("", 2)]:
        status, _, body = fhir(gateway, "GET", f"/fhir/DocumentReference?{query}")
        assert status == 200, (query, body)
        found = json.loads(body)
        Bundle.parse_obj(found)
        assert found["total"] == total, query
    status, _, body = fhir(gateway, "GET", "/fhir/DocumentReference?patient=p-501", accept="application/fhir+xml")
    assert status == 200
    Bundle.parse_raw(body, content_type="text/xml")

    # The CapabilityStatement lists what was just used.
    status, _, body = fhir(gateway, "GET", "/fhir/metadata")
    CapabilityStatement.parse_raw(body)
    CapabilityStatement.parse_raw(fhir(gateway, "GET", "/fhir/metadata", accept="application/fhir+xml")[2],
                                  content_type="text/xml")
    rest = json.loads(body)["rest"][0]
    assert {r["type"] for r in rest["resource"]} == {"DocumentReference", "Composition"}
    assert rest["interaction"][0]["code"] == "transaction"

    # Errors: OperationOutcome, never a 500; no PHI in the log.
    status, _, body = fhir(gateway, "POST", "/fhir", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Bundle xmlns="http://hl7.org/fhir"/>',
                           content_type="application/fhir+xml")
    assert status == 400 and json.loads(body)["issue"][0]["code"] == "security"
    status, _, body = fhir(gateway, "POST", "/fhir", {"resourceType": "Bundle", "type": "batch"})
    assert status == 400 and json.loads(body)["issue"][0]["expression"] == ["Bundle.type"]
    OperationOutcome.parse_raw(body)
    status, _, body = fhir(gateway, "GET", "/fhir/DocumentReference/nb-missing-doc", accept="application/fhir+xml")
    assert status == 404
    OperationOutcome.parse_raw(body, content_type="text/xml")
    log = gateway.log_text()
    assert "p-501" not in log and "Subjective" not in log


def test_no_phi_through_fhir_in_logs_or_data_files(gateway):
    """A random marker as the patient (id, name, identifier, address) and in the transcript, sent through every FHIR
    intake, read back and searched for, and in values the server refuses: it is in no log line and in no byte of
    any file under the data folder (notes are sealed; what notes are searched by is stored as keyed digests)."""
    marker = f"WOMBATMARKER{secrets.token_hex(6).upper()}"
    transcript = TRANSCRIPT + f"\nPatient: My neighbour {marker} has the same cough.\n"
    patient = {"resourceType": "Patient", "id": marker, "gender": "female",
               "identifier": [{"system": "urn:example:mrn", "value": marker}],
               "name": [{"family": marker, "given": [marker]}], "address": [{"line": [f"{marker} Hidden Lane"]}]}

    bundle = transaction(f"visit-{marker}", patient_id=marker)
    bundle["entry"][0]["resource"] = patient
    bundle["entry"][2]["resource"]["content"][0]["attachment"]["data"] = base64.b64encode(transcript.encode()).decode()
    status, _, body = fhir(gateway, "POST", "/fhir", bundle)
    assert status == 200, body
    doc_id = json.loads(body)["entry"][2]["response"]["location"].split("/")[1]
    assert fhir(gateway, "POST", "/fhir", bundle)[0] == 200  # the same transcript again: a duplicate

    parameters = {"resourceType": "Parameters", "parameter": [
        {"name": "transcript", "valueString": transcript},
        {"name": "specialty", "valueCode": "physician"},
        {"name": "patient", "resource": patient}]}
    for path in ["/fhir/$soap-note", "/fhir/Encounter/enc-9/$soap-note"]:
        for accept in ["application/fhir+json", "application/fhir+xml"]:
            status, _, body = fhir(gateway, "POST", path, parameters, accept=accept)
            assert status == 200, body
            assert marker.encode() in body  # the caller gets its own patient back in the document

    status, _, body = fhir(gateway, "GET", f"/fhir/DocumentReference/{doc_id}")
    assert status == 200 and json.loads(body)["subject"] == {"reference": f"Patient/{marker}"}
    status, _, body = fhir(gateway, "GET", f"/fhir/DocumentReference?patient={marker}")
    assert status == 200 and json.loads(body)["total"] == 5  # the Bundle intake and the four $soap-note calls

    # Refused values are not quoted back.
    refused = [
        {**parameters, "parameter": parameters["parameter"][:1] + [{"name": "specialty", "valueCode": marker}]},
        {**parameters, "parameter": parameters["parameter"][:2] + [
            {"name": "patient", "resource": {**patient, "birthDate": marker}}]},
        {**parameters, "parameter": parameters["parameter"][:2] + [
            {"name": "patient", "resource": {**patient, "resourceType": "Practitioner"}}]},
    ]
    for body in refused:
        status, _, answer = fhir(gateway, "POST", "/fhir/$soap-note", body)
        assert status == 400, answer
        assert marker.encode() not in answer, answer
    status, _, answer = fhir(gateway, "POST", "/fhir", json.dumps(bundle).encode()[:-10])
    assert status == 400 and marker.encode() not in answer

    gateway.stop()
    assert marker.lower() not in gateway.log_text().lower()
    files = [path for path in pathlib.Path(gateway.data_dir).rglob("*") if path.is_file()]
    assert any(path.name == "notebridge.sqlite" for path in files)
    for path in files:
        assert marker.lower().encode() not in path.read_bytes().lower(), f"{path.name} holds the marker"


def test_a_bad_mapping_file_stops_the_start(gateway_factory, tmp_path):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("version: 1\ncomposition: {status: draft}\n")
    gateway = gateway_factory(env={"NOTEBRIDGE_FHIR_MAPPING": str(mapping)})
    try:
        gateway.start(timeout=20)
        raise AssertionError("serve started with a bad mapping file")
    except RuntimeError as error:
        assert "composition.status" in str(error) or "composition.status" in gateway.log_text() + "".join(gateway.console)


def run(*args, input_bytes=None):
    return subprocess.run([BIN, *args], input=input_bytes, capture_output=True, timeout=60)


def test_profile_validation_from_the_command_line(tmp_path):
    example = REPO.parent / "shared" / "eval" / "fhir" / "us-core" / "documentreference-discharge-summary.json"
    result = run("fhir", "validate", "--profile", US_CORE, str(example))
    assert result.returncode == 0, result.stdout.decode()
    assert US_CORE in result.stdout.decode()
    broken = json.loads(example.read_text())
    broken["status"] = "draft"
    del broken["subject"]
    result = run("fhir", "validate", "-", input_bytes=json.dumps(broken).encode())
    assert result.returncode == 1
    issues = {(i["code"], i["expression"][0]) for i in json.loads(result.stdout)["issue"]}
    assert issues == {("code-invalid", "DocumentReference.status"), ("required", "DocumentReference.subject")}
    # The committed profiles/ folder gives the same answer as the built-in copy.
    again = run("fhir", "validate", "--profiles", str(REPO / "profiles"), "-", input_bytes=json.dumps(broken).encode())
    assert again.returncode == 1 and json.loads(again.stdout) == json.loads(result.stdout)
    unknown = run("fhir", "validate", "--profile", "http://example.org/nope", str(example))
    assert unknown.returncode == 2 and b"not known" in unknown.stderr


def test_note_with_a_mapping_file(tmp_path):
    path = REPO / "samples" / "transcripts" / "psychiatry-dialogue.txt"
    mapping = tmp_path / "m.yaml"
    mapping.write_text(FINAL_MAPPING)
    result = run("note", "--format", "fhir", "--mapping", str(mapping), "--template", "birp", str(path))
    assert result.returncode == 0, result.stderr.decode()
    bundle = json.loads(result.stdout)
    Bundle.parse_obj(bundle)
    composition = bundle["entry"][0]["resource"]
    assert composition["status"] == "final"
    assert {s["code"]["coding"][0]["code"] for s in composition["section"]} <= {"behavior", "intervention", "response", "18776-5"}
    assert run("fhir", "validate", "-", input_bytes=result.stdout).returncode == 0
    mapping.write_text("version: 1\nsections: {summary: {code: a, display: b}}\n")
    bad = run("note", "--format", "fhir", "--mapping", str(mapping), str(path))
    assert bad.returncode == 2 and b"sections.summary" in bad.stderr
