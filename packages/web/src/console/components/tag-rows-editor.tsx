// The rows of a network's tags (key, value, remove; an existing key is locked), with their problems.
import { Button, TextField } from '../../shared/ui';
import { useTr } from '../hooks/use-tr';
import { useI18n } from '../i18n';
import type { Problems, TagRow } from '../lib/forms';

export function TagRowsEditor({ rows, onChange, errors }: { rows: TagRow[]; onChange: (rows: TagRow[]) => void; errors: Problems }) {
  const { t } = useI18n();
  const tr = useTr();
  const err = (k: string) => (errors[k] ? tr(errors[k]!.key, errors[k]!.params) : null);
  const set = (i: number, patch: Partial<TagRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="tag-rows">
      {rows.length === 0 ? <p className="muted">{t('tags.none')}</p> : null}
      {rows.map((r, i) => (
        <div className="tag-row" key={i}>
          <TextField label={t('tags.key')} value={r.key} onChange={(v) => set(i, { key: v })} readOnly={r.existing} hint={r.existing ? t('tags.keyLocked') : undefined} error={err(`${i}.key`)} />
          <TextField label={t('tags.value')} value={r.value} onChange={(v) => set(i, { value: v })} error={err(`${i}.value`)} />
          <Button onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={t('tags.removeNamed', { key: r.key || String(i + 1) })}>
            {t('tags.remove')}
          </Button>
        </div>
      ))}
      {err('tags') ? (
        <p className="field-error" role="alert">
          {err('tags')}
        </p>
      ) : null}
      <Button onClick={() => onChange([...rows, { key: '', value: '', existing: false }])}>{t('tags.add')}</Button>
    </div>
  );
}
