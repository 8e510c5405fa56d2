#!/usr/bin/env python3
"""Durable acknowledgments per second over MLLP with 16 connections: one `notebridge serve` on SQLite (the embedded
default, WAL, synchronous=normal), then 1, 2 and 3 instances on one PostgreSQL database (Debian's server, started
here in a temporary folder with its durable defaults: fsync on, synchronous_commit on), in the same run.

Each instance acknowledges a message only after its journal commit (group commit: many messages per transaction).
The pipeline is off (no destination), so what is measured is intake: frame, parse, journal, commit, ACK. With N
instances the 16 connections are spread over them (`notebridge bench mllp` per instance, run at once); the rate is
all messages over the slowest run's wall time.

Usage: python3 Benchmarks/postgres_acks.py --bin .build/release/notebridge [--messages 20000] [--repeat 2]
"""
import argparse
import base64
import concurrent.futures
import glob
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time

SUPERUSER = "notebridge"


class Postgres:
    def __init__(self):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
        if not versions:
            raise SystemExit("PostgreSQL server binaries not found (Debian package postgresql)")
        self.bin = pathlib.Path(versions[-1]).parent
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="nbpg-bench-", dir="/tmp"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "nobody", "nogroup")
        self.data = self.folder / "data"
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                   "--no-instructions"])
        self.process = subprocess.Popen(
            self._owner([str(self.bin / "postgres"), "-D", str(self.data), "-k", str(self.folder), "-p", "5432",
                         "-c", "listen_addresses=", "-c", "max_connections=200"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", str(self.folder), "-p", "5432"]).returncode:
            if time.time() > deadline:
                raise SystemExit("PostgreSQL did not start")
            time.sleep(0.1)
        self.version = subprocess.run([str(self.bin / "postgres"), "--version"], capture_output=True,
                                      text=True).stdout.strip()

    def _owner(self, command):
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command] if self.as_root else command

    def _run(self, command):
        subprocess.run(self._owner(command), check=True, capture_output=True)

    def database(self, name: str) -> str:
        subprocess.run([str(self.bin / "psql"), "-h", str(self.folder), "-U", SUPERUSER, "-d", "postgres", "-c",
                        f"CREATE DATABASE {name}"], check=True, capture_output=True)
        return f"postgres://{SUPERUSER}@/{name}?host={self.folder}"

    def stop(self):
        self.process.send_signal(2)
        self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def serve(binary: str, folder: pathlib.Path, env: dict) -> tuple[subprocess.Popen, int]:
    folder.mkdir(parents=True)
    environment = dict(os.environ, NOTEBRIDGE_DATA_DIR=str(folder), NOTEBRIDGE_MLLP_HOST="127.0.0.1",
                       NOTEBRIDGE_MLLP_PORT="0", NOTEBRIDGE_HTTP_HOST="127.0.0.1", NOTEBRIDGE_HTTP_PORT="0",
                       NOTEBRIDGE_LOG_LEVEL="warning", **env)
    process = subprocess.Popen([binary, "serve"], env=environment, stdout=subprocess.PIPE,
                               stderr=open(folder.parent / f"{folder.name}.log", "wb"))
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline().decode()
        found = re.search(r"mllp(?:\+tls)?=[^:\s]+:(\d+) https?=", line)
        if found:
            return process, int(found.group(1))
        if not line and process.poll() is not None:
            raise SystemExit(f"serve exited: {(folder.parent / f'{folder.name}.log').read_text()[-2000:]}")
    raise SystemExit("serve did not report its ports")


def bench(binary: str, ports: list[int], messages: int, connections: int = 16) -> dict:
    shares = [connections // len(ports) + (1 if i < connections % len(ports) else 0) for i in range(len(ports))]

    def one(args):
        port, share = args
        out = subprocess.run([binary, "bench", "mllp", f"127.0.0.1:{port}", "--connections", str(share),
                              "--messages", str(messages * share // connections)], capture_output=True, text=True,
                             check=True).stdout
        return json.loads(out)

    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(len(ports)) as pool:
        results = list(pool.map(one, zip(ports, shares)))
    wall = time.time() - start
    sent = sum(r.get("messages", 0) for r in results)
    return {"instances": len(ports), "messages": sent, "wall": wall, "acksPerSecond": sent / wall,
            "runs": results}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/notebridge")
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    root = pathlib.Path(tempfile.mkdtemp(prefix="nb-bench-"))
    postgres = Postgres()
    print(f"# machine: {os.uname().sysname} {os.uname().release} {os.uname().machine}; {os.cpu_count()} cores; "
          f"{postgres.version}")
    key = base64.b64encode(os.urandom(32)).decode()
    try:
        setups = [("sqlite", 1)] + [("postgresql", n) for n in (1, 2, 3)]
        for repeat in range(args.repeat):
            for backend, count in setups:
                name = f"{backend}{count}r{repeat}"
                env = {"NOTEBRIDGE_DATA_KEY": key}
                if backend == "postgresql":
                    env.update(NOTEBRIDGE_STORAGE_BACKEND="postgresql", NOTEBRIDGE_STORAGE_URL=postgres.database(name))
                processes = []
                try:
                    for index in range(count):
                        processes.append(serve(args.bin, root / f"{name}-{index}", env))
                    # A short warm-up (connections, first migrations), then the measured run.
                    bench(args.bin, [p for _, p in processes], 1600)
                    result = bench(args.bin, [p for _, p in processes], args.messages)
                finally:
                    for process, _ in processes:
                        process.terminate()
                        process.wait(timeout=30)
                p50 = [r["latencyMs"]["p50"] for r in result["runs"]]
                p99 = [r["latencyMs"]["p99"] for r in result["runs"]]
                refused = sum(r.get("notAccepted", 0) for r in result["runs"])
                print(json.dumps({"backend": backend, "instances": count, "repeat": repeat,
                                  "messages": result["messages"], "seconds": round(result["wall"], 2),
                                  "acksPerSecond": round(result["acksPerSecond"]), "notAccepted": refused,
                                  "p50ms": p50, "p99ms": p99}),
                      flush=True)
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
