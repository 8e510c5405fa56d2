#!/usr/bin/env python3
"""Writes the FHIR conformance resources NoteBridge validates its output against, into profiles/, and embeds them
in Sources/FHIR/Generated/ProfilesData.swift so that the binary needs no files at run time.

Sources (facts only; see profiles/README.md):
- US Core DocumentReference profile: the differential of StructureDefinition us-core-documentreference from the
  HL7 US Core Implementation Guide source, tag v6.1.0 (HL7/US-Core, input/resources/, CC0-1.0), as copied to
  ../shared/eval/fhir/us-core/StructureDefinition-us-core-documentreference.v6.1.0.json. Its narrative and
  documentation texts are dropped; ids, paths, cardinality, types, bindings and constraints are kept.
- Value sets of the bindings it and the NoteBridge profile check: composition-status and
  document-reference-status (FHIR R4 4.0.1, CC0), us-core-documentreference-category (US Core, CC0), and
  NoteBridge's own note-sections.
- StructureDefinition notebridge-soap-note (NoteBridge's own, written here).

Usage: python3 scripts/build_profiles.py  (running it twice gives the same files)
"""
import json
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval" / "fhir" / "us-core" / "StructureDefinition-us-core-documentreference.v6.1.0.json"
PROFILES = REPO / "profiles"
OUTPUT = REPO / "Sources" / "FHIR" / "Generated" / "ProfilesData.swift"

NB = "http://notebridge.dev/fhir"
LOINC = "http://loinc.org"
NOTE_PART = NB + "/CodeSystem/note-part"

DROP = {"short", "definition", "comment", "requirements", "alias", "mapping", "text", "description", "_targetProfile"}


def strip(value):
    """Drops documentation members (not facts the validator uses), recursively."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in DROP and not (k == "extension" and not value.get("url"))}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def us_core_documentreference():
    source = json.loads(SHARED.read_text())
    keep = ["resourceType", "id", "url", "version", "name", "title", "status", "fhirVersion", "kind", "abstract",
            "type", "baseDefinition", "derivation"]
    profile = {k: source[k] for k in keep if k in source}
    profile["publisher"] = "HL7 International / Cross-Group Projects (US Core 6.1.0 source, CC0-1.0)"
    profile["differential"] = {"element": [strip(e) for e in source["differential"]["element"]]}
    return profile


def value_set(id_, url, name, includes):
    return {
        "resourceType": "ValueSet", "id": id_, "url": url, "name": name, "status": "active",
        "compose": {"include": [
            {"system": system, "concept": [{"code": c, "display": d} for c, d in concepts]}
            for system, concepts in includes
        ]},
    }


VALUE_SETS = [
    value_set("composition-status", "http://hl7.org/fhir/ValueSet/composition-status", "CompositionStatus", [
        ("http://hl7.org/fhir/composition-status", [("preliminary", "Preliminary"), ("final", "Final"),
                                                    ("amended", "Amended"), ("entered-in-error", "Entered in Error")]),
    ]),
    value_set("document-reference-status", "http://hl7.org/fhir/ValueSet/document-reference-status",
              "DocumentReferenceStatus", [
                  ("http://hl7.org/fhir/document-reference-status", [("current", "Current"), ("superseded", "Superseded"),
                                                                     ("entered-in-error", "Entered in Error")]),
              ]),
    value_set("us-core-documentreference-category",
              "http://hl7.org/fhir/us/core/ValueSet/us-core-documentreference-category",
              "USCoreDocumentReferenceCategory", [
                  ("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                   [("clinical-note", "Clinical Note")]),
              ]),
    value_set("note-sections", NB + "/ValueSet/note-sections", "NoteBridgeNoteSections", [
        (LOINC, [("61150-9", "Subjective"), ("61149-1", "Objective"), ("51848-0", "Assessment note"),
                 ("18776-5", "Plan of care note")]),
        (NOTE_PART, [("data", "Data"), ("behavior", "Behavior"), ("intervention", "Intervention"),
                     ("response", "Response")]),
    ]),
]


def element(path, **facts):
    return {"id": path, "path": path, **facts}


def notebridge_soap_note():
    ref = lambda *types: [{"code": "Reference", "targetProfile": [f"http://hl7.org/fhir/StructureDefinition/{t}" for t in types]}]
    return {
        "resourceType": "StructureDefinition", "id": "notebridge-soap-note",
        "url": NB + "/StructureDefinition/notebridge-soap-note", "version": "0.5.0",
        "name": "NoteBridgeSOAPNote", "title": "NoteBridge SOAP note (machine-generated draft)", "status": "draft",
        "publisher": "NoteBridge", "fhirVersion": "4.0.1", "kind": "resource", "abstract": False,
        "type": "Composition", "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Composition",
        "derivation": "constraint",
        "differential": {"element": [
            element("Composition"),
            element("Composition.meta", min=1),
            element("Composition.meta.security", min=1, patternCoding={
                "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "AIAST"}),
            element("Composition.identifier", min=1, patternIdentifier={"system": "urn:notebridge:note"}),
            element("Composition.status", binding={
                "strength": "required", "valueSet": "http://hl7.org/fhir/ValueSet/composition-status"}),
            element("Composition.type", patternCodeableConcept={"coding": [{"system": LOINC}]}),
            element("Composition.subject", type=ref("Patient")),
            element("Composition.encounter", type=ref("Encounter")),
            element("Composition.author", type=ref("Practitioner", "Device")),
            element("Composition.section", min=1),
            element("Composition.section.title", min=1),
            element("Composition.section.code", min=1, binding={
                "strength": "required", "valueSet": NB + "/ValueSet/note-sections"}),
            element("Composition.section.text", min=1),
            element("Composition.section.text.status", fixedCode="generated"),
            element("Composition.section.entry", type=ref("Condition")),
            element("Composition.section.section", max="0"),
        ]},
    }


def main():
    PROFILES.mkdir(exist_ok=True)
    resources = [us_core_documentreference(), notebridge_soap_note()] + VALUE_SETS
    names = []
    for resource in resources:
        name = f"{resource['resourceType']}-{resource['id']}.json"
        (PROFILES / name).write_text(json.dumps(resource, indent=2, ensure_ascii=False) + "\n")
        names.append(name)
    lines = [
        "// Generated by scripts/build_profiles.py from profiles/*.json (sources in profiles/README.md). Do not edit.",
        "",
        "enum ProfilesData {",
        "    /// The conformance resources, one compact JSON text each.",
        "    static let resources: [StaticString] = [",
    ]
    for resource in resources:
        text = json.dumps(resource, separators=(",", ":"), ensure_ascii=False)
        assert '"#' not in text, "a raw string delimiter would end early"
        lines.append(f'        #"{text}"#,')
    lines += ["    ]", "}", ""]
    OUTPUT.write_text("\n".join(lines))
    print("wrote", ", ".join(names), "and", OUTPUT.relative_to(REPO))


if __name__ == "__main__":
    main()
