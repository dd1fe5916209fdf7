// A network's plan: its label (Standard, Premium, Premium free trial until …) and the plan choice
// (管理網路計劃) of the create and edit forms.
import type { Network } from '../api/admin';
import { RadioGroup } from '../../shared/ui';
import { useI18n } from '../i18n';

export function PlanLabel({ n }: { n: Pick<Network, 'accessLevel' | 'freeTrialExpiration'> }) {
  const { t, dateTime } = useI18n();
  if (n.freeTrialExpiration) {
    const ends = Date.parse(n.freeTrialExpiration);
    return <>{ends > Date.now() ? t('plan.trialUntil', { date: dateTime(ends) }) : t('plan.trialEnded')}</>;
  }
  return <>{n.accessLevel === 'PREMIUM' ? t('plan.premium') : t('plan.standard')}</>;
}

export type PlanChoice = 'STANDARD' | 'PREMIUM' | 'TRIAL';

export function PlanRadios({ value, onChange, disabled = {}, reasons = {} }: { value: PlanChoice; onChange: (p: PlanChoice) => void; disabled?: Partial<Record<PlanChoice, boolean>>; reasons?: Partial<Record<PlanChoice, string>> }) {
  const { t } = useI18n();
  const hint = (base: string, p: PlanChoice) => (
    <>
      {base}
      {reasons[p] ? <strong className="why"> {reasons[p]}</strong> : null}
    </>
  );
  return (
    <RadioGroup
      legend={t('networks.plan')}
      value={value}
      onChange={(v) => onChange(v as PlanChoice)}
      options={[
        { value: 'STANDARD', label: t('plan.standard'), hint: hint(t('plan.standardHint'), 'STANDARD'), disabled: disabled.STANDARD },
        { value: 'PREMIUM', label: t('plan.premium'), hint: hint(t('plan.premiumHint'), 'PREMIUM'), disabled: disabled.PREMIUM },
        {
          value: 'TRIAL',
          label: t('plan.trial'),
          hint: (
            <>
              {t('plan.trialHint')}
              <ul className="plain small">
                <li>{t('plan.trialLimit1')}</li>
                <li>{t('plan.trialLimit2')}</li>
                <li>{t('plan.trialLimit3')}</li>
                <li>{t('plan.trialLimit4')}</li>
              </ul>
              {reasons.TRIAL ? <strong className="why">{reasons.TRIAL}</strong> : null}
            </>
          ),
          disabled: disabled.TRIAL,
        },
      ]}
    />
  );
}
