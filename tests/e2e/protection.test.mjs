// A lost or shared tablet gives nothing away: a passphrase and a recovery code at first start, everything personal
// sealed in IndexedDB, the lock (button, idle, reload), wrong passphrases and the wait, recovery, a second worker, and
// the upgrade of a device that holds data from the release before encryption.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PASSPHRASE, ROOT, dumpIdb, dumpPlain, openApp, putIdb, readAllIdb, registerClient, reload, screenshot,
  sharedBrowserAndBuild, typeBackGroups, unlock, waitForStorage,
} from './helpers.mjs';

const CLIENT = {
  surname: 'Гончаренко', given: 'Єлизавета', birth: '07.07.1977', phone: '097 765 43 21', tax: '',
  address: 'м. Буча, вул. Вокзальна, 12', document: 'МЕ998877',
};
const FIELDS = ['Гончаренко', 'Єлизавета', '977654321', 'Вокзальна', 'МЕ998877'];

/** Moves the page's clock forward (Date.now only), as if the tablet had been left alone. */
async function later(page, ms) {
  await page.evaluate((ms) => {
    const real = Date.now.bind(Date);
    const shift = (window.__shift ?? 0) + ms;
    window.__shift = shift;
    Date.now = () => real() + shift;
  }, ms);
}

/** What a person could read on the screen, and what the browser keeps outside IndexedDB. */
async function visibleAndKept(page) {
  return page.evaluate(async () => {
    const caches = await globalThis.caches?.keys() ?? [];
    return JSON.stringify({
      text: document.body.innerText, html: document.body.innerHTML, url: location.href,
      local: { ...localStorage }, session: { ...sessionStorage }, caches,
    });
  });
}

