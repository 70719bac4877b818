// Export batches and import them back: the file really downloads, an independent reader (Python's jsonschema and
// csv) checks it, the database is cleared and restored from it, a second import changes nothing, and after the
// upload is confirmed the personal data is purged from IndexedDB while the counts remain.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARTIFACTS, ROOT, TABLET_PORTRAIT, downloads, dumpPlain, openApp, readAllIdb, registerClient, screenshot, sharedBrowserAndBuild,
  waitForStorage, reload,
} from './helpers.mjs';

const PYTHON = process.env.PRYIOM_PYTHON || 'python3';


/** Reloads the app on its Home screen (the route would otherwise stay where it was). */
async function reloadHome(page) {
  await page.evaluate(() => { window.location.hash = '#/home'; });
  await reload(page);
  await waitForStorage(page);
}

async function records(page) {
  const out = {};
  for (const store of ['clients', 'appeals']) {
    out[store] = (await readAllIdb(page, store)).sort((a, b) => a.id.localeCompare(b.id));
  }
  return out;
}

describe('export and import', () => {
  const env = sharedBrowserAndBuild();

  test('export, check independently, clear, import, import again, confirm, purge', async () => {
    await mkdir(join(ARTIFACTS, 'downloads'), { recursive: true });
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT });
    try {
      const { page } = app;
      await waitForStorage(page);
      await registerClient(page, { surname: 'Мельник', given: "Мар'яна", birth: '02.02.1985', phone: '050 123 45 67', tax: '' });
      await registerClient(page, { surname: 'Гнатюк', given: 'Остап', birth: '03.03.1970', phone: '', tax: '' },
        { account: '=HYPERLINK("http://x"), "лапки", кома\nі новий рядок' });
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Головна' }).click();
      await page.getByTestId('pending-export').getByText(/^4 записи ще не експортовано; найстаріший — від \d\d\.\d\d\.\d{4} \(0 днів тому\)$/).waitFor();

      // Make the batch: the file downloads.
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('heading', { level: 1, name: 'Експорт' }).waitFor();
      assert.ok(await page.getByRole('radio', { name: 'Усе, що ще не експортовано' }).isChecked());
      // No centre key in Settings: the screen says files are not encrypted, and nothing is saved until that is confirmed.
      await page.getByTestId('export-sealing').getByText('Файли експорту не шифруються').waitFor();
      await page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click();
      await page.getByTestId('export-status').getByText('Файл не збережено: спершу підтвердьте').waitFor();
      assert.equal(await page.getByTestId('batch').count(), 0, 'no batch made');
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [batch] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      assert.match(batch.name, /^pryiom-\d{4}-\d\d-\d\d-[0-9a-f]{8}\.json$/);
      await page.getByTestId('export-status').getByText(`Пакет створено й збережено у файл ${batch.name}.`, { exact: false }).waitFor();
      const file = JSON.parse(batch.text);
      assert.equal(file.format, 'pryiom-batch');
      const { audit, ...counts } = file.manifest.counts;
      assert.deepEqual(counts, { clients: 2, appeals: 2, checklists: 0, consents: 2, referrals: 0 });
      // The audit trail rides along: set-up and the two cards opened, by id, never by name.
      const events = file.records.filter((r) => r.type === 'audit').map((r) => r.data);
      assert.equal(audit, events.length);
      assert.deepEqual(events.map((e) => e.action).filter((a) => a !== 'print').sort(), ['open_client', 'open_client', 'set_up']);
      assert.ok(events.every((e) => e.worker === 'Олена Коваль'));
      for (const name of ['Гнатюк', 'Остап', 'Кравчук']) assert.ok(!JSON.stringify(events).includes(name));
      assert.equal(file.manifest.worker, 'Олена Коваль', 'the worker who unlocked');
      await page.getByTestId('pending-export').getByText('Усе експортовано.').waitFor();
      // The appeal list knows which appeals a batch carried.
      await nav.getByRole('link', { name: 'Клієнти' }).click();
      await page.getByLabel('Експорт').selectOption('yes');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 2);
      await page.getByLabel('Експорт').selectOption('no');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 0);
      await nav.getByRole('link', { name: 'Експорт' }).click();
      const item = page.getByTestId('batch');
      assert.equal(await item.getByTestId('batch-status').textContent(), 'Створено, ще не передано');
      // Nothing new: no empty batch. (Saving in clear is confirmed again on each visit of the screen.)
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      await page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click();
      await page.getByTestId('export-status').getByText('Немає нічого для експорту.').waitFor();
      assert.equal(await page.getByTestId('batch').count(), 1);
      await screenshot(page, 'export-800x1280');

      // The same bytes again, and the CSV tables derived from the batch.
      const [again] = await downloads(page, () => item.getByRole('button', { name: /Зберегти файл ще раз/ }).click());
      assert.equal(again.text, batch.text);
      const tables = await downloads(page, () => item.getByRole('button', { name: /Таблиці CSV/ }).click(), 4);
      const appealsCsv = tables.find((t) => t.name.endsWith('-appeals.csv'));
      assert.ok(appealsCsv.text.startsWith('\ufeffbatch_id,id,rev,'));

      // An independent reader: the JSON Schema with Python's jsonschema, the CSV with Python's csv module.
      const out = execFileSync(PYTHON, [join(ROOT, 'tests/support/check_batch.py'), batch.path,
        join(ROOT, 'schema/pryiom-batch-1.schema.json'), ...tables.map((t) => t.path)], { encoding: 'utf8' });
      assert.match(out, new RegExp(`schema: valid \\(${file.records.length} records\\)`));
      assert.match(out, /audits\.csv: \d+ rows read by Python's csv module/);
      // The manifest is signed by the device; Python's cryptography checks it with the key Settings show.
      assert.equal(file.manifest.signature.alg, 'ed25519');
      assert.match(out, new RegExp(`signature: valid, device key ${file.manifest.signature.public_key.replace(/[+/]/g, '\\$&')}`));
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      assert.equal(await page.getByTestId('device-signing-key').textContent(), file.manifest.signature.public_key);
      assert.match(out, /appeals\.csv: 2 rows read by Python's csv module/);
      assert.match(out, /\nok\n$/);

      // Clear the database (another tablet, or this one reset).
      const before = await records(page);
      await page.evaluate(() => new Promise((resolve, reject) => {
        const r = indexedDB.deleteDatabase('pryiom');
        r.onsuccess = resolve;
        r.onerror = () => reject(r.error);
      }));
      await reloadHome(page);
      assert.equal(await page.getByTestId('count-clients').textContent(), '0 клієнтів');

      // A tampered file is refused and changes nothing.
      const tampered = join(ARTIFACTS, 'downloads', 'tampered.json');
      await writeFile(tampered, batch.text.replace('Гнатюк', 'Гнатюкк'));
      await nav.getByRole('link', { name: 'Експорт' }).click();
      const input = page.getByLabel('Вибрати файл пакета');
      await input.setInputFiles(tampered);
      await page.getByTestId('import-status').getByText(/^Запис № \d \([0-9a-f-]{36}\) змінено після експорту: контрольна сума не збігається\. Нічого не змінено\.$/).waitFor();
      assert.equal((await readAllIdb(page, 'clients')).length, 0);
      // A manifest changed after signing (every checksum still right) is refused too.
      const relabelled = join(ARTIFACTS, 'downloads', 'relabelled.json');
      const label = JSON.stringify(file.manifest.device_label);
      await writeFile(relabelled, batch.text.replace(`"device_label":${label}`, '"device_label":"Чужий планшет"'));
      await input.setInputFiles(relabelled);
      await page.getByTestId('import-status').getByText('Підпис пристрою не збігається з описом пакета').waitFor();
      assert.equal((await readAllIdb(page, 'clients')).length, 0);

      // Import: everything is back, record for record.
      await input.setInputFiles(batch.path);
      await page.getByTestId('import-status').getByText(`Імпорт завершено: нових ${file.records.length}, оновлено 0, без змін 0, старіші версії пропущено: 0.`).waitFor();
      assert.deepEqual(await records(page), before);
      await page.getByTestId('batch-status').getByText('Імпортовано з файлу').waitFor();
      // The screens hold what was imported at once (put in, not read again) and show exactly what a fresh start shows.
      const screens = async () => {
        await nav.getByRole('link', { name: 'Головна' }).click();
        const counts = [await page.getByTestId('count-clients').textContent(), await page.getByTestId('count-appeals').textContent()];
        await nav.getByRole('link', { name: 'Клієнти' }).click();
        await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 2);
        await page.getByLabel('Експорт').selectOption('yes');
        await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 2);
        const lists = await page.evaluate(() => ['client-list', 'appeal-list'].map((id) => document.querySelector(`[data-testid=${id}]`).innerText));
        await page.getByLabel('Експорт').selectOption('');
        return { counts, lists };
      };
      const afterImport = await screens();
      assert.deepEqual(afterImport.counts, ['2 клієнти', '2 звернення']);
      for (const name of ['Мельник', 'Гнатюк']) assert.ok(afterImport.lists[0].includes(name), `${name} listed`);
      await reloadHome(page);
      assert.deepEqual(await screens(), afterImport);
      await nav.getByRole('link', { name: 'Експорт' }).click();
      // Again: nothing changes.
      await input.setInputFiles(batch.path);
      await page.getByTestId('import-status').getByText(`Імпорт завершено: нових 0, оновлено 0, без змін ${file.records.length}, старіші версії пропущено: 0.`).waitFor();
      assert.deepEqual(await records(page), before);
      assert.equal(await page.getByTestId('batch').count(), 1);

      // Confirm the upload, then purge: the personal data leaves IndexedDB, the counts stay.
      const imported = page.getByTestId('batch');
      assert.equal(await imported.getByRole('button', { name: 'Видалити особисті дані з пристрою' }).count(), 0, 'no purge before confirmation');
      await imported.getByRole('button', { name: 'Центр отримав — підтвердити' }).click();
      await imported.getByRole('button', { name: 'Так, центр отримав' }).click();
      await imported.getByTestId('batch-status').getByText(/^Центр отримав \d\d\.\d\d\.\d{4}$/).waitFor();
      await imported.getByRole('button', { name: 'Видалити особисті дані з пристрою' }).click();
      await imported.getByRole('button', { name: 'Видалити', exact: true }).click();
      await page.getByTestId('batches-status').getByText('Особисті дані видалено з пристрою (записів: 4).').waitFor();
      await page.getByTestId('batch-status').getByText(/^Особисті дані видалено з пристрою \d\d\.\d\d\.\d{4}$/).waitFor();
      await screenshot(page, 'export-purged-800x1280');
      const after = await records(page);
      assert.equal(after.clients.length, 2);
      assert.equal(after.appeals.length, 2);
      for (const c of after.clients) {
        const p = JSON.parse(c.payload);
        assert.equal(p.personal, null);
        assert.match(p.purged_at, /^\d{4}-/);
      }
      for (const a of after.appeals) assert.equal(JSON.parse(a.payload).account, '');
      // In EVERY store: the kept batch file held the same data, and is gone too.
      const everything = await dumpPlain(page);
      for (const personal of ['Мельник', 'Гнатюк', '380501234567', 'HYPERLINK']) {
        assert.ok(!everything.includes(personal), `"${personal}" is still stored`);
      }
      assert.equal(await imported.getByRole('button', { name: /Зберегти файл ще раз/ }).count(), 0, 'no file to save again');
      await imported.getByTestId('batch-file-removed').getByText(/видалено з пристрою після підтвердження/).waitFor();
      // What the purge wrote is not "not exported": the centre has everything.
      await page.getByTestId('pending-export').getByText('Усе експортовано.').waitFor();
      await nav.getByRole('link', { name: 'Головна' }).click();
      assert.equal(await page.getByTestId('count-clients').textContent(), '2 клієнти');
      assert.equal(await page.getByTestId('count-appeals').textContent(), '2 звернення');
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a batch confirmed long enough ago is purged by itself at start-up (retention period in Settings)', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      await registerClient(page, { surname: 'Остапенко', given: 'Ірина', birth: '04.04.1980', phone: '', tax: '' });
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      await page.getByLabel('Через скільки днів після підтвердження видаляти особисті дані').fill('тиждень');
      await page.getByRole('button', { name: 'Зберегти строки' }).click();
      await page.getByText('Введіть ціле число днів від 0 до 3650 або залиште поле порожнім.').waitFor();
      await page.getByLabel('Через скільки днів після підтвердження видаляти особисті дані').fill('0');
      await page.getByRole('button', { name: 'Зберегти строки' }).click();
      await page.getByTestId('retention-status').getByText('Збережено').waitFor();

      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      // Not confirmed: a restart purges nothing.
      await reloadHome(page);
      assert.notEqual(JSON.parse((await readAllIdb(page, 'clients'))[0].payload).personal, null);
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('button', { name: 'Центр отримав — підтвердити' }).click();
      await page.getByRole('button', { name: 'Так, центр отримав' }).click();
      await page.getByTestId('batch-status').getByText(/^Центр отримав/).waitFor();
      await reloadHome(page);
      const purged = async () => {
        const rows = await readAllIdb(page, 'clients');
        return rows.length === 1 && JSON.parse(rows[0].payload).personal === null;
      };
      for (let i = 0; i < 100 && !(await purged()); i++) await page.waitForTimeout(100);
      assert.ok(await purged(), 'purged at start-up');
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('with the centre’s key every file is sealed (age): pyrage opens it, the batch reader checks it', async () => {
    await mkdir(join(ARTIFACTS, 'downloads'), { recursive: true });
    const [secret, recipient] = execFileSync(PYTHON, ['-c',
      'import pyrage; i = pyrage.x25519.Identity.generate(); print(i, i.to_public())'], { encoding: 'utf8' }).trim().split(' ');
    const identityFile = join(ARTIFACTS, 'downloads', 'centre-identity.txt');
    await writeFile(identityFile, secret);
    const app = await openApp(env.browser, env.served);
    let sealed;
    try {
      const { page } = app;
      await registerClient(page, { surname: 'Кравчук', given: 'Леся', birth: '05.05.1990', phone: '067 222 33 44', tax: '' });
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      // The centre's secret key is refused: it must never be on a tablet.
      await page.getByLabel('Відкритий ключ центру').fill(secret);
      await page.getByRole('button', { name: 'Зберегти ключі центру' }).click();
      await page.getByText('Це секретний ключ центру').waitFor();
      await page.getByLabel('Відкритий ключ центру').fill(recipient);
      await page.getByRole('button', { name: 'Зберегти ключі центру' }).click();
      await page.getByTestId('centre-keys-status').getByText('Збережено на пристрої.').waitFor();

      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByTestId('export-sealing').getByText(`ключ ${recipient.slice(0, 10)}`, { exact: false }).waitFor();
      [sealed] = await downloads(page, () => page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      assert.match(sealed.name, /^pryiom-\d{4}-\d\d-\d\d-[0-9a-f]{8}\.json\.age$/);
      const bytes = await readFile(sealed.path);
      assert.equal(bytes.subarray(0, 21).toString(), 'age-encryption.org/v1');
      for (const f of ['Кравчук', 'Леся', '672223344']) assert.ok(!bytes.includes(Buffer.from(f)), `${f} readable in the file`);
      const tables = await downloads(page, () => page.getByTestId('batch').getByRole('button', { name: /Таблиці CSV/ }).click(), 4);
      assert.ok(tables.every((t) => t.name.endsWith('.csv.age')));

      // The centre opens them with the standard tool, and finds exactly the batch format the independent reader checks.
      execFileSync(PYTHON, [join(ROOT, 'tests/support/open_sealed.py'), identityFile, sealed.path, ...tables.map((t) => t.path)]);
      const plainPath = sealed.path.replace(/\.age$/, '');
      const plain = JSON.parse(await readFile(plainPath, 'utf8'));
      assert.equal(plain.format, 'pryiom-batch');
      assert.equal(plain.records.find((r) => r.type === 'client').data.personal.surname, 'Кравчук');
      const out = execFileSync(PYTHON, [join(ROOT, 'tests/support/check_batch.py'), plainPath,
        join(ROOT, 'schema/pryiom-batch-1.schema.json'), ...tables.map((t) => t.path.replace(/\.age$/, ''))], { encoding: 'utf8' });
      assert.match(out, /\nok\n$/);

      // A sealed file is not for this tablet: a clear message, nothing written.
      const before = await dumpPlain(page);
      await page.getByLabel('Вибрати файл пакета').setInputFiles(sealed.path);
      await page.getByTestId('import-status').getByText('Цей файл зашифровано для центру').waitFor();
      assert.equal(await dumpPlain(page), before);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }

    // The centre's staff tablet holds the centre's secret key (sealed with its own data key): it imports the file.
    const centre = await openApp(env.browser, env.served, { hash: '#/settings' });
    try {
      const { page } = centre;
      const field = page.getByLabel('Секретний ключ центру');
      await field.fill(recipient);
      await page.getByRole('button', { name: 'Зберегти секретний ключ центру' }).click();
      await page.getByText('Це відкритий ключ центру (age1…). Тут потрібен секретний ключ').waitFor();
      await field.fill(secret);
      await page.getByRole('button', { name: 'Зберегти секретний ключ центру' }).click();
      await page.getByTestId('centre-identity-held').getByText(`ключ ${recipient.slice(0, 16)}`).waitFor();
      const ring = JSON.parse((await readAllIdb(page, 'settings')).find((r) => r.id === 'keyring').payload);
      assert.ok(ring.centre_identity && !JSON.stringify(ring).includes('AGE-SECRET-KEY'), 'kept sealed');

      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Експорт' }).click();
      const input = page.getByLabel('Вибрати файл пакета');
      // Changed after sealing, or sealed to another centre: refused, nothing written.
      const bytes = await readFile(sealed.path);
      const changed = Buffer.from(bytes);
      changed[changed.length - 5] ^= 1;
      const changedPath = join(ARTIFACTS, 'downloads', 'changed.json.age');
      await writeFile(changedPath, changed);
      await input.setInputFiles(changedPath);
      await page.getByTestId('import-status').getByText('Зашифрований файл пошкоджено або змінено').waitFor();
      const otherPath = join(ARTIFACTS, 'downloads', 'other-centre.json.age');
      execFileSync(PYTHON, ['-c', `import pyrage, sys
i = pyrage.x25519.Identity.generate()
open(sys.argv[2], 'wb').write(pyrage.encrypt(open(sys.argv[1], 'rb').read(), [i.to_public()]))`,
      sealed.path.replace(/\.age$/, ''), otherPath]);
      await input.setInputFiles(otherPath);
      await page.getByTestId('import-status').getByText('Цей файл зашифровано для іншого ключа').waitFor();
      assert.equal((await readAllIdb(page, 'clients')).length, 0, 'nothing written');

      await input.setInputFiles(sealed.path);
      const n = JSON.parse(await readFile(sealed.path.replace(/\.age$/, ''), 'utf8')).records.length;
      await page.getByTestId('import-status').getByText(`Імпорт завершено: нових ${n},`).waitFor();
      const clients = (await readAllIdb(page, 'clients')).map((r) => JSON.parse(r.payload));
      assert.deepEqual(clients.map((c) => c.personal.surname), ['Кравчук']);
      assert.deepEqual(centre.errors, []);
    } finally {
      await centre.close();
    }
  });
});
