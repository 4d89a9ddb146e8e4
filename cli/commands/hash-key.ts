import { ConfigError } from '../../core/errors.ts';
import type { RegisterCommand } from '../cli-kit.ts';

/** `switchyard hash-key`: reads the key from stdin so it never lands in shell history or a process list. */
export const hashKeyCommand: RegisterCommand = (program) => {
  program
    .command('hash-key')
    .description("read a client key on stdin, print its sha256 for the routes file's keys")
    .addHelpText('after', '\nExample: printf %s "$KEY" | switchyard hash-key')
    .action(async () => {
      let input = '';
      for await (const chunk of process.stdin) input += chunk;
      const key = input.trim();
      if (!key) throw new ConfigError('hash-key: pipe the client key on stdin, e.g. `printf %s "$KEY" | switchyard hash-key`');
      const { sha256Hex } = await import('../../collector/http/key-ring.ts');
      console.log(sha256Hex(key));
    });
};
