// The waiting-room kiosk as visitors and staff meet it: set up from Settings, tickets taken in a few large steps (the
// name and phone sealed, never readable in IndexedDB), no staff screen reachable by hash, reload or back button,
// the number called shown on the welcome screen, everything typed cleared when the visitor walks away.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  PASSPHRASE, ROOT, TABLET_LANDSCAPE, downloads, TABLET_PORTRAIT, auditPage, dumpIdb, dumpPlain, openApp, readAllIdb,
  screenshot, setUpKiosk, sharedBrowserAndBuild, takeTicket, unlock,
} from './helpers.mjs';

/** A kiosk screen at both tablet sizes: a screenshot, axe, every target at least 64 px, no sideways scroll. */
async function checkScreen(page, name) {
  for (const [size, viewport] of [['800x1280', TABLET_PORTRAIT], ['1280x800', TABLET_LANDSCAPE]]) {
    await page.setViewportSize(viewport);
    await screenshot(page, `kiosk-${name}-${size}`);
    const { violations, small, overflow } = await auditPage(page, { min: 64, selector: '.kiosk a, .kiosk button, .kiosk input, .kiosk textarea' });
    assert.deepEqual(violations, [], `axe on ${name} at ${size}`);
    assert.deepEqual(small, [], `targets under 64 px on ${name} at ${size}`);
    assert.equal(overflow, false, `horizontal scroll on ${name} at ${size}`);
  }
  await page.setViewportSize(TABLET_PORTRAIT);
}

