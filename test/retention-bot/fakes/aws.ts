// Protocol fakes of the AWS services the retention bot calls, for tests: real HTTP servers on
// 127.0.0.1 that speak enough of each wire protocol for the AWS SDK v3 clients with an endpoint
// override — KMS (awsJson1_1: GenerateDataKey, Decrypt), Secrets Manager (awsJson1_1:
// GetSecretValue), SNS (awsQuery: Publish, XML answers) and CloudWatch (awsJson1_0:
// PutMetricData). They record every call (with the region and service of its SigV4 credential
// scope) and can be told to fail. Signatures are not checked. `startRecordingProxy` forwards to another
// server (s3rver) unchanged and records each request's method, path and signed region.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface FakeCall {
  service: string;
  action: string;
  body: Record<string, unknown>;
  /** The region the request was signed for (SigV4 credential scope), if it was signed. */
  region?: string;
  /** The service name in the credential scope (e.g. "kms", "secretsmanager", "sns", "monitoring"). */
  signedService?: string;
}

/** Region and service of a SigV4 `Authorization` header: `Credential=AKID/DATE/REGION/SERVICE/aws4_request`. */
export function credentialScope(authorization: string | string[] | undefined): { region?: string; service?: string } {
  const m = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(String(authorization ?? ''));
  return m ? { region: m[1]!, service: m[2]! } : {};
}

const scopeOf = (req: IncomingMessage) => {
  const { region, service } = credentialScope(req.headers.authorization);
  return { ...(region ? { region } : {}), ...(service ? { signedService: service } : {}) };
};

