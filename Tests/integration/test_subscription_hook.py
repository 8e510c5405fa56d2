"""Subscription notifications in: an EHR's rest-hook notifications (R4 Subscriptions Backport) POSTed to
`/fhir/subscription-hook/{route}` of a running `notebridge serve`. Handshakes and heartbeats are answered and nothing
is processed; an `id-only` event makes NoteBridge read the Encounter, its Patient and the transcript
DocumentReference (`DocumentReference?encounter=`) from the test FHIR endpoint (the EHR) with the route's source
destination; a `full-resource` event brings them along. Either way the note is written and lands in the EHR as a
transaction Bundle, matched to the EHR's own Patient and Encounter by identifier; a repeated event is journaled once;
bad notifications get an OperationOutcome naming the element; no PHI in the log."""
import base64
import json
import urllib.error
import urllib.request

from test_fhir_destination import assert_no_phi, endpoints, fhir_destination, note_identifiers, start  # noqa: F401
from test_pipeline import NAME_MARKER, TRANSCRIPT, outbox, wait_for

SECRET = "hook-secret-for-the-test-0123"
PARAMETERS_PROFILE = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4"


def seed(server, n: int) -> dict:
    """The EHR's Patient, Encounter and transcript DocumentReference for visit n."""
    patient = {"resourceType": "Patient", "id": f"p{n}", "identifier": [{"system": "urn:oid:1.2.3.4", "value": f"MRN890{n}"}],
               "name": [{"family": NAME_MARKER, "given": ["Alex"]}], "gender": "female", "birthDate": "1980-02-14"}
    encounter = {"resourceType": "Encounter", "id": f"e{n}", "status": "finished",
                 "identifier": [{"system": "urn:ehr:visit", "value": f"V890{n}"}],
                 "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
                 "subject": {"reference": f"Patient/p{n}"}, "period": {"start": "2026-11-01T09:30:00Z"}}
    text = "\n".join(TRANSCRIPT)
    document = {"resourceType": "DocumentReference", "id": f"d{n}", "status": "current",
                "identifier": [{"system": "urn:ehr:transcript", "value": f"DOC-890{n}"}],
                "subject": {"reference": f"Patient/p{n}"},
                "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                            "data": base64.b64encode(text.encode()).decode()}}],
                "context": {"encounter": [{"reference": f"Encounter/e{n}"}]}}
    for resource in (patient, encounter, document):
        server.call("PUT", f"/fhir/{resource['resourceType']}/{resource['id']}", resource)
    return {"patient": patient, "encounter": encounter, "document": document}


def notification(kind: str, server, number: int = 0, seeded: dict | None = None, full: bool = False) -> dict:
    parameters = [{"name": "subscription", "valueReference": {"reference": "Subscription/nb-visits"}},
                  {"name": "topic", "valueCanonical": "http://ehr.example.org/topics/visit-transcribed"},
                  {"name": "status", "valueCode": "active"}, {"name": "type", "valueCode": kind},
                  {"name": "events-since-subscription-start", "valueString": str(number)}]
    entries = []
    if seeded:
        focus = f"{server.base}/Encounter/{seeded['encounter']['id']}"
        parameters.append({"name": "notification-event", "part": [
            {"name": "event-number", "valueString": str(number)},
            {"name": "focus", "valueReference": {"reference": focus}}]})
        entries.append({"fullUrl": focus, **({"resource": seeded["encounter"]} if full else {})})
        if full:
            entries += [{"fullUrl": f"{server.base}/Patient/{seeded['patient']['id']}", "resource": seeded["patient"]},
                        {"fullUrl": f"{server.base}/DocumentReference/{seeded['document']['id']}",
                         "resource": seeded["document"]}]
    status = {"resourceType": "Parameters", "meta": {"profile": [PARAMETERS_PROFILE]}, "parameter": parameters}
    return {"resourceType": "Bundle", "type": "history", "timestamp": "2026-11-01T10:00:00Z",
            "entry": [{"fullUrl": "urn:uuid:5e3b1f5c-0d3e-4a8e-9a60-000000000001", "resource": status}] + entries}


