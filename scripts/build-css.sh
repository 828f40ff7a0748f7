#!/usr/bin/env bash
# Compile quest/static/scss/quest.scss (GOV.UK Frontend with QUEST's settings) into
# quest/static/css/quest.css. The result is committed, so running QUEST never needs node.
# Needs node and npm; uses the Dart Sass compiler from the npm registry.
set -euo pipefail

SASS_VERSION="${SASS_VERSION:-1.108.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"

npx --yes "sass@$SASS_VERSION" \
  --no-source-map --style=compressed --quiet-deps \
  --load-path="$root/quest/static/vendor/govuk-frontend/scss" \
  "$root/quest/static/scss/quest.scss" "$root/quest/static/css/quest.css"
echo "built quest/static/css/quest.css"
