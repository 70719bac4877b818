// A new device's first screen (setting a passphrase) is drawn from index.html while the app's WebAssembly is still on
// its way: on a slow link that is seconds sooner than the app can draw it. Only where that screen will be the first:
// the app notes in localStorage when this device has been set up (src/web/prefs.rs), and index.html's copy is
// Ukrainian. Read in the head, before the first paint (a classic script: index.html may hold no inline script), it
// marks the page; app.css shows the screen instead of "loading".
(function () {
  var lang, setUp;
  try {
    lang = JSON.parse(localStorage.getItem('pryiom.lang') || '"uk"');
    setUp = JSON.parse(localStorage.getItem('pryiom.set-up') || 'false');
  } catch (e) {
    return; // no storage to ask: the app decides, as before
  }
  if (lang === 'uk' && setUp === false) document.documentElement.classList.add('first-screen');
})();
