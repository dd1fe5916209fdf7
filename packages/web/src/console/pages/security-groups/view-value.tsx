// A setting's value as the section shows it when it is not being edited.
import { YesNo } from '../../../shared/ui';
import { useI18n } from '../../i18n';
import type { GroupSettings } from './group';
import { type FieldDef, getPath } from './settings-form';

export function ViewValue({ d, s }: { d: FieldDef; s: GroupSettings }) {
  const { t, number } = useI18n();
  const v = getPath(s, d.path);
  if (d.kind === 'bool') return <YesNo value={v === true} />;
  if (d.kind === 'int') return <>{typeof v === 'number' ? number(v) : '—'}</>;
  if (d.kind === 'select' || d.kind === 'radio') {
    const o = d.options.find((x) => x.value === String(v));
    return <>{o ? t(o.label) : String(v ?? '—')}</>;
  }
  if (d.kind === 'lines' || d.kind === 'atak') {
    const list = (v as string[] | undefined) ?? [];
    return list.length ? (
      <ul className="plain">
        {list.map((x, i) => (
          <li key={i}>{x}</li>
        ))}
      </ul>
    ) : (
      <>{t('common.none')}</>
    );
  }
  const pairs = (v as Record<string, string>[] | undefined) ?? [];
  return pairs.length ? (
    <ul className="plain">
      {pairs.map((p, i) => (
        <li key={i}>
          {p[d.first]} · {p.networkId}
        </li>
      ))}
    </ul>
  ) : (
    <>{t('common.none')}</>
  );
}
