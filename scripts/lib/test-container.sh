#!/usr/bin/env bash
# The container image (deploy/container), part of scripts/test-deploy:
# stages the binaries with their libraries, proves the staged root
# runs on its own (chroot), builds the image with buildah FROM scratch,
# then runs it with podman: the provider (demo data, embedded stores) and
# the cabinet from the same image on the host's network, its HEALTHCHECK,
# and a real OpenID Connect login of a person through the cabinet's
# container. A machine that cannot run containers at all gets one line
# saying so (exit 3); the image build is proven anyway. The image stays,
# as IMAGE, for the compose test; the caller removes it.
#
#   scripts/lib/test-container.sh WORK_DIR IDP_BINARY CABINET_BINARY IMAGE
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

work=$1
idp=$2
cabinet=$3
image=$4
mkdir -p "$work"
# podman on machines like the CI's: runc, cgroupfs, no default rlimits
# (see the file).
export CONTAINERS_CONF=$PWD/deploy/container/containers.conf
containers=()
cleanup() {
    for c in "${containers[@]}"; do
        podman rm -f -t 5 "$c" >/dev/null 2>&1 || true
    done
}
trap cleanup EXIT

deploy/container/stage-rootfs "$work/context" "$idp" "$cabinet"
# The staged root alone runs both programs: every library they load is in
# it (chroot needs root, which the CI has; elsewhere this check is left to
# the container run below).
if [[ $(id -u) == 0 ]]; then
    chroot "$work/context/rootfs" /usr/local/bin/idp --version >/dev/null
    chroot "$work/context/rootfs" /usr/local/bin/cabinet --help >/dev/null
    proved "the staged root (no shell, $(du -sh "$work/context/rootfs" | cut -f1)) runs idp and cabinet with only the libraries staged"
fi

# `--format docker`: an OCI image has no HEALTHCHECK.
buildah bud --quiet --format docker -f deploy/container/Containerfile -t "$image" "$work/context" >/dev/null
user=$(podman image inspect --format '{{.Config.User}}' "$image")
health=$(podman image inspect --format '{{json .Config.Healthcheck.Test}}' "$image")
[[ $user == 10001:10001 ]] || { echo "FAILED: the image runs as '$user', not 10001:10001" >&2; exit 1; }
[[ $health == *'"/usr/local/bin/idp","healthcheck"'* ]] ||
    { echo "FAILED: the image's HEALTHCHECK is $health" >&2; exit 1; }
size=$(podman image inspect --format '{{.Size}}' "$image")
proved "image built FROM scratch with buildah: $((size / 1024 / 1024)) MiB, user 10001, HEALTHCHECK idp healthcheck"

# Can this machine run a container at all?
if ! probe=$(podman run --rm --network host "$image" --version 2>&1); then
    echo "NOT RUN: this machine cannot run containers (podman: ${probe##*$'\n'}); the image build above is proven"
    exit 3
fi

read -r idp_port cabinet_port < <(free_ports 2)
provider=http://127.0.0.1:$idp_port
site=http://127.0.0.1:$cabinet_port
run() {
    local name=$1
    shift
    containers+=("$name")
    # Without systemd podman says it cannot schedule the healthcheck timer
    # (the test runs the healthcheck itself): shown only when the run fails.
    podman run -d --name "$name" --network host "$@" >/dev/null 2>"$work/$name.err" ||
        { cat "$work/$name.err" >&2; exit 1; }
}

# The provider in demo mode: embedded stores in the container's /data. The
# address goes in IDP_BIND, not --bind: the HEALTHCHECK's `idp healthcheck`
# reads the same settings and asks there.
run vhod-idp-$$ -e IDP_BIND="127.0.0.1:$idp_port" -e IDP_METRICS_BIND= "$image" serve --demo
# Healthy by the image's own HEALTHCHECK (`idp healthcheck` inside it).
for _ in $(seq 1 60); do
    podman healthcheck run vhod-idp-$$ >/dev/null 2>&1 && break
    sleep 1
done
podman healthcheck run vhod-idp-$$ >/dev/null ||
    { podman logs vhod-idp-$$ >&2; echo "FAILED: the provider's container is not healthy" >&2; exit 1; }
if podman exec vhod-idp-$$ /bin/sh -c true >/dev/null 2>&1; then
    echo "FAILED: the image has a shell" >&2
    exit 1
fi
uid=$(podman top vhod-idp-$$ huser | tail -n 1 | tr -d ' ')
[[ $uid == 10001 ]] || { echo "FAILED: the provider runs as '$uid'" >&2; exit 1; }
proved "the provider's container became healthy by its HEALTHCHECK; it runs as uid $uid and has no shell"

# The cabinet, from the same image, as a client registered for its port.
secret=$(podman exec vhod-idp-$$ /usr/local/bin/idp clients add --id container-cabinet \
    --name "Медкабинет в контейнере" \
    --redirect-uri "$site/callback" --post-logout-uri "$site/" \
    --scopes "openid profile snils offline_access organizations" |
    sed -n 's/^client_secret: //p')
run vhod-cabinet-$$ --no-healthcheck --entrypoint /usr/local/bin/cabinet \
    -e CABINET_BIND="127.0.0.1:$cabinet_port" -e CABINET_PUBLIC_URL="$site" \
    -e CABINET_ISSUER="$provider" -e CABINET_CLIENT_ID=container-cabinet \
    -e CABINET_CLIENT_SECRET="$secret" "$image"
wait_port "$cabinet_port" 30

# A person logs in to the cabinet through the provider: the
# authorization-code flow between two containers, seen from a browser.
if ! browser --login standard@demo.vhod --password 'Demo-pass1!' \
    --expect 'Анна' "$site/login" >"$work/login.html"; then
    podman logs vhod-idp-$$ >"$work/idp.log" 2>&1
    podman logs vhod-cabinet-$$ >"$work/cabinet.log" 2>&1
    echo "FAILED: the login through the containers; see $work" >&2
    exit 1
fi
proved "a person logged in to the cabinet's container through the provider's container ($(head -n 1 "$work/login.html"))"
