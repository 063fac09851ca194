#!/usr/bin/env bash
# Prints the ConfigMap "crampcds-cards" holding a cds-cards folder's runtime files, for changing the
# clinical content of a running deployment without rebuilding the image:
#
#   dotnet run --project src/CrampCds.Cli -- lint cds-cards            # check it first
#   deploy/k8s/cds-cards-configmap.sh cds-cards | kubectl apply -n crampcds -f -
#   kubectl rollout restart -n crampcds deployment/crampcds            # the init container copies it in
#
# ConfigMap keys cannot contain "/": rules/x.json is stored under the key rules__x.json, and the pod's
# init container unfolds it again. Delete the ConfigMap to go back to the copy baked into the image.
set -euo pipefail
cards="${1:?usage: $0 <cds-cards folder> [configmap name]}"
name="${2:-crampcds-cards}"
[ -f "$cards/services.json" ] || { echo "$cards: no services.json, not a cds-cards folder" >&2; exit 2; }

args=()
while IFS= read -r -d '' file; do
  relative="${file#"$cards"/}"
  args+=("--from-file=${relative//\//__}=$file")
done < <(find "$cards" -maxdepth 2 -type f -name '*.json' \
           \( -path "$cards/*.json" -o -path "$cards/rules/*" -o -path "$cards/terminology/*" \) -print0 | sort -z)

kubectl create configmap "$name" --dry-run=client -o yaml "${args[@]}"
