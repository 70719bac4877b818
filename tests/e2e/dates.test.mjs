// Dates follow the app's language, not the browser's: in an English-locale browser a worker still types дд.мм.рррр,
// and picks a date from the calendar beside each field by touch or by keyboard.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TABLET_PORTRAIT, openApp, readAllIdb, registerClient, screenshot, sharedBrowserAndBuild,
} from './helpers.mjs';

/** No field anywhere on the page leaves the date to the browser's locale. */
async function noNativeDateInputs(page) {
  const native = await page.evaluate(() => document.querySelectorAll(
    'input[type=date], input[type=datetime-local], input[type=month], input[type=time]').length);
  assert.equal(native, 0, 'a native date input follows the browser locale');
}

/** The calendar button of the field labelled `label`. */
function calendarOf(page, label) {
  return page.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) }).getByRole('button', { name: 'Календар' });
}

describe('dates', () => {
  const env = sharedBrowserAndBuild();

  test('dates typed as дд.мм.рррр in an English-locale browser, picked from a calendar by touch and by keyboard', async () => {
    const app = await openApp(env.browser, env.served, {
      viewport: TABLET_PORTRAIT, options: { locale: 'en-US', hasTouch: true },
    });
    try {
      const { page } = app;
      assert.equal(await page.evaluate(() => navigator.language), 'en-US');
      assert.equal(await page.evaluate(() => new Date(2025, 11, 31).toLocaleDateString()), '12/31/2025',
        'the browser itself writes dates the American way');
      // A card and an appeal typed in from paper: the date and time as a Ukrainian writes them.
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await noNativeDateInputs(page);
      const id = await registerClient(page, {
        surname: 'Мельник', given: 'Ірина', birth: '12.03.1987', tax: '', address: 'с. Бородянка',
      }, { receivedAt: '31.12.2025 10:05' });
      assert.ok(id);
      const [appeal] = (await readAllIdb(page, 'appeals')).map((r) => JSON.parse(r.payload));
      assert.equal(appeal.received_at, '2025-12-31T10:05');
      const [client] = (await readAllIdb(page, 'clients')).map((r) => JSON.parse(r.payload));
      assert.equal(client.personal.birth_date, '1987-03-12');

      // The clients list, filtered by dates picked from the calendar with a finger.
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Клієнти' }).click();
      await noNativeDateInputs(page);
      const appeals = page.getByTestId('appeal-list');
      await appeals.getByRole('link').first().waitFor();
      await calendarOf(page, 'Від дати').tap();
      const calendar = page.getByRole('dialog', { name: 'Оберіть дату' });
      await calendar.waitFor();
      const days = await calendar.getByRole('button', { name: /^\d+ [а-яієї]+ \d{4}$/ }).all();
      assert.ok(days.length >= 28, 'a whole month of days');
      // Each day is a touch target.
      const box = await days[0].boundingBox();
      assert.ok(box.width >= 44 && box.height >= 44, `a day is ${box.width}×${box.height}`);
      await calendar.getByRole('combobox', { name: 'Рік' }).selectOption('2025');
      await calendar.getByRole('combobox', { name: 'Місяць' }).selectOption({ label: 'Грудень' });
      await calendar.getByRole('grid', { name: 'Грудень 2025' }).waitFor();
      await screenshot(page, 'calendar-800x1280');
      await calendar.getByRole('button', { name: '31 грудня 2025', exact: true }).tap();
      await calendar.waitFor({ state: 'detached' });
      assert.equal(await page.getByLabel('Від дати', { exact: true }).inputValue(), '31.12.2025');
      assert.equal(await appeals.getByRole('link').count(), 1, 'the appeal of 31.12.2025 is from that day');
      // The month before, one arrow away: the day after it ends the range before the appeal.
      await calendarOf(page, 'До дати').tap();
      await calendar.getByRole('grid', { name: /2026$/ }).waitFor();
      await calendar.getByRole('combobox', { name: 'Рік' }).selectOption('2025');
      await calendar.getByRole('combobox', { name: 'Місяць' }).selectOption({ label: 'Січень' });
      await calendar.getByRole('button', { name: 'Попередній місяць' }).tap();
      await calendar.getByRole('grid', { name: 'Грудень 2024' }).waitFor();
      await calendar.getByRole('button', { name: 'Наступний місяць' }).tap();
      await calendar.getByRole('button', { name: 'Наступний місяць' }).tap();
      await calendar.getByRole('grid', { name: 'Лютий 2025' }).waitFor();
      await calendar.getByRole('button', { name: '3 лютого 2025', exact: true }).tap();
      assert.equal(await page.getByLabel('До дати', { exact: true }).inputValue(), '03.02.2025');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 0);
      // A date that does not exist says so when the field is left, and filters nothing.
      const to = page.getByLabel('До дати', { exact: true });
      await to.fill('31.02.2026');
      await to.blur();
      await page.locator('#filter-to-problem').getByText('Такої дати немає. Напишіть як дд.мм.рррр.').waitFor();
      await appeals.getByRole('link').first().waitFor();
      await to.fill('');
      assert.equal(await page.locator('#filter-to-problem').textContent(), '');

      // The checklist's date by keyboard: the calendar opens on the date held, arrows move, Enter picks, Escape
      // closes and gives focus back to the button.
      await page.goto(`${env.served.url}#/client/${id}`);
      await page.getByRole('link', { name: 'Перевірити право на БВПД' }).click();
      await noNativeDateInputs(page);
      assert.equal(await page.getByLabel('Дата перевірки').inputValue(), '31.12.2025');
      const open = calendarOf(page, 'Дата перевірки');
      await open.focus();
      await page.keyboard.press('Enter');
      await calendar.waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === '31 грудня 2025');
      assert.equal(await calendar.getByRole('button', { name: '31 грудня 2025', exact: true }).getAttribute('aria-pressed'), 'true');
      await page.keyboard.press('ArrowRight');
      await calendar.getByRole('grid', { name: 'Січень 2026' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === '1 січня 2026');
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === '8 січня 2026');
      await page.keyboard.press('Enter');
      await calendar.waitFor({ state: 'detached' });
      assert.equal(await page.getByLabel('Дата перевірки').inputValue(), '08.01.2026');
      await page.getByTestId('date-differs').getByText(/Перевірка на 08\.01\.2026, а звернення від 31\.12\.2025\./).waitFor();
      await open.click();
      await calendar.waitFor();
      await page.keyboard.press('Escape');
      await calendar.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Календар');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'elig-date-cal-open');
      assert.deepEqual(app.errors, []);
      assert.deepEqual(app.foreign, []);
    } finally {
      await app.close();
    }
  });
});
