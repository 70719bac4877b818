// Intake at scale: seeds 20,000 synthetic clients (Ukrainian names) with appeals straight into IndexedDB, then
// drives the release build in headless Chromium and prints search-as-you-type latency, the time to open the client
// list, start-up time and memory. Figures, not pass/fail: this machine is shared and noisy. The same measurements
// on an empty database, and a naive JavaScript substring search over the same names, are printed as baselines.
//   ./pryiom bench            (builds first)    node tests/bench/intake.mjs [clients]
import { launchBrowser, serveBuild, unlock, waitForStorage } from '../e2e/helpers.mjs';
import { seedData, seed } from './seed.mjs';
import { measurePeers, recallQueries } from './peers.mjs';
import { profiled } from './profile.mjs';

// One size, or several (`intake.mjs 5000 20000 100000`): the growth exponent between the first and the last.
const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (SIZES.length === 0) SIZES.push(20000);
const QUERIES = ['Ш', 'Ше', 'Шев', 'Шевч', 'Шевче', 'Шевченко', 'Шевченко О', 'Шевченко Ол', 'Шевченко Олекс', 'Шевченко Олександр',
  'K', 'Ko', 'Kov', 'Koval', 'Kovalenko', 'Kovalenko Iryna', 'Мар', 'Марʼ', 'Марʼяна', 'Марʼяна Гнатюк', 'Гнатюк Марьяна',
  'Бондаренко Ганна', 'Бондаренко Ганна 1', 'Бондаренко Ганна 1955', 'Shevcenko', 'Shevhcenko Oleksandr', 'Петренк', 'Петренко Іван',
  '067', '0671', '06710', '067100', '0671000', '31', '318', '3184', 'Ткачук Олег', 'Литвиненко Юлія', 'Ярошенко', 'Пономаренко Тетяна'];

