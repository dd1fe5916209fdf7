// Copies a text to the clipboard and says so.
import { useState } from 'react';
import { useUiText } from '../i18n/ui-text';
import { Button } from './button';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useUiText();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? t('common.copied') : t('common.copy')}
      <span className="sr-only"> {label}</span>
    </Button>
  );
}
