// Shared set-up for the end-to-end tests: a served copy of the release bundle and a headless Chromium.
import { cp, mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../support/serve.mjs';
import { dataKey, openPayload, sealPayload } from '../support/vault.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'target', 'e2e');
export const TABLET_PORTRAIT = { width: 800, height: 1280 };
export const TABLET_LANDSCAPE = { width: 1280, height: 800 };

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync',
    ],
  });
}

/** Serves a private copy of dist/, so a test may change the build or stop the server. */
export async function serveBuild() {
  const dir = await mkdtemp(join(tmpdir(), 'pryiom-e2e-'));
  await cp(join(ROOT, 'dist'), dir, { recursive: true });
  let server = await startServer({ dir });
  const port = server.port;
  return {
    dir,
    get url() { return server.url; },
    origin: `http://127.0.0.1:${port}`,
    stop: () => server.close(),
    restart: async () => { server = await startServer({ dir, port }); },
    /** Changes the build (as a new release would) and returns its new build id. */
    rebuild: async (change) => {
      await change(dir);
      return execFileSync(join(ROOT, 'pryiom'), ['stamp', dir], { encoding: 'utf8' }).trim();
    },
    cleanup: async () => { await server.close(); await rm(dir, { recursive: true, force: true }); },
  };
}

/**
 * A fresh browser profile on the app. Every request is recorded; any that leaves the app's origin is a failure
 * (`app.foreign`), and so is any page error.
 */
export async function openApp(browser, served, { viewport = TABLET_LANDSCAPE, hash = '', options = {}, gate = true } = {}) {
  const context = await browser.newContext({ viewport, serviceWorkers: 'allow', ...options });
  const foreign = [];
  const errors = [];
  context.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(served.origin + '/') && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(served.url + hash);
  // A new profile is a new device: protect it as its first worker does (`gate: false` to see the set-up itself).
  if (gate) await waitForStorage(page, { home: false });
  return { context, page, foreign, errors, close: () => context.close() };
}

/** Reloads the page; the device comes back locked, and the worker unlocks it. */
export async function reload(page, options = {}) {
  await page.reload(options);
  await waitForStorage(page, { home: false });
}

/** The passphrase and worker the tests protect a new device with. */
export const PASSPHRASE = 'тестова фраза для планшета';
export const WORKER = 'Олена Коваль';

const SET_UP = /^(Захист даних на цьому пристрої|Protect the data on this device)$/;
const LOCKED = /^(Пристрій заблоковано|The device is locked)$/;

/**
 * Waits until the app has opened its storage and is unlocked, as a worker gets there: on a new device they set a
 * passphrase and type back the recovery code; on a locked one they unlock. Then the home screen shows the device's
 * counts. Returns the recovery code when one was shown.
 */
export async function waitForStorage(page, { passphrase = PASSPHRASE, worker = WORKER, home = true, timeout } = {}) {
  const setUp = page.getByRole('heading', { level: 1, name: SET_UP });
  const locked = page.getByRole('heading', { level: 1, name: LOCKED });
  const open = page.locator('main[data-gate="Open"]');
  await setUp.or(locked).or(open).first().waitFor();
  let code = null;
  if (await setUp.isVisible()) code = await setUpProtection(page, { passphrase, worker });
  else if (await locked.isVisible()) await unlock(page, { passphrase, worker });
  await open.waitFor({ timeout });
  if (home) await page.getByTestId('count-clients').waitFor({ timeout });
  return code;
}

/** First start: name, passphrase twice, the recovery code read and two of its groups typed back. */
export async function setUpProtection(page, { passphrase = PASSPHRASE, worker = WORKER } = {}) {
  await page.getByLabel(/^(Ваше ім’я|Your name)/).fill(worker);
  await page.getByLabel(/^(Парольна фраза|Passphrase)$/).fill(passphrase);
  await page.getByLabel(/^(Повторіть парольну фразу|Repeat the passphrase)$/).fill(passphrase);
  await page.getByRole('button', { name: /^(Далі|Next)$/ }).click();
  const code = (await page.getByTestId('recovery-code').textContent()).replace(/\s+/g, ' ').trim();
  await page.getByRole('button', { name: /^(Я записав\(ла\) код — далі|I have written the code down — next)$/ }).click();
  await typeBackGroups(page, code);
  await page.getByRole('button', { name: /^(Увімкнути захист|Turn protection on)$/ }).click();
  return code;
}

