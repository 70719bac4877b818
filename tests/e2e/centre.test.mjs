// The device and the real centre server (`pryiom-centre`, serving the release bundle on 127.0.0.1 with SQLite in a
// throw-away data folder): a worker enrols the tablet with the one-time code the centre gave, makes a batch and sends
// it; the centre's receipt marks it received (checked against the key from enrolment) and the centre's database holds
// its records; a revoked tablet is told so in plain words and its batch stays unsent.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT, TABLET_PORTRAIT, downloads, launchBrowser, openApp, registerClient, screenshot,
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

/** The centre server over a copy of dist/, until `stop`. */
async function startCentre() {
  execFileSync('cargo', ['build', '-q', '-p', 'pryiom-centre'], { cwd: ROOT, stdio: 'inherit' });
  const dir = await mkdtemp(join(tmpdir(), 'pryiom-centre-'));
  await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  const port = await freePort();
  const data = join(dir, 'data');
  const child = spawn(BIN, ['--data', data, 'serve', '--app', join(dir, 'dist'), '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${origin}/index.html`)).ok) break;
    } catch { /* not up yet */ }
    if (i > 100) throw new Error(`the centre server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const run = (...args) => execFileSync(BIN, ['--data', data, ...args], { encoding: 'utf8' });
  return {
    served: { url: `${origin}/`, origin },
    data,
    run,
    log: () => log,
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
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

  test('enrolled with a one-time code, a batch is sent and received once with a verified receipt; a revoked tablet is told', async () => {
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

      // Make a batch and send it: the centre's receipt marks it received.
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [batch] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      const file = JSON.parse(batch.text);
      const item = page.getByTestId('batch');
      await item.getByRole('button', { name: `Надіслати до центру: ${batch.name}` }).click();
      await page.getByTestId('batches-status').getByText('Центр отримав пакет: його квитанцію перевірено.').waitFor();
      await page.getByTestId('batch-status').filter({ hasText: /^Центр отримав \d\d\.\d\d\.\d{4}$/ }).waitFor();
      await screenshot(page, 'centre-sent-800x1280');
      assert.equal(await item.getByRole('button', { name: /Надіслати до центру/ }).count(), 0, 'nothing left to send');
      // The centre holds the batch once, with every record at its revision, and the receipt it signed.
      const [[state, receipt]] = centreRows(centre.data, `SELECT state, receipt FROM batches WHERE batch_id = '${file.manifest.batch_id}'`);
      assert.equal(state, 'done');
      const stored = centreRows(centre.data, 'SELECT kind, id, rev FROM records ORDER BY kind, id');
      const sent = file.records.map((r) => [r.type, r.id, r.rev]).sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
      assert.deepEqual(stored, sent);
      assert.equal(JSON.parse(receipt).accepted.length, file.records.length);
      // The trail says the tablet was enrolled and the batch received.
      await nav.getByRole('link', { name: 'Налаштування' }).click();

      // The centre revokes the tablet: its next batch is refused, said plainly, and stays unsent on the device.
      centre.run('revoke', device[0]);
      await registerClient(page, { surname: 'Гнатюк', given: 'Остап', birth: '03.03.1970', phone: '', tax: '' });
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [second] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      await page.getByRole('button', { name: `Надіслати до центру: ${second.name}` }).click();
      await page.getByTestId('batches-status').getByText('Центр відкликав цей пристрій').waitFor();
      assert.equal(await page.getByTestId('batch-status').filter({ hasText: 'Створено, ще не передано' }).count(), 1);
      assert.equal(centreRows(centre.data, 'SELECT COUNT(*) FROM batches')[0][0], 1);
      // Nothing but the app's own origin was asked for.
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
      assert.ok(!centre.log().includes('Мельник') && !centre.log().includes('Гнатюк'), 'the server logs no names');
    } finally {
      await app.close();
    }
  });
});
