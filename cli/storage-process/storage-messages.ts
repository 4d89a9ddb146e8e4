import type { RoutesAuditEntry } from '../../collector/audit/routes-audit.ts';
import type { HealthReport } from '../../core/ops/ops-server.ts';
import type { ChildToParent, ParentToChild } from '../../core/transport/ipc-link.ts';

/**
 * What `switchyard all` and its storage process say to each other besides event batches
 * (core/transport/ipc-link.ts carries those): what one process would do by a function call.
 * Requests carry an `id`; the child answers `ack`/`nack` (audit) or `health` with the same id.
 */
export type ParentToStorage =
  | ParentToChild
  /** A routes-file reload the collector applied: the child's policy and stored budgets follow it. Validated again on arrival. */
  | { t: 'routes'; config: unknown }
  /** A reload (applied or refused) for `deployment_audit_v1`, built by the collector, written by the child. */
  | { t: 'audit'; id: number; entry: RoutesAuditEntry }
  /** Ingest's health for the collector's /healthz. */
  | { t: 'health'; id: number }
  /** The child's metrics (ingest, policy, API) for the collector's /metrics. */
  | { t: 'metrics'; id: number };

export type StorageToParent =
  | ChildToParent
  | { t: 'health'; id: number; report: HealthReport }
  | { t: 'metrics'; id: number; text: string }
  /** Sent once before the child exits because it could not start; `config`: a ConfigError (the user's to fix, exit 2). */
  | { t: 'failed'; error: string; config: boolean };

/** The environment variable carrying the collector's running routes config (JSON) to a starting child. */
export const STORAGE_ROUTES_ENV = 'SWITCHYARD_STORAGE_ROUTES';
