"""The FHIR-server destination: `notebridge serve` writes each note written from an MDM^T02 (sent with the python hl7
package's mllp_send) to a test FHIR endpoint started here (fixtures/fhir_endpoint.py, which validates every resource
with fhir.resources R4B), as a transaction Bundle or as a DocumentReference alone; with SMART Backend Services auth
(RS384 and ES384 client assertions verified with PyJWT); through the server being down, slow, throttled, refusing one
patient and expiring tokens; never creating a resource twice, and with no PHI in the log or the outbox listing."""
import json
import os
import pathlib
import shutil
import ssl
import subprocess
import sys
import threading
import urllib.request

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from conftest import BIN, REPO, MLLPConnection, ack_fields
from test_pipeline import NAME_MARKER, TRANSCRIPT_MARKER, free_port, mdm, outbox, wait_for
from test_pipeline_hl7 import mllp_send
from test_metrics import scrape, value
from test_tls import make_pki, openssl

ENDPOINT = pathlib.Path(__file__).resolve().parent / "fixtures" / "fhir_endpoint.py"
NOTE_SYSTEM = "urn:notebridge:note"


class FHIREndpoint:
    """The test FHIR endpoint as a child process on 127.0.0.1."""

    def __init__(self, port: int = 0, require_token: bool = False, tls=None, context=None):
        args = [sys.executable, str(ENDPOINT), "--port", str(port)] + (["--require-token"] if require_token else [])
        if tls:
            args += ["--tls-certificate", str(tls[0]), "--tls-key", str(tls[1])]
            args += ["--tls-client-ca", str(tls[2])] if len(tls) > 2 else []
        self.scheme = "https" if tls else "http"
        self.context = context
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.process.stdout.readline().decode()
        assert line.startswith("PORT "), f"the endpoint did not start: {line!r} {self.process.stderr.read()[:2000]!r}"
        self.port = int(line.split()[1])
        self.base = f"{self.scheme}://127.0.0.1:{self.port}/fhir"

    def call(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.scheme}://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10, context=self.context) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def control(self, **orders):
        self.call("POST", "/_control", orders)

    def stats(self) -> dict:
        return self.call("GET", "/_control/stats")

    def search(self, query: str) -> dict:
        return self.call("GET", f"/fhir/{query}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def endpoints():
    started = []

    def start(**kwargs):
        endpoint = FHIREndpoint(**kwargs)
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.stop()


def fhir_destination(name: str, extra: str = "", base: str = "${FHIR_BASE}") -> str:
    return (f"  {name}:\n"
            "    type: fhir\n"
            f"    baseUrl: {base}\n"
            "    timeoutSeconds: 2\n"
            "    connectTimeoutSeconds: 1\n"
            "    initialBackoffMilliseconds: 200\n"
            "    maxBackoffSeconds: 1\n"
            "    maxAttempts: 1000\n" + extra)


def start(gateway_factory, tmp_path, config: str, env: dict):
    path = tmp_path / "fhir.yaml"
    path.write_text(config)
    gateway = gateway_factory(env=env)
    gateway.args = ["--config", str(path)]
    return gateway.start()


def note_identifiers(stats: dict, rtype: str) -> list:
    return [value for ids in stats["identifiers"].get(rtype, []) for value in ids if value.startswith(NOTE_SYSTEM)]


def assert_no_phi(gateway, *markers):
    log = gateway.log_text()
    listing = json.dumps(outbox(gateway))
    for marker in (NAME_MARKER, TRANSCRIPT_MARKER) + markers:
        assert marker not in log, f"{marker} in the log"
        assert marker not in listing, f"{marker} in the outbox listing"


def as_sender(message: bytes, application: str) -> bytes:
    return message.replace(b"|DICTATE|", f"|{application}|".encode(), 1)


def test_mdm_in_transaction_bundle_out_and_a_document_reference_route(gateway_factory, tmp_path, endpoints):
    server = endpoints()
    config = ("pipeline:\n  billingCodes: true\n"
              "destinations:\n" + fhir_destination("ehr") +
              fhir_destination("notes-api", "    mode: document-reference\n") +
              "routes:\n"
              "  dictation:\n    sendingApplication: DICTATE\n    destinations: [ehr]\n"
              "  documents:\n    sendingApplication: DOCAPP\n    destinations: [notes-api]\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    acks = mllp_send(gateway, tmp_path, mdm("FHIR-1", "MRN8001", "V8001"), mdm("FHIR-2", "MRN8002", "V8002"),
                     as_sender(mdm("FHIR-3", "MRN8003", "V8003"), "DOCAPP"))
    assert len(acks) == 3 and all("MSA|AA" in ack or "MSA|CA" in ack for ack in acks), acks
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 3, what="three rows delivered")
    rows = outbox(gateway)
    assert sorted(r["destination"] for r in rows) == ["ehr", "ehr", "notes-api"]

    stats = server.stats()
    posts = [(method, path) for method, path, status in stats["requests"] if method in ("POST", "PUT")]
    # Route one: one transaction Bundle per note, POSTed to the base.
    assert posts.count(("POST", "/fhir")) == 2
    assert len(note_identifiers(stats, "Composition")) == 2
    assert stats["counts"]["Provenance"] == 2
    assert stats["counts"].get("Condition", 0) >= 1  # the transcript names a diagnosis; codes were asked for
    # Route two: the DocumentReference alone (and what it references), one request each.
    assert ("POST", "/fhir/DocumentReference") in posts
    assert stats["counts"]["DocumentReference"] == 3
    assert sorted(note_identifiers(stats, "DocumentReference")) == sorted(set(note_identifiers(stats, "DocumentReference")))
    assert stats["counts"]["Patient"] == 3 and stats["counts"]["Encounter"] == 3 and stats["counts"]["Device"] == 1

    # The note is searchable by its encounter, with both attachments, and its references resolve.
    resources = server.call("GET", "/_control/resources")
    encounter_id = next(e["id"] for e in resources["Encounter"].values()
                        if e["identifier"][0]["value"] == "V8003")
    found = server.search(f"DocumentReference?encounter=Encounter/{encounter_id}")
    assert found["total"] == 1
    document = found["entry"][0]["resource"]
    assert sorted(c["attachment"]["contentType"] for c in document["content"]) == ["text/html", "text/plain; charset=utf-8"]
    assert document["subject"]["reference"].startswith("Patient/")
    assert document["subject"]["reference"][len("Patient/"):] in resources["Patient"]
    for composition in resources["Composition"].values():
        assert composition["subject"]["reference"][len("Patient/"):] in resources["Patient"]
        assert composition["encounter"]["reference"][len("Encounter/"):] in resources["Encounter"]
    for provenance in resources["Provenance"].values():
        for target in provenance["target"]:
            kind, _, rid = target["reference"].partition("/")
            assert rid in resources[kind]
    assert_delivered_references(rows, resources)
    # The admin API shows the same references as `outbox list`.
    request = urllib.request.Request(f"http://127.0.0.1:{gateway.http_port}/admin/outbox",
                                     headers={"Authorization": f"Bearer {gateway.api_key}"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        items = json.loads(reply.read())["items"]
    assert {i["id"]: i["deliveredReferences"] for i in items} == {r["id"]: r["deliveredReferences"] for r in rows}
    assert "note written to the FHIR server" in gateway.log_text()
    assert_no_phi(gateway, "MRN800")


def assert_delivered_references(rows: list, resources: dict):
    """Each delivered row keeps what the FHIR server reported storing for it (the transaction-response's locations, or
    each conditional create's Location): `Type/id/_history/version` of resources the endpoint holds at that version,
    the note's own Composition (transaction route) or DocumentReference (document-reference route) among them, and
    every note resource the endpoint stored is named by some row."""
    named = {"Composition": set(), "DocumentReference": set()}
    for row in rows:
        references = row["deliveredReferences"]
        assert 0 < len(references) <= 50 and all(len(r.encode()) <= 256 for r in references), row
        for reference in references:
            kind, rid, history, version = reference.split("/")
            assert history == "_history" and rid in resources[kind], reference
            assert resources[kind][rid]["meta"]["versionId"] == version, reference
        kinds = [r.split("/")[0] for r in references]
        own = "Composition" if row["destination"] == "ehr" else "DocumentReference"
        if row["destination"] == "ehr":
            assert {"Patient", "Encounter", "Composition", "DocumentReference", "Provenance"} <= set(kinds), kinds
        else:
            assert "Composition" not in kinds and "DocumentReference" in kinds, kinds
        mine = [r.split("/")[1] for r in references if r.startswith(own + "/")]
        assert len(mine) == 1, references
        resource = resources[own][mine[0]]
        identifiers = resource.get("identifier") or []  # Composition.identifier is one Identifier, not a list
        identifiers = ([identifiers] if isinstance(identifiers, dict) else identifiers) + \
            ([resource["masterIdentifier"]] if "masterIdentifier" in resource else [])
        values = [i.get("value", "") for i in identifiers]
        assert any(row["noteId"] in value for value in values), (row["noteId"], values)
        for kind in named:
            named[kind].update(r.split("/")[1] for r in references if r.startswith(kind + "/"))
    for kind, ids in named.items():
        assert ids == set(resources.get(kind, {})), kind


@pytest.mark.parametrize("mode", ["transaction", "conditional-create"])
def test_two_patients_with_the_same_visit_number_get_their_own_encounters(gateway_factory, tmp_path, endpoints, mode):
    """Two patients share visit number V8501 (visit numbers are only unique per patient at many sites). The Encounter
    is matched by its visit number *and* its patient (`identifier=...&patient.identifier=...`), so each note is
    linked to its own patient's Encounter, never to the other patient's."""
    server = endpoints()
    config = "destinations:\n" + fhir_destination("ehr", f"    mode: {mode}\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    mllp_send(gateway, tmp_path, mdm("SAME-VISIT-1", "MRN8501", "V8501"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"], what="the first note delivered")
    mllp_send(gateway, tmp_path, mdm("SAME-VISIT-2", "MRN8502", "V8501"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 2, what="both notes delivered")

    resources = server.call("GET", "/_control/resources")
    assert len(resources["Patient"]) == 2
    encounters = resources["Encounter"]
    assert len(encounters) == 2, "one Encounter per patient, though the visit number is the same"
    assert {e["identifier"][0]["value"] for e in encounters.values()} == {"V8501"}
    mrn_of = {pid: p["identifier"][0]["value"] for pid, p in resources["Patient"].items()}
    assert sorted(mrn_of[e["subject"]["reference"].partition("/")[2]] for e in encounters.values()) == \
        ["MRN8501", "MRN8502"]
    linked = []
    for composition in resources["Composition"].values():
        patient = composition["subject"]["reference"].partition("/")[2]
        encounter = encounters[composition["encounter"]["reference"].partition("/")[2]]
        assert encounter["subject"]["reference"] == f"Patient/{patient}", "a note linked to another patient's visit"
        linked.append(mrn_of[patient])
    assert sorted(linked) == ["MRN8501", "MRN8502"]
    assert_delivered_references(outbox(gateway), resources)  # transaction-response locations, or each Location
    # The endpoint's chained search finds each patient's Encounter, one each.
    for mrn in ("MRN8501", "MRN8502"):
        system = next(p["identifier"][0]["system"] for p in resources["Patient"].values()
                      if p["identifier"][0]["value"] == mrn)
        found = server.search(f"Encounter?identifier=urn:notebridge:visit|V8501&patient.identifier={system}|{mrn}")
        assert found["total"] == 1
    assert_no_phi(gateway, "MRN850")


def keypair(kind: str, directory: pathlib.Path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "rsa" \
        else ec.generate_private_key(ec.SECP384R1())
    private = directory / f"{kind}-private.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def test_smart_backend_services_rs384_and_es384_one_token_while_valid_and_one_refresh(gateway_factory, tmp_path,
                                                                                      endpoints):
    server = endpoints(require_token=True)
    rsa_key, rsa_public = keypair("rsa", tmp_path)
    ec_key, ec_public = keypair("ec", tmp_path)
    server.control(clients={"nb-rs": {"keys": {"rs-1": ["RS384", rsa_public]}},
                            "nb-es": {"keys": {"es-1": ["ES384", ec_public]}}})
    config = ("destinations:\n" +
              fhir_destination("ehr-rs", "    auth: smart-backend\n    clientId: nb-rs\n"
                               f"    signingKey: {rsa_key}\n    keyId: rs-1\n    algorithm: RS384\n"
                               "    scopes: [system/Composition.write, system/DocumentReference.write]\n") +
              fhir_destination("ehr-es", "    auth: smart-backend\n    clientId: nb-es\n"
                               f"    signingKey: {ec_key}\n    keyId: es-1\n    algorithm: ES384\n"
                               "    tokenUrl: ${FHIR_TOKEN_URL}\n    mode: conditional-update\n"
                               "    scopes: [system/*.write]\n"))
    gateway = start(gateway_factory, tmp_path, config,
                    {"FHIR_BASE": server.base, "FHIR_TOKEN_URL": f"http://127.0.0.1:{server.port}/auth/token"})
    messages = [mdm(f"SMART-{n}", f"MRN81{n:02d}", f"V81{n:02d}") for n in range(6)]
    mllp_send(gateway, tmp_path, *messages)
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 12, what="twelve rows delivered")
    stats = server.stats()
    # One token per client while it is valid, for six deliveries each; both signatures verified.
    assert stats["token_requests"] == 2 and stats["rejected_assertions"] == 0 and stats["unauthorized"] == 0
    # Both destinations wrote the same six notes: each resource once, matched by identifier.
    compositions = note_identifiers(stats, "Composition")
    assert len(compositions) == 6 and len(set(compositions)) == 6

    # The server forgets its tokens: each destination is refused once, fetches one new token, and delivers.
    server.control(expire_tokens=True)
    mllp_send(gateway, tmp_path, mdm("SMART-9", "MRN8199", "V8199"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 14, what="fourteen rows delivered")
    stats = server.stats()
    assert stats["token_requests"] == 4 and stats["unauthorized"] == 2
    _, samples = scrape(gateway)
    for name in ("ehr-rs", "ehr-es"):
        assert value(samples, "notebridge_fhir_token_requests_total", destination=name) == 2
        assert value(samples, "notebridge_messages_delivered_total", destination=name) == 7
    assert len(note_identifiers(stats, "Composition")) == 7
    log = gateway.log_text()
    assert log.count("the FHIR server refused the access token") == 2
    assert_no_phi(gateway, "MRN81", rsa_key.read_text().splitlines()[1])


def test_static_bearer_and_client_secret_auth(gateway_factory, tmp_path, endpoints):
    server = endpoints(require_token=True)
    secret, token = "s3cret-for-the-test-0123", "static-bearer-token-4567"
    server.control(clients={"nb-secret": {"secret": secret}}, static_token=token)
    config = ("destinations:\n" +
              fhir_destination("bearer", "    auth: bearer\n    token: ${FHIR_TOKEN}\n") +
              fhir_destination("secret", "    auth: client-secret\n    clientId: nb-secret\n"
                                         "    clientSecret: ${FHIR_SECRET}\n    mode: conditional-create\n"
                                         "    scopes: [system/*.write]\n"))
    gateway = start(gateway_factory, tmp_path, config,
                    {"FHIR_BASE": server.base, "FHIR_TOKEN": token, "FHIR_SECRET": secret})
    mllp_send(gateway, tmp_path, mdm("AUTH-1", "MRN8601", "V8601"), mdm("AUTH-2", "MRN8602", "V8602"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 4, what="four rows delivered")
    stats = server.stats()
    assert stats["token_requests"] == 1 and stats["unauthorized"] == 0
    assert len(note_identifiers(stats, "Composition")) == 2

    # Every token is revoked: the static one cannot be refreshed (dead letter); the client secret gets a new one.
    server.control(expire_tokens=True)
    mllp_send(gateway, tmp_path, mdm("AUTH-3", "MRN8603", "V8603"))
    wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["dead"] + ["delivered"] * 5,
             what="the bearer row dead, the rest delivered")
    dead = outbox(gateway, "--state", "dead")
    assert [r["destination"] for r in dead] == ["bearer"]
    assert dead[0]["lastError"] == "HTTP 401 from the FHIR server for transaction: the credentials were refused"
    assert server.stats()["token_requests"] == 2
    assert_no_phi(gateway, "MRN860", secret, token)


def test_a_wrong_signing_key_is_refused_by_the_server_and_dead_lettered(gateway_factory, tmp_path, endpoints):
    server = endpoints(require_token=True)
    signing, _ = keypair("rsa", tmp_path)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    server.control(clients={"nb-rs": {"keys": {"rs-1": ["RS384", other]}}})
    config = ("destinations:\n" +
              fhir_destination("ehr", "    auth: smart-backend\n    clientId: nb-rs\n"
                               f"    signingKey: {signing}\n    keyId: rs-1\n"))
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    mllp_send(gateway, tmp_path, mdm("KEY-1", "MRN8201", "V8201"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["dead"], what="the row dead-lettered")
    assert server.stats()["rejected_assertions"] == 1
    assert outbox(gateway)[0]["lastError"] == "HTTP 401 from the token endpoint (invalid_client)"


def test_server_down_slow_and_throttled_then_every_note_delivered_once(gateway_factory, tmp_path, endpoints):
    port = free_port()
    config = "destinations:\n" + fhir_destination("ehr")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": f"http://127.0.0.1:{port}/fhir"})
    mllp_send(gateway, tmp_path, *[mdm(f"DOWN-{n}", f"MRN83{n:02d}", f"V83{n:02d}") for n in range(4)])
    wait_for(lambda: len(outbox(gateway)) == 4 and all(r["attempts"] >= 1 for r in outbox(gateway)),
             what="four rows with failed attempts while the server is down")
    assert all("couldNotConnect" in (r["lastError"] or "") for r in outbox(gateway))

    server = endpoints(port=port)  # the server comes up
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 4, what="four rows delivered")

    # Slow answers past the 2 s timeout: the server wrote the Bundle, NoteBridge retries, nothing is created twice.
    server.control(slow={"seconds": 3, "count": 2})
    mllp_send(gateway, tmp_path, mdm("SLOW-1", "MRN8390", "V8390"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 5, what="five rows delivered")
    slow = next(r for r in outbox(gateway) if r["attempts"] >= 2)
    assert slow is not None

    # 500s, then 429 with Retry-After: retried, then delivered.
    server.control(fail={"status": 500, "count": 2})
    mllp_send(gateway, tmp_path, mdm("FAIL-1", "MRN8391", "V8391"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 6, what="six rows delivered")
    server.control(fail={"status": 429, "retry_after": 1, "count": 1})
    mllp_send(gateway, tmp_path, mdm("FAIL-2", "MRN8392", "V8392"))
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 7, what="seven rows delivered")
    assert "Retry-After 1 s" in gateway.log_text()

    stats = server.stats()
    compositions = note_identifiers(stats, "Composition")
    assert len(compositions) == 7 and len(set(compositions)) == 7
    documents = note_identifiers(stats, "DocumentReference")
    assert len(documents) == 7 and len(set(documents)) == 7
    assert stats["counts"]["Patient"] == 7 and stats["counts"]["Device"] == 1
    # The slow note's transaction reached the server twice (or more) but its resources exist once.
    assert sum(1 for method, path, status in stats["requests"] if (method, path) == ("POST", "/fhir")) >= 8
    assert_no_phi(gateway, "MRN83")


def test_sigkill_mid_burst_then_restart_creates_each_resource_once(gateway_factory, tmp_path, endpoints):
    """200 MDM^T02 for 40 patients (NOTEBRIDGE_SIGKILL_BURST=500: 500 for 100 patients, the issue's figure); the
    gateway is killed with SIGKILL halfway through the burst (transactions in flight), restarted, and the sender sends
    again what it has no ACK for. Every note reaches the server once: one Composition and one DocumentReference per
    note, one Patient per MRN, one Encounter per visit.

    200 by default: with 500 the test passed but took 270-280 s with the debug binary on this shared 2-core machine
    (load average 7-11 at the time), far above the ~60 s a test of the suite may take; 500 is run on demand."""
    server = endpoints()
    config = "destinations:\n" + fhir_destination("ehr", "    leaseSeconds: 2\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    burst = int(os.environ.get("NOTEBRIDGE_SIGKILL_BURST", "200"))
    assert burst % 5 == 0 and 10 <= burst <= 5000, "NOTEBRIDGE_SIGKILL_BURST: a multiple of 5 from 10 to 5000"
    patients = burst // 5
    messages = [(f"BURST-{p:03d}-{v}", f"MRN87{p:03d}", f"V87{p:03d}{v}") for v in range(1, 6) for p in range(patients)]
    acked = set()
    killed = False
    restarts = []
    for _ in range(2):
        try:
            connection = MLLPConnection(gateway.mllp_port, timeout=30)
            for control, mrn, visit in messages:
                if control in acked:
                    continue
                reply = ack_fields(connection.send(mdm(control, mrn, visit)))
                assert reply["code"] == "AA" and reply["control_id"] == control
                acked.add(control)
                if not killed and len(acked) == len(messages) // 2:
                    killed = True
                    threading.Timer(0.05, gateway.process.kill).start()
            connection.close()
        except (ConnectionError, OSError):
            pass  # killed mid-burst: what has no ACK is sent again after the restart
        if killed and not restarts:
            gateway.process.wait()
            restarts.append(len(acked))
            gateway.stop()
            gateway.start()
    assert restarts and restarts[0] < len(messages), restarts  # the kill came mid-burst
    assert acked == {m[0] for m in messages}
    wait_for(lambda: len(outbox(gateway, "--state", "delivered")) == len(messages), timeout=600,
             what="every note delivered", interval=1.0)
    stats = server.stats()
    for rtype in ("Composition", "DocumentReference"):
        identifiers = note_identifiers(stats, rtype)
        assert len(identifiers) == len(messages) and len(set(identifiers)) == len(messages), rtype
    assert stats["counts"]["Patient"] == patients and stats["counts"]["Encounter"] == len(messages)
    assert_no_phi(gateway, "MRN87")


def test_a_422_for_one_patient_dead_letters_that_note_and_delivers_the_rest(gateway_factory, tmp_path, endpoints):
    server = endpoints()
    server.control(reject_patient="MRN8402")
    config = "destinations:\n" + fhir_destination("ehr")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    mllp_send(gateway, tmp_path, *[mdm(f"REJ-{n}", f"MRN84{n:02d}", f"V84{n:02d}") for n in (1, 2, 3)])
    wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["dead", "delivered", "delivered"],
             what="one dead, two delivered")
    dead = outbox(gateway, "--state", "dead")
    assert len(dead) == 1 and dead[0]["attempts"] == 1
    assert dead[0]["lastError"] == "HTTP 422 from the FHIR server for transaction: business-rule @ Patient.identifier[0]"
    assert len(note_identifiers(server.stats(), "Composition")) == 2
    # The server's diagnostics named the patient: neither they nor the identifier are kept anywhere.
    assert_no_phi(gateway, "MRN8402", "locked for edits")


def test_bad_fhir_destination_configuration_is_refused_naming_the_key(gateway_factory, tmp_path):
    cases = [
        ("    type: fhir\n", "destinations.ehr.baseUrl"),
        ("    type: fhir\n    baseUrl: ftp://ehr.example/fhir\n", "destinations.ehr.baseUrl"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    mode: batch\n", "destinations.ehr.mode"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    resources: [Composition, Observation]\n",
         "destinations.ehr.resources"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    auth: smart-backend\n    clientId: x\n"
         "    keyId: k\n", "destinations.ehr.signingKey"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    auth: smart-backend\n    clientId: x\n"
         f"    keyId: k\n    signingKey: {tmp_path / 'missing.pem'}\n", "destinations.ehr.signingKey"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    auth: bearer\n", "destinations.ehr.token"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    token: abc\n", "destinations.ehr.token"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    host: ehr\n", "destinations.ehr.host"),
        ("    type: fhir\n    baseUrl: http://127.0.0.1:1/fhir\n    auth: smart-backend\n    clientId: x\n"
         "    keyId: k\n    signingKey: /etc/hostname\n    algorithm: HS256\n", "destinations.ehr.algorithm"),
        ("    type: mllp\n    host: ehr\n    port: 1\n    baseUrl: http://x/fhir\n", "destinations.ehr.baseUrl"),
    ]
    for index, (body, key) in enumerate(cases):
        config = tmp_path / f"bad-{index}.yaml"
        config.write_text("destinations:\n  ehr:\n" + body)
        gateway = gateway_factory(name=f"bad-{index}")
        result = gateway.cli("serve", "--config", str(config), check=False)
        assert result.returncode != 0, body
        assert f"'{key}'" in result.stderr.decode(), (body, result.stderr.decode())


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is installed by scripts/setup-debian.sh test")
def test_https_with_a_test_ca_mutual_tls_accepted_and_refused_and_a_wrong_host_refused(gateway_factory, tmp_path,
                                                                                         endpoints):
    pki = make_pki(tmp_path)
    # A certificate from the same CA for another host only.
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "wrong.key", "-out", "wrong.csr",
            "-subj", "/CN=ehr.example.org", cwd=pki)
    (pki / "wrong.ext").write_text("subjectAltName=DNS:ehr.example.org\n")
    openssl("x509", "-req", "-in", "wrong.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "wrong.pem", "-days", "2", "-extfile", "wrong.ext", cwd=pki)
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    context.load_cert_chain(str(pki / "client.pem"), str(pki / "client.key"))
    mutual = endpoints(tls=(pki / "server.pem", pki / "server.key", pki / "ca.pem"), context=context)
    wrong = endpoints(tls=(pki / "wrong.pem", pki / "wrong.key"), context=ssl._create_unverified_context())
    trust = f"    tlsTrustRoots: {pki / 'ca.pem'}\n"
    config = ("destinations:\n" +
              fhir_destination("mtls", trust + f"    tlsCertificate: {pki / 'client.pem'}\n"
                                       f"    tlsPrivateKey: {pki / 'client.key'}\n", base=mutual.base) +
              fhir_destination("no-client-cert", trust, base=mutual.base) +
              fhir_destination("wrong-host", trust, base=wrong.base))
    gateway = start(gateway_factory, tmp_path, config, {})
    mllp_send(gateway, tmp_path, mdm("TLS-1", "MRN8501", "V8501"))

    def rows():
        return {r["destination"]: r for r in outbox(gateway)}

    wait_for(lambda: len(rows()) == 3 and rows()["mtls"]["state"] == "delivered"
             and all(rows()[name]["attempts"] >= 2 for name in ("no-client-cert", "wrong-host")),
             what="mutual TLS delivered, the others failing")
    # The wrong host fails verification here; the server refuses the handshake without a client certificate (its
    # alert, or a reset when the connection closes first, which libcurl reports as another receive error). Both are
    # still being retried: waiting for the next attempt, or leased for it at the moment of reading.
    now = rows()
    assert now["wrong-host"]["state"] in ("pending", "in-flight")
    assert now["wrong-host"]["lastError"] == "no answer from the FHIR server for transaction: tls"
    assert now["no-client-cert"]["state"] in ("pending", "in-flight")
    assert now["no-client-cert"]["lastError"] in ("no answer from the FHIR server for transaction: tls",
                                                   "no answer from the FHIR server for transaction: other")
    assert len(note_identifiers(mutual.stats(), "Composition")) == 1
    assert wrong.stats()["counts"] == {}
    assert_no_phi(gateway, "MRN8501")


def references(value):
    """Every `reference` value in a resource."""
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "reference" and isinstance(v, str)] + \
            [r for k, v in value.items() if k != "reference" for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def test_note_transaction_bundle_posted_to_a_server_that_assigns_ids_resolves_every_reference(endpoints):
    """`notebridge note --bundle transaction` writes the destination's Bundle (urn:uuid full URLs, conditional
    creates): POSTed as it is to the test endpoint, which assigns its own ids, every reference of every stored resource
    names a stored resource; POSTed again, nothing new is created."""
    server = endpoints()
    transcript = REPO / "samples" / "transcripts" / "primary-care-dialogue.txt"
    result = subprocess.run([BIN, "note", "--format", "fhir", "--bundle", "transaction", "--billing-codes",
                             str(transcript)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    bundle = json.loads(result.stdout)
    assert all(entry["fullUrl"].startswith("urn:uuid:") for entry in bundle["entry"])
    first = server.call("POST", "/fhir", bundle)
    assert [e["response"]["status"] for e in first["entry"]] == ["201 Created"] * len(bundle["entry"])

    resources = server.call("GET", "/_control/resources")
    stored = {f"{rtype}/{rid}" for rtype, by_id in resources.items() for rid in by_id}
    assert {"Composition", "DocumentReference", "Device", "Provenance", "Condition"} <= set(resources)
    checked = 0
    for by_id in resources.values():
        for resource in by_id.values():
            for reference in references(resource):
                assert reference in stored, f"{resource['resourceType']} → {reference} does not resolve"
                checked += 1
    assert checked >= 5
    # The server's ids are its own, not the rendering's `nb-…` ids (Provenance, written by id, excepted).
    assert not any(rid.startswith("nb-") for rtype, by_id in resources.items() if rtype != "Provenance"
                   for rid in by_id)

    again = server.call("POST", "/fhir", bundle)
    assert [e["response"]["status"] for e in again["entry"]] == ["200 OK"] * len(bundle["entry"])
    after = server.call("GET", "/_control/resources")
    assert {t: sorted(b) for t, b in after.items()} == {t: sorted(b) for t, b in resources.items()}
