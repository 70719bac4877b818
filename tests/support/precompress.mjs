// Writes a brotli-compressed copy (`NAME.br`, quality 11) beside every text and wasm file of a built bundle, so the
// centre server sends them compressed without compressing on each request (tower-http's ServeDir prefers `.br` when
// the browser accepts it). Audio and images are already compressed and are left alone. Run by `./pryiom stamp`
// (every build), after the files are final; the `.br` copies are not part of the service worker's list.
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const [dir = 'dist'] = process.argv.slice(2);
const COMPRESSIBLE = /\.(wasm|js|css|html|json|svg|webmanifest|tsv|txt)$/;

function files(d) {
  return readdirSync(d).flatMap((name) => (statSync(join(d, name)).isDirectory() ? files(join(d, name)) : [join(d, name)]));
}

// Copies from an earlier stamp go first: every copy is made from the file as it is now.
for (const path of files(dir).filter((p) => p.endsWith('.br'))) rmSync(path);
for (const path of files(dir).filter((p) => COMPRESSIBLE.test(p))) {
  const body = readFileSync(path);
  const packed = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  if (packed.length < body.length) writeFileSync(`${path}.br`, packed);
}
