#!/usr/bin/env bash
# deploy/compose.yaml, part of scripts/test-deploy: Vhod's own services of
# the file as shipped (migrate, idp1, idp2, cabinet), started one by one by
# podman-compose in the order the file's depends_on gives, from the image
# the container test built. The file's PostgreSQL, Redis and nginx images
# come from Docker Hub, which this machine cannot reach: Debian's own
# postgres, redis-server and nginx stand in for them, on the ports and
# with the settings the file gives (nginx's upstreams are read from it).
# A person then logs in to the cabinet through nginx, and both nodes serve
# that login, as docs/operations.md promises an operator.
#
#   scripts/lib/test-compose.sh WORK_DIR IMAGE
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

work=$1
image=$2
mkdir -p "$work"
export CONTAINERS_CONF=$PWD/deploy/container/containers.conf
# The file's `image: ${VHOD_IMAGE:-localhost/vhod:latest}`.
export VHOD_IMAGE=$image
compose=(podman-compose --project-name vhod-test-$$ -f deploy/compose.yaml)

fail() {
    echo "FAILED: $*; logs in $work" >&2
    exit 1
}

# The ports the file fixes: a demo (scripts/demo) or another compose run
# would take the login elsewhere.
for port in 8080 8081 8082 8090 9465 9466 15432 16379; do
    if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
        fail "port $port, which deploy/compose.yaml uses, is taken (a running scripts/demo?)"
    fi
done

pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cleanup() {
    "${compose[@]}" down -t 10 >"$work/down.log" 2>&1 || true
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [[ -d $work/pg/data ]] &&
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The file's `postgres` service: user vhod, database vhod, 127.0.0.1:15432.
install -d -o postgres "$work/pg"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U vhod --auth=trust >"$work/pg-init.log"
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-p 15432 -c listen_addresses=127.0.0.1 -k $work/pg" start >/dev/null
runuser -u postgres -- "$pg_bin/createdb" -h 127.0.0.1 -p 15432 -U vhod vhod
# Its `redis` service: 127.0.0.1:16379, append-only.
redis-server --bind 127.0.0.1 --port 16379 --dir "$work" --save "" \
    --appendonly yes --appendfsync everysec >"$work/redis.log" 2>&1 &
pids+=($!)
wait_port 16379 10

# Vhod's services, as the file's depends_on orders them.
up() {
    "${compose[@]}" up -d --no-deps "$@" >>"$work/up.log" 2>&1 || fail "podman-compose up $*"
}
container() {
    podman ps -a --format '{{.Names}}' | grep -E "^vhod-test-$$[_-]$1[_-]1$" | head -n 1
}
up migrate
migrate=$(container migrate)
[[ -n $migrate ]] || fail "no migrate container"
[[ $(podman wait "$migrate") == 0 ]] || { podman logs "$migrate" >"$work/migrate.log" 2>&1; fail "the one-shot migrate"; }
healthy() {
    local name
    name=$(container "$1")
    for _ in $(seq 1 60); do
        podman healthcheck run "$name" >/dev/null 2>&1 && return 0
        sleep 1
    done
    podman logs "$name" >"$work/$1.log" 2>&1
    fail "$1 did not become healthy"
}
up idp1
healthy idp1
up idp2
healthy idp2

# The file's `nginx` service: its template with the file's upstreams.
python3 - "$work/nginx" <<'PY'
import os, pathlib, string, sys
import yaml
root = pathlib.Path(sys.argv[1])
(root / "tmp").mkdir(parents=True)
env = yaml.safe_load(open("deploy/compose.yaml"))["services"]["nginx"]["environment"]
site = string.Template(open("deploy/nginx/vhod.conf.template").read())
(root / "vhod.conf").write_text(site.safe_substitute(env))
(root / "nginx.conf").write_text(f"""worker_processes 1;
pid {root}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    include {root}/vhod.conf;
}}
""")
PY
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' \
    >"$work/nginx/access.log" 2>&1 &
pids+=($!)
wait_port 8080 10
up cabinet
wait_port 8090 30

if ! browser --login standard@demo.vhod --password 'Demo-pass1!' \
    --expect 'Анна' http://127.0.0.1:8090/login >"$work/login.html"; then
    for s in idp1 idp2 cabinet; do podman logs "$(container $s)" >"$work/$s.log" 2>&1 || true; done
    fail "the login through compose's nodes"
fi
served=$(grep -o 'upstream=127.0.0.1:808[12]' "$work/nginx/access.log" | sort | uniq -c | awk '{print $2 " " $1}' | paste -sd, -)
grep -q 'upstream=127.0.0.1:8081' "$work/nginx/access.log" && grep -q 'upstream=127.0.0.1:8082' "$work/nginx/access.log" ||
    fail "the login was not served by both nodes: $served"
proved "deploy/compose.yaml (its migrate, idp1, idp2 and cabinet by podman-compose; Debian's PostgreSQL, Redis and nginx in place of the Docker Hub images): a person logged in to the cabinet through nginx, served by both nodes (${served//upstream=/})"