/** Types the two groups of `code` the check screen asks for. */
export async function typeBackGroups(page, code, { wrong = false } = {}) {
  const groups = code.split(' ');
  const fields = page.getByLabel(/^(Група|Group) \d+$/);
  await fields.first().waitFor();
  for (let i = 0; i < 2; i += 1) {
    const field = fields.nth(i);
    const label = await page.locator(`label[for="${await field.getAttribute('id')}"]`).textContent();
    const group = groups[Number(label.match(/\d+/)[0]) - 1];
    await field.fill(wrong && i === 1 ? String((Number(group) + 1) % 10000).padStart(4, '0') : group);
  }
}

/** The lock screen: choose the worker (when there are several) and type the passphrase. */
export async function unlock(page, { passphrase = PASSPHRASE, worker } = {}) {
  await page.getByRole('heading', { level: 1, name: LOCKED }).waitFor();
  const who = page.getByRole('radio', { name: worker, exact: true });
  if (worker && await who.count()) await who.check();
  await page.getByLabel(/^(Парольна фраза|Passphrase)$/).fill(passphrase);
  await page.getByRole('button', { name: /^(Розблокувати|Unlock)$/ }).click();
}

/** Waits until a service worker controls the page (the app is then available offline). */
export async function waitForServiceWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
}

/** Reads one record straight from IndexedDB, bypassing the app; a sealed payload comes as base64. */
export async function readRawIdb(page, store, id) {
  return page.evaluate(([store, id]) => new Promise((ok, fail) => {
    const open = indexedDB.open('pryiom');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction(store).objectStore(store).get(id);
      const b64 = (u8) => { let s = ''; for (const b of u8) s += String.fromCharCode(b); return btoa(s); };
      get.onsuccess = () => {
        db.close();
        const r = get.result ?? null;
        ok(r && r.payload instanceof Uint8Array ? { ...r, payload: b64(r.payload) } : r);
      };
      get.onerror = () => { db.close(); fail(get.error); };
    };
  }), [store, id]);
}

/** The data key, opened from the stored keyring with a worker's passphrase (see tests/support/vault.mjs). */
async function deviceKey(page, passphrase = PASSPHRASE) {
  const ring = await readRawIdb(page, 'settings', 'keyring');
  if (!ring) throw new Error('this device has no keyring');
  return dataKey(JSON.parse(ring.payload), passphrase);
}

/** A stored record as the app reads it: a sealed payload opened (and marked `sealed`). */
async function opened(page, store, rec) {
  if (!rec || rec.codec !== 2) return rec;
  return { ...rec, codec: 1, sealed: true, payload: await openPayload(await deviceKey(page), store, rec.id, rec.payload) };
}

/** Reads one record straight from IndexedDB, bypassing the app, and opens it with the test passphrase if sealed. */
export async function readIdb(page, store, id) {
  return opened(page, store, await readRawIdb(page, store, id));
}

/** Writes one record straight into IndexedDB (a record read with `readIdb` is sealed again as it was). */
export async function putIdb(page, store, rec) {
  let raw = rec;
  if (rec.sealed) {
    const { sealed, ...rest } = rec;
    raw = { ...rest, codec: 2, payload: await sealPayload(await deviceKey(page), store, rec.id, rec.payload) };
  }
  await page.evaluate(([store, rec]) => new Promise((ok, fail) => {
    const open = indexedDB.open('pryiom');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(store, 'readwrite');
      const value = rec.codec === 2 ? { ...rec, payload: Uint8Array.from(atob(rec.payload), (c) => c.charCodeAt(0)) } : rec;
      tx.objectStore(store).put(value);
      tx.oncomplete = () => { open.result.close(); ok(); };
      tx.onerror = () => fail(tx.error);
    };
  }), [store, raw]);
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** One browser and one served build for every test of the calling suite; both closed after it. */
export function sharedBrowserAndBuild() {
  const env = {};
  before(async () => {
    env.browser = await launchBrowser();
    env.served = await serveBuild();
  });
  after(async () => {
    await env.browser?.close();
    await env.served?.cleanup();
  });
  return env;
}

