// Intake at scale: seeds 20,000 synthetic clients (Ukrainian names) with appeals straight into IndexedDB, then
// drives the release build in headless Chromium and prints search-as-you-type latency, the time to open the client
// list, start-up time and memory. Figures, not pass/fail: this machine is shared and noisy. The same measurements
// on an empty database, and a naive JavaScript substring search over the same names, are printed as baselines.
//   ./pryiom bench            (builds first)    node tests/bench/intake.mjs [clients]
import { randomUUID } from 'node:crypto';
import { launchBrowser, serveBuild } from '../e2e/helpers.mjs';

const N = Number(process.argv[2] ?? 20000);
const SURNAMES = ['Шевченко', 'Коваленко', 'Бондаренко', 'Ткаченко', 'Кравченко', 'Олійник', 'Шевчук', 'Коваль', 'Поліщук',
  'Бондар', 'Ткачук', 'Мельник', 'Марченко', 'Савченко', 'Руденко', 'Лисенко', 'Гнатюк', 'Петренко', 'Клименко', 'Павленко',
  'Кузьменко', 'Левченко', 'Харченко', 'Мороз', 'Литвиненко', 'Карпенко', 'Сидоренко', 'Гончаренко', 'Романенко', 'Зінченко',
  'Приходько', 'Кравчук', 'Костенко', 'Ярошенко', 'Мартинюк', 'Пономаренко', 'Коломієць', 'Гуменюк', 'Вакуленко', 'Дяченко'];
const MEN = ['Олександр', 'Сергій', 'Андрій', 'Володимир', 'Микола', 'Іван', 'Юрій', 'Віктор', 'Олег', 'Василь', 'Дмитро', 'Євген', 'Ігор', 'Петро'];
const WOMEN = ['Олена', 'Наталія', 'Тетяна', 'Ірина', 'Світлана', 'Марʼяна', 'Оксана', 'Юлія', 'Людмила', 'Галина', 'Ганна', 'Катерина', 'Ярина', 'Валентина'];
const FATHERS = ['Олександр', 'Іван', 'Петр', 'Миколай', 'Василь', 'Володимир', 'Сергій', 'Андрій'];
const AREAS = ['соціальне забезпечення', 'житлові питання', 'сімейні питання', 'спадщина', 'земельні питання', 'трудові питання', 'пенсії'];
const AIDS = ['legal_information', 'consultation', 'drafting_documents', 'access_to_secondary', 'not_legal_aid'];

function rng(seed) { return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648); }
const uuid = () => randomUUID();
function taxNumber(birth) {
  const days = Math.round((Date.UTC(...birth.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0))) - Date.UTC(1899, 11, 31)) / 86400000);
  const nine = String(days).padStart(5, '0') + String(Math.floor(Math.random() * 10000)).padStart(4, '0');
  const w = [-1, 5, 7, 9, 4, 6, 10, 5, 7];
  const sum = [...nine].reduce((s, d, i) => s + w[i] * Number(d), 0);
  return nine + String((((sum % 11) + 11) % 11) % 10);
}
const patronymic = (f, female) => (f.endsWith('й') ? f.slice(0, -1) + (female ? 'ївна' : 'йович') : f + (female ? 'івна' : 'ович'));

function seedData(n) {
  const r = rng(42);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const clients = [];
  const appeals = [];
  for (let i = 0; i < n; i++) {
    const female = r() < 0.55;
    const id = uuid();
    const birth = `${1940 + Math.floor(r() * 65)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
    const personal = {
      surname: pick(SURNAMES), given_name: pick(female ? WOMEN : MEN), patronymic: patronymic(pick(FATHERS), female),
      birth_date: birth, sex: female ? 'female' : 'male', phones: [`+38067${String(1000000 + i).slice(-7)}`], email: '',
      address: `с. Бородянка, вул. Центральна, ${i % 300}`, registration_address: '', no_fixed_address: false,
      document_kind: 'id_card', document_series: '', document_number: String(100000000 + i), no_documents: false,
      tax_number: taxNumber(birth), tax_refused: false, language: 'українська',
      needs: { cannot_read_write: false, hearing: false, vision: false, mobility: false }, representative_id: null,
    };
    const client = {
      id, created_at: '2026-10-01T09:00:00.000Z',
      consent: { text_version: '2026-11', text_lang: 'uk', form: 'oral', given_at: '2026-10-01T09:00:00.000Z', taken_by: 'Олена', withdrawn_at: null, withdrawn_by: null },
      personal,
    };
    clients.push({ id, rev: 1, updated_at: client.created_at, codec: 1, payload: JSON.stringify(client) });
    const k = 1 + Math.floor(r() * 3);
    for (let j = 0; j < k; j++) {
      const aid = uuid();
      const appeal = {
        id: aid, client_id: id, received_at: `2026-${String(1 + Math.floor(r() * 11)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}T10:${String(10 + j).padStart(2, '0')}`,
        channel: 'outreach', location: 'Бородянка', area: pick(AREAS), account: 'Питання щодо документів і виплат',
        aid: pick(AIDS), outcome: '', worker: 'Олена', follow_up: null, written: r() < 0.2, referral: null, exported_in: null,
      };
      appeals.push({ id: aid, rev: 1, updated_at: appeal.received_at, client_id: id, codec: 1, payload: JSON.stringify(appeal) });
    }
  }
  return { clients, appeals };
}

async function seed(page, data) {
  await page.evaluate(async ({ clients, appeals }) => {
    const db = await new Promise((ok, fail) => { const o = indexedDB.open('pryiom'); o.onsuccess = () => ok(o.result); o.onerror = () => fail(o.error); });
    await new Promise((ok, fail) => {
      const tx = db.transaction(['clients', 'appeals'], 'readwrite');
      for (const c of clients) tx.objectStore('clients').put(c);
      for (const a of appeals) tx.objectStore('appeals').put(a);
      tx.oncomplete = ok; tx.onerror = () => fail(tx.error);
    });
    db.close();
  }, data);
}

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
    await page.getByTestId('count-clients').waitFor();
    if (data) await seed(page, data);
    // Start-up: load the page with the data in place until Home shows the counts.
    const t0 = Date.now();
    await page.reload();
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
  line('start-up to Home counts', rows[0].startup, rows[1].startup, ms);
  line('open the client list, just started', rows[0].openList, rows[1].openList, ms);
  line('open the client list, loaded', rows[0].openListWarm, rows[1].openListWarm, ms);
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
