import { describe, expect, it } from 'vitest';
import { parseCsv, usersFromCsv } from './csv.js';

describe('CSV', () => {
  it('parses quotes, escaped quotes, embedded commas and newlines, CRLF and a BOM', () => {
    const { rows, lines } = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z');
    expect(rows).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', 'z'],
    ]);
    expect(lines).toEqual([1, 2, 4]);
    expect(() => parseCsv('"open')).toThrow(/unterminated/);
  });

  it('reads users with the header username,firstName,lastName,securityGroupId', () => {
    const users = usersFromCsv('username,firstName,lastName,securityGroupId\nalice@example.com,Alice,Smith,g1\nbob@example.com,,,g1;g2\n', 'users.csv');
    expect(users).toEqual([
      { username: 'alice@example.com', firstName: 'Alice', lastName: 'Smith', securityGroupIds: ['g1'] },
      { username: 'bob@example.com', securityGroupIds: ['g1', 'g2'] },
    ]);
  });

  it('accepts other item members as columns, in any order and case', () => {
    const users = usersFromCsv('SecurityGroupId,USERNAME,inviteCodeTtl,codeValidation\ng,carol,7,true\n', 'u.csv');
    expect(users).toEqual([{ securityGroupIds: ['g'], username: 'carol', inviteCodeTtl: 7, codeValidation: true }]);
  });

  it('names the file, line and column of mistakes', () => {
    expect(() => usersFromCsv('', 'u.csv')).toThrow(/u.csv: empty file/);
    expect(() => usersFromCsv('username,email\n', 'u.csv')).toThrow(/unknown column "email"/);
    expect(() => usersFromCsv('username,firstName\nx,y\n', 'u.csv')).toThrow(/missing column securityGroupId/);
    expect(() => usersFromCsv('username,securityGroupId\nx,g\ny\n', 'u.csv')).toThrow(/u.csv line 3: expected 2 fields, found 1/);
    expect(() => usersFromCsv('username,securityGroupId\n,g\n', 'u.csv')).toThrow(/line 2: username is empty/);
    expect(() => usersFromCsv('username,securityGroupId,inviteCodeTtl\nx,g,soon\n', 'u.csv')).toThrow(/inviteCodeTtl must be an integer/);
  });
});
