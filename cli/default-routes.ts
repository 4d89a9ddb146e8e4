import type { RoutesConfig } from '../collector/config/routes-config.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';

/** The key every simulated deployment uses; the simulator accepts any non-empty key. */
export const SIMULATOR_KEY_ENV = 'SWITCHYARD_SIMULATOR_KEY';

/** Upstream names on the simulator for the three demo deployments. */
export const simulatedUpstreams = { openai: 'sim-openai', anthropic: 'sim-anthropic', gemini: 'sim-gemini' } as const;

/**
 * Route `chat` over three simulated providers, one per wire format, with catalog prices.
 * `baseUrl(upstream, kind)` comes from the running simulator.
 */
export function simulatedRoutes(
  baseUrl: (upstream: string, kind: 'openai' | 'anthropic' | 'gemini') => string,
  retry: Partial<RoutesConfig['retry']> = {},
): RoutesConfig {
  return parseRoutesConfig(
    {
      routes: [
        {
          name: 'chat',
          deployments: [
            {
              name: 'openai-primary',
              provider: 'openai',
              base_url: baseUrl(simulatedUpstreams.openai, 'openai'),
              api_key_env: SIMULATOR_KEY_ENV,
              model: 'gpt-4o-mini',
              region: 'us',
            },
            {
              name: 'anthropic-backup',
              provider: 'anthropic',
              base_url: baseUrl(simulatedUpstreams.anthropic, 'anthropic'),
              api_key_env: SIMULATOR_KEY_ENV,
              model: 'claude-3-5-haiku-latest',
              region: 'us',
            },
            {
              name: 'gemini-backup',
              provider: 'gemini',
              base_url: baseUrl(simulatedUpstreams.gemini, 'gemini'),
              api_key_env: SIMULATOR_KEY_ENV,
              model: 'gemini-2.0-flash',
              region: 'eu',
            },
          ],
        },
      ],
      retry,
    },
    'simulated routes',
  );
}

/** Routes for real providers whose keys are in the environment; null when none is. */
export function providerRoutesFromEnv(env: Record<string, string | undefined>): RoutesConfig | null {
  const deployments = [
    env.OPENAI_API_KEY && { name: 'openai', provider: 'openai', base_url: 'https://api.openai.com/v1', api_key_env: 'OPENAI_API_KEY', model: 'gpt-4o-mini' },
    env.ANTHROPIC_API_KEY && {
      name: 'anthropic',
      provider: 'anthropic',
      base_url: 'https://api.anthropic.com',
      api_key_env: 'ANTHROPIC_API_KEY',
      model: 'claude-3-5-haiku-latest',
    },
    env.GEMINI_API_KEY && {
      name: 'gemini',
      provider: 'gemini',
      base_url: 'https://generativelanguage.googleapis.com',
      api_key_env: 'GEMINI_API_KEY',
      model: 'gemini-2.0-flash',
    },
  ].filter(Boolean);
  if (deployments.length === 0) return null;
  return parseRoutesConfig({ routes: [{ name: 'chat', deployments }] }, 'routes from provider keys');
}
