// Intake at scale: seeds 20,000 synthetic clients (Ukrainian names) with appeals straight into IndexedDB, then
// drives the release build in headless Chromium and prints search-as-you-type latency, the time to open the client
// list, start-up time and memory. Figures, not pass/fail: this machine is shared and noisy. The same measurements
// on an empty database, and a naive JavaScript substring search over the same names, are printed as baselines.
//   ./pryiom bench            (builds first)    node tests/bench/intake.mjs [clients]
import { launchBrowser, serveBuild, unlock, waitForStorage } from '../e2e/helpers.mjs';
import { seedData, seed } from './seed.mjs';

const N = Number(process.argv[2] ?? 20000);
const QUERIES = ['Ш', 'Ше', 'Шев', 'Шевч', 'Шевче', 'Шевченко', 'Шевченко О', 'Шевченко Ол', 'Шевченко Олекс', 'Шевченко Олександр',
  'K', 'Ko', 'Kov', 'Koval', 'Kovalenko', 'Kovalenko Iryna', 'Мар', 'Марʼ', 'Марʼяна', 'Марʼяна Гнатюк', 'Гнатюк Марьяна',
  'Бондаренко Ганна', 'Бондаренко Ганна 1', 'Бондаренко Ганна 1955', 'Shevcenko', 'Shevhcenko Oleksandr', 'Петренк', 'Петренко Іван',
  '067', '0671', '06710', '067100', '0671000', '31', '318', '3184', 'Ткачук Олег', 'Литвиненко Юлія', 'Ярошенко', 'Пономаренко Тетяна'];

async function measure(browser, served, data, label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const out = { label };
  try {
    await page.goto(served.url);
    // A device with the data in clear, as the release before encryption left it: set-up seals every record.
    await page.getByRole('heading', { level: 1, name: 'Захист даних на цьому пристрої' }).waitFor();
    if (data) await seed(page, data);
    await page.reload();
    const tSeal = Date.now();
    await waitForStorage(page, { home: false, timeout: 900000 });
    await page.waitForFunction((n) => document.querySelector('[data-testid=count-clients]')?.textContent.startsWith(`${n} `), data ? data.clients.length : 0, { timeout: 600000 });
    out.sealAll = Date.now() - tSeal;
    // Start-up: load the page with the data in place (sealed), unlock, until Home shows the counts.
    const t0 = Date.now();
    await page.reload();
    await unlock(page);
    await page.waitForFunction((n) => document.querySelector('[data-testid=count-clients]')?.textContent.startsWith(`${n} `), data ? data.clients.length : 0, { timeout: 300000 });
    out.startup = Date.now() - t0;
    // Open the client list: click to first rows rendered.
    const t1 = await page.evaluate(() => performance.now());
    await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Клієнти' }).click();
    if (data) await page.getByTestId('client-list').locator('a').first().waitFor();
    else await page.getByTestId('client-list').waitFor({ state: 'attached' });
    out.openList = (await page.evaluate(() => performance.now())) - t1;
    // Again, with everything loaded (the usual case during a working day).
    await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Головна' }).click();
    await page.getByTestId('count-clients').waitFor();
    const t2 = await page.evaluate(() => performance.now());
    await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Клієнти' }).click();
    if (data) await page.getByTestId('client-list').locator('a').first().waitFor();
    else await page.getByTestId('client-list').waitFor({ state: 'attached' });
    out.openListWarm = (await page.evaluate(() => performance.now())) - t2;
    // Unlock on the client list (the app returns to the section it was on): from the unlock button to the first
    // client rows — the data-protection issue's "unlock to a usable client list".
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor();
    await page.getByLabel('Парольна фраза').fill('тестова фраза для планшета');
    const t3 = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Розблокувати' }).click();
    if (data) await page.getByTestId('client-list').locator('a').first().waitFor();
    else await page.getByTestId('client-list').waitFor({ state: 'attached' });
    out.unlockToList = (await page.evaluate(() => performance.now())) - t3;
    // Search as you type, on the intake screen.
    await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Нове звернення' }).click();
    const search = page.getByLabel('Пошук клієнта');
    await search.waitFor();
    out.latencies = await page.evaluate(async (queries) => {
      const el = document.getElementById('client-search');
      // Leptos updates the DOM in microtasks after the input event: wait for them with a prompt macrotask.
      const channel = new MessageChannel();
      const settle = () => new Promise((r) => { channel.port1.onmessage = () => r(); channel.port2.postMessage(0); });
      const times = [];
      for (let round = 0; round < 3; round++) {
        for (const q of queries) {
          const t = performance.now();
          el.value = q;
          el.dispatchEvent(new Event('input', { bubbles: true }));
          await settle();
          void document.querySelector('[data-testid=search-results]').offsetHeight; // layout of the new results
          times.push(performance.now() - t);
          await new Promise((r) => requestAnimationFrame(() => r()));
        }
      }
      return times;
    }, QUERIES);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    out.jsHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    out.wasm = await page.evaluate(async () => (await import('./pryiom.js')).wasm_memory_bytes());
  } finally {
    await context.close();
  }
  return out;
}

