// Correcting what was recorded: a card's phone and address edited with a history of changes that survives a
// reload and a crash, and two tabs editing one card, where the later save is refused with the newer values shown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dumpPlain, openApp, readAllIdb, registerClient, reload, screenshot, sharedBrowserAndBuild, waitForStorage,
} from './helpers.mjs';

const CLIENT = {
  surname: 'Литвиненко', given: 'Олена', birth: '14.02.1971', phone: '067 555 12 34', tax: '',
  address: 'с. Бородянка, вул. Центральна, 5',
};

async function clients(page) {
  return (await readAllIdb(page, 'clients')).map((r) => ({ rev: r.rev, ...JSON.parse(r.payload) }));
}

describe('correcting records', () => {
  const env = sharedBrowserAndBuild();

  test('a card corrected: phone and address, autosaved through a reload, saved with a history of changes', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const id = await registerClient(page, CLIENT);
      await page.getByRole('link', { name: 'Редагувати картку' }).click();
      await page.getByRole('heading', { level: 1, name: 'Виправлення картки' }).waitFor();
      assert.equal(await page.getByLabel('Прізвище').inputValue(), 'Литвиненко');
      assert.equal(await page.getByLabel('Телефони').inputValue(), '+380675551234');
      // Nothing changed yet: saving says so and writes nothing.
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      await page.getByText('Нічого не змінено.').waitFor();
      assert.equal((await clients(page))[0].rev, 1);

      await page.getByLabel('Телефони').fill('050 765 43 21');
      await page.getByLabel('Адреса проживання').fill('м. Ірпінь, вул. Садова, 7');
      // The same rules as at registration.
      await page.getByLabel('Дата народження').fill('31.02.1971');
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      await page.getByText('Такої дати немає. Напишіть як дд.мм.рррр.').waitFor();
      await page.getByLabel('Дата народження').fill('14.02.1971');
      // Typed, then the tab is reloaded (a crash): the correction comes back as typed.
      await page.getByTestId('edit-draft-status').filter({ hasText: /Чернетку збережено о/ }).waitFor();
      await reload(page);
      await page.getByTestId('edit-resumed').waitFor();
      assert.equal(await page.getByLabel('Телефони').inputValue(), '050 765 43 21');
      assert.equal(await page.getByLabel('Адреса проживання').inputValue(), 'м. Ірпінь, вул. Садова, 7');
      await screenshot(page, 'edit-card');
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      await page.getByRole('status').filter({ hasText: 'Зміни картки збережено.' }).waitFor();
      assert.equal(new URL(page.url()).hash, `#/client/${id}`);

      const changes = page.getByTestId('card-changes');
      await changes.getByText('Телефони: +380675551234 → +380507654321').waitFor();
      await changes.getByText('Адреса проживання: с. Бородянка, вул. Центральна, 5 → м. Ірпінь, вул. Садова, 7').waitFor();
      assert.match(await changes.textContent(), /\d\d\.\d\d\.\d{4} \d\d:\d\d(:\d\d)? · Олена Коваль/);
      const [card] = await clients(page);
      assert.equal(card.rev, 2, 'one new revision');
      assert.deepEqual(card.personal.phones, ['+380507654321']);
      assert.deepEqual(card.history.map((h) => h.fields.map((f) => f.field)), [['phones', 'address']]);
      const drafts = (await readAllIdb(page, 'drafts')).map((r) => r.id);
      assert.ok(!drafts.some((d) => d.startsWith('card-edit-')), `the correction draft is gone: ${drafts}`);

      // Kept over a reload; the search finds the new phone.
      await reload(page);
      await page.getByTestId('card-changes').getByText('Телефони: +380675551234 → +380507654321').waitFor();
      await screenshot(page, 'client-changes');

      // Consent withdrawn: the history keeps what changed and when, never the values, in any store.
      await page.getByRole('link', { name: 'Редагувати картку' }).click();
      await page.getByLabel('Електронна пошта').fill('olena.l@example.org');
      await page.getByTestId('edit-draft-status').filter({ hasText: /Чернетку збережено о/ }).waitFor();
      await page.goto(`${env.served.url}#/client/${id}`);
      await page.getByRole('button', { name: 'Відкликати згоду' }).click();
      await page.getByRole('button', { name: 'Так, видалити персональні дані' }).click();
      await page.getByTestId('consent-withdrawn').waitFor();
      const everything = await dumpPlain(page);
      for (const value of ['Литвиненко', '675551234', '507654321', 'Бородянка', 'Ірпінь', 'olena.l']) {
        assert.ok(!everything.includes(value), `"${value}" is still stored somewhere`);
      }
      const [gone] = await clients(page);
      assert.deepEqual(gone.history[0].fields, [
        { field: 'phones', from: '', to: '' }, { field: 'address', from: '', to: '' },
      ]);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('two tabs correct one card: the later save is refused with the newer values, and both changes are kept', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      const id = await registerClient(page, { ...CLIENT, surname: 'Гнатюк', given: 'Ірина' });
      await page.goto(`${env.served.url}#/edit-card/${id}`);
      await page.getByRole('heading', { level: 1, name: 'Виправлення картки' }).waitFor();
      await page.getByRole('button', { name: 'Зберегти зміни' }).and(page.locator(':enabled')).waitFor();

      // Another tab corrects the phone and saves first.
      const other = await context.newPage();
      await other.goto(`${env.served.url}#/edit-card/${id}`);
      await waitForStorage(other, { home: false });
      await other.getByRole('heading', { level: 1, name: 'Виправлення картки' }).waitFor();
      await other.getByLabel('Телефони').fill('063 111 22 33');
      await other.getByRole('button', { name: 'Зберегти зміни' }).click();
      await other.getByRole('status').filter({ hasText: 'Зміни картки збережено.' }).waitFor();

      // This tab still shows the card as it was, and corrects the address: refused, the newer phone shown.
      await page.getByLabel('Адреса проживання').fill('м. Буча, вул. Вокзальна, 12');
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      const conflict = page.getByTestId('edit-conflict');
      await conflict.getByText('Картку тим часом змінено в іншій вкладці або іншим працівником').waitFor();
      await conflict.getByText('Телефони: +380675551234 → +380631112233').waitFor();
      let [card] = await clients(page);
      assert.deepEqual([card.rev, card.personal.address], [2, CLIENT.address], 'nothing written over the newer card');
      assert.equal(await page.getByLabel('Адреса проживання').inputValue(), 'м. Буча, вул. Вокзальна, 12', 'nothing typed lost');

      // The worker's change goes onto the newer card: both are kept.
      await conflict.getByRole('button', { name: 'Перенести мої зміни на новішу картку' }).click();
      assert.equal(await page.getByLabel('Телефони').inputValue(), '+380631112233');
      assert.equal(await page.getByLabel('Адреса проживання').inputValue(), 'м. Буча, вул. Вокзальна, 12');
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      await page.getByRole('status').filter({ hasText: 'Зміни картки збережено.' }).waitFor();
      [card] = await clients(page);
      assert.equal(card.rev, 3);
      assert.deepEqual([card.personal.phones, card.personal.address], [['+380631112233'], 'м. Буча, вул. Вокзальна, 12']);
      assert.deepEqual(card.history.map((h) => h.fields.map((f) => f.field)), [['phones'], ['address']]);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
  test('a withdrawal in a tab opened earlier erases the appeal another tab added since', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      const id = await registerClient(page, { ...CLIENT, surname: 'Бойко', given: 'Марта' });
      // Another tab adds a second appeal; this tab does not know it.
      const other = await context.newPage();
      await other.goto(`${env.served.url}#/client/${id}`);
      await waitForStorage(other, { home: false });
      await other.getByRole('button', { name: 'Нове звернення' }).click();
      await other.getByRole('heading', { name: 'Звернення', exact: true }).waitFor();
      await other.getByLabel('Як звернувся').selectOption('office');
      await other.getByLabel('Сфера питання').selectOption('сімейні питання');
      await other.getByLabel('Суть звернення').fill('Аліменти на дитину, батько ухиляється');
      await other.getByRole('radio', { name: 'Консультація та роз’яснення' }).check();
      await other.getByRole('button', { name: 'Зберегти звернення' }).click();
      await other.getByRole('status').filter({ hasText: 'Звернення збережено на пристрої.' }).waitFor();

      await page.bringToFront();
      await page.getByRole('button', { name: 'Відкликати згоду' }).click();
      const preview = page.getByTestId('erasure-preview');
      await preview.getByText(/2 звернення — суть і результат/).waitFor();
      await page.getByRole('button', { name: 'Так, видалити персональні дані' }).click();
      await page.getByTestId('consent-withdrawn').waitFor();
      const everything = await dumpPlain(page);
      for (const value of ['Бойко', 'Аліменти на дитину', 'Зруйновано будинок']) {
        assert.ok(!everything.includes(value), `"${value}" is still stored somewhere`);
      }
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
