// Compatibility only: the security group rules moved to rules.ts. domain/federation imports these two
// names from here; remove this module once it imports them from rules.ts.
export { FEDERATION_ALL, FEDERATION_RESTRICTED } from './rules.js';
