import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * An OpenTelemetry context manager that keeps the active context for the synchronous extent of
 * `with` only: no propagation across `await`, timers or callbacks.
 *
 * Why: the SDK's default (AsyncLocalStorageContextManager) enables Node's async hooks the first
 * time a span batch is exported, and from then on every promise the process creates runs an
 * init hook (`promiseInitHook` → `_propagate`) — 12–15 µs of the collector's event loop per
 * proxied request at 1,000 req/s (bench/profiles/collector-hot-path.md). Switchyard needs no
 * implicit propagation: it loads no instrumentations, and every span names its parent
 * explicitly (`trace.setSpan(context.active(), parent)`), so the spans are the same either way.
 */
export class SyncContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = context;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as (...args: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the bound function runs `fn` under this manager
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}
