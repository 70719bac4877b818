// What a web developer would pick instead, measured in the same Chromium run over the same generated clients: a
// Dexie page listing the first 50 clients, MiniSearch 7.2 with a transliteration field and FlexSearch 0.8 (all
// pinned npm dev-dependencies, loaded into a page of the app's origin that runs no app). Used by intake.mjs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../e2e/helpers.mjs';

const LIBS = ['dexie/dist/dexie.min.js', 'minisearch/dist/umd/index.js', 'flexsearch/dist/flexsearch.bundle.min.js'];

/** The official Ukrainian transliteration (as the app's `text::latin`), for the peers' Latin field. */
export function latin(s) {
  const table = { а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ie', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'i', й: 'i',
    к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
    щ: 'shch', ь: '', ю: 'iu', я: 'ia' };
  const first = { є: 'ye', ї: 'yi', й: 'y', ю: 'yu', я: 'ya' };
  return s.toLowerCase().split(/[\s-]+/).filter(Boolean).map((w) => {
    const cs = [...w.replace(/['’ʼ‘`ʹ]/g, '')];
    return cs.map((c, i) => (c === 'г' && cs[i - 1] === 'з' ? 'gh' : (i === 0 && first[c]) || (table[c] ?? c))).join('');
  }).join(' ');
}

/** Ten clients and, for each, a Latin query and a query with two letters of the surname swapped (recall). */
export function recallQueries(data) {
  const out = [];
  for (let k = 0; k < 10; k++) {
    const c = JSON.parse(data.clients[Math.floor((k + 0.5) * data.clients.length / 10)].payload);
    const p = c.personal;
    const s = [...p.surname];
    [s[2], s[3]] = [s[3], s[2]];
    // Found: a client of that whole name among the first 20 (the generated data repeats each whole name some 30
    // times at 20,000 clients, so which of them comes first is not the search's to know).
    const name = `${p.surname} ${p.given_name} ${p.patronymic}`;
    out.push({ name, latin: latin(name), typo: `${s.join('')} ${p.given_name} ${p.patronymic}` });
  }
  return out;
}

const stat = (xs) => { const s = [...xs].sort((a, b) => a - b); return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] }; };

/**
 * Runs the peers over `data` in a fresh context of `served`'s origin: the Dexie page's time to its first 50 rows
 * (database already filled, as the app's is at unlock), and each search library's latency over `queries` (three
 * rounds; query to the 20 results drawn, as the app's) and recall on `recall`.
 */
export async function measurePeers(browser, served, data, queries, recall) {
  // The app's policy allows no inline script; the peers' libraries are put into the page as the bench's own.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const load = async () => {
    // A file of the app's origin that is not the app: IndexedDB of the same origin, no app running.
    await page.goto(`${served.origin}/manifest.webmanifest`);
    for (const lib of LIBS) await page.addScriptTag({ content: await readFile(join(ROOT, 'node_modules', lib), 'utf8') });
  };
  try {
    await load();
    const docs = data.clients.map((c) => {
      const p = JSON.parse(c.payload).personal;
      const name = `${p.surname} ${p.given_name} ${p.patronymic}`;
      return { id: c.id, surname: p.surname, name, latin: latin(name), phone: p.phones.join(' ').replace(/\D/g, '').replace(/^38/, ''), tax: p.tax_number, personal: p };
    });
    // Into the page in parts (one message of 100,000 cards closed the page), kept as `window.docs`.
    const sendDocs = async () => {
      await page.evaluate(() => { window.docs = []; });
      for (let i = 0; i < docs.length; i += 20000) {
        await page.evaluate((part) => { window.docs.push(...part); }, docs.slice(i, i + 20000));
      }
    };
    await sendDocs();
    await page.evaluate(async () => {
      const db = new Dexie('peer-dexie');
      db.version(1).stores({ clients: 'id, surname' });
      await db.clients.bulkPut(window.docs.map(({ id, surname, personal }) => ({ id, surname, personal })));
      db.close();
    });
    // The Dexie page: a page of the app's origin that loads Dexie, opens the database, lists the first 50 clients
    // by surname; from navigation start (performance.now() counts from it) to the rows drawn.
    const dexieScript = await readFile(join(ROOT, 'node_modules', LIBS[0]), 'utf8');
    await page.route(`${served.origin}/peer-dexie.html`, (route) => route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><meta charset="utf-8"><title>Dexie</title><ul id="list"></ul><script>${dexieScript}</script>
<script>
(async () => {
  const db = new Dexie('peer-dexie');
  db.version(1).stores({ clients: 'id, surname' });
  const rows = await db.clients.orderBy('surname').limit(50).toArray();
  const ul = document.getElementById('list');
  for (const r of rows) {
    const li = document.createElement('li');
    li.textContent = r.personal.surname + ' ' + r.personal.given_name + ' · ' + r.personal.birth_date + ' · ' + r.personal.phones[0];
    ul.append(li);
  }
  void ul.offsetHeight;
  window.firstRows = performance.now();
  db.close();
})();
</script>`,
    }));
    const dexie = [];
    for (let round = 0; round < 3; round++) {
      await page.goto(`${served.origin}/peer-dexie.html`);
      await page.waitForFunction(() => window.firstRows !== undefined);
      dexie.push(await page.evaluate(() => window.firstRows));
    }
    await load();
    await sendDocs();
    await page.addStyleTag({ url: `${served.origin}/app.css` });
    const search = await page.evaluate(async ({ queries, recall }) => {
      const { docs } = window;
      const fold = (t) => t.toLowerCase().replace(/['’ʼ‘`ʹ]/g, '');
      const mini = new MiniSearch({
        fields: ['name', 'latin', 'phone', 'tax'],
        processTerm: fold,
        searchOptions: { prefix: true, fuzzy: 0.2, combineWith: 'AND' },
      });
      let t = performance.now();
      mini.addAll(docs);
      const miniBuild = performance.now() - t;
      const flex = new FlexSearch.Document({ tokenize: 'forward', document: { id: 'id', index: ['name', 'latin', 'phone', 'tax'] } });
      t = performance.now();
      for (const d of docs) flex.add(d);
      const flexBuild = performance.now() - t;
      const engines = {
        minisearch: (q) => mini.search(q).slice(0, 20).map((r) => r.id),
        flexsearch: (q) => {
          const ids = [];
          for (const field of flex.search(fold(q), { limit: 20 })) for (const id of field.result) if (!ids.includes(id)) ids.push(id);
          return ids.slice(0, 20);
        },
      };
      const byId = new Map(docs.map((d) => [d.id, d]));
      const out = { build: { minisearch: miniBuild, flexsearch: flexBuild } };
      // As the app does: the results drawn with the app's own styles and markup (name; date of birth, phone, tax
      // number; two buttons), then laid out.
      const ul = document.createElement('ul');
      ul.className = 'results';
      const main = document.createElement('main');
      main.append(ul);
      document.body.replaceChildren(main);
      const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e; };
      const draw = (ids) => {
        ul.replaceChildren(...ids.map((id) => {
          const p = byId.get(id).personal;
          const li = el('li', 'result');
          const summary = el('div', 'summary');
          summary.append(el('p', 'summary-name', `${p.surname} ${p.given_name} ${p.patronymic}`),
            el('p', 'muted', `${p.birth_date} · ${p.phones[0]} · ${p.tax_number}`));
          const actions = el('div', 'result-actions');
          actions.append(el('button', 'btn btn-primary', 'Нове звернення'), el('a', 'btn btn-secondary', 'Відкрити картку'));
          li.append(summary, actions);
          return li;
        }));
        void ul.offsetHeight;
      };
      // Timed as the app is (intake.mjs): each query from a task of its own after a frame has been drawn, as a person
      // types, to its results drawn and laid out after one message round trip (which the app needs for its DOM
      // updates, made in microtasks after the input event). Until 2026-12-07 the peers ran in one tight loop, no
      // frame between queries: measured that way too (`hot`) and printed beside.
      const channel = new MessageChannel();
      const settle = () => new Promise((r) => { channel.port1.onmessage = () => r(); channel.port2.postMessage(0); });
      const timed = async (run, hotLoop) => {
        const times = [];
        for (let round = 0; round < 3; round++) {
          for (const q of queries) {
            const t0 = performance.now();
            draw(run(q));
            if (!hotLoop) {
              await settle();
              void ul.offsetHeight;
            }
            times.push(performance.now() - t0);
            if (!hotLoop) {
              await new Promise((r) => requestAnimationFrame(() => r()));
              await new Promise((r) => setTimeout(r, 0));
            }
          }
        }
        return times;
      };
      for (const [name, run] of Object.entries(engines)) {
        const times = await timed(run, false);
        const hot = await timed(run, true);
        const found = (q, wanted) => run(q).some((id) => { const p = byId.get(id).personal; return `${p.surname} ${p.given_name} ${p.patronymic}` === wanted; });
        out[name] = {
          times,
          hot,
          latin: recall.filter((r) => found(r.latin, r.name)).length,
          typo: recall.filter((r) => found(r.typo, r.name)).length,
        };
      }
      return out;
    }, { queries, recall });
    await page.evaluate(() => new Promise((ok) => { const r = indexedDB.deleteDatabase('peer-dexie'); r.onsuccess = ok; r.onerror = ok; }));
    return {
      dexieFirstRows: stat(dexie).median,
      minisearch: { ...stat(search.minisearch.times), hot: stat(search.minisearch.hot), latin: search.minisearch.latin, typo: search.minisearch.typo, build: search.build.minisearch },
      flexsearch: { ...stat(search.flexsearch.times), hot: stat(search.flexsearch.hot), latin: search.flexsearch.latin, typo: search.flexsearch.typo, build: search.build.flexsearch },
    };
  } finally {
    await context.close();
  }
}