async function measure(browser, served, data, label, recall = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Long tasks (the main thread busy over 50 ms: a screen that does not answer), noted from each page's start.
  await context.addInitScript(() => {
    window.__long = [];
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask', buffered: true });
    } catch { /* no long task timing: nothing noted */ }
  });
  const page = await context.newPage();
  // The long tasks that began at or after `t` (the page's clock).
  const longSince = (t) => page.evaluate((t) => window.__long.filter(([s]) => s >= t).map(([, d]) => d), t);
  let crashed = false;
  page.on('crash', () => { crashed = true; });
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
    // Home also says how many records no batch has carried yet: from the unlock to that line, and the long tasks
    // meanwhile (it read and opened every record of the device until 2026-12-07, holding the screen for seconds).
    await page.waitForFunction(() => /^(\d|Усе)/.test(document.querySelector('[data-testid=pending-export]')?.textContent ?? ''), null, { timeout: 600000 });
    out.homePending = Date.now() - t0;
    out.longHome = await longSince(0);
    out.wasmHome = await page.evaluate(async () => (await import('./pryiom.js')).wasm_memory_bytes());
    // Open the client list: from the click to the first rows in the page (a MutationObserver's time; as the
    // unlock is timed), and as the driver sees it (its click and wait, which also waits for the page to answer).
    const openList = async () => {
      await page.evaluate((rows) => {
        window.__listOpen = null;
        document.addEventListener('click', () => { window.__listClick = performance.now(); }, { capture: true, once: true });
        const done = () => rows ? document.querySelector('[data-testid=client-list] a') : document.querySelector('[data-testid=client-list]');
        const obs = new MutationObserver(() => { if (done()) { window.__listOpen = performance.now(); obs.disconnect(); } });
        obs.observe(document.body, { childList: true, subtree: true });
      }, !!data);
      const t = await page.evaluate(() => performance.now());
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Клієнти' }).click();
      if (data) await page.getByTestId('client-list').locator('a').first().waitFor();
      else await page.getByTestId('client-list').waitFor({ state: 'attached' });
      const driven = (await page.evaluate(() => performance.now())) - t;
      const inPage = await page.evaluate(() => window.__listOpen - window.__listClick);
      return { inPage, driven };
    };
    out.openList = await openList();
    // Again, with everything loaded (the usual case during a working day).
    await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Головна' }).click();
    await page.getByTestId('count-clients').waitFor();
    out.openListWarm = await openList();
    // Unlock on the client list (the app returns to the section it was on): from the unlock button to the first
    // client rows — the data-protection issue's "unlock to a usable client list".
    // Three times (reloading each time): the median, as the Dexie page's.
    const inPage = [];
    const driven = [];
    const loaded = [];
    const longs = [];
    for (let round = 0; round < 3; round++) {
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor();
      await page.getByLabel('Парольна фраза').fill('тестова фраза для планшета');
      // Timed in the page, as the Dexie page is: from the click's event to the first row in the document (a
      // MutationObserver), without the driver's own time (Playwright's click checks and its polling added ~100 ms).
      await page.evaluate((rows) => {
        window.__unlock = {};
        document.addEventListener('click', () => { window.__unlock.click = performance.now(); }, { capture: true, once: true });
        const sel = rows ? '[data-testid=client-list] a' : '[data-testid=client-list]';
        const obs = new MutationObserver(() => {
          if (document.querySelector(sel)) { window.__unlock.rows = performance.now(); obs.disconnect(); }
        });
        obs.observe(document.body, { childList: true, subtree: true });
      }, !!data);
      const t3 = Date.now();
      await page.getByRole('button', { name: 'Розблокувати' }).click();
      if (data) await page.getByTestId('client-list').locator('a').first().waitFor();
      else await page.getByTestId('client-list').waitFor({ state: 'attached' });
      driven.push(Date.now() - t3);
      inPage.push(await page.evaluate(() => window.__unlock.rows - window.__unlock.click));
      // The rest of the register loads behind the first rows: until the list's heading gives the count. Every long
      // task from the click to then is a moment the screen did not answer.
      await page.waitForFunction(() => /^\d/.test(document.getElementById('list-clients-h')?.textContent ?? ''), null, { timeout: 600000 });
      const at = await page.evaluate(() => window.__unlock.click);
      loaded.push((await page.evaluate(() => performance.now())) - at);
      longs.push(...await longSince(at));
    }
    out.unlockToLoaded = stat(loaded).median;
    // Filtering the whole client list: each of three question areas in turn, then any, from the change to the
    // list's heading giving the new count; the long tasks meanwhile.
    const tFilter = await page.evaluate(() => performance.now());
    // (On an empty database the count never changes: nothing to time.)
    out.filterTimes = !data ? [0] : await page.evaluate(async () => {
      const sel = document.getElementById('filter-area');
      const head = document.getElementById('list-clients-h');
      const values = [...sel.options].map((o) => o.value).filter((v) => v).slice(0, 3);
      const times = [];
      for (const v of [...values, '']) {
        const before = head.textContent;
        const t = performance.now();
        sel.value = v;
        sel.dispatchEvent(new Event('change', { bubbles: true }));
        while (head.textContent === before && performance.now() - t < 5000) await new Promise((r) => setTimeout(r, 2));
        times.push(performance.now() - t);
      }
      return times;
    });
    out.longFilter = await longSince(tFilter);
    out.longUnlock = longs;
    out.unlockToList = stat(inPage).median;
    out.unlockToListDriven = stat(driven).median;
    // Search as you type, on the intake screen.
    await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Нове звернення' }).click();
    const search = page.getByLabel('Пошук клієнта');
    await search.waitFor();
    const searchCdp = data ? await context.newCDPSession(page) : null;
    const tSearch = await page.evaluate(() => performance.now());
    out.latencies = await profiled(searchCdp, `search as you type, ${data ? data.clients.length : 0} clients`, () => page.evaluate(async (queries) => {
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
          // The next query after a frame has been drawn, from a task of its own (not inside the frame's rendering,
          // whose paint would count): as a person types, and as the peers are measured.
          await new Promise((r) => requestAnimationFrame(() => r()));
          await new Promise((r) => setTimeout(r, 0));
        }
      }
      return times;
    }, QUERIES));
    out.longSearch = await longSince(tSearch);
    // Recall: is a client of that name among the results of its Latin spelling, and of the name with two letters
    // of the surname swapped?
    out.recall = await page.evaluate(async (recall) => {
      const el = document.getElementById('client-search');
      const shown = async (q, name) => {
        el.value = q;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => setTimeout(r, 50));
        return [...document.querySelectorAll('[data-testid=search-results] .summary-name')].some((n) => n.textContent === name);
      };
      let latin = 0;
      let typo = 0;
      const missed = [];
      for (const r of recall) {
        if (await shown(r.latin, r.name)) latin++;
        else missed.push(r.latin);
        if (await shown(r.typo, r.name)) typo++;
        else missed.push(r.typo);
      }
      return { latin, typo, missed };
    }, recall);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    out.jsHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    out.wasm = await page.evaluate(async () => (await import('./pryiom.js')).wasm_memory_bytes());
  } catch (e) {
    // Which step failed, and whether the page itself died (a closed page's errors say only "closed").
    throw new Error(`${label}: failed ${crashed ? 'with the page crashed' : ''} after ${Object.keys(out).join(', ')}: ${e.message}`);
  } finally {
    await context.close().catch(() => {});
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

// Long tasks: their count, how many passed 100 ms (a freeze a person notices), the longest.
const longest = (ds) => Math.max(0, ...ds);
const summary = (ds) => `${ds.length}, ${ds.filter((d) => d > 100).length} over 100 ms, longest ${ms(longest(ds))}`;

const growth = (a, b, na, nb) => (Math.log(b / a) / Math.log(nb / na)).toFixed(2);

const browser = await launchBrowser();
const served = await serveBuild();
try {
  const empty = await measure(browser, served, null, 'empty database');
  empty.s = stat(empty.latencies);
  const results = [];
  for (const N of SIZES) {
    const tSeed = Date.now();
    const data = seedData(N);
    console.log(`seeded ${data.clients.length} clients and ${data.appeals.length} appeals in memory (${Date.now() - tSeed} ms)`);
    const recall = recallQueries(data);
    const full = await measure(browser, served, data, `${N} clients`, recall);
    full.s = stat(full.latencies);
    // (Printed before the peers run, so a failing peer does not lose them.)
    console.log(JSON.stringify({ N, unlockToList: full.unlockToList, unlockToLoaded: full.unlockToLoaded, longUnlock: summary(full.longUnlock), longSearch: summary(full.longSearch), homePending: full.homePending, longHome: summary(full.longHome), wasmHome: full.wasmHome, filter: stat(full.filterTimes), longFilter: summary(full.longFilter), startup: full.startup, openListWarm: full.openListWarm, search: full.s, recall: full.recall, wasm: full.wasm, sealAll: full.sealAll }));
    const peers = await measurePeers(browser, served, data, QUERIES, recall);
    const naive = stat(naiveBaseline(data));
    results.push({ N, full, peers });
    console.log('');
    console.log(`${''.padEnd(44)}${'empty database'.padStart(16)}${`${N} clients`.padStart(16)}${'ratio'.padStart(9)}`);
    const line = (name, a, b, f) => console.log(`${name.padEnd(44)}${f(a).padStart(16)}${f(b).padStart(16)}${(a > 0 ? `${(b / a).toFixed(1)}×` : '—').padStart(9)}`);
    line('set-up sealing every record', empty.sealAll, full.sealAll, ms);
    line('reload, unlock, to Home counts', empty.startup, full.startup, ms);
    line('open the client list, just started', empty.openList.inPage, full.openList.inPage, ms);
    line('  the same as driven', empty.openList.driven, full.openList.driven, ms);
    line('open the client list again, loaded', empty.openListWarm.inPage, full.openListWarm.inPage, ms);
    line('  the same as driven', empty.openListWarm.driven, full.openListWarm.driven, ms);
    line('unlock (on the list) to first client rows', empty.unlockToList, full.unlockToList, ms);
    line('  the same as driven (Playwright click and wait)', empty.unlockToListDriven, full.unlockToListDriven, ms);
    line('unlock to the whole register loaded behind them', empty.unlockToLoaded, full.unlockToLoaded, ms);
    line('  longest task meanwhile (3 unlocks)', longest(empty.longUnlock), longest(full.longUnlock), ms);
    line('unlock on Home to its "not exported" line', empty.homePending, full.homePending, ms);
    line('  longest task meanwhile', longest(empty.longHome), longest(full.longHome), ms);
    line('  wasm memory then', empty.wasmHome, full.wasmHome, mb);
    line('filter the client list by area, median', stat(empty.filterTimes).median, stat(full.filterTimes).median, ms);
    line('  longest task meanwhile', longest(empty.longFilter), longest(full.longFilter), ms);
    line('search as you type, median', empty.s.median, full.s.median, ms);
    line('search as you type, p95', empty.s.p95, full.s.p95, ms);
    line('  longest task while typing', longest(empty.longSearch), longest(full.longSearch), ms);
    line('JS heap (after GC)', empty.jsHeap, full.jsHeap, mb);
    line('wasm memory', empty.wasm, full.wasm, mb);
    console.log('');
    console.log(`peers over the same ${N} clients, same run${''.padEnd(8)}${'peer'.padStart(16)}${'Pryiom'.padStart(16)}${'ratio'.padStart(9)}`);
    line('first client rows: unlock / a Dexie page', peers.dexieFirstRows, full.unlockToList, ms);
    line('search median: MiniSearch+translit', peers.minisearch.median, full.s.median, ms);
    line('search p95: MiniSearch+translit', peers.minisearch.p95, full.s.p95, ms);
    line('search median: FlexSearch', Math.max(peers.flexsearch.median, 0.1), full.s.median, ms);
    line('search p95: FlexSearch', peers.flexsearch.p95, full.s.p95, ms);
    line('  MiniSearch in a tight loop (before 2026-12-07)', peers.minisearch.hot.median, full.s.median, ms);
    line('  FlexSearch in a tight loop (before 2026-12-07)', Math.max(peers.flexsearch.hot.median, 0.1), full.s.median, ms);
    console.log('(ratio: Pryiom ÷ peer; search times are from the query to its results drawn, each query from a task of its own after a frame, the peers as the app; the Dexie page counts from navigation start, the app from the unlock button’s click event, both in the page)');
    console.log(`recall in the first 20, Latin / typo: Pryiom ${full.recall.latin}/10 / ${full.recall.typo}/10, MiniSearch+translit ${peers.minisearch.latin}/10 / ${peers.minisearch.typo}/10, FlexSearch ${peers.flexsearch.latin}/10 / ${peers.flexsearch.typo}/10`);
    console.log(`long tasks (over 50 ms) at ${N} clients: three unlocks with the register loading behind: ${summary(full.longUnlock)}; typing ${QUERIES.length * 3} queries: ${summary(full.longSearch)}; Home after its unlock, to the "not exported" line: ${summary(full.longHome)}; filtering the list ${full.filterTimes.length} times: ${summary(full.longFilter)}`);
    // The slowest queries (median of the three rounds each), to see what the p95 is made of.
    const perQuery = QUERIES.map((q, i) => [q, [0, 1, 2].map((r) => full.latencies[r * QUERIES.length + i]).sort((a, b) => a - b)[1]]);
    console.log(`slowest queries at ${N} clients (median of 3): ${perQuery.sort((a, b) => b[1] - a[1]).slice(0, 6).map(([q, t]) => `"${q}" ${ms(t)}`).join(', ')}`);
    if (full.recall.missed.length) console.log(`  not among Pryiom's first 20 (synthetic names): ${full.recall.missed.join("; ")}`);
    console.log(`index build: MiniSearch ${ms(peers.minisearch.build)}, FlexSearch ${ms(peers.flexsearch.build)}`);
    console.log(`baseline: naive JS substring search over the same ${N} names (no Latin, no typos): median ${ms(naive.median)}, p95 ${ms(naive.p95)}`);
  }
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    console.log('');
    console.log(`growth exponent from ${a.N} to ${b.N} clients (time ∝ N^k; 0 is flat, 1 linear):`);
    const g = (name, f) => console.log(`  ${name.padEnd(42)}k = ${growth(f(a), f(b), a.N, b.N)}`);
    g('unlock to first client rows', (r) => r.full.unlockToList);
    g('a Dexie page to its first rows', (r) => r.peers.dexieFirstRows);
    g('search median', (r) => r.full.s.median);
    g('search p95', (r) => r.full.s.p95);
    g('MiniSearch median', (r) => r.peers.minisearch.median);
    g('wasm memory', (r) => r.full.wasm);
  }
} finally {
  await browser.close();
  await served.cleanup();
}
