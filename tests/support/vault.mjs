// An independent reader (and writer) of Pryiom's encrypted store, written from the format as documented in the
// README ("Security"), not from the app's code: Argon2id (hash-wasm) derives each worker slot's key from the
// passphrase, AES-256-GCM (Node's WebCrypto) unwraps the data key (associated data "pryiom-slot/<slot id>"), and opens
// each sealed payload (nonce ‖ ciphertext ‖ tag, associated data "<store>/<record id>"). Tests use it to check what
// the app stored, and to change a stored record as a test situation needs.
import { argon2id } from 'hash-wasm';
import { webcrypto } from 'node:crypto';

const { subtle } = webcrypto;
const enc = new TextEncoder();
const dec = new TextDecoder();
const keys = new Map();

async function aesKey(raw) {
  return subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function openWith(key, aad, sealed) {
  const bytes = Buffer.from(sealed, 'base64');
  const plain = await subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: enc.encode(aad) }, key, bytes.subarray(12));
  return new Uint8Array(plain);
}

/** The data key from a keyring record's payload and a worker's passphrase (any worker slot it opens). */
export async function dataKey(keyring, passphrase) {
  const cacheKey = `${JSON.stringify(keyring.slots.map((s) => s.wrapped))}\u0000${passphrase}`;
  if (keys.has(cacheKey)) return keys.get(cacheKey);
  for (const slot of keyring.slots.filter((s) => s.kind === 'worker')) {
    const kek = await argon2id({
      password: passphrase, salt: Buffer.from(slot.salt, 'base64'), parallelism: slot.kdf.p,
      iterations: slot.kdf.t, memorySize: slot.kdf.m_kib, hashLength: 32, outputType: 'binary',
    });
    try {
      const raw = await openWith(await aesKey(kek), `pryiom-slot/${slot.id}`, slot.wrapped);
      const key = await aesKey(raw);
      keys.set(cacheKey, key);
      return key;
    } catch { /* another worker's slot */ }
  }
  throw new Error('no worker slot opens with this passphrase');
}

/** The JSON text of a sealed payload (base64). */
export async function openPayload(key, store, id, sealed) {
  return dec.decode(await openWith(key, `${store}/${id}`, sealed));
}

/** JSON text sealed as the app seals it: base64 of nonce ‖ ciphertext ‖ tag. */
export async function sealPayload(key, store, id, json) {
  const nonce = webcrypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: enc.encode(`${store}/${id}`) }, key,
    enc.encode(json));
  return Buffer.concat([nonce, new Uint8Array(ct)]).toString('base64');
}
