#!/usr/bin/env bash
# What the server adds to a provider call, measured (Track 2).
#
# Starts a fake Groq provider (OpenAI-compatible chat completions, JSON and SSE) and CareChat
# pointed at it, then for each of ITERATIONS rounds measures, on loopback:
#   - streaming: time from sending the request to the first text delta, through
#     POST /api/v1/chat/conversations/{id}/messages?stream=true and from the fake directly;
#   - plain: time to the complete JSON answer, through the endpoint and from the fake directly.
# The overhead is the difference of medians (and of 95th percentiles). The fake answers
# instantly unless FAKE_DELAY_MS is set, so the figures are the server's own cost: auth, storing
# the user message and the reply, building the context, and relaying the provider's stream.
#
#   scripts/bench-chat-overhead.sh                      # release build, 50 rounds
#   ITERATIONS=200 FAKE_DELAY_MS=20 scripts/bench-chat-overhead.sh
#   CARECHAT_BIN=target/debug/carechat scripts/bench-chat-overhead.sh   # an existing binary
#
# Needs python3 and cargo (unless CARECHAT_BIN is given). Prints a summary and, with
# JSON_OUT=file, writes it as JSON.
set -euo pipefail

ITERATIONS="${ITERATIONS:-50}"
FAKE_DELAY_MS="${FAKE_DELAY_MS:-0}"
FEATURES="${FEATURES:-track2,sqlite}"
cd "$(dirname "$0")/.."

if [[ -z "${CARECHAT_BIN:-}" ]]; then
    echo "building carechat (release, features $FEATURES)..." >&2
    cargo build --release --quiet --no-default-features --features "$FEATURES" --bin carechat
    CARECHAT_BIN=target/release/carechat
fi

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- the fake provider ---------------------------------------------------------------------------
cat >"$WORK/fake.py" <<'PY'
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELAY = float(sys.argv[2]) / 1000
ANSWER = "We are open from 8:00 to 19:00 on weekdays and from 9:00 to 13:00 on Saturday.".split(" ")

def chunk(delta, finish=None, usage=None):
    body = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "model": "bench",
            "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage:
        body["usage"] = usage
    return ("data: " + json.dumps(body) + "\n\n").encode()

class Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        time.sleep(DELAY)
        usage = {"prompt_tokens": 40, "completion_tokens": len(ANSWER), "total_tokens": 40 + len(ANSWER)}
        if body.get("stream"):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            for i, word in enumerate(ANSWER):
                self.wfile.write(chunk({"content": word + ("" if i + 1 == len(ANSWER) else " ")}))
                self.wfile.flush()
            self.wfile.write(chunk({}, "stop") + chunk(None, usage=usage) + b"data: [DONE]\n\n")
        else:
            text = " ".join(ANSWER)
            out = json.dumps({"id": "chatcmpl-bench", "object": "chat.completion", "model": "bench", "usage": usage,
                              "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                           "finish_reason": "stop"}]}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(out)))
            self.send_header("connection", "close")
            self.end_headers()
            self.wfile.write(out)
        self.close_connection = True

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Fake).serve_forever()
PY

FAKE_PORT="$(free_port)"
python3 "$WORK/fake.py" "$FAKE_PORT" "$FAKE_DELAY_MS" &
PIDS+=($!)

# --- the server ----------------------------------------------------------------------------------
APP_PORT="$(free_port)"
DB="sqlite://$WORK/bench.db"
env CARECHAT_PROFILE=development RUST_LOG=warn \
    CARECHAT_SERVER__HOST=127.0.0.1 CARECHAT_SERVER__PORT="$APP_PORT" \
    CARECHAT_STORAGE__IDENTITY="$DB" CARECHAT_STORAGE__TRACK1="$DB" CARECHAT_STORAGE__TRACK2="$DB" \
    CARECHAT_STORAGE__TRACK3="$DB" CARECHAT_STORAGE__ANALYTICS="$DB" \
    CARECHAT_CHAT__GROQ__BASE_URL="http://127.0.0.1:$FAKE_PORT" CARECHAT_CHAT__GROQ__API_KEY=bench-key \
    CARECHAT_CHAT__GROQ__MODEL=bench \
    "$CARECHAT_BIN" serve >"$WORK/server.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$APP_PORT/health/ready', timeout=1)" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

# --- the measurements ----------------------------------------------------------------------------
python3 - "$APP_PORT" "$FAKE_PORT" "$ITERATIONS" "${JSON_OUT:-}" <<'PY'
import http.client, json, random, statistics, sys, time

app_port, fake_port, iterations, json_out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def call(port, method, path, body=None, token=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"content-type": "application/json", **(headers or {})}
    if token:
        h["authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, h)
    return conn, conn.getresponse()

def json_call(port, method, path, body=None, token=None, expect=(200, 201)):
    conn, resp = call(port, method, path, body, token)
    data = resp.read()
    conn.close()
    if resp.status not in expect:
        sys.exit(f"{method} {path}: {resp.status} {data[:300]!r}")
    return json.loads(data or b"null")

def first_delta(port, path, body, token, is_delta):
    """Seconds from sending to the first SSE event with text, then drains the stream."""
    start = time.perf_counter()
    conn, resp = call(port, "POST", path, body, token, {"accept": "text/event-stream"})
    if resp.status != 200:
        sys.exit(f"POST {path}: {resp.status} {resp.read()[:300]!r}")
    event, first = None, None
    while True:
        line = resp.readline()
        if not line:
            break
        line = line.decode().rstrip("\r\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and first is None and is_delta(event, line[5:].strip()):
            first = time.perf_counter() - start
    conn.close()
    if first is None:
        sys.exit(f"POST {path}: no text delta in the stream")
    return first

def whole(port, path, body, token):
    start = time.perf_counter()
    json_call(port, "POST", path, body, token)
    return time.perf_counter() - start

phone = "+1555%07d" % random.randrange(10**7)
session = json_call(app_port, "POST", "/api/v1/auth/register",
                    {"fullName": "Bench Patient", "phoneNumber": phone, "password": "tulip-river-42"})
token = session["accessToken"]
conversation = json_call(app_port, "POST", "/api/v1/chat/conversations", {}, token)["conversationId"]
messages = f"/api/v1/chat/conversations/{conversation}/messages"
provider = "/openai/v1/chat/completions"
question = "What are the clinic's opening hours?"
direct = {"model": "bench", "messages": [{"role": "user", "content": question}]}

def groq_delta(event, data):
    if data == "[DONE]":
        return False
    choices = json.loads(data).get("choices") or [{}]
    return bool((choices[0].get("delta") or {}).get("content"))

def app_delta(event, data):
    return event == "delta"

samples = {"stream_app": [], "stream_fake": [], "plain_app": [], "plain_fake": []}
for _ in range(2):  # warm-up: connections, caches, lazy initialisation
    first_delta(app_port, messages + "?stream=true", {"content": question}, token, app_delta)
    whole(app_port, messages, {"content": question}, token)
for _ in range(iterations):
    samples["stream_fake"].append(first_delta(fake_port, provider, {**direct, "stream": True}, None, groq_delta))
    samples["stream_app"].append(first_delta(app_port, messages + "?stream=true", {"content": question}, token, app_delta))
    samples["plain_fake"].append(whole(fake_port, provider, direct, None))
    samples["plain_app"].append(whole(app_port, messages, {"content": question}, token))

def p95(xs):
    return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]

ms = lambda s: round(s * 1000, 2)
summary = {"iterations": iterations}
for kind in ("stream", "plain"):
    app, fake = samples[f"{kind}_app"], samples[f"{kind}_fake"]
    summary[kind] = {
        "app_median_ms": ms(statistics.median(app)), "fake_median_ms": ms(statistics.median(fake)),
        "overhead_median_ms": ms(statistics.median(app) - statistics.median(fake)),
        "app_p95_ms": ms(p95(app)), "fake_p95_ms": ms(p95(fake)),
        "overhead_p95_ms": ms(p95(app) - p95(fake)),
    }
print(f"{iterations} rounds on 127.0.0.1 (fake Groq provider)")
print(f"{'':34}{'via CareChat':>14}{'fake alone':>12}{'overhead':>10}")
for kind, label in (("stream", "time to first delta (stream)"), ("plain", "time to whole answer (JSON)")):
    s = summary[kind]
    print(f"{label + ', median':34}{s['app_median_ms']:>11} ms{s['fake_median_ms']:>9} ms{s['overhead_median_ms']:>7} ms")
    print(f"{label + ', p95':34}{s['app_p95_ms']:>11} ms{s['fake_p95_ms']:>9} ms{s['overhead_p95_ms']:>7} ms")
if json_out:
    with open(json_out, "w") as f:
        json.dump(summary, f, indent=2)
PY
