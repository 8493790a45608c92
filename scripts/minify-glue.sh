#!/usr/bin/env bash
# Trunk post_build hook for release builds: shortens the names the wasm and its JS glue share,
# minifies the glue, and updates both integrity hashes in index.html.
#
# Names: wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` (about 270 of them),
# each written twice, in the wasm's import section and as a key of the glue's import object,
# and the hex does not compress. wasm-opt's --minify-imports-and-exports-and-modules renames
# the imports, the exports and the import module to one or two letters and prints the mapping,
# which this script applies to the glue. Together about 8.7 KB gzip of the page budget
# (docs/app.md, size). Anything in the glue that does not line up with the mapping stops the
# build, so a newer wasm-bindgen cannot produce a page that fails to start.
#
# Minifying: trunk leaves the glue as written (its own minifier fails on it); esbuild does it.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
bin="$TRUNK_SOURCE_DIR/node_modules/.bin"
# node is there anyway (npm packages); openssl may not be on a fresh machine.
sri() { node -e 'const c = require("crypto"); process.stdout.write("sha384-" + c.createHash("sha384").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$1"; }
html="$TRUNK_STAGING_DIR/index.html"
wasms=("$TRUNK_STAGING_DIR"/*_bg.wasm)
[ ${#wasms[@]} = 1 ] || { echo "minify-glue: expected one wasm, found ${#wasms[@]}" >&2; exit 1; }
wasm=${wasms[0]}
js=${wasm%_bg.wasm}.js
map=$(mktemp)
trap 'rm -f "$map"' EXIT

before_wasm=$(sri "$wasm")
before_js=$(sri "$js")
# -Oz again because rewriting the module alone makes wasm-opt's output about 700 B gzip larger;
# the producers section only names the tools.
#
# Unused exports: Leptos always links server_fn, whose streaming bodies export three classes
# (wasm-streams' IntoUnderlyingSource, -ByteSource and -Sink) that only a server function
# returning a stream would use, and a client-side page has none. Their exports are removed
# here (so wasm-opt drops their code) and their classes from the glue below, about 2 KB gzip;
# if the glue still used one of them, the export check below would stop the build.
"$bin/wasm-opt" --remove-exports --pass-arg='remove-exports@*intounderlying*' \
    --minify-imports-and-exports-and-modules -Oz --strip-producers \
    "$wasm" -o "$wasm" >"$map"

node - "$map" "$wasm" "$js" <<'EOF'
const fs = require('fs');
const [mapFile, wasmFile, jsFile] = process.argv.slice(2);
const fail = (why) => { console.error(`minify-glue: ${why}`); process.exit(1); };
const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
const imports = new Map(map.imports.map(([, old, short]) => [old, short]));
const exports = new Map(map.exports);
const oldModules = new Set(map.imports.map(([module]) => module));
const module = new WebAssembly.Module(fs.readFileSync(wasmFile));
const newModules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
if (oldModules.size !== 1 || newModules.size !== 1) fail('expected one import module');
const [oldModule] = oldModules;
const [newModule] = newModules;
let js = fs.readFileSync(jsFile, 'utf8');

// The import object: `"./<name>_bg.js": import0`, whose keys are `<import>: function(…)`.
const moduleKey = JSON.stringify(oldModule) + ':';
if (js.split(moduleKey).length !== 2) fail(`import module ${oldModule} not found once`);
js = js.replace(moduleKey, JSON.stringify(newModule) + ':');
let renamed = 0;
js = js.replace(/^(\s+)([\w$]+)(: function\b)/gm, (line, indent, name, rest) => {
  if (!imports.has(name)) return line;
  renamed += 1;
  return indent + imports.get(name) + rest;
});
if (renamed !== imports.size) fail(`${renamed} of ${imports.size} imports found in the glue`);
for (const old of imports.keys()) {
  if (new RegExp(`\\b${old.replace(/\$/g, '\\$')}\\b`).test(js)) fail(`${old} is used elsewhere`);
}

// The stream classes whose exports are gone: each class, its dispose line, its finalizer.
js = js
  .replace(/^export class (IntoUnderlying\w*) \{\n[\s\S]*?^\}\n(if \(Symbol\.dispose\) \1\.prototype\[Symbol\.dispose\] = \1\.prototype\.free;\n)?/gm, '')
  .replace(/^const IntoUnderlying\w*Finalization = .*\n.*\n.*\n/gm, '');
if (/intounderlying/i.test(js)) fail('a stream class is still in the glue');

// The exports, all read as `wasm.<name>` (`wasm` is the instance's exports).
js = js.replace(/\bwasm\.([\w$]+)/g, (_, name) => {
  if (!exports.has(name)) fail(`the glue uses wasm.${name}, which is not exported`);
  return `wasm.${exports.get(name)}`;
});
fs.writeFileSync(jsFile, js);
EOF

"$bin/esbuild" --minify --format=esm --log-level=warning --allow-overwrite "$js" --outfile="$js"
after_wasm=$(sri "$wasm")
after_js=$(sri "$js")
sed -i "s|$before_wasm|$after_wasm|; s|$before_js|$after_js|" "$html"
grep -q "$after_wasm" "$html" && grep -q "$after_js" "$html" ||
    { echo "minify-glue: integrity hashes not updated in index.html" >&2; exit 1; }
