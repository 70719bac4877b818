// What splitting the wasm into on-demand pieces is worth, measured: the release build (dist/, split) against the same
// app built as one module (dist-unsplit/, `--cfg pryiom_unsplit`), both served brotli-compressed on 127.0.0.1.
// - bytes: what the first screen needs, and what the service worker fetches on a first visit and on every update
//   (it precaches every file of a build, and a new build is a new cache, so an update fetches the whole build again);
// - Lighthouse 12.2.3, its default mobile profile (simulated slow 4G, 4× slower CPU), a cold first visit, median of
//   RUNS runs per build: performance score, first and largest contentful paint, speed index, total blocking time.
// Figures, not pass/fail.   ./pryiom bench-split  (builds both, installs Lighthouse into ~/.cache/pryiom)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { startServer } from '../support/serve.mjs';

const RUNS = Number(process.argv[2] ?? 3);
import { audit } from './lighthouse.mjs';

const BUILDS = [
  { name: 'split (shipped)', dir: 'dist' },
  { name: 'one module', dir: 'dist-unsplit' },
];
// What the first screen (Home) needs before it shows: the page, its loader, styles and the shell's code.
const FIRST = ['index.html', 'boot.js', 'first.js', 'app.css', 'pryiom.js', 'pryiom_bg.wasm', '__wasm_split.js'];

const br = (file) => brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${Math.round(n / 1024).toLocaleString('en')} KB`;
const ms = (n) => `${Math.round(n).toLocaleString('en')} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bytes(dir) {
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
  const all = files.reduce((n, f) => n + br(join(dir, f)), 0);
  const first = FIRST.filter((f) => files.includes(f)).reduce((n, f) => n + br(join(dir, f)), 0);
  // A first visit loads the first screen, then the service worker fetches every file again (`cache: 'reload'`).
  return { files: files.length, first, firstVisit: first + all, update: all };
}

const rows = [];
for (const b of BUILDS) {
  const served = await startServer({ dir: b.dir, brotli: true });
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await audit(served.url));
    const m = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
    rows.push({ ...b, ...bytes(b.dir), ...m });
  } finally {
    await served.close();
  }
}

const [split, whole] = rows;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const table = [
  ['', split.name, whole.name, 'ratio'],
  ['files in the build', split.files, whole.files, ''],
  ['first screen needs (brotli)', kb(split.first), kb(whole.first), ratio(split.first, whole.first)],
  ['first visit fetches (brotli)', kb(split.firstVisit), kb(whole.firstVisit), ratio(split.firstVisit, whole.firstVisit)],
  ['every update fetches (brotli)', kb(split.update), kb(whole.update), ratio(split.update, whole.update)],
  [`Lighthouse performance (median of ${RUNS})`, split.score, whole.score, ''],
  ['first contentful paint', ms(split.fcp), ms(whole.fcp), ratio(split.fcp, whole.fcp)],
  ['largest contentful paint', ms(split.lcp), ms(whole.lcp), ratio(split.lcp, whole.lcp)],
  ['speed index', ms(split.si), ms(whole.si), ratio(split.si, whole.si)],
  ['total blocking time', ms(split.tbt), ms(whole.tbt), ''],
  ['cumulative layout shift', split.cls.toFixed(3), whole.cls.toFixed(3), ''],
];
for (const r of table) console.log(`| ${r.join(' | ')} |`);
