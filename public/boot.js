// Loads the app's WebAssembly. Kept apart from index.html: the Content-Security-Policy allows no inline script.
import init from './pryiom.js';

function showFailure() {
  const loading = document.getElementById('boot-loading');
  if (loading) loading.hidden = true;
  document.documentElement.classList.remove('first-screen');
  const failed = document.getElementById('boot-failed');
  if (failed) failed.hidden = false;
}

init({ module_or_path: new URL('pryiom_bg.wasm', import.meta.url) }).catch(showFailure);
