"""The HL7 v2 side of the pipeline with real peers on 127.0.0.1: messages whose MSH-2 holds fewer than four encoding
characters, resent control IDs whose content differs, enhanced-mode application acknowledgments and declarative
mappings. The python hl7 package sends (its mllp_send program or its client); a Python MLLP peer receives."""
import datetime
import json
import shutil
import subprocess
import time

import hl7

from conftest import frame
from test_pipeline import (NAME_MARKER, TRANSCRIPT, TRANSCRIPT_MARKER, Receiver, field, mdm, outbox, send, start_gateway,
                           strictly_valid, text_observations, wait_for)


def mllp_send(gateway, tmp_path, *messages: bytes) -> list:
    """Sends with the python hl7 package's mllp_send program; returns the acknowledgments it printed, as text."""
    program = shutil.which("mllp_send")
    assert program, "the python hl7 package's mllp_send must be installed (scripts/setup-debian.sh test)"
    framed = tmp_path / "framed.bin"
    framed.write_bytes(b"".join(frame(m) for m in messages))
    result = subprocess.run([program, "--port", str(gateway.mllp_port), "--file", str(framed), "127.0.0.1"],
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    # One acknowledgment per line (its segments separated by CR).
    lines = result.stdout.decode(errors="replace").split("\n")
    return [line[line.index("MSH"):].strip("\r\x1c") for line in lines if "MSH" in line]


def journal_list(gateway, *args) -> list:
    out = gateway.cli("journal", "list", "--limit", "0", *args).stdout.decode()
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_three_encoding_characters_are_read_acknowledged_and_kept_byte_for_byte(gateway_factory, tmp_path):
    receiver = Receiver()
    try:
        gateway = start_gateway(gateway_factory, tmp_path, receiver.port)
        # MSH-2 "^~\": no subcomponent separator, so the "&" of the transcript is text, as HAPI reads it.
        lines = TRANSCRIPT[:-1] + ["Doctor: Ice & rest, ibuprofen 400 mg as needed, and come back in two weeks."]
        message = mdm("SHORT-ENC-1", "MRN5001", "V51", lines=lines).replace(b"MSH|^~\\&|", b"MSH|^~\\|", 1)
        assert message.startswith(b"MSH|^~\\|DICTATE|")
        acks = mllp_send(gateway, tmp_path, message)
        assert len(acks) == 1
        ack = hl7.parse(acks[0])
        assert str(ack.segment("MSA")[1]) == "AA"
        assert str(ack.segment("MSA")[2]) == "SHORT-ENC-1"
        # The acknowledgment answers in the sender's delimiters.
        assert acks[0].split("|")[1] == "^~\\"
        # Journaled as received, byte for byte, and processed into a note that was delivered.
        entries = journal_list(gateway)
        assert len(entries) == 1
        stored = gateway.cli("journal", "show", str(entries[0]["id"]), "--body").stdout
        # (mllp_send sends each message without its last segment terminator.)
        assert stored == message.rstrip(b"\r")
        wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"], what="the delivered row")
        assert [e["state"] for e in journal_list(gateway)] == ["processed"]
        oru = receiver.accepted()[0]
        strictly_valid(oru)
        assert field(oru, "PID", 3) == "MRN5001^^^NORTH^MR"
        assert field(oru, "PV1", 19) == "V51"
        # The note was written from the whole transcript: the "&" line is in it, not cut at a subcomponent.
        note_text = " ".join(text_observations(oru))
        assert "Ice" in note_text or "ice" in note_text
        for text in (gateway.log_text(), json.dumps(entries)):
            for marker in (NAME_MARKER, TRANSCRIPT_MARKER, "MRN5001"):
                assert marker not in text
    finally:
        receiver.stop()


def test_brace_escape_character_and_other_short_headers_over_mllp_send(gateway_factory, tmp_path):
    receiver = Receiver()
    try:
        gateway = start_gateway(gateway_factory, tmp_path, receiver.port)
        brace = mdm("SHORT-ENC-2", "MRN5002", "V52").replace(b"MSH|^~\\&|", b"MSH|^~}|", 1).replace(
            b"\\.br\\", b"}.br}")
        two = mdm("SHORT-ENC-3", "MRN5003", "V53").replace(b"MSH|^~\\&|", b"MSH|^~|", 1).replace(b"\\.br\\", b" ")
        six = mdm("SHORT-ENC-4", "MRN5004", "V54").replace(b"MSH|^~\\&|", b"MSH|^~\\&#!|", 1)
        acks = mllp_send(gateway, tmp_path, brace, two, six)
        codes = [(str(hl7.parse(a).segment("MSA")[1]), str(hl7.parse(a).segment("MSA")[2])) for a in acks]
        assert codes == [("AA", "SHORT-ENC-2"), ("AA", "SHORT-ENC-3"), ("AR", "SHORT-ENC-4")]
        assert [a.split("|")[1] for a in acks[:2]] == ["^~}", "^~"]
        wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["delivered", "delivered"],
                 what="two delivered rows")
        # "}.br}" was read as a line break: the last two transcript lines reached the note as two sentences.
        for message in receiver.accepted():
            strictly_valid(message)
        entries = journal_list(gateway)
        assert [e["state"] for e in entries] == ["processed", "processed", "rejected"]
        assert gateway.cli("journal", "show", str(entries[0]["id"]), "--body").stdout == brace.rstrip(b"\r")
    finally:
        receiver.stop()


