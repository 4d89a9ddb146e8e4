// Module hooks of import-recorder.mjs (they run on the loader thread): every loaded URL, appended.
import { appendFileSync } from 'node:fs';

let file = '';

/** Told the log file by register(). */
export function initialize(data) {
  file = data.file;
}

/** Records the URL, then loads as usual (tsx's hooks transform .ts after us). */
export async function load(url, context, nextLoad) {
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
