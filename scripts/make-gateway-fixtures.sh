#!/bin/sh
# Regenerates test/fixtures/gateway/expected/*.json from test/fixtures/gateway/jobs/*.json with
# scripts/gateway-render.py (the gateway's environment mirrored in Python; needs Jinja2 3.1 and
# PyYAML). Run from the repository root after changing a fixture definition or job.
set -eu
fixtures=test/fixtures/gateway
for jobs in "$fixtures"/jobs/*.json; do
  name=$(basename "$jobs")
  python3 scripts/gateway-render.py --root "$fixtures/definitions" --jobs "$jobs" \
    --with-jobs --out "$fixtures/expected/$name"
  echo "wrote $fixtures/expected/$name"
done