def test_a_reused_control_id_with_other_content_is_journaled_flagged_and_processed(gateway_factory, tmp_path):
    receiver = Receiver()
    try:
        gateway = start_gateway(gateway_factory, tmp_path, receiver.port)
        first = mdm("REUSED-1", "MRN6001", "V61")
        assert mllp_send(gateway, tmp_path, first)[0].split("\r")[1].startswith("MSA|AA|REUSED-1")
        wait_for(lambda: len(outbox(gateway)) == 1, what="the first note")
        # The same message sent again with a new MSH-7: the stored ACK, byte for byte, and no second note.
        stored_ack = gateway.cli("journal", "show", "1", "--acknowledgment").stdout.decode().strip("\r")
        resent = first.replace(b"|20261101093000||MDM", b"|20261101094500||MDM", 1)
        assert resent != first
        assert mllp_send(gateway, tmp_path, resent) == [stored_ack]
        # Another visit of another patient under the same MSH-10: journaled as its own entry, flagged, processed.
        other = mdm("REUSED-1", "MRN6002", "V62")
        ack = mllp_send(gateway, tmp_path, other)[0]
        assert ack != stored_ack
        assert ack.split("\r")[1].startswith("MSA|AA|REUSED-1")
        wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["delivered", "delivered"],
                 what="both notes delivered")
        entries = journal_list(gateway)
        assert [(e["controlId"], e["state"], e["duplicates"], e["flags"]) for e in entries] == [
            ("REUSED-1", "processed", 1, []), ("REUSED-1", "processed", 0, ["reused-control-id"])]
        assert entries[1]["reusesControlIdOf"] == entries[0]["id"]
        flagged = journal_list(gateway, "--flag", "reused-control-id")
        assert [e["id"] for e in flagged] == [entries[1]["id"]]
        assert journal_list(gateway, "--flag", "reused-control-id", "--state", "failed") == []
        assert {field(m, "PID", 3).split("^")[0] for m in receiver.accepted()} == {"MRN6001", "MRN6002"}
        bad = gateway.cli("journal", "list", "--flag", "no-such-flag", check=False)
        assert bad.returncode != 0 and b"reused-control-id" in bad.stderr
        for text in (gateway.log_text(), json.dumps(entries)):
            for marker in (NAME_MARKER, TRANSCRIPT_MARKER, "MRN6001", "MRN6002"):
                assert marker not in text
    finally:
        receiver.stop()


