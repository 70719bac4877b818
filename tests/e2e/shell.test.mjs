// The app shell as a user meets it: language, navigation, status, accessibility, at both tablet sizes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TABLET_LANDSCAPE, TABLET_PORTRAIT, auditPage, openApp, registerClient, screenshot, setUpProtection, sharedBrowserAndBuild,
  waitForStorage, reload,
} from './helpers.mjs';

/** Holds every request for files matching `pattern` until `release()` (as a slow link would); then lets them by. */
async function hold(context, pattern) {
  let release;
  const held = new Promise((r) => { release = r; });
  await context.route(pattern, async (route) => { await held; await route.continue(); });
  return { release: () => release() };
}

describe('app shell', () => {
  const env = sharedBrowserAndBuild();

  test('renders in Ukrainian by default, switches to English, and remembers the choice', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      assert.equal(await page.getAttribute('html', 'lang'), 'uk');
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      for (const name of ['Головна', 'Клієнти', 'Нове звернення', 'Експорт', 'Налаштування']) {
        assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, name);
      }
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Головна');
      assert.match(await page.getByTestId('count-clients').textContent(), /^0 клієнтів$/);

      await nav.getByRole('link', { name: 'Налаштування' }).click();
      await page.getByRole('heading', { level: 1, name: 'Налаштування' }).waitFor();
      assert.equal(new URL(page.url()).hash, '#/settings');
      await page.getByRole('radio', { name: 'English' }).check();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link').count(), 5);

      await reload(page);
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      assert.ok(await page.getByRole('radio', { name: 'English' }).isChecked());
      await page.getByRole('link', { name: 'Home', exact: true }).click();
      await page.getByTestId('count-clients').filter({ hasText: '0 clients' }).waitFor();

      assert.deepEqual(app.foreign, [], 'requests left the app origin');
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('the set-up form needs the shell and two more files of WebAssembly; what unlocking loads comes behind it', async () => {
    const app = await openApp(env.browser, env.served, { gate: false });
    try {
      const { page } = app;
      const wasm = () => page.evaluate(() => performance.getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname.split('/').pop()).filter((f) => f.endsWith('.wasm')).sort());
      await page.getByRole('heading', { level: 1, name: 'Захист даних на цьому пристрої' }).waitFor();
      // The piece that loads the data after an unlock is fetched while the form shows.
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('split_open_piece')));
      const files = (await wasm()).map((f) => f.replace(/_\d+\.wasm$/, '.wasm'));
      assert.deepEqual(files, ['chunk_gate.wasm', 'chunk_start.wasm', 'pryiom_bg.wasm', 'split_gate_screen.wasm', 'split_open_piece.wasm']);
      // Set up and opened (the home screen is in the shell; the outbox's piece may follow): no other chunk.
      await waitForStorage(page);
      assert.deepEqual((await wasm()).filter((f) => f.startsWith('chunk_')), ['chunk_gate.wasm', 'chunk_start.wasm']);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a new device shows its set-up screen before the app\'s code has arrived; a set-up device and English do not', async () => {
    // No service worker: every file comes from the network, where the test holds it.
    const context = await env.browser.newContext({ viewport: TABLET_PORTRAIT, serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const heading = page.getByRole('heading', { level: 1, name: 'Захист даних на цьому пристрої' });
      const intro = page.getByText(/^Дані клієнтів на цьому пристрої буде зашифровано\./);
      const booting = page.getByText('Завантаження… · Loading…');
      const setUpFlag = () => page.evaluate(() => localStorage.getItem('pryiom.set-up'));

      // 1. A new device: index.html draws the screen's texts; no field to type into that would be lost.
      let shell = await hold(context, /pryiom_bg\.wasm$/);
      let form = await hold(context, /split_gate_screen_\d+\.wasm$/);
      await page.goto(env.served.url);
      await heading.waitFor();
      assert.ok(await intro.isVisible());
      assert.equal(await page.getByRole('textbox').count(), 0);
      assert.ok(await booting.isHidden());
      await screenshot(page, 'first-screen-before-the-app');
      // The app's shell has come, the form's code has not: the same texts, drawn by the app.
      shell.release();
      await page.getByTestId('status-network').waitFor();
      assert.equal(await heading.count(), 1);
      assert.ok(await intro.isVisible());
      assert.equal(await page.getByRole('textbox').count(), 0);
      // And the form under them.
      form.release();
      await page.getByLabel(/^Ваше ім’я/).waitFor();
      assert.equal(await heading.count(), 1);
      assert.notEqual(await setUpFlag(), 'true');

      // 2. Set up: the next start shows "loading" until the app tells set-up from unlock.
      await setUpProtection(page);
      await page.locator('main[data-gate="Open"]').waitFor();
      assert.equal(await setUpFlag(), 'true');
      shell = await hold(context, /pryiom_bg\.wasm$/);
      await page.reload();
      await booting.waitFor();
      assert.equal(await heading.count(), 0);
      shell.release();
      await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor();
      assert.equal(await heading.count(), 0);

      // 3. A new device whose worker chose English: the app draws the screen in English.
      const english = await env.browser.newContext({ viewport: TABLET_PORTRAIT, serviceWorkers: 'block' });
      try {
        await english.addInitScript(() => localStorage.setItem('pryiom.lang', '"en"'));
        const page2 = await english.newPage();
        page2.on('pageerror', (e) => errors.push(e.message));
        shell = await hold(english, /pryiom_bg\.wasm$/);
        await page2.goto(env.served.url);
        await page2.getByText('Завантаження… · Loading…').waitFor();
        assert.equal(await page2.getByRole('heading', { level: 1 }).count(), 0);
        shell.release();
        await page2.getByRole('heading', { level: 1, name: 'Protect the data on this device' }).waitFor();
      } finally {
        await english.close();
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('every screen is reachable and works; none says it is unfinished', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT });
    try {
      const { page } = app;
      await waitForStorage(page);
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      for (const [link, landmark] of [['Клієнти', 'Пошук клієнта'], ['Нове звернення', 'Пошук клієнта'],
        ['Експорт', 'Вибрати файл пакета'], ['Налаштування', 'Назва пристрою']]) {
        await nav.getByRole('link', { name: link }).click();
        await page.getByRole('heading', { level: 1, name: link }).waitFor();
        assert.equal(await nav.getByRole('link', { name: link }).getAttribute('aria-current'), 'page');
        await page.getByLabel(landmark).first().waitFor({ state: 'attached' });
        assert.equal(await page.getByText(/ще не працює|Готується/).count(), 0, `${link} must not say it is not ready`);
      }
      // The big button on Home leads to the intake screen too.
      await nav.getByRole('link', { name: 'Головна' }).click();
      await page.getByRole('link', { name: 'Почати нове звернення' }).click();
      await page.getByRole('heading', { level: 1, name: 'Нове звернення' }).waitFor();
      // The last screen is remembered across a restart of the app.
      await page.goto(app.page.url().split('#')[0]);
      await waitForStorage(page, { home: false });
      await page.getByRole('heading', { level: 1, name: 'Нове звернення' }).waitFor();
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('the status area shows network, storage, persistence and version', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      const status = page.getByRole('region', { name: 'Стан пристрою' });
      await status.getByText('Онлайн').waitFor();
      await page.getByTestId('status-storage').filter({ hasText: /Зайнято .+, вільно .+/ }).waitFor();
      assert.match(await page.getByTestId('status-persist').textContent(), /Дані (захищені від очищення|можуть бути очищені)/);
      const build = await page.getAttribute('meta[name="pryiom-build"]', 'content');
      assert.match(build, /^[0-9a-f]{16}$/);
      assert.equal(await page.getByTestId('status-version').textContent(), `Версія 0.1.0 · збірка ${build.slice(0, 8)}`);
      await context.setOffline(true);
      await status.getByText('Офлайн').waitFor();
      await context.setOffline(false);
      await status.getByText('Онлайн').waitFor();
    } finally {
      await app.close();
    }
  });

  test('the status chips keep their room while they fill in at start-up (nothing below them moves)', async () => {
    for (const viewport of [TABLET_PORTRAIT, TABLET_LANDSCAPE]) {
      const app = await openApp(env.browser, env.served, { viewport });
      try {
        const { page, context } = app;
        // From the first frame after a reload: every height the status area takes.
        await context.addInitScript(() => {
          window.__statusHeights = [];
          const tick = () => {
            const el = document.querySelector('.status');
            const last = document.querySelector('[data-testid=status-version]');
            if (el && last) {
              const r = last.getBoundingClientRect();
              const h = `${Math.round(el.getBoundingClientRect().height)} px high, the last chip at ${Math.round(r.left)},${Math.round(r.top)}`;
              if (window.__statusHeights.at(-1) !== h) window.__statusHeights.push(h);
            }
            if (performance.now() < 10000) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        await reload(page);
        await page.getByTestId('status-storage').filter({ hasText: /Зайнято .+, вільно .+/ }).waitFor();
        await page.getByTestId('status-persist').filter({ hasText: /Дані (захищені від очищення|можуть бути очищені)/ }).waitFor();
        await page.waitForTimeout(300);
        const heights = await page.evaluate(() => window.__statusHeights);
        assert.equal(heights.length, 1, `at ${viewport.width}×${viewport.height} the status area was ${heights.join(' → ')}`);
      } finally {
        await app.close();
      }
    }
  });

  for (const [label, viewport] of [['portrait', TABLET_PORTRAIT], ['landscape', TABLET_LANDSCAPE]]) {
    test(`accessible and touch-friendly at ${viewport.width}×${viewport.height} (${label})`, async () => {
      // bypassCSP only so the test can inject axe-core; the app itself runs under its policy in every other test.
      const app = await openApp(env.browser, env.served, { viewport, options: { bypassCSP: true }, gate: false });
      try {
        const { page } = app;
        const size = `${viewport.width}x${viewport.height}`;
        const check = async (name) => {
          await screenshot(page, `${name}-${size}`);
          const { violations, small, overflow } = await auditPage(page);
          assert.deepEqual(violations, [], `axe on ${name}`);
          assert.deepEqual(small, [], `touch targets under 44 px on ${name}`);
          assert.equal(overflow, false, `horizontal scroll on ${name}`);
        };
        // Data protection first: the set-up screen with a refused passphrase, then the recovery code.
        await page.getByRole('heading', { level: 1, name: 'Захист даних на цьому пристрої' }).waitFor();
        await page.getByLabel('Парольна фраза', { exact: true }).fill('коротка');
        await page.getByRole('button', { name: 'Далі' }).click();
        await page.getByText('Закоротко').waitFor();
        await check('setup');
        await waitForStorage(page);
        for (const [slug, heading] of [['home', 'Головна'], ['clients', 'Клієнти'], ['intake', 'Нове звернення'],
          ['export', 'Експорт'], ['settings', 'Налаштування'], ['directory', 'Партнерські організації']]) {
          await page.goto(`${env.served.url}#/${slug}`);
          await page.getByRole('heading', { level: 1, name: heading }).waitFor();
          if (slug === 'settings') await page.getByTestId('device-id').filter({ hasText: /-/ }).waitFor();
          await check(slug);
        }
        // The intake's steps, with their validation messages showing, and the client's page.
        await page.goto(`${env.served.url}#/intake`);
        await page.getByLabel('Пошук клієнта').fill('Шевченко');
        await page.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
        await check('intake-consent');
        await page.getByRole('radio', { name: 'Усно' }).check();
        await page.getByLabel('Хто отримав згоду').fill('Олена Коваль');
        await page.getByRole('button', { name: 'Згоду отримано — далі' }).click();
        await page.getByRole('button', { name: 'Зберегти картку' }).click();
        await page.getByText('Виправте позначені поля').first().waitFor();
        await check('intake-card');
        await page.getByRole('button', { name: 'Назад' }).click();
        await page.getByRole('button', { name: 'Назад' }).click();
        await registerClient(page, { surname: 'Шевченко', given: 'Олександр', birth: '12.03.1987', tax: '' }, { written: true });
        await check('client');
        // The БВПД checklist with a category, its documents and the income test showing a problem.
        await page.getByRole('link', { name: 'Перевірити право на БВПД' }).click();
        await page.getByLabel('Пошук категорії').fill('доходом');
        await page.getByRole('checkbox', { name: /п\. 1 ч\. 1 ст\. 14 —/ }).check();
        await page.getByLabel('Дохід за місяць 1, грн').fill('багато');
        await page.getByText('Введіть суму цифрами, наприклад 4 500,50.').waitFor();
        await check('checklist');
        // The lock screen, and its recovery form.
        await page.getByRole('button', { name: 'Заблокувати' }).click();
        await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor();
        await check('locked');
        await page.getByRole('button', { name: 'Забули парольну фразу?' }).click();
        await page.getByLabel('Код відновлення').waitFor();
        await check('recovery');
        assert.deepEqual(app.errors, []);
      } finally {
        await app.close();
      }
    });
  }
});
