// Merges the shared chunks of a wasm split into a few modules (run by `./pryiom build`, after wasm-split-cli).
//
// wasm-split-cli makes one chunk for every set of pieces that share code: 482 chunks for 19 pieces, the set-up and
// unlock form alone needing 204 of them — 204 requests and 204 modules instantiated before the first screen shows,
// the whole of Lighthouse's largest-contentful-paint and blocking time. This step puts every chunk in the module of
// the first *stage* (below) whose pieces use it: the unlock form's code, then what starts behind it, then the
// paralegal's screens, then the rest. A piece then waits for at most four modules; it may load code that only a
// later piece runs (bytes the service worker has cached anyway), never code twice.
//
// Every chunk imports the same three things from the shell (`__wasm_split`: memory, the function table and the
// stack pointer), exports nothing, and fills its slots of the table when instantiated. `wasm-merge` (binaryen, the
// npm package the build already uses for wasm-opt) joins the chunks of a stage, but keeps each one's imports apart
// (three memories per chunk); the merged module's text then has the repeats of each import removed and their names
// pointed at the first, before it is assembled again. The loader `__wasm_split.js` is rewritten to match.
//
// Usage: node tests/support/merge-chunks.mjs BUNDLE_DIR BINARYEN_BIN_DIR
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [dir, bin] = process.argv.slice(2);
if (!dir || !bin) {
  console.error('usage: merge-chunks.mjs BUNDLE_DIR BINARYEN_BIN_DIR');
  process.exit(2);
}

// Pieces by when they are first needed; a piece not named here goes in the last stage.
// The first stage's files (its chunk and its pieces) are fetched early: see `early` below.
const STAGES = [
  ['gate', ['gate_screen']],
  ['start', ['open_piece', 'outbox_piece', 'reread_piece', 'english_piece']],
  ['work', ['clients', 'intake', 'client', 'edit_card', 'checklist', 'edit_appeal', 'application', 'to_bring', 'slip', 'merge']],
  ['more', []],
];
// PRYIOM_WASM_OPT_DEBUG=1 (see ./pryiom) keeps function names here too.
const NAMES = process.env.PRYIOM_WASM_OPT_DEBUG ? ['-g'] : [];
const FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];

function fail(message) {
  console.error(`merge-chunks: ${message}`);
  process.exit(1);
}

const loaderPath = join(dir, '__wasm_split.js');
let loader = readFileSync(loaderPath, 'utf8');

// The loader's chunk declarations, exactly as wasm-split-cli 0.2.4 writes them.
const CHUNK = /\/\* ([^*\n]*) \*\/\nconst (__chunk_\d+) = makeLoad\(\(\) => \{\n {4}const src = fetch\(new URL\("\.\/(chunk_\d+\.wasm)", import\.meta\.url\)\);\n {4}src\.catch\(\(\) => \{\}\);\n {4}return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);\n\}\n, \[\]\);\n/g;
const chunks = new Map();
for (const m of loader.matchAll(CHUNK)) {
  chunks.set(m[2], { users: m[1].split(', ').map((p) => p.replace(/_\d+$/, '')), file: m[3] });
}
const declared = (loader.match(/^const __chunk_\d+ = /gm) || []).length;
if (declared !== chunks.size) fail(`read ${chunks.size} of ${declared} chunk declarations: the loader's format changed`);
if (chunks.size === 0) process.exit(0);

const stageOf = (piece) => {
  const i = STAGES.findIndex(([, pieces]) => pieces.includes(piece));
  return i < 0 ? STAGES.length - 1 : i;
};
const stage = new Map(); // chunk -> stage index
for (const [name, chunk] of chunks) stage.set(name, Math.min(...chunk.users.map(stageOf)));

// Merge each stage's chunks into chunk_<stage>.wasm.
const merged = [];
for (const [i, [label]] of STAGES.entries()) {
  const members = [...chunks].filter(([name]) => stage.get(name) === i);
  if (members.length === 0) continue;
  const out = `chunk_${label}.wasm`;
  const wat = join(dir, `chunk_${label}.wat`);
  const args = [...FEATURES, '--enable-multimemory'];
  members.forEach(([, c], k) => args.push(join(dir, c.file), `m${k}`));
  binaryen('wasm-merge', [...args, ...NAMES, '-S', '-o', wat]);
  writeFileSync(wat, oneImportEach(readFileSync(wat, 'utf8')));
  binaryen('wasm-as', [...FEATURES, ...NAMES, wat, '-o', join(dir, out)]);
  rmSync(wat);
  for (const [, c] of members) rmSync(join(dir, c.file));
  const users = [...new Set(members.flatMap(([, c]) => c.users))].sort();
  merged.push({ label, out, users, names: new Set(members.map(([name]) => name)) });
}

