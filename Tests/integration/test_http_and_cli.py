"""HTTP health endpoints, the listeners' addresses, and the CLI's own behaviour."""
import ipaddress
import json
import urllib.request

from conftest import BIN, CORPUS, REPO, MLLPConnection, ack_fields, synthetic
import subprocess


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_endpoints(gateway):
    assert get(gateway.http_port, "/healthz") == (200, {"status": "ok"})
    status, body = get(gateway.http_port, "/readyz")
    assert status == 200 and body["journal"] == "ok"


def test_head_is_get_without_the_body(gateway):
    """HEAD on a GET route is its GET's status and Content-Length with no body (it was 405), and the connection stays
    framed: a GET pipelined after two HEADs is answered whole."""
    import socket
    sock = socket.create_connection(("127.0.0.1", gateway.http_port), timeout=10)
    sock.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /fhir/metadata HTTP/1.1\r\nHost: x\r\n\r\n"
                 b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    parts = answer.split(b"\r\n\r\n")
    heads = [part for part in parts if part.startswith(b"HTTP/1.1")]
    assert [head.split(b" ")[1] for head in heads] == [b"200", b"200", b"200"], answer[:600]
    assert b"content-length: 15" in heads[0].lower()
    assert answer.endswith(b'{"status":"ok"}') and answer.count(b'{"status":"ok"}') == 1
    assert b"CapabilityStatement" not in answer


