// 大量邀請 / 大量刪除 / 大量暫停 by CSV: template download, drag-and-drop or file picker upload, a
// row-level validation report before anything changes, the "I understand" checkbox for delete, a
// progress bar while batches of 50 run, and a result table. Delete and suspend are not offered while
// SSO is on (the guide).
import { useRef, useState, type DragEvent } from 'react';
import { useNetwork } from '../hooks/use-network';
import { call, listAll } from '../api/admin';
import { clientToken } from '../api/http';
import { Banner, Button, CheckboxField, Section } from '../../shared/ui';
import { ErrorBanner, Loaded, errorMessage } from '../components/errors';
import { Page } from '../components/page';
import { useI18n } from '../i18n';
import { batches, matchCreateResults, MAX_FILE_BYTES, templateCsv, validateBulkCsv, type BulkKind, type Report, type ReportRow, type RowProblem } from '../lib/csv';
import { navigate } from '../lib/router';
import { useLoad, type Loaded as LoadedState } from '../hooks/use-load';
import { download } from '../lib/download';
import { ssoOn } from '../lib/sso';
import { useGroups } from '../hooks/use-groups';
import { useOidc } from '../hooks/use-oidc';

interface Result {
  row: ReportRow;
  ok: boolean;
  reason?: string;
}

export function problemText(p: RowProblem, t: (k: 'bulk.p.emailMissing', params?: Record<string, string | number>) => string): string {
  return t(`bulk.p.${p.code}` as 'bulk.p.emailMissing', { ...('firstRow' in p ? { row: p.firstRow } : {}), ...('group' in p ? { group: p.group } : {}), ...('field' in p ? { field: p.field } : {}) });
}

