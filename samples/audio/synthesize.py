#!/usr/bin/env python3
"""Synthesizes the word-error-rate recordings of samples/audio/ (issue 17) with espeak-ng and sox.

Each row of recordings.tsv names a transcript of transcripts/ (written for the project; dictations d*, dialogues v*
with DOCTOR:/PATIENT: turns), the espeak-ng voice (a dialogue: the doctor's and the patient's), the speed in words
a minute, and the noise mixed in: none, or sox's white, pink or brown noise at a signal-to-noise ratio in dB over the
whole recording. A dialogue's turns are spoken by their speaker's voice with 0.7 s between turns. Output: OUT/ID.wav
(16 kHz mono, 16-bit) and OUT/ID.txt, the reference text (the words spoken, without the speaker marks).
The audio is not committed: espeak-ng 1.51 and sox 14.4 make the same files on every run (sox -R: repeatable noise).

Usage: samples/audio/synthesize.py [--manifest TSV --texts DIR] OUT [ID ...]
(--manifest and --texts: another set of the same layout, e.g. Benchmarks/audio/tuning_set.py's.)
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True)


def rms(path):
    output = run("sox", path, "-n", "stat").stderr
    return float(re.search(r"RMS\s+amplitude:\s+([0-9.e-]+)", output).group(1))


def speak(text, voice, speed, path, folder):
    raw = os.path.join(folder, "espeak.wav")
    run("espeak-ng", "-v", voice, "-s", str(speed), "-w", raw, text)
    run("sox", raw, "-r", "16000", "-c", "1", "-b", "16", path)


MANIFEST = os.path.join(HERE, "recordings.tsv")
TEXTS = os.path.join(HERE, "transcripts")


def recordings():
    with open(MANIFEST, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def synthesize(row, out):
    identifier, transcript, voices, speed, noise = row
    lines = [l.strip() for l in open(os.path.join(TEXTS, transcript + ".txt"), encoding="utf-8")]
    lines = [l for l in lines if l]
    voices = voices.split(",")
    with tempfile.TemporaryDirectory() as folder:
        speech = os.path.join(folder, "speech.wav")
        spoken = []
        if len(voices) == 1:
            spoken = [" ".join(lines)]
            speak(spoken[0], voices[0], speed, speech, folder)
        else:
            parts = []
            pause = os.path.join(folder, "pause.wav")
            run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", pause, "trim", "0", "0.7")
            for index, line in enumerate(lines):
                speaker, _, text = line.partition(":")
                voice = voices[0] if speaker.strip().upper() == "DOCTOR" else voices[1]
                part = os.path.join(folder, f"turn{index:03}.wav")
                speak(text.strip(), voice, speed, part, folder)
                parts += [part, pause] if index + 1 < len(lines) else [part]
                spoken.append(text.strip())
            run("sox", *parts, speech)
        target = os.path.join(out, identifier + ".wav")
        if noise == "none":
            os.replace(speech, target)
        else:
            kind, snr = noise.split(":")
            seconds = run("soxi", "-D", speech).stdout.strip()
            noisy = os.path.join(folder, "noise.wav")
            run("sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", noisy, "synth", seconds, kind + "noise",
                "vol", "0.5")
            scale = rms(speech) / (rms(noisy) * 10 ** (float(snr) / 20))
            run("sox", "-R", "-m", "-v", "1", speech, "-v", f"{scale:.6f}", noisy, target)
        with open(os.path.join(out, identifier + ".txt"), "w", encoding="utf-8") as reference:
            reference.write("\n".join(spoken) + "\n")


def main():
    global MANIFEST, TEXTS
    arguments = sys.argv[1:]
    while arguments and arguments[0] in ("--manifest", "--texts") and len(arguments) > 1:
        if arguments[0] == "--manifest":
            MANIFEST = arguments[1]
        else:
            TEXTS = arguments[1]
        arguments = arguments[2:]
    if not arguments:
        sys.exit(__doc__)
    out = arguments[0]
    os.makedirs(out, exist_ok=True)
    wanted = set(arguments[1:])
    for row in recordings():
        if not wanted or row[0] in wanted:
            synthesize(row, out)


if __name__ == "__main__":
    main()
