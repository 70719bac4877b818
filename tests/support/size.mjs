// Prints the size of the shipped app shell (wasm + js + css): raw, gzip, brotli. Fails over the brotli budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [dir = 'dist', budgetArg = '256000'] = process.argv.slice(2);
const budget = Number(budgetArg);
const files = ['pryiom_bg.wasm', 'pryiom.js', 'boot.js', 'app.css', 'index.html'];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = { raw: 0, gzip: 0, brotli: 0 };
console.log(`${'file'.padEnd(18)}${'raw'.padStart(12)}${'gzip'.padStart(12)}${'brotli'.padStart(12)}`);
for (const f of files) {
  const body = readFileSync(join(dir, f));
  const row = {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  for (const k of Object.keys(total)) total[k] += row[k];
  console.log(`${f.padEnd(18)}${kb(row.raw).padStart(12)}${kb(row.gzip).padStart(12)}${kb(row.brotli).padStart(12)}`);
}
console.log(`${'app shell'.padEnd(18)}${kb(total.raw).padStart(12)}${kb(total.gzip).padStart(12)}${kb(total.brotli).padStart(12)}`);
if (total.brotli > budget) {
  console.log(`FAIL: the app shell is ${kb(total.brotli)} brotli, over the budget of ${kb(budget)}`);
  process.exit(1);
}
console.log(`ok: ${kb(total.brotli)} brotli, within the budget of ${kb(budget)}`);
