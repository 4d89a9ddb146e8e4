import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../../core/errors.ts';
import { listenError } from '../../core/listen-error.ts';
import { faultSpecSchema } from './fault-spec.ts';
import { startSimulator } from './simulator-server.ts';

/** `switchyard simulate [--port N] [--host H] [--seed S] [--faults faults.json]`: runs until SIGINT/SIGTERM. */
export async function runSimulatorCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8090' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be 0–65535, got "${values.port}"`);
  const faults = values.faults ? readFaults(values.faults) : {};
  const sim = await startSimulator({ port, host: values.host, seed: Number(values.seed), faults }).catch((err: NodeJS.ErrnoException) => {
    throw listenError(err, values.host, port, { port: '--port', host: '--host' });
  });
  console.log(`provider simulator on ${sim.url}; any upstream name works, for example:`);
  console.log(`  OpenAI:    ${sim.baseUrl('openai-a', 'openai')}`);
  console.log(`  Anthropic: ${sim.baseUrl('claude-a', 'anthropic')}`);
  console.log(`  Gemini:    ${sim.baseUrl('gemini-a', 'gemini')}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
}

function readFaults(path: string) {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read faults file ${path}: ${(err as Error).message}`);
  }
  const result = z.record(z.string(), faultSpecSchema).safeParse(data);
  if (!result.success) throw new ConfigError(`faults file ${path} is invalid:\n${describeIssues(result.error.issues)}`);
  return result.data;
}
