"""Bad input over a real socket: every case gets a NAK or a clear outcome, and never disturbs others."""
import time

import pytest

from conftest import MLLPConnection, ack_fields, frame, synthetic

MSH = "MSH|^~\\&|CLINIC|NORTH|NB|NB|20261101120000||ADT^A04^ADT_A01|{cid}|P|2.5.1"
PID = "PID|1||MRN-SECRET^^^NORTH^MR||DOE^JANE||19800101|F"


def segments(*parts):
    return ("\r".join(parts) + "\r").encode()


CASES = [
    ("segment with only its name", segments(MSH.format(cid="B1"), "PID", "PV1|1|O"), "AA", None),
    ("MSH with only its name", segments("MSH", PID), "AR", "102"),
    ("no segment terminators", (MSH.format(cid="B3") + PID).encode(), "AR", "203"),
    ("a lone escape character", segments(MSH.format(cid="B4"), "NTE|1||\\"), "AA", None),
    ("unterminated escape", segments(MSH.format(cid="B5"), "NTE|1||text \\F"), "AA", None),
    ("back-to-back hex escapes", segments(MSH.format(cid="B6"), "NTE|1||\\X41\\\\X42\\"), "AA", None),
    ("missing MSH", segments(PID, "PV1|1|O"), "AR", "100"),
    ("MSH-2 of six characters", segments("MSH|^~\\&#!|CLINIC|NORTH|NB|NB|2026||ADT^A04|B8|P|2.5", PID), "AR", "102"),
    ("non-UTF-8 bytes with MSH-18 UTF-8",
     (MSH.format(cid="B9") + "||||||UNICODE UTF-8\rPID|1||").encode() + b"\xc3\x28\r", "AE", "102"),
    ("10,000 repetitions in a field",
     segments(MSH.format(cid="B10"), "PID|1||" + "~".join(["R"] * 10000)), "AE", "102"),
    ("unsupported version", segments(MSH.format(cid="B11").replace("2.5.1", "3.0"), PID), "AR", "203"),
    ("missing MSH-10", segments(MSH.format(cid=""), PID), "AR", "101"),
]


@pytest.mark.parametrize("name,message,code,error", CASES, ids=[c[0] for c in CASES])
def test_bad_message_gets_specific_ack(gateway, name, message, code, error):
    connection = MLLPConnection(gateway.mllp_port)
    fields = ack_fields(connection.send(message))
    assert fields["code"] == code, name
    assert fields["error"] == error, name
    if error:
        assert len(fields["error_text"]) > 10
    # The connection stays usable after a NAK.
    assert ack_fields(connection.send(synthetic(f"AFTER-{abs(hash(name))}")))["code"] == "AA"
    connection.close()


def test_nul_bytes_between_frames_are_discarded(gateway):
    connection = MLLPConnection(gateway.mllp_port)
    connection.send_raw(b"\x00\x00\x00" + frame(synthetic("NUL-1")) + b"\x00" * 17 + frame(synthetic("NUL-2")))
    assert ack_fields(connection.read_frame())["control_id"] == "NUL-1"
    assert ack_fields(connection.read_frame())["control_id"] == "NUL-2"
    connection.close()


def test_end_block_without_carriage_return_is_rejected(gateway):
    connection = MLLPConnection(gateway.mllp_port)
    connection.send_raw(b"\x0b" + synthetic("NOCR-1") + b"\x1cX")
    fields = ack_fields(connection.read_frame())
    assert fields["code"] == "AR" and fields["error"] == "100" and fields["control_id"] == "NOCR-1"
    assert ack_fields(connection.send(synthetic("NOCR-2")))["code"] == "AA"
    connection.close()
    assert "NOCR-1" not in {e["controlId"] for e in gateway.journal()}


