// What a message carries besides text: a file (preview within the security group's limits, download
// to disk through the download worker) and a shared location.
import { mayPreview, type Message } from '@enclave/client';
import type { Policy } from '@enclave/protocol';
import { useEffect, useState } from 'react';
import { Button } from '../../shared/ui';
import { ErrorAlert } from './error-alert';
import { formatBytes } from '../lib/format-bytes';
import { useI18n } from '../i18n';
import { canStream, diskSink, DownloadError, IN_MEMORY_LIMIT, memorySink } from '../lib/download';
import { errorInfo, type ErrorInfo, type Messenger } from '../lib/messenger';

/** The largest file previewed (decrypted in memory); larger files are only downloaded to disk. */
const PREVIEW_MAX_BYTES = 16 * 1024 * 1024;

export function FileBlock({ messenger, policy, m }: { messenger: Messenger; policy: Policy; m: Message }) {
  const { t } = useI18n();
  const file = m.file!;
  const [preview, setPreview] = useState<string | undefined>();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [progress, setProgress] = useState<number | undefined>();
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);
  // Previews are decrypted in memory: only within the group's auto-download size and PREVIEW_MAX_BYTES.
  const canPreview = mayPreview(policy, file) && file.size <= PREVIEW_MAX_BYTES;
  const showPreview = async () => {
    setError(null);
    try {
      const bytes = await messenger.client.previewFile(file);
      setPreview(URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: file.mime })));
    } catch (err) {
      setError(errorInfo(err));
    }
  };
  // Saved to disk chunk by chunk through the download worker (a tampered chunk or file fails the
  // browser's download and shows why); in memory only where the browser has no service worker.
  const download = async () => {
    setError(null);
    setProgress(0);
    try {
      // A worker that does not start (blocked by the browser's settings) falls back to memory for
      // files that fit there; a download that started is never restarted another way.
      const streamed = canStream()
        ? await diskSink(file).catch((err: unknown) => {
            if (err instanceof DownloadError && err.code === 'download_unavailable' && file.size <= IN_MEMORY_LIMIT) return undefined;
            throw err;
          })
        : undefined;
      if (streamed) {
        await messenger.client.downloadFile(file, streamed, { onProgress: (p) => setProgress(p.bytes) });
      } else {
        const sink = memorySink(file);
        await messenger.client.downloadFile(file, sink, { onProgress: (p) => setProgress(p.bytes) });
        sink.save();
      }
    } catch (err) {
      const info = errorInfo(err);
      if (info.code === 'integrity') setError({ code: 'file_tampered', message: t('file.tampered', { name: file.name }) });
      else if (err instanceof DownloadError) setError({ code: err.code, message: t(err.code === 'too_large' ? 'file.tooLargeHere' : err.code === 'download_cancelled' ? 'file.cancelled' : 'file.streamUnavailable') });
      else setError(info);
    } finally {
      setProgress(undefined);
    }
  };
  const voice = isVoiceMemo(file);
  return (
    <div className={`file${voice ? ' voice-memo' : ''}`}>
      <p>
        <span aria-hidden="true">{voice ? '🎤' : '📎'}</span> {voice ? <span className="tag">{t('voice.memo')}</span> : null} <span className="file-name">{file.name}</span>{' '}
        <span className="muted">({formatBytes(file.size)})</span>
      </p>
      <div className="actions">
        {canPreview && !preview ? <Button onClick={() => void showPreview()}>{voice ? t('voice.play') : t('file.preview')}</Button> : null}
        {policy.enableFileDownload ? (
          <Button onClick={() => void download()} busy={progress !== undefined}>
            {t('file.download')}
          </Button>
        ) : (
          <span className="muted small preview-only">{t('file.previewOnly')}</span>
        )}
        {progress !== undefined ? <progress max={file.size || 1} value={progress} aria-label={t('file.downloading', { name: file.name })} /> : null}
      </div>
      {preview ? (
        file.mime.startsWith('image/') ? (
          <img className="preview" src={preview} alt={t('file.previewOf', { name: file.name })} />
        ) : file.mime.startsWith('video/') ? (
          <video className="preview" src={preview} controls aria-label={t('file.previewOf', { name: file.name })} />
        ) : voice ? (
          <audio className="voice-player" src={preview} controls autoPlay aria-label={t('voice.player', { name: file.name })} />
        ) : file.mime.startsWith('audio/') ? (
          <audio src={preview} controls aria-label={t('file.previewOf', { name: file.name })} />
        ) : (
          <iframe className="preview" src={preview} title={t('file.previewOf', { name: file.name })} />
        )
      ) : null}
      <ErrorAlert error={error} />
    </div>
  );
}

/** A shared position: its coordinates, and a link to a map only while the security group allows maps. */
export function LocationBlock({ location, maps }: { location: { latitude: number; longitude: number; accuracy?: number }; maps: boolean }) {
  const { t } = useI18n();
  const lat = location.latitude.toFixed(5);
  const lon = location.longitude.toFixed(5);
  return (
    <p className="text location">
      <span aria-hidden="true">📍</span> {t('chat.location')}: <span className="coords">{`${lat}, ${lon}`}</span>
      {location.accuracy !== undefined ? <span className="muted small"> {t('location.accuracy', { m: Math.round(location.accuracy) })}</span> : null}
      {maps ? (
        <>
          {' '}
          <a href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`} target="_blank" rel="noopener noreferrer">
            {t('location.map')}
          </a>
        </>
      ) : null}
    </p>
  );
}

/** A voice memo is an audio file the messenger recorded (its name starts with voice-memo-). */
export function isVoiceMemo(file: { name: string; mime: string }): boolean {
  return file.mime.startsWith('audio/') && file.name.startsWith('voice-memo-');
}
