#!/usr/bin/env python3
"""End-to-end pipeline benchmark (issue 13): encounters per second from MLLP in (MDM^T02 with a transcript) to MLLP
out (ORU^R01 acknowledged AA by a Python MLLP peer started here), and the time from the inbound ACK to the outbound
message's arrival at half that rate. Everything runs on 127.0.0.1 on this machine; the loops are bounded in count
and time.

Usage: python3 Benchmarks/pipeline_bench.py --bin .build/release/notebridge --words 200 --messages 2000
Prints one JSON object per phase: throughput (all messages sent as fast as `--connections` senders go, wall time
from the first send to the last ORU^R01 received) and latency (paced at half the measured rate for `--seconds`).

`--inbound-messages N` also runs `notebridge bench mllp` (16 connections of small ADT^A04 messages, each waiting for
its ACK: the method of the MLLP benchmark in Benchmarks/run.sh) against the same gateway once the throughput phase has
queued work for the pipeline, and prints its result: the durable ACK rate while the pipeline runs.
`--rss-every S` samples the gateway's resident memory every S seconds and prints the samples with the peak.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
VT, FS, CR = b"\x0b", b"\x1c", b"\x0d"


def transcript(words: int) -> list:
    """A dialogue of about `words` words, lines of the sample dialogues repeated in order."""
    lines = []
    for path in sorted((REPO / "samples" / "transcripts").glob("*-dialogue.txt")):
        lines += [line.strip() for line in path.read_text().splitlines() if line.strip()]
    out, count, index = [], 0, 0
    while count < words:
        line = lines[index % len(lines)].replace("|", " ").replace("^", " ").replace("~", " ").replace("\\", " ").replace("&", " and ")
        out.append(line)
        count += len(line.split())
        index += 1
    return out


def mdm(number: int, lines: list) -> bytes:
    segments = [
        f"MSH|^~\\&|DICTATE|NORTH|NOTEBRIDGE|NB|20261101093000||MDM^T02^MDM_T02|BENCH{number}|P|2.5.1",
        "EVN|T02|20261101093000",
        f"PID|1||BM{number}^^^NORTH^MR||BENCH^PATIENT||19800214|F",
        f"PV1|1|O|CLINIC^101^A||||1234^WELBY^MARCUS|||MED|||||||||V{number}",
        f"TXA|1|PN|TX|20261101093000|5678^KILDARE^JAMES||||||DOC{number}||||||AU||AV",
    ]
    segments += [f"OBX|{i}|TX|11506-3^Progress note^LN|1|{line}||||||F" for i, line in enumerate(lines, start=1)]
    return ("\r".join(segments) + "\r").encode()


class Receiver:
    """The EHR's MLLP listener: answers AA, records when each patient's ORU^R01 arrived."""

    def __init__(self):
        self.arrived = {}
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def serve(self, connection):
        buffer = b""
        while True:
            try:
                chunk = connection.recv(262144)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while FS + CR in buffer:
                end = buffer.index(FS + CR)
                message = buffer[buffer.index(VT) + 1:end]
                buffer = buffer[end + 2:]
                now = time.time()
                fields = message.split(b"\r", 1)[0].split(b"|")
                control, kind = fields[9].decode(), fields[8].decode()
                if kind.startswith("ORU^R01"):
                    pid = next(s for s in message.split(b"\r") if s.startswith(b"PID|"))
                    number = int(pid.split(b"|")[3].split(b"^")[0][2:])
                    with self.lock:
                        self.arrived.setdefault(number, now)
                ack = f"MSH|^~\\&|EHR|HOSP|NOTEBRIDGE||20261101093001||ACK^R01^ACK|A{control}|P|2.5.1\rMSA|AA|{control}\r"
                connection.sendall(VT + ack.encode() + FS + CR)

    def count(self) -> int:
        with self.lock:
            return len(self.arrived)


def send_all(port: int, messages: list, acked: dict, lock: threading.Lock, pace: float | None = None):
    """Sends `messages` [(number, bytes)] over one connection, each after the previous ACK (and, when paced, not
    before its due time), recording the ACK time."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    buffer = b""
    for number, body, due in messages:
        if pace is not None:
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
        sock.sendall(VT + body + FS + CR)
        while FS + CR not in buffer:
            buffer += sock.recv(65536)
        end = buffer.index(FS + CR)
        ack, buffer = buffer[:end], buffer[end + 2:]
        assert b"MSA|AA|" in ack, ack[:200]
        with lock:
            acked[number] = time.time()
    sock.close()


