// The client protocol between the Enclave server and its clients (SDK, web, CLI, bots): REST bodies,
// WebSocket frames, the security-group policy clients receive, the error codes with the guide's
// texts, and the plaintext content that travels inside end-to-end encryption. Schemas only (zod), no
// I/O: the server validates every incoming body and frame with them, the SDK validates what the server
// sends. Binary values travel as base64url strings. Documented in docs/messaging.md.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** Largest WebSocket frame either side accepts (a pairwise fan-out to 1,000 devices fits). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Largest single ciphertext (a sender-key message body or one device's pairwise part), base64url chars. */
export const MAX_CIPHERTEXT_CHARS = 192 * 1024;
/** Rooms and group conversations hold at most this many members (the guide's room limit). */
export const MAX_ROOM_MEMBERS = 500;
/** Files up to 5 GB (plaintext). */
export const MAX_FILE_BYTES = 5 * 1000 * 1000 * 1000;
/** Encrypted chunk size on the wire: 4 MiB of plaintext plus the 16-byte AES-GCM tag. */
export const FILE_CHUNK_PLAINTEXT = 4 * 1024 * 1024;
export const FILE_CHUNK_CIPHERTEXT = FILE_CHUNK_PLAINTEXT + 16;

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');
const b64Key = (bytes: number) => b64.refine((s) => s.length === Math.ceil((bytes * 4) / 3), `must be ${bytes} bytes, base64url`);
export const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _ and -');
const seconds = z.number().int().min(1).max(31_536_000);

// ---------------------------------------------------------------------------------------------
// Errors: one code per condition, the message in the guide's words where the guide has one.

export const ERROR_TEXTS = {
  unable_to_connect: 'Unable to connect to the Wickr server.',
  account_suspended: 'Account suspended',
  account_locked: 'Your account is locked after too many failed sign-in attempts. It unlocks automatically after 24 hours, or your network administrator can unlock it.',
  invalid_credentials: 'Incorrect password',
  user_not_found: 'User not found',
  different_network: 'This user belongs to a different network.',
  federation_not_allowed: "Federation between your network and this user's network is not allowed by the security groups.",
  email_verification_required: 'Email verification required',
  invite_invalid: 'The invite code is not valid for this email address.',
  invite_expired: 'The invite code has expired. Ask your administrator to resend the invitation.',
  already_registered: 'This account is already registered. Sign in instead.',
  password_policy: 'The password does not meet the requirements of your security group.',
  device_approval_required: 'This device must be approved before it can be used: enter a code from one of your other devices, a code sent to your email address, or your master recovery key.',
  device_reset: 'This device was signed out and its keys were revoked. Sign in again.',
  session_expired: 'Your session has expired. Sign in again.',
  reauthentication_required: 'Enter your password to continue.',
  consent_required: 'Read and accept the notice of your organization first.',
  unauthorized: 'Sign in first.',
  forbidden: 'You are not allowed to do this.',
  not_member: 'You are not a member of this conversation.',
  not_moderator: 'Only a moderator of this room can do this.',
  not_found: 'Not found.',
  bad_request: 'The request is not valid.',
  policy_violation: 'Your security group does not allow this.',
  files_disabled: 'File sharing is turned off by your security group.',
  location_disabled: 'Location sharing is turned off by your security group.',
  forwarding_disabled: 'Message forwarding is turned off by your security group.',
  download_disabled: 'Your security group allows previewing this file, not saving it.',
  too_large: 'The request is larger than allowed.',
  room_full: `Rooms hold at most ${MAX_ROOM_MEMBERS} members.`,
  integrity: 'The data does not match its digest.',
  rate_limited: 'Too many requests. Try again shortly.',
  conflict: 'The request conflicts with the current state.',
  identity_changed: "This contact's safety number changed. Compare the new safety number, or confirm the change, before sending.",
  device_not_in_list: 'This device is not in your signed device list yet. Approve it on one of your other devices, or reset your safety number.',
  device_list_invalid: "The contact's device list failed verification: nothing was encrypted to its devices.",
  internal: 'An internal error occurred.',
} as const;
export type ErrorCode = keyof typeof ERROR_TEXTS;

export const ErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  /** Per-field explanations (password rules, invalid members). */
  details: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  /** account_locked: when the lock lifts (epoch ms). */
  lockedUntil: z.number().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---------------------------------------------------------------------------------------------
// Devices and keys

export const DEVICE_TYPES = ['desktop', 'web', 'cli', 'bot', 'android', 'ios'] as const;

