// Offline-first: after one visit the app loads and works with the server stopped; a new build is offered, never
// switched to silently.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, openApp, readIdb, screenshot, serveBuild, waitForServiceWorker, waitForStorage, reload
} from './helpers.mjs';

/**
 * Debian's Chromium 148 with Playwright: a reload that the service worker answers forgets the context's emulated
 * offline state (`navigator.onLine` is true again in the new page; seen with a bare page and service worker too, not
 * only this app's). Setting it again gives the page its "offline" event, as a tablet losing its link would.
 */
async function offlineAgain(context) {
  await context.setOffline(false);
  await context.setOffline(true);
}

describe('offline and updates', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('with the server stopped the app loads from the service worker and stays usable', async () => {
    const served = await serveBuild();
    const app = await openApp(browser, served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      await waitForServiceWorker(page);
      await served.stop();
      await context.setOffline(true);

      await reload(page);
      await offlineAgain(context);
      await waitForStorage(page);
      await page.getByRole('region', { name: 'Стан пристрою' }).getByText('Офлайн').waitFor();
      assert.ok(await page.getByText('Застосунок збережено на пристрої').isVisible());

      // Usable: move between screens, save a setting, reload, it is there.
      await page.getByRole('link', { name: 'Налаштування', exact: true }).click();
      await page.getByTestId('device-id').filter({ hasText: /-/ }).waitFor();
      await page.getByRole('textbox', { name: 'Назва пристрою' }).fill('Виїзний пункт, Бородянка');
      await page.getByRole('textbox', { name: 'Працівник', exact: true }).fill('Іван Петренко');
      await page.getByRole('button', { name: 'Зберегти', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Збережено на пристрої.' }).waitFor();
      await reload(page);
      await offlineAgain(context);
      await page.getByTestId('device-id').filter({ hasText: /-/ }).waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'Назва пристрою' }).inputValue(), 'Виїзний пункт, Бородянка');
      await screenshot(page, 'offline-settings-1280x800');
      // Screens that load on demand (their pieces of wasm were never fetched before) open offline too.
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      for (const [link, label] of [['Нове звернення', 'Пошук клієнта'], ['Експорт', 'Вибрати файл пакета'], ['Клієнти', 'Пошук клієнта']]) {
        await nav.getByRole('link', { name: link }).click();
        await page.getByLabel(label).first().waitFor({ state: 'attached' });
      }

      // A new tab, as after the tablet restarted, still opens.
      const second = await context.newPage();
      await second.goto(served.url + '#/home');
      await waitForStorage(second);
      assert.equal(JSON.parse((await readIdb(second, 'settings', 'device')).payload).worker, 'Іван Петренко');
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
      await served.cleanup();
    }
  });

  test('a new build shows "update available — reload" and switches only when asked', async () => {
    const served = await serveBuild();
    const app = await openApp(browser, served);
    try {
      const { page } = app;
      await waitForStorage(page);
      await waitForServiceWorker(page);
      const oldBuild = await page.getAttribute('meta[name="pryiom-build"]', 'content');

      const newBuild = await served.rebuild((dir) => appendFile(join(dir, 'app.css'), '\n/* next release */\n'));
      assert.notEqual(newBuild, oldBuild);

      await reload(page);
      const banner = page.getByTestId('update-banner');
      await banner.waitFor();
      assert.match(await banner.textContent(), /Доступна нова версія застосунку\./);
      // Still the old build until the user says so.
      assert.equal(await page.getAttribute('meta[name="pryiom-build"]', 'content'), oldBuild);
      await screenshot(page, 'update-banner-1280x800');

      await banner.getByRole('button', { name: 'Перезавантажити' }).click();
      await page.waitForFunction((b) => document.querySelector('meta[name="pryiom-build"]')?.content === b, newBuild);
      await waitForStorage(page);
      assert.equal(await page.getByTestId('update-banner').count(), 0);
      assert.match(await page.getByTestId('status-version').textContent(), new RegExp(newBuild.slice(0, 8)));
      // The old build's cache is gone; only the new one is kept.
      const caches = await page.evaluate(() => caches.keys());
      assert.deepEqual(caches, [`pryiom-${newBuild}`]);

      // And the new build works offline too.
      await served.stop();
      await reload(page);
      await waitForStorage(page);
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
      await served.cleanup();
    }
  });

  test('the service worker precaches every file of the build, stamped with its hash', async () => {
    const served = await serveBuild();
    const app = await openApp(browser, served);
    try {
      const { page } = app;
      await waitForServiceWorker(page);
      const build = await page.getAttribute('meta[name="pryiom-build"]', 'content');
      const cached = await page.evaluate(async (name) => {
        const cache = await caches.open(name);
        return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
      }, `pryiom-${build}`);
      for (const f of ['/index.html', '/boot.js', '/pryiom.js', '/pryiom_bg.wasm', '/app.css', '/manifest.webmanifest',
        '/icons/icon-192.png', '/icons/icon-512.png']) {
        assert.ok(cached.includes(f), `${f} is not precached: ${cached.join(' ')}`);
      }
      const manifest = await (await page.request.get(served.url + 'manifest.webmanifest')).json();
      assert.equal(manifest.display, 'standalone');
      assert.equal(manifest.start_url, './');
      assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));
    } finally {
      await app.close();
      await served.cleanup();
    }
  });
});
