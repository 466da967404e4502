"""A fake Hugging Face Hub on 127.0.0.1 for the hf:// source tests: the dataset revision API
and file downloads (through a redirect, with Range requests), serving one folder as one dataset.

Usage: fake_hub.py --root DIR --repo owner/name --commit SHA [--port 0] [--token T]
       [--cut-first] [--wrong-sha PATH] [--log FILE] [--exit-on-stdin-eof]
Prints the port on the first stdout line. --cut-first: the first request of each file sends
half of it and drops the connection. --wrong-sha: the API reports another sha256 for PATH.
--log: one line per request, "METHOD PATH RANGE AUTHORIZATION".
"""
import argparse
import hashlib
import json
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse


def files(root):
    out = []
    for folder, _, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            out.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token")
    parser.add_argument("--cut-first", action="store_true")
    parser.add_argument("--wrong-sha")
    parser.add_argument("--log")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    cut_done = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def send_json(self, status, value):
            body = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urlparse(self.path)
            path = unquote(url.path)
            if args.log:
                with lock, open(args.log, "a") as log:
                    log.write(f"GET {path} {self.headers.get('Range', '-')} {self.headers.get('Authorization', '-')}\n")
            if args.token and self.headers.get("Authorization") != f"Bearer {args.token}" and not path.startswith("/cdn/"):
                return self.send_json(401, {"error": "Invalid credentials"})
            api = f"/api/datasets/{args.repo}/revision/"
            resolve = f"/datasets/{args.repo}/resolve/{args.commit}/"
            if path.startswith(api):
                revision = path[len(api):]
                if revision not in ("main", args.commit):
                    return self.send_json(404, {"error": "Revision Not Found"})
                siblings = []
                for name in files(args.root):
                    data = open(os.path.join(args.root, name), "rb").read()
                    sha = hashlib.sha256(data).hexdigest()
                    if name == args.wrong_sha:
                        sha = hashlib.sha256(data + b"x").hexdigest()
                    siblings.append({"rfilename": name, "size": len(data), "lfs": {"sha256": sha, "size": len(data), "pointerSize": 134}})
                return self.send_json(200, {"id": args.repo, "sha": args.commit, "siblings": siblings})
            if path.startswith(resolve):
                # As the Hub does for LFS files: a redirect to the file store.
                self.send_response(302)
                self.send_header("Location", "/cdn/" + path[len(resolve):])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if path.startswith("/cdn/"):
                name = path[len("/cdn/"):]
                full = os.path.join(args.root, name)
                if ".." in name.split("/") or not os.path.isfile(full):
                    return self.send_json(404, {"error": "Entry not found"})
                data = open(full, "rb").read()
                start = 0
                ranged = self.headers.get("Range")
                if ranged and ranged.startswith("bytes=") and ranged.endswith("-"):
                    start = int(ranged[len("bytes="):-1])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                body = data[start:]
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with lock:
                    cut = args.cut_first and name not in cut_done
                    cut_done.add(name)
                if cut:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.wfile.write(body)
                return
            self.send_json(404, {"error": "not found"})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    if args.exit_on_stdin_eof:
        def watch():
            sys.stdin.read()
            server.shutdown()
        threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