def enhanced(message: bytes, accept: str, application: str) -> bytes:
    """The message with MSH-15/16 set (enhanced acknowledgment mode)."""
    header, rest = message.split(b"\r", 1)
    return header + f"|||{accept}|{application}".encode() + b"\r" + rest


def test_enhanced_mode_application_acknowledgments_go_to_the_acknowledgment_destination(gateway_factory, tmp_path):
    receiver, acks = Receiver(), Receiver()
    try:
        gateway = start_gateway(
            gateway_factory, tmp_path, receiver.port,
            extra=("  sender-acks:\n"
                   "    type: mllp\n"
                   "    host: 127.0.0.1\n"
                   f"    port: {acks.port}\n"
                   "    ackTimeoutSeconds: 5\n"
                   "    initialBackoffMilliseconds: 200\n"
                   "pipeline:\n"
                   "  acknowledgmentDestination: sender-acks\n"))
        cases = [
            (enhanced(mdm("APP-ACK-1", "MRN7001", "V71"), "AL", "AL"), "CA"),       # note → AA
            (enhanced(mdm("APP-ACK-2", "MRN7002", "V72", lines=[]), "AL", "ER"), "CA"),  # no transcript → AE
            (enhanced(mdm("APP-ACK-3", "MRN7003", "V73"), "AL", "ER"), "CA"),       # note, ER: no AA
            (enhanced(mdm("APP-ACK-4", "MRN7004", "V74", lines=[]), "AL", "SU"), "CA"),  # failed, SU: no AE
            (enhanced(mdm("APP-ACK-5", "MRN7005", "V75"), "AL", "NE"), "CA"),       # NE: nothing
            (mdm("APP-ACK-6", "MRN7006", "V76"), "AA"),                               # original mode: nothing
        ]
        for message, commit in cases:
            assert send(gateway, message) == commit
        wait_for(lambda: len(acks.accepted()) == 2 and len(receiver.accepted()) == 4, what="the acknowledgments and notes")
        time.sleep(1.5)
        assert len(acks.messages) == 2, "only AL/AA and ER/AE are acknowledged"
        by_control = {field(m, "MSA", 2): m for m in acks.accepted()}
        assert set(by_control) == {"APP-ACK-1", "APP-ACK-2"}
        rows = {r["noteId"]: r for r in outbox(gateway)}
        accepted = by_control["APP-ACK-1"]
        strictly_valid(accepted)
        assert field(accepted, "MSA", 1) == "AA"
        note_id = field(accepted, "MSA", 3)
        assert note_id.startswith("note_") and rows[note_id]["destination"] == "sender-acks"
        # The acknowledgment goes back to the sender (MSH-5/6 its MSH-3/4) and asks for a commit ACK of itself.
        assert field(accepted, "MSH", 9) == "ACK^T02^ACK"
        assert (field(accepted, "MSH", 5), field(accepted, "MSH", 6)) == ("DICTATE", "NORTH")
        assert (field(accepted, "MSH", 15), field(accepted, "MSH", 16)) == ("AL", "NE")
        # The notes went to the EHR only; the acknowledgment destination got no ORU.
        assert all(field(m, "MSH", 9).startswith("ORU") for m in receiver.accepted())
        assert {field(m, "PID", 3).split("^")[0] for m in receiver.accepted()} == {"MRN7001", "MRN7003", "MRN7005",
                                                                                  "MRN7006"}
        error = by_control["APP-ACK-2"]
        strictly_valid(error)
        assert field(error, "MSA", 1) == "AE"
        assert field(error, "ERR", 3).startswith("101^Required field missing^HL70357")
        assert field(error, "ERR", 7).startswith("no transcript")
        failed = [e for e in journal_list(gateway, "--state", "failed")]
        assert {e["controlId"] for e in failed} == {"APP-ACK-2", "APP-ACK-4"}
        for text in (gateway.log_text(), error, accepted, json.dumps(list(rows.values()))):
            for marker in (NAME_MARKER, TRANSCRIPT_MARKER, "MRN7001", "MRN7002"):
                assert marker not in text
    finally:
        receiver.stop()
        acks.stop()


