"""The FHIR destination and a patient the EHR knows by name only: MDM^T02 messages (sent with the python hl7
package's mllp_send) whose PID carries a name and no identifier reach a running `notebridge serve`, which searches the
test FHIR endpoint (fixtures/fhir_endpoint.py: real R4 Patient search by family, given and birthdate, prefix and
case-insensitive as FHIR string search is) and links the note to the one Patient that matches exactly; none, several
or missing demographics are the dead letter with a reason that names no patient data, never a guess. In
`document-reference` mode a Patient and Encounter the server does not have yet are created by conditional create
(If-None-Exist on their identifiers), once."""
import json

from test_fhir_destination import assert_no_phi, endpoints, fhir_destination, note_identifiers, start  # noqa: F401
from test_pipeline import mdm, outbox, wait_for
from test_pipeline_hl7 import mllp_send

MATCHED = "QUOKKAFIELD"  # test_pipeline's NAME_MARKER: asserted absent from the log by assert_no_phi
NEAR = "QUOKKAFIELDSON"  # a prefix hit for the server's family search, not the same name
TWIN = "TWINFIELDPHI"
NOBODY = "NOBODYFIELDPHI"


def name_only(control_id: str, visit: str, family: str, birth_date: str = "19800214") -> bytes:
    """An MDM^T02 whose PID has a name (and birth date) but no identifier."""
    message = mdm(control_id, "UNUSED", visit, family=family).decode()
    message = message.replace("PID|1||UNUSED^^^NORTH^MR||", "PID|1||||", 1)
    return message.replace("^ALEX||19800214|F", f"^ALEX||{birth_date}|F", 1).encode()


