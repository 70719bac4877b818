// The waiting-room kiosk as visitors and staff meet it: set up from Settings, tickets taken in a few large steps (the
// name and phone sealed, never readable in IndexedDB), no staff screen reachable by hash, reload or back button,
// the number called shown on the welcome screen, everything typed cleared when the visitor walks away.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSPHRASE, TABLET_LANDSCAPE, TABLET_PORTRAIT, auditPage, dumpIdb, dumpPlain, openApp, readAllIdb,
  screenshot, sharedBrowserAndBuild, unlock,
} from './helpers.mjs';

/** Settings → kiosk mode, turned on; then the lock button: the device shows the kiosk. */
async function setUpKiosk(page) {
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
async function takeTicket(page, { area = 'Житло', needs = [], name = '', phone = '', before = 'Ні' } = {}) {
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

describe('waiting-room kiosk', () => {
  const env = sharedBrowserAndBuild();

  test('tickets are taken write-only, those who need help are called first, and no staff screen is reachable', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT, options: { bypassCSP: true } });
    try {
      const { page } = app;
      await setUpKiosk(page);
      assert.equal(await page.getByRole('navigation', { name: 'Розділи' }).count(), 0, 'no staff navigation');
      const check = async (name) => {
        for (const [size, viewport] of [['800x1280', TABLET_PORTRAIT], ['1280x800', TABLET_LANDSCAPE]]) {
          await page.setViewportSize(viewport);
          await screenshot(page, `kiosk-${name}-${size}`);
          const { violations, small, overflow } = await auditPage(page, { min: 64, selector: '.kiosk a, .kiosk button, .kiosk input' });
          assert.deepEqual(violations, [], `axe on ${name} at ${size}`);
          assert.deepEqual(small, [], `targets under 64 px on ${name} at ${size}`);
          assert.equal(overflow, false, `horizontal scroll on ${name} at ${size}`);
        }
        await page.setViewportSize(TABLET_PORTRAIT);
      };
      await check('welcome');

      // The first visitor gives a name and phone; each step is checked as a visitor meets it.
      await page.getByRole('button', { name: 'Отримати номерок' }).click();
      await page.getByRole('heading', { level: 1, name: 'Про що ваше питання?' }).waitFor();
      await check('area');
      await page.getByRole('button', { name: 'Житло' }).click();
      await page.getByRole('heading', { level: 1, name: 'Чи потрібна вам допомога?' }).waitFor();
      await check('help');
      await page.getByRole('button', { name: 'Далі' }).click();
      await page.getByLabel('Ім’я').fill('Ганна Марченко');
      await page.getByLabel('Телефон').fill('12');
      await page.getByRole('button', { name: 'Далі' }).click();
      await page.getByText('Перевірте номер телефону').waitFor();
      assert.equal(await page.getByLabel('Ім’я').getAttribute('autocomplete'), 'off');
      await check('contact');
      await page.getByLabel('Телефон').fill('067 555 12 34');
      await page.getByRole('button', { name: 'Далі' }).click();
      await page.getByRole('heading', { level: 1, name: 'Ви вже зверталися до нас раніше?' }).waitFor();
      await page.getByRole('button', { name: 'Ні', exact: true }).click();
      assert.equal((await page.getByTestId('ticket-number').textContent()).trim(), 'А-001');
      await page.getByTestId('ticket-wait').waitFor();
      await check('ticket');
      await page.getByRole('button', { name: 'Готово' }).click();
      await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();

      // Two more: one with a court date within days (served first), one plain.
      assert.equal(await takeTicket(page, { needs: ['Суд уже за кілька днів'], before: 'Так' }), 'А-002');
      await page.getByText('Вас покличуть без черги.').waitFor();
      await page.getByRole('button', { name: 'Готово' }).click();
      assert.equal(await takeTicket(page, { area: 'Пенсії та соціальні виплати' }), 'А-003');
      await page.getByRole('button', { name: 'Готово' }).click();

      // Stored: numbers, areas, priority readable for the queue; the name and phone sealed (age), nowhere readable.
      const tickets = (await readAllIdb(page, 'tickets')).map((r) => JSON.parse(r.payload)).sort((a, b) => a.number - b.number);
      assert.deepEqual(tickets.map((t) => [t.number, t.area, t.needs ?? [], t.state.is]), [
        [1, 'Житло', [], 'waiting'], [2, 'Житло', ['court_soon'], 'waiting'], [3, 'Пенсії та соціальні виплати', [], 'waiting'],
      ]);
      assert.ok(Buffer.from(tickets[0].visitor, 'base64').toString('latin1').startsWith('age-encryption.org/v1'));
      for (const dump of [await dumpIdb(page), await dumpPlain(page)]) {
        assert.ok(!dump.includes('Марченко') && !dump.includes('5551234') && !dump.includes('555 12 34'), 'no visitor data in clear');
      }
      assert.ok(!(await page.content()).includes('Марченко'), 'nothing of the first visitor on the page');

      // Staff unlock ("for staff"), open today's queue: the visitor who needs help first, then in order; the name and
      // phone opened for staff only. They call the next visitor to room 2; locking, the kiosk shows the call.
      await page.getByRole('button', { name: 'Для працівників' }).click();
      await unlock(page, { passphrase: PASSPHRASE });
      await page.locator('main[data-gate="Open"]').waitFor();
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Головна' }).click();
      await page.getByRole('link', { name: 'Черга кіоску' }).click();
      const waiting = page.getByTestId('queue-waiting').getByRole('listitem');
      await waiting.first().waitFor();
      const order = (await waiting.allTextContents()).map((t) => t.match(/А-\d{3}/)[0]);
      assert.deepEqual(order, ['А-002', 'А-001', 'А-003']);
      assert.match(await waiting.nth(0).textContent(), /Без черги.*Суд уже за кілька днів/);
      assert.match(await waiting.nth(1).textContent(), /Ганна Марченко, \+380675551234/);
      await page.getByLabel('Кабінет або вікно').selectOption('кабінет 2');
      await page.getByRole('button', { name: 'Викликати наступного' }).click();
      await page.getByTestId('queue-called').filter({ hasText: 'Запрошуємо А-002 — кабінет 2' }).waitFor();
      await screenshot(page, 'kiosk-staff-queue');
      // A ticket opened into an intake: search first, with the name the visitor gave; the appeal came by the kiosk.
      await page.getByRole('button', { name: 'Почати звернення: А-001' }).click();
      await page.getByRole('heading', { level: 1, name: 'Нове звернення' }).waitFor();
      assert.equal(await page.getByLabel('Пошук клієнта').inputValue(), 'Ганна Марченко');
      await page.getByRole('button', { name: 'Заблокувати' }).click();
      await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      await page.getByTestId('now-calling').filter({ hasText: 'Запрошуємо А-002 — кабінет 2' }).waitFor();
      await check('welcome-calling');
      assert.ok(!(await page.content()).includes('Марченко'), 'nothing a worker saw stays on the kiosk');

      // No staff screen by URL, reload or back: the kiosk stays.
      for (const hash of ['#/clients', '#/settings', '#/client/00000000-0000-4000-8000-000000000001']) {
        await page.goto(`${env.served.url}${hash}`);
        await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
        assert.equal(await page.getByRole('navigation', { name: 'Розділи' }).count(), 0);
      }
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      await page.goBack().catch(() => {});
      await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();

      // "For staff" opens only the unlock form, which goes back to the kiosk; a worker's passphrase opens the app.
      await page.getByRole('button', { name: 'Для працівників' }).click();
      await page.getByRole('button', { name: 'Назад до кіоску' }).click();
      await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      await page.getByRole('button', { name: 'Для працівників' }).click();
      await unlock(page, { passphrase: PASSPHRASE });
      await page.locator('main[data-gate="Open"]').waitFor();
      // Kiosk mode off: a reload then asks for the passphrase, as on any staff tablet.
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Налаштування' }).click();
      await page.getByRole('button', { name: 'Вимкнути режим кіоску' }).click();
      await page.getByTestId('kiosk-status').filter({ hasText: 'Режим кіоску вимкнено.' }).waitFor();
      const trail = (await readAllIdb(page, 'audit')).map((r) => JSON.parse(r.payload))
        .filter((e) => e.action.startsWith('kiosk_')).sort((a, b) => a.at.localeCompare(b.at));
      assert.deepEqual(trail.map((e) => [e.action, e.worker]), [['kiosk_on', 'Олена Коваль'], ['kiosk_off', 'Олена Коваль']]);
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a visitor who walks away: asked after a minute, then everything typed is cleared', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await setUpKiosk(page);
      // The same kiosk in a page whose clock the test moves.
      const kiosk = await context.newPage();
      await kiosk.clock.install();
      await kiosk.goto(env.served.url);
      await kiosk.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      await kiosk.getByRole('button', { name: 'Отримати номерок' }).click();
      await kiosk.getByRole('button', { name: 'Сімейні справи' }).click();
      await kiosk.getByRole('button', { name: 'Погано чую' }).click();
      await kiosk.getByRole('button', { name: 'Далі' }).click();
      await kiosk.getByLabel('Ім’я').fill('Петро Іваненко');
      await kiosk.clock.fastForward('01:01');
      const dialog = kiosk.getByRole('alertdialog', { name: 'Ви ще тут?' });
      await dialog.waitFor();
      await screenshot(kiosk, 'kiosk-still-here');
      // A touch keeps the visitor's place.
      await dialog.getByRole('button', { name: 'Так, я тут' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await kiosk.getByLabel('Ім’я').inputValue(), 'Петро Іваненко');
      // Gone for good: cleared, back to the welcome screen, nothing of it left.
      await kiosk.clock.fastForward('01:20');
      await kiosk.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      assert.ok(!(await kiosk.content()).includes('Іваненко'));
      await kiosk.getByRole('button', { name: 'Отримати номерок' }).click();
      await kiosk.getByRole('button', { name: 'Сімейні справи' }).click();
      assert.equal(await kiosk.getByRole('button', { name: 'Погано чую' }).getAttribute('aria-pressed'), 'false');
      await kiosk.getByRole('button', { name: 'Далі' }).click();
      assert.equal(await kiosk.getByLabel('Ім’я').inputValue(), '', 'the next visitor starts empty');
      assert.equal((await readAllIdb(kiosk, 'tickets')).length, 0, 'nothing was issued');
      // A visitor who chose English and walked away: the next one is greeted in Ukrainian again.
      await kiosk.getByRole('button', { name: 'Почати спочатку' }).click();
      await kiosk.getByRole('button', { name: 'English' }).click();
      await kiosk.getByRole('heading', { level: 1, name: 'Welcome!' }).waitFor();
      await kiosk.getByRole('button', { name: 'Get a queue number' }).click();
      await kiosk.getByRole('heading', { level: 1, name: 'What is your question about?' }).waitFor();
      await kiosk.clock.fastForward('01:20');
      await kiosk.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
