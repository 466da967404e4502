#!/usr/bin/env python3
"""Usage: Tests/run_with_limit.py SECONDS COMMAND...

Runs a test command (swift test) with a time limit. A test that never ends (a deadlock) would
otherwise hold the run until CI's own limit ends it with no word of which test it was: here the
run is stopped, everything it started included, and the tests that started and did not end are
named. The output passes through unchanged; the command runs under stdbuf, so that its output
comes a line at a time (a test binary writing to a pipe keeps the lines before a hang in its
buffer otherwise).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

STARTED = re.compile(rb"\xe2\x97\x87 Test (\w+)\(.*started\.$")  # "◇ Test name(...) started."
ENDED = re.compile(rb"[\xe2\x9c\x94\xe2\x9c\x98] Test (\w+)\(")  # "✔" or "✘ Test name(..."


def kill_session(sid: int, sig: int) -> None:
    """Signals every process in session `sid`: swift test runs the test binary in a process
    group of its own, so signalling the group it was started in would miss it."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getsid(int(entry)) == sid:
                os.kill(int(entry), sig)
        except (ProcessLookupError, PermissionError):
            pass


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    limit = float(sys.argv[1])
    command = sys.argv[2:]
    if stdbuf := shutil.which("stdbuf"):
        command = [stdbuf, "-oL", "-eL", *command]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    started: dict[bytes, None] = {}
    ended: set[bytes] = set()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
            text = line.rstrip(b"\r\n")
            if m := STARTED.search(text):
                started[m.group(1)] = None
            elif m := ENDED.search(text):
                ended.add(m.group(1))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        status = proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        kill_session(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        kill_session(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join(timeout=5)
        print(f"error: the tests ran past {limit:g} s and were stopped. Started and not ended:", flush=True)
        for name in started:
            if name not in ended:
                print(f"  {name.decode()}", flush=True)
        return 1
    reader.join()
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
