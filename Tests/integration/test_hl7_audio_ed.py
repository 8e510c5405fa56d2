"""HL7 v2 audio intake (issue 17): an MDM^T02 whose OBX is ED (type of data AU, Base64) carries the recording of a
visit. The gateway acknowledges once the message is journaled, transcribes the recording in the pipeline with the
configured engine and the `audio.*` limits, and writes and delivers the note as for a text transcript. A recording
that is not audio, or holds no speech, leaves the journal entry failed with a reason that names the problem. Speech is
synthesized by espeak-ng in the test; the python hl7 package's mllp_send sends; a Python MLLP peer receives."""
import base64
import json
import shutil
import subprocess

import hl7
import pytest

from conftest import REPO
from test_pipeline import Receiver, field, outbox, start_gateway, strictly_valid, text_observations, wait_for
from test_pipeline_hl7 import journal_list, mllp_send

SPOKEN = "start metformin five hundred milligrams twice daily for diabetes"
NAME_MARKER = "QUOKKAEDFIELD"


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    if not shutil.which("espeak-ng") or not shutil.which("ffmpeg"):
        pytest.skip("espeak-ng or ffmpeg is not installed (scripts/setup-debian.sh test)")
    folder = tmp_path_factory.mktemp("ed")
    raw = folder / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+f2", "-s", "120", "-w", str(raw), SPOKEN], check=True)
    speech = folder / "speech.wav"  # 16 kHz mono: what the decoder makes of it anyway, and smaller
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(raw), "-ar", "16000", "-ac", "1",
                    str(speech)], check=True)
    silence = folder / "silence.wav"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=mono", "-t", "3", str(silence)], check=True)
    return speech.read_bytes(), silence.read_bytes()


def ed_mdm(control_id: str, mrn: str, visit: str, value: str) -> bytes:
    """A synthetic MDM^T02 whose only observation is ED: OBX-5 is `value` (source ^ type ^ subtype ^ encoding ^
    data)."""
    segments = [
        f"MSH|^~\\&|DICTATE|NORTH|NOTEBRIDGE|NB|20261101093000||MDM^T02^MDM_T02|{control_id}|P|2.5.1",
        "EVN|T02|20261101093000",
        f"PID|1||{mrn}^^^NORTH^MR||{NAME_MARKER}^ALEX||19800214|F",
        f"PV1|1|O|CLINIC^101^A||||1234^WELBY^MARCUS|||MED|||||||||{visit}",
        f"TXA|1|PN|AU|20261101093000|5678^KILDARE^JAMES||||||DOC-{control_id}||||||AU||AV",
        f"OBX|1|ED|18842-5^Discharge summary audio^LN|1|{value}||||||F",
    ]
    return ("\r".join(segments) + "\r").encode()


def audio_gateway(gateway_factory, tmp_path, port):
    """The gateway with an inbound mapping that reads ED observations (the default mapping, ED added)."""
    default = (REPO / "mappings" / "hl7-in" / "default.yaml").read_text()
    assert "observationValueTypes: [TX, FT, ST]" in default
    mapping = tmp_path / "hl7-in-audio.yaml"
    mapping.write_text(default.replace("observationValueTypes: [TX, FT, ST]", "observationValueTypes: [TX, FT, ST, ED]"))
    return start_gateway(gateway_factory, tmp_path, port, extra=f"pipeline:\n  mapping: {mapping}\n")


def test_ed_audio_observation_is_transcribed_and_its_note_delivered(gateway_factory, tmp_path, recordings):
    speech, _ = recordings
    receiver = Receiver()
    try:
        gateway = audio_gateway(gateway_factory, tmp_path, receiver.port)
        encoded = base64.b64encode(speech).decode()
        acks = mllp_send(gateway, tmp_path, ed_mdm("ED-AUDIO-1", "MRN7001", "V71", f"DICTATE^AU^WAV^Base64^{encoded}"))
        # Acknowledged once journaled, before the recording is transcribed.
        assert len(acks) == 1
        ack = hl7.parse(acks[0])
        assert str(ack.segment("MSA")[1]) == "AA"
        assert str(ack.segment("MSA")[2]) == "ED-AUDIO-1"
        wait_for(lambda: [r["state"] for r in outbox(gateway)] == ["delivered"], timeout=180,
                 what="the note of the recording, delivered")
        assert [e["state"] for e in journal_list(gateway)] == ["processed"]
        oru = receiver.accepted()[0]
        strictly_valid(oru)
        assert field(oru, "PID", 3) == "MRN7001^^^NORTH^MR"
        assert field(oru, "PV1", 19) == "V71"
        # The note holds what was said.
        note_text = " ".join(text_observations(oru)).lower()
        assert "metformin" in note_text
        assert "diabetes" in note_text or "500" in note_text or "five hundred" in note_text
        # Neither the words nor the patient reach the log or the journal listing.
        for text in (gateway.log_text(), json.dumps(journal_list(gateway))):
            for marker in ("metformin", NAME_MARKER, encoded[:40]):
                assert marker not in text
    finally:
        receiver.stop()


def test_bad_ed_observations_fail_with_a_reason_that_names_the_problem(gateway_factory, tmp_path, recordings):
    speech, silence = recordings
    receiver = Receiver()
    try:
        gateway = audio_gateway(gateway_factory, tmp_path, receiver.port)
        encoded = base64.b64encode(speech).decode()
        messages = [
            # Not audio: ED.2 is AP (application data).
            ed_mdm("ED-BAD-TYPE", "MRN7002", "V72", f"DICTATE^AP^PDF^Base64^{encoded}"),
            # Not Base64.
            ed_mdm("ED-BAD-B64", "MRN7002", "V73", "DICTATE^AU^WAV^Base64^UklGR*not-base64*"),
            # Audio without speech.
            ed_mdm("ED-SILENT", "MRN7002", "V74", f"DICTATE^AU^WAV^Base64^{base64.b64encode(silence).decode()}"),
            # Base64 of bytes that are no audio container.
            ed_mdm("ED-NOT-AUDIO", "MRN7002", "V75",
                   f"DICTATE^AU^WAV^Base64^{base64.b64encode(b'plain words, not a recording ' * 20).decode()}"),
        ]
        acks = mllp_send(gateway, tmp_path, *messages)
        assert [str(hl7.parse(a).segment("MSA")[1]) for a in acks] == ["AA"] * 4

        def failed():
            return {e["controlId"]: e["reason"] for e in journal_list(gateway, "--state", "failed")}

        wait_for(lambda: len(failed()) == 4, timeout=120, what="four failed journal entries")
        reasons = failed()
        assert "ED.2 (type of data)" in reasons["ED-BAD-TYPE"] and "not AU" in reasons["ED-BAD-TYPE"]
        assert "Base64" in reasons["ED-BAD-B64"]
        assert "no speech" in reasons["ED-SILENT"]
        assert reasons["ED-NOT-AUDIO"].startswith("OBX-5 (ED) recording:")
        for reason in reasons.values():
            assert NAME_MARKER not in reason and "UklGR" not in reason
        assert receiver.messages == [] and outbox(gateway) == []
    finally:
        receiver.stop()
