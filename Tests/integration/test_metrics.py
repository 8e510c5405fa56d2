"""`GET /metrics` on a running gateway: the received, processed, delivered, retried and dead counters move with real
traffic (an MLLP sender and a receiving MLLP peer on 127.0.0.1), in the Prometheus text format, and no label or
value holds PHI."""
import re
import urllib.request

from conftest import MLLPConnection
from test_pipeline import NAME_MARKER, TRANSCRIPT_MARKER, Receiver, field, mdm, outbox, send, start_gateway, wait_for

SAMPLE = re.compile(r'^([a-z_]+)\{([^}]*)\} (\d+(?:\.\d+)?)$')


def scrape(gateway) -> tuple[str, dict]:
    """The /metrics body and its samples as {(name, frozenset(labels)): value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/metrics", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        body = response.read().decode()
    samples = {}
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        found = SAMPLE.match(line)
        assert found, f"not a Prometheus sample line: {line!r}"
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', found.group(2)))
        samples[(found.group(1), labels)] = float(found.group(3))
    return body, samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_the_pipeline_and_hold_no_phi(gateway_factory, tmp_path):
    receiver = Receiver()
    refused_mrn, flaky_mrn = "MRN7001", "MRN7002"
    first_try = set()

    def answer(message: str) -> str:
        mrn = field(message, "PID", 3).split("^")[0]
        if mrn == refused_mrn:
            return "AE"  # an application error: the dead letter
        if mrn == flaky_mrn and mrn not in first_try:
            first_try.add(mrn)
            return "AR"  # refused once: retried, then accepted
        return "AA"

    receiver.answer = answer
    try:
        gateway = start_gateway(gateway_factory, tmp_path, receiver.port)
        _, before = scrape(gateway)
        # Counters of the destination exist (at zero) before any traffic.
        for name in ("delivered", "retried", "dead"):
            assert (f"notebridge_messages_{name}_total", frozenset({("destination", "ehr")})) in before

        for number, mrn in enumerate(["MRN7000", refused_mrn, flaky_mrn, "MRN7003"]):
            assert send(gateway, mdm(f"MET-{number}", mrn, f"V{number}")) == "AA"
        assert send(gateway, mdm("MET-0", "MRN7000", "V0")) == "AA"  # the same MSH-10 again: a duplicate
        assert send(gateway, mdm("MET-EMPTY", "MRN7004", "V9", lines=[])) == "AA"  # no transcript: failed
        # A message type that is not a plain HL7 code (here carrying a marker) is counted as `other`.
        odd = mdm("MET-ODD", "MRN7005", "V8").replace(b"MDM^T02^MDM_T02", f"Z{NAME_MARKER}^T02".encode())
        connection = MLLPConnection(gateway.mllp_port)
        try:
            connection.send(odd)
        finally:
            connection.close()

        wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["dead", "delivered", "delivered", "delivered"],
                 what="three rows delivered and one dead")
        body, after = scrape(gateway)

        received = "notebridge_messages_received_total"
        # No route is configured: every message is counted with the route label `none`.
        assert value(after, received, source="mllp", message_type="MDM^T02", outcome="accepted", route="none") == 5
        assert value(after, received, source="mllp", message_type="MDM^T02", outcome="duplicate", route="none") == 1
        odd_count = sum(v for (name, labels), v in after.items()
                        if name == received and ("message_type", "other") in labels)
        assert odd_count == 1, body
        processed = "notebridge_messages_processed_total"
        assert value(after, processed, message_type="MDM^T02", outcome="processed", route="none") == 4
        assert value(after, processed, message_type="MDM^T02", outcome="failed", route="none") == 1
        assert value(after, "notebridge_messages_delivered_total", destination="ehr") == 3
        assert value(after, "notebridge_messages_retried_total", destination="ehr") >= 1
        assert value(after, "notebridge_messages_dead_total", destination="ehr") == 1

        # Labels are destination and route names, message types, sources, outcomes and the audio job states, nothing
        # else.
        names = {label for (_, labels) in after for label, _ in labels}
        assert names <= {"destination", "route", "message_type", "source", "outcome", "state"}
        routes = {value for (name, labels) in after for label, value in labels if label == "route"}
        assert routes == {"none"}, routes
        states = {value for (name, labels) in after for label, value in labels if label == "state"}
        assert states == {"queued", "processing", "failed"}, states
        assert value(after, "notebridge_audio_jobs", state="queued") == 0
        for marker in (NAME_MARKER, TRANSCRIPT_MARKER, "MRN700", "KILDARE", "WELBY", "MET-"):
            assert marker not in body
    finally:
        receiver.stop()