function naiveBaseline(data) {
  const names = data.clients.map((c) => { const p = JSON.parse(c.payload).personal; return `${p.surname} ${p.given_name} ${p.patronymic}`.toLowerCase(); });
  const times = [];
  for (let round = 0; round < 3; round++) {
    for (const q of QUERIES) {
      const t = performance.now();
      const ql = q.toLowerCase();
      names.filter((n) => n.includes(ql)).slice(0, 20);
      times.push(performance.now() - t);
    }
  }
  return times;
}

const stat = (xs) => { const s = [...xs].sort((a, b) => a - b); return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] }; };
const ms = (x) => `${x.toFixed(1)} ms`;
const mb = (x) => `${(x / 1048576).toFixed(1)} MB`;

const browser = await launchBrowser();
const served = await serveBuild();
try {
  const tSeed = Date.now();
  const data = seedData(N);
  console.log(`seeded ${data.clients.length} clients and ${data.appeals.length} appeals in memory (${Date.now() - tSeed} ms)`);
  const empty = await measure(browser, served, null, 'empty database');
  const full = await measure(browser, served, data, `${N} clients`);
  const naive = stat(naiveBaseline(data));
  const rows = [empty, full].map((r) => ({ ...r, s: stat(r.latencies) }));
  console.log('');
  console.log(`${''.padEnd(36)}${'empty database'.padStart(18)}${`${N} clients`.padStart(18)}${'ratio'.padStart(9)}`);
  const line = (name, a, b, f) => console.log(`${name.padEnd(36)}${f(a).padStart(18)}${f(b).padStart(18)}${(b / Math.max(a, 1e-9)).toFixed(1).padStart(8)}×`);
  line('set-up sealing every record', rows[0].sealAll, rows[1].sealAll, ms);
  line('reload, unlock, to Home counts', rows[0].startup, rows[1].startup, ms);
  line('open the client list, just started', rows[0].openList, rows[1].openList, ms);
  line('open the client list, loaded', rows[0].openListWarm, rows[1].openListWarm, ms);
  line('unlock (on the list) to first client rows', rows[0].unlockToList, rows[1].unlockToList, ms);
  line('search as you type, median', rows[0].s.median, rows[1].s.median, ms);
  line('search as you type, p95', rows[0].s.p95, rows[1].s.p95, ms);
  line('JS heap (after GC)', rows[0].jsHeap, rows[1].jsHeap, mb);
  line('wasm memory', rows[0].wasm, rows[1].wasm, mb);
  console.log('');
  console.log(`baseline: naive JS substring search over the same ${N} names (no Latin, no typos): median ${ms(naive.median)}, p95 ${ms(naive.p95)}`);
  console.log(`search as you type vs naive baseline: median ${(rows[1].s.median / naive.median).toFixed(1)}×, p95 ${(rows[1].s.p95 / naive.p95).toFixed(1)}×`);
} finally {
  await browser.close();
  await served.cleanup();
}
