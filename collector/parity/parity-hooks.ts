import type { RequestContext } from '../dispatch/request-context.ts';
import type { Deployment } from '../dispatch/route-table.ts';
import type { RouteConfig } from '../config/routes-config.ts';
import type { ChatRequest } from '../providers/provider.ts';
import { RequestParity } from './request-parity.ts';
import { SchemaValidators } from './schema-validators.ts';
import { ShadowMirror } from './shadow-mirror.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';

/**
 * What the chat service asks of parity: one RequestParity per request. Without a shadow mirror
 * (no publisher given) answers are still checked and their outcome recorded; only shadow
 * traffic is off.
 */
export class ParityHooks {
  readonly validators: SchemaValidators;

  constructor(
    private readonly shadow: ShadowMirror | null = null,
    validators?: SchemaValidators,
  ) {
    this.validators = validators ?? new SchemaValidators();
  }

  /** Checks and shadow traffic, the shadow attempts published like every other attempt. */
  static withShadow(publisher: AttemptPublisher): ParityHooks {
    const validators = new SchemaValidators();
    return new ParityHooks(new ShadowMirror({ publisher, validators }), validators);
  }

  begin(
    request: ChatRequest,
    ctx: RequestContext,
    route: RouteConfig | undefined,
    deployment: (route: string, name: string) => Deployment | undefined,
  ): RequestParity {
    const name = route?.name ?? request.model;
    return new RequestParity(request, ctx, name, route?.parity, this.validators, this.shadow, (d) => deployment(name, d));
  }

  /** Waits for shadow calls in flight (shutdown, tests). */
  async drain(): Promise<void> {
    await this.shadow?.drain();
  }
}
