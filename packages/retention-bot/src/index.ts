// @enclave/retention-bot: the data retention (compliance) bot. The command is main.ts
// (`enclave-retention-bot`); this module re-exports the pieces for tests and embedding.
export { runBot, RetentionBot, EXIT_OK, EXIT_RESTART, EXIT_CONFIG, type BotIo } from './bot.js';
export { loadSettings, parseSecret, ConfigError, VERSION, SECRET_KEYS, type Settings, type SecretValues, type Env } from './settings.js';
export { Events, EVENT_TEXT, buildEvent, eventDateTime, type BotEvent } from './events.js';
export { Metrics, METRIC_NAMES, NAMESPACE, type MetricName } from './metrics.js';
export { MessageFiles } from './archive/message-files.js';
export { Archiver } from './archive/archiver.js';
export { messageRecord, recordKey, keyOfLine, type ArchiveRecord } from './archive/record.js';
export { encryptFile, decryptFile, readHeader } from './storage/envelope.js';
export { Uploader } from './storage/uploader.js';
export { generatePassword, passwordBanner, promptPassword, rotateProblem } from './password.js';
export { createLog, MAX_LOG_FILES } from './logs.js';
export { supervise } from './supervisor.js';
