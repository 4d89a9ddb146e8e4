import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { YogaServerOptions } from 'graphql-yoga';

/**
 * GraphiQL with every script, style, font and worker inlined into the page
 * (@graphql-yoga/render-graphiql), so it works offline and behind a firewall; yoga's default
 * page loads its assets from a CDN.
 */
export const localGraphiQL: Pick<YogaServerOptions<object, object>, 'graphiql' | 'renderGraphiQL'> = {
  graphiql: { title: 'Switchyard API', defaultQuery: 'query {\n  me { id role teams }\n}\n' },
  renderGraphiQL,
};
