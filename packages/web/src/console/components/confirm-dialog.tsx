// Confirmation of a destructive action.
import { useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { Button } from '../../shared/ui/button';
import { TextField, CheckboxField } from '../../shared/ui/fields';
import { ErrorBanner } from './errors';
import { Modal } from '../../shared/ui/modal';

/**
 * Confirms a destructive action: optionally asks to type a word (the guide: 在快顯視窗中輸入確認) or to
 * tick an "I understand" box. A failure stays in the dialog; nothing on the page changes.
 */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  requireText,
  checkboxLabel,
  danger = true,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  requireText?: string;
  checkboxLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [ticked, setTicked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) {
      setTyped('');
      setTicked(false);
      setError(null);
      setBusy(false);
    }
  }, [open]);
  const ready = (!requireText || typed.trim() === requireText) && (!checkboxLabel || ticked);
  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={title}
      onClose={busy ? () => undefined : onClose}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button variant={danger ? 'danger' : 'primary'} onClick={() => void submit()} disabled={!ready} busy={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="confirm-body">{body}</div>
        {requireText ? <TextField label={t('common.typeToConfirm', { word: requireText })} value={typed} onChange={setTyped} /> : null}
        {checkboxLabel ? <CheckboxField label={checkboxLabel} checked={ticked} onChange={setTicked} /> : null}
        <ErrorBanner error={error} />
      </form>
    </Modal>
  );
}
