// Pryiom service worker. The build stamps BUILD and FILES (see the `pryiom` script): a new build is a new cache.
// It precaches every file of the build, serves them cache-first, and waits for the user before taking over.
const BUILD = '__PRYIOM_BUILD__';
const FILES = __PRYIOM_FILES__;
const CACHE = 'pryiom-' + BUILD;

self.addEventListener('install', (event) => {
  // `reload` skips the HTTP cache, so the new cache holds exactly this build's files.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' }))))
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('pryiom-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The centre server's own pages and API (the staff page, the waiting room's display) are never the app's.
  if (/^\/(staff|display|api)(\/|$)/.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // Every page of the app is index.html; the screen lives in the hash.
    event.respondWith(caches.open(CACHE).then((c) => c.match('index.html')).then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(
    caches.open(CACHE).then((c) => c.match(request, { ignoreSearch: true })).then((hit) => hit || fetch(request))
  );
});
