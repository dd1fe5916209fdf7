// 網路政策: messaging (讀取回條), data retention (資料保留: the setup steps, the bot's user name and
// initial password to copy, the enable checkbox; Premium only), consent pop-up (同意快顯視窗, with a
// live preview) and session idle timeout (工作階段逾時). The last two are Enclave's documented
// extension of the network settings (GetNetworkSettings lists them, UpdateNetworkSettings saves them;
// see docs/console.md).
import { useState } from 'react';
import { isPremium } from '@enclave/admin-api';
import { useNetwork } from '../hooks/use-network';
import { call, type ConsentPopup, type Setting } from '../api/admin';
import { ApiError } from '../api/http';
import { Banner, Button, CheckboxField, CopyButton, DescriptionList, RadioGroup, Section, TextAreaField, TextField, YesNo } from '../../shared/ui';
import { ErrorBanner, Loaded } from '../components/errors';
import { Page } from '../components/page';
import { useI18n } from '../i18n';
import { intValue } from '../lib/forms';
import { useLoad } from '../hooks/use-load';

export const CONSENT_OPTION = 'consentPopup';
export const IDLE_OPTION = 'sessionIdleTimeoutMinutes';
/** Limits of the consent pop-up's fields and of the idle timeout, as the server's extension checks them. */
export const CONSENT_LIMITS = { title: 100, body: 4000, buttonLabel: 30 };
export const IDLE_MAX_MINUTES = 1440;
const PRESETS = ['0', '5', '15', '30', '60', '240', '1440'];

function settingValue(settings: Setting[], name: string): string | undefined {
  return settings.find((s) => s.optionName === name)?.value;
}

