// Synthetic Ukrainian clients and appeals for the benchmarks, and seeding them straight into IndexedDB.
import { randomUUID } from 'node:crypto';

const SURNAMES = ['Шевченко', 'Коваленко', 'Бондаренко', 'Ткаченко', 'Кравченко', 'Олійник', 'Шевчук', 'Коваль', 'Поліщук',
  'Бондар', 'Ткачук', 'Мельник', 'Марченко', 'Савченко', 'Руденко', 'Лисенко', 'Гнатюк', 'Петренко', 'Клименко', 'Павленко',
  'Кузьменко', 'Левченко', 'Харченко', 'Мороз', 'Литвиненко', 'Карпенко', 'Сидоренко', 'Гончаренко', 'Романенко', 'Зінченко',
  'Приходько', 'Кравчук', 'Костенко', 'Ярошенко', 'Мартинюк', 'Пономаренко', 'Коломієць', 'Гуменюк', 'Вакуленко', 'Дяченко'];
const MEN = ['Олександр', 'Сергій', 'Андрій', 'Володимир', 'Микола', 'Іван', 'Юрій', 'Віктор', 'Олег', 'Василь', 'Дмитро', 'Євген', 'Ігор', 'Петро'];
const WOMEN = ['Олена', 'Наталія', 'Тетяна', 'Ірина', 'Світлана', 'Марʼяна', 'Оксана', 'Юлія', 'Людмила', 'Галина', 'Ганна', 'Катерина', 'Ярина', 'Валентина'];
const FATHERS = ['Олександр', 'Іван', 'Петр', 'Миколай', 'Василь', 'Володимир', 'Сергій', 'Андрій'];
const AREAS = ['соціальне забезпечення', 'житлові питання', 'сімейні питання', 'спадщина', 'земельні питання', 'трудові питання', 'пенсії'];
const AIDS = ['legal_information', 'consultation', 'drafting_documents', 'access_to_secondary', 'not_legal_aid'];

function rng(seed) { return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648); }
const uuid = () => randomUUID();
function taxNumber(birth) {
  const days = Math.round((Date.UTC(...birth.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0))) - Date.UTC(1899, 11, 31)) / 86400000);
  const nine = String(days).padStart(5, '0') + String(Math.floor(Math.random() * 10000)).padStart(4, '0');
  const w = [-1, 5, 7, 9, 4, 6, 10, 5, 7];
  const sum = [...nine].reduce((s, d, i) => s + w[i] * Number(d), 0);
  return nine + String((((sum % 11) + 11) % 11) % 10);
}
const patronymic = (f, female) => (f.endsWith('й') ? f.slice(0, -1) + (female ? 'ївна' : 'йович') : f + (female ? 'івна' : 'ович'));

export function seedData(n, appealsPerClient = null) {
  const r = rng(42);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const clients = [];
  const appeals = [];
  for (let i = 0; i < n; i++) {
    const female = r() < 0.55;
    const id = uuid();
    const birth = `${1940 + Math.floor(r() * 65)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
    const personal = {
      surname: pick(SURNAMES), given_name: pick(female ? WOMEN : MEN), patronymic: patronymic(pick(FATHERS), female),
      birth_date: birth, sex: female ? 'female' : 'male', phones: [`+38067${String(1000000 + i).slice(-7)}`], email: '',
      address: `с. Бородянка, вул. Центральна, ${i % 300}`, registration_address: '', no_fixed_address: false,
      document_kind: 'id_card', document_series: '', document_number: String(100000000 + i), no_documents: false,
      tax_number: taxNumber(birth), tax_refused: false, language: 'українська',
      needs: { cannot_read_write: false, hearing: false, vision: false, mobility: false }, representative_id: null,
    };
    const client = {
      id, created_at: '2026-10-01T09:00:00.000Z',
      consent: { text_version: '2026-11', text_lang: 'uk', form: 'oral', given_at: '2026-10-01T09:00:00.000Z', taken_by: 'Олена', withdrawn_at: null, withdrawn_by: null },
      personal,
    };
    clients.push({ id, rev: 1, updated_at: client.created_at, codec: 1, payload: JSON.stringify(client) });
    const k = appealsPerClient ?? 1 + Math.floor(r() * 3);
    for (let j = 0; j < k; j++) {
      const aid = uuid();
      const appeal = {
        id: aid, client_id: id, received_at: `2026-${String(1 + Math.floor(r() * 11)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}T10:${String(10 + j).padStart(2, '0')}`,
        channel: 'outreach', location: 'Бородянка', area: pick(AREAS), account: 'Питання щодо документів і виплат',
        aid: pick(AIDS), outcome: '', worker: 'Олена', follow_up: null, written: r() < 0.2, referral: null, exported_in: null,
      };
      appeals.push({ id: aid, rev: 1, updated_at: appeal.received_at, client_id: id, codec: 1, payload: JSON.stringify(appeal) });
    }
  }
  return { clients, appeals };
}

export async function seed(page, data) {
  // In parts of 20,000 records: one message of 100,000 clients and their appeals (~300,000 records) closed the page.
  const PART = 20000;
  const parts = [];
  for (let i = 0; i < data.clients.length; i += PART) parts.push({ clients: data.clients.slice(i, i + PART), appeals: [] });
  for (let i = 0; i < data.appeals.length; i += PART) parts.push({ clients: [], appeals: data.appeals.slice(i, i + PART) });
  for (const part of parts) {
    await page.evaluate(async ({ clients, appeals }) => {
      const db = await new Promise((ok, fail) => { const o = indexedDB.open('pryiom'); o.onsuccess = () => ok(o.result); o.onerror = () => fail(o.error); });
      await new Promise((ok, fail) => {
        const tx = db.transaction(['clients', 'appeals'], 'readwrite');
        for (const c of clients) tx.objectStore('clients').put(c);
        for (const a of appeals) tx.objectStore('appeals').put(a);
        tx.oncomplete = ok; tx.onerror = () => fail(tx.error);
      });
      db.close();
    }, part);
  }
}
