// Keyset pagination shared by every List* operation: maxResults 1–100 (default 10), sortFields joined
// by '+', sortDirection ASC/DESC (default DESC, as modelled), and an opaque nextToken that carries the
// last row's sort key. Row-value comparison `(a, b, id) > (x, y, z)` works on SQLite and PostgreSQL
// and uses the (network_id, sort column, id) indexes, so a page costs the same at any depth.
// A generic query helper: the repositories (domain/<aggregate>/repo.ts) hand it their query and the
// sortable columns; it adds the keyset condition, the order and the limit, and runs the query.
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { validation } from '../kernel/errors.js';

export interface SortableColumn {
  /** SQL expression to sort by (a column reference or a NOT NULL expression). */
  expr: RawBuilder<unknown>;
  /** The row property holding that value in selected rows. */
  key: string;
}

export interface PageRequest {
  maxResults?: number | undefined;
  sortFields?: string | undefined;
  sortDirection?: 'ASC' | 'DESC' | undefined;
  nextToken?: string | undefined;
}

export interface PageSpec {
  /** Accepted sortFields values → column. */
  columns: Record<string, SortableColumn>;
  /** The unique tiebreaker column. */
  id: SortableColumn;
  defaultSort: string;
  /** Filters that change the result set; a token is only valid for the same filters. */
  filters: Record<string, unknown>;
}

export interface Page<Row> {
  rows: Row[];
  nextToken?: string;
}

export const DEFAULT_PAGE_SIZE = 10;

interface TokenBody {
  s: string;
  d: string;
  f: string;
  k: unknown[];
}

function encodeToken(t: TokenBody): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(token: string): TokenBody {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody;
    if (typeof t.s !== 'string' || typeof t.d !== 'string' || typeof t.f !== 'string' || !Array.isArray(t.k)) throw new Error();
    return t;
  } catch {
    throw validation('nextToken', 'is not a valid pagination token');
  }
}

export function resolveSort(req: PageRequest, spec: PageSpec): { fields: string[]; direction: 'ASC' | 'DESC' } {
  const raw = req.sortFields?.trim() ? req.sortFields : spec.defaultSort;
  const fields = raw.split(/[+ ]/).filter(Boolean);
  for (const f of fields) {
    if (!spec.columns[f]) throw validation('sortFields', `unknown sort field '${f}'; accepted values: ${Object.keys(spec.columns).join(', ')}`);
  }
  return { fields, direction: req.sortDirection ?? 'DESC' };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function paginate<DB, TB extends keyof DB, Row extends Record<string, any>>(
  query: SelectQueryBuilder<DB, TB, Row>,
  req: PageRequest,
  spec: PageSpec,
): Promise<Page<Row>> {
  const limit = req.maxResults ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validation('maxResults', 'must be between 1 and 100');
  const { fields, direction } = resolveSort(req, spec);
  const cols = [...fields.map((f) => spec.columns[f]!), spec.id];
  const sortKey = fields.join('+');
  const filterKey = JSON.stringify(spec.filters);

  let q = query;
  if (req.nextToken) {
    const t = decodeToken(req.nextToken);
    if (t.s !== sortKey || t.d !== direction || t.f !== filterKey || t.k.length !== cols.length) {
      throw validation('nextToken', 'does not belong to this listing (sort or filters changed)');
    }
    const op = direction === 'ASC' ? sql.raw('>') : sql.raw('<');
    q = q.where(
      sql<boolean>`(${sql.join(cols.map((c) => c.expr))}) ${op} (${sql.join(t.k.map((v) => sql.val(v)))})`,
    ) as typeof q;
  }
  for (const c of cols) q = q.orderBy(c.expr, direction === 'ASC' ? 'asc' : 'desc') as typeof q;
  const rows = await q.limit(limit + 1).execute();
  const page: Page<Row> = { rows: rows.slice(0, limit) };
  if (rows.length > limit) {
    const last = page.rows[page.rows.length - 1]!;
    page.nextToken = encodeToken({ s: sortKey, d: direction, f: filterKey, k: cols.map((c) => last[c.key]) });
  }
  return page;
}

/** Case-insensitive prefix filter on a lower-cased column, index-friendly on both dialects. */
export function prefixRange(value: string): [string, string] {
  const v = value.toLowerCase();
  return [v, v + '\uffff'];
}
