// The paralegal's daily work: search-first registration, appeals, referral slips, consent, and drafts that survive
// a crash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TABLET_PORTRAIT, dumpPlain, openApp, putIdb, readAllIdb, readIdb, registerClient, screenshot, sharedBrowserAndBuild,
  waitForStorage, reload,
} from './helpers.mjs';

const SHEVCHENKO = { surname: 'Шевченко', given: 'Олександр', birth: '12.03.1987', phone: '067 123 45 67', tax: '3184710691' };

describe('intake', () => {
  const env = sharedBrowserAndBuild();

  test('register a client, then find the card by Latin spelling and with a typo', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      // A direction override (U+202E) or NUL typed or pasted into a field is dropped: on paper it would reorder text.
      const id = await registerClient(page, { ...SHEVCHENKO, given: 'Олекс\u202Eандр\u0000', language: 'ромська' },
        { written: true, account: 'Борг \u202E1000 грн' });
      assert.match(id, /^[0-9a-f-]{36}$/);
      // Consent is recorded with the card: which text, in which language, how, when and by whom.
      const stored = JSON.parse((await readIdb(page, 'clients', id)).payload);
      assert.equal(stored.consent.text_version, '2026-11');
      assert.equal(stored.consent.text_lang, 'uk');
      assert.equal(stored.consent.form, 'oral');
      assert.equal(stored.consent.taken_by, 'Олена Коваль');
      assert.match(stored.consent.given_at, /^\d{4}-\d\d-\d\dT/);
      assert.equal(stored.personal.tax_number, '3184710691');
      assert.equal(stored.personal.given_name, 'Олександр');
      const appeals = (await readAllIdb(page, 'appeals')).map((r) => JSON.parse(r.payload));
      assert.equal(appeals[0].account, 'Борг 1000 грн');
      assert.equal(stored.personal.language, 'ромська', 'a language not among the choices, as written');
      await page.getByRole('heading', { level: 1, name: 'Шевченко Олександр' }).waitFor();
      assert.match(await page.getByText(/Відповісти до/).textContent(), /3 робочі дні/);
      await screenshot(page, 'client-1280x800');

      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Клієнти' }).click();
      const search = page.getByLabel('Пошук клієнта');
      const list = page.getByTestId('client-list');
      for (const q of ['Shevchenko', 'oleksandr shevchenko', 'Шевчекно', 'Shevcenko', '067 123', '12.03.1987', '31847']) {
        await search.fill(q);
        await list.getByText('Шевченко Олександр').waitFor({ timeout: 3000 }).catch(() => {});
        assert.equal(await list.getByRole('link').count(), 1, `search "${q}"`);
      }
      await search.fill('Петренко');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=client-list] a').length === 0);

      await nav.getByRole('link', { name: 'Головна' }).click();
      assert.equal(await page.getByTestId('count-clients').textContent(), '1 клієнт');
      assert.equal(await page.getByTestId('count-appeals').textContent(), '1 звернення');
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('the search step: results follow the typing; each row’s buttons name and open the card shown there now', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const shevchenko = await registerClient(page, SHEVCHENKO);
      const shevchuk = await registerClient(page, { surname: 'Шевчук', given: 'Ганна', birth: '02.05.1979', phone: '050 765 43 21', tax: '' });
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      const search = page.getByLabel('Пошук клієнта');
      const results = page.getByTestId('search-results');
      const pick = results.getByRole('button', { name: /^Нове звернення / });
      // The rows are kept in place as the typing goes on (their words change): the first row shows one card, then
      // the other; what it names and what it opens is always the card it shows.
      await search.fill('Шевченко Олександр');
      await results.getByRole('button', { name: 'Нове звернення Шевченко Олександр', exact: true }).waitFor();
      assert.equal(await results.getByRole('link', { name: 'Відкрити картку Шевченко Олександр', exact: true }).getAttribute('href'), `#/client/${shevchenko}`);
      await search.fill('Шевчук Ганна');
      await results.getByRole('button', { name: 'Нове звернення Шевчук Ганна', exact: true }).waitFor();
      assert.equal(await pick.count(), 1, 'one card found');
      assert.equal(await results.getByRole('link', { name: /^Відкрити картку / }).getAttribute('href'), `#/client/${shevchuk}`);
      assert.match(await results.locator('li').first().textContent(), /Шевчук Ганна02\.05\.1979 · \+380507654321/);
      await search.fill('Шевч');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=search-results] li').length === 2);
      await screenshot(page, 'intake-search-1280x800');
      await page.setViewportSize(TABLET_PORTRAIT);
      await screenshot(page, 'intake-search-800x1280');
      await search.fill('Шевчук');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=search-results] li').length === 1);
      await pick.click();
      // The appeal is for the card that row showed.
      const form = page.locator('form[aria-labelledby=appeal-h]');
      await form.getByText('Шевчук Ганна', { exact: true }).waitFor();
      assert.equal(await form.getByText('Шевченко Олександр').count(), 0);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('the client list opened again shows its rows at once, never older than the data', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      // What the list shows first when the screen opens (before anything replaces it): names and the heading.
      const opened = async () => {
        const first = page.evaluate(() => new Promise((resolve) => {
          const rows = () => {
            const list = document.querySelector('[data-testid=client-list]');
            const names = list ? [...list.querySelectorAll('.summary-name')].map((n) => n.textContent) : [];
            return names.length ? { names, heading: document.getElementById('list-clients-h').textContent } : null;
          };
          const obs = new MutationObserver(() => { const r = rows(); if (r) { obs.disconnect(); resolve(r); } });
          obs.observe(document.body, { childList: true, subtree: true, characterData: true });
        }));
        await nav.getByRole('link', { name: 'Клієнти' }).click();
        return first;
      };
      await registerClient(page, SHEVCHENKO);
      assert.deepEqual((await opened()).names, ['Шевченко Олександр']);
      await nav.getByRole('link', { name: 'Головна' }).click();
      // Nothing changed: the lists made last time, with their count, at once.
      assert.deepEqual(await opened(), { names: ['Шевченко Олександр'], heading: '1 клієнт' });
      // A card and an appeal added: the list first shown has them (the one kept was forgotten).
      await registerClient(page, { surname: 'Шевчук', given: 'Ганна', birth: '02.05.1979', tax: '' });
      const after = await opened();
      assert.deepEqual(after.names.sort(), ['Шевченко Олександр', 'Шевчук Ганна']);
      assert.notEqual(after.heading, '1 клієнт');
      await page.getByTestId('client-list').getByText('Шевчук Ганна').waitFor();
      assert.equal(await page.locator('#list-clients-h').textContent(), '2 клієнти');
      // A search or a filter is not kept: opened again, the whole list.
      await page.getByLabel('Пошук клієнта').fill('Шевчук');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=client-list] .summary-name').length === 1);
      await nav.getByRole('link', { name: 'Головна' }).click();
      assert.deepEqual((await opened()).names.sort(), ['Шевченко Олександр', 'Шевчук Ганна']);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a near duplicate triggers the warning; the worker opens the existing card or confirms a new one', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT });
    try {
      const { page } = app;
      await waitForStorage(page);
      await registerClient(page, { ...SHEVCHENKO, surname: 'Коваль', given: 'Марʼяна', tax: '', phone: '050 111 22 33', birth: '01.05.1990' });
      // Same person, typed with a typo in the surname and another apostrophe.
      await registerClient(page, { surname: 'Ковалб', given: "Мар'яна", birth: '01.05.1990', phone: '', tax: '', expectDuplicate: true });
      const warning = page.getByTestId('duplicate-warning');
      await warning.waitFor();
      assert.match(await warning.textContent(), /Схоже, цей клієнт уже зареєстрований/);
      assert.match(await warning.textContent(), /Схоже ім’я й та сама дата народження/);
      assert.match(await warning.textContent(), /Коваль Марʼяна/);
      await screenshot(page, 'duplicate-800x1280');
      // The live panel showed the card while typing, too.
      assert.match(await page.getByTestId('similar-cards').textContent(), /Коваль Марʼяна/);
      await warning.getByRole('link', { name: /Відкрити картку/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Коваль Марʼяна' }).waitFor();
      assert.equal((await readAllIdb(page, 'clients')).length, 1, 'no second card');
      // What was typed for the new card is not lost by leaving: the next intake offers it; here it is dropped.
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await page.getByRole('region', { name: 'Є незавершене звернення' }).getByText('Ковалб Мар\'яна').waitFor();
      await page.getByRole('button', { name: /^Відкинути: Ковалб/ }).click();
      await page.getByLabel('Пошук клієнта').waitFor();

      // A different person with the same name and birth date: the worker confirms, a second card is saved.
      await registerClient(page, { surname: 'Коваль', given: 'Мар’яна', birth: '01.05.1990', tax: '', expectDuplicate: true });
      // The intake resumes from its draft: the offer appears first.
      const offer = page.getByRole('button', { name: 'Продовжити' });
      if (await offer.count()) await offer.click();
      await page.getByTestId('duplicate-warning').getByRole('button', { name: 'Це інша людина — зберегти нову картку' }).click();
      await page.getByRole('heading', { name: 'Звернення', exact: true }).waitFor();
      assert.equal((await readAllIdb(page, 'clients')).length, 2);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('the page is killed mid-typing; reopening offers the draft with everything typed', async () => {
    const app = await openApp(env.browser, env.served);
    const { page, context } = app;
    try {
      await waitForStorage(page);
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await page.getByLabel('Пошук клієнта').fill('Петренко');
      await page.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
      await page.getByRole('radio', { name: 'Письмово (підписано)' }).check();
      await page.getByLabel('Хто отримав згоду').fill('Олена Коваль');
      await page.getByRole('button', { name: 'Згоду отримано — далі' }).click();
      await page.getByRole('textbox', { name: 'Ім’я', exact: true }).fill('Іван');
      await page.getByLabel('Дата народження').fill('01.01.19');
      await page.getByLabel('Порушення слуху').check();
      await page.getByLabel('Телефони').pressSequentially('063 55', { delay: 20 });
      await page.getByTestId('draft-status').filter({ hasText: /Чернетку збережено о \d\d:\d\d/ }).waitFor();
      await page.getByLabel('Телефони').pressSequentially('5 44 33', { delay: 20 });
      await page.waitForTimeout(1000);
      // No unload, no pagehide: the renderer process dies, as on a crash or a dead battery.
      const crashed = page.waitForEvent('crash', { timeout: 10000 });
      await page.goto('chrome://crash', { timeout: 5000 }).catch(() => {});
      await crashed;
    } finally {
      await page.close().catch(() => {});
    }
    try {
      const again = await context.newPage();
      await again.goto(env.served.url + '#/intake');
      await waitForStorage(again, { home: false });
      await again.getByRole('heading', { name: 'Є незавершене звернення' }).waitFor();
      assert.match(await again.getByRole('region', { name: 'Є незавершене звернення' }).textContent(), /Петренко Іван/);
      await again.getByRole('button', { name: 'Продовжити' }).click();
      assert.equal(await again.getByLabel('Прізвище').inputValue(), 'Петренко');
      assert.equal(await again.getByRole('textbox', { name: 'Ім’я', exact: true }).inputValue(), 'Іван');
      assert.equal(await again.getByLabel('Дата народження').inputValue(), '01.01.19');
      assert.equal(await again.getByLabel('Телефони').inputValue(), '063 555 44 33');
      assert.ok(await again.getByLabel('Порушення слуху').isChecked());
      // Invalid data never blocked the draft; finishing the card shows what to correct.
      await again.getByRole('button', { name: 'Зберегти картку' }).click();
      await again.getByText('Такої дати немає. Напишіть як дд.мм.рррр.').waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('refer a client to a partner organisation and print the slip', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      // The centre's own phone for clients, printed at the foot of the slip; a text that is no phone is refused.
      await page.goto(env.served.url + '#/settings');
      const phone = page.getByLabel('Телефон, що друкується на направленнях і переліках документів');
      assert.equal(await phone.inputValue(), '0 800 213 103', 'the national hotline by default');
      await phone.fill('дзвоніть');
      await page.getByRole('button', { name: 'Зберегти телефон' }).click();
      await page.getByText('Лише цифри, пробіли, «+», «-» і дужки').waitFor();
      await phone.fill('(04577)  5-00-00');
      await page.getByRole('button', { name: 'Зберегти телефон' }).click();
      await page.getByTestId('contacts-status').getByText('Збережено').waitFor();
      await page.goto(env.served.url + '#/directory');
      await page.getByText('Довідник порожній').waitFor();
      await page.getByRole('button', { name: 'Додати організацію' }).click();
      await page.getByLabel('Назва').fill('Управління соціального захисту населення');
      await page.getByLabel('Адреса').fill('смт Бородянка, вул. Центральна, 315, каб. 12');
      await page.getByLabel('Телефон').fill('(04577) 5-12-34');
      await page.getByLabel('Графік роботи').fill('пн–чт 8:00–17:00, пт 8:00–16:00');
      await page.getByLabel('Контактна особа').fill('Мельник Оксана Іванівна, начальниця відділу');
      await page.getByLabel('Питання').fill('субсидії, соціальна допомога');
      await page.getByRole('button', { name: 'Зберегти', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Збережено на пристрої.' }).waitFor();

      await registerClient(page, { surname: 'Бондаренко', given: 'Ганна', birth: '20.10.1955', tax: '' }, {
        aid: 'Перенаправлення до іншої організації', organisation: 'Управління соціального захисту населення — смт Бородянка, вул. Центральна, 315, каб. 12', area: 'соціальне забезпечення',
      });
      await page.getByRole('link', { name: 'Направлення для клієнта' }).click();
      const slip = page.getByTestId('slip');
      await slip.waitFor();
      await page.emulateMedia({ media: 'print' });
      const printed = await page.evaluate(() => document.body.innerText);
      for (const text of ['Направлення', 'Для: Бондаренко Ганна', 'З вашим питанням зверніться до:', 'Управління соціального захисту населення',
        'смт Бородянка, вул. Центральна, 315, каб. 12', '(04577) 5-12-34', 'пн–чт 8:00–17:00, пт 8:00–16:00',
        'Мельник Оксана Іванівна, начальниця відділу', 'Безоплатна правнича допомога · телефон (04577) 5-00-00']) {
        assert.ok(printed.includes(text), `printed slip lacks "${text}"`);
      }
      for (const absent of ['Розділи', 'Друкувати (A4)', 'Онлайн', '0 800 213 103']) {
        assert.ok(!printed.includes(absent), `printed slip shows "${absent}"`);
      }
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 1000);
      await page.emulateMedia({ media: 'screen' });
      await screenshot(page, 'slip-1280x800');
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('withdrawing consent erases the personal data in IndexedDB itself and keeps statistics', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const person = { surname: 'Гнатюк', given: 'Ярина', birth: '06.02.1979', phone: '097 765 43 21', tax: '2889104560', document: 'АБ 987654' };
      const id = await registerClient(page, person, { account: 'Гнатюк просить допомогти з розлученням', area: 'сімейні питання' });
      // The card is exported first: the kept batch file holds the personal data as well.
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      await page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click();
      await page.getByTestId('export-status').getByText(/Пакет створено/).waitFor();
      assert.ok((await dumpPlain(page)).includes('2889104560'), 'the kept file holds the tax number (the check can fail)');
      await page.goto(`${page.url().split('#')[0]}#/client/${id}`);
      await page.getByRole('button', { name: 'Відкликати згоду' }).click();
      const preview = page.getByTestId('erasure-preview');
      await preview.waitFor();
      assert.match(await preview.textContent(), /усі персональні дані картки/);
      assert.match(await preview.textContent(), /1 звернення — суть і результат/);
      assert.match(await preview.textContent(), /1 збережений файл експорту/);
      await page.getByRole('button', { name: 'Так, видалити персональні дані' }).click();
      await page.getByTestId('consent-withdrawn').waitFor();

      const clients = await readAllIdb(page, 'clients');
      const appeals = await readAllIdb(page, 'appeals');
      const drafts = await readAllIdb(page, 'drafts');
      const mine = clients.find((c) => c.id === id);
      const stored = JSON.stringify({ mine, appeals: appeals.filter((a) => a.client_id === id), drafts });
      // Values long enough not to occur by chance in an id or a timestamp's milliseconds.
      for (const value of ['Гнатюк', 'Ярина', '1979-02-06', '7654321', '765 43 21', '2889104560', '987654', 'розлученням']) {
        assert.ok(!stored.includes(value), `"${value}" is still stored`);
      }
      // In EVERY store, the kept export file included.
      const everything = await dumpPlain(page);
      for (const value of ['Гнатюк', 'Ярина', '2889104560', '987654', 'розлученням']) {
        assert.ok(!everything.includes(value), `"${value}" is still stored somewhere`);
      }
      const payload = JSON.parse(mine.payload);
      assert.equal(payload.personal, null);
      assert.ok(payload.consent.withdrawn_at);
      const appeal = JSON.parse(appeals.find((a) => a.client_id === id).payload);
      assert.equal(appeal.area, 'сімейні питання');
      assert.equal(appeal.account, '');
      // Gone from search as well.
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Клієнти' }).click();
      await page.getByLabel('Пошук клієнта').fill('Гнатюк');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=client-list] a').length === 0);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a directory file is imported; a broken one is refused and changes nothing', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Налаштування' }).click();
      await page.getByRole('link', { name: 'Довідник організацій' }).click();
      await page.getByRole('heading', { level: 1, name: 'Партнерські організації' }).waitFor();
      const file = page.locator('input[type=file]');
      const good = {
        format: 'pryiom-directory', version: 1,
        organisations: [{ id: 'org-pfu', name: 'Пенсійний фонд, сервісний центр', address: 'м. Ірпінь, вул. Мечникова, 1',
          phone: '0 800 503 753', hours: 'пн–пт 8:00–17:00', contact: '', topics: ['пенсії'] }],
      };
      await file.setInputFiles({ name: 'dir.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
      await page.getByTestId('directory-status').filter({ hasText: 'Імпортовано: нових 1, оновлено 0.' }).waitFor();
      await page.getByText('Пенсійний фонд, сервісний центр').waitFor();
      const before = await readIdb(page, 'reference', 'directory');
      await file.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "pryiom-directory", ') });
      await page.getByTestId('directory-status').filter({ hasText: /Це не файл довідника \(помилка в рядку 1/ }).waitFor();
      const broken = { ...good, organisations: [{ ...good.organisations[0], id: 'x', hours: '' }] };
      await file.setInputFiles({ name: 'bad2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
      await page.getByTestId('directory-status').filter({ hasText: 'В організації №1 не заповнено поле «hours». Нічого не змінено.' }).waitFor();
      // A phone that a direction override would print reversed; a file over the size limit, refused unread.
      const reversed = { ...good, organisations: [{ ...good.organisations[0], id: 'y', phone: '\u202E0 800 503 753' }] };
      await file.setInputFiles({ name: 'bidi.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(reversed)) });
      await page.getByTestId('directory-status').filter({ hasText: 'Організація № 1: у полі phone є прихований керівний символ' }).waitFor();
      await file.setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(2 * 1024 * 1024 + 1, 0x20) });
      await page.getByTestId('directory-status').filter({ hasText: 'Файл завеликий: більше за 2 МБ.' }).waitFor();
      assert.deepEqual(await readIdb(page, 'reference', 'directory'), before);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('lists filter appeals by area, kind of aid and date; a child card links its representative', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const mother = await registerClient(page, { surname: 'Олійник', given: 'Тетяна', birth: '14.02.1985', tax: '' },
        { area: 'сімейні питання', aid: 'Консультація та роз’яснення' });
      // The child's card: the representative is found by search and linked.
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await page.getByLabel('Пошук клієнта').fill('Олійник Марко');
      await page.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
      await page.getByRole('radio', { name: 'Усно' }).check();
      await page.getByLabel('Хто отримав згоду').fill('Олена Коваль');
      await page.getByRole('button', { name: 'Згоду отримано — далі' }).click();
      await page.getByLabel('Дата народження').fill('03.09.2016');
      await page.getByLabel('Адреса проживання').fill('м. Ірпінь');
      // A child of 10 has a birth certificate, not a passport: the card says so.
      const kind = page.getByLabel('Документ, що посвідчує особу');
      const childDocument = page.getByRole('note').filter({ hasText: 'Дитині до 14 років паспорт не видають' });
      await kind.selectOption({ label: 'паспорт (книжечка)' });
      await childDocument.waitFor();
      await kind.selectOption({ label: 'свідоцтво про народження' });
      await childDocument.waitFor({ state: 'detached' });
      // He has none with him today: "no documents" needs a reason.
      await page.getByRole('checkbox', { name: 'Документів немає' }).check();
      // No number: a child who has none (not a religious refusal).
      await page.getByLabel('Якщо РНОКПП немає — чому').selectOption({ label: 'Дитина, якій номер не присвоєно' });
      await page.getByLabel('Знайти картку представника').fill('Олійник Тетяна');
      await page.getByRole('button', { name: 'Обрати: Олійник Тетяна' }).click();
      await page.getByRole('button', { name: 'Зберегти картку' }).click();
      await page.getByText('Оберіть, чому документів немає.').waitFor();
      await page.getByLabel('Чому документів немає').selectOption({ label: 'Є, але не з собою — додати пізніше' });
      await page.getByRole('button', { name: 'Зберегти картку' }).click();
      await page.getByLabel('Як звернувся').selectOption('office');
      await page.getByLabel('Сфера питання').selectOption('спадщина');
      await page.getByLabel('Суть звернення').fill('Спадщина після батька');
      await page.getByRole('radio', { name: 'Допомога в доступі до БВПД' }).check();
      await page.getByRole('button', { name: 'Зберегти звернення' }).click();
      await page.getByRole('heading', { level: 1, name: 'Олійник Марко' }).waitFor();
      await page.getByText('Дитина, якій номер не присвоєно').waitFor();
      await page.getByText('Документів немає: Є, але не з собою — додати пізніше').waitFor();
      await page.getByTestId('documents-later').getByText('Документ ще не внесено — додайте, коли клієнт його покаже.').waitFor();
      const child = (await readAllIdb(page, 'clients')).map((r) => JSON.parse(r.payload)).find((c) => c.personal?.given_name === 'Марко');
      assert.deepEqual([child.personal.no_tax_number, child.personal.tax_refused, child.personal.tax_number], ['child', false, '']);
      assert.deepEqual(
        [child.personal.no_documents, child.personal.no_documents_reason, child.personal.document_kind],
        [true, 'not_with_them', ''],
      );
      await page.getByRole('link', { name: 'Олійник Тетяна' }).click();
      assert.equal(new URL(page.url()).hash, `#/client/${mother}`);

      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Клієнти' }).click();
      const appeals = page.getByTestId('appeal-list');
      await appeals.getByRole('link').nth(1).waitFor();
      assert.equal(await appeals.getByRole('link').count(), 2);
      await page.getByLabel('Сфера питання').selectOption('спадщина');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 1);
      assert.match(await appeals.textContent(), /Олійник Марко/);
      assert.equal(await page.getByTestId('client-list').getByRole('link').count(), 1);
      await page.getByLabel('Сфера питання').selectOption('');
      await page.getByLabel('Вид допомоги').selectOption('consultation');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 1);
      assert.match(await appeals.textContent(), /Олійник Тетяна/);
      await page.getByLabel('Вид допомоги').selectOption('');
      await page.getByLabel('Від дати').fill('2099-01-01');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 0);
      await page.getByLabel('Від дати').fill('');
      await page.getByLabel('Експорт').selectOption('yes');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=appeal-list] a').length === 0);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('before consent the stored draft holds nothing personal; an intake left too long is erased at start', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await page.getByLabel('Пошук клієнта').fill('Бондаренко Остап');
      await page.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
      await page.getByRole('radio', { name: 'Усно' }).check();
      // Autosave runs within half a second of a change: give it time, then read every store.
      await page.waitForTimeout(1500);
      const everything = await dumpPlain(page);
      for (const value of ['Бондаренко', 'Остап']) assert.ok(!everything.includes(value), `"${value}" stored before consent`);

      await page.getByLabel('Хто отримав згоду').fill('Олена Коваль');
      await page.getByRole('button', { name: 'Згоду отримано — далі' }).click();
      await page.getByLabel('Телефони').fill('063 555 44 33');
      // After consent the card is kept (so the check above could fail): it reaches IndexedDB within moments.
      for (let i = 0; i < 50 && !(await dumpPlain(page)).includes('Бондаренко'); i++) await page.waitForTimeout(100);
      assert.ok((await dumpPlain(page)).includes('Бондаренко'), 'after consent the card is kept');

      // Ten days later (the period is 7 by default): the draft is erased at start, not offered.
      const aged = (await readAllIdb(page, 'drafts')).find((r) => r.id.startsWith('intake-'));
      assert.ok(aged.sealed, 'the draft is kept sealed');
      const tenDaysAgo = new Date(Date.now() - 10 * 86400000).toISOString();
      await putIdb(page, 'drafts', {
        ...aged, updated_at: tenDaysAgo, payload: JSON.stringify({ ...JSON.parse(aged.payload), updated_at: tenDaysAgo }),
      });
      await page.goto(`${env.served.url}#/home`);
      await reload(page);
      await waitForStorage(page);
      await page.waitForFunction(() => new Promise((ok) => {
        const open = indexedDB.open('pryiom');
        open.onsuccess = () => {
          const get = open.result.transaction('drafts').objectStore('drafts').count();
          get.onsuccess = () => { open.result.close(); ok(get.result === 0); };
        };
      }));
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await page.getByLabel('Пошук клієнта').waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Є незавершене звернення' }).count(), 0);
      assert.ok(!(await dumpPlain(page)).includes('Бондаренко'));
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('public holidays move working-day deadlines only when Settings say they are observed', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      const list = page.getByLabel('Святкові дні', { exact: true });
      const status = page.getByTestId('holidays-status');
      await list.fill('25.12.2026\nРіздво');
      await page.getByRole('button', { name: 'Зберегти святкові дні' }).click();
      await status.getByText('Рядок 2 — не дата. Напишіть дату як дд.мм.рррр. Нічого не змінено.').waitFor();
      await list.fill('25.12.2026');
      await page.getByRole('button', { name: 'Зберегти святкові дні' }).click();
      await status.getByText('Збережено').waitFor();
      // Under martial law (the default) Christmas is a working day: 23.12 + 3 working days = 28.12.
      await registerClient(page, { surname: 'Приходько', given: 'Люба', birth: '05.05.1966', tax: '' },
        { written: true, receivedAt: '2026-12-23T10:00' });
      const deadline = page.locator('.deadline').first();
      assert.match(await deadline.textContent(), /28\.12\.2026/);
      const client = page.url();
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      await page.getByLabel('Святкові дні — вихідні (після скасування воєнного стану)').check();
      await page.getByRole('button', { name: 'Зберегти святкові дні' }).click();
      await status.getByText('Збережено').waitFor();
      await page.goto(client);
      assert.match(await page.locator('.deadline').first().textContent(), /29\.12\.2026/);
      // Kept after a reload.
      await reload(page);
      assert.match(await page.locator('.deadline').first().textContent(), /29\.12\.2026/);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
