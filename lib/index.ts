// The package's public entry (`import { Switchyard, createPublisher } from 'switchyard'`).
export { Switchyard, DispatchError, type SwitchyardOptions, type CallOptions, type ChatCompletion, type ChatCompletionChunk } from '../collector/library.ts';
export { createPublisher, type CreatePublisherOptions, type DefaultPublisher } from './default-publisher.ts';
export { DataDirBusyError } from '../cli/data-dir-lock.ts';
export type { AttemptPublisher } from '../core/transport/event-bus.ts';
export type { AttemptEvent, AttemptTags } from '../core/events/attempt-event.ts';
export type { RoutesConfig } from '../collector/config/routes-config.ts';
export { ConfigError } from '../core/errors.ts';
