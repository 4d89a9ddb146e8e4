import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allBoards, boardJson } from './boards/index.ts';

/** `npm run dashboards:build`: regenerates the committed dashboard JSON that Grafana provisions. */
const out = join(dirname(fileURLToPath(import.meta.url)), 'generated');
for (const [name, board] of Object.entries(allBoards())) {
  writeFileSync(join(out, `${name}.json`), boardJson(board));
  console.log(`dashboards/generated/${name}.json`);
}
