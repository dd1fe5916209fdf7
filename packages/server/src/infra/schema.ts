// Table types for Kysely. One schema for both dialects: booleans are stored as 0/1 integers and
// times as epoch milliseconds (bigint), so that every repository query is written once.
// Over 500 lines on purpose: one interface per table of the whole database, in one place, so that the
// Database type Kysely checks every query against is whole and a migration's table is easy to find.
import type { Generated } from 'kysely';

export interface AccountsTable {
  account_id: string;
  created_at: number;
  premium_trial_used: number;
}

export interface PrincipalsTable {
  principal_id: string;
  account_id: string;
  kind: string;
  name: string;
  arn: string;
  created_at: number;
}

export interface AccessKeysTable {
  access_key_id: string;
  principal_id: string;
  account_id: string;
  secret_ciphertext: string;
  status: string;
  created_at: number;
  last_used_at: number | null;
}

export interface NetworksTable {
  network_id: string;
  account_id: string;
  network_name: string;
  access_level: string;
  premium_free_trial: number;
  free_trial_expiration: number | null;
  standing: number;
  migration_state: number;
  encryption_key_arn: string | null;
  enable_client_metrics: number;
  read_receipt_status: string;
  data_retention: number;
  enable_trusted_data_format: number;
  created_at: number;
  /** Documented extensions (docs/api-compat.md), with database defaults. */
  consent_enabled: Generated<number>;
  consent_title: Generated<string>;
  consent_body: Generated<string>;
  consent_button: Generated<string>;
  consent_version: Generated<number>;
  idle_timeout_minutes: Generated<number>;
  /** 'GOVCLOUD', 'COMMERCIAL', or '' (the server region's: messaging/federation.ts). */
  classification_boundary: Generated<string>;
}

export interface NetworkTagsTable {
  network_id: string;
  tag_key: string;
  tag_value: string;
}

export interface SecurityGroupsTable {
  network_id: string;
  group_id: string;
  name: string;
  is_default: number;
  settings: string;
  modified: number;
  created_at: number;
}

export interface UsersTable {
  network_id: string;
  user_id: number;
  username: string;
  first_name: string;
  last_name: string;
  /** Lower-cased shadows of the names, for case-insensitive prefix filters. */
  first_name_lc: string;
  last_name_lc: string;
  status: number;
  suspended: number;
  is_admin: number;
  security_group_id: string;
  invite_code: string;
  invite_expiration: number;
  code_validation: number;
  uname: string;
  cell: string;
  country_code: string;
  otp_enabled: number;
  challenge_failures: number;
  rejected: number;
  created_at: number;
  modified: number;
  last_login: number | null;
  last_activity: number | null;
}

export interface BotsTable {
  network_id: string;
  bot_id: number;
  username: string;
  display_name: string;
  uname: string;
  pubkey: string;
  status: number;
  group_id: string;
  challenge_hash: string;
  suspended: number;
  created_at: number;
  last_login: number | null;
}

export interface DevicesTable {
  network_id: string;
  user_id: number;
  app_id: string;
  type: string;
  status: string;
  created_at: number;
  last_login: number | null;
}

export interface GuestUsersTable {
  network_id: string;
  username_hash: string;
  username: string;
  billing_period: string;
}

export interface GuestBlocksTable {
  network_id: string;
  username_hash: string;
  username: string;
  admin: string;
  modified: number;
}

export interface OidcConfigsTable {
  network_id: string;
  company_id: string;
  issuer: string;
  scopes: string;
  client_id: string;
  secret_ciphertext: string | null;
  custom_username: string;
  extra_auth_params: string;
  sso_token_buffer_minutes: number | null;
  application_id: number;
  modified: number;
}

export interface TdfConfigsTable {
  network_id: string;
  client_id: string;
  client_secret_ciphertext: string;
  domain: string;
  provider: string;
  modified: number;
}

export interface RetentionBotsTable {
  network_id: string;
  bot_name: string;
  challenge_hash: string | null;
  registered: number;
  active: number;
  pubkey_acked: number;
  created_at: number;
}

