// The БВПД checklist on an appeal: categories, documents, the income test, the printed papers, the decision, and
// rules replaced from Settings while an old decision keeps the rules it was made on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TABLET_PORTRAIT, openApp, readAllIdb, registerClient, screenshot, sharedBrowserAndBuild, waitForStorage, reload,
} from './helpers.mjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

const CLIENT = {
  surname: 'Ткаченко', given: 'Ганна', birth: '04.09.1979', phone: '067 555 12 34', tax: '',
  address: 'м. Київ, вул. Січових Стрільців, 12, кв. 3',
};

/** What a printer would get: the page text under print styles (hidden controls left out). */
async function printedText(page) {
  await page.emulateMedia({ media: 'print' });
  const text = await page.locator('main').innerText();
  await page.emulateMedia({ media: 'screen' });
  return text;
}

/** Replaces window.print with a counter, so a print button can be pressed in a headless browser. */
async function stubPrint(page) {
  await page.evaluate(() => {
    window.__printed = 0;
    window.print = () => { window.__printed += 1; };
  });
}

describe('eligibility checklist', () => {
  const env = sharedBrowserAndBuild();

  test('a full checklist on an appeal: documents to bring, income test, application, decision, reload', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await waitForStorage(page);
      await registerClient(page, CLIENT, {
        aid: 'Допомога в доступі до БВПД', account: 'Орендодавець не повертає заставу, потрібен представник у суді',
      });
      await page.getByRole('link', { name: 'Перевірити право на БВПД' }).click();
      await page.getByRole('heading', { level: 1, name: 'Право на безоплатну вторинну правничу допомогу' }).waitFor();
      assert.match(await page.getByTestId('rules-version').textContent(), /^2026-01-01/);
      await page.getByLabel('Дата перевірки').fill('02.03.2026');
      // Not the appeal's date (today): both dates show, with the minimum each gives.
      await page.getByTestId('date-differs').getByText(/Перевірка на 02\.03\.2026, а звернення від \d\d\.\d\d\.2026\./).waitFor();
      assert.equal(await page.getByTestId('assessment-date').textContent(), '02.03.2026');
      // Before any item is ticked the outcome already points to primary legal aid and the directory.
      const none = page.getByTestId('outcome');
      await none.getByText(/Якщо жодна не підходить, БВПД не надається, але безоплатну первинну правничу допомогу може отримати кожен/).waitFor();
      assert.equal(await none.getByRole('link', { name: 'Довідник організацій' }).getAttribute('href'), '#/directory');

      // Find the IDP category by a word; the document is not here yet: the client will bring it.
      const search = page.getByLabel('Пошук категорії');
      await search.fill('ВПО');
      const idp = page.getByRole('checkbox', { name: /п\. 14 ч\. 1 ст\. 14 — Внутрішньо переміщені особи/ });
      await idp.check();
      const idpDoc = page.getByRole('group', { name: /Довідка про взяття на облік ВПО/ });
      await idpDoc.getByRole('radio', { name: 'Принесе пізніше' }).check();
      await page.getByLabel(/До якої дати принесе: Довідка про взяття на облік ВПО/).fill('2026-03-06');
      const outcome = page.getByTestId('outcome');
      await outcome.getByText('Матиме право на БВПД, коли принесе документи').waitFor();
      assert.match(await outcome.textContent(), /Довідка про взяття на облік ВПО/);
      await screenshot(page, 'checklist-pending-1280x800');

      // The printable list, in the client's language or in English.
      await outcome.getByRole('link', { name: 'Друк: які документи принести' }).click();
      await page.getByRole('heading', { level: 1, name: 'Які документи принести' }).waitFor();
      await stubPrint(page);
      await page.getByRole('button', { name: 'Друкувати (A4)' }).click();
      assert.equal(await page.evaluate(() => window.__printed), 1);
      let printed = await printedText(page);
      assert.match(printed, /Для: Ткаченко Ганна/);
      assert.match(printed, /Довідка про взяття на облік ВПО — Внутрішньо переміщені особи/);
      assert.match(printed, /Принести до 06\.03\.2026/);
      assert.doesNotMatch(printed, /Друкувати|Назад|Мова списку/, 'buttons do not print');
      await page.getByRole('radio', { name: 'English' }).check();
      // English's texts are fetched the first time it is chosen: the list changes once they are here.
      await page.getByRole('heading', { level: 1, name: 'Documents to bring' }).waitFor();
      printed = await printedText(page);
      assert.match(printed, /Documents to bring/);
      assert.match(printed, /IDP registration certificate — Internally displaced persons/);
      await screenshot(page, 'to-bring-1280x800');
      await page.getByRole('link', { name: 'Назад' }).click();

      // Item 1 as well: the income test to the kopeck against twice the minimum in force on the date.
      await search.fill('низьким доходом');
      await page.getByRole('checkbox', { name: /п\. 1 ч\. 1 ст\. 14 —/ }).check();
      for (let m = 1; m <= 6; m++) await page.getByLabel(`Дохід за місяць ${m}, грн`).fill('6656');
      const figures = page.getByTestId('income-figures');
      await figures.getByText('Дохід не перевищує порогу.').waitFor();
      const f = await figures.textContent();
      assert.match(f, /Прожитковий мінімум \(чинний з 01\.01\.2026\)\s*3\s328,00\sгрн/);
      assert.match(f, /Поріг: 2 прожиткові мінімуми\s*6\s656,00\sгрн/);
      await page.getByLabel('Дохід за місяць 1, грн').fill('6656,01');
      await figures.getByText('Дохід перевищує поріг.').waitFor();
      await page.getByLabel('Дохід за місяць 2, грн').fill('шість');
      await page.getByText('Введіть суму цифрами, наприклад 4 500,50.').waitFor();
      await page.getByLabel('Дохід за місяць 1, грн').fill('6656');
      await page.getByLabel('Дохід за місяць 2, грн').fill('6 656,00');
      await figures.getByText('Дохід не перевищує порогу.').waitFor();

      // The IDP certificate is brought after all: eligible.
      await idpDoc.getByRole('radio', { name: 'Оригінал побачили' }).check();
      await page.getByRole('group', { name: /Документ, що посвідчує особу/ }).getByRole('radio', { name: 'Копію зняли' }).check();
      await page.getByRole('group', { name: /Довідка про доходи/ }).getByRole('radio', { name: 'Оригінал побачили' }).check();
      await outcome.getByText('Має право на БВПД').waitFor();
      assert.match(await outcome.textContent(), /захист, представництво, складення процесуальних документів/);
      assert.match(await page.getByTestId('grants').textContent(), /у 2026 році \(на цьому пристрої й відомих деінде\): 0 з 6/);
      await screenshot(page, 'checklist-eligible-1280x800');

      // The application, prefilled from the card and the checklist.
      const issue = page.getByLabel('Суть питання');
      assert.equal(await issue.inputValue(), 'Орендодавець не повертає заставу, потрібен представник у суді');
      await issue.fill('Орендодавець не повертає заставу 12 000 грн; потрібне представництво в суді');
      await page.getByRole('link', { name: 'Друк заяви (A4)' }).click();
      await page.getByTestId('application').waitFor();
      printed = await printedText(page);
      for (const line of [
        /Заява про надання безоплатної вторинної правничої допомоги/,
        /Прізвище, ім’я, по батькові\s*Ткаченко Ганна/,
        /Місце проживання \(перебування\)\s*м\. Київ, вул\. Січових Стрільців, 12, кв\. 3/,
        /Поштова адреса\s*м\. Київ/,
        /Телефони, електронна пошта\s*\+380675551234/,
        /Орендодавець не повертає заставу 12 000 грн; потрібне представництво в суді/,
        /п\. 14 ч\. 1 ст\. 14 Закону України «Про безоплатну правничу допомогу» — Внутрішньо переміщені особи/,
        /п\. 1 ч\. 1 ст\. 14 Закону України/,
        /Довідка про взяття на облік ВПО \(оригінал\)/,
        /Документ, що посвідчує особу \(копія\)/,
        /Підпис: _+/,
      ]) assert.match(printed, line);
      await screenshot(page, 'application-1280x800');
      await page.getByRole('link', { name: 'Назад' }).click();

      // Signed and accepted: the deadlines in working days; then the decision.
      await page.getByRole('button', { name: 'Заяву підписано й прийнято' }).click();
      assert.match(await page.getByTestId('application-deadlines').textContent(), /Повернути з недоліками — до \d\d\.\d\d\.\d{4}; рішення — до/);
      await page.getByRole('radio', { name: 'Надати БВПД' }).check();
      await page.getByRole('button', { name: 'Записати рішення' }).click();
      await page.getByText('Позначте хоча б один вид БВПД.').waitFor();
      await page.getByRole('checkbox', { name: 'представництво', exact: true }).check();
      await page.getByLabel('Дата рішення').fill('2026-03-10');
      await page.getByRole('button', { name: 'Записати рішення' }).click();
      assert.match(await page.getByTestId('decision').textContent(), /10\.03\.2026: надано БВПД — представництво\./);
      await page.getByTestId('checklist-saved').getByText(/Збережено о/).waitFor();
      await page.waitForTimeout(600);

      // Reload: everything is still there, from IndexedDB.
      await reload(page);
      await page.getByRole('heading', { level: 1, name: 'Право на безоплатну вторинну правничу допомогу' }).waitFor();
      assert.match(await page.getByTestId('decision').textContent(), /надано БВПД — представництво/);
      assert.equal(await page.getByLabel('Дохід за місяць 2, грн').inputValue(), '6 656,00');
      assert.ok(await page.getByRole('checkbox', { name: /п\. 14 ч\. 1 ст\. 14/ }).isChecked());
      assert.ok(await page.getByRole('group', { name: /Довідка про взяття на облік ВПО/ }).getByRole('radio', { name: 'Оригінал побачили' }).isChecked());
      await outcome.getByText('Має право на БВПД').waitFor();

      const [stored] = await readAllIdb(page, 'assessments');
      const rec = JSON.parse(stored.payload);
      assert.equal(rec.on, '2026-03-02');
      assert.equal(rec.rules.version.slice(0, 10), '2026-01-01');
      assert.deepEqual(rec.categories, ['14', '1']);
      assert.deepEqual(rec.income.months.slice(0, 2), ['6656', '6 656,00']);
      assert.equal(rec.decision.verdict, 'granted');
      assert.deepEqual(rec.decision.kinds, { defence: false, representation: true, documents: false });
      assert.equal(rec.application.accepted_on.length, 10);
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a past appeal is assessed on its date; categories found as people say them; ticking never moves a row', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT });
    try {
      const { page } = app;
      await waitForStorage(page);
      // An appeal entered later from a paper form: the minimum of its own date applies, not today's.
      await registerClient(page, { ...CLIENT, surname: 'Гончар', given: 'Олег', noTax: 'not_yet' }, { receivedAt: '2025-12-31T10:00' });
      // His number is to be added later: the client page says so.
      await page.getByTestId('tax-later').getByText('РНОКПП ще не внесено — додайте, коли стане відомий.').waitFor();
      await page.getByRole('link', { name: 'Перевірити право на БВПД' }).click();
      const date = page.getByTestId('assessment-date');
      assert.equal(await date.textContent(), '31.12.2025');
      assert.equal(await page.getByTestId('date-differs').count(), 0);
      await page.getByLabel('Дата перевірки').fill('05.01.2026');
      const differs = page.getByTestId('date-differs');
      await differs.getByText(/Перевірка на 05\.01\.2026, а звернення від 31\.12\.2025\./).waitFor();
      assert.match(await differs.textContent(), /на дату звернення — 3\s?028,00\s?грн, на дату перевірки — 3\s?328,00\s?грн/);
      await differs.getByRole('button', { name: 'Перевіряти на дату звернення' }).click();
      assert.equal(await date.textContent(), '31.12.2025');
      assert.equal(await differs.count(), 0);
      assert.equal(await page.getByLabel('Дата перевірки').inputValue(), '31.12.2025');

      // A grant made at another centre this budget year counts toward the cap.
      const grants = page.getByTestId('grants');
      assert.match(await grants.textContent(), /у 2025 році \(на цьому пристрої й відомих деінде\): 0 з 6/);
      const elsewhere = page.getByTestId('grants-elsewhere');
      await elsewhere.getByLabel('Коли надано БВПД').fill('завтра');
      await elsewhere.getByRole('button', { name: 'Додати рішення' }).click();
      await elsewhere.getByText('Напишіть дату як дд.мм.рррр; не пізніше за сьогодні.').waitFor();
      await elsewhere.getByLabel('Коли надано БВПД').fill('10.06.2025');
      await elsewhere.getByLabel('За яким пунктом ст. 14').selectOption('14');
      await elsewhere.getByLabel('Хто надав').fill('Київський місцевий центр');
      await elsewhere.getByRole('button', { name: 'Додати рішення' }).click();
      await elsewhere.getByText(/10\.06\.2025 · п\. 14 ч\. 1 ст\. 14 — Внутрішньо переміщені особи · Київський місцевий центр/).waitFor();
      await grants.getByText(/: 1 з 6/).waitFor();
      // The line says "saved" since the first tick: wait for this change's write itself (autosave within a second).
      const grantKept = async () => (await readAllIdb(page, 'assessments')).map((r) => JSON.parse(r.payload))
        .some((k) => k.grants_elsewhere?.[0]?.source === 'Київський місцевий центр');
      for (let i = 0; i < 50 && !(await grantKept()); i += 1) await page.waitForTimeout(100);
      assert.ok(await grantKept(), 'kept in IndexedDB');

      const search = page.getByLabel('Пошук категорії');
      const first = () => page.locator('.cats li').first().innerText();
      // Word forms and the words workers use: item 22 by «насильство» (its title says «насильства»), 17 by «УБД».
      await search.fill('насильство');
      assert.match(await first(), /п\. 22 ч\. 1 ст\. 14/);
      await search.fill('УБД');
      assert.match(await first(), /п\. 17 ч\. 1 ст\. 14/);
      await search.fill('переселенка');
      assert.match(await first(), /п\. 14 ч\. 1 ст\. 14/);
      await search.fill('');

      // Every row and the search field stay where they were when a category is ticked and the "saved" line appears.
      // Positions on the page (the page may scroll to bring a box into view; the layout must not move).
      const box = (locator) => locator.evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
      const veterans = page.getByRole('checkbox', { name: /п\. 17 ч\. 1 ст\. 14/ });
      const idp = page.getByRole('checkbox', { name: /п\. 14 ч\. 1 ст\. 14/ });
      const violence = page.getByRole('checkbox', { name: /п\. 22 ч\. 1 ст\. 14/ });
      await page.getByTestId('chosen-categories').getByText('Ще нічого не обрано').waitFor();
      const chosenBox = await page.getByTestId('chosen-categories').boundingBox();
      const before = [await box(search), await box(veterans), await box(idp), await box(violence)];
      await idp.check();
      await page.getByTestId('checklist-saved').getByText(/Збережено о/).waitFor();
      await veterans.check();
      const chosen = page.getByTestId('chosen-categories');
      await chosen.getByText(/п\. 14 ч\. 1 ст\. 14/).waitFor();
      await chosen.getByText(/п\. 17 ч\. 1 ст\. 14/).waitFor();
      // The summary below the list grew; nothing above a row did.
      assert.ok((await chosen.boundingBox()).height > chosenBox.height);
      const after = [await box(search), await box(veterans), await box(idp), await box(violence)];
      after.forEach((y, i) => assert.ok(Math.abs(y - before[i]) < 1, `row ${i} moved by ${y - before[i]} px`));
      // The order of the list itself did not change: 14 is still above 17, 17 above 22.
      assert.ok(after[2] < after[1] && after[1] < after[3]);
      // A chosen category the search hides is taken off from the summary.
      await search.fill('насильство');
      await chosen.getByRole('button', { name: /Прибрати: п\. 14 ч\. 1 ст\. 14/ }).click();
      await search.fill('');
      assert.equal(await idp.isChecked(), false);
      assert.equal(await veterans.isChecked(), true);
      // A foreigner lawfully present qualifies through another item: the outcome names the legal basis.
      assert.equal(await page.getByTestId('foreigner-basis').count(), 0);
      await page.getByRole('checkbox', { name: /ч\. 2 ст\. 14 — Іноземці/ }).check();
      await page.getByTestId('foreigner-basis').getByText(/на підставі ч\. 2 ст\. 14/).waitFor();
      await screenshot(page, 'checklist-chosen-800x1280');
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('rules replaced from Settings: bad or older files refused; a decided checklist keeps its rules', async () => {
    const app = await openApp(env.browser, env.served, { viewport: TABLET_PORTRAIT });
    try {
      const { page } = app;
      await waitForStorage(page);
      await registerClient(page, { ...CLIENT, surname: 'Бондар', given: 'Ігор' });
      await page.getByRole('link', { name: 'Перевірити право на БВПД' }).click();
      await page.getByLabel('Пошук категорії').fill('ветеран');
      await page.getByRole('checkbox', { name: /п\. 17 ч\. 1 ст\. 14/ }).check();
      await page.getByRole('group', { name: /Посвідчення ветерана/ }).getByRole('radio', { name: 'Оригінал побачили' }).check();
      await page.getByRole('button', { name: 'Заяву підписано й прийнято' }).click();
      await page.getByRole('radio', { name: 'Відмовити' }).check();
      await page.getByLabel('Підстава відмови').fill('Питання не стосується статусу ветерана');
      await page.getByRole('button', { name: 'Записати рішення' }).click();
      await page.getByTestId('decision').waitFor();
      await page.getByTestId('checklist-saved').getByText(/Збережено о/).waitFor();
      const checklistUrl = page.url();
      await screenshot(page, 'checklist-decided-800x1280');

      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Налаштування' }).click();
      const inUse = page.getByTestId('rules-in-use');
      await inUse.getByText(/Чинні правила: 2026-01-01.*№ 1.*з застосунку/).waitFor();
      const input = page.getByLabel('Замінити новішим файлом правил');
      const status = page.getByTestId('rules-status');
      const shipped = JSON.parse(await readFile(join(ROOT, 'public', 'rules.json'), 'utf8'));
      const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

      await input.setInputFiles(file('rules.json', '{"format": "pryiom-rules", "serial": 2,'));
      await status.getByText(/Це не файл правил \(помилка в рядку 1/).waitFor();
      await input.setInputFiles(file('rules.json', JSON.stringify(shipped)));
      await status.getByText('Файл не новіший за чинні правила: у файлі — від 01.01.2026, № 1; чинні — від 01.01.2026, № 1. Правила не змінено.').waitFor();
      assert.match(await inUse.textContent(), /№ 1/);
      // Any change to a signed file (a threshold raised) breaks its signature; an unsigned file cannot be checked.
      const forged = structuredClone(shipped);
      forged.serial = 2;
      forged.minimums.at(-1).able_bodied = 9999;
      await input.setInputFiles(file('rules.json', JSON.stringify(forged)));
      await status.getByText(/Підпис файлу правил не збігається/).waitFor();
      delete forged.signature;
      await input.setInputFiles(file('rules.json', JSON.stringify(forged)));
      await status.getByText(/Файл правил не підписаний видавцем правил/).waitFor();
      forged.serial = 4294967295;
      await input.setInputFiles(file('rules.json', JSON.stringify(forged)));
      await status.getByText(/Номер випуску правил у файлі неможливий/).waitFor();
      assert.match(await inUse.textContent(), /№ 1\) · з застосунку/);

      // A reissue signed by the publisher (the same thresholds, serial 2) installs.
      const reissue = await readFile(join(ROOT, 'tests', 'fixtures', 'rules-reissue.json'), 'utf8');
      const reissued = JSON.parse(reissue).version;
      await input.setInputFiles(file('rules-reissue.json', reissue));
      await status.getByText(`Встановлено правила ${reissued}.`).waitFor();
      await inUse.getByText(/\(№ 2\) · встановлені центром/).waitFor();

      // The installed rules survive a reload; the old decision still shows the rules it was made on.
      await page.goto(checklistUrl);
      await reload(page);
      await page.getByTestId('decision').waitFor();
      assert.equal(await page.getByTestId('rules-version').textContent(), shipped.version);
      await page.getByText('Рішення ухвалено за цими правилами; перевірку показано так, як її було зроблено.').waitFor();
      // Correcting the decision re-opens the checklist under the rules in use.
      await page.getByRole('button', { name: 'Виправити рішення' }).click();
      await page.getByTestId('rules-version').getByText(reissued).waitFor();

      // Back to the shipped rules: the installed file is gone from IndexedDB and the trail says who did it.
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Налаштування' }).click();
      await page.getByRole('button', { name: 'Повернути правила з застосунку' }).click();
      await status.getByText(`Встановлені правила прибрано. Чинні правила: ${shipped.version}.`).waitFor();
      await inUse.getByText(/№ 1\) · з застосунку/).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Повернути правила з застосунку' }).count(), 0);
      await page.getByTestId('trail').getByText('Прибрано встановлені правила БВПД').first().waitFor();
      await reload(page);
      await page.getByRole('navigation', { name: 'Розділи' }).getByRole('link', { name: 'Налаштування' }).click();
      await inUse.getByText(/№ 1\) · з застосунку/).waitFor();
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