def test_an_acknowledgment_destination_must_exist_and_send_only_acknowledgments(gateway_factory, tmp_path):
    config = tmp_path / "bad.yaml"
    for text, key in [
        ("destinations:\n  ehr:\n    host: 127.0.0.1\n    port: 9\npipeline:\n  acknowledgmentDestination: nowhere\n",
         "pipeline.acknowledgmentDestination"),
        ("destinations:\n  ehr:\n    host: 127.0.0.1\n    port: 9\n    messages: [ORU^R01, ACK]\n",
         "destinations.ehr.messages"),
        ("destinations:\n  acks:\n    host: 127.0.0.1\n    port: 9\n    messages: [ORU^R01]\n"
         "pipeline:\n  acknowledgmentDestination: acks\n", "destinations.acks.messages"),
    ]:
        config.write_text(text)
        gateway = gateway_factory(name=f"bad-{abs(hash(text))}")
        result = gateway.cli("serve", "--config", str(config), check=False)
        assert result.returncode != 0
        assert key in result.stderr.decode() + result.stdout.decode()


REPO_MAPPINGS = __import__("conftest").REPO / "mappings"


def test_mappings_check_reports_file_line_and_key(gateway_factory, tmp_path):
    gateway = gateway_factory()
    ok = gateway.cli("mappings", "check", str(REPO_MAPPINGS))
    listed = ok.stdout.decode().splitlines()
    assert {line.split("/")[-1] for line in listed} >= {"default.yaml", "ft-wrapped-72.yaml", "tx-v231-60-columns.yaml",
                                                       "zsegment-by-facility.yaml", "fhir-note.yaml"}
    assert all(line.startswith("ok ") for line in listed)
    broken = tmp_path / "mappings"
    (broken / "hl7-out").mkdir(parents=True)
    (broken / "hl7-in").mkdir()
    (broken / "hl7-out" / "wide.yaml").write_text("version: 1\ntext:\n  valueType: TX\n  maxLineLength: 5\n")
    (broken / "hl7-in" / "ward.yaml").write_text("version: 1\nspecialty:\n  key: PV1-10\n  table:\n    WARD9: wizard\n")
    (broken / "hl7-in" / "fine.yaml").write_text("version: 1\npatient:\n  identifiers: PID-2\n")
    (broken / "fhir-note.yaml").write_text("version: 1\ndocumentType:\n  bySpecialty:\n    wizard: {code: X1, display: X}\n")
    result = gateway.cli("mappings", "check", str(broken), check=False)
    assert result.returncode == 1
    errors = result.stderr.decode()
    assert f"{broken}/hl7-out/wide.yaml:4: text.maxLineLength: must be 0" in errors
    assert f"{broken}/hl7-in/ward.yaml:5: specialty.table.WARD9: not a specialty value" in errors
    assert f"{broken}/fhir-note.yaml:4: documentType.bySpecialty.wizard: not a specialty value" in errors
    assert "3 of 4 mapping files have errors" in errors
    assert f"ok {broken}/hl7-in/fine.yaml" in result.stdout.decode()


