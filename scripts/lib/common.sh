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
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
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
