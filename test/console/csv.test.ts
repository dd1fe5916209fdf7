// The CSV validator of the bulk procedures: parsing (RFC 4180), the templates, the row-level report
// and the batch / result helpers.
import { describe, expect, it } from 'vitest';
import { batches, CsvError, DIRECTORY_HEADERS, matchCreateResults, parseCsv, templateCsv, toCsv, validateBulkCsv, TEMPLATE_HEADERS } from '../../packages/web/src/console/lib/csv.js';

const groups = [
  { id: 'g-default', name: 'default' },
  { id: 'g-field', name: 'Field team' },
];

describe('parseCsv', () => {
  it('reads quoted cells, escaped quotes, CRLF and LF, a BOM, and skips blank lines', () => {
    const { rows, lines } = parseCsv('\ufeffemail,name\r\n"a@x.com","Smith, ""Jo"""\n\nb@x.com,"two\nlines"\n');
    expect(rows).toEqual([
      ['email', 'name'],
      ['a@x.com', 'Smith, "Jo"'],
      ['b@x.com', 'two\nlines'],
    ]);
    expect(lines).toEqual([1, 2, 4]);
  });
  it('refuses an unterminated quote and a stray quote, naming the line', () => {
    expect(() => parseCsv('email\n"a@x.com\n')).toThrow(CsvError);
    try {
      parseCsv('email\nab"c"\n');
    } catch (e) {
      expect((e as CsvError).code).toBe('badQuote');
      expect((e as CsvError).line).toBe(2);
    }
  });
  it('round-trips what toCsv writes, and neutralises spreadsheet formulas', () => {
    const rows = [
      ['email', 'note'],
      ['a@x.com', 'has, comma and "quotes"'],
      ['b@x.com', '=HYPERLINK("x")'],
    ];
    const back = parseCsv(toCsv(rows)).rows;
    expect(back[1]).toEqual(rows[1]);
    expect(back[2]![1]).toBe(`'=HYPERLINK("x")`);
  });
});

describe('templates', () => {
  it('each kind has its header and an example row that validates', () => {
    for (const kind of ['invite', 'delete', 'suspend'] as const) {
      const text = templateCsv(kind);
      expect(text.split('\r\n')[0]).toBe(TEMPLATE_HEADERS[kind].join(','));
      const users = new Map([['alice@example.com', { userId: '1' }]]);
      expect(validateBulkCsv(kind, text, { groups, users }).invalid).toEqual([]);
    }
  });
});