export function BulkPage({ kind }: { kind: BulkKind }) {
  const { t, number } = useI18n();
  const { networkId } = useNetwork();
  const groups = useGroups(networkId);
  const oidc = useOidc(networkId);
  const directory = useLoad(
    () => (kind === 'invite' ? Promise.resolve(undefined) : listAll('ListUsers', { networkId }, (o) => o.users).then((us) => new Map(us.map((u) => [(u.username ?? '').toLowerCase(), { userId: u.userId! }])))),
    [networkId, kind],
  );
  const [fileName, setFileName] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [understood, setUnderstood] = useState(false);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  const [results, setResults] = useState<Result[] | null>(null);
  const [drag, setDrag] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const blocked = kind !== 'invite' && ssoOn(oidc.data);

  const load = async (file: File) => {
    setResults(null);
    setUnderstood(false);
    setReadError(null);
    setFileName(file.name);
    if (file.size > MAX_FILE_BYTES) {
      setReport(null);
      setReadError(t('bulk.f.tooLarge'));
      return;
    }
    const text = await file.text();
    setReport(validateBulkCsv(kind, text, { groups: groups.data ?? [], ...(directory.data ? { users: directory.data } : {}) }));
  };

  const run = async () => {
    if (!report || report.valid.length === 0) return;
    setRunning(true);
    const out: Result[] = [];
    setProgress({ done: 0, total: report.valid.length });
    for (const batch of batches(report.valid)) {
      try {
        if (kind === 'invite') {
          const res = await call('BatchCreateUser', {
            networkId,
            clientToken: clientToken(),
            users: batch.map((r) => ({
              username: r.email,
              securityGroupIds: [r.groupId!],
              ...(r.firstName ? { firstName: r.firstName } : {}),
              ...(r.lastName ? { lastName: r.lastName } : {}),
              ...(r.countryCode ? { countryCode: r.countryCode } : {}),
              ...(r.cell ? { cell: r.cell } : {}),
            })),
          });
          matchCreateResults(batch, res).forEach((m, i) => out.push({ row: batch[i]!, ok: m.ok, ...(m.reason ? { reason: m.reason } : {}) }));
        } else {
          const userIds = batch.map((r) => r.userId!);
          const res =
            kind === 'delete'
              ? await call('BatchDeleteUser', { networkId, userIds, clientToken: clientToken() })
              : await call('BatchToggleUserSuspendStatus', { networkId, userIds, suspend: true, clientToken: clientToken() });
          const failed = new Map((res.failed ?? []).map((f) => [f.userId, f.reason ?? 'failed']));
          for (const r of batch) out.push({ row: r, ok: !failed.has(r.userId!), ...(failed.has(r.userId!) ? { reason: failed.get(r.userId!) } : {}) });
        }
      } catch (err) {
        for (const r of batch) out.push({ row: r, ok: false, reason: errorMessage(err) });
      }
      setProgress({ done: out.length, total: report.valid.length });
      setResults([...out]);
    }
    setRunning(false);
    void directory.reload();
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDrag(false);
    const f = e.dataTransfer.files[0];
    if (f) void load(f);
  };
  const ok = results?.filter((r) => r.ok).length ?? 0;

  return (
    <Page title={t(`bulk.${kind}.title`)} back={{ to: `/networks/${networkId}/users`, label: t('users.title') }}>
      {blocked ? (
        <Banner kind="warning" title={t('bulk.ssoDisabled')} />
      ) : (
        <Loaded<unknown> state={(kind === 'invite' ? groups : directory) as LoadedState<unknown>}>
          {() => (
            <>
              <Section title={t('bulk.step1')} description={t(`bulk.${kind}.intro`)}>
                <Button onClick={() => download(`enclave-bulk-${kind}-template.csv`, templateCsv(kind))}>{t('bulk.downloadTemplate')}</Button>
                {kind === 'delete' ? <p className="muted small">{t('bulk.delete.directoryHint')}</p> : null}
              </Section>
              <Section title={t('bulk.step2')}>
                <div
                  className={`dropzone${drag ? ' drag' : ''}`}
                  onDragOver={(e) => {
                    e.preventDefault();
                    setDrag(true);
                  }}
                  onDragLeave={() => setDrag(false)}
                  onDrop={onDrop}
                >
                  <p>{t('bulk.drop')}</p>
                  <label className="btn btn-normal" htmlFor="bulk-file">
                    {t('bulk.chooseFile')}
                  </label>
                  <input
                    id="bulk-file"
                    ref={input}
                    className="sr-only"
                    type="file"
                    accept=".csv,text/csv"
                    onChange={(e) => {
                      const f = e.target.files?.[0];
                      if (f) void load(f);
                      e.target.value = '';
                    }}
                  />
                  {fileName ? <p className="muted">{t('bulk.file', { name: fileName })}</p> : null}
                </div>
                {readError ? <Banner kind="error" title={readError} /> : null}
              </Section>
              {report ? <ReportView report={report} /> : null}
              {report && report.valid.length > 0 && !results ? (
                <Section title={t('bulk.step3')}>
                  <p>{t('bulk.readyCount', { n: number(report.valid.length), skipped: number(report.invalid.length) })}</p>
                  {kind === 'delete' ? <CheckboxField label={t('bulk.delete.understand')} checked={understood} onChange={setUnderstood} /> : null}
                  <Button variant={kind === 'invite' ? 'primary' : 'danger'} disabled={kind === 'delete' && !understood} busy={running} onClick={() => void run()}>
                    {t(`bulk.${kind}.button`)}
                  </Button>
                </Section>
              ) : null}
              {results || running ? (
                <Section title={t('bulk.results')}>
                  <label htmlFor="bulk-progress">{t('bulk.progress', { done: number(progress.done), total: number(progress.total) })}</label>
                  <progress id="bulk-progress" max={progress.total || 1} value={progress.done} />
                  {results && !running ? <Banner kind={ok === results.length ? 'success' : 'warning'} title={t('bulk.summary', { ok: number(ok), failed: number(results.length - ok) })} /> : null}
                  {results ? (
                    <table className="table compact">
                      <caption className="sr-only">{t('bulk.results')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('bulk.line')}</th>
                          <th scope="col">{t('users.email')}</th>
                          <th scope="col">{t('bulk.result')}</th>
                          <th scope="col">{t('bulk.reason')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {results.map((r) => (
                          <tr key={r.row.line} className={r.ok ? 'ok' : 'bad'}>
                            <td>{r.row.line}</td>
                            <td>{r.row.email}</td>
                            <td>{r.ok ? t('bulk.succeeded') : t('bulk.failed')}</td>
                            <td>{r.reason ?? ''}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  ) : null}
                  {results && !running ? <Button onClick={() => navigate(`/networks/${networkId}/users`)}>{t('invite.backToDirectory')}</Button> : null}
                </Section>
              ) : null}
            </>
          )}
        </Loaded>
      )}
      <ErrorBanner error={oidc.error} />
    </Page>
  );
}

function ReportView({ report }: { report: Report }) {
  const { t, number } = useI18n();
  if (report.fileError) return <Banner kind="error" title={t(`bulk.f.${report.fileError.code}`, { line: report.fileError.line ?? '' })} />;
  return (
    <Section title={t('bulk.report')}>
      <Banner kind={report.invalid.length ? 'warning' : 'success'} title={t('bulk.reportSummary', { valid: number(report.valid.length), invalid: number(report.invalid.length) })} />
      <table className="table compact">
        <caption className="sr-only">{t('bulk.report')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('bulk.line')}</th>
            <th scope="col">{t('users.email')}</th>
            {report.kind === 'invite' ? <th scope="col">{t('users.group')}</th> : null}
            <th scope="col">{t('bulk.check')}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.line} className={r.problems.length ? 'bad' : 'ok'}>
              <td>{r.line}</td>
              <td>{r.email || '—'}</td>
              {report.kind === 'invite' ? <td>{r.groupLabel ?? '—'}</td> : null}
              <td>{r.problems.length ? r.problems.map((p) => problemText(p, t)).join('; ') : t('bulk.rowOk')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
