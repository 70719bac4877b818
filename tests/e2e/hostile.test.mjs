// Files from a hostile world: crafted batch, directory and rules files, each imported as a worker would (the file
// chooser of its screen), each with the message the worker must see, and for every one a dump of every IndexedDB
// store before and after that must be equal: a refused file changes nothing. The batches are made from the app's
// own export, with checksums recomputed where the test is about what lies past them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARTIFACTS, ROOT, TABLET_LANDSCAPE, dumpIdb, openApp, registerClient, sharedBrowserAndBuild, waitForStorage,
} from './helpers.mjs';

const DIR = join(ARTIFACTS, 'hostile');
const PYTHON = process.env.PRYIOM_PYTHON || 'python3';

/** Crafted batches that the published JSON Schema refuses too (checked with Python's jsonschema): one rule set. */
const SCHEMA_REFUSES = new Set([
  'a 3 MB unknown field', 'no manifest', 'markup as batch id', 'a manifest date in words', 'a creation date in words',
  'born on 31 February', 'an empty surname', 'a phone not as the form writes it', 'an unknown field in a card',
  'a missing consent', 'an id that is not a UUID', 'a checklist with only an id', 'an unknown record type', 'revision 0',
  'revision 2^53', 'a negative revision', 'a change time in words', 'an appeal received in words',
  'a follow-up date in words', 'no personal data, not withdrawn', 'a withdrawn card that keeps personal data',
  'a reason for no documents beside a document', 'a correction of a field the card has not',
  'a withdrawn card whose history keeps the values', 'a merged card that keeps personal data',
]);

/** Canonical JSON as the app and the schema define it (keys sorted, no whitespace, non-ASCII as is). */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
const sha = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Every checksum made right again (the signature, which then no longer holds, is left out: files may be unsigned). */
function reseal(file) {
  for (const r of file.records) r.sha256 = sha(canonical(r.data));
  file.manifest.payload_sha256 = sha(canonical(file.records));
  delete file.manifest.signature;
  return file;
}

const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