def test_ten_mebibyte_frame_is_rejected_and_the_connection_closed(gateway):
    bystander = MLLPConnection(gateway.mllp_port)
    connection = MLLPConnection(gateway.mllp_port)
    big = synthetic("BIG-1") + b"NTE|1||" + b"A" * (10 << 20) + b"\r"
    try:
        connection.send_raw(b"\x0b" + big + b"\x1c\x0d")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may close while we are still writing
    fields = ack_fields(connection.read_frame())
    assert fields["code"] == "AR" and fields["control_id"] == "BIG-1"
    assert connection.is_closed_by_peer(wait=10)
    assert ack_fields(bystander.send(synthetic("BYSTANDER-1")))["code"] == "AA"
    bystander.close()


def test_partial_frame_then_silence_is_closed_by_the_idle_timeout(gateway_factory):
    gateway = gateway_factory(env={"NOTEBRIDGE_MLLP_IDLE_TIMEOUT_SECONDS": "2"}).start()
    connection = MLLPConnection(gateway.mllp_port)
    connection.send_raw(b"\x0b" + synthetic("PARTIAL-1")[:40])
    started = time.time()
    assert connection.is_closed_by_peer(wait=15)
    assert time.time() - started < 12
    other = MLLPConnection(gateway.mllp_port)
    assert ack_fields(other.send(synthetic("PARTIAL-2")))["code"] == "AA"
    other.close()
    assert "leftover" in gateway.log_text() or "idle" in gateway.log_text().lower()


def test_a_frame_trickled_byte_by_byte_is_closed_by_the_idle_timeout(gateway_factory):
    """Bytes that never complete a frame do not keep a connection open (idle counts whole frames)."""
    gateway = gateway_factory(env={"NOTEBRIDGE_MLLP_IDLE_TIMEOUT_SECONDS": "2"}).start()
    connection = MLLPConnection(gateway.mllp_port)
    started = time.time()
    closed = False
    for byte in b"\x0b" + synthetic("TRICKLE-1") * 3:
        try:
            connection.send_raw(bytes([byte]))
        except OSError:
            closed = True
            break
        time.sleep(0.2)
        if time.time() - started > 12:
            break
    assert closed or connection.is_closed_by_peer(wait=5)
    assert time.time() - started < 12


def test_garbage_frames_never_take_the_listener_down(gateway):
    for payload in [b"\x0b\x1c\x0d", b"\x0b" + bytes(range(256)) + b"\x1c\x0d", b"\x1c\x0d\x1c\x0d", b"\x0b\x0b\x0b"]:
        connection = MLLPConnection(gateway.mllp_port)
        connection.send_raw(payload)
        connection.close()
    check = MLLPConnection(gateway.mllp_port)
    assert ack_fields(check.send(synthetic("ALIVE-1")))["code"] == "AA"
    check.close()


def test_a_frame_sent_with_an_immediate_half_close_is_journaled_and_answered(gateway_factory):
    """A sender that writes its frame and half-closes at once (`nc -N`, scripted senders) gets its ACK and its
    message is journaled. The frame used to be dropped unanswered when it arrived with the end of input before the
    connection was being served, and the connection then held its slot for ever: with mllp.maxConnections such
    senders, the listener refused every later connection."""
    import socket
    gateway = gateway_factory(env={"NOTEBRIDGE_MLLP_MAX_CONNECTIONS": "8"}).start()
    for index in range(40):
        sock = socket.create_connection(("127.0.0.1", gateway.mllp_port), timeout=15)
        sock.sendall(frame(synthetic(f"HALF-{index}")))
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        sock.close()
        assert answer.startswith(b"\x0b") and answer.endswith(b"\x1c\r"), (index, answer[:80])
        fields = ack_fields(answer[1:-2])
        assert fields["code"] == "AA" and fields["control_id"] == f"HALF-{index}", fields
    connection = MLLPConnection(gateway.mllp_port)
    assert ack_fields(connection.send(synthetic("AFTER-HALF")))["code"] == "AA"
    connection.close()
    journaled = {entry["controlId"] for entry in gateway.journal()}
    assert {f"HALF-{index}" for index in range(40)} <= journaled
    assert "connection limit reached" not in gateway.log_text()
