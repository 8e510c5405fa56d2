#!/usr/bin/env bash
# Installs what NoteBridge needs on a fresh Debian 12 machine that already has the Swift toolchain.
# Idempotent: packages already present are not fetched again.
#   scripts/setup-debian.sh run    build and run dependencies (ffmpeg and PocketSphinx with its US English model
#                                  for audio transcription)
#   scripts/setup-debian.sh test   the above plus the test peers (python hl7, hl7apy, pytest, openssl; espeak-ng and
#                                  sox, which the transcription tests use to make speech and silence;
#                                  python3-pocketsphinx, which the remote engine's test speech service transcribes
#                                  with (run by Debian's /usr/bin/python3, which imports it); postgresql,
#                                  whose initdb and postgres the PostgreSQL store tests start in a temporary folder;
#                                  chromium and chromium-driver with selenium and axe-selenium-python for the
#                                  console's browser tests)
set -euo pipefail
mode="${1:-run}"

apt_packages=(libsqlite3-dev libcurl4-openssl-dev libxml2-dev pkg-config ffmpeg libpocketsphinx-dev pocketsphinx-en-us)
if [ "$mode" = "test" ]; then
    apt_packages+=(openssl python3 python3-pip ca-certificates wrk espeak-ng sox python3-pocketsphinx postgresql
        chromium chromium-driver)
fi

missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$mode" = "test" ]; then
    # Python peers: the hl7 package (mllp_send, parse benchmarks), hl7apy (parse benchmark), pytest and pytest-xdist
    # (the integration tests run on several workers); fhir.resources, PyJWT and cryptography for the test FHIR
    # endpoint. Every line of requirements-test.txt is checked against the
    # installed version (an importable fhir.resources 7.0.0 does not meet `==7.1.0`); pip runs only when one is unmet,
    # so a repeat run costs one short Python start.
    requirements="$(cd "$(dirname "$0")" && pwd)/requirements-test.txt"
    if ! unmet="$(python3 - "$requirements" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
unmet = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    requirement = Requirement(line)
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        installed = None
    if installed is None or not requirement.specifier.contains(installed, prereleases=True):
        unmet.append(f"{line} (installed: {installed or 'none'})")
print("; ".join(unmet))
sys.exit(1 if unmet else 0)
PY
)"; then
        echo "setup: installing python test peers: ${unmet:-the requirements could not be checked}"
        python3 -m pip install --quiet --disable-pip-version-check -r "$requirements" \
            || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages -r "$requirements"
    fi
fi