def post(gateway, route: str, body, secret: str = SECRET):
    request = urllib.request.Request(
        f"http://127.0.0.1:{gateway.http_port}/fhir/subscription-hook/{route}", data=json.dumps(body).encode(),
        method="POST", headers={"Content-Type": "application/fhir+json", "Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_subscription_notifications_id_only_and_full_resource_become_notes_in_the_ehr(gateway_factory, tmp_path,
                                                                                      endpoints):  # noqa: F811
    server = endpoints()
    config = ("destinations:\n" + fhir_destination("ehr", "    encounterIdentifierSystem: urn:ehr:visit\n") +
              "subscriptions:\n  visits:\n    source: ehr\n    secret: ${HOOK_SECRET}\n    destinations: [ehr]\n"
              "    specialty: physician\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base, "HOOK_SECRET": SECRET})
    first, second = seed(server, 1), seed(server, 2)

    # Handshake and heartbeat: answered, nothing journaled.
    for kind in ("handshake", "heartbeat"):
        status, answer = post(gateway, "visits", notification(kind, server))
        assert status == 200 and answer["issue"][0]["severity"] == "information", answer
    assert gateway.journal() == []

    # Refusals name the problem.
    assert post(gateway, "visits", notification("heartbeat", server), secret="wrong-secret-0000000000")[0] == 401
    assert post(gateway, "elsewhere", notification("heartbeat", server))[0] == 404
    status, answer = post(gateway, "visits", dict(notification("heartbeat", server), type="collection"))
    assert status == 400 and answer["issue"][0]["expression"] == ["Bundle.type"]
    broken = notification("event-notification", server, 7, first)
    broken["entry"][0]["resource"]["parameter"][-1]["part"][1]["valueReference"]["reference"] = "Patient/p1"
    status, answer = post(gateway, "visits", broken)
    assert status == 400 and answer["issue"][0]["code"] == "not-supported", answer

    # id-only: NoteBridge reads the Encounter, Patient and DocumentReference?encounter= from the EHR.
    status, answer = post(gateway, "visits", notification("event-notification", server, 1, first))
    assert status == 200 and "1 event(s) accepted" in answer["issue"][0]["diagnostics"], answer
    # full-resource: what arrived is used.
    reads_before = [r for r in server.stats()["requests"] if r[0] == "GET" and r[1].startswith("/fhir/Encounter")]
    status, answer = post(gateway, "visits", notification("event-notification", server, 2, second, full=True))
    assert status == 200, answer
    reads_after = [r for r in server.stats()["requests"] if r[0] == "GET" and r[1].startswith("/fhir/Encounter")]
    assert len(reads_after) == len(reads_before) == 1
    # The same event again (the EHR retried): journaled once.
    status, answer = post(gateway, "visits", notification("event-notification", server, 1, first))
    assert status == 200 and "0 event(s) accepted, 1 already received" in answer["issue"][0]["diagnostics"], answer

    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"] * 2, what="two notes delivered")
    journal = gateway.journal()
    assert len(journal) == 2 and all(e["state"] == "processed" for e in journal), journal
    assert all(e["messageType"] == "FHIR^NOTIFICATION" for e in journal)
    for marker in ("MRN890", "DOC-890", NAME_MARKER):
        assert marker not in json.dumps(journal)
    stats = server.stats()
    assert len(note_identifiers(stats, "Composition")) == 2
    # Matched to the EHR's own records by identifier: no second Patient or Encounter.
    assert stats["counts"]["Patient"] == 2 and stats["counts"]["Encounter"] == 2
    resources = server.call("GET", "/_control/resources")
    for composition in resources["Composition"].values():
        assert composition["encounter"]["reference"] in ("Encounter/e1", "Encounter/e2")
        assert composition["subject"]["reference"] in ("Patient/p1", "Patient/p2")
    assert_no_phi(gateway, "MRN890", "DOC-890", SECRET)


def test_the_hook_takes_a_gateway_api_key_as_well_as_the_route_secret(gateway_factory, tmp_path,
                                                                      endpoints):  # noqa: F811
    """`visits` has a secret and takes API keys too; `keyed` has none and takes API keys only. A key needs the
    notes:write scope (else 403); a wrong, unknown or revoked credential is a 401 with an OperationOutcome; no key or
    secret reaches the log or an answer."""
    server = endpoints()
    config = ("destinations:\n" + fhir_destination("ehr", "    encounterIdentifierSystem: urn:ehr:visit\n") +
              "subscriptions:\n  visits:\n    source: ehr\n    secret: ${HOOK_SECRET}\n    destinations: [ehr]\n"
              "  keyed:\n    source: ehr\n    destinations: [ehr]\n    specialty: physician\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base, "HOOK_SECRET": SECRET})
    assert gateway.api_key, "the first API key was not printed"
    reader = json.loads(gateway.cli("keys", "create", "--name", "reader", "--scopes", "notes:read",
                                    "--format", "json").stdout)
    revoked = json.loads(gateway.cli("keys", "create", "--name", "gone", "--format", "json").stdout)
    gateway.cli("keys", "revoke", revoked["id"])
    unknown = "nb_live_" + "A" * 32

    for route in ("visits", "keyed"):
        status, answer = post(gateway, route, notification("heartbeat", server), secret=gateway.api_key)
        assert status == 200 and answer["issue"][0]["severity"] == "information", (route, answer)
    assert post(gateway, "visits", notification("heartbeat", server))[0] == 200  # the secret still works
    for route, credential, expected in (("keyed", SECRET, 401), ("visits", unknown, 401), ("keyed", unknown, 401),
                                        ("visits", revoked["key"], 401), ("keyed", "", 401),
                                        ("keyed", reader["key"], 403), ("visits", reader["key"], 403)):
        status, answer = post(gateway, route, notification("heartbeat", server), secret=credential)
        issue = answer["issue"][0]
        assert status == expected and issue["severity"] == "error", (route, status, answer)
        assert issue["code"] == ("security" if expected == 401 else "forbidden"), answer
        assert credential == "" or credential not in json.dumps(answer)
    assert gateway.journal() == []

    # An event sent with the API key on the route without a secret becomes a note in the EHR.
    seeded = seed(server, 3)
    status, answer = post(gateway, "keyed", notification("event-notification", server, 1, seeded),
                          secret=gateway.api_key)
    assert status == 200 and "1 event(s) accepted" in answer["issue"][0]["diagnostics"], answer
    wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"], what="the note delivered")
    assert len(note_identifiers(server.stats(), "Composition")) == 1
    assert_no_phi(gateway, "MRN8903", "DOC-8903", SECRET, gateway.api_key, reader["key"], revoked["key"], unknown)


def test_help_keys_lists_the_fhir_and_subscription_keys(gateway_factory):
    listing = gateway_factory().cli("serve", "--help-keys").stdout.decode()
    for key in ("destinations.<name>.baseUrl", "destinations.<name>.signingKey", "subscriptions.<name>.source",
                "subscriptions.<name>.secret"):
        assert key in listing
