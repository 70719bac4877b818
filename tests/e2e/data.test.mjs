// Data the user enters: saved in IndexedDB, surviving reloads; bad input refused with a message; storage failures
// explained instead of failing later.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, readIdb, sharedBrowserAndBuild, waitForStorage, reload
} from './helpers.mjs';

describe('data on the device', () => {
  const env = sharedBrowserAndBuild();

  test('device settings are saved in IndexedDB and survive a reload', async () => {
    const app = await openApp(env.browser, env.served, { hash: '#/settings' });
    try {
      const { page } = app;
      const label = page.getByRole('textbox', { name: 'Назва пристрою' });
      const worker = page.getByRole('textbox', { name: 'Працівник', exact: true });
      const deviceId = await page.getByTestId('device-id').filter({ hasText: /-/ }).textContent();
      assert.match(deviceId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      await label.fill('  Планшет 2,   Ірпінське бюро ');
      await worker.fill('Мар’яна Коваль');
      await page.getByRole('button', { name: 'Зберегти', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Збережено на пристрої.' }).waitFor();

      await reload(page);
      await page.getByTestId('device-id').filter({ hasText: deviceId }).waitFor();
      assert.equal(await label.inputValue(), 'Планшет 2, Ірпінське бюро');
      assert.equal(await worker.inputValue(), 'Мар’яна Коваль');

      // In IndexedDB itself, in the stored envelope; and nothing of it in localStorage.
      const rec = await readIdb(page, 'settings', 'device');
      assert.equal(rec.rev, 2);
      assert.deepEqual(JSON.parse(rec.payload), {
        id: 'device', device_id: deviceId, label: 'Планшет 2, Ірпінське бюро', worker: 'Мар’яна Коваль', retention_days: null,
        draft_days: 7, hotline: '0 800 213 103', lock_minutes: 5,
      });
      const local = await page.evaluate(() => Object.keys(localStorage).sort());
      assert.deepEqual(local, ['pryiom.lang', 'pryiom.screen', 'pryiom.set-up']);
      const localText = await page.evaluate(() => JSON.stringify({ ...localStorage }));
      assert.ok(!localText.includes('Коваль'));
      assert.ok(!page.url().includes('Коваль'));

      // Home no longer asks to name the device.
      await page.getByRole('link', { name: 'Головна' }).click();
      await waitForStorage(page);
      assert.equal(await page.getByText('Пристрій ще не має назви').count(), 0);
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('bad input gets a message next to the field and changes nothing', async () => {
    const app = await openApp(env.browser, env.served, { hash: '#/settings' });
    try {
      const { page } = app;
      await page.getByTestId('device-id').filter({ hasText: /-/ }).waitFor();
      const label = page.getByRole('textbox', { name: 'Назва пристрою' });
      await label.fill('Планшет 1');
      await page.getByRole('button', { name: 'Зберегти', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Виправте позначені поля — нічого не збережено.' }).waitFor();
      const worker = page.getByRole('textbox', { name: 'Працівник', exact: true });
      assert.equal(await worker.getAttribute('aria-invalid'), 'true');
      assert.equal(await label.getAttribute('aria-invalid'), null);
      // The message is tied to the field for screen readers.
      const described = await worker.getAttribute('aria-describedby');
      const message = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id).textContent).join(' '), described);
      assert.match(message, /Заповніть це поле\./);
      const rec = await readIdb(page, 'settings', 'device');
      assert.equal(JSON.parse(rec.payload).label, '', 'nothing was saved');
      // What was typed stays in the field.
      assert.equal(await label.inputValue(), 'Планшет 1');
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a browser without usable storage is told so at start, in plain words', async () => {
    const context = await env.browser.newContext();
    try {
      // As in some private modes: no IndexedDB at all.
      await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
      const page = await context.newPage();
      await page.goto(env.served.url);
      const alert = page.getByRole('alert').filter({ hasText: 'Цей пристрій зараз не може зберігати дані' });
      await alert.waitFor();
      assert.match(await alert.textContent(), /Браузер не дає зберігати дані на цьому пристрої/);
      assert.match(await alert.textContent(), /приватному режимі/);
    } finally {
      await context.close();
    }
  });

  test('a full device is reported as such and the saved value stays as it was', async () => {
    const app = await openApp(env.browser, env.served, { hash: '#/settings' });
    try {
      const { page, context } = app;
      await page.getByTestId('device-id').filter({ hasText: /-/ }).waitFor();
      await page.getByRole('textbox', { name: 'Назва пристрою' }).fill('Перший');
      await page.getByRole('textbox', { name: 'Працівник', exact: true }).fill('Олена');
      await page.getByRole('button', { name: 'Зберегти', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Збережено на пристрої.' }).waitFor();

      // A full tablet: from now on IndexedDB refuses writes with the browser's QuotaExceededError. (Chromium's own
      // quota override does not apply to test profiles, so the refusal is made at the IndexedDB API.)
      await page.evaluate(() => {
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function () {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
        window.__restorePut = () => { IDBObjectStore.prototype.put = put; };
      });
      await page.getByRole('textbox', { name: 'Назва пристрою' }).fill('Другий '.repeat(10).trim());
      await page.getByRole('button', { name: 'Зберегти', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'На пристрої закінчилося місце для даних.' }).waitFor();
      await page.evaluate(() => window.__restorePut());
      const rec = await readIdb(page, 'settings', 'device');
      assert.equal(JSON.parse(rec.payload).label, 'Перший');
      // Nothing typed is lost: the field still holds the new text, ready to save once there is room.
      assert.match(await page.getByRole('textbox', { name: 'Назва пристрою' }).inputValue(), /^Другий/);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a record that cannot be read is reported; the rest of the data still works', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      await page.evaluate(() => new Promise((ok, fail) => {
        const open = indexedDB.open('pryiom');
        open.onsuccess = () => {
          const tx = open.result.transaction('clients', 'readwrite');
          tx.objectStore('clients').put({ id: 'broken', rev: 1, updated_at: 't', codec: 1, payload: '{"id": 7' });
          tx.oncomplete = () => { open.result.close(); ok(); };
          tx.onerror = () => fail(tx.error);
        };
      }));
      await reload(page);
      const alert = page.getByTestId('unreadable');
      await alert.waitFor();
      assert.equal(await alert.textContent(), '1 запис не вдалося прочитати. Інші дані в безпеці й працюють; повідомте адміністратора.');
      await page.getByRole('link', { name: 'Налаштування', exact: true }).click();
      await page.getByTestId('device-id').filter({ hasText: /-/ }).waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
