#!/usr/bin/env bash
# Re-vendor GOV.UK Frontend into static/ and compile static/src/engage.scss.
#
# The outputs are committed so Python-only CI and Docker images need no Node.
# Run from anywhere: scripts/vendor_govuk_frontend.sh
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A package.json of its own stops npm from climbing to an ancestor project.
echo '{"private": true}' >"$work/package.json"
(
  cd "$work"
  # --ignore-scripts: nothing here needs an install script (sass's optional
  # file watcher is the only package that has one).
  npm install --no-save --ignore-scripts --no-audit --no-fund \
    "govuk-frontend@${GOVUK_FRONTEND_VERSION}" "sass@${SASS_VERSION}"
)

dist="$work/node_modules/govuk-frontend/dist/govuk"

mkdir -p "$root/static/css"
"$work/node_modules/.bin/sass" \
  --load-path="$work/node_modules" \
  --style=compressed \
  --no-source-map \
  "$root/static/src/engage.scss" "$root/static/css/engage.css"

if grep -q "GDS Transport" "$root/static/css/engage.css"; then
  echo "engage.css still names GDS Transport: check static/src/engage.scss" >&2
  exit 1
fi

rm -rf "$root/static/govuk"
mkdir -p "$root/static/govuk"
cp "$dist/govuk-frontend.min.js" "$root/static/govuk/"
cp -R "$dist/assets" "$root/static/govuk/assets"
# GDS Transport may only be used on service.gov.uk, so its files stay out.
rm -rf "$root/static/govuk/assets/fonts"
echo "$GOVUK_FRONTEND_VERSION" >"$root/static/govuk/VERSION"

echo "Vendored govuk-frontend ${GOVUK_FRONTEND_VERSION} (sass ${SASS_VERSION}) into static/"
