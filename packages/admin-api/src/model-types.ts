// Shapes of the compact model definitions emitted by scripts/gen-model.mjs.

export interface Range {
  min?: number;
  max?: number;
}

export interface ModelMember {
  target: string;
  required?: boolean;
  location?: 'label' | 'query' | 'header';
  locationName?: string;
  timestampFormat?: string;
  idempotencyToken?: boolean;
  range?: Range;
  length?: Range;
  default?: unknown;
}

export type ModelShape =
  | { type: 'structure'; members: Record<string, ModelMember>; error?: 'client' | 'server'; httpError?: number }
  | { type: 'list'; member: string; length?: Range }
  | { type: 'map'; key: string; value: string }
  | { type: 'enum'; values: string[] }
  | { type: 'intEnum'; values: number[] }
  | {
      type: 'string' | 'integer' | 'long' | 'boolean' | 'timestamp';
      length?: Range;
      pattern?: string;
      range?: Range;
      sensitive?: boolean;
    };

export interface ModelOperation {
  method: string;
  uri: string;
  code: number;
  input: string;
  output: string;
  errors: readonly string[];
  readonly: boolean;
  idempotent: boolean;
}

/** Where an operation's input goes on the wire (restJson1): labels in the URI, query and header members. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The URI with its {labels}. */
  uri: string;
  /** member → query parameter */
  query: Record<string, string>;
  /** member → header */
  headers: Record<string, string>;
}