export const SignedPrekeyUpload = z.object({
  id: z.number().int().min(0).max(2 ** 31),
  dhPub: b64Key(32),
  kemPublic: b64Key(1184),
  signature: b64Key(64),
});
export const OneTimePrekeyUpload = z.object({ id: z.number().int().min(0).max(2 ** 31), dhPub: b64Key(32) });

export const DeviceKeys = z.object({
  identitySignPub: b64Key(32),
  identityDhPub: b64Key(32),
  signedPrekey: SignedPrekeyUpload,
  oneTimePrekeys: z.array(OneTimePrekeyUpload).max(200),
});
export type DeviceKeys = z.infer<typeof DeviceKeys>;

export const NewDevice = z.object({
  type: z.enum(DEVICE_TYPES),
  /** The client application and version, e.g. "enclave-cli/0.1.0" (ListDevicesForUser appId shows the device ID). */
  client: z.string().min(1).max(100),
  keys: DeviceKeys,
});
export type NewDevice = z.infer<typeof NewDevice>;

export const KeysUpload = z.object({ signedPrekey: SignedPrekeyUpload.optional(), oneTimePrekeys: z.array(OneTimePrekeyUpload).max(200).default([]) });

/** What a sender needs to open a pairwise session with one device. */
export const PrekeyBundleWire = z.object({
  userId: z.number(),
  deviceId: id,
  identitySignPub: b64,
  identityDhPub: b64,
  signedPrekey: z.object({ id: z.number(), dhPub: b64, kemPublic: b64, signature: b64 }),
  oneTimePrekey: z.object({ id: z.number(), dhPub: b64 }).optional(),
});
export type PrekeyBundleWire = z.infer<typeof PrekeyBundleWire>;

export const ClaimBundlesRequest = z.object({ deviceIds: z.array(id).min(1).max(1000) });
export const ClaimBundlesResponse = z.object({ bundles: z.array(PrekeyBundleWire) });

