import { statSync } from 'node:fs';
import { ConfigError } from '../../core/errors.ts';
import { loadRoutesConfig, type RoutesConfig } from './routes-config.ts';

export type ReloadResult = { ok: true; config: RoutesConfig } | { ok: false; error: string } | { ok: null };

/**
 * Watches the routes file and applies a changed one without a restart: a canary split, a new
 * deployment, or a rollback is a file edit. A file that does not validate (or whose deployments
 * cannot be built) is refused with the reason, and the running config stays.
 */
export class RoutesReloader {
  private lastMtimeMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    /** Builds and installs the config; throws ConfigError to refuse it. */
    private readonly apply: (config: RoutesConfig) => void,
    private readonly log: (message: string) => void = () => {},
    /** Told every applied or refused reload (the deployment audit log, collector/audit). */
    private readonly onReload?: (result: ReloadResult) => void,
  ) {
    this.lastMtimeMs = statSync(path).mtimeMs;
  }

  /**
   * Looks at the file's mtime every `intervalMs`, against the one read at construction. Not
   * fs.watchFile: its baseline is its own first stat, taken later on libuv's thread pool, so an
   * edit made before that stat ran was never reported (a CI run under load missed a reload that way).
   */
  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => void this.check(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reloads if the file changed since the last look. */
  check(): ReloadResult {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
    } catch (err) {
      return this.refuse(`cannot read ${this.path}: ${(err as Error).message}`);
    }
    if (mtimeMs === this.lastMtimeMs) return { ok: null };
    this.lastMtimeMs = mtimeMs;
    try {
      const config = loadRoutesConfig(this.path);
      this.apply(config);
      this.log(`collector: routes reloaded from ${this.path} (${config.routes.map((r) => r.name).join(', ')})`);
      return this.told({ ok: true, config });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return this.refuse(err.message);
    }
  }

  private refuse(error: string): ReloadResult {
    this.log(`collector: routes reload refused, keeping the running config: ${error}`);
    return this.told({ ok: false, error });
  }

  private told(result: ReloadResult): ReloadResult {
    this.onReload?.(result);
    return result;
  }
}
