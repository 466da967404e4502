"""Soak: a long build through the test server with a fault mix and repeated SIGKILLs, compared
with a clean run of the same work. Prints requests sent against requests needed, and fails
(exit 1) if the exports differ or a record is lost or duplicated.

Usage: python3 bench/soak.py --bin .build/release/janus-data [--instructions 11112] [--kills 20]
"""
import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SERVER = os.path.join(ROOT, "Tests", "testserver", "chat_server.py")
TRANSPORT_FAULTS = "429=0.10,500=0.05,reset=0.02,truncate=0.01,hang=0.005"
CONTENT_FAULTS = "fenced=0.01,broken_json=0.01"


def stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as r:
        return json.load(r)


def control(port, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/control", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def files(directory):
    out = {}
    for base, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, directory)] = f.read()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--instructions", type=int, default=11112, help="9 requests each: 11,112 -> 100k")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    rng = random.Random(args.seed)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    work = tempfile.mkdtemp(prefix="janus-soak-")
    corpus = os.path.join(work, "in.jsonl")
    subprocess.run([sys.executable, os.path.join(HERE, "make_instructions.py"), str(args.instructions), "300", corpus], check=True)
    with open(os.path.join(work, "janus.yaml"), "w") as f:
        f.write("provider:\n  connect_timeout: 2\n  timeout: 3\n  max_attempts: 12\n")

    server = subprocess.Popen([sys.executable, SERVER, "--content", "janus", "--latency", "0.05",
                               "--rates", TRANSPORT_FAULTS, "--retry-after-ms", "50",
                               "--content-faults", CONTENT_FAULTS, "--seed", str(args.seed)],
                              stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    env = dict(os.environ, SOAK_KEY="sk-soak")

    def build(db, out, background=False):
        cmd = [args.bin, "build", "--config", os.path.join(work, "janus.yaml"), "--db", db, "--out", out,
               "--provider", "openai", "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "soak-model",
               "--api-key-env", "SOAK_KEY", "--concurrency", str(args.concurrency), "--seed", "9",
               "--source", f"jsonl={corpus}", "--no-near-dedup"]
        if background:
            return subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    try:
        started = time.time()
        clean = build(os.path.join(work, "clean.db"), os.path.join(work, "clean"))
        clean_wall = time.time() - started
        if clean.returncode != 0:
            print(clean.stderr)
            sys.exit(f"clean run failed with {clean.returncode}")
        s = stats(port)
        needed = s["answered_bodies"]
        clean_sent = s["requests"]
        control(port, {"reset": True})

        started = time.time()
        kills = 0
        for _ in range(args.kills):
            proc = build(os.path.join(work, "killed.db"), os.path.join(work, "killed"), background=True)
            time.sleep(rng.uniform(1.0, min(15.0, max(2.0, clean_wall / 4))))
            if proc.poll() is not None:
                break
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        final = build(os.path.join(work, "killed.db"), os.path.join(work, "killed"))
        killed_wall = time.time() - started
        if final.returncode != 0:
            print(final.stderr)
            sys.exit(f"resumed run failed with {final.returncode}")
        s = stats(port)

        a, b = files(os.path.join(work, "clean")), files(os.path.join(work, "killed"))
        same = a == b
        records = {}
        for name, data in b.items():
            if name.endswith(".jsonl"):
                lines = data.decode().splitlines()
                records[name] = (len(lines), len(set(lines)))
        print(f"{'run':<10} {'requests sent':>14} {'bodies answered':>16} {'answered again':>15} {'wall s':>8} {'kills':>6}")
        print(f"{'clean':<10} {clean_sent:>14} {needed:>16} {0:>15} {clean_wall:>8.1f} {0:>6}")
        print(f"{'killed':<10} {s['requests']:>14} {s['answered_bodies']:>16} {s['answered_again']:>15} {killed_wall:>8.1f} {kills:>6}")
        print(f"server outcomes (killed run): {json.dumps(s['outcomes'], sort_keys=True)}")
        print(f"requests needed (distinct answered bodies, clean run): {needed}; answered again after kills: {s['answered_again']} "
              f"(at most {args.concurrency} in flight per kill)")
        dupes = {n: c for n, c in records.items() if c[0] != c[1]}
        print(f"exports equal to the clean run's: {same}; records per shard {sum(c[0] for c in records.values())}, duplicated lines: {len(dupes)}")
        ok = same and not dupes and s["answered_bodies"] == needed and s["answered_again"] <= kills * args.concurrency
        print("result: PASS" if ok else "result: FAIL")
        sys.exit(0 if ok else 1)
    finally:
        server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