export const DeviceInfo = z.object({
  deviceId: id,
  userId: z.number(),
  type: z.string(),
  client: z.string(),
  status: z.enum(['ACTIVE', 'PENDING_APPROVAL', 'RESET']),
  created: z.number(),
  lastLogin: z.number().nullable(),
  identitySignPub: b64,
  identityDhPub: b64,
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

// ---------------------------------------------------------------------------------------------
// Policy: what the member's security group and network require, delivered on sign-in, on connect
// and whenever an administrator changes it.

export const Policy = z.object({
  networkId: z.string(),
  networkName: z.string(),
  securityGroupId: z.string(),
  /** Changes whenever anything below changes. */
  version: z.string(),
  maxTtl: z.number(),
  maxBor: z.number(),
  messageForwardingEnabled: z.boolean(),
  filesEnabled: z.boolean(),
  enableFileDownload: z.boolean(),
  maxAutoDownloadSize: z.number(),
  quickResponses: z.array(z.string()),
  presenceEnabled: z.boolean(),
  enableNotificationPreview: z.boolean(),
  locationEnabled: z.boolean(),
  locationAllowMaps: z.boolean(),
  isLinkPreviewEnabled: z.boolean(),
  alwaysReauthenticate: z.boolean(),
  /** Non-SSO session timeout (absolute, minutes; 0 = none). */
  sessionTimeoutMinutes: z.number(),
  ssoMaxIdleMinutes: z.number(),
  isAtoEnabled: z.boolean(),
  showMasterRecoveryKey: z.boolean(),
  lockoutThreshold: z.number(),
  forceDeviceLockout: z.number(),
  passwordRequirements: z.object({ minLength: z.number(), lowercase: z.number(), uppercase: z.number(), numbers: z.number(), symbols: z.number() }),
  calling: z.record(z.string(), z.unknown()),
  shredder: z.record(z.string(), z.unknown()),
  /** Network read receipt setting (readReceiptConfig.status). */
  readReceipts: z.enum(['DISABLED', 'ENABLED', 'FORCE_ENABLED']),
  forceReadReceipts: z.boolean(),
  dataRetention: z.boolean(),
  /** Device IDs of the data retention bot: every conversation also encrypts to them (issue 7). */
  retentionDevices: z.array(id),
  /** The network's consent pop-up: shown at every sign-in and whenever `version` changes, acknowledged before use. */
  consentPopup: z.object({ title: z.string(), body: z.string(), buttonLabel: z.string(), version: z.number() }).nullable(),
  /** The network's idle session timeout (minutes; 0 = none): the client locks after that long without use. */
  idleTimeoutMinutes: z.number(),
});
export type Policy = z.infer<typeof Policy>;

// ---------------------------------------------------------------------------------------------
// Accounts

export const RegisterRequest = z.object({
  email: z.string().min(3).max(254),
  inviteCode: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  device: NewDevice,
});

export const LoginRequest = z.object({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(1024),
  /** Needed only when the same email address is a member of several networks. */
  networkId: z.string().optional(),
  /** Sign in an existing device of this account (proved by a signature) or register a new one. */
  device: z.union([
    z.object({ deviceId: id, timestamp: z.number(), signature: b64 }),
    NewDevice,
  ]),
});

export const SessionResponse = z.object({
  token: z.string(),
  userId: z.number(),
  networkId: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  deviceId: id,
  deviceStatus: z.enum(['ACTIVE', 'PENDING_APPROVAL']),
  /** Shown once at registration when the security group asks for it (showMasterRecoveryKey). */
  recoveryKey: z.string().optional(),
  /** Epoch ms: the non-SSO absolute timeout, when the group sets one. */
  expiresAt: z.number().nullable(),
  policy: Policy,
});
export type SessionResponse = z.infer<typeof SessionResponse>;

/** Password rules violated, one reason per rule. */
export const PasswordViolation = z.object({ field: z.literal('password'), reason: z.string() });

export const ApproveDeviceRequest = z.union([
  z.object({ code: z.string().min(4).max(64) }),
  z.object({ recoveryKey: z.string().min(8).max(200) }),
]);

/** A member (password rules of the security group) or the retention bot (≥ 12 characters) changes its password. */
export const ChangePasswordRequest = z.object({ password: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) });

/** A member changes his own name (PATCH /v1/me): at least one of the two; the first name not blank. */
const profileName = z
  .string()
  .max(100)
  .refine((v) => ![...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'must not contain control characters');
export const UpdateProfileRequest = z
  .object({ firstName: profileName.refine((v) => v.trim().length > 0, 'must not be blank').optional(), lastName: profileName.optional() })
  .strict()
  .refine((v) => v.firstName !== undefined || v.lastName !== undefined, { message: 'firstName or lastName is required', path: ['firstName'] });

/** The data retention bot's first sign-in: the initial password from CreateDataRetentionBotChallenge and a new one. */
export const RetentionBotRegisterRequest = z.object({
  botName: z.string().min(1).max(100),
  password: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
  device: NewDevice,
});
export const RetentionBotLoginRequest = z.object({
  botName: z.string().min(1).max(100),
  password: z.string().min(1).max(1024),
  device: z.union([z.object({ deviceId: id, timestamp: z.number(), signature: b64 }), NewDevice]),
});

/**
 * GET /v1/invites/{code}: what the registration page shows for an invite code (no sign-in; the code
 * is the secret). The password rules are the ones registration checks; expiresAt is epoch ms.
 */
export const InviteInfo = z.object({
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  networkName: z.string(),
  passwordRequirements: z.object({ minLength: z.number(), lowercase: z.number(), uppercase: z.number(), numbers: z.number(), symbols: z.number() }),
  showMasterRecoveryKey: z.boolean(),
  expiresAt: z.number(),
});
export type InviteInfo = z.infer<typeof InviteInfo>;

export const PasswordResetRequest = z.object({ email: z.string().min(3).max(254), networkId: z.string().optional() });
export const PasswordResetComplete = z.object({ token: z.string().min(16).max(200), password: z.string().min(1).max(1024), device: NewDevice });

// ---------------------------------------------------------------------------------------------
// Directory and conversations

export const CLASSIFICATION_BOUNDARIES = ['GOVCLOUD', 'COMMERCIAL'] as const;
export type ClassificationBoundary = (typeof CLASSIFICATION_BOUNDARIES)[number];

export const Member = z.object({
  userId: z.number(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  /** The member's network (federation: it may differ from the viewer's). */
  networkId: z.string().optional(),
  /** True when the member belongs to another network than the viewer (local federation). */
  external: z.boolean().optional(),
  /**
   * True when the member is outside the viewer's classification boundary: the viewer's network is
   * GOVCLOUD and the member's is COMMERCIAL (or a guest). Never set for COMMERCIAL viewers.
   */
  outsideBoundary: z.boolean().optional(),
});
export type Member = z.infer<typeof Member>;

export const CONVERSATION_KINDS = ['dm', 'group', 'room'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

export const Conversation = z.object({
  id,
  kind: z.enum(CONVERSATION_KINDS),
  name: z.string(),
  description: z.string(),
  members: z.array(Member.extend({ role: z.enum(['member', 'moderator']) })),
  lastSeq: z.number(),
  createdAt: z.number(),
  createdBy: z.number(),
  /** Some member is outside the viewer's classification boundary (the GovCloud U tag, banner, send confirmation). */
  crossBoundary: z.boolean().optional(),
  /**
   * The viewer and a member of another network may no longer talk (a security group stopped allowing
   * local federation): the server's reason. Sends are refused until it is allowed again or they leave.
   */
  federationRefused: z.string().optional(),
});
export type Conversation = z.infer<typeof Conversation>;

export const CreateConversationRequest = z.object({
  kind: z.enum(CONVERSATION_KINDS),
  name: z.string().max(100).optional(),
  description: z.string().max(1000).optional(),
  /** Other members (user IDs); a DM has exactly one. */
  members: z.array(z.number().int().positive()).max(MAX_ROOM_MEMBERS - 1),
});

export const UpdateConversationRequest = z.object({
  name: z.string().min(1).max(100).optional(),
  description: z.string().max(1000).optional(),
  addMembers: z.array(z.number().int().positive()).max(MAX_ROOM_MEMBERS).optional(),
  removeMembers: z.array(z.number().int().positive()).max(MAX_ROOM_MEMBERS).optional(),
  addModerators: z.array(z.number().int().positive()).max(MAX_ROOM_MEMBERS).optional(),
  removeModerators: z.array(z.number().int().positive()).max(MAX_ROOM_MEMBERS).optional(),
});

/** Largest signed device list accepted (100 devices of ≤ 64-byte IDs), base64url characters. */
export const MAX_DEVICE_LIST_CHARS = 24 * 1024;

/**
 * An account's signed device lists since its last first list, oldest first (docs/protocol.md, "Device
 * lists and safety numbers"). The server checks shape and links; clients decide whether to trust them.
 */
export const DeviceListChain = z.object({ userId: z.number(), chain: z.array(b64.max(MAX_DEVICE_LIST_CHARS)).max(1000) });
export type DeviceListChain = z.infer<typeof DeviceListChain>;
export const DeviceListsResponse = z.object({ lists: z.array(DeviceListChain) });
/** PUT /v1/device-list: this device publishes the account's next list (or a first list: a reset). */
export const PublishDeviceList = z.object({ list: b64.min(1).max(MAX_DEVICE_LIST_CHARS) });

/**
 * Devices a sender encrypts to: every active device of every member (and the retention bot's), with
 * the members' signed device lists (clients encrypt only to devices a verified list names).
 */
export const ConversationDevices = z.object({
  devices: z.array(z.object({ userId: z.number(), deviceId: id, identitySignPub: b64, identityDhPub: b64 })),
  lists: z.array(DeviceListChain).optional(),
});

// ---------------------------------------------------------------------------------------------
// Messages as stored and delivered. `sk`: one sender-key ciphertext for every member device. `pw`:
// one Double Ratchet ciphertext per recipient device (a device receives only its own part). `sys`:
// a server record (membership change, deletion) in clear JSON. `rcpt`: a read receipt (1:1 only).

export const SendMessage = z.object({
  conv: id,
  messageId: id,
  kind: z.enum(['sk', 'pw']),
  body: b64.max(MAX_CIPHERTEXT_CHARS).optional(),
  parts: z.record(id, b64.max(MAX_CIPHERTEXT_CHARS)).optional(),
  /** Expiration timer (seconds, at most the group's maxTtl); without it the message expires after the sender's group maximum. */
  ttl: seconds.optional(),
  bor: seconds.optional(),
  files: z.array(id).max(20).optional(),
});
export type SendMessage = z.infer<typeof SendMessage>;

export const DeliveredMessage = z.object({
  conv: id,
  seq: z.number(),
  messageId: id,
  kind: z.enum(['sk', 'pw', 'sys', 'rcpt']),
  senderUserId: z.number(),
  senderDeviceId: z.string(),
  sentAt: z.number(),
  expiresAt: z.number().nullable(),
  bor: z.number().nullable(),
  body: z.string(),
  files: z.array(z.string()),
});
export type DeliveredMessage = z.infer<typeof DeliveredMessage>;

export const SystemEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('created'), by: z.number(), members: z.array(z.number()) }),
  z.object({ event: z.literal('members_added'), by: z.number(), members: z.array(z.number()) }),
  z.object({ event: z.literal('members_removed'), by: z.number(), members: z.array(z.number()) }),
  z.object({ event: z.literal('left'), by: z.number() }),
  z.object({ event: z.literal('updated'), by: z.number(), name: z.string().optional(), description: z.string().optional() }),
  z.object({ event: z.literal('moderators'), by: z.number(), added: z.array(z.number()), removed: z.array(z.number()) }),
  z.object({ event: z.literal('deleted_message'), by: z.number(), messageId: id }),
  z.object({ event: z.literal('devices_changed'), userId: z.number() }),
]);
export type SystemEvent = z.infer<typeof SystemEvent>;

