#!/usr/bin/env bash
# Builds the container images lifeboat's tests use, from Debian's packages, where no container
# registry is reachable. See --help.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: tools/docker-images.sh [--help]

Builds, where missing or out of date, the images lifeboat's docker sandbox tests use:
  local/debian:bookworm   debootstrap --variant=minbase of Debian bookworm, imported
  local/postgres:15       tools/docker/postgres-15/     (stand-in for postgres:15)
  local/mariadb:10.11     tools/docker/mariadb-10.11/   (stand-in for mariadb:10.11)

An image is up to date when its label io.lifeboat.context-hash matches the hash of its build
context (every file, with its mode) and of the base image: edit a Dockerfile or an entrypoint
and the next run rebuilds that image. The rootfs tarball is cached in the state directory, so
re-importing the base image never debootstraps again. Both images build in parallel
(DOCKER_BUILDKIT=0, --network host; apt inside the build uses this machine's own Debian
sources). Timings are printed on stderr; build logs go to the state directory.

Needs the engine from tools/docker-engine.sh (started if DOCKER_HOST is unset and it is not
running).

Environment:
  LIFEBOAT_DOCKER_DIR     state directory (default /var/lib/lifeboat-test/docker)
  LIFEBOAT_DEBIAN_MIRROR  Debian mirror for debootstrap (default: the URIs: line of this
                          machine's /etc/apt/sources.list.d/debian.sources)
  DOCKER_HOST             engine to build on (default: the one of tools/docker-engine.sh)

Exit codes: 0 images ready, 1 a build failed, 2 bad usage.
EOF
}

case "${1-}" in
  -h|--help|help) usage; exit 0 ;;
  '') ;;
  *) usage >&2; exit 2 ;;
esac

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=${LIFEBOAT_DOCKER_DIR:-/var/lib/lifeboat-test/docker}
CACHE_DIR=$STATE_DIR/cache
LOG_DIR=$STATE_DIR/logs
BASE_IMAGE=local/debian:bookworm
SUITE=bookworm
# Bump when the rootfs recipe below changes: the cached tarball is then made anew.
ROOTFS_RECIPE=1

log() { echo "docker-images: $*" >&2; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

if [ -z "${DOCKER_HOST:-}" ]; then
  DOCKER_HOST=$("$TOOLS_DIR/docker-engine.sh" start | sed -n 's/^DOCKER_HOST=//p')
fi
export DOCKER_HOST
# The legacy builder: BuildKit would want the buildx plugin, and its own images, neither here.
export DOCKER_BUILDKIT=0

mkdir -p "$CACHE_DIR" "$LOG_DIR"
# Two runs at once (two worktrees' prepare scripts) would build the same images twice.
exec 9>"$STATE_DIR/images.lock"
flock 9

# The machine's own Debian mirror: the URIs of the deb822 stanza that serves the plain suite
# (not -security or -updates), or of a one-line "deb URI bookworm" entry.
debian_mirror() {
  if [ -n "${LIFEBOAT_DEBIAN_MIRROR:-}" ]; then
    echo "$LIFEBOAT_DEBIAN_MIRROR"
    return
  fi
  local uri=''
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk -v suite="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris = u[1] }
          if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && uris != "") { print uris; exit }
      }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || { log "no Debian mirror found in /etc/apt; set LIFEBOAT_DEBIAN_MIRROR"; exit 1; }
  echo "$uri"
}

