"""The Files and Batches endpoints of the fake OpenAI server (chat_server.py imports this).

  POST   /v1/files                 multipart upload (purpose, file) -> a file object
  GET    /v1/files/{id}/content    the file's bytes
  DELETE /v1/files/{id}
  POST   /v1/batches               {"input_file_id", "endpoint", "completion_window"} -> a batch
  GET    /v1/batches/{id}          the batch; each poll moves it on: validating -> in_progress ->
                                   finalizing -> completed (after --batch-polls polls a step)
  POST   /v1/batches/{id}/cancel   cancelling; the next poll ends it cancelled, half answered

A batch's lines are answered as the chat endpoint answers them (faults drawn the same way), on
the body's bytes as the request line holds them, so a batch and an online run get equal answers.
/control {"batch_expire": true} makes the batches that end from then on expire with half their
requests answered (the rest in the error file, code batch_expired, as OpenAI writes them);
{"batch_polls": N} sets the polls per step.
"""

import hashlib
import json
import re


class BatchState:
    def __init__(self, polls_per_step=1):
        self.files = {}     # id -> {"bytes", "filename", "purpose"}
        self.batches = {}   # id -> batch object (a dict) and its private fields
        self.next_id = 1
        self.polls_per_step = polls_per_step
        self.expire = False
        self.deleted = []

    def control(self, body):
        if "batch_expire" in body:
            self.expire = bool(body["batch_expire"])
        if "batch_polls" in body:
            self.polls_per_step = max(1, int(body["batch_polls"]))

    def stats(self):
        return {"files": len(self.files), "deleted_files": len(self.deleted),
                "batches": {b["id"]: b["status"] for b in self.batches.values()}}

    def new_id(self, prefix):
        self.next_id += 1
        return f"{prefix}{self.next_id:06d}"

    def add_file(self, data, filename, purpose):
        fid = self.new_id("file-")
        self.files[fid] = {"bytes": data, "filename": filename, "purpose": purpose}
        return {"id": fid, "object": "file", "bytes": len(data), "created_at": 1700000000,
                "filename": filename, "purpose": purpose}


def multipart_fields(content_type, body):
    """The parts of a multipart/form-data body: name -> (filename or None, bytes)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not match:
        return None
    boundary = b"--" + match.group(1).encode()
    fields = {}
    for part in body.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        disposition = head.decode("latin-1")
        name = re.search(r'name="([^"]*)"', disposition)
        filename = re.search(r'filename="([^"]*)"', disposition)
        if name:
            fields[name.group(1)] = (filename.group(1) if filename else None, data)
    return fields


def raw_body(line):
    """The bytes of the line's "body" exactly as written, else a compact re-serialisation."""
    start = line.find(b'"body":')
    end = line.rfind(b"}")
    if start >= 0 and end > start:
        candidate = line[start + 7:end].strip()
        try:
            json.loads(candidate)
            return candidate
        except ValueError:
            pass
    return json.dumps(json.loads(line).get("body", {}), separators=(",", ":")).encode()


def answer_lines(state, chat_state, batch, completion, error_body):
    """Answers the batch's input file; `answered` of the requests (None: all)."""
    text = state.files[batch["input_file_id"]]["bytes"]
    lines = [l for l in text.split(b"\n") if l.strip()]
    ending = batch["status"]
    answered = len(lines) if ending == "completed" else len(lines) // 2
    output, errors = [], []
    for n, line in enumerate(lines):
        request = json.loads(line)
        custom_id = request.get("custom_id")
        line_id = f"batch_req_{batch['id']}_{n}"
        if n >= answered:
            code = "batch_expired" if ending == "expired" else "batch_cancelled"
            errors.append({"id": line_id, "custom_id": custom_id, "response": None,
                           "error": {"code": code, "message": f"not executed: the batch {ending}"}})
            continue
        body = raw_body(line)
        fault = chat_state.draw()
        chat_state.outcomes["batch:" + fault] = chat_state.outcomes.get("batch:" + fault, 0) + 1
        if fault.isdigit():
            errors.append({"id": line_id, "custom_id": custom_id, "error": None,
                           "response": {"status_code": int(fault), "request_id": line_id,
                                        "body": json.loads(error_body(int(fault), ""))}})
            continue
        if fault not in ("length", "empty", "fenced", "broken_json", "no_usage"):
            fault = "ok"
        if fault not in ("length", "empty"):
            digest = hashlib.sha256(body).hexdigest()
            chat_state.answered[digest] = chat_state.answered.get(digest, 0) + 1
        output.append({"id": line_id, "custom_id": custom_id, "error": None,
                       "response": {"status_code": 200, "request_id": line_id,
                                    "body": json.loads(completion(body, fault))}})
    counts = {"total": len(lines), "completed": len(output), "failed": len(errors)}
    return output, errors, counts