/** Every record of every object store, straight from IndexedDB: { store: [records] }, sealed payloads as base64. */
async function rawStores(page) {
  return page.evaluate(() => new Promise((ok, fail) => {
    const open = indexedDB.open('pryiom');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names);
      const out = {};
      const b64 = (u8) => { let s = ''; for (const b of u8) s += String.fromCharCode(b); return btoa(s); };
      for (const n of names) {
        const all = tx.objectStore(n).getAll();
        all.onsuccess = () => {
          out[n] = all.result.map((r) => (r.payload instanceof Uint8Array ? { ...r, payload: b64(r.payload) } : r));
        };
      }
      tx.oncomplete = () => { db.close(); ok(out); };
      tx.onerror = () => { db.close(); fail(tx.error); };
    };
  }));
}

/** Every record of an object store straight from IndexedDB, sealed payloads opened with the test passphrase. */
export async function readAllIdb(page, store) {
  const all = (await rawStores(page))[store] ?? [];
  return Promise.all(all.map((r) => opened(page, store, r)));
}

/**
 * Every record of every object store of the app's database, as one text, as it is kept: what a person holding the
 * tablet could read (sealed payloads stay sealed).
 */
export async function dumpIdb(page) {
  return JSON.stringify(await rawStores(page));
}

/**
 * The same with every sealed payload opened (with the test passphrase): what the app itself holds, to prove that a
 * removal removed the data, not just that it is encrypted.
 */
export async function dumpPlain(page) {
  const stores = await rawStores(page);
  for (const [name, recs] of Object.entries(stores)) stores[name] = await Promise.all(recs.map((r) => opened(page, name, r)));
  return JSON.stringify(stores);
}

/**
 * Registers a client through the intake screens as a worker would, and saves one appeal.
 * Returns the client's id (from the URL of the client page the app opens).
 */
