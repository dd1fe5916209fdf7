// 存取與稽核 → 稽核日誌: CloudTrail LookupEvents with a UTC time range, event name, principal and
// read-only filters; each event's JSON.
import { useState } from 'react';
import { lookupEvents, type AuditEvent, type LookupInput } from '../api/audit';
import { Button, Empty, Loading, SelectField, TextField } from '../../shared/ui';
import { ErrorBanner } from '../components/errors';
import { Page } from '../components/page';
import { useI18n } from '../i18n';

/** `datetime-local` value (read as UTC) → ISO 8601. */
export function utcInput(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(`${v}${v.length === 16 ? ':00' : ''}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function AuditPage() {
  const { t } = useI18n();
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [eventName, setEventName] = useState('');
  const [principal, setPrincipal] = useState('');
  const [readOnly, setReadOnly] = useState('');
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [filters, setFilters] = useState<LookupInput>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [rangeErr, setRangeErr] = useState<string | null>(null);

  const search = async (more: boolean) => {
    let f = filters;
    if (!more) {
      const s = utcInput(start);
      const e = utcInput(end);
      if (s && e && s > e) {
        setRangeErr(t('audit.rangeError'));
        return;
      }
      setRangeErr(null);
      f = { ...(s ? { startTime: s } : {}), ...(e ? { endTime: e } : {}), ...(eventName.trim() ? { eventName: eventName.trim() } : {}), ...(principal.trim() ? { principalArn: principal.trim() } : {}), ...(readOnly ? { readOnly: readOnly === 'true' } : {}) };
      setFilters(f);
    }
    setBusy(true);
    setError(null);
    try {
      const out = await lookupEvents({ ...f, maxResults: 50, ...(more && next ? { nextToken: next } : {}) });
      setEvents((old) => (more && old ? [...old, ...out.events] : out.events));
      setNext(out.nextToken);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('audit.title')}>
      <p className="muted">{t('audit.intro')}</p>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(false);
        }}
      >
        <TextField label={t('audit.start')} type="datetime-local" value={start} onChange={setStart} hint={t('audit.utc')} error={rangeErr} name="start" />
        <TextField label={t('audit.end')} type="datetime-local" value={end} onChange={setEnd} hint={t('audit.utc')} name="end" />
        <TextField label={t('audit.eventName')} value={eventName} onChange={setEventName} hint={t('audit.eventNameHint')} name="eventName" />
        <TextField label={t('audit.principal')} value={principal} onChange={setPrincipal} hint={t('audit.principalHint')} name="principal" />
        <SelectField
          label={t('audit.readOnly')}
          value={readOnly}
          onChange={setReadOnly}
          options={[
            { value: '', label: t('common.all') },
            { value: 'false', label: t('audit.writes') },
            { value: 'true', label: t('audit.reads') },
          ]}
          name="readOnly"
        />
        <Button type="submit" variant="primary" busy={busy}>
          {t('common.search')}
        </Button>
      </form>
      <ErrorBanner error={error} />
      {events === null ? (
        busy ? (
          <Loading />
        ) : (
          <p className="muted">{t('audit.start.prompt')}</p>
        )
      ) : events.length === 0 ? (
        <Empty title={t('audit.none')} />
      ) : (
        <>
          <table className="table">
            <caption className="sr-only">{t('audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.time')}</th>
                <th scope="col">{t('audit.eventName')}</th>
                <th scope="col">{t('audit.principal')}</th>
                <th scope="col">{t('audit.source')}</th>
                <th scope="col">{t('audit.result')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <EventRow key={e.eventID} e={e} open={open === e.eventID} onToggle={() => setOpen(open === e.eventID ? null : e.eventID)} />
              ))}
            </tbody>
          </table>
          {next ? (
            <Button onClick={() => void search(true)} busy={busy}>
              {t('audit.more')}
            </Button>
          ) : null}
        </>
      )}
    </Page>
  );
}

function EventRow({ e, open, onToggle }: { e: AuditEvent; open: boolean; onToggle: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <tr>
        <td>{e.eventTime.replace('T', ' ').replace('Z', ' UTC')}</td>
        <td>{e.eventName}</td>
        <td>
          <code className="small">{e.userIdentity?.arn ?? e.userIdentity?.type ?? '—'}</code>
        </td>
        <td>{e.sourceIPAddress ?? '—'}</td>
        <td>{e.errorCode ? <span className="status bad">{e.errorCode}</span> : t('audit.ok')}</td>
        <td>
          <Button onClick={onToggle} aria-expanded={open}>
            {open ? t('audit.hideJson') : t('audit.showJson')}
            <span className="sr-only"> ({e.eventName}, {e.eventTime})</span>
          </Button>
        </td>
      </tr>
      {open ? (
        <tr className="json-row">
          <td colSpan={6}>
            <pre className="json" tabIndex={0} aria-label={t('audit.jsonOf', { name: e.eventName, time: e.eventTime })}>
              {JSON.stringify(e, null, 2)}
            </pre>
          </td>
        </tr>
      ) : null}
    </>
  );
}
