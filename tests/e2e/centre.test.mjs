// The device and the real centre server (`pryiom-centre`, serving the release bundle on 127.0.0.1 with SQLite in a
// throw-away data folder): a worker enrols the tablet with the one-time code the centre gave and makes batches; the
// outbox sends each by itself (offline it waits, said so, and goes when the browser is online again; with the server
// stopped it waits, and goes once when sent again); the centre's receipt marks it received (checked against the key
// from enrolment) and the centre's database holds its records once; a revoked tablet is told so in plain words and its
// batch stays unsent. The kiosk's live queue: tickets reach a staff tablet, its call shows on the kiosk and on the
// waiting-room display; with the server down each goes on alone, and the queue is shared again once it is back.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT, TABLET_LANDSCAPE, TABLET_PORTRAIT, downloads, launchBrowser, openApp, registerClient, screenshot, setUpKiosk,
  takeTicket,
} from './helpers.mjs';

const PYTHON = process.env.PRYIOM_PYTHON || 'python3';
const BIN = join(ROOT, 'target', 'debug', 'pryiom-centre');

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The centre server over a copy of dist/, until `stop`; `kill` stops it at once and `start` runs it again. */
async function startCentre() {
  execFileSync('cargo', ['build', '-q', '-p', 'pryiom-centre'], { cwd: ROOT, stdio: 'inherit' });
  const dir = await mkdtemp(join(tmpdir(), 'pryiom-centre-'));
  await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  const port = await freePort();
  const data = join(dir, 'data');
  const origin = `http://127.0.0.1:${port}`;
  let log = '';
  let child = null;
  const start = async () => {
    child = spawn(BIN, ['--data', data, 'serve', '--app', join(dir, 'dist'), '--listen', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    for (let i = 0; ; i += 1) {
      try {
        if ((await fetch(`${origin}/index.html`)).ok) break;
      } catch { /* not up yet */ }
      if (i > 100) throw new Error(`the centre server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const halt = async (signal) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill(signal);
    await new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r)));
  };
  await start();
  const run = (...args) => execFileSync(BIN, ['--data', data, ...args], { encoding: 'utf8' });
  return {
    served: { url: `${origin}/`, origin },
    data,
    run,
    start,
    kill: () => halt('SIGKILL'),
    log: () => log,
    stop: async () => {
      await halt('SIGINT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Settings → Centre: the device enrolled with a one-time code the centre gives for `label`. */
async function enrol(page, centre, label) {
  await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Налаштування' }).click();
  const section = page.getByRole('region', { name: 'Центр', exact: true });
  const code = centre.run('enrol', label).match(/: ([A-Z0-9]{5}-[A-Z0-9]{5})/)[1];
  await section.getByLabel('Код від центру').fill(code);
  await section.getByRole('button', { name: 'Під’єднати пристрій' }).click();
  await section.getByTestId('centre-linked').waitFor();
}

/** Rows of a table in the centre's SQLite database, read by Python's sqlite3. */
function centreRows(data, sql) {
  return JSON.parse(execFileSync(PYTHON, ['-c', `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(json.dumps(db.execute(sys.argv[2]).fetchall()))
`, join(data, 'centre.db'), sql], { encoding: 'utf8' }));
}

describe('the device and the centre server', () => {
  const env = {};
  before(async () => {
    env.browser = await launchBrowser();
    env.centre = await startCentre();
  });
  after(async () => {
    await env.browser?.close();
    await env.centre?.stop();
  });

  test('enrolled with a one-time code, batches go by themselves (offline: they wait) and arrive once with a verified receipt; a revoked tablet is told', async () => {
    const { centre } = env;
    const app = await openApp(env.browser, centre.served, { viewport: TABLET_PORTRAIT });
    try {
      const { page } = app;
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await registerClient(page, { surname: 'Мельник', given: 'Мар’яна', birth: '02.02.1985', phone: '050 123 45 67', tax: '' });

      // Settings → Centre: a made-up code is refused; the centre's code enrols the tablet.
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      const section = page.getByRole('region', { name: 'Центр', exact: true });
      await section.getByLabel('Код від центру').fill('AAAAA-BBBBB');
      await section.getByRole('button', { name: 'Під’єднати пристрій' }).click();
      await section.getByText('Код неправильний, уже використаний або прострочений').waitFor();
      const code = centre.run('enrol', 'Планшет 2, Буча').match(/: ([A-Z0-9]{5}-[A-Z0-9]{5})/)[1];
      await section.getByLabel('Код від центру').fill(code.toLowerCase());
      await section.getByRole('button', { name: 'Під’єднати пристрій' }).click();
      await section.getByTestId('centre-linked').waitFor();
      await screenshot(page, 'centre-enrolled-800x1280');
      const [device] = centre.run('devices').trim().split('\n').map((l) => l.split('\t'));
      assert.match(device[0], /^[0-9a-f-]{36}$/);
      assert.match(await section.getByTestId('centre-linked').textContent(), new RegExp(device[0]));
      // The same code twice: it worked once.
      assert.equal(centreRows(centre.data, 'SELECT COUNT(*) FROM enrolment_codes WHERE used_at IS NOT NULL')[0][0], 1);

      // A batch made while enrolled goes to the centre by itself; its receipt marks it received.
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [batch] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      const file = JSON.parse(batch.text);
      const item = page.getByTestId('batch').filter({ hasText: batch.name });
      await item.getByTestId('batch-status').filter({ hasText: /^Центр отримав \d\d\.\d\d\.\d{4}$/ }).waitFor();
      assert.match(await item.getByTestId('batch-receipt').textContent(), /^Квитанцію центру перевірено: отримано \d\d\.\d\d\.\d{4} \d\d:\d\d\.$/);
      await screenshot(page, 'centre-sent-800x1280');
      assert.equal(await item.getByRole('button', { name: /Надіслати до центру/ }).count(), 0, 'nothing left to send');
      assert.equal(await item.getByTestId('batch-outbox').count(), 0);
      // The centre holds the batch once, with every record at its revision, and the receipt it signed.
      const [[state, receipt]] = centreRows(centre.data, `SELECT state, receipt FROM batches WHERE batch_id = '${file.manifest.batch_id}'`);
      assert.equal(state, 'done');
      const stored = centreRows(centre.data, 'SELECT kind, id, rev FROM records ORDER BY kind, id');
      const sent = file.records.map((r) => [r.type, r.id, r.rev]).sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
      assert.deepEqual(stored, sent);
      assert.equal(JSON.parse(receipt).accepted.length, file.records.length);

      // Offline: the next batch waits in the outbox, said so; back online, it goes by itself.
      await app.context.setOffline(true);
      await registerClient(page, { surname: 'Кравець', given: 'Ірина', birth: '04.04.1990', phone: '', tax: '' });
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [offline] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      const waiting = page.getByTestId('batch').filter({ hasText: offline.name });
      await waiting.getByTestId('batch-outbox').getByText(/^Немає зв’язку з центром\. .* Наступна спроба о \d\d:\d\d\.$/).waitFor();
      await screenshot(page, 'centre-outbox-waiting-800x1280');
      assert.equal(centreRows(centre.data, 'SELECT COUNT(*) FROM batches')[0][0], 1);
      await app.context.setOffline(false);
      await waiting.getByTestId('batch-status').filter({ hasText: /^Центр отримав/ }).waitFor();
      assert.equal(centreRows(centre.data, 'SELECT COUNT(*) FROM batches')[0][0], 2);

      // The server stops: the batch waits; the server back, "send" delivers it, once.
      await centre.kill();
      await registerClient(page, { surname: 'Савчук', given: 'Петро', birth: '05.05.1960', phone: '', tax: '' });
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [third] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      const stalled = page.getByTestId('batch').filter({ hasText: third.name });
      await stalled.getByTestId('batch-outbox').getByText(/Наступна спроба о/).waitFor();
      await centre.start();
      await stalled.getByRole('button', { name: `Надіслати до центру: ${third.name}` }).click();
      await stalled.getByTestId('batch-status').filter({ hasText: /^Центр отримав/ }).waitFor();
      const third_id = JSON.parse(third.text).manifest.batch_id;
      assert.deepEqual(centreRows(centre.data, `SELECT COUNT(*) FROM batches WHERE batch_id = '${third_id}'`), [[1]]);

      // The centre revokes the tablet: its next batch is refused, said plainly, and stays unsent on the device.
      centre.run('revoke', device[0]);
      await registerClient(page, { surname: 'Гнатюк', given: 'Остап', birth: '03.03.1970', phone: '', tax: '' });
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [second] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      const refused = page.getByTestId('batch').filter({ hasText: second.name });
      await refused.getByTestId('batch-outbox').getByText('Центр відкликав цей пристрій').waitFor();
      await refused.getByRole('button', { name: `Надіслати до центру: ${second.name}` }).click();
      await refused.getByTestId('batch-outbox').getByText('Центр відкликав цей пристрій').waitFor();
      assert.equal(await refused.getByTestId('batch-status').textContent(), 'Створено, ще не передано');
      assert.equal(centreRows(centre.data, 'SELECT COUNT(*) FROM batches')[0][0], 3);
      // The centre's staff page, behind its password: the devices, the batches received, the merged data.
      execFileSync(BIN, ['--data', centre.data, 'staff-password'], { input: 'centre staff 2026\n', encoding: 'utf8' });
      const staff = await env.browser.newContext({
        viewport: { width: 1280, height: 800 }, httpCredentials: { username: 'staff', password: 'centre staff 2026' },
      });
      try {
        const p = await staff.newPage();
        assert.equal((await p.goto(`${centre.served.origin}/staff`)).status(), 200);
        await p.getByRole('heading', { level: 1, name: 'Сторінка центру' }).waitFor();
        const devices = p.getByRole('region', { name: 'Пристрої' });
        assert.match(await devices.getByRole('row').nth(1).textContent(), /Планшет 2, Буча.*3.*відкликано/);
        assert.equal(await p.getByRole('region', { name: 'Отримані пакети' }).getByRole('row').count(), 4, 'a header and three batches');
        await screenshot(p, 'centre-staff-1280x800');
        const csv = await (await p.request.get(`${centre.served.origin}/staff/clients.csv`)).text();
        for (const name of ['Мельник', 'Кравець', 'Савчук']) assert.ok(csv.includes(name), `${name} is in the centre's clients table`);
        assert.ok(!csv.includes('Гнатюк'), 'a refused batch is not in the centre');
      } finally {
        await staff.close();
      }
      assert.equal((await fetch(`${centre.served.origin}/staff`)).status, 401, 'no password, no page');
      // The server sends the build's brotli copies to browsers that accept them (made once, at build time).
      const wasm = await fetch(`${centre.served.origin}/pryiom_bg.wasm`, { headers: { 'accept-encoding': 'br' } });
      assert.equal(wasm.headers.get('content-encoding'), 'br');
      assert.ok((await wasm.arrayBuffer()).byteLength > 100_000, 'the whole module, decompressed');

      // Nothing but the app's own origin was asked for.
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
      for (const name of ['Мельник', 'Кравець', 'Савчук', 'Гнатюк']) assert.ok(!centre.log().includes(name), 'the server logs no names');
    } finally {
      await app.close();
    }
  });

  test('the kiosk\'s live queue: tickets reach a staff tablet, its call shows on the kiosk and the display; with the server down each goes on alone', async () => {
    const { centre } = env;
    const kiosk = await openApp(env.browser, centre.served, { viewport: TABLET_PORTRAIT });
    const staff = await openApp(env.browser, centre.served, { viewport: TABLET_LANDSCAPE });
    try {
      await enrol(kiosk.page, centre, 'Кіоск у залі');
      await enrol(staff.page, centre, 'Планшет юриста');
      await setUpKiosk(kiosk.page);
      assert.equal(await takeTicket(kiosk.page, { name: 'Ганна Марченко', phone: '067 555 12 34' }), 'А-001');
      await kiosk.page.getByRole('button', { name: 'Готово' }).click();

      // The staff tablet (another device: nothing of the kiosk's on it) sees the centre's queue, the kiosk's rooms.
      const p = staff.page;
      await p.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Головна' }).click();
      await p.getByRole('link', { name: 'Черга кіоску' }).click();
      await p.getByTestId('queue-reach').filter({ hasText: 'Спільна черга центру' }).waitFor();
      const waiting = p.getByTestId('queue-waiting').getByRole('listitem');
      await waiting.filter({ hasText: 'А-001' }).waitFor({ timeout: 20_000 });
      await p.getByLabel('Кабінет або вікно').selectOption('кабінет 2');
      await p.getByRole('button', { name: 'Викликати наступного' }).click();
      await p.getByTestId('queue-called').filter({ hasText: 'Запрошуємо А-001 — кабінет 2' }).waitFor();
      await screenshot(p, 'centre-live-queue-1280x800');

      // The kiosk learns the call and shows it; so does the waiting room's display, with nothing but number and room.
      await kiosk.page.getByTestId('now-calling').filter({ hasText: 'Запрошуємо А-001 — кабінет 2' }).waitFor({ timeout: 20_000 });
      const display = await staff.context.newPage();
      await display.goto(`${centre.served.origin}/display`);
      const now = display.getByTestId('display-now');
      assert.match(await now.textContent(), /А-001\s*→ кабінет 2/);
      const shown = await display.content();
      assert.ok(!shown.includes('Марченко') && !shown.includes('Житло'), 'numbers and rooms only');
      await screenshot(display, 'centre-display-1280x800');
      await display.close();

      // The server goes down: the kiosk still gives tickets, the staff tablet says the centre is not answering; once
      // it is back the queue is shared again and the ticket given meanwhile reaches the tablet.
      await centre.kill();
      assert.equal(await takeTicket(kiosk.page), 'А-002');
      await kiosk.page.getByRole('button', { name: 'Готово' }).click();
      await p.getByTestId('queue-reach').filter({ hasText: 'Центр зараз не відповідає' }).waitFor({ timeout: 20_000 });
      await centre.start();
      await p.getByTestId('queue-reach').filter({ hasText: 'Спільна черга центру' }).waitFor({ timeout: 20_000 });
      await waiting.filter({ hasText: 'А-002' }).waitFor({ timeout: 20_000 });
      // The centre holds both tickets once, the visitor's name only sealed.
      assert.deepEqual(centreRows(centre.data, 'SELECT number, state FROM queue_tickets ORDER BY number'), [[1, 'called'], [2, 'waiting']]);
      const stored = JSON.stringify(centreRows(centre.data, 'SELECT ticket FROM queue_tickets'));
      assert.ok(!stored.includes('Марченко') && !stored.includes('5551234'));
      for (const app of [kiosk, staff]) {
        assert.deepEqual(app.foreign, []);
        assert.deepEqual(app.errors, []);
      }
    } finally {
      await kiosk.close();
      await staff.close();
    }
  });
});
