// A plain modal dialog: a title and its content, no close button (native <dialog>: focus stays inside;
// Escape closes unless the dialog must be answered, `dismissable={false}`). The messenger's dialogs;
// the console's have a close button and a footer (modal.tsx).
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function Dialog({ open, title, children, onClose, dismissable = true, className }: { open: boolean; title: string; children: ReactNode; onClose?: () => void; dismissable?: boolean; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const hid = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={hid}
      className={className}
      onCancel={(e) => {
        if (!dismissable) e.preventDefault();
        else onClose?.();
      }}
    >
      {open ? (
        <>
          <h2 id={hid}>{title}</h2>
          {children}
        </>
      ) : null}
    </dialog>
  );
}