def seed_patient(server, pid: str, family: str, given: str = "Alex", birth_date: str = "1980-02-14"):
    server.call("PUT", f"/fhir/Patient/{pid}", {
        "resourceType": "Patient", "id": pid, "name": [{"family": family, "given": [given]}],
        "gender": "female", "birthDate": birth_date,
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.3.999", "value": f"EHR-{pid}"}]})


def rows_by_state(gateway) -> dict:
    rows = {}
    for row in outbox(gateway):
        rows.setdefault(row["state"], []).append(row)
    return rows


def test_a_name_only_patient_is_linked_to_the_one_exact_match_or_dead_lettered(gateway_factory, tmp_path,
                                                                               endpoints):  # noqa: F811
    server = endpoints()
    seed_patient(server, "pm1", MATCHED)
    seed_patient(server, "near1", NEAR)  # the server's family search finds it too; it is not the patient
    seed_patient(server, "twin1", TWIN)
    seed_patient(server, "twin2", TWIN)
    config = ("destinations:\n" + fhir_destination("ehr") +
              "routes:\n  dictation:\n    sendingApplication: DICTATE\n    destinations: [ehr]\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    acks = mllp_send(gateway, tmp_path,
                     name_only("PM-1", "V9101", MATCHED), name_only("PM-2", "V9102", TWIN),
                     name_only("PM-3", "V9103", NOBODY), name_only("PM-4", "V9104", MATCHED, birth_date=""))
    assert len(acks) == 4 and all("MSA|AA" in ack or "MSA|CA" in ack for ack in acks), acks
    wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["dead"] * 3 + ["delivered"],
             what="one row delivered and three dead-lettered")

    # The search the destination made: family, given and birth date, nothing else.
    searches = [path for method, path, status in server.stats()["requests"]
                if method == "GET" and path.startswith("/fhir/Patient")]
    assert len(searches) == 3, searches  # the fourth lacks a birth date: nothing to search by
    resources = server.call("GET", "/_control/resources")
    # Linked to pm1: no Patient created, the Composition, DocumentReference and new Encounter reference it.
    assert sorted(resources["Patient"]) == ["near1", "pm1", "twin1", "twin2"]
    (composition,) = resources["Composition"].values()
    assert composition["subject"] == {"reference": "Patient/pm1"}
    (document,) = resources["DocumentReference"].values()
    assert document["subject"] == {"reference": "Patient/pm1"}
    (encounter,) = resources["Encounter"].values()
    assert encounter["subject"] == {"reference": "Patient/pm1"}
    assert composition["encounter"]["reference"] == f"Encounter/{encounter['id']}"

    reasons = {row["lastError"] for row in rows_by_state(gateway)["dead"]}
    assert any("2 Patients on the FHIR server match" in r for r in reasons), reasons
    assert any("no Patient on the FHIR server matches" in r for r in reasons), reasons
    assert any("no birth date to match a Patient" in r for r in reasons), reasons
    assert all("not linked to a guessed patient" in r for r in reasons), reasons
    # Nothing was written for the dead-lettered notes.
    assert len(note_identifiers(server.stats(), "Composition")) == 1

    # A second note for the same name-only patient and visit: the Encounter is found (by visit number and that
    # Patient), not created again.
    acks = mllp_send(gateway, tmp_path, name_only("PM-5", "V9101", MATCHED))
    assert "MSA|AA" in acks[0] or "MSA|CA" in acks[0], acks
    wait_for(lambda: len(rows_by_state(gateway).get("delivered", [])) == 2, what="the second note delivered")
    stats = server.stats()
    assert stats["counts"]["Encounter"] == 1 and stats["counts"]["Patient"] == 4
    assert len(note_identifiers(stats, "Composition")) == 2

    assert_no_phi(gateway, TWIN, NOBODY, NEAR, "19800214", "1980-02-14", "EHR-pm1")
    for row in outbox(gateway):
        assert MATCHED not in json.dumps(row) and TWIN not in json.dumps(row)


def test_document_reference_mode_creates_a_missing_patient_and_encounter_once(gateway_factory, tmp_path,
                                                                              endpoints):  # noqa: F811
    server = endpoints()
    seed_patient(server, "pm7", MATCHED)
    config = ("destinations:\n" + fhir_destination("notes-api", "    mode: document-reference\n") +
              "routes:\n  dictation:\n    sendingApplication: DICTATE\n    destinations: [notes-api]\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    # MRN9201 and visit V9201 are unknown to the server; the third message is a name-only patient it has.
    # (Another family name: a created Patient of the same name and birth date would make the name-only match ambiguous.)
    acks = mllp_send(gateway, tmp_path, mdm("DR-1", "MRN9201", "V9201", family=NEAR),
                     mdm("DR-2", "MRN9201", "V9201", family=NEAR),
                     name_only("DR-3", "V9203", MATCHED))
    assert len(acks) == 3 and all("MSA|AA" in ack or "MSA|CA" in ack for ack in acks), acks
    wait_for(lambda: len(outbox(gateway)) == 3 and all(r["state"] in ("delivered", "dead") for r in outbox(gateway)), timeout=20, what="three rows settled")
    assert [r["state"] for r in outbox(gateway)] == ["delivered"] * 3, [(r["state"], r["lastError"]) for r in outbox(gateway)]

    stats = server.stats()
    conditional = [(method, path) for method, path, status in stats["requests"] if method == "POST"]
    assert ("POST", "/fhir/Patient") in conditional and ("POST", "/fhir/Encounter") in conditional
    resources = server.call("GET", "/_control/resources")
    created = [p for p in resources["Patient"].values()
               if any(i["value"] == "MRN9201" for i in p.get("identifier") or [])]
    assert len(created) == 1, "the unknown patient is created once, however many notes name it"
    visits = {e["identifier"][0]["value"]: e for e in resources["Encounter"].values()}
    assert sorted(visits) == ["V9201", "V9203"]
    assert visits["V9201"]["subject"] == {"reference": f"Patient/{created[0]['id']}"}
    assert visits["V9203"]["subject"] == {"reference": "Patient/pm7"}
    documents = list(resources["DocumentReference"].values())
    assert len(documents) == 3 and "Composition" not in resources
    assert sorted(d["subject"]["reference"] for d in documents) == sorted(
        [f"Patient/{created[0]['id']}"] * 2 + ["Patient/pm7"])
    for document in documents:
        (context,) = document["context"]["encounter"]
        assert context["reference"][len("Encounter/"):] in resources["Encounter"]
    assert_no_phi(gateway, "MRN9201", NEAR)
