// Prints the size of the shipped app shell (what loads before the first screen: wasm + js + css + html), raw, gzip and
// brotli, and the total of the screens loaded on demand. Fails when the shell is over the brotli budget.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [dir = 'dist', budgetArg = '256000'] = process.argv.slice(2);
const budget = Number(budgetArg);
const files = ['pryiom_bg.wasm', 'pryiom.js', '__wasm_split.js', 'boot.js', 'first.js', 'app.css', 'index.html'];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sizes = (body) => ({
  raw: body.length,
  gzip: gzipSync(body, { level: 9 }).length,
  brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const line = (name, row) => console.log(`${name.padEnd(18)}${kb(row.raw).padStart(12)}${kb(row.gzip).padStart(12)}${kb(row.brotli).padStart(12)}`);
const add = (total, row) => { for (const k of Object.keys(total)) total[k] += row[k]; };
const total = { raw: 0, gzip: 0, brotli: 0 };
console.log(`${'file'.padEnd(18)}${'raw'.padStart(12)}${'gzip'.padStart(12)}${'brotli'.padStart(12)}`);
for (const f of files) {
  const row = sizes(readFileSync(join(dir, f)));
  add(total, row);
  line(f, row);
}
line('app shell', total);
// Screens loaded on demand: each split_*.wasm with the shared chunk_*.wasm pieces they need.
const lazy = { raw: 0, gzip: 0, brotli: 0 };
const pieces = readdirSync(dir).filter((f) => /^(split|chunk)_.*\.wasm$/.test(f));
for (const f of pieces) add(lazy, sizes(readFileSync(join(dir, f))));
line(`on demand (${pieces.length})`, lazy);
if (total.brotli > budget) {
  console.log(`FAIL: the app shell is ${kb(total.brotli)} brotli, over the budget of ${kb(budget)}`);
  process.exit(1);
}
console.log(`ok: ${kb(total.brotli)} brotli, within the budget of ${kb(budget)}`);
