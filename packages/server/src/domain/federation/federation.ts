// The old path of the federation rules, kept for its importers (domain/networks/settings.ts): the
// rules are in rules.ts, the queries in repo.ts, their use by members in usecases/member/federation.ts.
export { allowsNetwork, effectiveBoundary, regionBoundary, type UserRef } from './rules.js';
