"""deploy/: the systemd unit passes `systemd-analyze verify` (with ExecStart pointed at the built binary) and holds
the settings operators rely on (its own user, a private state folder, the data key as a credential, sandboxing,
restart on failure, time for the SIGTERM drain); the Dockerfile builds and runs on Debian 12 with the setup script
`make run` uses, as a non-root user, with a health check on /readyz. No image is built here."""
import configparser
import re
import shutil
import subprocess

import pytest

from conftest import BIN, REPO

UNIT = REPO / "deploy" / "notebridge.service"
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def unit_settings() -> dict:
    """The unit's settings, section by section; a key set twice keeps every value."""
    sections: dict = {}
    current = None
    for raw in UNIT.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = sections.setdefault(header.group(1), {})
            continue
        assert current is not None and "=" in line, f"not a unit line: {raw!r}"
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_the_systemd_unit_verifies_and_is_locked_down(tmp_path):
    sections = unit_settings()
    assert set(sections) == {"Unit", "Service", "Install"}
    service = {key: values[-1] for key, values in sections["Service"].items()}
    assert service["User"] == "notebridge" and service["Group"] == "notebridge"
    assert service["ExecStart"].split()[1] == "serve"
    assert service["StateDirectory"] == "notebridge" and service["StateDirectoryMode"] == "0700"
    assert service["LoadCredential"].startswith("data.key:/etc/notebridge/")
    assert "NOTEBRIDGE_STORAGE_KEY_FILE=%d/data.key" in sections["Service"]["Environment"]
    assert "NOTEBRIDGE_DATA_DIR=/var/lib/notebridge" in sections["Service"]["Environment"]
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM" and int(service["TimeoutStopSec"]) >= 30
    for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                       ("PrivateTmp", "yes"), ("PrivateDevices", "yes"), ("CapabilityBoundingSet", ""),
                       ("UMask", "0077"), ("RestrictSUIDSGID", "yes")):
        assert service[key] == value, key
    assert sections["Install"]["WantedBy"] == ["multi-user.target"]

    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    # The installed path does not exist here: verify the same unit with ExecStart on the built binary.
    unit = tmp_path / "notebridge.service"
    unit.write_text(UNIT.read_text().replace("/usr/local/bin/notebridge", str(BIN)))
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, timeout=120)
    problems = [line for line in result.stderr.decode().splitlines()
                if "notebridge.service" in line and "Failed to" not in line]
    assert result.returncode == 0 and not problems, result.stderr.decode()
    # Its sandboxing as systemd scores it (lower is safer; a bare unit is 9.6): well locked down.
    security = subprocess.run([analyze, "security", "--offline=true", str(unit)], capture_output=True, timeout=120)
    if security.returncode == 0 or b"Overall exposure level" in security.stdout:
        exposure = re.search(rb"Overall exposure level for \S+: (\d+\.\d+)", security.stdout)
        assert exposure and float(exposure.group(1)) <= 3.0, security.stdout.decode()[-2000:]


def test_the_dockerfile_runs_the_setup_script_as_non_root_with_a_readyz_health_check():
    text = DOCKERFILE.read_text()
    instructions = []
    for line in re.sub(r"\\\n", " ", text).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, rest = line.partition(" ")
            instructions.append((instruction.upper(), rest.strip()))
    froms = [rest for instruction, rest in instructions if instruction == "FROM"]
    assert len(froms) == 2 and "bookworm" in text.split("ARG SWIFT_IMAGE=")[1].split()[0]
    assert froms[-1] == "debian:12-slim"
    runs = [rest for instruction, rest in instructions if instruction == "RUN"]
    assert any("scripts/setup-debian.sh run" in run for run in runs)  # the build stage
    assert any("setup-debian.sh run" in run for run in runs[-1:])  # the runtime stage
    assert (REPO / "scripts" / "setup-debian.sh").exists()
    final = instructions[[i for i, (instruction, _) in enumerate(instructions) if instruction == "FROM"][-1]:]
    users = [rest for instruction, rest in final if instruction == "USER"]
    assert users and not users[-1].startswith(("root", "0"))
    health = [rest for instruction, rest in final if instruction == "HEALTHCHECK"]
    assert len(health) == 1 and "/readyz" in health[0] and "CMD" in health[0]
    assert ("STOPSIGNAL", "SIGTERM") in final
    # What `make run` runs is what the image runs.
    makefile = (REPO / "Makefile").read_text()
    assert "scripts/setup-debian.sh run" in makefile