describe('hostile files', () => {
  const env = sharedBrowserAndBuild();

  test('every crafted batch, directory and rules file is refused with its message, and nothing changes', async () => {
    await mkdir(DIR, { recursive: true });
    const app = await openApp(env.browser, env.served, { viewport: TABLET_LANDSCAPE });
    try {
      const { page } = app;
      await waitForStorage(page);
      await registerClient(page, { surname: 'Ковальчук', given: 'Ганна', birth: '04.04.1975', phone: '067 555 44 33', tax: '' });
      const nav = page.getByRole('navigation', { name: 'Розділи' });
      await nav.getByRole('link', { name: 'Експорт' }).click();
      await page.getByRole('checkbox', { name: 'Я розумію: зберігати файли без шифрування' }).check();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Створити пакет і зберегти файл' }).click();
      const text = await readFile(await (await download).path(), 'utf8');
      await page.getByTestId('export-status').getByText('Пакет створено').waitFor();
      const base = () => JSON.parse(text);
      const clientAt = base().records.findIndex((r) => r.type === 'client');
      const appealAt = base().records.findIndex((r) => r.type === 'appeal');
      const n = (i) => i + 1;
      const id = (i) => base().records[i].id;
      /** The app's batch with `change` applied to its client's data (or another part), checksums made right. */
      const client = (change) => { const f = base(); change(f.records[clientAt].data, f); return JSON.stringify(reseal(f)); };
      const appeal = (change) => { const f = base(); change(f.records[appealAt].data, f); return JSON.stringify(reseal(f)); };
      const whole = (change) => { const f = base(); change(f); return JSON.stringify(f); };
      const resealed = (change) => { const f = base(); change(f); return JSON.stringify(reseal(f)); };
      const invalid = (i, field) => `Запис № ${n(i)} (${id(i)}) неправильний: неправильне значення в полі ${field}. Нічого не змінено.`;
      const UUID = '0b6c3c1e-2f4a-4b5c-8d6e-7f8091a2b3c4';
      const big = 'Ш'.repeat(3 * 1024 * 1024);

      const batches = [
        ['not JSON', '{"format": nope}', /^Це не файл пакета \(помилка в рядку 1, позиція \d+\)\. Нічого не змінено\.$/],
        ['cut off', text.slice(0, text.length / 2), 'Файл обірвано: він неповний (можливо, не докопіювався). Нічого не змінено.'],
        ['empty', '', 'Файл обірвано: він неповний (можливо, не докопіювався). Нічого не змінено.'],
        ['an array', '[1, 2]', /^Це не пакет «Прийому» або його частину пошкоджено/],
        ['a directory file', whole((f) => { f.format = 'pryiom-directory'; }), /^Це не пакет «Прийому».*\(неправильне значення в полі format\)/],
        ['format version 2', whole((f) => { f.version = 2; }), 'Пакет створено новішою версією формату (2). Оновіть застосунок. Нічого не змінено.'],
        ['format version 0', whole((f) => { f.version = 0; }), /^Такої версії формату пакета немає \(0\)/],
        ['version as text', whole((f) => { f.version = '1'; }), /\(неправильне значення в полі version\)/],
        ['a 3 MB unknown field', whole((f) => { f.comment = big; }), /\(поле comment, якого немає у форматі\)/],
        ['no manifest', whole((f) => { delete f.manifest; }), /\(немає обов’язкового поля manifest\)/],
        ['markup as batch id', whole((f) => { f.manifest.batch_id = '<img src=x onerror=alert(1)>'; }), /\(неправильне значення в полі manifest\.batch_id\)/],
        ['another idempotency key', whole((f) => { f.manifest.idempotency_key = UUID; }), /\(неправильне значення в полі manifest\.idempotency_key\)/],
        ['a manifest date in words', whole((f) => { f.manifest.created_at = 'позавчора'; }), /\(неправильне значення в полі manifest\.created_at\)/],
        ['a reversed worker name', whole((f) => { f.manifest.worker = '\u202EОлена'; }), /^В описі пакета \(поле worker\) є прихований керівний символ/],
        ['a record changed after export', whole((f) => { f.records[clientAt].data.personal.surname = 'Ковальчук-Нова'; }),
          `Запис № ${n(clientAt)} (${id(clientAt)}) змінено після експорту: контрольна сума не збігається. Нічого не змінено.`],
        ['a 3 MB surname', client((d) => { d.personal.surname = big; }), `Запис № ${n(clientAt)} (${id(clientAt)}) завеликий: більше за 256 КБ. Нічого не змінено.`],
        ['a 6,000-letter surname', client((d) => { d.personal.surname = 'Ш'.repeat(6000); }),
          `Запис № ${n(clientAt)} (${id(clientAt)}): поле personal.surname довше за 5000 символів. Нічого не змінено.`],
        ['a creation date in words', client((d) => { d.created_at = 'позавчора'; }), invalid(clientAt, 'created_at')],
        ['born in 2999', client((d) => { d.personal.birth_date = '2999-01-01'; }), invalid(clientAt, 'personal.birth_date')],
        ['born on 31 February', client((d) => { d.personal.birth_date = '1990-02-31'; }), invalid(clientAt, 'personal.birth_date')],
        ['an empty surname', client((d) => { d.personal.surname = ' '; }), invalid(clientAt, 'personal.surname')],
        ['a phone not as the form writes it', client((d) => { d.personal.phones = ['067 555 44 33']; }), invalid(clientAt, 'personal.phones')],
        ['a wrong tax number', client((d) => { d.personal.tax_number = '1234567890'; d.personal.tax_refused = false; }), invalid(clientAt, 'personal.tax_number')],
        ['no address and not homeless', client((d) => { d.personal.address = ''; }), invalid(clientAt, 'personal.address')],
        ['a reason for no documents beside a document', client((d) => { d.personal.no_documents_reason = 'lost'; }),
          invalid(clientAt, 'personal.no_documents_reason')],
        ['a correction of a field the card has not', client((d) => {
          d.history = [{ at: '2026-11-20T10:00:00Z', by: 'Олена Коваль', fields: [{ field: 'notes', from: 'a', to: 'b' }] }];
        }), invalid(clientAt, 'history.0.fields')],
        ['a withdrawn card whose history keeps the values', client((d) => {
          d.consent.withdrawn_at = '2026-11-20T10:00:00Z';
          d.personal = null;
          d.history = [{ at: '2026-11-20T09:00:00Z', by: 'Олена Коваль', fields: [{ field: 'surname', from: 'Коваль', to: 'Ковальчук' }] }];
        }), invalid(clientAt, 'history.0.fields')],
        ['a merged card that keeps personal data', client((d) => {
          d.merged_into = { id: UUID, at: '2026-11-20T10:00:00Z', by: 'Олена Коваль' };
        }), invalid(clientAt, 'personal')],
        ['a card merged into itself', client((d) => {
          d.personal = null;
          d.merged_into = { id: d.id, at: '2026-11-20T10:00:00Z', by: 'Олена Коваль' };
        }), invalid(clientAt, 'merged_into.id')],
        ['a withdrawn card that keeps personal data', client((d) => { d.consent.withdrawn_at = '2026-11-20T10:00:00Z'; }), invalid(clientAt, 'personal')],
        ['no personal data, not withdrawn', client((d) => { d.personal = null; }), invalid(clientAt, 'personal')],
        ['a reversed surname', client((d) => { d.personal.surname = 'Ков\u202Eальчук'; }),
          /^Запис № \d \([0-9a-f-]{36}\): у полі personal\.surname є прихований керівний символ/],
        ['NUL in an account', appeal((d) => { d.account = 'Борг\u0000'; }), /^Запис № \d \([0-9a-f-]{36}\): у полі account є прихований керівний символ/],
        ['an unknown field in a card', client((d) => { d.notes = 'дані, яких формат не має'; }),
          `Запис № ${n(clientAt)} (${id(clientAt)}) неправильний: поле notes, якого немає у форматі. Нічого не змінено.`],
        ['a field written twice in a card', client(() => {}).replace(`"id":"${id(clientAt)}","personal"`, `"id":"${id(clientAt)}","id":"${id(clientAt)}","personal"`),
          `Запис № ${n(clientAt)} (${id(clientAt)}) неправильний: поле id повторюється. Нічого не змінено.`],
        ['a missing consent', client((d) => { delete d.consent; }),
          `Запис № ${n(clientAt)} (${id(clientAt)}) неправильний: немає обов’язкового поля consent. Нічого не змінено.`],
        ['an empty id', resealed((f) => { f.records[clientAt].id = ''; f.records[clientAt].data.id = ''; }),
          `Запис № ${n(clientAt)} має неправильний ідентифікатор (порожній, задовгий або з керівними символами). Нічого не змінено.`],
        ['an id that is not a UUID', resealed((f) => { f.records[clientAt].id = 'c1'; f.records[clientAt].data.id = 'c1'; }),
          `Запис № ${n(clientAt)} (c1) неправильний: неправильне значення в полі id. Нічого не змінено.`],
        ['an id unlike the data', resealed((f) => { f.records[clientAt].id = UUID; }),
          `Запис № ${n(clientAt)} (${UUID}) неправильний: ідентифікатор у даних не збігається з ідентифікатором запису. Нічого не змінено.`],
        ['a checklist with only an id', resealed((f) => {
          f.records.push({ type: 'checklist', id: UUID, rev: 1, updated_at: '2026-11-20T10:00:00Z', sha256: '', data: { id: UUID } });
        }), `Запис № ${base().records.length + 1} (${UUID}) неправильний: неправильне значення в полі appeal_id. Нічого не змінено.`],
        ['an unknown record type', resealed((f) => { f.records[clientAt].type = 'payment'; }), /^Це не пакет «Прийому».*records\[\d+\]\.type/],
        ['revision 0', resealed((f) => { f.records[clientAt].rev = 0; }), invalid(clientAt, 'rev')],
        ['revision 2^53', resealed((f) => { f.records[clientAt].rev = 2 ** 53; }), invalid(clientAt, 'rev')],
        ['revision 2^64-1', resealed((f) => { f.records[clientAt].rev = 1234567; }).replace('"rev":1234567', '"rev":18446744073709551615'), invalid(clientAt, 'rev')],
        ['a negative revision', resealed((f) => { f.records[clientAt].rev = -1; }), /^Це не пакет «Прийому».*records\[\d+\]\.rev/],
        ['a change time in words', resealed((f) => { f.records[clientAt].updated_at = 'вчора'; }), invalid(clientAt, 'updated_at')],
        ['an appeal received in words', appeal((d) => { d.received_at = 'вчора'; }), invalid(appealAt, 'received_at')],
        ['a referral without an organisation', appeal((d) => { d.aid = 'referral'; }), invalid(appealAt, 'referral')],
        ['a follow-up date in words', appeal((d) => { d.follow_up = 'завтра'; }), invalid(appealAt, 'follow_up')],
        ['the same record twice', resealed((f) => { f.records.push(structuredClone(f.records[clientAt])); }),
          `Запис № ${base().records.length + 1} (${id(clientAt)}) трапляється в пакеті двічі. Нічого не змінено.`],
        ['records reordered', whole((f) => { f.records.reverse(); }), 'Склад пакета змінено: записи додано, вилучено чи переставлено. Нічого не змінено.'],
        ['counts that lie', resealed((f) => { f.manifest.counts.clients += 1; }), 'Кількість записів не збігається з описом пакета. Нічого не змінено.'],
        ['a manifest changed after signing', whole((f) => { f.manifest.device_label = 'Інший планшет'; }), /^Підпис пристрою не збігається з описом пакета/],
        ['the same revision with other data', appeal((d) => { d.account = 'Інша версія того самого звернення'; }),
          `Запис № ${n(appealAt)} (${id(appealAt)}) уже є на пристрої з тією самою версією, але з іншими даними: одну з копій змінено поза застосунком. Нічого не змінено.`],
      ];

      const before = await dumpIdb(page);
      const input = page.getByLabel('Вибрати файл пакета');
      const status = page.getByTestId('import-status');
      const seen = [];
      const forSchema = [];
      for (const [what, crafted, expected] of batches) {
        if (SCHEMA_REFUSES.has(what)) {
          const path = join(DIR, `schema-${forSchema.length}.json`);
          await writeFile(path, crafted);
          forSchema.push([what, path]);
        }
        await input.setInputFiles(file(`${what}.json`, crafted));
        await status.getByText(expected).waitFor({ timeout: 15000 }).catch(async () => {
          assert.fail(`${what}: expected ${expected}, got ${JSON.stringify(await status.textContent())}`);
        });
        const shown = await status.textContent();
        assert.ok(shown.length < 400 && !shown.includes('Ш'.repeat(50)) && !shown.includes('Ковальчук'), `${what}: ${shown}`);
        assert.equal(await dumpIdb(page), before, `${what}: IndexedDB changed`);
        assert.notEqual(crafted, text, `${what}: the file is crafted`);
        seen.push(what);
      }
      assert.equal(forSchema.length, SCHEMA_REFUSES.size);
      // The published schema refuses them as well (an independent validator, not the app's code).
      const verdicts = execFileSync(PYTHON, ['-c', `
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
for p in sys.argv[2:]:
    try:
        doc = json.load(open(p, encoding="utf-8"))
    except ValueError:
        print("not json"); continue
    print("valid" if v.is_valid(doc) else "invalid")
`, join(ROOT, 'schema/pryiom-batch-1.schema.json'), ...forSchema.map(([, p]) => p)], { encoding: 'utf8' }).trim().split('\n');
      forSchema.forEach(([what], i) => assert.equal(verdicts[i], 'invalid', `the schema accepts "${what}"`));

      // Over the size limit: refused by its size, before a byte is read (a sparse file on disk).
      const huge = join(DIR, 'huge.json');
      await writeFile(huge, '');
      await truncate(huge, 130 * 1024 * 1024);
      await input.setInputFiles(huge);
      await status.getByText('Файл завеликий: більше за 128 МБ. Його не прочитано, нічого не змінено.').waitFor();
      assert.equal(await dumpIdb(page), before, 'huge batch: IndexedDB changed');
      await rm(huge);
      seen.push('over 128 MB');

      // Directory files.
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      await page.getByRole('link', { name: 'Довідник організацій' }).click();
      // The directory's own screen (loaded on demand), not Settings' rules-file input, takes the files.
      await page.getByTestId('directory-status').waitFor({ state: 'attached' });
      const org = { id: 'org-1', name: 'ЦНАП', address: 'м. Буча, вул. Енергетиків, 12', phone: '0 800 500 123',
        hours: 'пн–пт 9:00–17:00', contact: '', topics: ['документи'] };
      const dir = (change) => { const d = { format: 'pryiom-directory', version: 1, organisations: [{ ...org }] }; change(d); return JSON.stringify(d); };
      const directories = [
        ['not JSON', '{"format": "pryiom-directory", ', /^Це не файл довідника \(помилка в рядку 1/],
        ['a batch file', text, 'Це файл іншого формату, не довідник «Прийому». Нічого не змінено.'],
        ['version 9', dir((d) => { d.version = 9; }), 'Файл створено новішою версією застосунку (формат 9). Оновіть застосунок. Нічого не змінено.'],
        ['version 0', dir((d) => { d.version = 0; }), 'Це файл іншого формату, не довідник «Прийому». Нічого не змінено.'],
        ['no hours', dir((d) => { d.organisations[0].hours = ''; }), 'В організації №1 не заповнено поле «hours». Нічого не змінено.'],
        ['an id twice', dir((d) => { d.organisations.push({ ...org, name: 'Інший' }); }), /^Організація № 2 має той самий ідентифікатор/],
        ['a reversed phone', dir((d) => { d.organisations[0].phone = '\u202E0 800 500 123'; }), /^Організація № 1: у полі phone є прихований керівний символ/],
        ['a 5,000-letter name', dir((d) => { d.organisations[0].name = 'Ц'.repeat(5000); }), 'Організація № 1: поле name довше за 1000 символів. Нічого не змінено.'],
        ['over 2 MB', ' '.repeat(2 * 1024 * 1024 + 1), 'Файл завеликий: більше за 2 МБ. Його не прочитано, нічого не змінено.'],
      ];
      const dirInput = page.locator('input[type=file]');
      const dirStatus = page.getByTestId('directory-status');
      for (const [what, crafted, expected] of directories) {
        await dirInput.setInputFiles(file(`${what}.json`, crafted));
        await dirStatus.getByText(expected).waitFor({ timeout: 15000 }).catch(async () => {
          assert.fail(`directory, ${what}: expected ${expected}, got ${JSON.stringify(await dirStatus.textContent())}`);
        });
        assert.equal(await dumpIdb(page), before, `directory, ${what}: IndexedDB changed`);
        seen.push(`directory: ${what}`);
      }

      // Rules files.
      await nav.getByRole('link', { name: 'Налаштування' }).click();
      const shippedText = await readFile(join(ROOT, 'public', 'rules.json'), 'utf8');
      const rules = (change) => { const r = JSON.parse(shippedText); change(r); return JSON.stringify(r); };
      const unchanged = 'Правила не змінено.';
      const rulesFiles = [
        ['not JSON', '{"format": "pryiom-rules", "serial": 2,', /^Це не файл правил \(помилка в рядку 1/],
        ['a batch file', text, `Це файл іншого формату, не правила БВПД. ${unchanged}`],
        ['the shipped file again', shippedText, /^Файл не новіший за чинні правила: у файлі — від 01\.01\.2026, № 1; чинні — від 01\.01\.2026, № 1\./],
        ['unsigned', rules((r) => { delete r.signature; r.serial = 2; }), /^Файл правил не підписаний видавцем правил/],
        ['a threshold raised after signing', rules((r) => { r.minimums.at(-1).able_bodied *= 3; }), /^Підпис файлу правил не збігається/],
        ['a later date after signing', rules((r) => { r.effective = '2030-01-01'; }), /^Підпис файлу правил не збігається/],
        ['signed by an unknown key', rules((r) => { r.serial = 2; r.signature.public_key = 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik='; }),
          /^Підпис файлу правил не збігається/],
        ['serial 4294967295', rules((r) => { r.serial = 4294967295; }), `Номер випуску правил у файлі неможливий (від 1 до 999 999). ${unchanged}`],
        ['serial 0', rules((r) => { r.serial = 0; }), `Номер випуску правил у файлі неможливий (від 1 до 999 999). ${unchanged}`],
        ['no effective date', rules((r) => { delete r.effective; }), `У файлі немає дати, з якої правила діють. ${unchanged}`],
        ['no categories', rules((r) => { r.categories = []; }), `У файлі немає жодної категорії. ${unchanged}`],
        ['a category twice', rules((r) => { r.categories.push(r.categories[0]); }), /^Категорія «.+» у файлі двічі\./],
        ['a zero minimum', rules((r) => { r.minimums[0].general = 0; }), `Рядок прожиткового мінімуму № 1 неправильний. ${unchanged}`],
        ['over 1 MB', ' '.repeat(1024 * 1024 + 1), 'Файл завеликий: більше за 1 МБ. Його не прочитано, нічого не змінено.'],
      ];
      const rulesInput = page.getByLabel('Замінити новішим файлом правил');
      const rulesStatus = page.getByTestId('rules-status');
      for (const [what, crafted, expected] of rulesFiles) {
        await rulesInput.setInputFiles(file(`${what}.json`, crafted));
        await rulesStatus.getByText(expected).waitFor({ timeout: 15000 }).catch(async () => {
          assert.fail(`rules, ${what}: expected ${expected}, got ${JSON.stringify(await rulesStatus.textContent())}`);
        });
        assert.equal(await dumpIdb(page), before, `rules, ${what}: IndexedDB changed`);
        seen.push(`rules: ${what}`);
      }
      await page.getByTestId('rules-in-use').getByText(/№ 1\) · з застосунку/).waitFor();
      assert.ok(seen.length >= 40, `${seen.length} hostile files`);
      assert.deepEqual(app.foreign, []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });
});
