#!/usr/bin/env python3
"""Instructions per request, counted by callgrind: repeatable whatever else
runs on the machine, unlike requests per second.

Usage: bench/callgrind/requests.py IDP_BINARY [WORKLOAD ...] [-n N] [-e K=V ...]

Starts `idp serve --demo` (embedded backend, default log level, its output
to a file as in the benchmark) under `valgrind --tool=callgrind` with
instrumentation off, waits for /health, then for each workload sends a few
warm-up requests, switches instrumentation on, sends N requests one after
another on one keep-alive connection, dumps, switches it off again, and
prints the instructions (Ir) of the whole process (every thread) divided by
N. Workloads: discovery, jwks, and their revalidations discovery-304 and
jwks-304 (If-None-Match with the ETag of the first answer); cc-rs256,
cc-es256, cc-eddsa (client_credentials for a client of that access-token
algorithm, registered first with `idp clients add`).
"""
import base64, glob, http.client, os, re, subprocess, sys, tempfile, time, socket

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def main():
    args = sys.argv[1:]
    n, extra = 2000, {}
    if "-n" in args:
        i = args.index("-n"); n = int(args[i + 1]); del args[i:i + 2]
    while "-e" in args:  # e.g. -e IDP_LOG=warn: the server without its request lines
        i = args.index("-e"); k, v = args[i + 1].split("=", 1); extra[k] = v; del args[i:i + 2]
    binary, workloads = args[0], args[1:] or ["discovery", "jwks", "jwks-304"]
    work = tempfile.mkdtemp(prefix="vhod-callgrind-")
    port = free_port()
    env = dict(os.environ, IDP_DATA_DIR=work)
    env.pop("RUST_LOG", None)
    env.update(extra)
    log = open(os.path.join(work, "server.log"), "w")
    out = os.path.join(work, "callgrind.out")
    proc = subprocess.Popen(
        ["taskset", "-c", "0", "valgrind", "--tool=callgrind", "--instr-atstart=no",
         f"--callgrind-out-file={out}.%p", binary, "serve", "--demo", "--migrate",
         "--bind", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=log, cwd=work)
    try:
        deadline = time.time() + 600
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", "/health"); r = c.getresponse(); r.read()
                if r.status == 200: break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                sys.exit("the server did not start; see " + log.name)
            time.sleep(1)
        secrets = {}
        for w in workloads:
            if w.startswith("cc-"):
                # A client of that access-token algorithm, registered as the
                # benchmark registers its own.
                alg = {"cc-rs256": "RS256", "cc-es256": "ES256", "cc-eddsa": "EdDSA"}[w]
                added = subprocess.run(
                    [binary, "clients", "add", "--id", w, "--name", w,
                     "--redirect-uri", "https://rp.example/cb", "--access-token-alg", alg],
                    env=env, cwd=work, check=True, capture_output=True, text=True).stdout
                secrets[w] = re.search(r"client_secret: (\S+)", added).group(1)
        for w in workloads:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            send = request(w, conn, secrets.get(w))
            for _ in range(20): send()
            ctl(proc.pid, "-i", "on")
            for _ in range(n): send()
            ctl(proc.pid, "-d", w)
            ctl(proc.pid, "-i", "off")
            ctl(proc.pid, "-z")
            files = sorted(glob.glob(f"{out}.{proc.pid}*"), key=os.path.getmtime)
            ir = total_ir(files[-1])
            print(f"{w:<12} {ir / n:>12,.0f} Ir/request  ({n} requests)", flush=True)
    finally:
        proc.terminate(); proc.wait()

def ctl(pid, *args):
    subprocess.run(["callgrind_control", *args, str(pid)], check=True, stdout=subprocess.DEVNULL)

def total_ir(path):
    for line in open(path):
        if line.startswith("totals:") or line.startswith("summary:"):
            return int(line.split()[1])
    raise SystemExit("no totals in " + path)

def request(w, conn, secret=None):
    etag = [None]
    def get(path, headers=None):
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse(); body = r.read()
        assert r.status in (200, 304), (path, r.status, body[:200])
        return r
    if w == "discovery":
        return lambda: get("/.well-known/openid-configuration")
    if w == "jwks":
        return lambda: get("/jwks")
    if w.startswith("cc-"):
        auth = "Basic " + base64.b64encode(f"{w}:{secret}".encode()).decode()
        headers = {"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded"}
        def send():
            conn.request("POST", "/token", body="grant_type=client_credentials", headers=headers)
            r = conn.getresponse(); body = r.read()
            assert r.status == 200, (r.status, body[:200])
        return send
    if w.endswith("-304"):
        path = {"discovery-304": "/.well-known/openid-configuration", "jwks-304": "/jwks"}[w]
        def send():
            if etag[0] is None:
                etag[0] = get(path).getheader("ETag")
                assert etag[0], "no ETag on " + path
            r = get(path, {"If-None-Match": etag[0]})
            assert r.status == 304, r.status
        return send
    raise SystemExit("unknown workload " + w)

if __name__ == "__main__":
    main()
