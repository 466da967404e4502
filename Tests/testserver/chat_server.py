#!/usr/bin/env python3
"""A fake OpenAI-compatible chat completions server for janus-data's client tests.

Standard library only, asyncio (one coroutine per connection, so thousands of open
keep-alive connections cost little). See README.md next to this file; the Files and Batches endpoints are in batch_api.py.

Faults (one is drawn per chat request: first from the script, then by rate, else "ok"):
  ok        a normal completion
  429       HTTP 429 with Retry-After (seconds) and retry-after-ms headers
  500       HTTP 500 with an OpenAI-style error body
  400 401 403 404 422   that status with an OpenAI-style error body (401 echoes the key,
            as some servers do, so the client's redaction can be tested)
  reset     sends the status line, then resets the connection (RST)
  truncate  Content-Length larger than the body sent, then closes
  hang      no answer for --hang-seconds, then a normal one (0: never, until the client leaves)
  length    finish_reason "length"
  empty     empty content
  no_usage  a completion without the "usage" object
  invalid   200 with a body that is not JSON

Over its limit (--limit-rps N): a token bucket of N requests a second (a fifth of a second of
burst) is spent before any fault is drawn; a request that finds it empty is answered 429 at
once, with Retry-After, as a loaded server does. /stats then has a per-second timeline.
"""

import argparse
import asyncio
import batch_api
import hashlib
import json
import os
import random
import resource
import socket
import struct
import sys
import time

FAULTS = {"ok", "429", "500", "400", "401", "403", "404", "422", "reset", "truncate", "hang",
          "length", "empty", "no_usage", "invalid", "fenced", "broken_json"}
REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error"}


class State:
    def __init__(self, args):
        self.latency = args.latency
        self.retry_after = args.retry_after
        self.retry_after_ms = args.retry_after_ms
        self.rates = parse_rates(args.rates)
        self.script = parse_script(args.script)
        self.rng = random.Random(args.seed)
        self.content = args.content
        self.hang_seconds = args.hang_seconds
        self.limit_rps = args.limit_rps
        # One line per 200 answer (the body's sha256), written as it is sent: what a server
        # answered survives its being killed.
        self.answer_log = open(args.answer_log, "a", buffering=1) if args.answer_log else None
        self.reset_counters()

    def reset_counters(self):
        self.requests = 0
        self.connections = 0
        self.outcomes = {}
        self.authorization = {}
        self.answered = {}  # sha256 of a body answered 200 -> how many times
        self.bucket = None  # (tokens, time) of the --limit-rps bucket
        self.started = None
        self.timeline = []  # per second since the first chat request: [answered 200, answered 429]
        self.in_flight = 0
        self.peak_in_flight = 0

    def control(self, body):
        if body.get("reset"):
            self.reset_counters()
        if "latency" in body:
            self.latency = float(body["latency"])
        if "retry_after" in body:
            self.retry_after = body["retry_after"]
        if "retry_after_ms" in body:
            self.retry_after_ms = body["retry_after_ms"]
        if "rates" in body:
            self.rates = {k: float(v) for k, v in body["rates"].items() if k in FAULTS}
        if "script" in body:
            self.script = [f for f in body["script"] if f in FAULTS]
        if "seed" in body:
            self.rng = random.Random(body["seed"])
        if "hang_seconds" in body:
            self.hang_seconds = float(body["hang_seconds"])
        if "limit_rps" in body:
            self.limit_rps = float(body["limit_rps"])
            self.bucket = None
        if "content_faults" in body:
            CONTENT_FAULTS.clear()
            CONTENT_FAULTS.update({k: float(v) for k, v in body["content_faults"].items()
                                   if k in ("fenced", "broken_json")})

    def over_limit(self):
        """Spends one request of the --limit-rps budget; True when there is none left."""
        if not self.limit_rps:
            return False
        now = time.monotonic()
        burst = max(1.0, self.limit_rps / 5)
        tokens, then = self.bucket or (burst, now)
        tokens = min(burst, tokens + (now - then) * self.limit_rps)
        if tokens < 1:
            self.bucket = (tokens, now)
            return True
        self.bucket = (tokens - 1, now)
        return False

    def tally(self, status):
        """Counts a 200 or a 429 in the per-second timeline."""
        now = time.monotonic()
        if self.started is None:
            self.started = now
        second = int(now - self.started)
        while len(self.timeline) <= second:
            self.timeline.append([0, 0])
        self.timeline[second][0 if status == 200 else 1] += 1

    def draw(self):
        if self.script:
            return self.script.pop(0)
        x = self.rng.random()
        for fault, rate in sorted(self.rates.items()):
            if x < rate:
                return fault
            x -= rate
        return "ok"

    def stats(self):
        return {"requests": self.requests, "connections": self.connections,
                "outcomes": self.outcomes, "authorization": self.authorization,
                "script_left": len(self.script),
                "answered_bodies": len(self.answered),
                "answered_again": sum(n - 1 for n in self.answered.values()),
                "timeline": self.timeline, "peak_in_flight": self.peak_in_flight}


