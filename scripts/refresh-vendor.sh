#!/usr/bin/env bash
# Refresh the vendored browser assets from the npm registry, unmodified, then rebuild QUEST's CSS.
#
#   scripts/refresh-vendor.sh                     # the versions pinned below
#   GOVUK_FRONTEND_VERSION=6.4.0 scripts/refresh-vendor.sh
#
# govuk-frontend must stay on the major version the govuk-frontend-jinja macros support (6.x for
# govuk-frontend-jinja 4.x); htmx must stay on 2.0.x (htmx 4 changes its headers). Needs node and npm.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.3.0}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"

case "$GOVUK_FRONTEND_VERSION" in 6.*) ;; *) echo "govuk-frontend must be 6.x to match govuk-frontend-jinja 4.x" >&2; exit 2 ;; esac
case "$HTMX_VERSION" in 2.0.*) ;; *) echo "htmx must be 2.0.x" >&2; exit 2 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/quest/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null
mkdir govuk htmx
tar -xzf "govuk-frontend-$GOVUK_FRONTEND_VERSION.tgz" -C govuk
tar -xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx

# govuk-frontend: the JavaScript bundle and the Sass sources QUEST's stylesheet is compiled from.
# Not taken: the GOV.UK fonts and crown images, which a service outside GOV.UK must not use.
rm -rf "$vendor/govuk-frontend"
mkdir -p "$vendor/govuk-frontend"
cp govuk/package/dist/govuk/govuk-frontend.min.js "$vendor/govuk-frontend/"
(cd govuk/package/dist/govuk && find . -name '*.scss' -exec install -D -m 644 {} "$vendor/govuk-frontend/scss/{}" \;)
cp govuk/package/package.json govuk/package/README.md "$vendor/govuk-frontend/"
echo "$GOVUK_FRONTEND_VERSION" > "$vendor/govuk-frontend/VERSION"
# The npm package states its licence (MIT) in package.json and README.md but ships no licence file;
# this is the text of LICENSE.txt in the govuk-frontend repository.
cat > "$vendor/govuk-frontend/LICENSE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE

# htmx: the minified build, with its licence.
rm -rf "$vendor/htmx"
mkdir -p "$vendor/htmx"
cp htmx/package/dist/htmx.min.js htmx/package/LICENSE "$vendor/htmx/"
echo "$HTMX_VERSION" > "$vendor/htmx/VERSION"

"$root/scripts/build-css.sh"
echo "vendored govuk-frontend $GOVUK_FRONTEND_VERSION and htmx $HTMX_VERSION"
