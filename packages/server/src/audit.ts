// The CloudTrail-format audit trail: records (events.ts), their storage and lookup (store.ts,
// lookupRoute.ts), delivery as log and digest files (delivery.ts) and validation (validate.ts).
// See docs/audit.md.
export { buildEvent, isoSeconds, redact, redactByName, isSecretName, REDACTED, type BuildEventInput, type CloudTrailRecord, type CloudTrailUserIdentity } from './domain/audit/events.js';
export { recordEvent, lookupEvents, LookupInputError, type LookupOptions, type LookupResult } from './domain/audit/repo.js';
export { lookupEventsHandler, type LookupEventsResponse } from './api/audit/lookup-events.js';
export { AuditDelivery, type AuditDeliveryOptions, type AuditTarget, type DeliveryResult, type DeliveredDigest, type DeliveredLogFile } from './jobs/audit-delivery.js';
export { loadAuditSigningKey, publicKeyPem, SIGNING_KEY_FILE, PUBLIC_KEY_FILE } from './infra/audit-keys.js';
export { validateTrail, type ValidateTrailOptions, type TrailSource, type TrailValidationReport, type TrailProblem, type TrailProblemKind } from './domain/audit/validate.js';
export { s3ClientFor } from './infra/object-store.js';
export type { DigestFile, DigestLogFile } from './domain/audit/trail-format.js';
