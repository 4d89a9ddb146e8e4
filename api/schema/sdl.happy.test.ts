import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { currentSdl, SDL_PATH } from './sdl.ts';

test('the committed SDL is the schema the code builds (run `npm run api:sdl` after a deliberate change)', () => {
  assert.equal(currentSdl(), readFileSync(SDL_PATH, 'utf8'));
});
