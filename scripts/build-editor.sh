#!/usr/bin/env bash
# Rebuilds the rich-text editor's vendored bundle from the versions pinned in
# scripts/editor/package-lock.json (TipTap + ProseMirror, MIT), with npm and esbuild, in a
# scratch folder: baocao/web/static/vendor/tiptap-<version>.min.js, its licences beside it, and
# the checksum that tests/web/test_editor_vendor.py compares with. Node is needed only here:
# `make run` and the tests read the built file.
#
#   bash scripts/build-editor.sh
#
# After changing a version in scripts/editor/package.json: `npm install --package-lock-only`
# in scripts/editor, run this, update EDITOR_BUNDLE in the templates (base name) and commit all.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
recipe="$here/editor"
vendor="$root/baocao/web/static/vendor"
version="$(node -p 'require(process.argv[1]).dependencies["@tiptap/core"]' "$recipe/package.json")"
out="$vendor/tiptap-$version.min.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$recipe/package.json" "$recipe/package-lock.json" "$recipe/entry.js" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$work" && node_modules/.bin/esbuild entry.js --bundle --minify --format=iife \
  --target=es2019 --legal-comments=none --metafile=meta.json --outfile=bundle.min.js --log-level=warning)
cp "$work/bundle.min.js" "$out"

# Every package that went into the bundle, with its licence text.
node - "$work" > "$vendor/tiptap-$version.LICENSE.txt" <<'JS'
const fs = require("fs"), path = require("path");
const work = process.argv[2];
const meta = require(path.join(work, "meta.json"));
const names = new Set();
for (const input of Object.keys(meta.inputs)) {
  const found = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (found) names.add(found[1]);
}
console.log("Licences of the packages bundled in this folder's tiptap-*.min.js (scripts/build-editor.sh).\n");
for (const name of [...names].sort()) {
  const dir = path.join(work, "node_modules", name);
  const pkg = require(path.join(dir, "package.json"));
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  console.log(`==== ${name} ${pkg.version} (${pkg.license}) ====`);
  console.log(file ? fs.readFileSync(path.join(dir, file), "utf8").trim() : `${pkg.license} (no licence file in the package)`);
  console.log("");
}
JS
(cd "$vendor" && sha256sum "tiptap-$version.min.js") > "$recipe/SHA256SUMS"
echo "built $out ($(wc -c < "$out") bytes); checksum in scripts/editor/SHA256SUMS"
