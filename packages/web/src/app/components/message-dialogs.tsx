// The dialogs of a message and of sending: forward to another conversation, delete for everyone, and
// the cross-boundary confirmation every send into a GovCloud-classified conversation asks for.
import type { Message } from '@enclave/client';
import { useState, type ReactNode } from 'react';
import { Button, Dialog } from '../../shared/ui';
import { ErrorAlert } from './error-alert';
import { useI18n } from '../i18n';
import { errorInfo, type ErrorInfo, type Messenger, type MessengerState } from '../lib/messenger';
import { conversationTitle } from '../lib/names';

/**
 * GovCloud cross-boundary classification: a send (or forward) into such a conversation is confirmed
 * first. Confirming runs the send and closes the dialog.
 */
export function BoundaryConfirm({ onConfirm, onClose, children }: { onConfirm: () => void; onClose: () => void; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Dialog open title={t('boundary.confirmTitle')} onClose={onClose}>
      <p>{t('boundary.confirmBody')}</p>
      {children}
      <div className="actions">
        <Button
          variant="primary"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {t('boundary.confirmSend')}
        </Button>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </div>
    </Dialog>
  );
}

export function ForwardDialog({ messenger, s, message, onClose }: { messenger: Messenger; s: MessengerState; message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<string | undefined>();
  // A conversation across the GovCloud classification boundary: the forward is confirmed like any send.
  const [confirming, setConfirming] = useState<MessengerState['conversations'][number] | undefined>();
  const myId = messenger.client.userId;
  const forward = (c: MessengerState['conversations'][number]) => {
    setError(null);
    messenger.forward(c.id, message).then(
      () => setDone(conversationTitle(c, myId, t)),
      (err: unknown) => setError(errorInfo(err)),
    );
  };
  if (confirming) {
    return (
      <BoundaryConfirm onConfirm={() => forward(confirming)} onClose={() => setConfirming(undefined)}>
        <p className="muted">{t('forward.to', { name: conversationTitle(confirming, myId, t) })}</p>
      </BoundaryConfirm>
    );
  }
  return (
    <Dialog open title={t('forward.title')} onClose={onClose}>
      <p className="muted">{t('forward.pick')}</p>
      <ul className="pick">
        {s.conversations.map((c) => (
          <li key={c.id}>
            <Button onClick={() => (c.crossBoundary ? setConfirming(c) : forward(c))}>{conversationTitle(c, myId, t)}</Button>
          </li>
        ))}
      </ul>
      {done ? <p role="status">{t('forward.done', { name: done })}</p> : null}
      <ErrorAlert error={error} />
      <div className="actions">
        <Button onClick={onClose}>{t('common.close')}</Button>
      </div>
    </Dialog>
  );
}

export function DeleteDialog({ messenger, message, onClose }: { messenger: Messenger; message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog open title={t('delete.title')} onClose={onClose}>
      <p>{t('delete.body')}</p>
      <ErrorAlert error={error} />
      <div className="actions">
        <Button
          variant="danger"
          busy={busy}
          onClick={() => {
            setBusy(true);
            messenger.deleteForEveryone(message.conv, message.id).then(onClose, (err: unknown) => {
              setError(errorInfo(err));
              setBusy(false);
            });
          }}
        >
          {t('delete.confirm')}
        </Button>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </div>
    </Dialog>
  );
}