def parse_rates(text):
    rates = {}
    for part in filter(None, (text or "").split(",")):
        name, _, value = part.partition("=")
        if name not in FAULTS:
            sys.exit(f"unknown fault {name!r}; known: {sorted(FAULTS)}")
        rates[name] = float(value)
    return rates


def parse_script(text):
    script = [f for f in (text or "").split(",") if f]
    for f in script:
        if f not in FAULTS:
            sys.exit(f"unknown fault {f!r}; known: {sorted(FAULTS)}")
    return script


STATE_CONTENT = ["hash"]
BATCHES = [batch_api.BatchState()]  # the Files and Batches endpoints (batch_api.py)
CONTENT_FAULTS = {}
DIMENSIONS = ["style", "background_knowledge", "informativeness", "harmlessness"]


def janus_content(request, digest, fault):
    """Answers janus-data's stages in kind: a preference set for expand, a system message for
    systems, a response otherwise; all derived from the body's hash."""
    messages = request.get("messages", []) if isinstance(request, dict) else []
    user = next((m.get("content", "") for m in messages if m.get("role") == "user"), "")
    words = [digest[i:i + 6] for i in range(0, 60, 6)]
    if "[RESULT]" in user:
        # A judge's verdict: feedback, then the score; now and then in another shape judges use.
        score = 1 + int(digest[:8], 16) % 5
        shape = int(digest[8:10], 16) % 4
        if shape == 0:
            return f"[RESULT] {score}\nFeedback: the response keeps {words[0]} in view."
        if shape == 1:
            return f"Feedback: the response weighs {words[1]}.\nScore: {score}/5"
        return f"Feedback: the response covers {words[2]} and {words[3]}. [RESULT] {score}"
    if "score rubric" in user and "JSON" in user:
        items = [{"dimension": d, "criteria": f"Does the response follow {words[i]}?",
                  "score_descriptions": {str(n): f"Level {n} of {words[i + 4]}." for n in range(1, 6)}}
                 for i, d in enumerate(DIMENSIONS)]
        return json.dumps(items)
    if "preference set" in user and "JSON" in user:
        items = [{"dimension": d, "subdimension": f"sub{words[i]}", "preference": f"pref {words[i + 4]}",
                  "description": f"A response that keeps {words[i]} and {words[i + 5]} in view."}
                 for i, d in enumerate(DIMENSIONS)]
        text = json.dumps(items)
        # Content faults are decided by the body's hash, not drawn: the same request always gets
        # the same answer, so runs that saw different transport faults end with equal data.
        draw = int(digest[:8], 16) / 0x100000000
        fenced, broken = CONTENT_FAULTS.get("fenced", 0.0), CONTENT_FAULTS.get("broken_json", 0.0)
        if fault == "fenced" or draw < fenced:
            return "Here is the set:\n```json\n" + text + "\n```"
        if fault == "broken_json" or fenced <= draw < fenced + broken:
            return text[: len(text) // 2]
        return text
    if "system message" in user:
        return "You are an assistant who " + " ".join(f"weighs {w} carefully" for w in words) + \
            ", answers plainly, states what is uncertain and avoids anything that could cause harm."
    return f"Response {digest[:16]}: " + " ".join(words)


def completion(body, fault):
    digest = hashlib.sha256(body).hexdigest()
    try:
        request = json.loads(body)
    except ValueError:
        request = {}
    model = request.get("model", "test-model") if isinstance(request, dict) else "test-model"
    if fault == "empty":
        content = ""
    elif STATE_CONTENT[0] == "janus":
        content = janus_content(request, digest, fault)
    else:
        content = f"answer {digest[:16]}: " + " ".join(digest[i:i + 4] for i in range(0, 32, 4))
    doc = {
        "id": "chatcmpl-" + digest[:24], "object": "chat.completion", "created": 1700000000,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "length" if fault == "length" else "stop"}],
    }
    if fault != "no_usage":
        doc["usage"] = {"prompt_tokens": max(1, len(body) // 4),
                        "completion_tokens": max(1, len(content) // 4),
                        "total_tokens": max(1, len(body) // 4) + max(1, len(content) // 4)}
    return json.dumps(doc).encode()


def error_body(status, authorization):
    if status == 401:
        key = authorization.removeprefix("Bearer ")
        message = f"Incorrect API key provided: {key}."
    else:
        message = f"test server says {status} {REASONS.get(status, '')}".strip()
    return json.dumps({"error": {"message": message, "type": "test_error", "code": status}}).encode()


def response(status, body, extra=(), content_length=None, content_type="application/json"):
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}", f"Content-Type: {content_type}",
            f"Content-Length: {len(body) if content_length is None else content_length}"]
    head.extend(extra)
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return method, path, headers, body


def abort(writer):
    """Closes the socket with RST rather than FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def handle(state, reader, writer):
    state.connections += 1
    try:
        while True:
            try:
                method, path, headers, body = await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError, ValueError, asyncio.LimitOverrunError):
                return
            if method == "GET" and path == "/stats":
                writer.write(response(200, json.dumps(dict(state.stats(), batch=BATCHES[0].stats())).encode()))
            elif method == "POST" and path == "/control":
                control = json.loads(body or b"{}")
                state.control(control)
                BATCHES[0].control(control)
                writer.write(response(200, json.dumps(state.stats()).encode()))
            elif path.startswith("/v1/files") or path.startswith("/v1/batches"):
                routed = batch_api.route(BATCHES[0], state, method, path, headers, body, completion, error_body)
                if routed is None:
                    writer.write(response(404, error_body(404, "")))
                else:
                    writer.write(response(routed[0], routed[1], content_type=routed[2]))
            elif method == "POST" and path == "/v1/chat/completions":
                state.in_flight += 1
                state.peak_in_flight = max(state.peak_in_flight, state.in_flight)
                try:
                    keep = await chat(state, reader, writer, headers, body)
                finally:
                    state.in_flight -= 1
                if not keep:
                    return
            else:
                writer.write(response(404, error_body(404, "")))
            try:
                await writer.drain()
            except ConnectionError:
                return  # the client gave up on a hang that has just ended
            if headers.get("connection", "").lower() == "close":
                return
    finally:
        if not writer.is_closing():
            writer.close()


async def chat(state, reader, writer, headers, body):
    """Answers one chat request; returns False when the connection must not be reused."""
    state.requests += 1
    auth = headers.get("authorization", "")
    state.authorization[auth] = state.authorization.get(auth, 0) + 1
    if state.over_limit():
        state.outcomes["over_limit"] = state.outcomes.get("over_limit", 0) + 1
        state.tally(429)
        writer.write(response(429, error_body(429, auth), retry_headers(state)))
        return True
    fault = state.draw()
    state.outcomes[fault] = state.outcomes.get(fault, 0) + 1
    if state.latency > 0:
        await asyncio.sleep(state.latency)
    if fault == "hang":
        if state.hang_seconds <= 0:
            while await reader.read(65536):
                pass
            return False
        await asyncio.sleep(state.hang_seconds)
        fault = "ok"
    if fault == "reset":
        writer.write(b"HTTP/1.1 200 OK\r\n")
        await writer.drain()
        abort(writer)
        return False
    if fault == "truncate":
        payload = completion(body, "ok")
        writer.write(response(200, payload[: len(payload) // 2], content_length=len(payload)))
        await writer.drain()
        writer.close()
        return False
    if fault == "429":
        state.tally(429)
        writer.write(response(429, error_body(429, auth), retry_headers(state)))
    elif fault.isdigit():
        writer.write(response(int(fault), error_body(int(fault), auth)))
    elif fault == "invalid":
        writer.write(response(200, b"<html>not json</html>"))
    else:
        if fault not in ("length", "empty"):
            digest = hashlib.sha256(body).hexdigest()
            state.answered[digest] = state.answered.get(digest, 0) + 1
        state.tally(200)
        writer.write(response(200, completion(body, fault), [
            "x-ratelimit-limit-requests: 10000", "x-ratelimit-remaining-requests: 9999",
            "x-ratelimit-reset-requests: 6ms"]))
        if state.answer_log and fault not in ("length", "empty"):
            state.answer_log.write(hashlib.sha256(body).hexdigest() + "\n")
    return True


def retry_headers(state):
    extra = []
    if state.retry_after is not None:
        extra.append(f"Retry-After: {state.retry_after}")
    if state.retry_after_ms is not None:
        extra.append(f"retry-after-ms: {state.retry_after_ms}")
    return extra


async def main():
    parser = argparse.ArgumentParser(description="fake OpenAI-compatible chat server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed first)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--rates", default="", help="fault=probability,... e.g. 429=0.05,500=0.02")
    parser.add_argument("--script", default="", help="faults for the first requests, e.g. 429,ok")
    parser.add_argument("--retry-after", default="1", help="Retry-After header value for 429")
    parser.add_argument("--retry-after-ms", default=None, help="retry-after-ms header value for 429")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hang-seconds", type=float, default=0.0,
                        help="a hang answers after this many seconds (0: never, until the client leaves)")
    parser.add_argument("--limit-rps", type=float, default=0.0,
                        help="answer 429 at once to every request above this many a second (0: no limit)")
    parser.add_argument("--content-faults", default="",
                        help="with --content janus: fenced=P,broken_json=P, chosen by the body's hash")
    parser.add_argument("--content", choices=["hash", "janus"], default="hash",
                        help="janus: answer janus-data's stages in kind (preference sets, system messages)")
    parser.add_argument("--batch-polls", type=int, default=1,
                        help="polls of /v1/batches/{id} per status step (validating, in_progress, ...)")
    parser.add_argument("--answer-log", default=None,
                        help="append the sha256 of each body answered 200 to this file, a line each")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin closes (the parent test process went away)")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    state = State(args)
    BATCHES[0] = batch_api.BatchState(max(1, args.batch_polls))
    STATE_CONTENT[0] = args.content
    for part in filter(None, args.content_faults.split(",")):
        name, _, value = part.partition("=")
        if name not in ("fenced", "broken_json"):
            sys.exit(f"unknown content fault {name!r}; known: fenced, broken_json")
        CONTENT_FAULTS[name] = float(value)
    server = await asyncio.start_server(lambda r, w: handle(state, r, w), args.host, args.port,
                                        backlog=4096, limit=1 << 24)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        if args.exit_on_stdin_eof:
            await server.start_serving()
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
            os._exit(0)  # at once: no cancelled handlers, no wait for the executor thread
        else:
            await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