export const ReceiptBody = z.object({ messageIds: z.array(id).min(1).max(500), state: z.literal('read') });

// ---------------------------------------------------------------------------------------------
// WebSocket frames (JSON text frames). The first client frame is `hello` with the session token.

export const ClientFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), token: z.string().min(1).max(200), protocol: z.literal(PROTOCOL_VERSION).optional() }),
  z.object({ t: z.literal('send'), req: z.string().max(64), msg: SendMessage }),
  /** Acknowledges everything up to `seq` in `conv` as received by this device (coalesced server-side). */
  z.object({ t: z.literal('ack'), conv: id, seq: z.number().int().min(0) }),
  z.object({ t: z.literal('delete'), req: z.string().max(64), conv: id, messageId: id }),
  z.object({ t: z.literal('receipt'), req: z.string().max(64), conv: id, messageIds: z.array(id).min(1).max(500) }),
  z.object({ t: z.literal('presence'), state: z.enum(['online', 'away']) }),
  z.object({ t: z.literal('ping'), req: z.string().max(64).optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), userId: z.number(), deviceId: id, policy: Policy }),
  z.object({ t: z.literal('msg'), m: DeliveredMessage }),
  /** A send committed. `expiresAt` (epoch ms, null: never) is the message's effective expiry as stored: its timer, else the sender's group maximum. */
  z.object({ t: z.literal('sent'), req: z.string(), conv: id, messageId: id, seq: z.number(), duplicate: z.boolean(), expiresAt: z.number().nullable().optional() }),
  z.object({ t: z.literal('ok'), req: z.string() }),
  z.object({ t: z.literal('error'), req: z.string().optional(), code: z.string(), message: z.string(), details: ErrorBody.shape.details }),
  z.object({ t: z.literal('conversation'), conversation: Conversation }),
  z.object({ t: z.literal('removed'), conv: id }),
  z.object({ t: z.literal('expired'), conv: id, messageIds: z.array(id) }),
  z.object({ t: z.literal('policy'), policy: Policy }),
  z.object({ t: z.literal('presence'), userId: z.number(), state: z.enum(['online', 'away', 'offline']) }),
  z.object({ t: z.literal('pong'), req: z.string().optional() }),
  /** Sent just before the server closes the socket (suspension, device reset, session end). */
  z.object({ t: z.literal('closing'), code: z.string(), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

// ---------------------------------------------------------------------------------------------
// Files

export const CreateFileRequest = z.object({
  /** Ciphertext size in bytes (chunks of FILE_CHUNK_CIPHERTEXT, the last one shorter). */
  size: z.number().int().min(1),
  /** Conversation the file will be sent to (membership is checked). */
  conv: id,
});
export const FileStatus = z.object({
  fileId: id,
  size: z.number(),
  chunkSize: z.number(),
  chunkCount: z.number(),
  received: z.array(z.number()),
  complete: z.boolean(),
});
export type FileStatus = z.infer<typeof FileStatus>;

// ---------------------------------------------------------------------------------------------
// Plaintext content inside the encryption (never seen by the server).

export const FileRef = z.object({
  fileId: id,
  name: z.string().max(255),
  mime: z.string().max(255),
  /** Plaintext size in bytes. */
  size: z.number().int().min(0).max(MAX_FILE_BYTES),
  /** Per-file key, base64url (32 bytes). */
  key: b64Key(32),
  /** SHA-256 of the whole ciphertext, base64url. */
  digest: b64Key(32),
  voiceMemo: z.object({ durationMs: z.number().int().min(0) }).optional(),
});
export type FileRef = z.infer<typeof FileRef>;

const contentBase = { sentAt: z.number(), ttl: seconds.optional(), bor: seconds.optional(), forwarded: z.boolean().optional() };

export const Content = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().max(20_000), replyTo: id.optional(), ...contentBase }),
  z.object({ type: z.literal('edit'), target: id, text: z.string().max(20_000), ...contentBase }),
  z.object({ type: z.literal('file'), file: FileRef, text: z.string().max(20_000).optional(), replyTo: id.optional(), ...contentBase }),
  z.object({ type: z.literal('location'), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), accuracy: z.number().min(0).optional(), ...contentBase }),
  /** A sender key distribution (pairwise only): keyId, iteration, chain key and signing public key. */
  z.object({ type: z.literal('sender_key'), conv: id, distribution: b64, ...contentBase }),
]);
export type Content = z.infer<typeof Content>;
