// @enclave/retention-bot: the data retention (compliance) bot. The command is main.ts
// (`enclave-retention-bot`); this module re-exports the pieces for tests and embedding.
export {};
