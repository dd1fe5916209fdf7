// Table helpers: a sortable column header and a pager with the page size.
import { useUiText } from '../i18n/ui-text';
import { Button } from './button';

export function SortHeader({ label, field, sort, onSort }: { label: string; field: string; sort: { field: string; dir: 'ASC' | 'DESC' }; onSort: (field: string, dir: 'ASC' | 'DESC') => void }) {
  const active = sort.field === field;
  const next = active && sort.dir === 'ASC' ? 'DESC' : 'ASC';
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'ASC' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort(field, next)}>
        {label}
        <span aria-hidden="true">{active ? (sort.dir === 'ASC' ? ' ▲' : ' ▼') : ' ↕'}</span>
      </button>
    </th>
  );
}

export function Pager({ page, hasPrev, hasNext, onPrev, onNext, pageSize, onPageSize }: { page: number; hasPrev: boolean; hasNext: boolean; onPrev: () => void; onNext: () => void; pageSize?: number; onPageSize?: (n: number) => void }) {
  const t = useUiText();
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <Button onClick={onPrev} disabled={!hasPrev}>
        {t('common.prev')}
      </Button>
      <span aria-live="polite">{t('common.page', { n: page })}</span>
      <Button onClick={onNext} disabled={!hasNext}>
        {t('common.next')}
      </Button>
      {onPageSize ? (
        <label className="inline">
          {t('common.pageSize')}{' '}
          <select value={String(pageSize)} onChange={(e) => onPageSize(Number(e.target.value))}>
            {[10, 25, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </nav>
  );
}
