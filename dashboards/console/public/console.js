// The console shell: sign-in, GraphQL calls with the caller's token, navigation and the time range.
import { pages } from './pages.js';
import { clear } from './ui.js';

const TOKEN_KEY = 'switchyard-token';
const $ = (id) => document.getElementById(id);

/** Thrown when the API needs a token (or refused the one given). */
class SignInNeeded extends Error {}

/** POSTs one GraphQL operation; rejects with the API's own message on any error. */
async function gql(query, variables = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }));
  const errors = body.errors ?? [];
  if (errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) throw new SignInNeeded(errors[0].message);
  if (errors.length > 0 && !body.data) throw new Error(errors.map((e) => e.message).join('; '));
  return body.data;
}

/** [from, to) ending at the next whole hour, as the cost API wants whole UTC hours. */
function currentRange() {
  const hours = Number($('range').value);
  const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  return { hours, from: new Date(to.getTime() - hours * 3_600_000).toISOString(), to: to.toISOString() };
}

function currentPage() {
  const id = location.hash.slice(1);
  return pages.find((p) => p.id === id) ?? pages[0];
}

async function render() {
  const page = currentPage();
  for (const a of $('nav').querySelectorAll('a')) a.toggleAttribute('aria-current', a.dataset.page === page.id);
  document.title = `${page.title} · Switchyard console`;
  const main = $('page');
  clear(main);
  main.dataset.page = page.id;
  main.dataset.state = 'loading';
  try {
    const me = (await gql('{ me { id role teams } }')).me;
    $('who').textContent = `${me.id} · ${me.role.toLowerCase()} · teams: ${me.teams.join(', ')}`;
    $('login').hidden = true;
    await page.render(main, { gql, range: currentRange(), me });
    main.dataset.state = 'ready';
  } catch (err) {
    if (err instanceof SignInNeeded) {
      $('login').hidden = false;
      $('login-error').textContent = sessionStorage.getItem(TOKEN_KEY) ? err.message : '';
      main.dataset.state = 'signed-out';
      return;
    }
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = `Could not load ${page.title}: ${err.message}`;
    main.append(p);
    main.dataset.state = 'error';
  }
}

function start() {
  for (const page of pages) {
    const a = document.createElement('a');
    a.href = `#${page.id}`;
    a.textContent = page.title;
    a.dataset.page = page.id;
    $('nav').append(a);
  }
  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    void render();
  });
  $('range').addEventListener('change', () => void render());
  window.addEventListener('hashchange', () => void render());
  void render();
}

// chart.umd.js is deferred like this module; wait for it so every page can draw.
if (window.Chart) start();
else window.addEventListener('DOMContentLoaded', start);
