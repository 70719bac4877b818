// Lighthouse 12.2.3 in its default mobile profile (simulated slow 4G, 4× slower CPU), a cold first visit.
//   node tests/bench/lighthouse.mjs [runs]   audits dist/ served brotli-compressed (as the centre server sends it);
//   ./pryiom bench runs it after the intake figures; split.mjs uses `audit` for both of its builds.
// Needs LIGHTHOUSE_DIR (./pryiom installs Lighthouse into ~/.cache/pryiom). Figures, not pass/fail.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from '../support/serve.mjs';

const LH = process.env.LIGHTHOUSE_DIR;
if (!LH) {
  console.error('error: LIGHTHOUSE_DIR is not set (run it through ./pryiom)');
  process.exit(2);
}
const { default: lighthouse } = await import(pathToFileURL(join(LH, 'node_modules/lighthouse/core/index.js')).href);
const chromeLauncher = await import(pathToFileURL(join(LH, 'node_modules/chrome-launcher/dist/index.js')).href);

/**
 * The largest-contentful-paint candidates of one cold visit of `url` in plain headless Chromium (no throttling), as
 * the page's own `PerformanceObserver` reports them: when, how large, which element. (Lighthouse 12.2.3's own
 * "largest contentful paint element" audit fails in this Chromium.)
 */
export async function lcpCandidates(url) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 412, height: 823 } });
    await page.addInitScript(() => {
      window.__lcp = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          window.__lcp.push({ at: Math.round(e.startTime), size: e.size, element: e.element?.outerHTML.slice(0, 80) ?? '(gone)' });
        }
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    });
    await page.goto(url);
    await page.getByRole('textbox').first().waitFor();
    await page.waitForTimeout(500);
    return await page.evaluate(() => window.__lcp);
  } finally {
    await browser.close();
  }
}

/** One cold visit of `url`: the performance score and its metrics, and what moved (layout shifts). */
export async function audit(url) {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH,
    chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
    const a = result.lhr.audits;
    return {
      score: Math.round(result.lhr.categories.performance.score * 100),
      fcp: a['first-contentful-paint'].numericValue,
      lcp: a['largest-contentful-paint'].numericValue,
      si: a['speed-index'].numericValue,
      tbt: a['total-blocking-time'].numericValue,
      cls: a['cumulative-layout-shift'].numericValue,
      shifts: (a['layout-shifts']?.details?.items ?? []).map((i) => `${i.node?.snippet ?? '?'} ${i.score?.toFixed(3)}`),
    };
  } finally {
    await chrome.kill();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const RUNS = Number(process.argv[2] ?? 3);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const served = await startServer({ dir: 'dist', brotli: true });
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await audit(served.url));
    const m = (k) => median(runs.map((r) => r[k]));
    console.log(`Lighthouse 12.2.3, mobile profile, median of ${RUNS} cold visits (targets: performance ≥ 95, LCP ≤ 2,500 ms, CLS ≤ 0.05)`);
    console.log(`  performance ${m('score')} · first contentful paint ${Math.round(m('fcp'))} ms · largest contentful paint ${Math.round(m('lcp'))} ms`
      + ` · speed index ${Math.round(m('si'))} ms · total blocking time ${Math.round(m('tbt'))} ms · cumulative layout shift ${m('cls').toFixed(3)}`);
    for (const c of await lcpCandidates(served.url)) {
      console.log(`  largest contentful paint candidate (unthrottled): ${c.at} ms, ${c.size} px², ${c.element}`);
    }
    for (const s of runs[0].shifts) console.log(`  layout shift: ${s}`);
  } finally {
    await served.close();
  }
}