export interface AwsFakes {
  endpoints: { kms: string; secretsmanager: string; sns: string; cloudwatch: string };
  calls: FakeCall[];
  /** secret name → SecretString */
  secrets: Map<string, string>;
  /** key ARNs KMS knows */
  kmsKeys: Set<string>;
  topics: Set<string>;
  /** Fail the next calls of a service with this error (until cleared). */
  failing: Partial<Record<'kms' | 'secretsmanager' | 'sns' | 'cloudwatch', string>>;
  /** How many more Secrets Manager requests answer 500 InternalServiceError (a passing outage). */
  unavailable: { secretsmanager: number };
  published(): { TopicArn: string; Message: string }[];
  metricData(): { Namespace: string; MetricData: { MetricName: string; Dimensions: { Name: string; Value: string }[]; Value: number; Unit?: string }[] }[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let buf = Buffer.concat(chunks);
  if (req.headers['content-encoding'] === 'gzip') buf = gunzipSync(buf);
  return buf.toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown, type = 'application/x-amz-json-1.1'): void {
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

function jsonError(res: ServerResponse, status: number, type: string, message: string, ct?: string): void {
  json(res, status, { __type: type, message }, ct);
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${addr.port}` };
}

export async function startAwsFakes(): Promise<AwsFakes> {
  const calls: FakeCall[] = [];
  const secrets = new Map<string, string>();
  const kmsKeys = new Set<string>();
  const topics = new Set<string>();
  const failing: AwsFakes['failing'] = {};
  const unavailable: AwsFakes['unavailable'] = { secretsmanager: 0 };
  const master = randomBytes(32);

  const wrapKey = (keyId: string, ctx: unknown, plain: Buffer): Buffer => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', master, iv);
    c.setAAD(Buffer.from(keyId + '|' + JSON.stringify(ctx ?? {})));
    const body = Buffer.concat([c.update(plain), c.final()]);
    const id = Buffer.from(keyId);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(id.length);
    return Buffer.concat([len, id, iv, c.getAuthTag(), body]);
  };
  const unwrapKey = (blob: Buffer, ctx: unknown): { keyId: string; plain: Buffer } => {
    const n = blob.readUInt16BE(0);
    const keyId = blob.subarray(2, 2 + n).toString();
    const iv = blob.subarray(2 + n, 14 + n);
    const tag = blob.subarray(14 + n, 30 + n);
    const d = createDecipheriv('aes-256-gcm', master, iv);
    d.setAAD(Buffer.from(keyId + '|' + JSON.stringify(ctx ?? {})));
    d.setAuthTag(tag);
    return { keyId, plain: Buffer.concat([d.update(blob.subarray(30 + n)), d.final()]) };
  };

  const kms = await listen(async (req, res) => {
    const action = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    calls.push({ service: 'kms', action, body, ...scopeOf(req) });
    if (failing.kms) return jsonError(res, 400, 'AccessDeniedException', failing.kms);
    if (action === 'GenerateDataKey') {
      const keyId = String(body.KeyId);
      if (!kmsKeys.has(keyId)) return jsonError(res, 400, 'NotFoundException', `Key '${keyId}' does not exist`);
      const plain = randomBytes(body.KeySpec === 'AES_128' ? 16 : 32);
      return json(res, 200, { KeyId: keyId, Plaintext: plain.toString('base64'), CiphertextBlob: wrapKey(keyId, body.EncryptionContext, plain).toString('base64') });
    }
    if (action === 'Decrypt') {
      try {
        const { keyId, plain } = unwrapKey(Buffer.from(String(body.CiphertextBlob), 'base64'), body.EncryptionContext);
        if (body.KeyId && body.KeyId !== keyId) return jsonError(res, 400, 'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
        return json(res, 200, { KeyId: keyId, Plaintext: plain.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
      } catch {
        return jsonError(res, 400, 'InvalidCiphertextException', 'The ciphertext is invalid or the encryption context does not match.');
      }
    }
    return jsonError(res, 400, 'UnknownOperationException', action);
  });

  const sm = await listen(async (req, res) => {
    const action = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    calls.push({ service: 'secretsmanager', action, body, ...scopeOf(req) });
    if (failing.secretsmanager) return jsonError(res, 400, 'AccessDeniedException', failing.secretsmanager);
    if (unavailable.secretsmanager > 0) {
      unavailable.secretsmanager--;
      return jsonError(res, 500, 'InternalServiceError', 'Secrets Manager is not available right now.');
    }
    if (action !== 'GetSecretValue') return jsonError(res, 400, 'UnknownOperationException', action);
    const name = String(body.SecretId);
    const value = secrets.get(name);
    if (value === undefined) return jsonError(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return json(res, 200, { ARN: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-AbCdEf`, Name: name, SecretString: value, VersionId: randomUUID(), VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 });
  });

  const xml = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(body);
  };
  const sns = await listen(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    const body = Object.fromEntries(form.entries());
    calls.push({ service: 'sns', action: body.Action ?? '', body, ...scopeOf(req) });
    const rid = randomUUID();
    if (failing.sns) return xml(res, 403, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>${failing.sns}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`);
    if (body.Action !== 'Publish') return xml(res, 400, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${body.Action}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`);
    if (!topics.has(body.TopicArn ?? '')) return xml(res, 404, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`);
    return xml(res, 200, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${rid}</RequestId></ResponseMetadata></PublishResponse>`);
  });

  const cw = await listen(async (req, res) => {
    const action = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    calls.push({ service: 'cloudwatch', action, body, ...scopeOf(req) });
    if (failing.cloudwatch) return jsonError(res, 400, 'AccessDenied', failing.cloudwatch, 'application/x-amz-json-1.0');
    if (action !== 'PutMetricData') return jsonError(res, 400, 'UnknownOperationException', action, 'application/x-amz-json-1.0');
    return json(res, 200, {}, 'application/x-amz-json-1.0');
  });

  return {
    endpoints: { kms: kms.url, secretsmanager: sm.url, sns: sns.url, cloudwatch: cw.url },
    calls,
    secrets,
    kmsKeys,
    topics,
    failing,
    unavailable,
    published: () => calls.filter((c) => c.service === 'sns' && c.action === 'Publish').map((c) => c.body as { TopicArn: string; Message: string }),
    metricData: () => calls.filter((c) => c.service === 'cloudwatch' && c.action === 'PutMetricData').map((c) => c.body as ReturnType<AwsFakes['metricData']>[number]),
    async close() {
      for (const s of [kms, sm, sns, cw]) {
        s.server.closeAllConnections();
        await new Promise<void>((r) => s.server.close(() => r()));
      }
    },
  };
}

export interface RecordedRequest {
  method: string;
  /** The request path, URL-decoded (path-style S3: `/<bucket>/<key>`). */
  path: string;
  /** The query string without `?` ('' when none). */
  query: string;
  region?: string;
  signedService?: string;
  /** The upstream's answer. */
  status?: number;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** An HTTP proxy in front of `target` (e.g. s3rver) that forwards every request unchanged — the Host
 * header included, so SigV4 signatures still verify upstream; only `Expect: 100-continue`, which SigV4
 * never signs, is answered here — and records what was asked. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const up = new URL(target);
  const requests: RecordedRequest[] = [];
  const { server, url } = await listen(async (req, res) => {
    const target = new URL(req.url ?? '/', 'http://proxy');
    let path = target.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep it encoded
    }
    const rec: RecordedRequest = { method: req.method ?? '', path, query: target.search.slice(1), ...scopeOf(req) };
    requests.push(rec);
    await new Promise<void>((resolve) => {
      const fail = (err: Error) => {
        rec.status ??= 502;
        if (res.headersSent) res.destroy(err);
        else res.writeHead(502).end(String(err));
        resolve();
      };
      const { expect: _expect, ...headers } = req.headers;
      const out = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers }, (r) => {
        rec.status = r.statusCode;
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
        r.on('end', () => resolve());
        r.on('error', fail);
      });
      out.on('error', fail);
      req.pipe(out);
    });
  });
  return {
    url,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