def finish(state, chat_state, batch, completion, error_body):
    output, errors, counts = answer_lines(state, chat_state, batch, completion, error_body)
    batch["request_counts"] = counts
    for key, lines in (("output_file_id", output), ("error_file_id", errors)):
        if lines:
            data = b"".join(json.dumps(l).encode() + b"\n" for l in lines)
            batch[key] = state.add_file(data, f"{batch['id']}_{key}.jsonl", "batch_output")["id"]


def step(state, chat_state, batch, completion, error_body):
    """One poll of a batch: moves it one status on every `polls_per_step` polls."""
    batch["_polls"] += 1
    if batch["_polls"] % state.polls_per_step:
        return
    status = batch["status"]
    if status == "cancelling":
        batch["status"] = "cancelled"
        finish(state, chat_state, batch, completion, error_body)
    elif status == "validating":
        batch["status"] = "in_progress"
    elif status == "in_progress":
        batch["status"] = "finalizing"
    elif status == "finalizing":
        batch["status"] = "expired" if state.expire else "completed"
        finish(state, chat_state, batch, completion, error_body)


def public(batch):
    return {k: v for k, v in batch.items() if not k.startswith("_")}


def route(state, chat_state, method, path, headers, body, completion, error_body):
    """Answers a /v1/files or /v1/batches request: (status, body bytes, content type), or None."""
    if method == "POST" and path == "/v1/files":
        fields = multipart_fields(headers.get("content-type"), body)
        if not fields or "file" not in fields:
            return 400, error_body(400, ""), "application/json"
        filename, data = fields["file"]
        purpose = fields.get("purpose", (None, b"batch"))[1].decode()
        return 200, json.dumps(state.add_file(data, filename or "upload.jsonl", purpose)).encode(), "application/json"
    match = re.fullmatch(r"/v1/files/([^/]+)(/content)?", path)
    if match:
        fid = match.group(1)
        if fid not in state.files:
            return 404, error_body(404, ""), "application/json"
        if method == "GET" and match.group(2):
            return 200, state.files[fid]["bytes"], "application/jsonl"
        if method == "DELETE":
            del state.files[fid]
            state.deleted.append(fid)
            return 200, json.dumps({"id": fid, "object": "file", "deleted": True}).encode(), "application/json"
    if method == "POST" and path == "/v1/batches":
        request = json.loads(body or b"{}")
        if request.get("input_file_id") not in state.files:
            return 400, error_body(400, ""), "application/json"
        bid = state.new_id("batch_")
        state.batches[bid] = {"id": bid, "object": "batch", "endpoint": request.get("endpoint"),
                              "input_file_id": request["input_file_id"], "status": "validating",
                              "completion_window": request.get("completion_window", "24h"),
                              "output_file_id": None, "error_file_id": None,
                              "request_counts": {"total": 0, "completed": 0, "failed": 0}, "_polls": 0}
        return 200, json.dumps(public(state.batches[bid])).encode(), "application/json"
    match = re.fullmatch(r"/v1/batches/([^/]+)(/cancel)?", path)
    if match:
        batch = state.batches.get(match.group(1))
        if batch is None:
            return 404, error_body(404, ""), "application/json"
        if method == "POST" and match.group(2):
            if batch["status"] in ("validating", "in_progress", "finalizing"):
                batch["status"] = "cancelling"
                batch["_polls"] = 0
            return 200, json.dumps(public(batch)).encode(), "application/json"
        if method == "GET" and not match.group(2):
            step(state, chat_state, batch, completion, error_body)
            return 200, json.dumps(public(batch)).encode(), "application/json"
    return None
