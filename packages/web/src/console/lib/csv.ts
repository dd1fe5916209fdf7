// CSV for the bulk user procedures (大量邀請 / 大量刪除 / 大量暫停): the templates, an RFC 4180 parser,
// and the row-level validation report made before anything is changed. Pure: no DOM, no API calls.
import { normalizeCell, normalizeCountryCode } from './phone';

export type BulkKind = 'invite' | 'delete' | 'suspend';

/**
 * Columns of the templates; the team directory CSV (download) has these too, so it can be re-uploaded.
 * The guide names no columns: `countryCode` and `phone` (optional) carry the invite form's 國碼 and
 * 電話號碼 (docs/console.md).
 */
export const TEMPLATE_HEADERS: Record<BulkKind, string[]> = {
  invite: ['email', 'firstName', 'lastName', 'securityGroup', 'countryCode', 'phone'],
  delete: ['email'],
  suspend: ['email'],
};

export const DIRECTORY_HEADERS = ['email', 'firstName', 'lastName', 'securityGroup', 'status', 'userId', 'countryCode', 'phone'];

export const BATCH_SIZE = 50;
export const MAX_ROWS = 10_000;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export function templateCsv(kind: BulkKind): string {
  const example: Record<BulkKind, string[][]> = {
    invite: [['alice@example.com', 'Alice', 'Example', 'default', '1', '2025550123']],
    delete: [['alice@example.com']],
    suspend: [['alice@example.com']],
  };
  return toCsv([TEMPLATE_HEADERS[kind], ...example[kind]]);
}