export async function registerClient(page, c, appeal = {}) {
  await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Нове звернення' }).waitFor();
  await page.getByLabel('Пошук клієнта').fill(`${c.surname} ${c.given}`);
  await page.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
  await page.getByRole('radio', { name: 'Усно' }).check();
  await page.getByLabel('Хто отримав згоду').fill('Олена Коваль');
  await page.getByRole('button', { name: 'Згоду отримано — далі' }).click();
  await page.getByLabel('Прізвище').fill(c.surname);
  await page.getByRole('textbox', { name: 'Ім’я', exact: true }).fill(c.given);
  await page.getByLabel('Дата народження').fill(c.birth);
  if (c.phone) await page.getByLabel('Телефони').fill(c.phone);
  await page.getByLabel('Адреса проживання').fill(c.address ?? 'с. Бородянка, вул. Центральна, 5');
  await page.getByRole('textbox', { name: 'Номер', exact: true }).fill(c.document ?? '123456789');
  if (c.tax) await page.getByLabel('РНОКПП (ідентифікаційний номер)').fill(c.tax);
  else await page.getByLabel('Якщо РНОКПП немає — чому').selectOption(c.noTax ?? 'religious');
  if (c.language) {
    // A language not among the choices is written out.
    await page.getByLabel('Мова спілкування').selectOption({ label: 'інша мова' });
    await page.getByLabel('Яка саме мова').fill(c.language);
  }
  await page.getByRole('button', { name: 'Зберегти картку' }).click();
  if (c.expectDuplicate) return null;
  await page.getByRole('heading', { name: 'Звернення', exact: true }).waitFor();
  if (appeal.receivedAt) await page.getByLabel('Дата й час звернення').fill(appeal.receivedAt);
  await page.getByLabel('Як звернувся').selectOption('outreach');
  await page.getByLabel('Сфера питання').selectOption(appeal.area ?? 'житлові питання');
  await page.getByLabel('Суть звернення').fill(appeal.account ?? 'Зруйновано будинок, потрібна компенсація');
  await page.getByRole('radio', { name: appeal.aid ?? 'Консультація та роз’яснення' }).check();
  if (appeal.organisation) await page.getByLabel('Організація').selectOption({ label: appeal.organisation });
  if (appeal.written) await page.getByLabel('Письмове звернення (строк відповіді)').check();
  await page.getByRole('button', { name: 'Зберегти звернення' }).click();
  await page.getByRole('status').filter({ hasText: 'Звернення збережено на пристрої.' }).waitFor();
  return new URL(page.url()).hash.replace('#/client/', '');
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * axe-core violations on the current page, the interactive elements under `selector` smaller than `min` × `min` px,
 * and whether the page scrolls sideways. The page's context needs `bypassCSP` (to inject axe-core).
 */
export async function auditPage(page, { min = 44, selector = 'a, button, input:not([type=radio]):not([type=checkbox]):not([type=file]), select, textarea, label.choice, label.check' } = {}) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  const small = await page.evaluate(([selector, min]) => {
    const out = [];
    for (const el of document.querySelectorAll(selector)) {
      if (el.classList.contains('skip-link')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.width < min || r.height < min) out.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" ${r.width}×${r.height}`);
    }
    return out;
  }, [selector, min]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  return { violations, small, overflow };
}

/** Clicks and waits for the download(s) it starts; returns them as { name, path, text }. */
export async function downloads(page, click, n = 1) {
  await mkdir(join(ARTIFACTS, 'downloads'), { recursive: true });
  const got = [];
  const done = new Promise((resolve) => {
    page.on('download', async function onDownload(d) {
      const path = join(ARTIFACTS, 'downloads', d.suggestedFilename());
      await d.saveAs(path);
      got.push({ name: d.suggestedFilename(), path, text: await readFile(path, 'utf8') });
      if (got.length === n) {
        page.off('download', onDownload);
        resolve();
      }
    });
  });
  await click();
  await done;
  return got;
}

/** Settings → kiosk mode, turned on; then the lock button: the device shows the kiosk. */
export async function setUpKiosk(page) {
  await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Налаштування' }).click();
  const section = page.getByRole('region', { name: 'Режим кіоску' });
  await section.getByLabel('Назва центру').fill('Бучанський місцевий центр');
  await section.getByLabel('Години роботи').fill('Пн–Пт 9:00–18:00');
  await section.getByLabel(/^Кабінети або вікна/).fill('кабінет 1\nкабінет 2');
  await section.getByLabel(/^Теми питань для відвідувачів/).fill('Житло\nПенсії та соціальні виплати\nСімейні справи');
  await section.getByRole('button', { name: 'Увімкнути режим кіоску' }).click();
  await section.getByTestId('kiosk-status').filter({ hasText: 'Режим кіоску увімкнено' }).waitFor();
  await page.getByRole('button', { name: 'Заблокувати' }).click();
  await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
}

/** One visitor takes a ticket; returns its number as shown. */
export async function takeTicket(page, { area = 'Житло', needs = [], name = '', phone = '', before = 'Ні' } = {}) {
  await page.getByRole('button', { name: 'Отримати номерок' }).click();
  await page.getByRole('button', { name: area }).click();
  for (const n of needs) await page.getByRole('button', { name: n }).click();
  await page.getByRole('button', { name: 'Далі' }).click();
  if (name || phone) {
    await page.getByLabel('Ім’я').fill(name);
    await page.getByLabel('Телефон').fill(phone);
    await page.getByRole('button', { name: 'Далі' }).click();
  } else {
    await page.getByRole('button', { name: 'Пропустити' }).click();
  }
  await page.getByRole('button', { name: before, exact: true }).click();
  return (await page.getByTestId('ticket-number').textContent()).trim();
}
