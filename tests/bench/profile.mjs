// Where a benchmark's time goes, when asked: a sampled CPU profile over one step, summed by function.
// PRYIOM_PROFILE=1: also profile the export and the import (CPU, sampled) and print where their time goes, by
// function (build with PRYIOM_WASM_OPT_DEBUG=1 for the wasm functions' names).
const PROFILE = !!process.env.PRYIOM_PROFILE;

/** Runs `work` under the CPU profiler (when PRYIOM_PROFILE is set) and prints the functions with most self time. */
export async function profiled(cdp, name, work) {
  if (!PROFILE || !cdp) return work();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const f = byId.get(id).callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}`.trim();
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    console.log(`${name}: ${Math.round(total)} ms profiled; most self time:`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      console.log(`  ${Math.round(v).toString().padStart(6)} ms  ${k.slice(0, 110)}`);
    }
  }
}

