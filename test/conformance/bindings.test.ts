// Model-driven conformance, part 1: every operation of the model is served at its method and URI,
// behind SigV4, binds its members where the model says, and answers bad input with the modelled
// error shape naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest } from '../../packages/server/src/index.js';
import { dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { errorStatus, members, minimal, modelAvailable, modelOps, shape, type ModelOp } from './model.js';

function minimalInput(op: ModelOp): Record<string, unknown> {
  return minimal(op.input) as Record<string, unknown>;
}

/** A JSON value of the wrong type for the target. */
function wrongType(target: string): unknown {
  const s = shape(target)!;
  switch (s.type) {
    case 'string':
    case 'enum':
      return 12345;
    case 'structure':
      return 'not-an-object';
    case 'list':
      return { not: 'a list' };
    default:
      return 'not-a-number-or-boolean';
  }
}

const MODELLED_ERRORS = ['BadRequestError', 'ForbiddenError', 'InternalServerError', 'RateLimitError', 'ResourceNotFoundError', 'UnauthorizedError', 'ValidationError'];

describe.skipIf(!modelAvailable)(`conformance: bindings and errors for all ${modelOps.length} operations (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('the model has the 44 operations this server implements', () => {
    expect(modelOps).toHaveLength(44);
  });

  it.each(modelOps.map((op) => [op.name, op] as const))('%s is routed at its method and URI and requires SigV4', async (_name, op) => {
    const built = buildRequest(op.name, minimalInput(op));
    expect(built.method).toBe(op.method);
    const qs = new URLSearchParams(Object.entries(built.query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]))).toString();
    const res = await fetch(`${t.url}${built.path}${qs ? `?${qs}` : ''}`, {
      method: built.method,
      headers: built.headers,
      ...(built.body !== undefined ? { body: built.body } : {}),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedError');
  });

  it.each(modelOps.filter((op) => op.uri.includes('{networkId}')).map((op) => [op.name, op] as const))(
    '%s answers 404 ResourceNotFoundError for a network that does not exist',
    async (_name, op) => {
      const res = await t.client.send(op.name, minimalInput(op)).catch((e: unknown) => e);
      expect(res).toMatchObject({ status: 404, errorType: 'ResourceNotFoundError', body: { message: 'Network not found' } });
    },
  );

  const requiredCases = modelOps.flatMap((op) =>
    members(op.input)
      .filter((m) => m.required && m.location !== 'label')
      .map((m) => [op.name, m.name, op] as const),
  );
  it.each(requiredCases)('%s without its required member %s is a 422 ValidationError naming it', async (_n, member, op) => {
    const input = minimalInput(op);
    delete input[member];
    const err = (await t.client.send(op.name, input).catch((e: unknown) => e)) as { status: number; errorType: string; body: { reasons?: { field: string }[] } };
    expect(err.status).toBe(422);
    expect(err.errorType).toBe('ValidationError');
    expect(err.body.reasons?.map((r) => r.field)).toContain(member);
  });

  const typeCases = modelOps.flatMap((op) =>
    members(op.input)
      .filter((m) => m.location === 'body')
      .map((m) => [op.name, m.name, op, m.target] as const),
  );
  it.each(typeCases)('%s with a wrongly typed %s is a 422 ValidationError naming it', async (_n, member, op, target) => {
    const input = minimalInput(op);
    const built = buildRequest(op.name, input);
    const body = JSON.parse(built.body ?? '{}') as Record<string, unknown>;
    body[member] = wrongType(target);
    const err = (await t.client.sendRaw({ ...built, headers: { ...built.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch((e: unknown) => e)) as {
      status: number;
      errorType: string;
      body: { reasons?: { field: string }[] };
    };
    expect(err.status).toBe(422);
    expect(err.body.reasons?.map((r) => r.field.split(/[.[]/)[0])).toContain(member);
  });

  const queryCases = modelOps.flatMap((op) =>
    members(op.input)
      .filter((m) => m.location === 'query' && ['integer', 'boolean', 'intEnum', 'timestamp'].includes(shape(m.target)?.type ?? ''))
      .map((m) => [op.name, m.locationName, op, m.name] as const),
  );
  it.each(queryCases)('%s with a non-numeric/non-boolean query value for %s is a 422', async (_n, queryName, op, member) => {
    const built = buildRequest(op.name, minimalInput(op));
    const err = (await t.client.sendRaw({ ...built, query: { ...built.query, [queryName]: 'abc' } }).catch((e: unknown) => e)) as {
      status: number;
      body: { reasons?: { field: string }[] };
    };
    expect(err.status).toBe(422);
    expect(err.body.reasons?.map((r) => r.field)).toContain(member);
  });

  it('answers a body that is not JSON with 400 BadRequestError', async () => {
    const err = (await t.client
      .sendRaw({ method: 'POST', path: '/networks', query: {}, headers: { 'content-type': 'application/json' }, body: '{"networkName": "x",' })
      .catch((e: unknown) => e)) as { status: number; errorType: string; body: { message: string } };
    expect(err).toMatchObject({ status: 400, errorType: 'BadRequestError' });
    expect(err.body.message).toMatch(/not valid JSON/);
  });

  it('answers an oversize body with 400 BadRequestError and creates nothing', async () => {
    const before = await t.client.call<{ networks: unknown[] }>('ListNetworks', { maxResults: 100 });
    const big = JSON.stringify({ networkName: 'Big', accessLevel: 'STANDARD', pad: 'x'.repeat(2 * 1024 * 1024) });
    const err = (await t.client.sendRaw({ method: 'POST', path: '/networks', query: {}, headers: { 'content-type': 'application/json' }, body: big }).catch((e: unknown) => e)) as {
      status: number;
      errorType: string;
    };
    expect(err).toMatchObject({ status: 400, errorType: 'BadRequestError' });
    const after = await t.client.call<{ networks: unknown[] }>('ListNetworks', { maxResults: 100 });
    expect(after.networks.length).toBe(before.networks.length);
  });

  it('ignores unknown JSON members, as restJson1 requires', async () => {
    const out = await t.client.sendRaw<{ networkName: string }>({
      method: 'POST',
      path: '/networks',
      query: {},
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ networkName: 'Extra', accessLevel: 'STANDARD', somethingNew: { a: 1 } }),
    });
    expect(out.body.networkName).toBe('Extra');
  });

  it('uses modelled error shapes with their modelled status codes and a request ID', async () => {
    for (const attempt of [
      () => t.client.call('GetNetwork', { networkId: '00000000' }),
      () => t.client.call('CreateNetwork', { networkName: '', accessLevel: 'STANDARD' }),
      () => fetch(`${t.url}/networks`).then(async (r) => Promise.reject({ status: r.status, errorType: r.headers.get('x-amzn-errortype'), requestId: r.headers.get('x-amzn-requestid') })),
    ]) {
      const e = (await attempt().catch((x: unknown) => x)) as { status: number; errorType: string; requestId: string | null };
      expect(MODELLED_ERRORS).toContain(e.errorType);
      expect(e.status).toBe(errorStatus(e.errorType));
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
