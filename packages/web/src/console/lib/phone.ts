// Country code and phone number of a user as the server normalizes them (BatchCreateUser items and
// UpdateUser details, an Enclave extension: docs/api-compat.md). Pure; shared by the forms and the CSV
// validator.

/**
 * A country code as the server stores it (BatchCreateUser / UpdateUser extension): '' when not given,
 * 1–3 digits with a leading + dropped; undefined when it is not valid.
 */
export function normalizeCountryCode(raw: string): string | undefined {
  const v = raw.trim().replace(/^\+/, '');
  if (v === '') return '';
  return /^[0-9]{1,3}$/.test(v) ? v : undefined;
}

/** A phone number as the server stores it: digits only ('' when not given), 4–15 of them; undefined when not valid. */
export function normalizeCell(raw: string): string | undefined {
  const v = raw.trim().replace(/[\s().-]/g, '');
  if (v === '') return '';
  return /^[0-9]{4,15}$/.test(v) ? v : undefined;
}