def test_mappings_render_prints_valid_messages_for_every_outbound_mapping(gateway_factory, tmp_path):
    gateway = gateway_factory()
    transcript = tmp_path / "transcript.txt"
    transcript.write_text("\n".join(TRANSCRIPT))
    widths = {"default.yaml": None, "ft-wrapped-72.yaml": 72, "tx-v231-60-columns.yaml": 60}
    for name, width in widths.items():
        out = gateway.cli("mappings", "render", "--mapping", str(REPO_MAPPINGS / "hl7-out" / name), "--er7",
                          str(transcript)).stdout.decode()
        messages = [m for m in out.split("\r\r") if m.strip()]
        assert messages, name
        for message in messages:
            message = message.strip("\r") + "\r"
            strictly_valid(message)
            texts = [o for o in text_observations(message)] if "|TX|" in message else []
            for segment in message.split("\r"):
                parts = segment.split("|")
                if segment.startswith("OBX|") and parts[2] in ("TX", "FT") and width:
                    for line in hl7.parse(message).unescape(parts[5]).replace("\r", "\n").split("\n"):
                        assert len(line) <= width, (name, line)
            if name == "default.yaml":
                assert texts and not any(t.isupper() and len(t.split()) == 1 for t in texts[:1]), "no heading OBX"
    # --message takes the patient, visit and specialty from an HL7 v2 message.
    sample = tmp_path / "adt.hl7"
    sample.write_bytes(mdm("RENDER-MSG", "MRN8201", "V821"))
    out = gateway.cli("mappings", "render", "--mapping", str(REPO_MAPPINGS / "hl7-out" / "default.yaml"),
                      "--message", str(sample), str(transcript)).stdout.decode()
    rendered = out.replace("\n", "\r")
    strictly_valid(rendered)
    assert field(rendered, "PID", 3) == "MRN8201^^^NORTH^MR" and field(rendered, "PV1", 19) == "V821"
    assert field(rendered, "PV1", 10) == "MED"
    bad = gateway.cli("mappings", "render", "--mapping", str(tmp_path / "missing.yaml"), str(transcript), check=False)
    assert bad.returncode == 2 and b"cannot read the file" in bad.stderr


def test_a_destination_mapping_sends_ft_with_headings_and_wrapped_lines(gateway_factory, tmp_path):
    receiver = Receiver()
    try:
        gateway = start_gateway(
            gateway_factory, tmp_path, receiver.port,
            extra=f"    mapping: {REPO_MAPPINGS / 'hl7-out' / 'ft-wrapped-72.yaml'}\n")
        assert send(gateway, mdm("MAP-FT-1", "MRN8001", "V81")) == "AA"
        wait_for(lambda: len(receiver.accepted()) == 2, what="ORU^R01 and MDM^T02")
        for message in receiver.accepted():
            strictly_valid(message)
            observations = [s.split("|") for s in message.split("\r") if s.startswith("OBX|")]
            text = [o for o in observations if o[2] == "FT"]
            assert text and all(o[11] == "P" for o in observations)
            # Heading observations first in each section, then the section's lines joined by \.br\, at most 72 wide.
            assert hl7.parse(message).unescape(text[0][5]) == "SUBJECTIVE"
            assert "\\.br\\" in text[1][5]
            for o in text:
                assert all(len(line) <= 72 for line in hl7.parse(message).unescape(o[5]).replace("\r", "\n").split("\n"))
        # The destination's receivingApplication key wins over the file's.
        assert {field(m, "MSH", 5) for m in receiver.accepted()} == {"EHR"}
    finally:
        receiver.stop()


