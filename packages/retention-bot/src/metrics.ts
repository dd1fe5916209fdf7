/**
 * metrics.ts — owns the bot's counters (the guide's metrics), their publication to CloudWatch every
 * interval (WICKRIO_METRICS_TYPE=cloudwatch: namespace WickrIO, one datum per metric with the
 * dimensions Id, Device, Product, BotType, Network; values are the counts of the interval, Logins is
 * 1 per interval while signed in) and a Prometheus text endpoint (cumulative counters) for self-hosters.
 */
import { createServer, type Server } from 'node:http';
import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { awsErrorText } from './aws.js';
import type { BotLog } from './logs.js';

export const METRIC_NAMES = [
  'Messages_Rx',
  'Messages_Rx_Failed',
  'Messages_Saved',
  'Messages_Saved_Failed',
  'Files_Saved',
  'Files_Saved_Bytes',
  'Files_Saved_Failed',
  'Logins',
  'Login_Failures',
  'S3_Post_Errors',
  'Watchdog_Failures',
  'Watchdog_Warnings',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export const NAMESPACE = 'WickrIO';

export interface Dimensions {
  Id: string;
  Device: string;
  Product: string;
  BotType: string;
  Network: string;
}

export class Metrics {
  /** Cumulative since start. */
  readonly totals = Object.fromEntries(METRIC_NAMES.map((n) => [n, 0])) as Record<MetricName, number>;
  private sent = Object.fromEntries(METRIC_NAMES.map((n) => [n, 0])) as Record<MetricName, number>;
  /** True while signed in: Logins reports 1 per interval. */
  signedIn = false;
  private timer?: ReturnType<typeof setInterval>;
  private server?: Server;
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dims: Dimensions,
    private readonly log: BotLog,
    private readonly cw?: CloudWatchClient,
  ) {}

  inc(name: MetricName, n = 1): void {
    this.totals[name] += n;
  }

  /** The interval's data: the change of every counter since the last publication. */
  snapshot(at: Date): MetricDatum[] {
    const dims = Object.entries(this.dims).map(([Name, Value]) => ({ Name, Value: Value || 'unknown' }));
    return METRIC_NAMES.map((name) => {
      let value = this.totals[name] - this.sent[name];
      if (name === 'Logins' && this.signedIn) value = Math.max(value, 1);
      return { MetricName: name, Dimensions: dims, Timestamp: at, Value: value, Unit: name === 'Files_Saved_Bytes' ? 'Bytes' : 'Count' };
    });
  }

  /** Sends the interval's data to CloudWatch (nothing when CloudWatch is off). */
  publish(): Promise<void> {
    if (!this.cw) return Promise.resolve();
    const cw = this.cw;
    const next = this.publishing.then(async () => {
      const current = { ...this.totals };
      const data = this.snapshot(new Date());
      try {
        await cw.send(new PutMetricDataCommand({ Namespace: NAMESPACE, MetricData: data }));
        this.sent = current;
      } catch (err) {
        this.log.log('warn', 'cloudwatch.put_failed', { error: awsErrorText(err) });
      }
    });
    this.publishing = next;
    return next;
  }

  start(intervalMs: number): void {
    if (!this.cw || this.timer) return;
    this.timer = setInterval(() => void this.publish(), intervalMs);
    this.timer.unref();
  }

  /** Prometheus text exposition format 0.0.4. */
  prometheusText(): string {
    const labels = Object.entries(this.dims)
      .map(([k, v]) => `${k.toLowerCase()}="${String(v).replace(/["\\\n]/g, '_')}"`)
      .join(',');
    let out = '';
    for (const name of METRIC_NAMES) {
      const metric = `wickrio_${name.toLowerCase()}_total`;
      out += `# HELP ${metric} WickrIO ${name}\n# TYPE ${metric} counter\n${metric}{${labels}} ${this.totals[name]}\n`;
    }
    out += `# HELP wickrio_signed_in 1 while the bot is signed in\n# TYPE wickrio_signed_in gauge\nwickrio_signed_in{${labels}} ${this.signedIn ? 1 : 0}\n`;
    return out;
  }

  /** Serves GET /metrics; resolves with the bound port. */
  async serve(host: string, port: number): Promise<number> {
    this.server = createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.prometheusText());
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  /** Stops the timer and the endpoint, after a last publication. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.publish();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }
}
