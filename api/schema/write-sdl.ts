import { writeFileSync } from 'node:fs';
import { currentSdl, SDL_PATH } from './sdl.ts';

// `npm run api:sdl`: rewrites the committed SDL after a schema change.
writeFileSync(SDL_PATH, currentSdl());
console.log(`wrote ${SDL_PATH}`);
