#!/usr/bin/env bash
# deploy/examples/apache-mod-auth-openidc, part of scripts/test-deploy: a
# legacy CGI application behind Apache's mod_auth_openidc, with a real Vhod
# (demo data, embedded stores) as the provider. A person opens the
# application, logs in at Vhod, sees their name in the application; then
# logs out, which ends Apache's session and Vhod's.
#
#   scripts/lib/test-apache.sh WORK_DIR IDP_BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

work=$1
idp=$2
example=$PWD/deploy/examples/apache-mod-auth-openidc
mkdir -p "$work/data" "$work/run"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

read -r idp_port app_port < <(free_ports 2)
provider=http://127.0.0.1:$idp_port
app=http://127.0.0.1:$app_port
export IDP_DATA_DIR=$work/data

"$idp" serve --demo --bind "127.0.0.1:$idp_port" >"$work/idp.log" 2>&1 &
pids+=($!)
wait_port "$idp_port" 60
secret=$("$idp" clients add --id legacy-app --name "Старая система учёта" \
    --redirect-uri "$app/app/redirect_uri" --post-logout-uri "$app/loggedout.html" \
    --scopes "openid profile email" | sed -n 's/^client_secret: //p')

# Apache runs its workers and CGI programs as www-data: the example's files
# must be readable by it, and its run directory writable.
cp -r "$example" "$work/site"
chmod -R a+rX "$work/site"
chown www-data "$work/run"
chmod 755 "$work"
sed -e "s|@ROOT@|$work/site|g" -e "s|@RUN@|$work/run|g" \
    -e "s|@LISTEN@|127.0.0.1:$app_port|g" -e "s|@BASE@|$app|g" \
    -e "s|@ISSUER@|$provider|g" -e "s|@CLIENT_SECRET@|$secret|g" \
    -e "s|@PASSPHRASE@|$(openssl rand -hex 32)|g" \
    "$example/httpd.conf.template" >"$work/httpd.conf"
# Debian's apache2 reads its user from these variables.
APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data \
    apache2 -f "$work/httpd.conf" -DFOREGROUND -c "User www-data" -c "Group www-data" \
    >"$work/apache.log" 2>&1 &
pids+=($!)
wait_port "$app_port" 30

fail() {
    echo "FAILED: $*; logs in $work" >&2
    exit 1
}

jar=$work/cookies.txt
# Not logged in: the application sends the browser to Vhod.
first=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$app/app/")
[[ $first == "302 $provider/authorize?"* ]] || fail "an anonymous visit was not sent to Vhod: $first"

browser --jar "$jar" --login confirmed@demo.vhod --password 'Demo-pass1!' \
    --expect 'id="person"' --expect 'REMOTE_USER: ' "$app/app/" >"$work/app.html" ||
    fail "the login through mod_auth_openidc"
grep -q 'Здравствуйте, [^<]*[[:alpha:]]' "$work/app.html" || fail "the application does not greet the person"
greeting=$(sed -n 's/.*id="person">\([^<]*\)<.*/\1/p' "$work/app.html")
proved "the legacy app behind mod_auth_openidc: logged in at Vhod, it greets «$greeting» (level $(sed -n 's/.*Уровень учётной записи: \([^<]*\)<.*/\1/p' "$work/app.html"))"

# The same browser again: Apache's session holds, no trip to Vhod.
browser --jar "$jar" --expect 'id="person"' "$app/app/" >/dev/null ||
    fail "Apache's session did not hold"

live_sessions() {
    "$idp" users sessions confirmed@demo.vhod --json |
        python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
[[ $(live_sessions) == 1 ]] || fail "Vhod does not show the person's session"

# Logging out: Apache's session, then Vhod's (RP-Initiated Logout with the
# ID token as hint), back to the logged-out page.
browser --jar "$jar" --expect 'id="logged-out"' "$app/app/redirect_uri?logout=$app/loggedout.html" \
    >"$work/logout.html" || fail "the logout"
# Vhod's session ended too: the application sends the browser to Vhod, and
# Vhod asks for the password again instead of answering at once.
after=$(browser --jar "$jar" "$app/app/" | head -n 1)
[[ $after == "$provider/authorize"* || $after == "$provider/login"* ]] ||
    fail "after the logout the browser was not asked to log in again: $after"
left=$(live_sessions)
[[ $left == 0 ]] || fail "Vhod still has $left live session(s) of the person"
proved "logging out of the legacy app ended Apache's session and Vhod's (no live session left; the next visit asks for the password)"
