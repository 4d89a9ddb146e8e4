import { spineSuite } from './support/spine-suite.ts';
import { startSpine } from './support/spine-scenario.ts';

// The embedded default: chDB in-process, events handed over in-process.
spineSuite('the embedded in-process transport', () => startSpine());
