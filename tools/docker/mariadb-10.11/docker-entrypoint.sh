#!/usr/bin/env bash
# Entrypoint of local/mariadb:10.11 (the official image's is not available here). On the first
# start it runs mariadb-install-db as the mysql user, applies the official image's environment
# variables through a temporary socket-only server, then execs mariadbd as PID 1.
set -Eeuo pipefail

log() { echo "entrypoint: $*" >&2; }

# `docker run IMAGE --max-connections=10` means: the server with these options.
if [ "${1:0:1}" = '-' ]; then
  set -- mariadbd "$@"
fi
if [ "$1" = mysqld ]; then
  set -- mariadbd "${@:2}"
fi

# Run the server as mysql, not root: prepare the directories, then re-run this script as mysql.
# setpriv execs (no child process left behind, unlike su/runuser).
if [ "$1" = mariadbd ] && [ "$(id -u)" = 0 ]; then
  mkdir -p /var/lib/mysql /run/mysqld
  chown mysql:mysql /var/lib/mysql /run/mysqld
  export HOME=/var/lib/mysql
  exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
fi

# For a value inside '...' in SQL.
sql_string() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }
# For a name inside `...` in SQL.
# shellcheck disable=SC2016 # the backticks are SQL's, not the shell's
sql_name() { printf '%s' "$1" | sed -e 's/`/``/g'; }

if [ "$1" = mariadbd ] && [ ! -d /var/lib/mysql/mysql ]; then
  root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
  allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
  database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
  user=${MARIADB_USER:-${MYSQL_USER:-}}
  password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    log "the database is uninitialized and no root password is set:"
    log "set MARIADB_ROOT_PASSWORD, or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1"
    exit 1
  fi

  # The server's own options given to the container (after "mariadbd") apply to the set-up too.
  # Its stdout is advice for a hand-made installation (run mariadb-secure-installation, ...);
  # errors go to stderr.
  mariadb-install-db --datadir=/var/lib/mysql --rpm --skip-test-db \
    --auth-root-authentication-method=normal --default-time-zone=SYSTEM --skip-log-bin "${@:2}" >/dev/null

  # A temporary server with no TCP and a socket of its own: a readiness probe on the normal
  # socket (mariadb-admin ping) only ever sees the real server started below.
  init_socket=/run/mysqld/init.sock
  "$@" --skip-networking --socket="$init_socket" --skip-log-bin --wsrep-on=OFF \
    --loose-innodb-buffer-pool-load-at-startup=0 --loose-innodb-buffer-pool-dump-at-shutdown=0 &
  init_pid=$!
  for _ in $(seq 300); do
    mariadb-admin --socket="$init_socket" --user=root ping >/dev/null 2>&1 && break
    kill -0 "$init_pid" 2>/dev/null || { log "temporary server exited"; exit 1; }
    sleep 0.1
  done
  mariadb_init=(mariadb --protocol=socket --socket="$init_socket" --user=root --binary-mode)

  # Passwords reach the server on stdin, never in argv.
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    # Only root@localhost (socket) and root@'%' remain, both with the root password.
    echo "DROP USER IF EXISTS root@'127.0.0.1', root@'::1';"
    printf '%s\n' "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');"
    echo "SET PASSWORD FOR root@localhost = PASSWORD('$(sql_string "$root_password")');"
    echo "CREATE USER root@'%' IDENTIFIED BY '$(sql_string "$root_password")';"
    echo "GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION;"
    if [ -n "$database" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$(sql_name "$database")\`;"
    fi
    if [ -n "$user" ] && [ "$user" != root ]; then
      echo "CREATE USER '$(sql_string "$user")'@'%' IDENTIFIED BY '$(sql_string "$password")';"
      if [ -n "$database" ]; then
        echo "GRANT ALL ON \`$(sql_name "$database")\`.* TO '$(sql_string "$user")'@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | "${mariadb_init[@]}" --database=mysql

  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) log "running $f"; MYSQL_UNIX_PORT=$init_socket bash "$f" ;;
      # The root password now applies on the socket too: hand it over in an option file.
      *.sql) log "running $f"
        "${mariadb_init[0]}" --defaults-extra-file=<(printf '[client]\npassword=%s\n' "$root_password") \
          "${mariadb_init[@]:1}" ${database:+--database="$database"} <"$f" ;;
      *) [ -e "$f" ] && log "ignoring $f" ;;
    esac
  done

  # SIGTERM is mariadbd's clean shutdown.
  kill -TERM "$init_pid"
  wait "$init_pid" || true
  echo 'MariaDB init process done. Ready for start up.'
fi

exec "$@"
