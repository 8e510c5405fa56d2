#!/usr/bin/env python3
"""FHIR destination benchmark (issue 14, "Measured"): encounters per second from MLLP in (MDM^T02 with a transcript
of `--words` words) to a FHIR transaction Bundle answered by a FHIR server, the time from the inbound ACK to the
server's answer at half that rate, and token requests per 1,000 deliveries.

The FHIR server is the tests' endpoint (Tests/integration/fixtures/fhir_endpoint.py), started here on 127.0.0.1 with
`--no-validate` (it answers from memory: conditional creates by identifier, urn:uuid references rewritten, nothing
validated) and `--require-token` (OAuth client credentials with a client secret; tokens live `--token-lifetime`
seconds, longer than the run, so the target is one token request in all). Its own cost is measured separately: its
CPU time per transaction and its median time per transaction (request line read to answer written), from its
timeline. The gateway's CPU time per encounter is reported too (less sensitive to other work on a shared machine).

Usage: python3 Benchmarks/fhir_bench.py --bin .build/release/notebridge --words 1500 --messages 1000
Prints one JSON object per phase: throughput (all messages sent as fast as `--connections` senders go; wall time
from the first send to the last transaction answered) and latency (paced at half the measured rate for `--seconds`).
"""
import json
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from pipeline_bench import common_arguments, cpu_seconds, mdm, send_all, start_gateway, transcript  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
ENDPOINT = REPO / "Tests" / "integration" / "fixtures" / "fhir_endpoint.py"
SECRET = "bench-client-secret-0123456789"


class Endpoint:
    def __init__(self, token_lifetime: int):
        self.process = subprocess.Popen([sys.executable, str(ENDPOINT), "--port", "0", "--require-token",
                                         "--no-validate"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.process.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise SystemExit(f"the FHIR endpoint did not start: {line!r}")
        self.port = int(line.split()[1])
        self.base = f"http://127.0.0.1:{self.port}/fhir"
        self.call("POST", "/_control", {"clients": {"nb-bench": {"secret": SECRET}},
                                        "token_lifetime": token_lifetime})

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def run(args) -> int:
    lines = transcript(args.words)
    data = pathlib.Path(tempfile.mkdtemp())
    endpoint = Endpoint(args.token_lifetime)
    config = data / "bench.yaml"
    config.write_text(
        "destinations:\n  ehr:\n    type: fhir\n    baseUrl: ${BENCH_FHIR_BASE}\n    mode: transaction\n"
        "    auth: client-secret\n    clientId: nb-bench\n    clientSecret: ${BENCH_FHIR_SECRET}\n"
        "    scopes: [system/*.write]\n    timeoutSeconds: 30\n")
    server = None
    try:
        server, port = start_gateway(args.bin, config, data,
                                     {"BENCH_FHIR_BASE": endpoint.base, "BENCH_FHIR_SECRET": SECRET})

        def arrivals() -> dict:
            """Encounter number → (answered at, endpoint seconds) of the first transaction that wrote its patient."""
            out = {}
            for answered, spent, patients in endpoint.call("GET", "/_control/timeline"):
                for value in patients:
                    if value and value.startswith("BM") and value[2:].isdigit():
                        out.setdefault(int(value[2:]), (answered, spent))
            return out

        def phase(first: int, count: int, rate: float | None) -> dict:
            acked, lock = {}, threading.Lock()
            cpu_gateway, cpu_endpoint = cpu_seconds(server.pid), cpu_seconds(endpoint.process.pid)
            start = time.time() + 0.2
            batches = [[] for _ in range(args.connections)]
            for index in range(count):
                due = start + (index / rate if rate else 0)
                batches[index % args.connections].append((first + index, mdm(first + index, lines), due))
            threads = [threading.Thread(target=send_all, args=(port, batch, acked, lock, rate)) for batch in batches]
            began = time.time()
            for thread in threads:
                thread.start()
            deadline = began + args.timeout
            wanted = set(range(first, first + count))
            arrived = {}
            while time.time() < deadline:
                time.sleep(0.5)
                arrived = {n: t for n, t in arrivals().items() if n in wanted}
                if len(arrived) >= count:
                    break
            for thread in threads:
                thread.join(timeout=5)
            gateway_cpu = cpu_seconds(server.pid) - cpu_gateway
            endpoint_cpu = cpu_seconds(endpoint.process.pid) - cpu_endpoint
            elapsed = (max(t for t, _ in arrived.values()) if arrived else time.time()) - began
            latencies = sorted((arrived[n][0] - acked[n]) * 1000 for n in arrived if n in acked)
            spent = sorted(s * 1000 for _, s in arrived.values())
            result = {"messages": count, "delivered": len(arrived), "seconds": round(elapsed, 2),
                      "encountersPerSecond": round(len(arrived) / elapsed, 1) if elapsed > 0 else 0,
                      "inboundAcksPerSecond": round(len(acked) / (max(acked.values()) - began), 1) if acked else 0,
                      "gatewayCpuMsPerEncounter": round(gateway_cpu * 1000 / max(1, len(arrived)), 2),
                      # The endpoint's own cost (its polling by this script included, a few requests a second).
                      "endpointCpuMsPerTransaction": round(endpoint_cpu * 1000 / max(1, len(arrived)), 2),
                      "endpointMedianMsPerTransaction": round(statistics.median(spent), 2) if spent else None}
            if latencies:
                result.update({"ackToAnsweredMedianMs": round(statistics.median(latencies), 1),
                               "ackToAnsweredP95Ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1)})
            return result

        throughput = phase(0, args.messages, None)
        print(json.dumps({"phase": "throughput", "words": args.words, "connections": args.connections,
                          **throughput}), flush=True)
        half = max(1.0, throughput["encountersPerSecond"] / 2)
        count = max(10, int(half * args.seconds))
        latency = phase(10_000_000, count, half)
        print(json.dumps({"phase": "latency", "words": args.words, "ratePerSecond": round(half, 1), **latency}),
              flush=True)
        stats = endpoint.call("GET", "/_control/stats")
        delivered = throughput["delivered"] + latency["delivered"]
        print(json.dumps({"phase": "tokens", "deliveries": delivered, "tokenRequests": stats["token_requests"],
                          "tokenRequestsPer1000Deliveries": round(stats["token_requests"] * 1000 / max(1, delivered), 2),
                          "unauthorized": stats["unauthorized"], "tokenLifetimeSeconds": args.token_lifetime}),
              flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        endpoint.stop()
        if not args.keep_data:
            shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    parser = common_arguments(words=1500, messages=1000)
    parser.add_argument("--token-lifetime", type=int, default=3600, help="seconds the endpoint's tokens are valid")
    sys.exit(run(parser.parse_args()))
