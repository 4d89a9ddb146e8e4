import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi } from '../api/testing/api-harness.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
before(async () => (api = await startTestApi([])));
after(() => api.close());

test('GraphiQL works offline: the page and every asset it references come from the local server or are inline', async () => {
  const page = await fetch(`${api.base}/graphql`, { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const html = await page.text();
  assert.match(html, /renderYogaGraphiQL/, 'the GraphiQL bundle is in the page');
  // Every reference the browser would load: src/href attributes of the page's tags (inline
  // scripts' own text is code, not markup), and url(...) / @import in its styles.
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, (tag) => tag.slice(0, tag.indexOf('>') + 1));
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]).join('\n');
  const refs = new Set<string>();
  for (const m of markup.matchAll(/<[a-z]+\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)) refs.add(m[1]!);
  for (const m of styles.matchAll(/url\(\s*["']?([^)"'\s]+)|@import\s+["']([^"']+)/g)) refs.add((m[1] ?? m[2])!);
  assert.ok(refs.size > 0);
  for (const ref of refs) {
    if (ref.startsWith('data:') || ref.startsWith('#') || ref.startsWith('blob:')) continue;
    const url = new URL(ref, `${api.base}/graphql`);
    assert.equal(url.origin, api.base, `asset ${ref} would be fetched from another host`);
    assert.equal((await fetch(url)).status, 200, `local asset ${ref}`);
  }
  // The loopback default (no tokens) answers queries from the page as the anonymous admin.
  assert.deepEqual((await api.gql('{ me { id role } }')).data, { me: { id: 'anonymous', role: 'ADMIN' } });
});
