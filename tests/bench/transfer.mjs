// Export and re-import at scale: seeds N records (half clients, half appeals) into IndexedDB, makes a batch from the
// Export screen of the release build in headless Chromium (until the file downloads), clears the database and
// imports the file back (until the summary shows). Prints time, peak memory and file size, and, in the same run and
// the same page, JSON.stringify / JSON.parse of the same records as a baseline. Figures, not pass/fail.
//   ./pryiom bench            (builds first)    node tests/bench/transfer.mjs [records]
import { stat as fileStat } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, launchBrowser, serveBuild, waitForStorage } from '../e2e/helpers.mjs';
import { seed, seedData } from './seed.mjs';

const N = Number(process.argv[2] ?? 20000);

/** Runs `work` while sampling the JS heap every 50 ms; returns its result, the time and the peak heap. */
async function sampled(cdp, page, work) {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      peak = Math.max(peak, usedSize);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const wasm0 = await wasmBytes(page);
  const t = Date.now();
  const result = await work();
  const ms = Date.now() - t;
  running = false;
  await sampler;
  const wasmGrowth = (await wasmBytes(page)) - wasm0;
  return { result, ms, peakHeap: peak, wasmGrowth };
}

const wasmBytes = (page) => page.evaluate(async () => (await import('./pryiom.js')).wasm_memory_bytes());

async function clearDatabase(page, served) {
  await page.evaluate(() => new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase('pryiom');
    r.onsuccess = resolve;
    r.onerror = () => reject(r.error);
  }));
  await page.goto(`${served.url}#/home`);
  await page.reload();
  await waitForStorage(page);
}

const browser = await launchBrowser();
const served = await serveBuild();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
try {
  const data = seedData(N / 2, 1);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(served.url);
  // Seeded in clear before set-up, which seals every record (as on a device upgraded from the release before).
  await page.getByRole('heading', { level: 1, name: 'Захист даних на цьому пристрої' }).waitFor();
  await seed(page, data);
  await page.goto(`${served.url}#/export`);
  await page.reload();
  await waitForStorage(page, { home: false, timeout: 900000 });
  await page.getByTestId('pending-export').getByText(`${N} записів ще не експортовано`, { exact: false }).waitFor({ timeout: 300000 });
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});

  // Export: click until the file is offered for download.
  const exp = await sampled(cdp, page, async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 600000 }),
      page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click(),
    ]);
    const path = join(ARTIFACTS, 'bench-batch.json');
    await download.saveAs(path);
    return path;
  });
  const batchPath = exp.result;
  const size = (await fileStat(batchPath)).size;

  // Baseline, same page, same records: JSON.stringify of { type, id, rev, updated_at, data } and JSON.parse back.
  // Its memory: what the records, their JSON text and the parsed copy hold while alive (heap with them minus without).
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const heapBefore = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const base = await page.evaluate(async () => {
    const db = await new Promise((ok, fail) => { const o = indexedDB.open('pryiom'); o.onsuccess = () => ok(o.result); o.onerror = () => fail(o.error); });
    const all = (store) => new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
    const rows = [...(await all('clients')).map((r) => ['client', r]), ...(await all('appeals')).map((r) => ['appeal', r])];
    db.close();
    const records = rows.map(([type, r]) => ({ type, id: r.id, rev: r.rev, updated_at: r.updated_at, data: JSON.parse(r.payload) }));
    const t0 = performance.now();
    const text = JSON.stringify({ records });
    const t1 = performance.now();
    const parsed = JSON.parse(text);
    const t2 = performance.now();
    window.__bench = { records, text, parsed };
    return { stringify: t1 - t0, parse: t2 - t1, bytes: new TextEncoder().encode(text).length };
  });
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const baseHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize - heapBefore;
  await page.evaluate(() => { delete window.__bench; });

  // Import into an empty database: choose the file until the summary shows.
  await clearDatabase(page, served);
  await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Експорт' }).click();
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const imp = await sampled(cdp, page, async () => {
    await page.getByLabel('Вибрати файл пакета').setInputFiles(batchPath);
    await page.getByTestId('import-status').getByText(`нових ${N},`, { exact: false }).waitFor({ timeout: 600000 });
  });
  const back = await page.evaluate(async () => {
    const db = await new Promise((ok) => { const o = indexedDB.open('pryiom'); o.onsuccess = () => ok(o.result); });
    const count = (s) => new Promise((ok) => { const r = db.transaction(s).objectStore(s).count(); r.onsuccess = () => ok(r.result); });
    const n = (await count('clients')) + (await count('appeals'));
    db.close();
    return n;
  });

  const ms = (x) => `${Math.round(x).toLocaleString('en')} ms`;
  const mb = (x) => `${(x / 1048576).toFixed(1)} MB`;
  console.log(`${N} records (${N / 2} clients, ${N / 2} appeals); ${back} back in IndexedDB after the import`);
  console.log('');
  console.log(`${''.padEnd(34)}${'Pryiom'.padStart(14)}${'JSON baseline'.padStart(16)}${'ratio'.padStart(9)}`);
  const line = (name, a, b, f) => console.log(`${name.padEnd(34)}${f(a).padStart(14)}${(b == null ? '—' : f(b)).padStart(16)}${(b == null ? '' : `${(a / Math.max(b, 1e-9)).toFixed(1)}×`).padStart(9)}`);
  line('export: time to file (vs stringify)', exp.ms, base.stringify, ms);
  line('export: file size (vs JSON text)', size, base.bytes, mb);
  line('export: peak JS heap (vs held)', exp.peakHeap, baseHeap, mb);
  line('export: wasm memory growth', exp.wasmGrowth, null, mb);
  line('import: time to summary (vs parse)', imp.ms, base.parse, ms);
  line('import: peak JS heap (vs held)', imp.peakHeap, baseHeap, mb);
  line('import: wasm memory growth', imp.wasmGrowth, null, mb);
  console.log('');
  console.log('Pryiom times are end to end as a user sees them (reading IndexedDB, checksums, CSV checksums, the');
  console.log('download / every check before one write transaction); the baseline is only the JSON step, in the same page.');
} finally {
  await context.close();
  await browser.close();
  await served.cleanup();
}
