import { readFileSync } from 'node:fs';

const README = fileUrl('../../README.md');

function fileUrl(relative: string): URL {
  return new URL(relative, import.meta.url);
}

/** The README's text. */
export function readme(): string {
  return readFileSync(README, 'utf8');
}

/** Every fenced block of `lang` with its info string, in order (```sh title → { info: 'title', body }). */
export function readmeBlocks(lang: string): Array<{ info: string; body: string }> {
  const blocks: Array<{ info: string; body: string }> = [];
  const fence = new RegExp('^```' + lang + '(?:[ \\t]+([^\\n]*))?\\n([\\s\\S]*?)^```', 'gm');
  for (const m of readme().matchAll(fence)) blocks.push({ info: (m[1] ?? '').trim(), body: m[2]! });
  return blocks;
}

/** The one block of `lang` whose info string is `title` (e.g. ```js example.mjs); throws when absent. */
export function readmeBlock(lang: string, title: string): string {
  const found = readmeBlocks(lang).filter((b) => b.info === title);
  if (found.length !== 1) throw new Error(`README: expected one \`\`\`${lang} ${title} block, found ${found.length}`);
  return found[0]!.body;
}
