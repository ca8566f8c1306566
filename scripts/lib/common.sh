# Helpers of scripts/test-deploy and its parts (sourced, not run).

step() { printf '\n==> %s\n' "$*"; }

# One line per fact a test established.
proved() { printf '  proved: %s\n' "$*"; }

# Installs the Debian packages that are missing.
apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# A TCP port nobody listens on now.
free_port() {
    free_ports 1
}

# N distinct free ports on 127.0.0.1, on one line: all are held open until
# all are chosen, so two of them are never the same port (two calls of
# free_port can be, before the first is taken).
free_ports() {
    python3 -c 'import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))' "$1"
}

# Waits (at most $2 seconds, default 60) until something listens on
# 127.0.0.1:$1.
wait_port() {
    local port=$1 secs=${2:-60}
    for _ in $(seq 1 $((secs * 5))); do
        timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "FAILED: nothing listens on 127.0.0.1:$port after ${secs} s" >&2
    return 1
}

# Runs scripts/lib/browser.py (a person's browser) with the arguments.
browser() {
    python3 "$(dirname "${BASH_SOURCE[0]}")/browser.py" "$@"
}
