"""HL7 v2 audio intake (issue 17): an MDM^T02 whose OBX is ED (type of data AU, Base64) carries the recording of a
visit. The gateway acknowledges once the message is journaled, transcribes the recording in the pipeline with the
configured engine and the `audio.*` limits, and writes and delivers the note as for a text transcript. A recording
that is not audio, or holds no speech, leaves the journal entry failed with a reason that names the problem. Speech is
synthesized by espeak-ng in the test; the python hl7 package's mllp_send sends; a Python MLLP peer receives."""
import base64
import json
import shutil
import signal
import subprocess

import hl7
import pytest

from conftest import REPO
from test_pipeline import (Receiver, field, mdm, outbox, start_gateway, strictly_valid, text_observations,
                           visits_in_arrival_order, wait_for)
from test_metrics import scrape
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


def audio_gateway(gateway_factory, tmp_path, port, extra: str = ""):
    """The gateway with an inbound mapping that reads ED observations (the default mapping, ED added)."""
    default = (REPO / "mappings" / "hl7-in" / "default.yaml").read_text()
    assert "observationValueTypes: [TX, FT, ST]" in default
    mapping = tmp_path / "hl7-in-audio.yaml"
    mapping.write_text(default.replace("observationValueTypes: [TX, FT, ST]", "observationValueTypes: [TX, FT, ST, ED]"))
    return start_gateway(gateway_factory, tmp_path, port, extra=f"pipeline:\n  mapping: {mapping}\n" + extra)


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


def test_ed_recording_is_a_durable_job_and_each_patients_notes_keep_their_order(gateway_factory, tmp_path, recordings):
    """A recording is transcribed by an audio job, not in the pipeline pass: a later text message of another patient
    is delivered meanwhile, while the same patient's later text message waits for the recording's note and follows
    it."""
    speech, _ = recordings
    receiver = Receiver()
    try:
        gateway = audio_gateway(gateway_factory, tmp_path, receiver.port)
        encoded = base64.b64encode(speech).decode()
        acks = mllp_send(
            gateway, tmp_path,
            ed_mdm("ORDER-ED", "MRN7101", "V81", f"DICTATE^AU^WAV^Base64^{encoded}"),
            mdm("ORDER-TEXT-SAME", "MRN7101", "V82"),
            mdm("ORDER-TEXT-OTHER", "MRN7102", "V83"))
        assert [str(hl7.parse(a).segment("MSA")[1]) for a in acks] == ["AA"] * 3
        wait_for(lambda: len(receiver.accepted()) == 3, timeout=180, what="three notes delivered")
        order = visits_in_arrival_order(receiver.accepted())
        # The same patient's notes in the order their messages were acknowledged: the recording's first.
        assert order["MRN7101"] == ["V81", "V82"]
        # The other patient did not wait for the transcription: its note was queued (committed) first.
        # (the outbox rows in commit order: the other patient's, then the two of the recording's patient)
        keys = [row["patientKey"] for row in sorted(outbox(gateway), key=lambda row: row["id"])]
        assert len(keys) == 3 and keys[0] != keys[1] == keys[2], keys
        arrival = [field(m, "PV1", 19) for m in receiver.accepted()]
        assert "metformin" in " ".join(text_observations(receiver.accepted()[arrival.index("V81")])).lower()
        assert sorted(e["state"] for e in journal_list(gateway)) == ["processed"] * 3
        metrics = scrape(gateway)[0]
        assert 'notebridge_audio_jobs_finished_total{outcome="done"} 1' in metrics
        assert 'notebridge_ed_recordings_total{outcome="transcribed"} 1' in metrics
        for marker in ("metformin", NAME_MARKER, encoded[:40]):
            assert marker not in gateway.log_text()
    finally:
        receiver.stop()


def test_ed_recording_job_survives_a_restart(gateway_factory, tmp_path, recordings):
    """The gateway is killed right after the ACK (the recording's job queued or running): after the restart the job
    is taken up again and the note delivered."""
    speech, _ = recordings
    receiver = Receiver()
    try:
        gateway = audio_gateway(gateway_factory, tmp_path, receiver.port)
        encoded = base64.b64encode(speech).decode()
        acks = mllp_send(gateway, tmp_path, ed_mdm("RESTART-ED", "MRN7201", "V91", f"DICTATE^AU^WAV^Base64^{encoded}"))
        assert str(hl7.parse(acks[0]).segment("MSA")[1]) == "AA"
        gateway.stop(signal.SIGKILL)
        gateway.start()
        wait_for(lambda: len(receiver.accepted()) == 1, timeout=180, what="the note delivered after the restart")
        assert field(receiver.accepted()[0], "PV1", 19) == "V91"
        assert [e["state"] for e in journal_list(gateway)] == ["processed"]
    finally:
        receiver.stop()


