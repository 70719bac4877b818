// Export and re-import at scale: seeds N records (half clients, half appeals) into IndexedDB, makes a batch from the
// Export screen of the release build in headless Chromium (until the file downloads), clears the database and
// imports the file back (until the summary shows). Prints time, peak memory and file size, and, in the same run and
// the same page, JSON.stringify / JSON.parse of the same records as a baseline. Figures, not pass/fail.
//   ./pryiom bench            (builds first)    node tests/bench/transfer.mjs [records]
import { stat as fileStat } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, launchBrowser, serveBuild, waitForStorage } from '../e2e/helpers.mjs';
import { seed, seedData } from './seed.mjs';
import { profiled } from './profile.mjs';

const N = Number(process.argv[2] ?? 20000);
/** Runs `work` while sampling the JS heap every 50 ms; returns its result, the time and the peak heap. */
async function sampled(cdp, page, work) {
  let peak = 0;
  let running = true;
  // (A sampling that fails ends quietly: the work's own error, if any, is the one to see.)
  const sampler = (async () => {
    while (running) {
      const used = await cdp.send('Runtime.getHeapUsage').then((h) => h.usedSize, () => null);
      if (used == null) break;
      peak = Math.max(peak, used);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const wasm0 = await wasmBytes(page);
  const t = Date.now();
  let result;
  try {
    result = await work();
  } finally {
    running = false;
    await sampler;
  }
  const ms = Date.now() - t;
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

/**
 * What a web developer would write instead, in the same page over the same records (issue 16's peers): export as
 * IndexedDB getAll + canonical JSON (keys sorted) + SHA-256 per record (WebCrypto) + one JSON text in a Blob; import
 * as JSON.parse + every record's SHA-256 checked + one IndexedDB transaction writing them all. Its own database.
 */
async function jsPeers(page, data) {
  return page.evaluate(async ({ clients, appeals }) => {
    const open = (name) => new Promise((ok, fail) => {
      const o = indexedDB.open(name, 1);
      o.onupgradeneeded = () => { for (const s of ['clients', 'appeals']) o.result.createObjectStore(s, { keyPath: 'id' }); };
      o.onsuccess = () => ok(o.result);
      o.onerror = () => fail(o.error);
    });
    const done = (tx) => new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = () => fail(tx.error); tx.onabort = () => fail(tx.error); });
    const drop = (name) => new Promise((ok) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = ok; r.onerror = ok; r.onblocked = ok; });
    const canonical = (v) => (Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
      : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
        : JSON.stringify(v));
    const enc = new TextEncoder();
    const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
    const sha = async (text) => hex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
    await drop('peer-transfer');
    let db = await open('peer-transfer');
    let tx = db.transaction(['clients', 'appeals'], 'readwrite');
    for (const c of clients) tx.objectStore('clients').put(c);
    for (const a of appeals) tx.objectStore('appeals').put(a);
    await done(tx);

    const t0 = performance.now();
    const all = (s) => new Promise((ok) => { const r = db.transaction(s).objectStore(s).getAll(); r.onsuccess = () => ok(r.result); });
    const rows = [...(await all('clients')).map((r) => ['client', r]), ...(await all('appeals')).map((r) => ['appeal', r])];
    const records = await Promise.all(rows.map(async ([type, r]) => {
      const body = canonical(JSON.parse(r.payload));
      return { type, id: r.id, rev: r.rev, updated_at: r.updated_at, sha256: await sha(body), data: JSON.parse(body) };
    }));
    const blob = new Blob([JSON.stringify({ records })], { type: 'application/json' });
    const exportMs = performance.now() - t0;
    const text = await blob.text();
    db.close();
    await drop('peer-transfer');
    db = await open('peer-transfer');

    const t1 = performance.now();
    const parsed = JSON.parse(text).records;
    const sums = await Promise.all(parsed.map((r) => sha(canonical(r.data))));
    if (sums.some((s, i) => s !== parsed[i].sha256)) throw new Error('peer import: a checksum differs');
    tx = db.transaction(['clients', 'appeals'], 'readwrite');
    for (const r of parsed) {
      tx.objectStore(r.type === 'client' ? 'clients' : 'appeals')
        .put({ id: r.id, rev: r.rev, updated_at: r.updated_at, payload: JSON.stringify(r.data) });
    }
    await done(tx);
    const importMs = performance.now() - t1;
    db.close();
    await drop('peer-transfer');
    return { exportMs, importMs, bytes: blob.size };
  }, data);
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
  const peer = await jsPeers(page, data);
  await page.goto(`${served.url}#/export`);
  await page.reload();
  await waitForStorage(page, { home: false, timeout: 900000 });
  await page.getByTestId('pending-export').getByText(`${N} записів ще не експортовано`, { exact: false }).waitFor({ timeout: 300000 });
  // No centre key on this device: files are saved unencrypted once the worker confirms it (as the export test does).
  await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});

  // Export: click until the file is offered for download.
  const exp = await sampled(cdp, page, () => profiled(cdp, 'export', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 600000 }),
      page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click(),
    ]);
    const path = join(ARTIFACTS, 'bench-batch.json');
    await download.saveAs(path);
    return path;
  }));
  const batchPath = exp.result;
  const size = (await fileStat(batchPath)).size;

  // Baseline, same page, same records: JSON.stringify of { type, id, rev, updated_at, data } and JSON.parse back.
  // Its memory: what the records, their JSON text and the parsed copy hold while alive (heap with them minus without).
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const heapBefore = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  // (From the seeded rows: the app's database is sealed by now.)
  const base = await page.evaluate(async ({ clients, appeals }) => {
    const rows = [...clients.map((r) => ['client', r]), ...appeals.map((r) => ['appeal', r])];
    const records = rows.map(([type, r]) => ({ type, id: r.id, rev: r.rev, updated_at: r.updated_at, data: JSON.parse(r.payload) }));
    const t0 = performance.now();
    const text = JSON.stringify({ records });
    const t1 = performance.now();
    const parsed = JSON.parse(text);
    const t2 = performance.now();
    window.__bench = { records, text, parsed };
    return { stringify: t1 - t0, parse: t2 - t1, bytes: new TextEncoder().encode(text).length };
  }, data);
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const baseHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize - heapBefore;
  await page.evaluate(() => { delete window.__bench; });

  // Import into an empty database: choose the file until the summary shows.
  await clearDatabase(page, served);
  await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Експорт' }).click();
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const imp = await sampled(cdp, page, () => profiled(cdp, 'import', async () => {
    await page.getByLabel('Вибрати файл пакета').setInputFiles(batchPath);
    // (The batch also carries the audit trail's events: more than N new records.)
    await page.getByTestId('import-status').getByText(/^Імпорт завершено: нових \d+,/).waitFor({ timeout: 600000 });
  }));
  // The same file three times more (nothing new to write; every check again): does the wasm memory stay where the
  // first import left it? (A wasm module's memory never shrinks: growth here would be kept until the tab closes.)
  const wasmAfterImport = await wasmBytes(page);
  const again = [];
  for (let k = 0; k < 3; k++) {
    // Done when the status has changed (to "importing") and come back to a summary: it read the same before.
    await page.evaluate(() => {
      window.__imported = false;
      const status = document.querySelector('[data-testid=import-status]');
      let left = false;
      new MutationObserver((_, obs) => {
        const done = /^Імпорт завершено: нових 0,/.test(status.textContent);
        if (!done) left = true;
        else if (left) { window.__imported = true; obs.disconnect(); }
      }).observe(status, { childList: true, subtree: true, characterData: true });
    });
    await page.getByLabel('Вибрати файл пакета').setInputFiles([]);
    await page.getByLabel('Вибрати файл пакета').setInputFiles(batchPath);
    await page.waitForFunction(() => window.__imported, null, { timeout: 600000 });
    again.push((await wasmBytes(page)) - wasmAfterImport);
  }
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
  console.log(`${'the same file 3× more: growth after each'.padEnd(34)}${again.map(mb).join(' / ').padStart(30)}`);
  console.log('');
  console.log(`${'peers, same page and records'.padEnd(34)}${'Pryiom'.padStart(14)}${'JS peer'.padStart(16)}${'ratio'.padStart(9)}`);
  line('export (issue 16: ≤ 1.3×)', exp.ms, peer.exportMs, ms);
  line('import (issue 16: ≤ 1.5×)', imp.ms, peer.importMs, ms);
  console.log('(JS export: IndexedDB getAll + canonical JSON + SHA-256 per record + a Blob of the JSON text;');
  console.log(' JS import: JSON.parse + every SHA-256 checked + one IndexedDB transaction; no encryption, no CSV, no UI)');
  console.log('');
  console.log('Pryiom times are end to end as a user sees them (reading IndexedDB, checksums, CSV checksums, the');
  console.log('download / every check before one write transaction); the baseline is only the JSON step, in the same page.');
} finally {
  await context.close();
  await browser.close();
  await served.cleanup();
}