# The apt configuration the images inherit from this machine: its sources and its Acquire::
# settings (proxy, validity of snapshot mirrors), so apt inside a build reaches what apt here does.
host_apt_files() {
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    echo /etc/apt/sources.list.d/debian.sources
  elif [ -s /etc/apt/sources.list ]; then
    echo /etc/apt/sources.list
  fi
  grep -l '^[[:space:]]*Acquire::' /etc/apt/apt.conf.d/* 2>/dev/null | sort || true
}

image_label() {
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# local/debian:bookworm from a debootstrapped rootfs, imported from the cached tarball.
ensure_base_image() {
  local mirror recipe tarball t0 rootfs f
  mirror=$(debian_mirror)
  recipe=$( { echo "$ROOTFS_RECIPE $SUITE $mirror"; host_apt_files | while read -r f; do echo "$f"; cat "$f"; done; } \
    | sha256sum | cut -c1-16)
  if [ "$(image_label "$BASE_IMAGE" io.lifeboat.rootfs-recipe)" = "$recipe" ]; then
    log "$BASE_IMAGE up to date"
    return
  fi
  tarball=$CACHE_DIR/debian-$SUITE-minbase-$recipe.tar
  if [ ! -f "$tarball" ]; then
    rootfs=$CACHE_DIR/rootfs.partial
    rm -rf "$rootfs"
    t0=$EPOCHREALTIME
    log "debootstrap $SUITE from $mirror (log $LOG_DIR/debootstrap.log)"
    if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$LOG_DIR/debootstrap.log" 2>&1; then
      tail -n 20 "$LOG_DIR/debootstrap.log" >&2
      log "debootstrap failed"
      exit 1
    fi
    log "debootstrap took $(elapsed "$t0") s"
    # What the official Debian images do too: services never start inside a build
    # (mariadb-server's postinst would try), no docs, man pages or translations.
    printf '#!/bin/sh\n# Never start services during image builds.\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
    chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/lifeboat-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
    printf 'Acquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/lifeboat-no-languages"
    rm -f "$rootfs/etc/apt/sources.list"
    host_apt_files | while read -r f; do cp "$f" "$rootfs$f"; done
    # ${rootfs:?}: never /dev/* of this machine, whatever happens to the variable.
    rm -rf "${rootfs:?}"/var/lib/apt/lists/* "${rootfs:?}"/var/cache/apt/archives/*.deb \
      "${rootfs:?}"/dev/* "${rootfs:?}"/proc/* "${rootfs:?}"/sys/*
    t0=$EPOCHREALTIME
    tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$rootfs"
    # Only the current recipe's tarball is worth its 100+ MB.
    find "$CACHE_DIR" -maxdepth 1 -name "debian-$SUITE-minbase-*.tar" ! -name "${tarball##*/}" -delete
    log "rootfs tarball $tarball ($(du -m "$tarball" | cut -f1) MB) in $(elapsed "$t0") s"
  fi
  t0=$EPOCHREALTIME
  docker import \
    --change "LABEL io.lifeboat.rootfs-recipe=$recipe" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    "$tarball" "$BASE_IMAGE" >/dev/null
  log "imported $BASE_IMAGE in $(elapsed "$t0") s"
}

# Hash of a build context (names, modes, contents) and of the base image it builds on.
context_hash() {
  local dir=$1
  {
    docker image inspect -f '{{.Id}}' "$BASE_IMAGE"
    (cd "$dir" && find . -type f -printf '%P %m\n' | LC_ALL=C sort)
    (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
}

# Builds one image if its label does not match its context; run in the background, one per image.
build_image() {
  local image=$1 dir=$2 hash old t0 logfile
  logfile=$LOG_DIR/build-${image//[\/:]/-}.log
  hash=$(context_hash "$dir")
  if [ "$(image_label "$image" io.lifeboat.context-hash)" = "$hash" ]; then
    log "$image up to date"
    return 0
  fi
  old=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  t0=$EPOCHREALTIME
  log "building $image (log $logfile)"
  if ! docker build --network host --force-rm --label "io.lifeboat.context-hash=$hash" \
      -t "$image" "$dir" >"$logfile" 2>&1; then
    tail -n 30 "$logfile" | sed "s|^|$image: |" >&2
    log "building $image FAILED after $(elapsed "$t0") s"
    return 1
  fi
  # The replaced image is only disk now (unless a container still uses it: then it stays).
  [ -z "$old" ] || docker image rm "$old" >/dev/null 2>&1 || true
  log "built $image in $(elapsed "$t0") s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%d MB", $1 / 1e6 }'))"
}

t_all=$EPOCHREALTIME
ensure_base_image
build_image local/postgres:15 "$TOOLS_DIR/docker/postgres-15" &
pg=$!
build_image local/mariadb:10.11 "$TOOLS_DIR/docker/mariadb-10.11" &
maria=$!
failed=0
wait "$pg" || failed=1
wait "$maria" || failed=1
if [ "$failed" -ne 0 ]; then
  log "failed after $(elapsed "$t_all") s"
  exit 1
fi
log "images ready in $(elapsed "$t_all") s"
