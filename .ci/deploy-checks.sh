#!/usr/bin/env bash
# Deployment checks that need no container engine. Renders, into the folder given as $1:
#   compose.yaml / .json           docker-compose -f docker-compose.yml config
#   compose.sandbox.yaml / .json   the same with docker-compose.sandbox.yml
#   k8s-production.yaml / .json    kubectl kustomize deploy/k8s/overlays/production (.json: a list of the documents)
#   cds-cards-configmap.yaml / .json   deploy/k8s/cds-cards-configmap.sh cds-cards
# and exits non-zero on the first failure. The tests (tests/CrampCds.Api.Tests/Deploy) read the .json files
# when CRAMPCDS_DEPLOY_RENDERED names the folder.
#
# Idempotent. As root it installs what is missing from Debian (docker-compose, kubernetes-client,
# python3-yaml); CRAMPCDS_DEPLOY_NO_INSTALL=1 forbids that (the tests set it).
# The compose files take their secrets from the environment: this script always passes placeholders,
# so no real secret from the caller's environment or .env file ends up in the rendered files.
set -euo pipefail

out="${1:?usage: .ci/deploy-checks.sh <output folder>}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$repo"

step() { printf 'deploy-checks: %s\n' "$*"; }
fail() { printf 'deploy-checks: FAILED: %s\n' "$*" >&2; exit 1; }

apt_updated=0
install() {
  [ "${CRAMPCDS_DEPLOY_NO_INSTALL:-0}" = "1" ] && fail "$1 is missing (and installing is switched off)"
  [ "$(id -u)" = "0" ] || fail "$1 is missing; install Debian's $1 (needs root)"
  if [ "$apt_updated" = "0" ]; then
    apt-get update -qq >/dev/null || fail "apt-get update"
    apt_updated=1
  fi
  step "installing $1"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null || fail "apt-get install $1"
}

command -v docker-compose >/dev/null 2>&1 || install docker-compose
command -v kubectl >/dev/null 2>&1 || install kubernetes-client

# PyYAML, for the JSON copies: Debian's python3 has it as a dependency of docker-compose.
python=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' >/dev/null 2>&1; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  install python3-yaml
  python=/usr/bin/python3
fi

to_json() { # <yaml file> <json file> [all]: one document, or (all) a JSON list of every document
  "$python" - "$1" "$2" "${3:-one}" <<'PY' || fail "$1 is not valid YAML"
import json, sys, yaml
source, target, mode = sys.argv[1:4]
with open(source) as f:
    data = [d for d in yaml.safe_load_all(f) if d is not None] if mode == "all" else yaml.safe_load(f)
with open(target, "w") as f:
    json.dump(data, f, indent=2, sort_keys=True)
    f.write("\n")
PY
}

# Placeholders, never secrets (see above); CRAMPCDS_* from the caller are ignored on purpose.
export CRAMPCDS_DB_PASSWORD="placeholder-db-password"
export CRAMPCDS_PATIENT_HASH_KEY="placeholder-patient-hash-key"
export CRAMPCDS_ADMIN_TOKEN_HASH="placeholder-admin-token-sha256"

step "docker-compose config (docker-compose.yml)"
docker-compose -f docker-compose.yml config > "$out/compose.yaml" || fail "docker-compose.yml does not validate"
to_json "$out/compose.yaml" "$out/compose.json"

step "docker-compose config (docker-compose.yml + docker-compose.sandbox.yml)"
docker-compose -f docker-compose.yml -f docker-compose.sandbox.yml config > "$out/compose.sandbox.yaml" \
  || fail "docker-compose.yml with docker-compose.sandbox.yml does not validate"
to_json "$out/compose.sandbox.yaml" "$out/compose.sandbox.json"

step "kubectl kustomize deploy/k8s/overlays/production"
kustomize_version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\{0,1\}\([0-9]*\).*/\1/p')"
if [ -n "$kustomize_version" ]; then
  kubectl kustomize deploy/k8s/overlays/production > "$out/k8s-production.yaml" \
    || fail "deploy/k8s/overlays/production does not render"
else
  # kubectl before 1.21 (Debian's kubernetes-client 1.20) embeds kustomize v2.0.3, which predates
  # `envs`, `patches` and directories in `resources`. Render a copy spelled the old way: same objects.
  step "old kubectl (kustomize v2): rendering a copy with the pre-v3 field names"
  legacy="$(mktemp -d)"
  trap 'rm -rf "$legacy"' EXIT
  cp -R deploy/k8s "$legacy/k8s"
  sed -i -e 's/^    envs:$/    env:/' -e 's/^      - settings.env$/      settings.env/' \
    "$legacy/k8s/base/kustomization.yaml" "$legacy/k8s/overlays/production/kustomization.yaml"
  sed -i -e 's#^resources:$#bases:#' -e 's#^patches:$#patchesStrategicMerge:#' -e 's#^  - path: #  - #' \
    "$legacy/k8s/overlays/production/kustomization.yaml"
  kubectl kustomize "$legacy/k8s/overlays/production" > "$out/k8s-production.yaml" \
    || fail "deploy/k8s/overlays/production does not render"
fi
to_json "$out/k8s-production.yaml" "$out/k8s-production.json" all

step "deploy/k8s/cds-cards-configmap.sh cds-cards"
bash deploy/k8s/cds-cards-configmap.sh cds-cards > "$out/cds-cards-configmap.yaml" || fail "cds-cards-configmap.sh"
to_json "$out/cds-cards-configmap.yaml" "$out/cds-cards-configmap.json"

step "scripts and demo data"
sh -n deploy/demo/seed.sh || fail "deploy/demo/seed.sh has a syntax error"
for bundle in deploy/demo/*.json; do
  "$python" -m json.tool "$bundle" >/dev/null || fail "$bundle is not valid JSON"
done

step "ok: rendered files in $out"
