"""Billing codes from the command line: `note --billing-codes`, `codes search`, `codes show`, `codes assign`.
Transcripts and assessments here are written for this project."""
import json
import subprocess

from conftest import BIN, REPO

VISIT = (b"[doctor] good to see you again. how has the knee been since your last visit?\n"
         b"[patient] the right knee still aches, and my blood pressure readings at home are fine.\n"
         b"[doctor] assessment: right knee osteoarthritis. essential hypertension, well controlled.\n"
         b"[doctor] plan: i injected the right knee with kenalog 40 mg today and she tolerated it well. "
         b"continue lisinopril 10 mg daily.\n")


def run(*arguments, stdin=None):
    return subprocess.run([BIN, *arguments], input=stdin, capture_output=True, timeout=120)


def test_note_with_billing_codes_json():
    result = run("note", "--billing-codes", "--format", "json", stdin=VISIT)
    assert result.returncode == 0, result.stderr.decode()
    codes = json.loads(result.stdout)["billing_codes"]
    assert set(codes) >= {"icd10", "cpt", "hcpcs"}
    icd10 = [code["code"] for code in codes["icd10"]]
    assert icd10[:2] == ["M17.11", "I10"], icd10
    for code in codes["icd10"]:
        assert set(code) >= {"code", "description", "confidence", "rank", "evidence", "reason"}
        assert 0 <= code["confidence"] <= 1
        for evidence in code["evidence"]:
            assert evidence["statement"] and evidence["ranges"]
            for span in evidence["ranges"]:
                assert 0 <= span["start"] < span["end"] <= len(VISIT.decode())
    cpt = {code["code"]: code for code in codes["cpt"]}
    assert "20610" in cpt
    visit = [code for code in codes["cpt"] if code["code"].startswith("992")]
    assert visit and visit[0]["modifiers"] == ["25"]
    assert codes["visit_level"]["patient"] == "established"
    assert [code["code"] for code in codes["hcpcs"]] == ["J3301"] and codes["hcpcs"][0]["units"] == 4
    # Without the flag the note has no codes.
    plain = json.loads(run("note", "--format", "json", stdin=VISIT).stdout)
    assert "billing_codes" not in plain


def test_note_with_billing_codes_text_and_veterinary():
    result = run("note", "--billing-codes", stdin=VISIT)
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "BILLING CODES" in text and "M17.11" in text and "VISIT LEVEL" in text
    pet = run("note", "--billing-codes", "--specialty", "veterinary", "--format", "json",
              str(REPO / "samples" / "transcripts" / "veterinary-dialogue.txt"))
    assert pet.returncode == 0, pet.stderr.decode()
    codes = json.loads(pet.stdout)["billing_codes"]
    assert codes["icd10"] == [] and codes["cpt"] == [] and codes["hcpcs"] == []
    assert "human" in codes["notices"][0]
    bad = run("note", "--billing-codes", "--patient", "returning", stdin=VISIT)
    assert bad.returncode == 1 and "patient" in bad.stderr.decode()


def test_codes_search_understands_abbreviations_and_lay_terms():
    for query, code in [("high blood pressure", "I10"), ("T2DM with neuropathy", "E11.40"), ("CHF", "I50.9"),
                        ("COPD", "J44.9"), ("URI", "J06.9")]:
        result = run("codes", "search", query, "--format", "json")
        assert result.returncode == 0, result.stderr.decode()
        matches = json.loads(result.stdout)
        assert matches[0]["code"] == code, (query, matches[:3])
        assert 0 < matches[0]["score"] <= 1
    heart = [match["code"] for match in json.loads(run("codes", "search", "heart attack", "--format", "json").stdout)]
    assert any(code.startswith("I21") for code in heart[:3])
    text = run("codes", "search", "sprain of right ankle", "--billable").stdout.decode()
    assert text.splitlines()[0].startswith("S93.401A")
    for arguments, needle in [(["codes", "search", " "], "empty"), (["codes", "search", "x" * 2000], "longer"),
                              (["codes", "search", "zzqqxx"], "no ICD-10-CM"), (["codes", "search", "htn", "--limit", "0"], "limit")]:
        bad = run(*arguments)
        assert bad.returncode == 1 and needle in bad.stderr.decode(), (arguments, bad.stderr)


def test_codes_show_and_unknown_code():
    result = run("codes", "show", "e11.40")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert text.startswith("E11.40  Type 2 diabetes mellitus with diabetic neuropathy, unspecified")
    assert "billable: yes" in text and "Excludes1" in text
    details = json.loads(run("codes", "show", "S93.401", "--format", "json").stdout)
    assert details["billable"] is False and details["seventhCharacters"]["A"] == "initial encounter"
    assert "S93.401A" in details["children"]
    for code in ["Z99.999", "E11.4X", "", "\u00e9\u00e9\u00e9"]:
        bad = run("codes", "show", code)
        assert bad.returncode == 1 and "is not an ICD-10-CM code" in bad.stderr.decode(), code


def test_codes_assign_from_an_assessment():
    assessment = b"1. HTN with CKD stage 3b.\n2. No evidence of pneumonia.\n3. Chest pain, likely costochondritis.\n"
    result = run("codes", "assign", "--format", "json", stdin=assessment)
    assert result.returncode == 0, result.stderr.decode()
    codes = [code["code"] for code in json.loads(result.stdout)["icd10"]]
    assert codes == ["I12.9", "N18.32", "R07.9"], codes
    empty = run("codes", "assign", stdin=b"... 12 ...")
    assert empty.returncode == 1 and "no words" in empty.stderr.decode()
