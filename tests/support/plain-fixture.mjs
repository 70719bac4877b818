// Makes tests/fixtures/plain-db-950a03f.json: every store of the IndexedDB of the release BEFORE encryption at rest
// (commit 950a03f), after registering clients with appeals and a checklist as a worker does. The migration test loads
// it into a fresh profile and sets a passphrase on it. Run from a checkout of that commit with its dist/ built:
//   node tests/support/plain-fixture.mjs OUT.json
import { writeFile } from 'node:fs/promises';
import { dumpIdb, launchBrowser, openApp, registerClient, serveBuild, waitForStorage } from '../e2e/helpers.mjs';

const out = process.argv[2];
const browser = await launchBrowser();
const served = await serveBuild();
try {
  const app = await openApp(browser, served);
  await waitForStorage(app.page);
  await registerClient(app.page, { surname: 'Шевчук', given: 'Ганна', birth: '12.03.1961', phone: '067 111 22 33',
    tax: '', address: 'м. Ірпінь, вул. Садова, 7', document: 'ЕА123456' });
  await registerClient(app.page, { surname: 'Бондаренко', given: 'Петро', birth: '01.09.1949', phone: '050 999 88 77', tax: '',
    address: 'с. Гостомель, вул. Миру, 3', document: 'КВ765432' }, { aid: 'Консультація та роз’яснення' });
  // The intake left half-typed: a draft.
  await app.page.getByRole('link', { name: 'Нове звернення', exact: true }).first().click();
  await app.page.getByLabel('Пошук клієнта').fill('Ткаченко Олег');
  await app.page.getByRole('button', { name: 'Зареєструвати нового клієнта' }).click();
  await app.page.getByRole('radio', { name: 'Усно' }).check();
  await app.page.getByLabel('Хто отримав згоду').fill('Олена Коваль');
  await app.page.getByRole('button', { name: 'Згоду отримано — далі' }).click();
  await app.page.getByLabel('Прізвище').fill('Ткаченко');
  await app.page.getByLabel('Телефони').fill('063 444 55 66');
  await app.page.waitForTimeout(1500);
  const dump = JSON.parse(await dumpIdb(app.page));
  await writeFile(out, JSON.stringify(dump, null, 1));
  await app.close();
} finally {
  await browser.close();
  await served.cleanup();
}