describe('data protection', () => {
  const env = sharedBrowserAndBuild();

  test('set-up: the passphrase rule, the recovery code typed back, then everything personal is sealed', async () => {
    const app = await openApp(env.browser, env.served, { gate: false });
    const console = [];
    app.page.on('console', (m) => console.push(m.text()));
    try {
      const { page } = app;
      await page.getByRole('heading', { level: 1, name: 'Захист даних на цьому пристрої' }).waitFor();
      assert.match(await page.locator('main').textContent(), /дані на цьому пристрої буде втрачено назавжди/);
      // The rule: 12 characters or 4 words; the meter follows what is typed.
      await page.getByLabel('Ваше ім’я').fill('Олена Коваль');
      await page.getByLabel('Парольна фраза', { exact: true }).fill('коротка');
      assert.equal(await page.getByTestId('strength').textContent(), 'Надійність: слабка');
      await page.getByLabel('Повторіть парольну фразу').fill('коротка');
      await page.getByRole('button', { name: 'Далі' }).click();
      await page.getByText('Закоротко: потрібно щонайменше 12 символів або 4 слова').waitFor();
      await page.getByLabel('Парольна фраза', { exact: true }).fill(PASSPHRASE);
      assert.equal(await page.getByTestId('strength').textContent(), 'Надійність: сильна');
      await page.getByLabel('Повторіть парольну фразу').fill(`${PASSPHRASE}!`);
      await page.getByRole('button', { name: 'Далі' }).click();
      await page.getByText('Фрази не збігаються.').waitFor();
      await page.getByLabel('Повторіть парольну фразу').fill(PASSPHRASE);
      await screenshot(page, 'protect-setup');
      await page.getByRole('button', { name: 'Далі' }).click();

      // The recovery code: shown once, 40 digits in ten groups, printable.
      const code = (await page.getByTestId('recovery-code').textContent()).replace(/\s+/g, ' ').trim();
      assert.match(code, /^(\d{4} ){9}\d{4}$/);
      await page.getByRole('button', { name: 'Надрукувати для сейфу центру' }).waitFor();
      await screenshot(page, 'protect-code');
      await page.getByRole('button', { name: 'Я записав(ла) код — далі' }).click();
      await typeBackGroups(page, code, { wrong: true });
      await page.getByRole('button', { name: 'Увімкнути захист' }).click();
      await page.getByText('Не збігається з кодом.').waitFor();
      await typeBackGroups(page, code);
      await page.getByRole('button', { name: 'Увімкнути захист' }).click();
      await page.getByTestId('count-clients').waitFor();
      assert.equal(await page.getByTestId('on-duty').textContent(), 'Працює: Олена Коваль');

      await registerClient(page, CLIENT);
      await page.waitForTimeout(800);
      // Sealed in every store, even while unlocked: the fields are in what the app holds, not in what IndexedDB shows.
      const raw = await dumpIdb(page);
      const plain = await dumpPlain(page);
      for (const f of FIELDS) {
        assert.ok(plain.includes(f), `${f} is in the app's data (the check can fail)`);
        assert.ok(!raw.includes(f), `${f} readable in IndexedDB`);
      }
      const keyring = JSON.parse(raw).settings.find((r) => r.id === 'keyring');
      assert.ok(!JSON.stringify(keyring).includes(PASSPHRASE) && !JSON.stringify(keyring).includes(code.replace(/ /g, '')));

      // The Lock button: the screens, the data in the page and the key are gone.
      await page.getByRole('button', { name: 'Заблокувати' }).click();
      await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor();
      await screenshot(page, 'protect-locked');
      const shown = await visibleAndKept(page);
      for (const f of FIELDS) assert.ok(!shown.includes(f), `${f} on the lock screen, in the URL or browser storage`);
      assert.equal(await page.getByRole('navigation', { name: 'Розділи' }).count(), 0);
      for (const f of FIELDS) assert.ok(!(await dumpIdb(page)).includes(f));
      await unlock(page);
      // Back on the client's page, where the worker was.
      await page.getByText('Гончаренко Єлизавета').first().waitFor();
      assert.ok(!console.some((line) => FIELDS.some((f) => line.includes(f))), 'no personal data in the console');
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('idle lock on the intake, then unlock returns to the same draft; a reload comes back locked', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
      await page.getByLabel('Пошук клієнта').fill('Дорошенко Марія');
      await page.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
      await page.getByRole('radio', { name: 'Усно' }).check();
      await page.getByLabel('Хто отримав згоду').fill('Олена Коваль');
      await page.getByRole('button', { name: 'Згоду отримано — далі' }).click();
      await page.getByLabel('Адреса проживання').fill('с. Немішаєве, вул. Лісова, 4');
      // Five idle minutes (the default) pass: the device locks by itself, having saved the draft first.
      await later(page, 5 * 60 * 1000 + 1000);
      await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor({ timeout: 15000 });
      assert.ok(!(await visibleAndKept(page)).includes('Лісова'));
      await unlock(page);
      assert.equal(await page.getByLabel('Прізвище').inputValue(), 'Дорошенко');
      assert.equal(await page.getByLabel('Адреса проживання').inputValue(), 'с. Немішаєве, вул. Лісова, 4');
      // A reload (or a crash) forgets the key too.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Пристрій заблоковано' }).waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('wrong passphrases: a clear message, then a wait that a reload does not reset; the right one still opens', async () => {
    const app = await openApp(env.browser, env.served);
    try {
      const { page } = app;
      await page.getByRole('button', { name: 'Заблокувати' }).click();
      for (let i = 1; i <= 5; i += 1) {
        await page.getByLabel('Парольна фраза', { exact: true }).fill(`не та фраза номер ${i}`);
        await page.getByRole('button', { name: 'Розблокувати' }).click();
        if (i < 5) await page.getByText(`Парольна фраза не підходить. Спроб до паузи: ${5 - i}.`).waitFor();
      }
      const wait = page.getByTestId('unlock-wait');
      await wait.getByText(/Забагато невдалих спроб. Наступна спроба через 0:(30|29|28)/).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Розблокувати' }).isDisabled(), true);
      await screenshot(page, 'protect-wait');
      await page.reload();
      await wait.getByText(/Наступна спроба через 0:[0-3]\d/).waitFor();
      // Thirty seconds later the right passphrase opens; the counter starts again.
      await later(page, 31 * 1000);
      await unlock(page);
      await page.getByTestId('count-clients').waitFor();
      const attempts = JSON.parse((await readAllIdb(page, 'settings')).find((r) => r.id === 'unlock_attempts').payload);
      assert.equal(attempts.failures, 0);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a forgotten passphrase: the recovery code opens the device and sets a new one', async () => {
    const app = await openApp(env.browser, env.served, { gate: false });
    try {
      const { page } = app;
      const code = await waitForStorage(page);
      await page.getByRole('button', { name: 'Заблокувати' }).click();
      await page.getByRole('button', { name: 'Забули парольну фразу?' }).click();
      await page.getByLabel('Код відновлення').fill('1234 5678');
      await page.getByLabel('Нова парольна фраза').fill('нова фраза після відновлення');
      await page.getByLabel('Повторіть парольну фразу').fill('нова фраза після відновлення');
      await page.getByRole('button', { name: 'Відновити доступ' }).click();
      await page.getByText('Код має містити 40 цифр.').waitFor();
      const other = code.split(' ').map((g) => String((Number(g) + 1) % 10000).padStart(4, '0')).join(' ');
      await page.getByLabel('Код відновлення').fill(other);
      await page.getByRole('button', { name: 'Відновити доступ' }).click();
      await page.getByText('Цей код не підходить до цього пристрою.').waitFor();
      await page.getByLabel('Код відновлення').fill(code.replace(/ /g, '-'));
      await page.getByRole('button', { name: 'Відновити доступ' }).click();
      await page.getByTestId('count-clients').waitFor();
      // The old passphrase no longer opens; the new one does.
      await page.getByRole('button', { name: 'Заблокувати' }).click();
      await unlock(page, { passphrase: PASSPHRASE });
      await page.getByText('Парольна фраза не підходить.').waitFor();
      await unlock(page, { passphrase: 'нова фраза після відновлення' });
      await page.getByTestId('count-clients').waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('two workers: each unlocks with their own passphrase and is named; removing one leaves the other', async () => {
    const app = await openApp(env.browser, env.served, { hash: '#/settings' });
    try {
      const { page } = app;
      await page.getByRole('heading', { level: 2, name: 'Захист даних' }).waitFor();
      await page.getByLabel('Ім’я працівника').fill('Іван Петренко');
      await page.getByLabel('Парольна фраза', { exact: true }).fill('іван має свою фразу');
      await page.getByLabel('Повторіть парольну фразу').first().fill('іван має свою фразу');
      await page.getByRole('button', { name: 'Додати працівника' }).click();
      await page.getByTestId('add-worker-status').getByText('Працівника додано.').waitFor();
      // The trail on the same page shows it at once.
      await page.getByTestId('trail').getByText('Додано працівника').waitFor();
      await screenshot(page, 'protect-settings');
      await page.getByRole('button', { name: 'Заблокувати' }).click();
      await page.getByRole('radio', { name: 'Іван Петренко' }).waitFor();
      await unlock(page, { passphrase: PASSPHRASE, worker: 'Іван Петренко' });
      await page.getByText('Парольна фраза не підходить.').waitFor();
      await unlock(page, { passphrase: 'іван має свою фразу', worker: 'Іван Петренко' });
      await page.getByTestId('on-duty').getByText('Працює: Іван Петренко').waitFor();
      // The trail as kept (opened with Olena's passphrase while her slot is there): ids, times, names of workers only.
      const events = (await readAllIdb(page, 'audit')).map((r) => JSON.parse(r.payload));
      assert.deepEqual(events.map((e) => e.action).sort(),
        ['lock', 'set_up', 'unlock', 'unlock_failed', 'worker_added'], JSON.stringify(events));
      for (const e of events) {
        assert.deepEqual(Object.keys(e).filter((k) => !['id', 'at', 'device_id', 'worker', 'slot_id', 'action',
          'subject', 'count'].includes(k)), []);
      }
      // A damaged event (it opens with the data key but is no event), for the trail below.
      const [one] = await readAllIdb(page, 'audit');
      await putIdb(page, 'audit', { ...one, id: '00000000-0000-4000-8000-0000000000ee', payload: '{"damaged":true}' });
      // Olena's slot removed by Ivan: only Ivan can unlock now.
      await page.getByRole('link', { name: 'Налаштування', exact: true }).click();
      const olena = page.getByRole('listitem').filter({ hasText: 'Олена Коваль' });
      await olena.getByRole('button', { name: 'Прибрати' }).click();
      await olena.getByRole('button', { name: 'Прибрати' }).click();
      await page.getByText('Працівника прибрано.').waitFor();
      await page.getByRole('button', { name: 'Заблокувати' }).click();
      await page.getByText('Працює: Іван Петренко').waitFor();
      assert.equal(await page.getByRole('radio').count(), 0, 'one worker left: nobody to choose');
      await unlock(page, { passphrase: 'іван має свою фразу' });
      await page.getByTestId('on-duty').waitFor();

      // The audit trail names each worker for what they did; it holds ids, never a client's name.
      await page.getByRole('link', { name: 'Налаштування', exact: true }).click();
      const trail = page.getByRole('region', { name: 'Журнал дій' });
      await trail.getByTestId('trail').waitFor();
      const rows = async () => (await trail.getByTestId('trail').getByRole('listitem').allInnerTexts())
        .map((t) => t.replace(/\s+/g, ' '));
      await trail.getByRole('combobox', { name: 'Працівник' }).selectOption('Олена Коваль');
      let olenas = await rows();
      for (const what of ['Увімкнено захист даних', 'Додано працівника', 'Заблоковано']) {
        assert.ok(olenas.some((r) => r.includes('Олена Коваль') && r.includes(what)), `${what} by Olena: ${olenas}`);
      }
      assert.ok(olenas.every((r) => r.includes('Олена Коваль')));
      await trail.getByRole('combobox', { name: 'Працівник' }).selectOption('Іван Петренко');
      const ivans = await rows();
      for (const what of ['Невдала спроба розблокувати', 'Розблоковано', 'Прибрано працівника']) {
        assert.ok(ivans.some((r) => r.includes('Іван Петренко') && r.includes(what)), `${what} by Ivan: ${ivans}`);
      }
      await trail.getByRole('combobox', { name: 'Дія' }).selectOption({ label: 'Невдала спроба розблокувати' });
      assert.equal((await rows()).length, 1, 'the one failed try, recorded at the next unlock');
      await screenshot(page, 'protect-trail');
      // The damaged event put in above: the others show, and the trail says one could not be read.
      assert.match(await trail.getByTestId('trail-unreadable').textContent(), /^1 запис не вдалося прочитати\. /);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  test('a device with data from the release before encryption: set-up seals every record, and all are kept', async () => {
    const fixture = JSON.parse(await readFile(join(ROOT, 'tests/fixtures/plain-db-950a03f.json'), 'utf8'));
    // The fixture's unfinished intake was made on 2026-11-28; an intake untouched longer than Settings' period is
    // erased at unlock (as it should be), so it is dated today here: the migration must keep it.
    const today = new Date().toISOString();
    for (const d of fixture.drafts) {
      d.updated_at = today;
      d.payload = JSON.stringify({ ...JSON.parse(d.payload), updated_at: today });
    }
    const app = await openApp(env.browser, env.served, { gate: false });
    try {
      const { page } = app;
      await page.getByRole('heading', { level: 1, name: 'Захист даних на цьому пристрої' }).waitFor();
      // The old release's records, exactly as it stored them (its device settings replace the new ones).
      for (const [store, records] of Object.entries(fixture)) for (const r of records) await putIdb(page, store, r);
      const names = ['Шевчук', 'Бондаренко', 'ЕА123456', 'Ткаченко', '063 444 55 66'];
      for (const n of names) assert.ok((await dumpIdb(page)).includes(n), `${n} in clear before`);
      await reload(page);
      for (const n of names) assert.ok(!(await dumpIdb(page)).includes(n), `${n} still in clear after set-up`);
      for (const store of ['clients', 'appeals', 'drafts']) {
        const now = await readAllIdb(page, store);
        assert.equal(now.length, fixture[store].length, `${store}: every record kept`);
        for (const r of now) {
          const was = fixture[store].find((w) => w.id === r.id);
          assert.ok(r.sealed, `${store}/${r.id} sealed`);
          assert.deepEqual(JSON.parse(r.payload), JSON.parse(was.payload), `${store}/${r.id} unchanged`);
          assert.equal(r.rev, was.rev);
        }
      }
      await page.getByTestId('count-clients').getByText('2').waitFor();
      await page.getByRole('link', { name: 'Клієнти', exact: true }).first().click();
      await page.getByText('Шевчук Ганна').first().waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