def start_gateway(binary: str, config: pathlib.Path, data: pathlib.Path, env: dict | None = None):
    """Starts `notebridge serve --config config` with its data under `data`, its listeners on 127.0.0.1 and
    ephemeral ports and `env` added; returns the process and its MLLP port, once the coder's index has warmed up."""
    env = dict(os.environ, NOTEBRIDGE_DATA_DIR=str(data / "data"), NOTEBRIDGE_MLLP_HOST="127.0.0.1",
               NOTEBRIDGE_MLLP_PORT="0", NOTEBRIDGE_HTTP_HOST="127.0.0.1", NOTEBRIDGE_HTTP_PORT="0",
               NOTEBRIDGE_LOG_LEVEL="warning", **(env or {}))
    server = subprocess.Popen([binary, "serve", "--config", str(config)], env=env, stdout=subprocess.PIPE,
                              stderr=open(data / "serve.err", "wb"))
    port = None
    while port is None:
        line = server.stdout.readline().decode()
        if not line:
            raise SystemExit("the gateway exited: " + (data / "serve.err").read_text()[-2000:])
        found = re.search(r"mllp=[^:\s]+:(\d+)", line)
        port = int(found.group(1)) if found else None
    time.sleep(2)  # the coder's index warm-up
    return server, port


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (all its threads)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def common_arguments(words: int, messages: int) -> argparse.ArgumentParser:
    """The options both end-to-end benchmarks take."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(REPO / ".build" / "release" / "notebridge"))
    parser.add_argument("--words", type=int, default=words)
    parser.add_argument("--messages", type=int, default=messages)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the half-load latency phase")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--keep-data", action="store_true", help="keep the gateway's data folder (removed by default)")
    return parser


def run(args) -> int:
    lines = transcript(args.words)
    data = pathlib.Path(tempfile.mkdtemp())
    receiver = Receiver()
    config = data / "bench.yaml"
    config.write_text(
        f"destinations:\n  ehr:\n    type: mllp\n    host: 127.0.0.1\n    port: {receiver.port}\n"
        "    receivingApplication: EHR\n    receivingFacility: HOSP\n    ackTimeoutSeconds: 30\n")
    server, port = start_gateway(args.bin, config, data)

    samples = []
    sampling = threading.Event()

    def sample_rss():
        began = time.time()
        while not sampling.wait(args.rss_every):
            try:
                status = pathlib.Path(f"/proc/{server.pid}/status").read_text()
            except OSError:
                return
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
            with receiver.lock:
                delivered = len(receiver.arrived)
            samples.append((round(time.time() - began, 1), delivered, round(rss, 1)))

    if args.rss_every:
        threading.Thread(target=sample_rss, daemon=True).start()

    inbound = {}

    def inbound_bench():
        # Starts once the pipeline has work queued, and measures the durable ACK rate next to it.
        time.sleep(args.inbound_delay)
        result = subprocess.run([args.bin, "bench", "mllp", f"127.0.0.1:{port}", "--connections", "16",
                                 "--messages", str(args.inbound_messages)], capture_output=True, text=True)
        inbound.update(json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else
                       {"error": result.stderr[-500:]})
        with receiver.lock:
            inbound["deliveredWhenDone"] = len(receiver.arrived)

    def phase(first: int, count: int, connections: int, rate: float | None) -> dict:
        acked, lock = {}, threading.Lock()
        cpu_before = cpu_seconds(server.pid)
        start = time.time() + 0.2
        batches = [[] for _ in range(connections)]
        for index in range(count):
            due = start + (index / rate if rate else 0)
            batches[index % connections].append((first + index, mdm(first + index, lines), due))
        threads = [threading.Thread(target=send_all, args=(port, batch, acked, lock, rate)) for batch in batches]
        with receiver.lock:
            before = len(receiver.arrived)
        began = time.time()
        for thread in threads:
            thread.start()
        side = None
        if rate is None and args.inbound_messages:
            side = threading.Thread(target=inbound_bench)
            side.start()
        deadline = began + args.timeout
        while time.time() < deadline:
            with receiver.lock:
                done = len(receiver.arrived) - before
            if done >= count:
                break
            time.sleep(0.05)
        if side is not None:
            side.join(timeout=args.timeout)
        for thread in threads:
            thread.join(timeout=5)
        with receiver.lock:
            arrived = {n: receiver.arrived[n] for n in range(first, first + count) if n in receiver.arrived}
        elapsed = (max(arrived.values()) if arrived else time.time()) - began
        latencies = sorted((arrived[n] - acked[n]) * 1000 for n in arrived if n in acked)
        result = {"messages": count, "delivered": len(arrived), "seconds": round(elapsed, 2),
                  "encountersPerSecond": round(len(arrived) / elapsed, 1) if elapsed > 0 else 0,
                  "inboundAcksPerSecond": round(len(acked) / (max(acked.values()) - began), 1) if acked else 0}
        # The gateway's CPU time per encounter (intake, note, store, delivery; the peer and senders not counted):
        # less sensitive than the rates to other work on a shared machine.
        result["gatewayCpuMsPerEncounter"] = round((cpu_seconds(server.pid) - cpu_before) * 1000 / max(1, len(arrived)), 2)
        if latencies:
            result.update({"ackToDeliveredMedianMs": round(statistics.median(latencies), 1),
                           "ackToDeliveredP95Ms": round(latencies[int(len(latencies) * 0.95) - 1], 1)})
        return result

    try:
        throughput = phase(0, args.messages, args.connections, None)
        print(json.dumps({"phase": "throughput", "words": args.words, "connections": args.connections, **throughput}),
              flush=True)
        if inbound:
            print(json.dumps({"phase": "inbound-during-pipeline", **inbound}), flush=True)
        half = max(1.0, throughput["encountersPerSecond"] / 2)
        count = max(10, int(half * args.seconds))
        latency = phase(10_000_000, count, args.connections, half)
        print(json.dumps({"phase": "latency", "words": args.words, "ratePerSecond": round(half, 1), **latency}),
              flush=True)
        status = pathlib.Path(f"/proc/{server.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024
        sampling.set()
        memory = {"phase": "memory", "words": args.words, "peakRSSMiB": peak}
        if samples:
            memory["rssSamples"] = [{"seconds": t, "delivered": d, "rssMiB": r} for t, d, r in samples]
        print(json.dumps(memory), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
        if not args.keep_data:
            shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    parser = common_arguments(words=200, messages=2000)
    parser.add_argument("--inbound-messages", type=int, default=0,
                        help="also run `notebridge bench mllp` with 16 connections and this many messages")
    parser.add_argument("--inbound-delay", type=float, default=1.0, help="seconds into the throughput phase")
    parser.add_argument("--rss-every", type=float, default=0.0, help="sample the gateway's RSS every S seconds")
    sys.exit(run(parser.parse_args()))