function quote(cell: string): string {
  // Cells that a spreadsheet would run as a formula get a leading apostrophe (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}

export class CsvError extends Error {
  constructor(
    readonly code: 'unterminatedQuote' | 'empty' | 'tooManyRows' | 'badQuote',
    readonly line: number,
  ) {
    super(`${code} at line ${line}`);
  }
}

/** Parses RFC 4180 CSV (commas, quoted cells with "" escapes, CRLF or LF); drops a UTF-8 BOM and blank lines. */
export function parseCsv(text: string): { rows: string[][]; lines: number[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let cell = '';
  let inQuotes = false;
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    row.push(cell);
    if (!(row.length === 1 && row[0]!.trim() === '' && !quoted)) {
      rows.push(row);
      lines.push(rowLine);
    }
    row = [];
    cell = '';
    quoted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      if (cell.trim() !== '') throw new CsvError('badQuote', line);
      cell = '';
      inQuotes = true;
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      quoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (inQuotes) throw new CsvError('unterminatedQuote', rowLine);
  if (cell !== '' || row.length > 0) endRow();
  return { rows, lines };
}

export type RowProblem =
  | { code: 'emailMissing' }
  | { code: 'emailInvalid' }
  | { code: 'duplicate'; firstRow: number }
  | { code: 'groupMissing' }
  | { code: 'groupUnknown'; group: string }
  | { code: 'userUnknown' }
  | { code: 'countryCodeInvalid' }
  | { code: 'cellInvalid' }
  | { code: 'tooLong'; field: string };

export interface ReportRow {
  /** Line of the file (1-based, the header is line 1). */
  line: number;
  email: string;
  firstName?: string;
  lastName?: string;
  groupId?: string;
  groupLabel?: string;
  /** As the server stores them: digits only (invite). */
  countryCode?: string;
  cell?: string;
  /** For delete / suspend: the user to act on. */
  userId?: string;
  problems: RowProblem[];
}

export interface Report {
  kind: BulkKind;
  rows: ReportRow[];
  valid: ReportRow[];
  invalid: ReportRow[];
  /** A problem with the file itself (no email column, no rows, unreadable). */
  fileError?: { code: 'noEmailColumn' | 'noRows' | 'tooManyRows' | 'unterminatedQuote' | 'badQuote' | 'tooLarge'; line?: number };
}

export interface DirectoryContext {
  /** Security groups: ID and name. Rows may name a group by either (names case-insensitively). */
  groups: { id: string; name: string }[];
  /** Existing users by lower-cased email (username), for delete / suspend. */
  users?: Map<string, { userId: string }>;
}

const EMAIL_RE = /^[^\s@",;<>()[\]\\]+@[^\s@",;<>()[\]\\]+\.[^\s@",;<>()[\]\\]+$/;

export function isEmail(s: string): boolean {
  return s.length <= 254 && EMAIL_RE.test(s);
}

const HEADER_ALIASES: Record<string, string> = {
  email: 'email',
  'e-mail': 'email',
  emailaddress: 'email',
  username: 'email',
  '電子郵件': 'email',
  '電子郵件地址': 'email',
  firstname: 'firstName',
  '名字': 'firstName',
  lastname: 'lastName',
  '姓氏': 'lastName',
  securitygroup: 'securityGroup',
  securitygroupid: 'securityGroup',
  group: 'securityGroup',
  '安全群組': 'securityGroup',
  countrycode: 'countryCode',
  country: 'countryCode',
  '國碼': 'countryCode',
  phone: 'phone',
  phonenumber: 'phone',
  cell: 'phone',
  mobile: 'phone',
  '電話號碼': 'phone',
  '電話': 'phone',
};

function normalizeHeader(h: string): string | undefined {
  return HEADER_ALIASES[h.trim().toLowerCase().replace(/[\s_]/g, '')] ?? HEADER_ALIASES[h.trim()];
}

/** Validates an uploaded file row by row. Nothing is sent to the server here. */
export function validateBulkCsv(kind: BulkKind, text: string, ctx: DirectoryContext): Report {
  const empty = (fileError: Report['fileError']): Report => ({ kind, rows: [], valid: [], invalid: [], fileError });
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) return empty({ code: err.code === 'badQuote' ? 'badQuote' : 'unterminatedQuote', line: err.line });
    throw err;
  }
  const [header, ...body] = parsed.rows;
  if (!header) return empty({ code: 'noRows' });
  const columns = header.map(normalizeHeader);
  const col = (name: string) => columns.indexOf(name);
  const emailCol = col('email');
  if (emailCol < 0) return empty({ code: 'noEmailColumn' });
  if (body.length === 0) return empty({ code: 'noRows' });
  if (body.length > MAX_ROWS) return empty({ code: 'tooManyRows' });

  const groupsById = new Map(ctx.groups.map((g) => [g.id, g]));
  const groupsByName = new Map(ctx.groups.map((g) => [g.name.trim().toLowerCase(), g]));
  const seen = new Map<string, number>();
  const rows: ReportRow[] = body.map((cells, i) => {
    const line = parsed.lines[i + 1] ?? i + 2;
    const get = (name: string) => {
      const c = col(name);
      return c < 0 ? '' : (cells[c] ?? '').trim();
    };
    const email = get('email');
    const row: ReportRow = { line, email, problems: [] };
    const key = email.toLowerCase();
    if (!email) row.problems.push({ code: 'emailMissing' });
    else if (!isEmail(email)) row.problems.push({ code: 'emailInvalid' });
    else if (seen.has(key)) row.problems.push({ code: 'duplicate', firstRow: seen.get(key)! });
    else seen.set(key, line);

    if (kind === 'invite') {
      const firstName = get('firstName');
      const lastName = get('lastName');
      if (firstName.length > 255) row.problems.push({ code: 'tooLong', field: 'firstName' });
      if (lastName.length > 255) row.problems.push({ code: 'tooLong', field: 'lastName' });
      if (firstName) row.firstName = firstName;
      if (lastName) row.lastName = lastName;
      // A leading apostrophe is a spreadsheet's text marker (toCsv writes one before a +).
      const phoneCell = (name: string) => get(name).replace(/^'/, '');
      const countryCode = normalizeCountryCode(phoneCell('countryCode'));
      const cell = normalizeCell(phoneCell('phone'));
      if (countryCode === undefined) row.problems.push({ code: 'countryCodeInvalid' });
      else if (countryCode) row.countryCode = countryCode;
      if (cell === undefined) row.problems.push({ code: 'cellInvalid' });
      else if (cell) row.cell = cell;
      const group = get('securityGroup');
      if (!group) row.problems.push({ code: 'groupMissing' });
      else {
        const g = groupsById.get(group) ?? groupsByName.get(group.toLowerCase());
        if (!g) row.problems.push({ code: 'groupUnknown', group });
        else {
          row.groupId = g.id;
          row.groupLabel = g.name;
        }
      }
    } else if (row.problems.length === 0 && ctx.users) {
      const u = ctx.users.get(key);
      if (!u) row.problems.push({ code: 'userUnknown' });
      else row.userId = u.userId;
    }
    return row;
  });
  return { kind, rows, valid: rows.filter((r) => r.problems.length === 0), invalid: rows.filter((r) => r.problems.length > 0) };
}

/** Splits items into batches of at most `size` (the API takes 1–50 per call). */
export function batches<T>(items: T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Matches a BatchCreateUser answer to the rows that were sent: failures come in request order (with
 * userId '0'), successes carry the username.
 */
export function matchCreateResults(
  sent: { email: string }[],
  out: { successful?: { username?: string; userId?: string }[]; failed?: { reason?: string; field?: string }[] },
): { ok: boolean; reason?: string; userId?: string }[] {
  const ok = new Map<string, string>();
  for (const s of out.successful ?? []) if (s.username) ok.set(s.username.toLowerCase(), s.userId ?? '');
  const failed = [...(out.failed ?? [])];
  return sent.map((row) => {
    const key = row.email.toLowerCase();
    if (ok.has(key)) {
      const userId = ok.get(key);
      ok.delete(key);
      return { ok: true, userId };
    }
    const f = failed.shift();
    return { ok: false, reason: f?.reason ?? 'failed' };
  });
}
