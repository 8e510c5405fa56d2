"""MLLP intake driven by real peers: the python hl7 package's mllp_send, raw sockets, `notebridge send`."""
import shutil
import subprocess
import threading

import hl7
import hl7.client

from conftest import CORPUS, split_messages, MLLPConnection, ack_fields, frame, synthetic


def corpus_messages():
    """Each message of the public corpus (../shared/eval/hl7), batch envelopes dropped."""
    return [m for path in sorted(CORPUS.glob("*.hl7")) for m in split_messages(path.read_bytes())]


def msh_field(message: bytes, number: int) -> str:
    header = message.split(b"\r")[0]
    fields = header.split(header[3:4])
    return fields[number - 1].decode() if len(fields) >= number else ""


def comparable(message: bytes) -> bytes:
    """What a resend must match: the message without MSH-7, segment terminators normalised."""
    text = message.replace(b"\r\n", b"\r").replace(b"\n", b"\r").rstrip(b"\r")
    header, _, rest = text.partition(b"\r")
    fields = header.split(header[3:4])
    if len(fields) > 6:
        fields[6] = b""
    return header[3:4].join(fields) + b"\r" + rest


def expected_ack(message: bytes):
    """AA in original mode; in enhanced mode CA when MSH-15 asks for an accept ACK on success, else none."""
    accept, application = msh_field(message, 15), msh_field(message, 16)
    if accept not in ("AL", "NE", "ER", "SU") and application not in ("AL", "NE", "ER", "SU"):
        return "AA"
    return "CA" if accept in ("AL", "SU", "") else None