def test_bad_ed_observations_are_refused_before_the_ack_with_an_err_naming_the_problem(
        gateway_factory, tmp_path, recordings):
    """What intake can tell without decoding (ED structure, Base64, the size limit, audio by its first bytes) is
    answered AE with ERR-3 102 and a diagnostic naming the problem; the entry is journaled rejected, nothing is
    queued, and the refusals are counted."""
    speech, _ = recordings
    receiver = Receiver()
    try:
        gateway = audio_gateway(gateway_factory, tmp_path, receiver.port, extra="audio:\n  maxBytes: 200000\n")
        encoded = base64.b64encode(speech).decode()
        messages = [
            # Not audio: ED.2 is AP (application data).
            ed_mdm("ED-BAD-TYPE", "MRN7002", "V72", f"DICTATE^AP^PDF^Base64^{encoded}"),
            # Not Base64.
            ed_mdm("ED-BAD-B64", "MRN7002", "V73", "DICTATE^AU^WAV^Base64^UklGR*not-base64*"),
            # Base64 of bytes that are no audio container.
            ed_mdm("ED-NOT-AUDIO", "MRN7002", "V75",
                   f"DICTATE^AU^WAV^Base64^{base64.b64encode(b'plain words, not a recording ' * 20).decode()}"),
            # Over audio.maxBytes once decoded (refused from the Base64 length).
            ed_mdm("ED-TOO-BIG", "MRN7002", "V76",
                   f"DICTATE^AU^WAV^Base64^{base64.b64encode(b'RIFF' + bytes(250_000)).decode()}"),
            # Not Base64 encoding.
            ed_mdm("ED-HEX", "MRN7002", "V77", "DICTATE^AU^WAV^Hex^52494646"),
        ]
        acks = [hl7.parse(a) for a in mllp_send(gateway, tmp_path, *messages)]
        assert [str(a.segment("MSA")[1]) for a in acks] == ["AE"] * 5
        assert [str(a.segment("MSA")[2]) for a in acks] == [
            "ED-BAD-TYPE", "ED-BAD-B64", "ED-NOT-AUDIO", "ED-TOO-BIG", "ED-HEX"]
        errs = {str(a.segment("MSA")[2]): a.segment("ERR") for a in acks}
        for err in errs.values():
            assert str(err[3]).startswith("102")  # data type error
            assert str(err[2]).startswith("OBX^6^5")  # the ED observation's value
        diagnostics = {control: str(err[7]) for control, err in errs.items()}
        assert "ED.2 (type of data)" in diagnostics["ED-BAD-TYPE"] and "not AU" in diagnostics["ED-BAD-TYPE"]
        assert "Base64" in diagnostics["ED-BAD-B64"]
        assert "not MP3, M4A, WAV, OGG, WebM or FLAC" in diagnostics["ED-NOT-AUDIO"]
        assert "200000" in diagnostics["ED-TOO-BIG"]
        assert "only Base64" in diagnostics["ED-HEX"]
        for text in list(diagnostics.values()) + [gateway.log_text()]:
            assert NAME_MARKER not in text and "UklGR" not in text and "MRN7002" not in text
        entries = journal_list(gateway)
        assert sorted(e["state"] for e in entries) == ["rejected"] * 5
        metrics = scrape(gateway)[0]
        assert 'notebridge_ed_recordings_total{outcome="refused"} 5' in metrics
        assert receiver.messages == [] and outbox(gateway) == []
    finally:
        receiver.stop()


def test_silent_ed_recording_fails_after_the_ack_visibly(gateway_factory, tmp_path, recordings):
    """Audio that only decoding can judge (silence) is acknowledged AA, then its entry fails with a reason naming the
    problem and the failure is counted."""
    _, silence = recordings
    receiver = Receiver()
    try:
        gateway = audio_gateway(gateway_factory, tmp_path, receiver.port)
        message = ed_mdm("ED-SILENT", "MRN7002", "V74", f"DICTATE^AU^WAV^Base64^{base64.b64encode(silence).decode()}")
        acks = mllp_send(gateway, tmp_path, message)
        assert [str(hl7.parse(a).segment("MSA")[1]) for a in acks] == ["AA"]

        def failed():
            return {e["controlId"]: e["reason"] for e in journal_list(gateway, "--state", "failed")}

        wait_for(lambda: len(failed()) == 1, timeout=120, what="a failed journal entry")
        reason = failed()["ED-SILENT"]
        assert "no speech" in reason and NAME_MARKER not in reason
        metrics = scrape(gateway)[0]
        assert 'notebridge_ed_recordings_total{outcome="failed"} 1' in metrics
        assert receiver.messages == [] and outbox(gateway) == []
    finally:
        receiver.stop()