def listening_addresses(port: int) -> set:
    """The local addresses with a TCP socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ["/proc/net/tcp", "/proc/net/tcp6"]:
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                address, hex_port = fields[1].split(":")
                if fields[3] != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                    continue
                raw = bytes.fromhex(address)
                # The kernel prints each 32-bit word in host (little-endian) order.
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(words)))
    return found


WARNING = "listener accepts plain-text connections on an address other machines can reach"


def test_listeners_bind_loopback_unless_configured(gateway_factory):
    """With no host configured both listeners bind 127.0.0.1 only; every interface is a configuration choice,
    which without TLS the start-up log warns about once per listener."""
    default = gateway_factory(env={"NOTEBRIDGE_HTTP_HOST": None, "NOTEBRIDGE_MLLP_HOST": None}).start()
    assert f"mllp=127.0.0.1:{default.mllp_port} http=127.0.0.1:{default.http_port}" in "".join(default.console)
    assert listening_addresses(default.http_port) == {"127.0.0.1"}
    assert listening_addresses(default.mllp_port) == {"127.0.0.1"}
    assert get(default.http_port, "/healthz")[0] == 200
    default.stop()
    assert WARNING not in default.log_text()

    exposed = gateway_factory(env={"NOTEBRIDGE_HTTP_HOST": "0.0.0.0", "NOTEBRIDGE_MLLP_HOST": "0.0.0.0"},
                              name="exposed").start()
    assert listening_addresses(exposed.http_port) == {"0.0.0.0"}
    assert listening_addresses(exposed.mllp_port) == {"0.0.0.0"}
    assert get(exposed.http_port, "/healthz")[0] == 200
    exposed.stop()
    warnings = [line for line in exposed.log_text().splitlines() if WARNING in line]
    assert len(warnings) == 2, warnings
    assert "the HTTP listener" in warnings[0] and "http.tls.certificate" in warnings[0] and "warning" in warnings[0]
    assert "the MLLP listener" in warnings[1] and "mllp.tls.certificate" in warnings[1]


def test_hl7_parse_cli():
    sample = CORPUS / "hapi__messages_02.hl7"
    result = subprocess.run([BIN, "hl7", "parse", "--format", "json", str(sample)], capture_output=True, timeout=60)
    assert result.returncode == 0
    parsed = json.loads(result.stdout.decode().splitlines()[0])
    assert parsed["version"] == "2.4"
    assert parsed["segments"][0]["name"] == "MSH"
    er7 = subprocess.run([BIN, "hl7", "parse", "--format", "er7", str(sample)], capture_output=True, timeout=60)
    assert er7.stdout == sample.read_bytes()
    bad = subprocess.run([BIN, "hl7", "parse", "-"], input=b"MSH|^~\\&|A\rPID|ok\rzz9|SECRETNAME\r",
                         capture_output=True, timeout=60)
    assert bad.returncode == 1
    message = bad.stderr.decode().strip()
    assert len(message.splitlines()) == 1
    assert "invalidSegmentName at segment 3" in message
    assert "SECRETNAME" not in message


def test_journal_cli_shows_metadata_and_body_on_request(gateway):
    connection = MLLPConnection(gateway.mllp_port)
    assert ack_fields(connection.send(synthetic("JCLI-1")))["code"] == "AA"
    connection.close()
    entries = [e for e in gateway.journal() if e["controlId"] == "JCLI-1"]
    assert len(entries) == 1 and entries[0]["messageType"] == "ADT^A04"
    assert "TESTPATIENT" not in json.dumps(entries)
    body = gateway.cli("journal", "show", str(entries[0]["id"]), "--body").stdout
    assert body == synthetic("JCLI-1")
    counts = json.loads(gateway.cli("journal", "count").stdout)
    assert counts["total"] >= 1 and counts["accepted"] >= 1
    # The body is sealed at rest: the database files do not hold it in clear.
    for path in gateway.data_dir.glob("notebridge.sqlite*"):
        assert b"TESTPATIENT" not in path.read_bytes()


def test_bad_configuration_is_a_clear_error(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("mllp:\n  port: seventy\n")
    result = subprocess.run([BIN, "serve", "--config", str(config)], capture_output=True, timeout=60)
    assert result.returncode == 2
    assert "mllp.port" in result.stderr.decode()


def test_note_cli_json_and_errors():
    transcript = (b"[doctor] what brings you in today ?\n[patient] i have had a cough for three days and a fever .\n"
                  b"[doctor] on exam your lungs have scattered rhonchi .\n[doctor] my impression is acute bronchitis .\n")
    result = subprocess.run([BIN, "note", "--format", "json"], input=transcript, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    note = json.loads(result.stdout)
    for key in ("subjective", "objective", "assessment", "plan", "specialty", "template", "statements", "entities"):
        assert key in note
    assert note["specialty"] == "generic" and note["template"] == "standard"
    scalars = transcript.decode()
    for statement in note["statements"]:
        assert statement["evidence"], statement
        for evidence in statement["evidence"]:
            assert 0 <= evidence["start"] < evidence["end"] <= len(scalars)
    again = subprocess.run([BIN, "note", "--format", "json"], input=transcript, capture_output=True, timeout=60)
    assert again.stdout == result.stdout  # deterministic, byte for byte
    for arguments, needle in [(["--specialty", "astrology"], "specialty"), (["--template", "haiku"], "template")]:
        bad = subprocess.run([BIN, "note", *arguments], input=transcript, capture_output=True, timeout=60)
        assert bad.returncode == 1 and needle in bad.stderr.decode() and "valid values" in bad.stderr.decode()
    short = subprocess.run([BIN, "note"], input=b"too short", capture_output=True, timeout=60)
    assert short.returncode == 1 and "too short" in short.stderr.decode()
    binary = subprocess.run([BIN, "note"], input=b"\xff\xfe" * 40, capture_output=True, timeout=60)
    assert binary.returncode == 1 and "not UTF-8" in binary.stderr.decode()


def test_note_cli_is_byte_identical_across_processes():
    """Each process hashes with its own seed: the note must not depend on it."""
    samples = sorted((REPO / "samples" / "transcripts").glob("*.txt"))
    assert len(samples) >= 8
    for sample in samples:
        for template in ("standard", "birp"):
            command = [BIN, "note", "--format", "json", "--template", template, str(sample)]
            # The two processes run side by side: separate processes, separate hash seeds, half the wall time.
            processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
            (first, first_error), (second, _) = (process.communicate(timeout=60) for process in processes)
            assert processes[0].returncode == 0 and processes[1].returncode == 0, first_error.decode()
            assert first == second, sample.name


def test_note_cli_context_options():
    sample = REPO / "samples" / "transcripts" / "primary-care-dialogue.txt"
    result = subprocess.run([BIN, "note", "--format", "json", "--age", "51", "--sex", "female", "--allergy", "benzonatate",
                             str(sample)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    note = json.loads(result.stdout)
    assert "51-year-old female" in note["subjective"]
    alerts = [s for s in note["statements"] if s.get("subsection") == "ALLERGY ALERT"]
    assert len(alerts) == 1 and alerts[0]["section"] == "plan" and alerts[0]["evidence"]
    with_history = subprocess.run([BIN, "note", "--format", "json", "--history", "Asthma", "--history", "Bronchitis", "--history", "gout",
                                   str(sample)], capture_output=True, timeout=60)
    assert with_history.returncode == 0, with_history.stderr.decode()
    # Asthma is only to be ruled out and gout is never mentioned: neither is written as history.
    history = [s for s in json.loads(with_history.stdout)["statements"] if s.get("subsection") == "PAST MEDICAL HISTORY"]
    assert [s["text"] for s in history] == ["History of bronchitis."] and history[0]["evidence"]
    for arguments, field in [(["--sex", "other"], "sex"), (["--age", "200"], "context.age"),
                             (["--history", " "], "context.history[0]")]:
        bad = subprocess.run([BIN, "note", *arguments, str(sample)], capture_output=True, timeout=60)
        assert bad.returncode == 1 and field in bad.stderr.decode()