describe('validateBulkCsv', () => {
  it('reports every row: bad and missing emails, duplicates, unknown and missing groups; groups by name or ID', () => {
    const csv = [
      'Email,First Name,Last Name,Security Group',
      'a@x.com,A,One,default',
      'b@x.com,B,Two,g-field',
      'not-an-email,C,Three,default',
      ',D,Four,default',
      'A@X.com,E,Five,default',
      'f@x.com,F,Six,Nope',
      'g@x.com,G,Seven,',
      'h@x.com,H,Eight,FIELD TEAM',
    ].join('\n');
    const r = validateBulkCsv('invite', csv, { groups });
    expect(r.fileError).toBeUndefined();
    expect(r.valid.map((x) => [x.email, x.groupId])).toEqual([
      ['a@x.com', 'g-default'],
      ['b@x.com', 'g-field'],
      ['h@x.com', 'g-field'],
    ]);
    expect(r.invalid.map((x) => [x.line, x.problems.map((p) => p.code)])).toEqual([
      [4, ['emailInvalid']],
      [5, ['emailMissing']],
      [6, ['duplicate']],
      [7, ['groupUnknown']],
      [8, ['groupMissing']],
    ]);
    expect(r.invalid[2]!.problems[0]).toEqual({ code: 'duplicate', firstRow: 2 });
  });
  it('delete / suspend: looks users up by email (the team directory CSV works as input)', () => {
    const users = new Map([
      ['a@x.com', { userId: '11' }],
      ['b@x.com', { userId: '12' }],
    ]);
    const csv = toCsv([
      ['email', 'firstName', 'lastName', 'securityGroup', 'status', 'userId'],
      ['A@x.com', '', '', 'default', 'Active', '11'],
      ['zz@x.com', '', '', 'default', 'Active', '99'],
    ]);
    const r = validateBulkCsv('delete', csv, { groups, users });
    expect(r.valid.map((x) => x.userId)).toEqual(['11']);
    expect(r.invalid[0]!.problems).toEqual([{ code: 'userUnknown' }]);
  });
  it('file problems: no email column, no rows, unreadable', () => {
    expect(validateBulkCsv('delete', 'name\nx\n', { groups }).fileError).toEqual({ code: 'noEmailColumn' });
    expect(validateBulkCsv('delete', 'email\n', { groups }).fileError).toEqual({ code: 'noRows' });
    expect(validateBulkCsv('delete', '', { groups }).fileError).toEqual({ code: 'noRows' });
    expect(validateBulkCsv('delete', 'email\n"a@x.com\n', { groups }).fileError).toEqual({ code: 'unterminatedQuote', line: 2 });
  });
  it('accepts the guide’s zh-TW column names', () => {
    const r = validateBulkCsv('invite', '電子郵件,名字,姓氏,安全群組,國碼,電話號碼\na@x.com,小明,王,default,+886,0912-345-678\n', { groups });
    expect(r.valid[0]).toMatchObject({ email: 'a@x.com', firstName: '小明', lastName: '王', groupId: 'g-default', countryCode: '886', cell: '0912345678' });
  });
  it('invite: optional country code and phone columns, checked and normalized as the server does', () => {
    const csv = toCsv([
      ['email', 'securityGroup', 'countryCode', 'phone'],
      ['a@x.com', 'default', '+1', '(202) 555-0123'],
      ['b@x.com', 'default', '', ''],
      ['c@x.com', 'default', '1234', '555.0123'],
      ['d@x.com', 'default', '44', '12'],
      ['e@x.com', 'default', '+44', '20 7946 0958 1234 5678'],
    ]);
    // toCsv writes '+1 as a spreadsheet text cell; the apostrophe is dropped again.
    expect(csv.split('\r\n')[1]).toBe(`a@x.com,default,'+1,(202) 555-0123`);
    const r = validateBulkCsv('invite', csv, { groups });
    expect(r.valid.map((x) => [x.email, x.countryCode, x.cell])).toEqual([
      ['a@x.com', '1', '2025550123'],
      ['b@x.com', undefined, undefined],
    ]);
    expect(r.invalid.map((x) => [x.email, x.problems.map((p) => p.code)])).toEqual([
      ['c@x.com', ['countryCodeInvalid']],
      ['d@x.com', ['cellInvalid']],
      ['e@x.com', ['cellInvalid']],
    ]);
    // A phone column under another name (cell, Phone Number) is read too.
    expect(validateBulkCsv('invite', 'email,group,cell\na@x.com,default,555 0100\n', { groups }).valid[0]!.cell).toBe('5550100');
    expect(validateBulkCsv('invite', 'Email,Security Group,Country Code,Phone Number\na@x.com,default,81,03-1234-5678\n', { groups }).valid[0]).toMatchObject({ countryCode: '81', cell: '0312345678' });
  });
  it('the team directory CSV has the phone columns, so it can be uploaded again', () => {
    expect(DIRECTORY_HEADERS).toEqual(['email', 'firstName', 'lastName', 'securityGroup', 'status', 'userId', 'countryCode', 'phone']);
    expect(TEMPLATE_HEADERS.invite).toEqual(['email', 'firstName', 'lastName', 'securityGroup', 'countryCode', 'phone']);
  });
});

describe('batches and results', () => {
  it('splits into batches of 50', () => {
    const items = Array.from({ length: 121 }, (_, i) => i);
    expect(batches(items).map((b) => b.length)).toEqual([50, 50, 21]);
  });
  it('matches BatchCreateUser failures (in request order) and successes (by username) to rows', () => {
    const sent = [{ email: 'a@x.com' }, { email: 'B@x.com' }, { email: 'c@x.com' }, { email: 'a@x.com' }];
    const out = {
      successful: [
        { username: 'a@x.com', userId: '1' },
        { username: 'c@x.com', userId: '2' },
      ],
      failed: [{ reason: 'User already exists' }, { reason: 'User already exists' }],
    };
    expect(matchCreateResults(sent, out)).toEqual([
      { ok: true, userId: '1' },
      { ok: false, reason: 'User already exists' },
      { ok: true, userId: '2' },
      { ok: false, reason: 'User already exists' },
    ]);
  });
});
