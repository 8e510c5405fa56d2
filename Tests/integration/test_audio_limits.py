"""Audio limits over HTTP and the note of a recording through the CLI (issue 17): `audio.maxBytes` refuses a larger
recording with AUDIO_TOO_LARGE (413), `audio.maxSeconds` a longer one with AUDIO_TOO_LONG (422), and
`notebridge note --audio FILE` prints the note of what was said. Speech is synthesized by espeak-ng in the test."""
import json
import shutil
import subprocess

import pytest

from conftest import BIN, REPO, post_audio as post_audio_raw

def post_audio(gateway, audio: bytes):
    status, body = post_audio_raw(gateway, audio)
    return status, json.loads(body)


SENTENCE = "start metformin five hundred milligrams twice daily for diabetes"


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    if not shutil.which("espeak-ng") or not shutil.which("ffmpeg"):
        pytest.skip("espeak-ng or ffmpeg is not installed (scripts/setup-debian.sh test)")
    folder = tmp_path_factory.mktemp("limits")
    wav = folder / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+f2", "-s", "120", "-w", str(wav), SENTENCE], check=True)
    ogg = folder / "speech.ogg"  # Opus at 16 kb/s: a few kilobytes for the same seconds
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(wav), "-c:a", "libopus", "-b:a", "16k",
                    str(ogg)], check=True)
    return wav, ogg


def test_size_and_duration_limits_over_http(gateway_factory, tmp_path, speech):
    wav, ogg = speech
    assert wav.stat().st_size > 60_000 > ogg.stat().st_size
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    gateway = gateway_factory(env={"NOTEBRIDGE_AUDIO_MAX_BYTES": "60000", "NOTEBRIDGE_AUDIO_MAX_SECONDS": "2",
                                   "TMPDIR": str(scratch)}).start()
    status, answer = post_audio(gateway, wav.read_bytes())
    assert status == 413, answer
    assert answer["error"]["code"] == "AUDIO_TOO_LARGE"
    assert "over the limit of 60000 bytes" in answer["error"]["message"]
    assert answer["error"]["details"][0]["field"] == "audio"
    status, answer = post_audio(gateway, ogg.read_bytes())
    assert status == 422, answer
    assert answer["error"]["code"] == "AUDIO_TOO_LONG"
    assert "limit of 2 seconds" in answer["error"]["message"]
    gateway.stop()
    assert list(scratch.iterdir()) == []
    assert "metformin" not in gateway.log_text()


def test_note_cli_with_audio(speech):
    wav, _ = speech
    result = subprocess.run([BIN, "note", "--format", "json", "--transcription-threads", "1", "--audio", str(wav)],
                            capture_output=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr.decode()
    note = json.loads(result.stdout)
    assert "metformin" in json.dumps(note).lower()
    both = subprocess.run([BIN, "note", "--audio", str(wav), str(wav)], capture_output=True, timeout=60, cwd=REPO)
    assert both.returncode == 2 and b"either --audio or a transcript file" in both.stderr
    missing = subprocess.run([BIN, "note", "--audio", str(wav.parent / "none.wav")], capture_output=True, timeout=60,
                             cwd=REPO)
    assert missing.returncode == 2 and b"cannot read the file" in missing.stderr
