#!/usr/bin/env bash
# Installs and starts what lifeboat's tests need on a fresh Debian 12 machine of this kind.
# Idempotent: safe to run before every test run. Needs root (apt, services).
set -euo pipefail

need_pkgs=()
command -v age >/dev/null       || need_pkgs+=(age)
command -v zstd >/dev/null      || need_pkgs+=(zstd)
[ -x /usr/bin/time ]            || need_pkgs+=(time)
command -v pg_dump >/dev/null   || need_pkgs+=(postgresql-15 postgresql-client-15)
command -v runuser >/dev/null   || need_pkgs+=(util-linux)
command -v dockerd >/dev/null   || need_pkgs+=(docker.io)      # tools/docker-engine.sh would
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)  # too; one apt-get update here
# Ceph RGW, the policy-enforcing S3 of the isolation tests (tools/rgw.sh install would do it too;
# the tests start and stop their own gateway through tools/rgw.sh).
command -v radosgw >/dev/null   || need_pkgs+=(ceph-mon ceph-osd radosgw ceph-common)
command -v chromium >/dev/null    || need_pkgs+=(chromium)       # the HTML report is checked in headless Chromium
command -v chromedriver >/dev/null || need_pkgs+=(chromium-driver)
command -v node >/dev/null      || need_pkgs+=(nodejs npm)     # tools/terraform-check (TerraformStaticCheckTest)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "prepare: installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# The machine's PostgreSQL: some tests use throwaway databases on it (most use private clusters).
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "prepare: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "prepare: PostgreSQL did not start" >&2; exit 1; }
# Docker for the docker sandbox's tests: lifeboat's own engine (no bridge, its own socket) and
# images built from Debian's packages, as no container registry is reachable. run-tests reads
# the engine's address from the env file before it starts Maven.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
docker_env=$(bash "$root/tools/docker-engine.sh" start)
DOCKER_HOST=${docker_env#DOCKER_HOST=} bash "$root/tools/docker-images.sh"
mkdir -p "$root/target"
printf '%s\n' "$docker_env" >"$root/target/test-machine.env"

# tools/terraform-check's npm packages (HashiCorp's HCL parser as WebAssembly, ~2 MB), exactly as
# its package-lock.json says; skipped while node_modules was installed from this very lock.
tfcheck="$root/tools/terraform-check"
lock_sum=$(sha256sum "$tfcheck/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$tfcheck/node_modules/.lifeboat-lock.sha256" 2>/dev/null)" != "$lock_sum" ] \
    || [ ! -f "$tfcheck/node_modules/@cdktf/hcl2json/package.json" ]; then
  started=$(date +%s)
  (cd "$tfcheck" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  printf '%s\n' "$lock_sum" >"$tfcheck/node_modules/.lifeboat-lock.sha256"
  echo "prepare: tools/terraform-check packages installed with npm ci in $(( $(date +%s) - started ))s ($(du -sh "$tfcheck/node_modules" | cut -f1))"
else
  echo "prepare: tools/terraform-check packages already match package-lock.json"
fi

# Terraform and its AWS provider for TerraformCliTest (fmt, init, validate, plan of terraform/).
# Neither can be installed here (Debian does not package Terraform; HashiCorp's registry is out of
# reach): this kind of machine comes with terraform on the PATH and the provider unpacked in
# /opt/tf-plugins. Said here, at the start, so a machine without them is plain before the tests fail.
tf_mirror=${LIFEBOAT_TF_PLUGIN_MIRROR:-/opt/tf-plugins}
if ! command -v terraform >/dev/null; then
  echo "prepare: WARNING: no terraform on the PATH: TerraformCliTest will fail" >&2
elif ! compgen -G "$tf_mirror/registry.terraform.io/hashicorp/aws/*/linux_amd64" >/dev/null; then
  echo "prepare: WARNING: no hashicorp/aws provider in $tf_mirror (set LIFEBOAT_TF_PLUGIN_MIRROR): TerraformCliTest will fail" >&2
else
  echo "prepare: $(terraform version | head -1), AWS provider $(ls "$tf_mirror/registry.terraform.io/hashicorp/aws" | sort -V | tail -1) in $tf_mirror"
fi

echo "prepare: ready (age $(age --version), $(zstd --version | head -1), $(pg_dump --version))"