// Runs a binaryen tool; its warning about the name subsection the split adds (which binaryen does not know) is left
// out, anything else it says is passed on.
function binaryen(tool, args) {
  const run = spawnSync(join(bin, tool), args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const said = (run.stderr ?? '').split('\n').filter((l) => l && !l.includes('unknown name subsection')).join('\n');
  if (said) console.error(said);
  if (run.status !== 0) fail(`${tool} failed${run.error ? `: ${run.error.message}` : ''}`);
}

// The merged text repeats every import once per chunk (`$mimport$0`, `$mimport$0_1`, ...): keep the first of each
// module/name pair and point the others' names at it. Names are replaced outside string literals only.
function oneImportEach(text) {
  const first = new Map(); // "module\0name" -> $id
  const alias = new Map(); // $id -> $id of the first
  const IMPORT = /^ \(import "([^"]*)" "([^"]*)" \((?:memory|table|global|func) (\$[^\s()]+)[^\n]*\n/gm;
  text = text.replace(IMPORT, (line, module, name, id) => {
    const key = `${module}\0${name}`;
    if (!first.has(key)) {
      first.set(key, id);
      return line;
    }
    alias.set(id, first.get(key));
    return '';
  });
  if (alias.size === 0) return text;
  return text.split(/("(?:[^"\\]|\\.)*")/).map((part, k) => (k % 2 === 1 ? part
    : part.replace(/\$[^\s()"]+/g, (id) => alias.get(id) ?? id))).join('');
}

// The loader: one declaration per merged module where the chunks' were, and each piece's dependencies renamed.
const declarations = merged.map(({ label, out, users }) => `/* ${users.join(', ')} */
const __chunk_${label} = makeLoad(() => {
    const src = fetch(new URL("./${out}", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
`).join('');
let placed = false;
loader = loader.replace(CHUNK, () => (placed ? '' : ((placed = true), declarations)));
loader = loader.replace(/, \[(__chunk_\d+(?:, __chunk_\d+)*)\]\)/g, (_, list) => {
  const deps = new Set(list.split(', ').map((name) => {
    const group = merged.find((g) => g.names.has(name));
    if (!group) fail(`a piece depends on ${name}, which no stage holds`);
    return `__chunk_${group.label}`;
  }));
  const ordered = merged.map((g) => `__chunk_${g.label}`).filter((name) => deps.has(name));
  return `, [${ordered.join(', ')}])`;
});
if (/__chunk_\d+/.test(loader)) fail('the loader still names a chunk that was merged');

// The set-up and unlock form is the first screen of every visit but a kiosk's: its chunk and piece are fetched as
// soon as the shell's own WebAssembly is on its way (this loader is read before the shell starts), not once the shell
// has started and asked for them — on a slow link that is a round trip and the shell's start-up sooner. Each early
// answer is used once; a load tried again (after a failure) fetches anew.
const [firstStage, firstPieces] = STAGES[0];
const earlyFiles = [];
loader = loader.replace(/const src = fetch\(new URL\("\.\/([^"]+)", import\.meta\.url\)\);/g, (whole, file) => {
  const piece = file.match(/^split_(\w+?)_\d+\.wasm$/)?.[1];
  if (file !== `chunk_${firstStage}.wasm` && !firstPieces.includes(piece)) return whole;
  earlyFiles.push(file);
  return `const src = early("${file}");`;
});
if (earlyFiles.length !== 1 + firstPieces.length) fail(`found ${earlyFiles.length} of the first screen's files`);
const EARLY = `// Added by merge-chunks.mjs: the first screen's files, fetched early.
const earlyFetches = new Map();
setTimeout(() => {
    for (const file of ${JSON.stringify(earlyFiles)}) {
        if (earlyFetches.has(file)) continue;
        const src = fetch(new URL(file, import.meta.url));
        src.catch(() => {});
        earlyFetches.set(file, src);
    }
}, 0);
function early(file) {
    const src = earlyFetches.get(file) ?? fetch(new URL(file, import.meta.url));
    earlyFetches.set(file, null);
    return src;
}
`;
loader = loader.replace(/\/\* [^*\n]* \*\/\nconst __chunk_/, (first) => EARLY + first);
writeFileSync(loaderPath, loader);
console.error(`merge-chunks: ${chunks.size} chunks into ${merged.map((g) => `${g.out} (${g.names.size})`).join(', ')}`);
