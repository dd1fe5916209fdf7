// A console page: optional back link, the heading (focused after navigation) and its actions.
import type { ReactNode } from 'react';
import { Link } from '../lib/router';

export function Page({ title, actions, children, back }: { title: string; actions?: ReactNode; children: ReactNode; back?: { to: string; label: string } }) {
  return (
    <>
      {back ? (
        <p className="back">
          <Link to={back.to}>← {back.label}</Link>
        </p>
      ) : null}
      <div className="page-head">
        <h1 tabIndex={-1}>{title}</h1>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {children}
    </>
  );
}
