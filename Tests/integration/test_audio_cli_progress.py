"""`notebridge transcribe FILE` and `notebridge note --audio FILE` on a terminal (issue 17): a progress bar is drawn on
standard error while the recording is transcribed, and its line is cleared at the end; piped, nothing but the output.
The terminal is a real pseudo-terminal (os.openpty); the recording is synthesized by espeak-ng."""
import os
import re
import select
import shutil
import subprocess
import time

import pytest

from conftest import BIN, REPO

SENTENCE = "the patient reports a dry cough for three weeks and takes ibuprofen for the knee"
BAR = re.compile(rb"\r(transcribing) \[[#.]{30}\] +(\d+) % \(\d+ of \d+ s\)")


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed (scripts/setup-debian.sh test)")
    path = tmp_path_factory.mktemp("progress") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-w", str(path), SENTENCE], check=True)
    return path


def run_on_a_terminal(arguments: list) -> tuple[int, bytes, bytes]:
    """Runs the CLI with standard error on a pseudo-terminal (standard output piped, as `> file` would); returns the
    exit status, standard output and what the terminal received."""
    controller, terminal = os.openpty()
    process = subprocess.Popen([BIN, *arguments], stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL,
                               cwd=REPO)
    os.close(terminal)
    received = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the last writer closed the terminal
                break
            if not chunk:
                break
            received += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    output = process.stdout.read()
    process.stdout.close()
    return process.wait(timeout=30), output, received


@pytest.mark.parametrize("command", [
    ["transcribe", "--transcription-threads", "1"],
    ["note", "--format", "json", "--transcription-threads", "1", "--audio"],
])
def test_a_progress_bar_on_a_terminal_and_none_when_piped(speech, command):
    status, output, terminal = run_on_a_terminal([*command, str(speech)])
    assert status == 0, terminal.decode(errors="replace")
    bars = BAR.findall(terminal)
    assert bars, terminal
    percents = [int(percent) for _, percent in bars]
    assert percents == sorted(percents) and percents[-1] == 100, percents
    # The bar's line is cleared at the end: the terminal is left on a clean line.
    assert terminal.endswith(b"\r\x1b[K"), terminal[-80:]
    # The bar never reaches the output.
    assert b"transcribing [" not in output and b"\r" not in output
    assert b"ibuprofen" in output or b"cough" in output

    piped = subprocess.run([BIN, *command, str(speech)], capture_output=True, timeout=120, cwd=REPO)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == b""
    assert b"transcribing" not in piped.stdout and b"\r" not in piped.stdout and b"\x1b[" not in piped.stdout
    if command[0] == "transcribe":  # the same words either way (a note has its own id and time)
        assert piped.stdout == output
