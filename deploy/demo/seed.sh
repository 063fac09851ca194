#!/bin/sh
# One-shot loader of the demo patients (docker-compose service hapi-seed, image curlimages/curl).
# POSTs each transaction Bundle in this folder to the FHIR server. Every entry is a PUT with a fixed id,
# so running it again updates the same resources instead of adding copies.
set -eu
base="${FHIR_BASE:-http://hapi:8080/fhir}"
dir="$(dirname "$0")"
for bundle in "$dir"/[0-9]*.json; do
  attempt=1
  until curl --silent --show-error --fail --max-time 60 \
          -X POST "$base" \
          -H 'Content-Type: application/fhir+json' -H 'Accept: application/fhir+json' \
          --data-binary "@$bundle" -o /dev/null; do
    if [ "$attempt" -ge 5 ]; then
      echo "hapi-seed: $(basename "$bundle") could not be loaded into $base" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 5
  done
  echo "hapi-seed: loaded $(basename "$bundle")"
done
echo "hapi-seed: demo patients ready at $base (e.g. $base/Patient?_tag=https://crampcds.example.org/demo|demo)"
