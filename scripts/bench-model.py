#!/usr/bin/env python3
"""The model bench: 10 short questions posted as the page posts them (botParams entity guide),
each timed from its POST until the bot's answer is stored and readable (a fresh poll every
50 ms), with the real local model behind the bot. Also the model server's tokens a second (from
llama.cpp's own timings in its log) and its memory (VmRSS/VmHWM from /proc).

Run through `make bench` (scripts/bench-model.sh starts the model server and the bot against a
fresh worker from scripts/with-worker.sh). Prints a markdown table for docs/benchmarks.md.
"""
import json, os, re, statistics, sys, time, urllib.request

BASE = os.environ["SWW_BASE_URL"]
LOG = os.environ["MODEL_LOG"]
SERVER_PID = int(os.environ["MODEL_PID"])
QUESTIONS = [
    "hello, who are you?", "what is the capital of France?", "tell me a short joke",
    "what colour is the sky?", "how are you today?", "name a fruit", "what is 2 plus 2?",
    "say something kind", "what day comes after Monday?", "do you like music?",
]
TIMEOUT_S = 120


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def cursor_now():
    return call("GET", "/api/comments?limit=1&fresh=true").get("cursor")


def ask(i, text):
    qid = f"bench-model-{os.getpid()}-{i}"
    after = cursor_now()
    start = time.monotonic()
    call("POST", "/api/comments", {"id": qid, "text": text, "username": "bench",
                                   "color": "200100050",
                                   "botParams": {"entity": "guide", "processed": False}})
    while time.monotonic() - start < TIMEOUT_S:
        page = call("GET", f"/api/comments?after={after}&limit=200&fresh=true")
        for c in page.get("comments", []):
            if c.get("id") == f"re-{qid}" or c.get("replyTo") == qid:
                return time.monotonic() - start, c.get("text", "")
        after = page.get("cursor", after)
        time.sleep(0.05)
    raise SystemExit(f"no answer to question {i} ({text!r}) within {TIMEOUT_S} s")


def rss_kib(field):
    with open(f"/proc/{SERVER_PID}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} for the model server (pid {SERVER_PID})")


def main():
    log_start = os.path.getsize(LOG)
    times = []
    for i, q in enumerate(QUESTIONS):
        took, answer = ask(i, q)
        times.append(took)
        print(f"{took:6.2f} s  {q!r} -> {answer[:70]!r}", file=sys.stderr)
    with open(LOG, errors="replace") as f:
        f.seek(log_start)
        timings = f.read()
    # llama.cpp prints, per request: "eval time = X ms / N runs ( ... , T tokens per second)".
    evals = [(float(ms), int(n)) for ms, n in re.findall(
        r"^\S*\s+eval time =\s*([\d.]+) ms /\s*(\d+) runs", timings, re.M)]
    gen_tps = sum(n for _, n in evals) / (sum(ms for ms, _ in evals) / 1000) if evals else float("nan")
    tokens = sum(n for _, n in evals) / len(evals) if evals else float("nan")
    times.sort()
    print("| measure | value |")
    print("|---|---|")
    print(f"| post → answer stored, p50 over {len(times)} questions | {statistics.median(times):.2f} s |")
    print(f"| post → answer stored, max | {times[-1]:.2f} s |")
    print(f"| post → answer stored, min | {times[0]:.2f} s |")
    print(f"| generated tokens an answer (mean, {len(evals)} requests) | {tokens:.0f} |")
    print(f"| generation | {gen_tps:.0f} tokens/s |")
    print(f"| model server memory (VmRSS now / VmHWM peak) | {rss_kib('VmRSS') // 1024} MiB / {rss_kib('VmHWM') // 1024} MiB |")


if __name__ == "__main__":
    main()
