#!/usr/bin/env bash
# A Docker engine of lifeboat's own for its tests: Debian's docker.io, no bridge, its own
# state directory and socket. See --help.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: tools/docker-engine.sh start|stop|status|env|purge

Runs a Docker engine for lifeboat's tests on a machine that has no container registry and
no Docker bridge (see shared notes "docker-offline"): Debian's dockerd, started with
--bridge=none --iptables=false --ip-forward=false, so no container ever gets a private-range
address; containers run with network mode "none" (or "host" where a test needs loopback).

  start   install docker.io and debootstrap if missing, start dockerd if it is not running,
          wait until it answers, print DOCKER_HOST=unix://... on stdout. Idempotent: when
          the engine already runs it only prints the line.
  stop    stop the engine started by this script (by its recorded PID).
  status  say whether the engine answers; exit 0 if it does, 1 if not.
  env     print DOCKER_HOST=unix://... if the engine answers (exit 1 otherwise), e.g.
            export "$(tools/docker-engine.sh env)"
  purge   stop, then delete the state directory (images, containers, cached rootfs).

Environment:
  LIFEBOAT_DOCKER_DIR  state directory (default /var/lib/lifeboat-test/docker): data root,
                       socket, PID file, log. Another dockerd on /var/run/docker.sock is left
                       alone; this one has its own socket.
  DOCKER_CLI           docker client to use (default: docker on PATH).

Exit codes: 0 ok, 1 engine not running (status/env) or failed to start, 2 bad usage.
EOF
}

STATE_DIR=${LIFEBOAT_DOCKER_DIR:-/var/lib/lifeboat-test/docker}
DOCKER_CLI=${DOCKER_CLI:-docker}
DATA_ROOT=$STATE_DIR/data
PID_FILE=$STATE_DIR/dockerd.pid
LOG_FILE=$STATE_DIR/dockerd.log
CONFIG_FILE=$STATE_DIR/daemon.json

# The exec root holds containerd's and libnetwork's Unix sockets, whose paths may not exceed
# 108 bytes: keep it short. Under a long LIFEBOAT_DOCKER_DIR fall back to /run, with a hash of
# the state directory in the name so two state directories never share an exec root.
if [ ${#STATE_DIR} -le 32 ]; then
  EXEC_ROOT=$STATE_DIR/x
else
  EXEC_ROOT=/run/lifeboat-docker-$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-8)
fi
SOCKET=$EXEC_ROOT/docker.sock
DOCKER_HOST_VALUE=unix://$SOCKET

log() { echo "docker-engine: $*" >&2; }

# Seconds since an $EPOCHREALTIME value, with one decimal.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# Exit 0 when our engine answers on its socket. `timeout` because a half-started daemon can
# accept a connection and never reply.
answers() {
  [ -S "$SOCKET" ] && timeout 10 "$DOCKER_CLI" -H "$DOCKER_HOST_VALUE" info >/dev/null 2>&1
}

# The PID recorded by dockerd itself (--pidfile), if that process is still a dockerd.
running_pid() {
  local pid
  [ -f "$PID_FILE" ] || return 1
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
  echo "$pid"
}

# dockerd starts its containerd only when $EXEC_ROOT/containerd/containerd.pid names no live
# process; otherwise it adopts that process. The exec root is on disk here, so after a reboot
# (or a killed machine) the file survives, and once its PID is reused by any other process
# dockerd waits for a containerd that is not there and gives up ("timeout waiting for
# containerd to start"). Keep the file only when it names a containerd of this exec root (one
# left by a killed dockerd, which dockerd adopts); drop it otherwise.
clear_stale_containerd() {
  local pid_file=$EXEC_ROOT/containerd/containerd.pid pid
  [ -f "$pid_file" ] || return 0
  pid=$(cat "$pid_file" 2>/dev/null || true)
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = containerd ] \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$EXEC_ROOT/"; then
    log "adopting containerd $pid left running by an earlier dockerd"
    return 0
  fi
  log "removing stale $pid_file (PID ${pid:-?} is not a containerd of this engine)"
  rm -f "$pid_file"
}

