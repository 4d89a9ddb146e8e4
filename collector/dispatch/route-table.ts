import type { Dispatcher } from 'undici';
import { ConfigError } from '../../core/errors.ts';
import type { DeploymentConfig, PriceOverride, RouteConfig, RoutesConfig } from '../config/routes-config.ts';
import { resolvePriceSheet, type PriceSheet } from '../pricing/price-sheet.ts';
import { adapterFor } from '../providers/index.ts';
import type { ProviderAdapter, ProviderTarget } from '../providers/provider.ts';

/** A deployment ready to call: config, wire adapter, resolved key and prices. */
export interface Deployment {
  config: DeploymentConfig;
  adapter: ProviderAdapter;
  target: ProviderTarget;
  price: PriceSheet;
}

export interface Route {
  config: RouteConfig;
  deployments: Deployment[];
}

/**
 * Resolves every route at startup: a missing key or an unpriced model fails here, naming the
 * deployment, rather than on the first user request.
 */
export function buildRouteTable(config: RoutesConfig, env: Record<string, string | undefined>, http?: Dispatcher): Map<string, Route> {
  const table = new Map<string, Route>();
  for (const route of config.routes) {
    const deployments = route.deployments.map((d) => buildDeployment(route.name, d, env, config.default_price, http));
    table.set(route.name, { config: route, deployments });
  }
  return table;
}

function buildDeployment(
  route: string,
  config: DeploymentConfig,
  env: Record<string, string | undefined>,
  defaultPrice: PriceOverride | undefined,
  http: Dispatcher | undefined,
): Deployment {
  const apiKey = env[config.api_key_env];
  if (!apiKey) {
    throw new ConfigError(`route "${route}", deployment "${config.name}": environment variable ${config.api_key_env} is not set (it holds the provider key)`);
  }
  const adapter = adapterFor(config.provider === 'openai-compatible' ? 'openai' : config.provider);
  const target = {
    baseUrl: config.base_url,
    apiKey,
    model: config.model,
    ...(config.provider === 'openai-compatible' ? { compatible: true } : {}),
    ...(http ? { http } : {}),
  };
  return { config, adapter, target, price: resolvePriceSheet(config, defaultPrice) };
}