export function NetworkPoliciesPage() {
  const { t } = useI18n();
  const { network, networkId } = useNetwork();
  const settings = useLoad(() => call('GetNetworkSettings', { networkId }).then((o) => o.settings), [networkId]);
  return (
    <Page title={t('policies.title')} back={{ to: `/networks/${networkId}`, label: network.networkName }}>
      <Loaded state={settings}>
        {(list) => (
          <>
            <MessagingSection settings={list} onSaved={(s) => settings.setData(s)} />
            <RetentionSection settings={list} onChanged={() => void settings.reload()} />
            <ConsentSection settings={list} onSaved={(s) => settings.setData(s)} />
            <IdleSection settings={list} onSaved={(s) => settings.setData(s)} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function merge(old: Setting[], changed: Setting[]): Setting[] {
  const byName = new Map(old.map((s) => [s.optionName, s]));
  for (const s of changed) byName.set(s.optionName, s);
  return [...byName.values()];
}

function MessagingSection({ settings, onSaved }: { settings: Setting[]; onSaved: (s: Setting[]) => void }) {
  const { t } = useI18n();
  const { networkId } = useNetwork();
  const status = (JSON.parse(settingValue(settings, 'readReceiptConfig') ?? '{}') as { status?: string }).status ?? 'DISABLED';
  const metrics = settingValue(settings, 'enableClientMetrics') === 'true';
  const tdf = settingValue(settings, 'enableTrustedDataFormat') === 'true';
  const [editing, setEditing] = useState(false);
  const [receipts, setReceipts] = useState(false);
  const [force, setForce] = useState(false);
  const [m, setM] = useState(false);
  const [td, setTd] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const start = () => {
    setReceipts(status !== 'DISABLED');
    setForce(status === 'FORCE_ENABLED');
    setM(metrics);
    setTd(tdf);
    setError(null);
    setEditing(true);
  };
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const out = await call('UpdateNetworkSettings', {
        networkId,
        settings: { readReceiptConfig: { status: !receipts ? 'DISABLED' : force ? 'FORCE_ENABLED' : 'ENABLED' }, enableClientMetrics: m, enableTrustedDataFormat: td },
      });
      onSaved(merge(settings, out.settings));
      setEditing(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('policies.messaging')} description={t('policies.readReceiptsIntro')} actions={editing ? null : <Button onClick={start} aria-label={t('sg.editSection', { section: t('policies.messaging') })}>{t('common.edit')}</Button>}>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <CheckboxField label={t('policies.readReceipts')} checked={receipts} onChange={setReceipts} name="readReceipts" />
          {receipts ? <CheckboxField label={t('policies.readReceiptsForce')} checked={force} onChange={setForce} hint={t('policies.readReceiptsForceHint')} name="forceReadReceipts" /> : null}
          <CheckboxField label={t('policies.clientMetrics')} checked={m} onChange={setM} name="clientMetrics" />
          <CheckboxField label={t('policies.tdf')} checked={td} onChange={setTd} name="tdf" />
          <ErrorBanner error={error} title={t('common.saveFailed')} />
          <div className="form-actions">
            <Button onClick={() => setEditing(false)}>{t('common.cancel')}</Button>
            <Button type="submit" variant="primary" busy={busy}>
              {t('common.saveChanges')}
            </Button>
          </div>
        </form>
      ) : (
        <DescriptionList
          items={[
            [t('policies.readReceipts'), status === 'DISABLED' ? t('common.disabled') : status === 'FORCE_ENABLED' ? t('policies.forced') : t('common.enabled')],
            [t('policies.clientMetrics'), <YesNo key="m" value={metrics} />],
            [t('policies.tdf'), <YesNo key="t" value={tdf} />],
          ]}
        />
      )}
    </Section>
  );
}

function RetentionSection({ settings, onChanged }: { settings: Setting[]; onChanged: () => void }) {
  const { t } = useI18n();
  const { network, networkId } = useNetwork();
  const premium = isPremium(network);
  const bot = useLoad(() => call('GetDataRetentionBot', { networkId }), [networkId]);
  const [password, setPassword] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [enable, setEnable] = useState<boolean | null>(null);
  const enabled = settingValue(settings, 'dataRetention') === 'true';
  const act = async (name: string, fn: () => Promise<unknown>) => {
    setBusy(name);
    setError(null);
    try {
      await fn();
      await bot.reload();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Section title={t('retention.title')} description={t('retention.intro')}>
      {!premium ? <Banner kind="info" title={t('retention.premiumOnly')} /> : null}
      <Loaded state={bot}>
        {(b) => {
          const checked = enable ?? enabled;
          return (
            <>
              <ol className="steps">
                <li>
                  <h3>{t('retention.step1')}</h3>
                  <p>{t('retention.step1Body')}</p>
                  {b.botExists ? (
                    <p>
                      <span className="badge ok">{t('retention.botReady')}</span>
                    </p>
                  ) : (
                    <Button disabled={!premium} busy={busy === 'create'} onClick={() => void act('create', () => call('CreateDataRetentionBot', { networkId }))}>
                      {t('retention.createBot')}
                    </Button>
                  )}
                </li>
                <li>
                  <h3>{t('retention.step2')}</h3>
                  <p>{t('retention.step2Body')}</p>
                  <DescriptionList
                    items={[
                      [
                        t('retention.botName'),
                        <span key="n" className="copyable">
                          <code>{b.botName}</code> <CopyButton text={b.botName ?? ''} label={t('retention.copyName')} />
                        </span>,
                      ],
                      [
                        t('retention.password'),
                        password ? (
                          <span key="p" className="copyable">
                            <code data-testid="retention-password">{password}</code> <CopyButton text={password} label={t('retention.copyPassword')} />
                          </span>
                        ) : (
                          t('retention.passwordHidden')
                        ),
                      ],
                    ]}
                  />
                  <Button
                    disabled={!b.botExists}
                    busy={busy === 'challenge'}
                    onClick={() =>
                      void act('challenge', async () => {
                        const out = await call('CreateDataRetentionBotChallenge', { networkId });
                        setPassword(out.challenge);
                      })
                    }
                  >
                    {b.botExists && b.isDataRetentionBotRegistered ? t('retention.newPassword') : t('retention.getPassword')}
                  </Button>
                  {password ? <Banner kind="warning">{t('retention.passwordOnce')}</Banner> : null}
                </li>
                <li>
                  <h3>{t('retention.step3')}</h3>
                  <p>{t('retention.step3Body')}</p>
                  <DescriptionList
                    items={[
                      [t('retention.registered'), <YesNo key="r" value={b.isDataRetentionBotRegistered} />],
                      [t('retention.acked'), <YesNo key="a" value={b.isPubkeyMsgAcked} />],
                      [t('retention.active'), <YesNo key="c" value={b.isBotActive} />],
                    ]}
                  />
                  {b.isDataRetentionBotRegistered && !b.isPubkeyMsgAcked ? (
                    <Button busy={busy === 'ack'} onClick={() => void act('ack', () => call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' }))}>
                      {t('retention.ack')}
                    </Button>
                  ) : null}
                </li>
                <li>
                  <h3>{t('retention.step4')}</h3>
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      void act('save', async () => {
                        await call('UpdateDataRetention', { networkId, actionType: checked ? 'ENABLE' : 'DISABLE' });
                        setEnable(null);
                      });
                    }}
                  >
                    <CheckboxField label={t('retention.enable')} checked={checked} onChange={setEnable} hint={t('retention.enableHint')} disabled={!premium && !enabled} name="enableRetention" />
                    <Button type="submit" variant="primary" busy={busy === 'save'} disabled={checked === enabled}>
                      {t('common.saveChanges')}
                    </Button>
                  </form>
                </li>
              </ol>
              {b.botExists ? (
                <p>
                  <Button variant="danger" busy={busy === 'delete'} onClick={() => void act('delete', () => call('DeleteDataRetentionBot', { networkId }))}>
                    {t('retention.deleteBot')}
                  </Button>
                </p>
              ) : null}
              <ErrorBanner error={error} onDismiss={() => setError(null)} />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

type Consent = ConsentPopup;

/** The consent pop-up of the network as GetNetworkSettings lists it (a JSON value); disabled and empty when absent. */
export function consentValue(raw: string | undefined): Consent {
  const empty: Consent = { enabled: false, title: '', body: '', buttonLabel: '' };
  if (!raw) return empty;
  try {
    const v = JSON.parse(raw) as Partial<Consent>;
    return { enabled: v.enabled === true, title: v.title ?? '', body: v.body ?? '', buttonLabel: v.buttonLabel ?? '' };
  } catch {
    return empty;
  }
}

/** The consent pop-up as a member sees it when signing in. */
export function ConsentPreview({ consent }: { consent: Consent }) {
  const { t } = useI18n();
  return (
    <div className="consent-preview" role="group" aria-label={t('consent.preview')}>
      <div className="consent-card">
        <h3>{consent.title || t('consent.titlePlaceholder')}</h3>
        <div className="consent-body">{consent.body || t('consent.bodyPlaceholder')}</div>
        <button type="button" className="btn btn-primary" tabIndex={-1} aria-hidden="true">
          {consent.buttonLabel || t('consent.defaultButton')}
        </button>
      </div>
    </div>
  );
}

function ConsentSection({ settings, onSaved }: { settings: Setting[]; onSaved: (s: Setting[]) => void }) {
  const { t } = useI18n();
  const { networkId } = useNetwork();
  const current = consentValue(settingValue(settings, CONSENT_OPTION));
  const [form, setForm] = useState<Consent>(current);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const set = (p: Partial<Consent>) => {
    setForm((f) => ({ ...f, ...p }));
    setErrs((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in p))));
  };
  const save = async () => {
    const e: Record<string, string> = {};
    if (form.enabled && !form.title.trim()) e.title = t('v.required');
    if (form.enabled && !form.body.trim()) e.body = t('v.required');
    if ([...form.title.trim()].length > CONSENT_LIMITS.title) e.title = t('v.maxChars', { max: CONSENT_LIMITS.title });
    if ([...form.body.trim()].length > CONSENT_LIMITS.body) e.body = t('v.maxChars', { max: CONSENT_LIMITS.body });
    if ([...form.buttonLabel.trim()].length > CONSENT_LIMITS.buttonLabel) e.buttonLabel = t('v.maxChars', { max: CONSENT_LIMITS.buttonLabel });
    setErrs(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    setError(null);
    try {
      const out = await call('UpdateNetworkSettings', { networkId, settings: { [CONSENT_OPTION]: form } });
      onSaved(merge(settings, out.settings));
      setEditing(false);
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError) setErrs(Object.fromEntries(err.reasons.map((r) => [r.field.split('.').pop() ?? r.field, r.reason])));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section
      title={t('consent.title')}
      description={t('consent.intro')}
      actions={
        !editing ? (
          <Button
            onClick={() => {
              setForm(current);
              setErrs({});
              setError(null);
              setSaved(false);
              setEditing(true);
            }}
            aria-label={t('sg.editSection', { section: t('consent.title') })}
          >
            {t('common.edit')}
          </Button>
        ) : null
      }
    >
      {editing ? (
        <div className="split">
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <CheckboxField label={t('consent.enabled')} checked={form.enabled} onChange={(v) => set({ enabled: v })} name="consentEnabled" />
            <TextField label={t('consent.titleField')} value={form.title} onChange={(v) => set({ title: v })} hint={t('consent.titleHint')} error={errs.title} name="consentTitle" />
            <TextAreaField label={t('consent.body')} value={form.body} onChange={(v) => set({ body: v })} hint={t('consent.bodyHint')} error={errs.body} rows={6} name="consentBody" />
            <TextField label={t('consent.button')} value={form.buttonLabel} onChange={(v) => set({ buttonLabel: v })} hint={t('consent.buttonHint')} error={errs.buttonLabel} name="consentButton" />
            <ErrorBanner error={error} title={t('common.saveFailed')} />
            <div className="form-actions">
              <Button onClick={() => setEditing(false)}>{t('common.cancel')}</Button>
              <Button type="submit" variant="primary" busy={busy}>
                {t('common.saveChanges')}
              </Button>
            </div>
          </form>
          <div>
            <h3 className="preview-title">{t('consent.preview')}</h3>
            <ConsentPreview consent={form} />
          </div>
        </div>
      ) : (
        <>
          {saved ? <Banner kind="success" title={t('common.saved')} onDismiss={() => setSaved(false)} /> : null}
          <div className="split">
            <DescriptionList
              items={[
                [t('consent.enabled'), <YesNo key="e" value={current.enabled} />],
                [t('consent.titleField'), current.title || '—'],
                [t('consent.button'), current.buttonLabel || t('consent.defaultButton')],
              ]}
            />
            <div>
              <h3 className="preview-title">{t('consent.preview')}</h3>
              <ConsentPreview consent={current} />
            </div>
          </div>
        </>
      )}
    </Section>
  );
}

/** Minutes of the session idle timeout as GetNetworkSettings lists them (0 = off). */
export function idleValue(raw: string | undefined): number {
  const n = Number(raw ?? '0');
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

function IdleSection({ settings, onSaved }: { settings: Setting[]; onSaved: (s: Setting[]) => void }) {
  const { t } = useI18n();
  const { networkId } = useNetwork();
  const current = idleValue(settingValue(settings, IDLE_OPTION));
  const preset = PRESETS.includes(String(current));
  const [choice, setChoice] = useState(preset ? String(current) : 'custom');
  const [custom, setCustom] = useState(preset ? '' : String(current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErr, setFieldErr] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setSaved(false);
    const minutes = choice === 'custom' ? intValue(custom) : Number(choice);
    if (Number.isNaN(minutes) || minutes < 0 || minutes > IDLE_MAX_MINUTES) {
      setFieldErr(t('v.range', { min: 0, max: IDLE_MAX_MINUTES }));
      return;
    }
    setFieldErr(null);
    setBusy(true);
    setError(null);
    try {
      const out = await call('UpdateNetworkSettings', { networkId, settings: { [IDLE_OPTION]: minutes } });
      onSaved(merge(settings, out.settings));
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError) setFieldErr(e.reasons[0]?.reason ?? null);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('idle.title')} description={t('idle.intro')}>
      <p>{t('idle.current', { value: current === 0 ? t('idle.off') : t('idle.minutes', { n: current }) })}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <RadioGroup
          legend={t('idle.timeout')}
          value={choice}
          onChange={(v) => (setChoice(v), setFieldErr(null), setSaved(false))}
          options={[...PRESETS.map((p) => ({ value: p, label: p === '0' ? t('idle.off') : t('idle.minutes', { n: p }) })), { value: 'custom', label: t('idle.custom') }]}
          error={choice === 'custom' ? null : fieldErr}
          name="idle"
        />
        {choice === 'custom' ? (
          <TextField label={t('idle.customMinutes')} value={custom} onChange={(v) => (setCustom(v), setFieldErr(null), setSaved(false))} inputMode="numeric" error={fieldErr} hint={t('v.rangeHint', { min: 0, max: IDLE_MAX_MINUTES })} name="idleCustom" />
        ) : null}
        <ErrorBanner error={error} title={t('common.saveFailed')} />
        {saved ? <Banner kind="success" title={t('common.saved')} onDismiss={() => setSaved(false)} /> : null}
        <Button type="submit" variant="primary" busy={busy}>
          {t('common.saveChanges')}
        </Button>
      </form>
    </Section>
  );
}
