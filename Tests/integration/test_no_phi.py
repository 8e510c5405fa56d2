"""PHI never reaches the logs or the acknowledgments' error texts, whatever happens to a message."""
from conftest import MLLPConnection, ack_fields, frame, synthetic

PHI = ["ZEBULONIA", "QUIXOTICA", "MRN-PHI-998877", "19311231", "42 Hidden Lane"]


def phi_message(control_id, **kwargs):
    return synthetic(control_id, name="ZEBULONIA^QUIXOTICA", mrn="MRN-PHI-998877", **kwargs).replace(
        b"19800214", b"19311231").replace(b"PV1|1|O", b"PV1|1|O|||||||42 Hidden Lane")


def test_no_phi_in_logs_or_error_texts(gateway):
    connection = MLLPConnection(gateway.mllp_port)
    acks = [
        connection.send(phi_message("PHI-1")),
        connection.send(phi_message("PHI-1")),  # duplicate
        connection.send(phi_message("PHI-2").replace(b"PID|", b"pid|")),  # invalid segment name
        connection.send(phi_message("PHI-3", version="9.9")),  # unsupported version
        connection.send(phi_message("PHI-4").replace(b"ZEBULONIA", b"ZEBULONIA\x00")),  # control byte
        connection.send(phi_message("PHI-5") + b"PID|" + "~".join(["ZEBULONIA"] * 2000).encode() + b"\r"),
        connection.send(b"ZEBULONIA QUIXOTICA MRN-PHI-998877 without a header"),
    ]
    connection.send_raw(b"\x0b" + phi_message("PHI-6") + b"\x1cZ")
    acks.append(connection.read_frame())
    connection.send_raw(b"\x0b" + phi_message("PHI-7")[:60])
    connection.close()
    oversize = MLLPConnection(gateway.mllp_port)
    try:
        oversize.send_raw(frame(phi_message("PHI-8") + b"NTE|1||" + b"QUIXOTICA " * 200_000 + b"\r"))
    except OSError:
        pass
    acks.append(oversize.read_frame())
    oversize.close()
    assert [ack_fields(a)["code"] for a in acks] == ["AA", "AA", "AE", "AR", "AE", "AE", "AR", "AR", "AR"]
    for ack in acks:
        error_text = b"\r".join(s for s in ack.split(b"\r") if s.startswith(b"ERR") or s.startswith(b"MSA"))
        for value in PHI:
            assert value.encode() not in error_text
    gateway.stop()
    logs = gateway.log_text()
    assert "PHI-1" in logs  # control IDs are logged, so the log is not simply empty
    for value in PHI:
        assert value not in logs, f"{value} appeared in the gateway log"
