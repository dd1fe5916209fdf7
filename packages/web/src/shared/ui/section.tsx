// A titled card section of a page, with optional actions and description.
import { useId, type ReactNode } from 'react';

export function Section({ title, actions, children, id, description }: { title: string; actions?: ReactNode; children: ReactNode; id?: string; description?: ReactNode }) {
  const hid = useId();
  return (
    <section className="card" aria-labelledby={hid} id={id}>
      <div className="card-head">
        <h2 id={hid}>{title}</h2>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {description ? <p className="muted">{description}</p> : null}
      {children}
    </section>
  );
}