describe('waiting-room kiosk', () => {
  const env = sharedBrowserAndBuild();

  test('tickets are taken write-only, those who need help are called first, and no staff screen is reachable', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT, options: { bypassCSP: true } });
    try {
      const { page } = app;
      await setUpKiosk(page);
      assert.equal(await page.getByRole('navigation', { name: 'Розділи' }).count(), 0, 'no staff navigation');
      const check = (name) => checkScreen(page, name);
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
      assert.equal(await page.evaluate(() => document.fullscreenElement), null, 'staff screens are not full-screen');
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

      // A visitor halfway through when the tablet's renderer crashes: the kiosk comes back empty, and nothing they
      // typed was ever written anywhere.
      await kiosk.getByRole('button', { name: 'Отримати номерок' }).click();
      await kiosk.getByRole('button', { name: 'Житло' }).click();
      await kiosk.getByRole('button', { name: 'Далі' }).click();
      await kiosk.getByLabel('Ім’я').fill('Олег Сидорчук');
      await kiosk.getByLabel('Телефон').fill('050 777 88 99');
      const crashed = kiosk.waitForEvent('crash', { timeout: 10000 });
      await kiosk.goto('chrome://crash', { timeout: 5000 }).catch(() => {});
      await crashed;
      await kiosk.close().catch(() => {});
      const next = await context.newPage();
      await next.goto(env.served.url);
      await next.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      await next.getByRole('button', { name: 'Отримати номерок' }).click();
      await next.getByRole('button', { name: 'Житло' }).click();
      await next.getByRole('button', { name: 'Далі' }).click();
      assert.equal(await next.getByLabel('Ім’я').inputValue(), '');
      assert.equal(await next.getByLabel('Телефон').inputValue(), '');
      for (const dump of [await dumpIdb(next), await dumpPlain(next)]) {
        assert.ok(!dump.includes('Сидорчук') && !dump.includes('777 88') && !dump.includes('7778899'), 'nothing typed was kept');
      }
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('feedback is anonymous, sealed and counted by week; every screen reads aloud; a call chimes', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT, options: { bypassCSP: true } });
    try {
      const { page, context } = app;
      await setUpKiosk(page);
      // What the kiosk plays, and whether it played: no local voice on this machine (as on many Android tablets), so
      // "Listen" must play the recorded clip; a clip that fails to play would show an error, which is checked.
      await context.addInitScript(() => {
        window.__played = [];
        window.__spoken = 0;
        if (window.speechSynthesis) {
          speechSynthesis.getVoices = () => [];
          const speak = speechSynthesis.speak.bind(speechSynthesis);
          speechSynthesis.speak = (u) => { window.__spoken += 1; speak(u); };
        }
        const play = HTMLMediaElement.prototype.play;
        HTMLMediaElement.prototype.play = function () {
          window.__played.push({ path: new URL(this.src).pathname, el: this });
          return play.call(this);
        };
      });
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Вітаємо!' }).waitFor();
      const played = () => page.evaluate(() => window.__played.map((p) => p.path));
      const heard = async (path) => {
        await page.waitForFunction((p) => window.__played.some((x) => x.path === p), path);
        // Really playing (decoded and moving), not only asked to.
        await page.waitForFunction((p) => window.__played.filter((x) => x.path === p).some((x) => x.el.currentTime > 0 || x.el.ended), path);
      };
      const check = (name) => checkScreen(page, name);

      await page.getByRole('button', { name: 'Прослухати' }).click();
      await heard('/voice/uk/welcome.ogg');
      // From the first touch the kiosk fills the screen: no browser bar to leave by.
      await page.waitForFunction(() => document.fullscreenElement === document.documentElement);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: 'Listen' }).click();
      await heard('/voice/en/welcome.ogg');
      await page.getByRole('button', { name: 'Українська' }).click();

      // The ticket says what to have ready, from the rules file, and reads itself aloud.
      await takeTicket(page, { area: 'Житло' });
      const ready = await page.getByTestId('ticket-ready').getByRole('listitem').allTextContents();
      // "Житло" points to the category of compensation for destroyed property: its document, said as a condition.
      assert.deepEqual(ready, [
        'Документ, що посвідчує особу',
        'Якщо йдеться про «Відновлення в суді втрачених документів для компенсації за зруйноване майно»: Підтвердження заяви на компенсацію',
        'Папери щодо вашого питання: листи, рішення, договори, повістки',
      ]);
      await page.getByRole('button', { name: 'Прослухати' }).click();
      await heard('/voice/uk/ticket.ogg');
      await page.getByRole('button', { name: 'Готово' }).click();

      // Feedback: one question per screen, faces from "not at all" to "yes, fully", a question skipped, back to
      // change an answer, a comment that names a worker (sealed).
      await page.getByRole('button', { name: 'Залишити відгук' }).click();
      await page.getByRole('heading', { level: 1, name: 'Чи зрозуміло вам пояснили?' }).waitFor();
      await page.getByText('Питання 1 з 5').waitFor();
      await check('feedback-question');
      await page.getByRole('button', { name: 'Прослухати' }).click();
      await heard('/voice/uk/q-clear.ogg');
      await page.getByRole('button', { name: 'Так, цілком' }).click();
      await page.getByRole('heading', { level: 1, name: 'Чи були працівники ввічливими й уважними?' }).waitFor();
      await page.getByRole('button', { name: 'Скоріше так' }).click();
      await page.getByRole('heading', { level: 1, name: 'Чи прийнятним був час очікування?' }).waitFor();
      await page.getByRole('button', { name: 'Пропустити' }).click();
      await page.getByRole('heading', { level: 1, name: /Чи вирішили ваше питання/ }).waitFor();
      await page.getByRole('button', { name: 'Скоріше ні' }).click();
      await page.getByRole('heading', { level: 1, name: 'Чи порадили б ви нас знайомим?' }).waitFor();
      await page.getByRole('button', { name: 'Назад' }).click();
      assert.equal(await page.getByRole('button', { name: 'Скоріше ні' }).getAttribute('aria-pressed'), 'true');
      await page.getByRole('button', { name: 'Так, цілком' }).click();
      await page.getByRole('button', { name: 'Скоріше ні' }).click();
      await page.getByRole('heading', { level: 1, name: 'Хочете щось додати?' }).waitFor();
      const comment = page.getByLabel('Ваш коментар');
      assert.equal(await comment.getAttribute('autocomplete'), 'off');
      assert.equal(await comment.getAttribute('spellcheck'), 'false');
      await comment.fill('Дякую пані Олені Гнатюк за терпіння');
      await check('feedback-comment');
      await page.getByRole('button', { name: 'Надіслати відгук' }).click();
      await page.getByRole('heading', { level: 1, name: 'Дякуємо за відгук!' }).waitFor();
      await check('feedback-thanks');
      assert.ok(!(await page.content()).includes('Гнатюк'), 'the comment is gone from the page');
      await page.getByRole('button', { name: 'Готово' }).click();

      // Nothing answered and nothing written: a clear message, nothing recorded.
      await page.getByRole('button', { name: 'Залишити відгук' }).click();
      for (let i = 0; i < 5; i += 1) await page.getByRole('button', { name: 'Пропустити' }).click();
      await page.getByRole('button', { name: 'Надіслати відгук' }).click();
      await page.getByText('Ви не відповіли на жодне питання').waitFor();
      await page.getByRole('button', { name: 'Почати спочатку' }).click();

      const feedback = (await readAllIdb(page, 'feedback')).map((r) => JSON.parse(r.payload));
      assert.equal(feedback.length, 1);
      assert.deepEqual(feedback[0].answers, [['clear', 5], ['polite', 4], ['resolved', 5], ['recommend', 2]]);
      assert.ok(Buffer.from(feedback[0].comment, 'base64').toString('latin1').startsWith('age-encryption.org/v1'));
      assert.equal(Object.keys(feedback[0]).sort().join(), 'answers,comment,day,id', 'no ticket, no client, no time of day');
      for (const dump of [await dumpIdb(page), await dumpPlain(page)]) assert.ok(!dump.includes('Гнатюк'), 'the comment is sealed');
      assert.equal(await page.evaluate(() => window.__spoken), 0, 'no voice used where none is installed');

      // Staff in another tab call the visitor: the kiosk chimes and shows the call. Their results show the week.
      const staff = await context.newPage();
      await staff.goto(env.served.url);
      await staff.getByRole('button', { name: 'Для працівників' }).click();
      await unlock(staff, { passphrase: PASSPHRASE });
      await staff.locator('main[data-gate="Open"]').waitFor();
      await staff.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Головна' }).click();
      await staff.getByRole('link', { name: 'Черга кіоску' }).click();
      await staff.getByRole('button', { name: 'Викликати наступного' }).click();
      await staff.getByTestId('queue-called').filter({ hasText: 'Запрошуємо А-001 — кабінет 1' }).waitFor();
      await page.getByTestId('now-calling').filter({ hasText: 'Запрошуємо А-001 — кабінет 1' }).waitFor();
      await heard('/voice/chime.ogg');
      assert.equal((await played()).filter((p) => p === '/voice/chime.ogg').length, 1, 'one chime for one call');
      const weeks = staff.getByTestId('feedback-weeks');
      await weeks.waitFor();
      const row = (await weeks.getByRole('row').nth(1).allTextContents())[0];
      assert.match(row, /1\s*5,0 \(1\)\s*4,0 \(1\)\s*—\s*5,0 \(1\)\s*2,0 \(1\)/);
      await staff.getByTestId('feedback-comments').filter({ hasText: 'Дякую пані Олені Гнатюк за терпіння' }).waitFor();
      await screenshot(staff, 'kiosk-staff-feedback');

      // The kiosk's day leaves in a batch like any other records: the ticket and the feedback, what visitors gave
      // still sealed; the JSON Schema and Python's csv module read it.
      await staff.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Експорт' }).click();
      await staff.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const [batch] = await downloads(staff, () => staff.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click());
      const file = JSON.parse(batch.text);
      assert.equal(file.manifest.counts.tickets, 1);
      assert.equal(file.manifest.counts.feedback, 1);
      assert.ok(!batch.text.includes('Гнатюк'), 'the comment stays sealed in the batch');
      const kinds = file.records.map((r) => r.type);
      assert.ok(kinds.includes('ticket') && kinds.includes('feedback'));
      const tables = await downloads(staff, () => staff.getByTestId('batch').getByRole('button', { name: /Таблиці CSV/ }).click(), 6);
      const out = execFileSync(process.env.PRYIOM_PYTHON || 'python3', [join(ROOT, 'tests/support/check_batch.py'), batch.path,
        join(ROOT, 'schema/pryiom-batch-1.schema.json'), ...tables.map((t) => t.path)], { encoding: 'utf8' });
      assert.match(out, /tickets\.csv: 1 rows read/);
      assert.match(out, /feedbacks\.csv: 1 rows read/);
      await page.getByRole('alert').filter({ hasText: 'Звук' }).count().then((n) => assert.equal(n, 0, 'every clip played'));
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
