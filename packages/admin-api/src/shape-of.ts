// Looks up a shape of the model by name, including the Smithy prelude types members may target.
import { shapes } from './model.js';
import type { ModelShape } from './model-types.js';

const PRELUDE: Record<string, ModelShape> = {
  Boolean: { type: 'boolean' },
  PrimitiveBoolean: { type: 'boolean' },
  Integer: { type: 'integer' },
  PrimitiveInteger: { type: 'integer' },
  Long: { type: 'long' },
  PrimitiveLong: { type: 'long' },
  Timestamp: { type: 'timestamp' },
  String: { type: 'string' },
};

export function shapeOf(target: string): ModelShape {
  const s = shapes[target] ?? PRELUDE[target];
  if (!s) throw new Error(`unknown shape ${target}`);
  return s;
}
