"""The speech model of the embedded engine (issue 17): the clinical model by default, the stock model by choice, for
`notebridge transcribe` and for `POST /v1/note/audio`; a missing model folder or a bad name is refused. Speech is
synthesized by espeak-ng in the test."""
import json
import shutil
import subprocess

import pytest

from conftest import BIN, REPO, post_audio

SENTENCE = "start metformin five hundred milligrams twice daily for diabetes"


@pytest.fixture
def speech(tmp_path):
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed (scripts/setup-debian.sh test)")
    path = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+f2", "-s", "120", "-w", str(path), SENTENCE], check=True)
    return path


def transcribe(*args, cwd=REPO):
    return subprocess.run([BIN, "transcribe", "--transcription-threads", "1", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_transcribe_hears_the_drug_with_the_clinical_model_only(speech):
    clinical = transcribe(str(speech))
    assert clinical.returncode == 0, clinical.stderr
    assert "metformin" in clinical.stdout.split()
    stock = transcribe("--speech-model", "stock", str(speech))
    assert stock.returncode == 0, stock.stderr
    assert "metformin" not in stock.stdout.split()


def test_missing_model_folder_and_bad_name(speech, tmp_path):
    missing = transcribe("--speech-model-dir", str(tmp_path / "nowhere"), str(speech))
    assert missing.returncode == 2
    assert "clinical-en-us.lm.bin" in missing.stderr and "metformin" not in missing.stderr
    # Run from another folder, the default relative models/speech is not there either: named, exit 2.
    elsewhere = transcribe(str(speech), cwd=tmp_path)
    assert elsewhere.returncode == 2 and "models/speech" in elsewhere.stderr
    bad = transcribe("--speech-model", "whisper", str(speech))
    assert bad.returncode != 0 and "speech-model" in bad.stderr


def test_audio_note_uses_the_configured_model(gateway_factory, speech):
    audio = speech.read_bytes()
    clinical = gateway_factory(name="clinical")
    clinical.cwd = str(REPO)  # the default models/speech resolves from the working folder
    clinical.start()
    status, body = post_audio(clinical, audio)
    assert status == 200, body
    assert "metformin" in json.loads(body)["transcript"].lower()
    clinical.stop()
    assert "metformin" not in clinical.log_text()

    stock = gateway_factory(env={"NOTEBRIDGE_AUDIO_SPEECH_MODEL": "stock"}, name="stock").start()
    status, body = post_audio(stock, audio)
    assert status == 200, body
    assert "metformin" not in json.loads(body)["transcript"].lower()
    stock.stop()


def test_serve_refuses_an_unknown_model(gateway_factory):
    gateway = gateway_factory(env={"NOTEBRIDGE_AUDIO_SPEECH_MODEL": "whisper"})
    with pytest.raises(RuntimeError) as refused:
        gateway.start()
    assert "audio.speechModel" in str(refused.value)
