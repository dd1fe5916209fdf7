// A form's error, announced: the guide's text for the error's code (useErrorText).
import { useErrorText } from '../hooks/use-error-text';
import type { ErrorInfo } from '../lib/messenger';

export function ErrorAlert({ error }: { error: ErrorInfo | null | undefined }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p>{text(error)}</p>
    </div>
  );
}
