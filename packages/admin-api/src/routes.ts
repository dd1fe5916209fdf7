// The route table of the admin API: for every operation (the model's and the tagging ones) its method,
// URI and which input members travel in the query and headers (the rest: labels in the URI, the JSON
// body). The model's part is generated (routes.generated.ts); the tagging part follows from the tagging
// shapes. Light on purpose: the web console calls the API with it without loading the model.
import type { ModelOperation, ModelShape, Route } from './model-types.js';
import type { OperationName } from './operation-types.js';
import { modelRoutes } from './routes.generated.js';
import { taggingOperations, taggingShapes } from './tagging.js';

export type { Route };

/** An operation's route from its input shape's member bindings (what scripts/gen-model.mjs emits). */
export function routeOf(op: Pick<ModelOperation, 'method' | 'uri' | 'input'>, shapes: Record<string, ModelShape>): Route {
  const input = shapes[op.input];
  const members = input?.type === 'structure' ? input.members : {};
  const bound = (location: 'query' | 'header') =>
    Object.fromEntries(Object.entries(members).filter(([, m]) => m.location === location).map(([k, m]) => [k, m.locationName ?? k]));
  return { method: op.method as Route['method'], uri: op.uri, query: bound('query'), headers: bound('header') };
}

const taggingRoutes = Object.fromEntries(Object.entries(taggingOperations).map(([name, op]) => [name, routeOf(op, taggingShapes)])) as Record<keyof typeof taggingOperations, Route>;

export const routes: Record<OperationName, Route> = { ...modelRoutes, ...taggingRoutes };