def test_an_inbound_mapping_reads_a_z_segment_transcript_and_the_specialty_by_facility(gateway_factory, tmp_path):
    receiver = Receiver()
    try:
        gateway = start_gateway(
            gateway_factory, tmp_path, receiver.port,
            extra=f"pipeline:\n  mapping: {REPO_MAPPINGS / 'hl7-in' / 'zsegment-by-facility.yaml'}\n")
        lines = "~".join(TRANSCRIPT)
        message = ("\r".join([
            "MSH|^~\\&|DICTATE|NORTH_PT|NOTEBRIDGE|NB|20261101093000||ORU^R01^ORU_R01|ZSEG-1|P|2.5.1",
            f"PID|1||MRN8101^^^NORTH^MR||{NAME_MARKER}^ALEX||19800214|F",
            "PV1|1|O|CLINIC^101^A|||||||MED|||||||||V811",
            "OBR|1||||||||||||||||||||||||F",
            f"ZTX|1||{lines}",
        ]) + "\r").encode()
        assert send(gateway, message) == "AA"
        wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"], what="the delivered row")
        oru = receiver.accepted()[0]
        strictly_valid(oru)
        assert field(oru, "PV1", 19) == "V811"
        # physical_therapy (from MSH-4 NORTH_PT), not physician (PV1-10 MED): the therapy layout's sections.
        (tmp_path / "t.txt").write_text("\n".join(TRANSCRIPT))
        today = datetime.date.today()
        age = today.year - 1980 - ((today.month, today.day) < (2, 14))
        note = gateway.cli("note", "--format", "json", "--specialty", "physical_therapy", "--billing-codes",
                           "--age", str(age), "--sex", "female", str(tmp_path / "t.txt"))
        expected = [line.strip() for part in json.loads(note.stdout)["sections"] for line in part["text"].split("\n")
                    if line.strip()]
        assert text_observations(oru) == expected
    finally:
        receiver.stop()


def physical_therapy_lines(gateway, tmp_path) -> list:
    (tmp_path / "t.txt").write_text("\n".join(TRANSCRIPT))
    today = datetime.date.today()
    age = today.year - 1980 - ((today.month, today.day) < (2, 14))
    note = gateway.cli("note", "--format", "json", "--specialty", "physical_therapy", "--billing-codes",
                       "--age", str(age), "--sex", "female", str(tmp_path / "t.txt"))
    return [line.strip() for part in json.loads(note.stdout)["sections"] for line in part["text"].split("\n")
            if line.strip()]


