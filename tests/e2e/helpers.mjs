// Shared set-up for the end-to-end tests: a served copy of the release bundle and a headless Chromium.
import { cp, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../support/serve.mjs';

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
export async function openApp(browser, served, { viewport = TABLET_LANDSCAPE, hash = '', options = {} } = {}) {
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
  return { context, page, foreign, errors, close: () => context.close() };
}

/** Waits until the app has opened its storage: the home screen shows the device's counts. */
export async function waitForStorage(page) {
  await page.getByTestId('count-clients').waitFor();
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

/** Reads one record straight from IndexedDB, bypassing the app. */
export async function readIdb(page, store, id) {
  return page.evaluate(([store, id]) => new Promise((ok, fail) => {
    const open = indexedDB.open('pryiom');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction(store).objectStore(store).get(id);
      get.onsuccess = () => { db.close(); ok(get.result ?? null); };
      get.onerror = () => { db.close(); fail(get.error); };
    };
  }), [store, id]);
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

/** Reads every record of an object store straight from IndexedDB. */
export async function readAllIdb(page, store) {
  return page.evaluate((store) => new Promise((ok, fail) => {
    const open = indexedDB.open('pryiom');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const all = db.transaction(store).objectStore(store).getAll();
      all.onsuccess = () => { db.close(); ok(all.result); };
      all.onerror = () => { db.close(); fail(all.error); };
    };
  }), store);
}

/** Every record of every object store of the app's database, as one text: what a person holding the tablet could read. */
export async function dumpIdb(page) {
  return page.evaluate(() => new Promise((ok, fail) => {
    const open = indexedDB.open('pryiom');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names);
      const out = {};
      for (const n of names) {
        const all = tx.objectStore(n).getAll();
        all.onsuccess = () => { out[n] = all.result; };
      }
      tx.oncomplete = () => { db.close(); ok(JSON.stringify(out)); };
      tx.onerror = () => { db.close(); fail(tx.error); };
    };
  }));
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
  else await page.getByLabel('Відмовився від РНОКПП (релігійні переконання)').check();
  if (c.language) {
    // A language not among the choices is written out.
    await page.getByLabel('Мова спілкування').selectOption({ label: 'інша мова' });
    await page.getByLabel('Яка саме мова').fill(c.language);
  }
  await page.getByRole('button', { name: 'Зберегти картку' }).click();
  if (c.expectDuplicate) return null;
  await page.getByRole('heading', { name: 'Звернення', exact: true }).waitFor();
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