def test_mllp_send_from_python_hl7_acknowledges_every_sample(gateway, tmp_path):
    mllp_send = shutil.which("mllp_send")
    assert mllp_send, "the python hl7 package's mllp_send must be installed (scripts/setup-debian.sh test)"
    messages = corpus_messages()
    assert len(messages) >= 100
    # mllp_send waits for a reply to every message: send it those that get an accept ACK.
    answered = [m for m in messages if expected_ack(m)]
    silent = [m for m in messages if not expected_ack(m)]
    assert len(answered) >= 90 and silent
    framed = tmp_path / "framed.bin"
    framed.write_bytes(b"".join(frame(m) for m in answered))
    result = subprocess.run(
        [mllp_send, "--port", str(gateway.mllp_port), "--file", str(framed), "127.0.0.1"],
        capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode(errors="replace")
    acks = [hl7.parse(("MSH|" + part).strip().replace("\n", "\r")) for part in text.split("MSH|")[1:]]
    assert len(acks) == len(answered)
    assert [str(a.segment("MSA")[1]) for a in acks] == [expected_ack(m) for m in answered]
    assert [str(a.segment("MSA")[2]) for a in acks] == [msh_field(m, 10).split("^")[0] for m in answered]
    # Messages whose MSH-15 is NE or ER get no accept ACK, but are journaled all the same.
    def key(m):
        return msh_field(m, 3) + "|" + msh_field(m, 4), msh_field(m, 10).split("^")[0]

    # (A repeat of an answered sample's sender and MSH-10 is a duplicate and gets the stored ACK: left out.)
    answered_keys = {key(m) for m in answered}
    connection = MLLPConnection(gateway.mllp_port)
    for message in silent:
        if key(message) not in answered_keys:
            connection.send_raw(frame(message))
    assert ack_fields(connection.send(synthetic("AFTER-SILENT")))["control_id"] == "AFTER-SILENT"
    connection.close()
    journal = gateway.journal()
    assert all(e["state"] == "accepted" for e in journal)
    # Samples that share a sender and MSH-10 are journaled once when they are the same message but for MSH-7 (the
    # repeats are duplicates); samples that reuse a sender's MSH-10 for other content are journaled each as its own
    # entry, flagged reused-control-id.
    sent = answered + [m for m in silent if key(m) not in answered_keys]
    messages_by_content = {(key(m), comparable(m)) for m in sent}
    assert len(journal) == len(messages_by_content) + 1
    flagged = [e for e in journal if e.get("flags") == ["reused-control-id"]]
    assert len(flagged) == len(messages_by_content) - len({key(m) for m in sent})
    assert flagged, "the corpus holds samples that reuse a control ID for other content"


def test_python_hl7_client_and_enhanced_mode(gateway):
    with hl7.client.MLLPClient("127.0.0.1", gateway.mllp_port) as client:
        reply = client.send_message(synthetic("PYCLIENT-1").decode())
    ack = hl7.parse(reply.decode())
    assert str(ack.segment("MSA")[1]) == "AA"
    assert str(ack.segment("MSA")[2]) == "PYCLIENT-1"
    assert str(ack.segment("MSH")[9]) == "ACK^A04^ACK"
    assert str(ack.segment("MSH")[5]) == "CLINIC"
    connection = MLLPConnection(gateway.mllp_port)
    enhanced = ack_fields(connection.send(synthetic("ENH-1", extra_msh="|||AL|NE")))
    assert enhanced["code"] == "CA"
    # MSH-15 ER: no accept ACK on success, one on error.
    connection.send_raw(frame(synthetic("ENH-2", extra_msh="|||ER|NE")))
    bad = synthetic("ENH-3", extra_msh="|||ER|NE").replace(b"PID|", b"pid|")
    # The next frame read is the CE for ENH-3: ENH-2 (accepted, MSH-15 ER) got no acknowledgment.
    nak = ack_fields(connection.send(bad))
    assert nak["code"] == "CE" and nak["control_id"] == "ENH-3" and nak["error"] == "100"
    connection.close()
    ids = {e["controlId"]: e for e in gateway.journal()}
    assert ids["ENH-2"]["state"] == "accepted" and ids["ENH-2"]["ackCode"] == ""
    assert ids["ENH-3"]["state"] == "rejected"


def test_duplicates_get_the_stored_ack_and_are_journaled_once(gateway):
    connection = MLLPConnection(gateway.mllp_port)
    first = connection.send(synthetic("DUP-1"))
    second = connection.send(synthetic("DUP-1"))
    other_sender = connection.send(synthetic("DUP-1", sender="OTHERAPP"))
    connection.close()
    assert first == second
    assert ack_fields(other_sender)["code"] == "AA" and other_sender != first
    entries = [e for e in gateway.journal() if e["controlId"] == "DUP-1"]
    assert len(entries) == 2
    assert sorted(e["duplicates"] for e in entries) == [0, 1]


def test_sixteen_concurrent_connections(gateway):
    errors = []

    def worker(n):
        try:
            connection = MLLPConnection(gateway.mllp_port)
            for i in range(25):
                fields = ack_fields(connection.send(synthetic(f"CONC-{n}-{i}")))
                assert fields["code"] == "AA" and fields["control_id"] == f"CONC-{n}-{i}"
            connection.close()
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len([e for e in gateway.journal() if e["controlId"].startswith("CONC-")]) == 400


def test_notebridge_send_cli(gateway, tmp_path):
    good = tmp_path / "good.hl7"
    good.write_bytes(synthetic("CLI-1") + synthetic("CLI-2"))
    result = gateway.cli("send", f"127.0.0.1:{gateway.mllp_port}", str(good))
    lines = result.stdout.decode().splitlines()
    assert [line.split("\t")[1] for line in lines] == ["AA", "AA"]
    bad = tmp_path / "bad.hl7"
    bad.write_bytes(synthetic("CLI-3", version="2.9"))
    result = gateway.cli("send", f"127.0.0.1:{gateway.mllp_port}", str(bad), check=False)
    assert result.returncode == 1
    assert "\tAR\tCLI-3\t203" in result.stdout.decode()
    unreachable = gateway.cli("send", "127.0.0.1:1", str(good), check=False)
    assert unreachable.returncode == 2
