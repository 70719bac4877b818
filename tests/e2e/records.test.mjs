// Correcting what was recorded: a card's phone and address edited with a history of changes that survives a
// reload and a crash, and two tabs editing one card, where the later save is refused with the newer values shown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARTIFACTS, ROOT, TABLET_PORTRAIT, dumpPlain, openApp, readAllIdb, registerClient, reload, screenshot,
  sharedBrowserAndBuild, waitForStorage,
} from './helpers.mjs';

const PYTHON = process.env.PRYIOM_PYTHON || 'python3';

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

  test('two cards of one person merged from the client page: appeals together, the tombstone in the next batch', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT });
    try {
      const { page } = app;
      await waitForStorage(page);
      const first = await registerClient(page, { ...CLIENT, surname: 'Мельничук', given: 'Ганна', phone: '067 555 12 34' },
        { account: 'Борг за оренду житла' });
      // The same person registered again (another phone and address): the worker wrongly says it is someone else.
      await registerClient(page, { ...CLIENT, surname: 'Мельничук', given: 'Ганна', phone: '050 111 22 33',
        address: 'м. Ірпінь, вул. Садова, 7', expectDuplicate: true });
      await page.getByTestId('duplicate-warning').getByRole('button', { name: 'Це інша людина — зберегти нову картку' }).click();
      await page.getByRole('heading', { name: 'Звернення', exact: true }).waitFor();
      await page.getByLabel('Як звернувся').selectOption('office');
      await page.getByLabel('Сфера питання').selectOption('сімейні питання');
      await page.getByLabel('Суть звернення').fill('Аліменти на дитину');
      await page.getByRole('radio', { name: 'Консультація та роз’яснення' }).check();
      await page.getByRole('button', { name: 'Зберегти звернення' }).click();
      await page.getByRole('status').filter({ hasText: 'Звернення збережено на пристрої.' }).waitFor();
      const second = new URL(page.url()).hash.replace('#/client/', '');
      assert.notEqual(first, second);

      // The second card's page shows the first as similar; merge it into this one.
      const similar = page.getByTestId('similar-cards');
      await similar.getByText('Мельничук Ганна').waitFor();
      await similar.getByRole('link', { name: 'Об’єднати з цією карткою' }).click();
      await page.getByRole('heading', { level: 1, name: 'Об’єднання карток' }).waitFor();
      assert.equal(new URL(page.url()).hash, `#/merge/${second}/${first}`);
      assert.match(await page.getByTestId('merge-moves').textContent(), /1 звернення, 0 перевірок БВПД/);
      // Where the cards differ, a choice; the address of card 1 stays, the phone of card 2 is taken.
      const phones = page.getByRole('group', { name: 'Телефони' });
      assert.ok(await phones.getByRole('radio', { name: /1: \+380501112233/ }).isChecked());
      await phones.getByRole('radio', { name: /2: \+380675551234/ }).check();
      assert.ok(await page.getByRole('group', { name: 'Адреса' }).getByRole('radio', { name: /1: м\. Ірпінь/ }).isChecked());
      assert.equal(await page.getByRole('group', { name: 'Дата народження' }).count(), 0, 'the same on both: no choice');
      await screenshot(page, 'merge-800x1280');
      await page.getByRole('button', { name: 'Об’єднати картки' }).click();
      await page.getByRole('status').filter({ hasText: 'Картки об’єднано.' }).waitFor();
      assert.equal(new URL(page.url()).hash, `#/client/${second}`);
      // Both appeals on the card kept; the history says what the merge took.
      await page.getByText('Борг за оренду житла').waitFor();
      await page.getByText('Аліменти на дитину').waitFor();
      const changes = page.getByTestId('card-changes');
      await changes.getByText('Об’єднано з іншою карткою').waitFor();
      await changes.getByText('Телефони: +380501112233 → +380675551234').waitFor();
      assert.equal(await page.getByTestId('similar-cards').count(), 0, 'no similar card left');

      // In IndexedDB: the merged card is a tombstone with nothing personal; every appeal names the card kept.
      const stored = (await readAllIdb(page, 'clients')).map((r) => ({ rev: r.rev, ...JSON.parse(r.payload) }));
      const tomb = stored.find((c) => c.id === first);
      assert.equal(tomb.personal, null);
      assert.equal(tomb.merged_into.id, second);
      const appeals = (await readAllIdb(page, 'appeals')).map((r) => JSON.parse(r.payload));
      assert.deepEqual(appeals.map((a) => a.client_id), [second, second]);
      // The tombstone's page points to the card kept; the merge is in the audit trail.
      await page.goto(`${env.served.url}#/client/${first}`);
      await page.getByRole('heading', { level: 1, name: 'Картку об’єднано з іншою' }).waitFor();
      await page.getByRole('link', { name: 'Відкрити картку, що залишилася' }).click();
      await page.getByRole('heading', { level: 1, name: 'Мельничук Ганна' }).waitFor();
      const trail = (await readAllIdb(page, 'audit')).map((r) => JSON.parse(r.payload));
      assert.ok(trail.some((e) => e.action === 'cards_merged' && e.subject === second && e.count === 1));

      // The next batch carries the tombstone; the independent reader (jsonschema, csv) accepts it.
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      await mkdir(join(ARTIFACTS, 'downloads'), { recursive: true });
      const saved = [];
      page.on('download', async (d) => {
        const path = join(ARTIFACTS, 'downloads', d.suggestedFilename());
        await d.saveAs(path);
        saved.push(path);
      });
      await page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click();
      await page.getByTestId('export-status').getByText(/Пакет створено/).waitFor();
      for (let i = 0; i < 50 && saved.length < 1; i += 1) await new Promise((r) => { setTimeout(r, 100); });
      await page.getByTestId('batch').getByRole('button', { name: /Таблиці CSV/ }).click();
      for (let i = 0; i < 50 && saved.length < 5; i += 1) await new Promise((r) => { setTimeout(r, 100); });
      const batchPath = saved.find((p) => p.endsWith('.json'));
      const file = JSON.parse(await readFile(batchPath, 'utf8'));
      const tombRecord = file.records.find((r) => r.type === 'client' && r.id === first);
      assert.equal(tombRecord.data.merged_into.id, second);
      const out = execFileSync(PYTHON, [join(ROOT, 'tests/support/check_batch.py'), batchPath,
        join(ROOT, 'schema/pryiom-batch-1.schema.json'), ...saved.filter((p) => p.endsWith('.csv'))], { encoding: 'utf8' });
      assert.match(out, /clients\.csv: 2 rows read by Python's csv module/);
      assert.match(out, /\nok\n$/);
      const clientsCsv = await readFile(saved.find((p) => p.endsWith('-clients.csv')), 'utf8');
      assert.ok(clientsCsv.split('\r\n')[0].endsWith(',merged_into'));
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('two people are never merged: different valid tax numbers', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const a = await registerClient(page, { ...CLIENT, surname: 'Ткачук', given: 'Іван', tax: '2889104560' });
      await registerClient(page, { ...CLIENT, surname: 'Ткачук', given: 'Іван', phone: '050 111 22 33', tax: '3184710691', expectDuplicate: true });
      await page.getByTestId('duplicate-warning').getByRole('button', { name: 'Це інша людина — зберегти нову картку' }).click();
      await page.getByRole('heading', { name: 'Звернення', exact: true }).waitFor();
      const stored = (await readAllIdb(page, 'clients')).map((r) => JSON.parse(r.payload));
      const b = stored.find((c) => c.id !== a).id;
      await page.goto(`${env.served.url}#/merge/${a}/${b}`);
      const refused = page.getByTestId('merge-refused');
      await refused.waitFor();
      assert.match(await refused.textContent(), /різні чинні РНОКПП — це дві різні людини/);
      assert.equal(await page.getByRole('button', { name: 'Об’єднати картки' }).count(), 0);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('one appeal\'s checklist filled in two tabs at once stays one record with both tabs\' answers', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      const id = await registerClient(page, { ...CLIENT, surname: 'Кравець', given: 'Олег' });
      const IDP = /п\. 14 ч\. 1 ст\. 14 — Внутрішньо переміщені особи/;
      const ITEM22 = /п\. 22 ч\. 1 ст\. 14/;
      const categories = async (p) => {
        const stored = (await readAllIdb(p, 'assessments')).map((r) => JSON.parse(r.payload));
        assert.equal(stored.length, 1, 'one checklist record');
        return [...stored[0].categories].sort();
      };
      // A second tab opens the same checklist before anything of it is stored.
      const other = await context.newPage();
      await other.goto(`${env.served.url}#/client/${id}`);
      await waitForStorage(other, { home: false });
      await other.getByRole('link', { name: 'Перевірити право на БВПД' }).click();
      await other.getByRole('checkbox', { name: ITEM22 }).waitFor();

      // The first tab opens it too and ticks one category.
      await page.bringToFront();
      await page.getByRole('link', { name: 'Перевірити право на БВПД' }).click();
      await page.getByRole('checkbox', { name: IDP }).check();
      await page.getByTestId('checklist-saved').filter({ hasText: /Збережено/ }).waitFor();

      // The second tab, still showing the checklist as it was, ticks another: both are kept, and it shows both.
      await other.bringToFront();
      await other.getByRole('checkbox', { name: ITEM22 }).check();
      await other.getByTestId('checklist-saved').filter({ hasText: /Збережено/ }).waitFor();
      await other.waitForFunction(() => document.querySelectorAll('input[type=checkbox]:checked').length >= 2);
      assert.ok(await other.getByRole('checkbox', { name: IDP }).isChecked(), 'the other tab\'s tick is shown here');
      assert.deepEqual(await categories(other), ['14', '22']);
      const [appeal] = (await readAllIdb(other, 'appeals')).map((r) => JSON.parse(r.payload));
      const [stored] = await readAllIdb(other, 'assessments');
      assert.equal(stored.id, appeal.id, 'kept under the appeal\'s own id');

      // The first tab, which never saw item 22, unticks its own category: item 22 stays.
      await page.bringToFront();
      await page.getByRole('checkbox', { name: IDP }).uncheck();
      for (let i = 0; i < 50 && (await categories(page)).includes('14'); i += 1) await page.waitForTimeout(100);
      assert.deepEqual(await categories(page), ['22']);
      await page.getByRole('checkbox', { name: ITEM22, checked: true }).waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('an intake about a person whose consent is withdrawn in another tab is cleared there and never written back', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      const id = await registerClient(page, { ...CLIENT, surname: 'Марченко', given: 'Ганна' });
      // Another tab types an intake about the same person (not linked to the card: the duplicate was not noticed).
      const other = await context.newPage();
      await other.goto(`${env.served.url}#/intake`);
      await waitForStorage(other, { home: false });
      await other.getByLabel('Пошук клієнта').fill('Ганна М');
      await other.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
      await other.getByRole('radio', { name: 'Усно' }).check();
      await other.getByLabel('Хто отримав згоду').fill('Олена Коваль');
      await other.getByRole('button', { name: 'Згоду отримано — далі' }).click();
      await other.getByLabel('Прізвище').fill('Марченко');
      await other.getByRole('textbox', { name: 'Ім’я', exact: true }).fill('Ганна');
      await other.getByLabel('Телефони').fill('067 555 12 34');
      await other.getByTestId('draft-status').filter({ hasText: /Чернетку збережено о/ }).waitFor();
      const drafts = async (p) => (await readAllIdb(p, 'drafts')).map((r) => r.payload).join('\n');
      // The "saved" line shows since consent: wait for the write that holds the name itself.
      for (let i = 0; i < 50 && !(await drafts(other)).includes('Марченко'); i += 1) await other.waitForTimeout(100);
      assert.ok((await drafts(other)).includes('Марченко'), 'the draft is stored (the check can fail)');

      // The first tab withdraws the client's consent: the unlinked intake about her is erased too.
      await page.bringToFront();
      await page.goto(`${env.served.url}#/client/${id}`);
      await page.getByRole('button', { name: 'Відкликати згоду' }).click();
      await page.getByRole('button', { name: 'Так, видалити персональні дані' }).click();
      await page.getByTestId('consent-withdrawn').waitFor();
      assert.ok(!(await drafts(page)).includes('Марченко'));

      // The other tab clears its form and says why; typing on writes nothing of her back.
      await other.bringToFront();
      await other.getByTestId('draft-gone').waitFor();
      assert.equal(await other.getByRole('textbox', { name: 'Ім’я', exact: true }).count(), 0, 'the form is cleared');
      assert.equal(await other.getByText('Марченко').count(), 0);
      assert.equal(await other.getByTestId('draft-status').textContent(), '', 'no "saved" line of the closed draft');
      await screenshot(other, 'intake-gone-elsewhere');
      await other.getByLabel('Пошук клієнта').fill('Інша особа');
      await other.waitForTimeout(1200);
      assert.ok(!(await drafts(other)).includes('Марченко'), 'nothing of the erased intake came back');
      assert.ok(!(await drafts(other)).includes('555 12 34'));
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('the directory edited in two tabs keeps both organisations', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      await page.goto(`${env.served.url}#/directory`);
      await page.getByText('Довідник порожній').waitFor();
      const other = await context.newPage();
      await other.goto(`${env.served.url}#/directory`);
      await waitForStorage(other, { home: false });
      await other.getByText('Довідник порожній').waitFor();
      const add = async (p, name) => {
        await p.bringToFront();
        await p.getByRole('button', { name: 'Додати організацію' }).click();
        await p.getByLabel('Назва').fill(name);
        await p.getByLabel('Адреса').fill('смт Бородянка, вул. Центральна, 315');
        await p.getByLabel('Телефон').fill('(04577) 5-12-34');
        await p.getByLabel('Графік роботи').fill('пн–пт 9:00–17:00');
        await p.getByRole('button', { name: 'Зберегти', exact: true }).click();
        await p.getByTestId('directory-status').filter({ hasText: 'Збережено на пристрої.' }).waitFor();
      };
      // Each tab adds one, neither knowing of the other's.
      await add(page, 'Управління соціального захисту населення');
      await add(other, 'Центр надання адміністративних послуг');
      // The second save kept the first tab's organisation, and shows both.
      await other.getByText('Управління соціального захисту населення').waitFor();
      const [rec] = await readAllIdb(other, 'reference').then((all) => all.filter((r) => r.id === 'directory'));
      const names = JSON.parse(rec.payload).directory.organisations.map((o) => o.name).sort();
      assert.deepEqual(names, ['Управління соціального захисту населення', 'Центр надання адміністративних послуг']);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('each tab has its own intake draft: saving one keeps the other, and a reopened tab offers every unfinished one', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      // Types an intake up to the card (kept once consent is given), without finishing it.
      const begin = async (p, surname, given) => {
        await p.getByLabel('Пошук клієнта').fill(`${surname} ${given}`);
        await p.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
        await p.getByRole('radio', { name: 'Усно' }).check();
        await p.getByLabel('Хто отримав згоду').fill('Олена Коваль');
        await p.getByRole('button', { name: 'Згоду отримано — далі' }).click();
        await p.getByLabel('Прізвище').fill(surname);
        await p.getByRole('textbox', { name: 'Ім’я', exact: true }).fill(given);
        await p.getByLabel('Дата народження').fill('03.04.1985');
        await p.getByTestId('draft-status').filter({ hasText: /Чернетку збережено о/ }).waitFor();
      };
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await begin(page, 'Сидоренко', 'Марія');
      // A second tab: the first tab's intake is offered; this one starts its own.
      const other = await context.newPage();
      await other.goto(`${env.served.url}#/intake`);
      await waitForStorage(other, { home: false });
      const offer = other.getByRole('region', { name: 'Є незавершене звернення' });
      await offer.getByText('Сидоренко Марія').waitFor();
      await other.getByRole('button', { name: 'Почати нове звернення' }).click();
      await begin(other, 'Коваленко', 'Петро');
      const intakes = async (p) => (await readAllIdb(p, 'drafts')).filter((r) => r.id.startsWith('intake-'))
        .map((r) => JSON.parse(r.payload).card.surname).sort();
      for (let i = 0; i < 50 && (await intakes(other)).join() !== 'Коваленко,Сидоренко'; i += 1) await other.waitForTimeout(100);
      assert.deepEqual(await intakes(other), ['Коваленко', 'Сидоренко'], 'two drafts, one per tab');

      // A third tab is offered both.
      const third = await context.newPage();
      await third.goto(`${env.served.url}#/intake`);
      await waitForStorage(third, { home: false });
      await third.getByRole('region', { name: 'Є незавершені звернення' }).getByText('Коваленко Петро').waitFor();
      assert.equal(await third.getByRole('button', { name: /^Продовжити:/ }).count(), 2);
      await screenshot(third, 'drafts-offered');
      await third.close();

      // The first tab finishes its intake: the second tab's draft is untouched.
      await page.bringToFront();
      await page.getByLabel('Адреса проживання').fill('с. Бородянка, вул. Центральна, 5');
      await page.getByRole('textbox', { name: 'Номер', exact: true }).fill('123456789');
      await page.getByLabel('Якщо РНОКПП немає — чому').selectOption('religious');
      await page.getByRole('button', { name: 'Зберегти картку' }).click();
      await page.getByRole('heading', { name: 'Звернення', exact: true }).waitFor();
      await page.getByLabel('Як звернувся').selectOption('outreach');
      await page.getByLabel('Сфера питання').selectOption('житлові питання');
      await page.getByLabel('Суть звернення').fill('Борг за оренду');
      await page.getByRole('radio', { name: 'Консультація та роз’яснення' }).check();
      await page.getByRole('button', { name: 'Зберегти звернення' }).click();
      await page.getByRole('status').filter({ hasText: 'Звернення збережено на пристрої.' }).waitFor();
      assert.deepEqual(await intakes(page), ['Коваленко'], 'only the finished intake\'s draft went');

      // The second tab, reloaded (a crash), is offered its intake back with what was typed.
      await other.bringToFront();
      await reload(other);
      await other.getByRole('region', { name: 'Є незавершене звернення' }).getByText('Коваленко Петро').waitFor();
      await other.getByRole('button', { name: /^Продовжити: Коваленко Петро/ }).click();
      assert.equal(await other.getByLabel('Дата народження').inputValue(), '03.04.1985');
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('another tab\'s change shows without a reload; a card withdrawn there closes here', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page, context } = app;
      await waitForStorage(page);
      const id = await registerClient(page, { ...CLIENT, surname: 'Руденко', given: 'Тарас' });
      const other = await context.newPage();
      await other.goto(`${env.served.url}#/client/${id}`);
      await waitForStorage(other, { home: false });
      await other.getByText('+380675551234').waitFor();

      // The first tab corrects the phone; the other shows it without being reloaded.
      await page.bringToFront();
      await page.getByRole('link', { name: 'Редагувати картку' }).click();
      await page.getByLabel('Телефони').fill('050 765 43 21');
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      await page.getByRole('status').filter({ hasText: 'Зміни картки збережено.' }).waitFor();
      await other.bringToFront();
      await other.getByText('+380507654321').first().waitFor();
      assert.equal(await other.getByText('+380675551234', { exact: true }).count(), 0);

      // The other tab opens the card's correction; the first withdraws consent: the correction closes there.
      await other.getByRole('link', { name: 'Редагувати картку' }).click();
      await other.getByLabel('Телефони').waitFor();
      await page.bringToFront();
      await page.getByRole('button', { name: 'Відкликати згоду' }).click();
      await page.getByRole('button', { name: 'Так, видалити персональні дані' }).click();
      await page.getByTestId('consent-withdrawn').waitFor();
      await other.bringToFront();
      await other.getByTestId('consent-withdrawn').waitFor();
      assert.equal(new URL(other.url()).hash, `#/client/${id}`);
      assert.equal(await other.getByLabel('Телефони').count(), 0, 'the form with the card\'s values is gone');
      assert.equal(await other.getByText('Руденко').count(), 0);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('an appeal corrected with its history; its follow-up listed on Home until marked done', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const id = await registerClient(page, { ...CLIENT, surname: 'Шевчук', given: 'Ірина' }, { account: 'Не виплачують пенсію' });
      await page.getByRole('link', { name: 'Виправити звернення' }).click();
      await page.getByRole('heading', { level: 1, name: 'Виправлення звернення' }).waitFor();
      assert.equal(await page.getByLabel('Суть звернення').inputValue(), 'Не виплачують пенсію');
      // The same rules as at intake.
      await page.getByLabel('Суть звернення').fill('');
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      await page.getByText('Виправте позначені поля').first().waitFor();
      await page.getByLabel('Суть звернення').fill('Не виплачують пенсію з вересня');
      await page.getByLabel('Результат').fill('Складено запит до ПФУ');
      const d = new Date(Date.now() - 86400000);
      const yesterday = `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;
      await page.getByLabel('Дата повторного контакту').fill(yesterday);
      // Autosaved as typed: a crash loses nothing, and the correction comes back as it was.
      await page.getByTestId('appeal-draft-status').filter({ hasText: /Чернетку збережено о/ }).waitFor();
      const drafts = async () => (await readAllIdb(page, 'drafts')).filter((r) => r.id.startsWith('appeal-edit-'));
      assert.equal((await drafts()).length, 1);
      await reload(page);
      await page.getByTestId('appeal-edit-resumed').waitFor();
      assert.equal(await page.getByLabel('Результат').inputValue(), 'Складено запит до ПФУ');
      assert.equal(await page.getByLabel('Суть звернення').inputValue(), 'Не виплачують пенсію з вересня');
      await page.getByRole('button', { name: 'Зберегти зміни' }).click();
      await page.getByRole('status').filter({ hasText: 'Зміни звернення збережено.' }).waitFor();
      assert.deepEqual(await drafts(), [], 'the saved correction\'s draft is gone');
      assert.equal(new URL(page.url()).hash, `#/client/${id}`);
      await page.locator('p.muted', { hasText: 'Складено запит до ПФУ' }).waitFor();
      await page.getByText('Зміни звернення', { exact: true }).click();
      await page.getByText('Суть звернення: Не виплачують пенсію → Не виплачують пенсію з вересня').waitFor();
      await page.getByText(`Дата повторного контакту: — → ${yesterday}`).waitFor();
      await screenshot(page, 'client-appeal-history');
      const [stored] = (await readAllIdb(page, 'appeals')).map((r) => ({ rev: r.rev, ...JSON.parse(r.payload) }));
      assert.equal(stored.rev, 2);
      assert.equal(stored.history[0].by, 'Олена Коваль');

      // Home lists the overdue follow-up; marking it done takes it off.
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Головна' }).click();
      const due = page.getByTestId('follow-ups');
      await due.getByText('Шевчук Ірина').waitFor();
      assert.match(await due.textContent(), /прострочено/);
      await screenshot(page, 'home-follow-ups');
      await due.getByRole('link', { name: /Шевчук Ірина/ }).click();
      await page.getByRole('button', { name: 'Позначити виконаним' }).click();
      await page.getByText(/Виконано \d\d\.\d\d\.\d{4}/).waitFor();
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Головна' }).click();
      await page.getByRole('heading', { level: 1, name: 'Головна' }).waitFor();
      assert.equal(await page.getByTestId('follow-ups').count(), 0);
      const trail = (await readAllIdb(page, 'audit')).map((r) => JSON.parse(r.payload));
      assert.equal(trail.filter((e) => e.action === 'appeal_corrected' && e.subject === stored.id).length, 2);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
