"""Nothing acknowledged is lost: kill -9 mid-stream, restart, every ACKed message is in the journal."""
import signal
import threading
import time

from conftest import MLLPConnection, ack_fields, synthetic


def test_kill_9_mid_stream_loses_no_acknowledged_message(gateway_factory):
    gateway = gateway_factory().start()
    acknowledged = set()
    lock = threading.Lock()
    stop = threading.Event()

    def sender(worker):
        try:
            connection = MLLPConnection(gateway.mllp_port, timeout=5)
            i = 0
            while not stop.is_set():
                control_id = f"K9-{worker}-{i}"
                try:
                    fields = ack_fields(connection.send(synthetic(control_id)))
                except (ConnectionError, OSError):
                    return
                if fields["code"] == "AA" and fields["control_id"] == control_id:
                    with lock:
                        acknowledged.add(control_id)
                i += 1
        except OSError:
            return

    threads = [threading.Thread(target=sender, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= 300:
                break
        time.sleep(0.05)
    gateway.process.send_signal(signal.SIGKILL)  # mid-stream: the senders are still writing
    gateway.process.wait()
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acknowledged) >= 300

    restarted = gateway_factory().start()  # same data folder, same key file
    journaled = {e["controlId"] for e in restarted.journal()}
    missing = acknowledged - journaled
    assert not missing, f"{len(missing)} acknowledged messages are not in the journal"
    # After the restart the gateway accepts again, and a resent ACKed message is a duplicate.
    connection = MLLPConnection(restarted.mllp_port)
    assert ack_fields(connection.send(synthetic("K9-AFTER")))["code"] == "AA"
    some = sorted(acknowledged)[0]
    assert ack_fields(connection.send(synthetic(some)))["control_id"] == some
    connection.close()
    assert sum(1 for e in restarted.journal() if e["controlId"] == some) == 1


def test_sigterm_drains_and_closes(gateway):
    connection = MLLPConnection(gateway.mllp_port)
    assert ack_fields(connection.send(synthetic("TERM-1")))["code"] == "AA"
    started = time.time()
    code = gateway.stop(signal.SIGTERM, timeout=30)
    assert code == 0
    assert time.time() - started < 20
    assert "journal closed" in gateway.log_text()
    connection.close()
