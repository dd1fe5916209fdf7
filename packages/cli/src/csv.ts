// The --users-file CSV of batch-create-user: a header row naming the columns (username, firstName,
// lastName, securityGroupId; any other member of BatchCreateUserRequestItem may be added), then one
// user a row. Several security groups go in one cell separated by ';'.
import { usageError } from './errors.js';
import { flagKind, inputMembers, shapeOf } from './model-flags.js';

/** RFC 4180 CSV: quoted fields with "" escapes and embedded newlines, CRLF or LF, optional BOM. */
export function parseCsv(text: string): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      lines.push(rowLine);
      row = [];
      field = '';
      line++;
      rowLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw usageError(`unterminated quoted field starting on line ${rowLine}`);
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
    lines.push(rowLine);
  }
  // Drop blank lines.
  const keep = rows.map((r) => !(r.length === 1 && r[0]!.trim() === ''));
  return { rows: rows.filter((_, i) => keep[i]), lines: lines.filter((_, i) => keep[i]) };
}

const ITEM_SHAPE = 'BatchCreateUserRequestItem';

/** The users of a --users-file, as BatchCreateUserRequestItem objects. */
export function usersFromCsv(text: string, source: string): Record<string, unknown>[] {
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(text);
  } catch (err) {
    throw usageError(`${source}: ${(err as Error).message}`);
  }
  const [header, ...rows] = parsed.rows;
  if (!header) throw usageError(`${source}: empty file; expected a header row username,firstName,lastName,securityGroupId`);
  const members = inputMembers(ITEM_SHAPE);
  const byLower = new Map(Object.keys(members).map((k) => [k.toLowerCase(), k]));
  byLower.set('securitygroupid', 'securityGroupIds');
  const columns = header.map((h) => {
    const name = byLower.get(h.trim().toLowerCase());
    if (!name) throw usageError(`${source}: unknown column "${h.trim()}"; columns are username, firstName, lastName, securityGroupId (and ${Object.keys(members).filter((k) => !['username', 'firstName', 'lastName', 'securityGroupIds'].includes(k)).join(', ')})`);
    return name;
  });
  for (const required of ['username', 'securityGroupIds']) {
    if (!columns.includes(required)) throw usageError(`${source}: missing column ${required === 'securityGroupIds' ? 'securityGroupId' : required}`);
  }
  return rows.map((cells, i) => {
    const where = `${source} line ${parsed.lines[i + 1]}`;
    if (cells.length !== columns.length) throw usageError(`${where}: expected ${columns.length} fields, found ${cells.length}`);
    const user: Record<string, unknown> = {};
    columns.forEach((name, c) => {
      const cell = cells[c]!.trim();
      if (cell === '') return;
      const target = members[name]!.target;
      const kind = flagKind(target);
      if (kind === 'list') {
        user[name] = cell.split(';').map((x) => x.trim()).filter(Boolean);
      } else if (kind === 'integer') {
        if (!/^-?\d+$/.test(cell)) throw usageError(`${where}: ${name} must be an integer, got "${cell}"`);
        user[name] = Number(cell);
      } else if (kind === 'boolean') {
        if (!/^(true|false)$/i.test(cell)) throw usageError(`${where}: ${name} must be true or false, got "${cell}"`);
        user[name] = cell.toLowerCase() === 'true';
      } else if (shapeOf(target).type === 'string' || shapeOf(target).type === 'enum') {
        user[name] = cell;
      } else {
        throw usageError(`${where}: column ${name} cannot be given in a CSV file`);
      }
    });
    if (!user.username) throw usageError(`${where}: username is empty`);
    if (!user.securityGroupIds) throw usageError(`${where}: securityGroupId is empty`);
    return user;
  });
}
