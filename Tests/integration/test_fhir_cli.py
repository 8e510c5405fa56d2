"""`notebridge fhir validate` and `fhir convert` on the shared FHIR R4 examples, with the independent Python
fhir.resources package (its R4B models) reading the XML NoteBridge writes."""
import importlib
import json
import subprocess

import pytest
from lxml import etree

from conftest import BIN, REPO

EXAMPLES = sorted(p for p in (REPO.parent / "shared" / "eval" / "fhir").rglob("*.json")
                  if not p.name.startswith("StructureDefinition"))


def run(*args, input_bytes=None):
    return subprocess.run([BIN, *args], input=input_bytes, capture_output=True, timeout=60)


def without_divs(value):
    """The resource without narrative divs (their XHTML spelling may change; the test compares content)."""
    if isinstance(value, dict):
        return {k: without_divs(v) for k, v in value.items() if k != "div"}
    if isinstance(value, list):
        return [without_divs(v) for v in value]
    return value


def fhir_resources_class(resource_type):
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    return getattr(module, resource_type)


# No examples is a skip that names the folder (and, with CI set, a failure: see conftest.py).
@pytest.mark.parametrize("path", EXAMPLES or [pytest.param(None, marks=pytest.mark.skip(
    reason=f"no FHIR examples in {REPO.parent / 'shared' / 'eval' / 'fhir'}"))], ids=lambda p: p.name if p else "none")
def test_examples_validate_and_convert(path):
    result = run("fhir", "validate", str(path))
    assert result.returncode == 0, result.stdout.decode()
    assert json.loads(result.stdout)["resourceType"] == "OperationOutcome"
    xml = run("fhir", "convert", "--to", "xml", str(path))
    assert xml.returncode == 0, xml.stderr.decode()
    root = etree.fromstring(xml.stdout)
    resource_type = etree.QName(root).localname
    fhir_resources_class(resource_type).parse_raw(xml.stdout, content_type="text/xml")
    back = run("fhir", "convert", "--to", "json", "-", input_bytes=xml.stdout)
    assert back.returncode == 0, back.stderr.decode()
    assert without_divs(json.loads(back.stdout)) == without_divs(json.loads(path.read_bytes()))


def test_bad_input_gets_an_operation_outcome():
    result = run("fhir", "validate", "-", input_bytes=b'{"resourceType":"Patient","active":"yes","birthDate":"1970-13-01"}')
    assert result.returncode == 1
    issues = json.loads(result.stdout)["issue"]
    assert {tuple(i["expression"]) for i in issues} == {("Patient.active",), ("Patient.birthDate",)}
    xxe = (b'<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<Patient xmlns="http://hl7.org/fhir"><id value="&xxe;"/></Patient>')
    result = run("fhir", "validate", "-", input_bytes=xxe)
    assert result.returncode == 1
    assert b"doctypeRefused" in result.stdout and b"root:" not in result.stdout
    deep = b"[" * 100_000
    result = run("fhir", "validate", "-", input_bytes=deep)
    assert result.returncode == 1 and b"too-costly" in result.stdout
    assert run("fhir", "validate", "/nonexistent/file.json").returncode == 2


TRANSCRIPTS = sorted((REPO / "samples" / "transcripts").glob("*.txt"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.name)
def test_note_as_fhir_is_read_by_fhir_resources(path):
    """Every Bundle `note --format fhir|fhir-xml` writes is valid for NoteBridge's validator and parses with
    the independent fhir.resources R4B models, as JSON and as XML."""
    from fhir.resources.R4B.bundle import Bundle
    result = run("note", "--format", "fhir", "--billing-codes", str(path))
    assert result.returncode == 0, result.stderr.decode()
    bundle = json.loads(result.stdout)
    assert bundle["type"] == "document" and bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    Bundle.parse_obj(bundle)
    for entry in bundle["entry"]:
        fhir_resources_class(entry["resource"]["resourceType"]).parse_obj(entry["resource"])
    assert run("fhir", "validate", "-", input_bytes=result.stdout).returncode == 0
    xml = run("note", "--format", "fhir-xml", str(path))
    assert xml.returncode == 0, xml.stderr.decode()
    Bundle.parse_raw(xml.stdout, content_type="text/xml")
    assert run("fhir", "validate", "-", input_bytes=xml.stdout).returncode == 0


def test_note_as_a_transaction_bundle():
    """`note --format fhir --bundle transaction`: conditional creates that fhir.resources reads, JSON and XML."""
    from fhir.resources.R4B.bundle import Bundle
    path = REPO / "samples" / "transcripts" / "primary-care-dialogue.txt"
    result = run("note", "--format", "fhir", "--bundle", "transaction", "--billing-codes", str(path))
    assert result.returncode == 0, result.stderr.decode()
    bundle = json.loads(result.stdout)
    Bundle.parse_obj(bundle)
    assert bundle["type"] == "transaction"
    requests = [entry["request"] for entry in bundle["entry"]]
    assert all(r["method"] in ("POST", "PUT") for r in requests)
    assert all("ifNoneExist" in r for r in requests if r["method"] == "POST")
    assert run("fhir", "validate", "-", input_bytes=result.stdout).returncode == 0
    xml = run("note", "--format", "fhir-xml", "--bundle", "transaction", str(path))
    assert xml.returncode == 0, xml.stderr.decode()
    Bundle.parse_raw(xml.stdout, content_type="text/xml")
