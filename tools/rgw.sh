#!/usr/bin/env bash
# A throw-away, policy-enforcing S3 for lifeboat's tests: a single-node Ceph (1 monitor, 1
# memstore OSD, no manager) and a RADOS Gateway, all on 127.0.0.1. Unlike in-process S3 servers
# it enforces IAM role policies, bucket policies, STS AssumeRole and Object Lock, which is what
# lifeboat's isolation promise rests on. See shared notes and terraform/README.md.
#
# Usage:
#   tools/rgw.sh install      installs the Debian packages if radosgw is missing (root, apt)
#   tools/rgw.sh start DIR    starts a fresh cluster under DIR (created; must not hold one)
#   tools/rgw.sh stop DIR     stops the daemons recorded in DIR/pids, then removes DIR
#
# start writes, under DIR:
#   env          RGW_ENDPOINT=http://127.0.0.1:PORT and CEPH_CONF=DIR/ceph.conf (KEY=value lines)
#   credentials  a shared AWS credentials file, mode 0600, with random keys for the users
#                owner (bucket owner, may manage roles and user policies), lifeboat (the
#                production host's principal), drill (the drill host's principal) and agent (an
#                application's or AI agent's principal, which must reach nothing)
#   pids         the daemons' PIDs, in start order (stop kills them in reverse)
#   log/         the daemons' logs
# Data lives in memory (memstore): a stopped cluster is gone. Start takes 15 to 20 s.
set -Eeuo pipefail

usage() { echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2; }

install_packages() {
  command -v radosgw >/dev/null && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw ceph-common >/dev/null
}

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

stop_cluster() {
  local dir=$1 p alive
  [ -f "$dir/pids" ] || { rm -rf "$dir"; return 0; }
  for p in $(tac "$dir/pids"); do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 40); do
    alive=0
    while read -r p; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done <"$dir/pids"
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$dir/pids"
  rm -rf "$dir"
}

start_cluster() {
  local dir=$1
  if ! command -v radosgw >/dev/null; then
    echo "rgw: radosgw is not installed; run tools/rgw.sh install (or tools/prepare-test-machine.sh)" >&2
    exit 3
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -e "$dir/pids" ] && { echo "rgw: $dir already holds a cluster; stop it first" >&2; exit 2; }
  cd "$dir"
  local t0=$SECONDS mon_port rgw_port fsid osd_uuid osd_id sts_key
  mon_port=$(free_port)
  rgw_port=$(free_port)
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  sts_key=$(random_hex 8)   # "rgw sts key" must be exactly 16 characters

  cat >ceph.conf <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv4 = true
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
# Without these two, "auth ... = none" makes radosgw loop on get_initial_auth_request -13.
ms mon client mode = crc
ms client mode = crc
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
crash dir = $dir/crash
mon data = $dir/\$name
osd data = $dir/\$name
keyring = $dir/keyring
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
osd max object name len = 460
osd max object namespace len = 64
osd heartbeat grace = 3600
mon osd down out interval = 3600
debug ms = 0
mon data avail warn = 2
mon data avail crit = 1
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw dns name = localhost
rgw sts key = $sts_key
rgw s3 auth use sts = true
rgw enable apis = s3, s3website, admin, sts, iam
rgw thread pool size = 32
EOF
  export CEPH_CONF=$dir/ceph.conf
  mkdir -p run log crash mon.a osd.0
  : >pids
  fail() {
    echo "rgw: $*; logs in $dir/log" >&2
    local p
    for p in $(tac "$dir/pids"); do kill "$p" 2>/dev/null || true; done
    exit 1
  }
  trap 'fail "failed at line $LINENO"' ERR

  # monitor
  ceph-authtool --create-keyring keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" monmap >/dev/null
  ceph-mon -i a --mkfs --monmap monmap --keyring keyring
  ceph-mon -i a -f >log/mon.a.out 2>&1 &
  echo $! >>pids
  wait_for "monitor" 60 ceph --connect-timeout 2 mon stat

  # OSD on memstore: the data lives in RAM and is gone at shutdown
  osd_id=$(ceph osd new "$osd_uuid")
  ceph-osd -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" 2>/dev/null
  ceph-osd -i "$osd_id" -f >log/osd.out 2>&1 &
  echo $! >>pids
  wait_for "OSD" 120 osd_up "$osd_id"

  # gateway; it blocks until it reaches the monitor, so it starts in the background too
  radosgw -n client.rgw.a -f >log/rgw.out 2>&1 &
  echo $! >>pids
  wait_for "radosgw" 120 python3 -c "import urllib.request as u;u.urlopen('http://127.0.0.1:$rgw_port/',timeout=2)"

  # users, with random keys in a private credentials file
  (umask 077 && : >credentials)
  local user access secret
  for user in owner lifeboat drill agent; do
    access=$(random_hex 10 | tr 'a-f' 'A-F')
    secret=$(random_hex 20)
    radosgw-admin user create --uid="$user" --display-name="$user" \
      --access-key="$access" --secret="$secret" >/dev/null
    printf '[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n' "$user" "$access" "$secret" >>credentials
  done
  radosgw-admin caps add --uid=owner --caps="user-policy=*;roles=*" >/dev/null
  trap - ERR

  printf 'RGW_ENDPOINT=http://127.0.0.1:%s\nCEPH_CONF=%s\n' "$rgw_port" "$dir/ceph.conf" >"$dir/env"
  echo "rgw: up at http://127.0.0.1:$rgw_port in $((SECONDS - t0)) s (dir $dir)"
}

osd_up() { ceph osd dump 2>/dev/null | grep -q "^osd.$1 up"; }

# wait_for WHAT TRIES COMMAND...: runs COMMAND every half second until it succeeds
wait_for() {
  local what=$1 tries=$2
  shift 2
  for _ in $(seq "$tries"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  fail "$what did not come up"
}

case ${1:-} in
  install) [ $# = 1 ] || usage; install_packages ;;
  start) [ $# = 2 ] || usage; start_cluster "$2" ;;
  stop) [ $# = 2 ] || usage; stop_cluster "$2" ;;
  *) usage ;;
esac
