import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import checkFile from 'eslint-plugin-check-file';

/** Kysely's statement builders: SQL is written only in domain/<aggregate>/repo.ts and infra/ (docs/architecture.md). */
const SQL_BUILDERS = ['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto', 'selectNoFrom'];
const SQL_MESSAGE = 'SQL belongs in domain/<aggregate>/repo.ts (or infra/): call a repository function instead.';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'test-artifacts/**', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The server's layers: no SQL outside the repositories and the infrastructure.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/domain/*/repo.ts', 'packages/server/src/infra/**', 'packages/server/src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...SQL_BUILDERS.map((name) => ({ selector: `MemberExpression[property.name='${name}']`, message: SQL_MESSAGE })),
        { selector: "MemberExpression[property.name='schema'][object.name=/^(db|tx|trx)$/]", message: SQL_MESSAGE },
      ],
      'no-restricted-imports': ['error', { paths: [{ name: 'kysely', importNames: ['sql'], message: SQL_MESSAGE }] }],
    },
  },
  {
    // One file-naming convention across packages: kebab-case (as Kysely and the client do). Migrations
    // keep the name recorded in each database (0009_retention_holds.ts); a locale file is named by its
    // language tag (zh-TW.ts).
    files: ['packages/*/src/**/*.{ts,tsx}', 'test/**/*.ts', 'bench/**/*.{ts,mjs}', 'scripts/**/*.mjs'],
    ignores: ['packages/server/src/infra/migrations/**', '**/i18n/zh-TW.ts'],
    plugins: { 'check-file': checkFile },
    rules: {
      'check-file/filename-naming-convention': ['error', { '**/*.{ts,tsx,mjs}': 'KEBAB_CASE' }, { ignoreMiddleExtensions: true }],
      'check-file/folder-naming-convention': ['error', { '**/': 'KEBAB_CASE' }],
    },
  },
);