def test_routes_choose_mapping_and_destinations_and_adt_fills_the_visit(gateway_factory, tmp_path):
    ehr, archive = Receiver(), Receiver()
    try:
        gateway = start_gateway(
            gateway_factory, tmp_path, ehr.port,
            extra=("  archive:\n"
                   "    type: mllp\n"
                   "    host: 127.0.0.1\n"
                   f"    port: {archive.port}\n"
                   "    ackTimeoutSeconds: 5\n"
                   "routes:\n"
                   "  dictation-north:\n"
                   "    listener: mllp\n"
                   "    sendingApplication: DICTATE\n"
                   "    sendingFacility: NORTH\n"
                   "    messageTypes: [MDM^T02]\n"
                   "    destinations: [ehr]\n"
                   "  lab:\n"
                   "    messageTypes: [ORU^R01]\n"
                   f"    mapping: {REPO_MAPPINGS / 'hl7-in' / 'zsegment-by-facility.yaml'}\n"
                   "    destinations: [archive]\n"))
        # The registration tells the visit's service (PT: physical therapy), location and attending.
        adt = ("\r".join([
            "MSH|^~\\&|REG|NORTH|NOTEBRIDGE|NB|20261101080000||ADT^A04^ADT_A01|ADT-91|P|2.5.1",
            "EVN|A04|20261101080000",
            f"PID|1||MRN9001^^^NORTH^MR||{NAME_MARKER}^ALEX||19800214|F",
            "PV1|1|O|PTGYM^2^^NORTH|||||||PT|||||||||V91",
        ]) + "\r").encode()
        assert send(gateway, adt) == "AA"
        wait_for(lambda: [e["state"] for e in journal_list(gateway)] == ["processed"], what="the ADT kept")
        # The dictation leaves PV1-3, PV1-7 and PV1-10 empty: they come from the registration.
        segments = mdm("ROUTE-1", "MRN9001", "V91").decode().split("\r")
        segments[3] = "PV1|1|O" + "|" * 17 + "V91"
        segments[4] = "TXA|1|PN|TX|20261101093000|||||||DOC-ROUTE-1||||||AU||AV"
        assert send(gateway, "\r".join(segments).encode()) == "AA"
        other = mdm("ROUTE-2", "MRN9002", "V92").replace(b"|DICTATE|NORTH|", b"|OTHER|SOUTH|", 1)
        assert send(gateway, other) == "AA"
        lab = ("\r".join([
            "MSH|^~\\&|LAB|NORTH_PT|NOTEBRIDGE|NB|20261101093000||ORU^R01^ORU_R01|ROUTE-3|P|2.5.1",
            f"PID|1||MRN9003^^^NORTH^MR||{NAME_MARKER}^ALEX||19800214|F",
            "PV1|1|O|CLINIC^101^A|||||||MED|||||||||V93",
            "OBR|1||||||||||||||||||||||||F",
            "ZTX|1||" + "~".join(TRANSCRIPT),
        ]) + "\r").encode()
        assert send(gateway, lab) == "AA"
        wait_for(lambda: len(ehr.accepted()) == 1 and len(archive.accepted()) == 1, what="one note on each route")
        time.sleep(1)
        assert len(ehr.messages) == 1 and len(archive.messages) == 1
        dictated = ehr.accepted()[0]
        strictly_valid(dictated)
        assert field(dictated, "MSH", 10) and field(dictated, "PID", 3).startswith("MRN9001")
        assert field(dictated, "PV1", 3) == "PTGYM^2^^NORTH"
        assert field(dictated, "PV1", 10) == "PT"
        expected = physical_therapy_lines(gateway, tmp_path)
        assert text_observations(dictated) == expected, "the note is written for the registered specialty"
        lab_note = archive.accepted()[0]
        strictly_valid(lab_note)
        assert field(lab_note, "PID", 3).startswith("MRN9003")
        assert text_observations(lab_note) == expected, "MSH-4 NORTH_PT keys physical therapy on the lab route"
        states = {e["controlId"]: (e["state"], e["reason"]) for e in journal_list(gateway)}
        assert states["ADT-91"] == ("processed", None)
        assert states["ROUTE-1"][0] == "processed" and states["ROUTE-3"][0] == "processed"
        assert states["ROUTE-2"] == ("failed", "no route takes this message (sender OTHER|SOUTH, type MDM^T02)")
        # The kept context is sealed like a note: nothing of the patient in the database files or the log.
        for path in gateway.data_dir.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for marker in (NAME_MARKER.encode(), b"PTGYM", b"MRN9001"):
                    assert marker not in data, path
        assert NAME_MARKER not in gateway.log_text() and "PTGYM" not in gateway.log_text()
    finally:
        ehr.stop()
        archive.stop()


def test_route_configuration_errors_name_the_key(gateway_factory, tmp_path):
    config = tmp_path / "routes.yaml"
    base = "destinations:\n  ehr:\n    host: 127.0.0.1\n    port: 9\n"
    for text, key in [
        (base + "routes:\n  r1:\n    destinations: [nowhere]\n", "routes.r1.destinations"),
        (base + "routes:\n  r1:\n    messageTypes: [MDM]\n", "routes.r1.messageTypes"),
        (base + "routes:\n  r1:\n    colour: blue\n", "routes.r1.colour"),
        (base + "routes:\n  r1:\n    listener: http\n", "routes.r1.listener"),
        (base + f"routes:\n  r1:\n    mapping: {tmp_path / 'none.yaml'}\n", "routes.r1.mapping"),
        (base + "routes:\n  r1:\n    acknowledgmentDestination: ehr\n    destinations: [ehr]\n", "routes.r1.destinations"),
        (base + "  acks:\n    host: 127.0.0.1\n    port: 9\n    messages: [ORU^R01]\n"
         "routes:\n  r1:\n    acknowledgmentDestination: acks\n", "destinations.acks.messages"),
    ]:
        config.write_text(text)
        result = gateway_factory(name=f"route-{abs(hash(text))}").cli("serve", "--config", str(config), check=False)
        assert result.returncode != 0, text
        assert key in result.stderr.decode() + result.stdout.decode(), (text, result.stderr.decode())