install_if_missing() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  # The machine may only have a docker client binary: fall back to Debian's if none is on PATH.
  command -v "$DOCKER_CLI" >/dev/null || [[ " ${need[*]-} " == *" docker.io "* ]] || need+=(docker.io)
  [ ${#need[@]} -eq 0 ] && return 0
  local t0=$SECONDS
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Lock timeout: another apt run on the machine (a second worktree's prepare) waits instead of failing.
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  log "installed ${need[*]} in $((SECONDS - t0)) s"
}

start() {
  local t0='' launched=''
  mkdir -p "$STATE_DIR"
  # Two starts at once (two worktrees' prepare scripts) must not launch two engines on one
  # data root. dockerd must not inherit this descriptor, or it would hold the lock for its life.
  exec 9>"$STATE_DIR/engine.lock"
  flock 9
  install_if_missing
  if running_pid >/dev/null && answers; then
    echo "DOCKER_HOST=$DOCKER_HOST_VALUE"
    return 0
  fi
  local pid
  if pid=$(running_pid); then
    # Running but not (yet) answering: another start may be in progress; give it time below.
    log "dockerd $pid is running but does not answer yet; waiting"
  else
    mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
    chmod 0711 "$STATE_DIR"
    # An empty config file of our own: a /etc/docker/daemon.json written for another engine
    # (bridge, registry mirrors, ...) must not change or break this one.
    [ -f "$CONFIG_FILE" ] || echo '{}' >"$CONFIG_FILE"
    rm -f "$PID_FILE" "$SOCKET"
    clear_stale_containerd
    t0=$EPOCHREALTIME
    # setsid + nohup: the engine outlives this script and the shell that ran it (run-tests
    # execs Maven next). Its own containerd namespace, so that if a system containerd is
    # running and dockerd attaches to it, our containers never mix with another engine's.
    setsid nohup dockerd \
      --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
      --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PID_FILE" \
      --config-file "$CONFIG_FILE" -H "$DOCKER_HOST_VALUE" \
      --containerd-namespace lifeboat --containerd-plugins-namespace lifeboat-plugins \
      --log-level warn \
      </dev/null >>"$LOG_FILE" 2>&1 9>&- &
    launched=$!
    log "started dockerd (pid $launched), log $LOG_FILE"
  fi
  for _ in $(seq 1 600); do
    if answers; then
      [ -n "$t0" ] && log "dockerd answers after $(elapsed "$t0") s"
      echo "DOCKER_HOST=$DOCKER_HOST_VALUE"
      return 0
    fi
    if [ -n "$launched" ] && ! kill -0 "$launched" 2>/dev/null; then
      log "dockerd exited during start; last lines of $LOG_FILE:"
      tail -n 20 "$LOG_FILE" >&2
      return 1
    fi
    sleep 0.1
  done
  log "dockerd did not answer on $SOCKET within 60 s; see $LOG_FILE"
  return 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    log "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid"
  # dockerd stops its containers (10 s grace each by default) and its containerd first.
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || { log "stopped dockerd $pid"; rm -f "$PID_FILE"; return 0; }
    sleep 0.1
  done
  log "dockerd $pid did not stop within 60 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

purge() {
  stop
  # The data root may hold overlay mounts of containers that dockerd did not clean up.
  if [ -d "$STATE_DIR" ]; then
    grep -F " $STATE_DIR/" /proc/self/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l || true
    rm -rf "$STATE_DIR"
  fi
  [ "$EXEC_ROOT" = "$STATE_DIR/x" ] || rm -rf "$EXEC_ROOT"
  log "removed $STATE_DIR"
}

case "${1-}" in
  start) start ;;
  stop) stop ;;
  status)
    if running_pid >/dev/null && answers; then
      echo "running: pid $(running_pid), DOCKER_HOST=$DOCKER_HOST_VALUE, data root $DATA_ROOT"
    else
      echo "not running (state directory $STATE_DIR)"
      exit 1
    fi ;;
  env)
    if answers; then
      echo "DOCKER_HOST=$DOCKER_HOST_VALUE"
    else
      log "engine not running: run tools/docker-engine.sh start"
      exit 1
    fi ;;
  purge) purge ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
