#!/usr/bin/env python3
"""Durable acknowledgments per second over MLLP with 16 connections: one `notebridge serve` on SQLite (the embedded
default, WAL, synchronous=normal), then 1, 2 and 3 instances on one PostgreSQL database (Debian's server, started
here in a temporary folder with its durable defaults: fsync on, synchronous_commit on), in the same run.

Each instance acknowledges a message only after its journal commit (group commit: many messages per transaction).
The pipeline is off (no destination), so what is measured is intake: frame, parse, journal, commit, ACK. With N
instances the 16 connections are spread over them (`notebridge bench mllp` per instance, run at once); the rate is
all messages over the slowest run's wall time.

With each PostgreSQL run it reports what one acknowledgment costs: the instances' CPU (user + system, from /proc),
the PostgreSQL server's CPU (the postmaster's children: backends, WAL writer, checkpointer), the load generator's CPU,
and from the server's statistics the transactions committed (so the mean batch: messages per commit; the other
instance work in the pipeline-off setup is a few statements a minute) and the WAL flushes (`pg_stat_wal.wal_sync`).

Usage: python3 Benchmarks/postgres_acks.py --bin .build/release/notebridge [--messages 20000] [--repeat 2]
       [--setups sqlite1,postgresql1,postgresql2,postgresql3]
"""
import argparse
import base64
import concurrent.futures
import glob
import json
import os
import pathlib
import re
import resource
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

    def sql(self, database: str, query: str) -> str:
        return subprocess.run([str(self.bin / "psql"), "-h", str(self.folder), "-U", SUPERUSER, "-d", database, "-At",
                               "-F", "|", "-c", query], check=True, capture_output=True, text=True).stdout.strip()

    def counters(self, database: str) -> dict:
        """Commits in `database` and WAL flushes of the whole server, from its statistics."""
        commits = int(self.sql(database, f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database}'"))
        syncs = self.sql(database, "SELECT wal_sync, wal_bytes FROM pg_stat_wal").split("|")
        return {"commits": commits, "walSyncs": int(syncs[0]), "walBytes": int(float(syncs[1]))}

    def cpu_seconds(self) -> float:
        """User + system CPU of the server's processes alive now (the postmaster and its children)."""
        return sum(cpu_seconds(pid) for pid in descendants(self.process.pid))

    def stop(self):
        self.process.send_signal(2)
        self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def descendants(pid: int) -> list[int]:
    found = [pid]
    for parent in found:
        children = pathlib.Path(f"/proc/{parent}/task/{parent}/children")
        try:
            found += [int(child) for child in children.read_text().split()]
        except OSError:
            pass
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` (0 once it is gone)."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def costs(postgres: Postgres, database: str | None, processes) -> dict:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    snapshot = {"gatewayCpu": sum(cpu_seconds(process.pid) for process, _ in processes),
                "postgresCpu": postgres.cpu_seconds() if database else 0.0,
                "clientCpu": children.ru_utime + children.ru_stime}
    if database:
        snapshot.update(postgres.counters(database))
    return snapshot


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/notebridge")
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--setups", default="sqlite1,postgresql1,postgresql2,postgresql3",
                        help="which runs, in order, each repeat")
    args = parser.parse_args()
    root = pathlib.Path(tempfile.mkdtemp(prefix="nb-bench-"))
    postgres = Postgres()
    print(f"# machine: {os.uname().sysname} {os.uname().release} {os.uname().machine}; {os.cpu_count()} cores; "
          f"{postgres.version}")
    key = base64.b64encode(os.urandom(32)).decode()
    try:
        setups = [(re.sub(r"\d+$", "", setup), int(re.search(r"\d+$", setup).group())) for setup in
                  args.setups.split(",")]
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
                    before = costs(postgres, name if backend == "postgresql" else None, processes)
                    load = os.getloadavg()[0]
                    result = bench(args.bin, [p for _, p in processes], args.messages)
                    after = costs(postgres, name if backend == "postgresql" else None, processes)
                    load = [round(load, 2), round(os.getloadavg()[0], 2)]
                finally:
                    for process, _ in processes:
                        process.terminate()
                        process.wait(timeout=30)
                p50 = [r["latencyMs"]["p50"] for r in result["runs"]]
                p99 = [r["latencyMs"]["p99"] for r in result["runs"]]
                refused = sum(r.get("notAccepted", 0) for r in result["runs"])
                sent = max(1, result["messages"])
                per_ack = {name: round((after[name] - before[name]) * 1e6 / sent, 1)
                           for name in ("gatewayCpu", "postgresCpu", "clientCpu")}
                line = {"backend": backend, "instances": count, "repeat": repeat, "messages": result["messages"],
                        "seconds": round(result["wall"], 2), "acksPerSecond": round(result["acksPerSecond"]),
                        "notAccepted": refused, "p50ms": p50, "p99ms": p99, "load1": load,
                        "cpuMicrosecondsPerAck": per_ack}
                if backend == "postgresql":
                    commits = after["commits"] - before["commits"]
                    line.update(commits=commits, acksPerCommit=round(sent / max(1, commits), 1),
                                walSyncs=after["walSyncs"] - before["walSyncs"],
                                walBytesPerAck=round((after["walBytes"] - before["walBytes"]) / sent))
                print(json.dumps(line), flush=True)
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
