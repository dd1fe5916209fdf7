// Tabs with one panel (arrow keys, Home and End move between tabs).
import { useId, type KeyboardEvent, type ReactNode } from 'react';

export function Tabs<T extends string>({ label, tabs, active, onChange, children }: { label: string; tabs: { id: T; label: string }[]; active: T; onChange: (id: T) => void; children: ReactNode }) {
  const base = useId();
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.id === active);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next >= 0) {
      e.preventDefault();
      onChange(tabs[next]!.id);
      requestAnimationFrame(() => document.getElementById(`${base}-tab-${tabs[next]!.id}`)?.focus());
    }
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} onKeyDown={onKey} className="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`${base}-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === active}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === active ? 0 : -1}
            onClick={() => onChange(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${active}`} className="tabpanel">
        {children}
      </div>
    </div>
  );
}
