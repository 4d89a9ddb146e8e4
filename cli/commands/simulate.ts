import { integerAtLeast, portNumber, type RegisterCommand } from '../cli-kit.ts';

/** `switchyard simulate`: the provider simulator on its own, until SIGINT/SIGTERM. */
export const simulateCommand: RegisterCommand = (program) => {
  program
    .command('simulate')
    .description('run the provider simulator (OpenAI, Anthropic and Gemini wire formats, injectable faults)')
    .option('--port <n>', 'port (0 = any free port)', portNumber, 8090)
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--seed <n>', 'random seed for latencies and injected errors', integerAtLeast(0), 1)
    .option('--faults <file>', 'JSON map of upstream name → fault spec (down, errorRates, latencyMs, flap, …)')
    .action(async (o: { port: number; host: string; seed: number; faults?: string }) => {
      // The simulator keeps its own argument reader; options arrive here already validated.
      const { runSimulatorCommand } = await import('../../collector/simulator/cli.ts');
      await runSimulatorCommand(['--port', String(o.port), '--host', o.host, '--seed', String(o.seed), ...(o.faults ? ['--faults', o.faults] : [])]);
    });
};
