#!/usr/bin/env bash
# Entrypoint of local/postgres:15 (the official image's is not available here). On the first
# start it initdb's PGDATA as the postgres user, applies the official image's environment
# variables, then execs the server as PID 1, so `docker stop` reaches PostgreSQL itself.
set -Eeuo pipefail

log() { echo "entrypoint: $*" >&2; }

# `docker run IMAGE -c fsync=off` means: the server with these options.
if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

# PostgreSQL refuses to run as root: prepare the directories, then re-run this script as postgres.
# setpriv execs (no child process left behind, unlike su/runuser).
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    log "the database is uninitialized and no superuser password is set:"
    log "set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without one"
    exit 1
  fi

  initdb_args=(--username="$POSTGRES_USER" --pgdata="$PGDATA" --encoding=UTF8 --locale=C.UTF-8)
  # A server asked to run with fsync=off (Testcontainers' default, a sandbox's choice) keeps
  # nothing it cannot lose: initdb need not sync the new cluster either (seconds on slow disks).
  case " ${*:2} " in
    *" fsync=off "* | *" --fsync=off "*) initdb_args+=(--no-sync) ;;
  esac
  # Word-split on purpose: POSTGRES_INITDB_ARGS is a list of options, as in the official image.
  # shellcheck disable=SC2206
  initdb_args+=(${POSTGRES_INITDB_ARGS:-})
  # The password goes through a pipe, never argv (secrets never travel in argv). The process
  # substitution must stand in the initdb command itself: in an array assignment its pipe
  # would be closed before initdb runs.
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    initdb "${initdb_args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
  else
    initdb "${initdb_args[@]}"
  fi

  # Local and loopback connections keep initdb's trust; other hosts need the password
  # (never reachable under network mode none, but the official image's contract).
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  else
    auth=trust
  fi
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  # A temporary server on a socket of its own, no TCP: a readiness probe on the normal socket
  # (pg_isready) only ever sees the real server started below. It gets the container's server
  # options too (-c fsync=off, say), as in the official image; pg_ctl hands -o to a shell.
  init_socket=/var/run/postgresql/init
  mkdir -p "$init_socket"
  server_options=''
  if [ $# -gt 1 ]; then
    server_options=$(printf '%q ' "${@:2}")   # with no arguments printf would still print ''
  fi
  pg_ctl -D "$PGDATA" -w \
    -o "$server_options -c listen_addresses='' -c unix_socket_directories=$init_socket" start
  psql=(psql -X -v ON_ERROR_STOP=1 --no-password --host="$init_socket" --username="$POSTGRES_USER")
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --dbname=postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) log "running $f"; PGHOST=$init_socket PGUSER=$POSTGRES_USER PGDATABASE=$POSTGRES_DB bash "$f" ;;
      *.sql) log "running $f"; "${psql[@]}" --dbname="$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname="$POSTGRES_DB" ;;
      *) [ -e "$f" ] && log "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  rmdir "$init_socket"
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
