export * from '@enclave/admin-api'; // moved to packages/admin-api (@enclave/admin-api); kept so the server's imports stay as they were
