import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshEmbeddedStore } from '../../test/support/embedded-store.ts';
import { pricedTraffic } from '../../test/support/priced-traffic.ts';
import { storeEvents } from '../../api/testing/seed.ts';
import { runFocusExport } from '../export-commands.ts';

// CI: seeded traffic (the real event builder and pricing) through the real writer into a fresh
// chDB store, exported as FOCUS CSV and Parquet. Prints the two dataset paths, one per line.
const out = mkdtempSync(join(tmpdir(), 'switchyard-focus-ci-'));
const store = await freshEmbeddedStore();
try {
  await storeEvents(store.client, [...pricedTraffic('2026-10-30', 9), ...pricedTraffic('2026-11-02', 10), ...pricedTraffic('2026-11-03', 23)]);
  for (const format of ['csv', 'parquet']) {
    const written = await runFocusExport(
      store.client,
      { kind: 'embedded', path: store.path },
      { from: '2026-10-01', to: '2026-12-01', format, out: join(out, `focus.${format}`), nowMs: Date.now() },
    );
    if (written.rows === 0) throw new Error('the seeded export has no rows');
    console.log(written.out);
  }
} finally {
  await store.dispose();
}