export interface IdempotencyRecordsTable {
  account_id: string;
  operation: string;
  client_token: string;
  request_hash: string;
  response_body: string;
  created_at: number;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface IamUserLoginsTable {
  principal_id: string;
  password_hash: string | null;
  mfa_secret_sealed: string | null;
  mfa_enabled: number;
  password_changed_at: number | null;
  mfa_enabled_at: Generated<number | null>;
}

export interface IamGroupMembersTable {
  group_principal_id: string;
  user_principal_id: string;
}

export interface IamPoliciesTable {
  policy_arn: string;
  /** null for AWS managed policies (AWSWickrFullAccess). */
  account_id: string | null;
  policy_id: string;
  policy_name: string;
  path: string;
  description: string;
  default_version_id: string;
  next_version: number;
  created_at: number;
  updated_at: number;
}

export interface IamPolicyVersionsTable {
  policy_arn: string;
  version_id: string;
  document: string;
  created_at: number;
}

export interface IamPolicyAttachmentsTable {
  policy_arn: string;
  principal_id: string;
}

export interface IamInlinePoliciesTable {
  principal_id: string;
  policy_name: string;
  document: string;
}

export interface ConsoleSessionsTable {
  /** SHA-256 of the session token; the token itself is only in the cookie. */
  session_hash: string;
  principal_id: string;
  account_id: string;
  csrf_hash: string;
  mfa_authenticated: number;
  source_ip: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface AuditEventsTable {
  seq: number;
  event_id: string;
  account_id: string;
  event_time: number;
  event_name: string;
  read_only: number;
  principal_arn: string;
  access_key_id: string;
  error_code: string | null;
  /** The CloudTrail record, JSON. */
  record: string;
}

export interface AuditDeliveriesTable {
  account_id: string;
  delivered_seq: number;
  last_digest_at: number | null;
  last_digest_signature: string | null;
  last_digest_hash: string | null;
  last_digest_key: string | null;
}

export interface AuditLogFilesTable {
  account_id: string;
  object_key: string;
  sha256: string;
  first_event_time: number;
  last_event_time: number;
  delivered_at: number;
  in_digest: number;
}


export interface MemberAccountsTable {
  network_id: string;
  user_id: number;
  password_hash: string;
  failed_attempts: number;
  locked_until: number | null;
  recovery_key_hash: string | null;
  registered_at: number;
  password_changed_at: number;
}

export interface DeviceKeysTable {
  device_id: string;
  network_id: string;
  user_id: number;
  client: string;
  approved: number;
  revoked: number;
  identity_sign_pub: string;
  identity_dh_pub: string;
  spk_id: number;
  spk_pub: string;
  spk_kem_pub: string;
  spk_signature: string;
  created_at: number;
}

export interface OneTimePrekeysTable {
  device_id: string;
  key_id: number;
  dh_pub: string;
}

export interface MemberSessionsTable {
  token_hash: string;
  device_id: string;
  network_id: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number | null;
}

/** An SSO authorization request in flight, then its one-time ticket (messaging/sso.ts). */
export interface SsoLoginsTable {
  state: string;
  network_id: string;
  /** Sealed JSON: nonce and PKCE code verifier. */
  secrets_ciphertext: string;
  /** SHA-256 of the secret the starting client keeps (only it can redeem the ticket). */
  binding_hash: string;
  created_at: number;
  expires_at: number;
  ticket_hash: string | null;
  user_id: number | null;
  /** Sealed JSON: refresh token and access-token lifetime from the code exchange. */
  tokens_ciphertext: string | null;
}

/** The IdP side of a member session signed in with SSO. */
export interface SsoSessionsTable {
  token_hash: string;
  network_id: string;
  user_id: number;
  refresh_ciphertext: string | null;
  refresh_due_at: number | null;
  refresh_failed_since: number | null;
  last_activity_at: number;
}

export interface MemberCodesTable {
  code_hash: string;
  /** 'device_approval' (from another device), 'email_approval', 'password_reset'. */
  purpose: string;
  network_id: string;
  user_id: number;
  device_id: string | null;
  expires_at: number;
}

export interface ConversationsTable {
  conv_id: string;
  network_id: string;
  kind: string;
  name: string;
  description: string;
  created_by: number;
  created_at: number;
  last_seq: number;
  dm_key: string | null;
  /** Deleted while a retention device had not read it to its end: no members, read by that device only. */
  deleted_at: Generated<number | null>;
}

export interface ConversationMembersTable {
  conv_id: string;
  network_id: string;
  user_id: number;
  role: string;
  joined_at: number;
}

export interface ConvMessagesTable {
  conv_id: string;
  seq: number;
  message_id: string;
  kind: string;
  sender_user_id: number;
  sender_device_id: string;
  sent_at: number;
  expires_at: number | null;
  bor: number | null;
  body: string;
  files: string;
  /** Deleted for everyone while a retention device had not received it yet (still delivered to it). */
  deleted_at: Generated<number | null>;
}

export interface ConvMessagePartsTable {
  conv_id: string;
  seq: number;
  device_id: string;
  body: string;
}

export interface DeviceCursorsTable {
  device_id: string;
  conv_id: string;
  seq: number;
}

export interface FilesTable {
  file_id: string;
  network_id: string;
  uploader_user_id: number;
  conv_id: string;
  size: number;
  chunk_count: number;
  complete: number;
  referenced: number;
  created_at: number;
}

export interface FileRefsTable {
  file_id: string;
  conv_id: string;
  seq: number;
}

/** Outgoing mail waiting for (or done with) delivery; see messaging/mailQueue.ts. */
export interface MailQueueTable {
  mail_id: string;
  /** 'invitation' (rendered from the user's row when it is sent). */
  kind: string;
  recipient: string;
  network_id: string | null;
  user_id: number | null;
  /** JSON; kind-specific. */
  payload: string;
  /** 'pending', 'sent', 'dropped' (no longer needed) or 'failed' (given up). */
  state: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

/** Signed device lists an account's devices published (migration 0010): the server stores and serves them; clients verify. */
export interface DeviceListsTable {
  network_id: string;
  user_id: number;
  version: number;
  /** The version of the first list of this row's chain (the last reset at or before it). */
  first_version: number;
  /** The encoded, signed list (base64url). */
  body: string;
  signer_device_id: string;
  created_at: number;
}

export interface Database {
  device_lists: DeviceListsTable;
  accounts: AccountsTable;
  principals: PrincipalsTable;
  access_keys: AccessKeysTable;
  networks: NetworksTable;
  network_tags: NetworkTagsTable;
  security_groups: SecurityGroupsTable;
  users: UsersTable;
  bots: BotsTable;
  devices: DevicesTable;
  member_accounts: MemberAccountsTable;
  device_keys: DeviceKeysTable;
  one_time_prekeys: OneTimePrekeysTable;
  member_sessions: MemberSessionsTable;
  member_codes: MemberCodesTable;
  sso_logins: SsoLoginsTable;
  sso_sessions: SsoSessionsTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  conv_messages: ConvMessagesTable;
  conv_message_parts: ConvMessagePartsTable;
  device_cursors: DeviceCursorsTable;
  files: FilesTable;
  file_refs: FileRefsTable;
  guest_users: GuestUsersTable;
  guest_blocks: GuestBlocksTable;
  oidc_configs: OidcConfigsTable;
  tdf_configs: TdfConfigsTable;
  retention_bots: RetentionBotsTable;
  idempotency_records: IdempotencyRecordsTable;
  counters: CountersTable;
  iam_user_logins: IamUserLoginsTable;
  iam_group_members: IamGroupMembersTable;
  iam_policies: IamPoliciesTable;
  iam_policy_versions: IamPolicyVersionsTable;
  iam_policy_attachments: IamPolicyAttachmentsTable;
  iam_inline_policies: IamInlinePoliciesTable;
  console_sessions: ConsoleSessionsTable;
  audit_events: AuditEventsTable;
  audit_deliveries: AuditDeliveriesTable;
  audit_log_files: AuditLogFilesTable;
  mail_queue: MailQueueTable;
  migrations_marker?: { id: Generated<number> };
}
